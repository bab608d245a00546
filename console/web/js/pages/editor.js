// The editor page: the schema, samples and functions beside the editor,
// the toolbar (run, explain, time range, save), and the result below.

import {el, clear, toast, dialog, field, fmtInt, fmtTime, put} from '../dom.js';
import {getJSON, send, ApiError} from '../api.js';
import {state, storeName} from '../app.js';
import {Editor} from '../editor.js';
import {ResultPanel} from '../results.js';
import {TimeRange} from '../timerange.js';

let page = null; // the live page, kept across visits so the result stays

/** Replaces $EDS_ID by the store's ID, noting each replacement so an error
 * position in the text sent maps back to the text typed. */
function substitute(text, storeId) {
  const repls = [];
  const out = text.replace(/\$EDS_ID\b/g, (m, off) => {
    repls.push({at: off, from: m.length, to: storeId.length});
    return storeId;
  });
  return {text: out, repls};
}

/** The offset in the typed text of (line, col) in the text sent. */
function mapBack(sent, line, col, repls, prefixLen) {
  const lines = sent.split('\n');
  let pos = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) pos += lines[i].length + 1;
  pos += Array.from(lines[line - 1] || '').slice(0, col - 1).join('').length;
  pos -= prefixLen;
  // Replacements, in order, each moved later text by (to - from).
  let shift = 0;
  for (const r of repls) {
    const start = r.at + shift; // where it begins in the sent text
    if (pos >= start + r.to) shift += r.to - r.from;
    else if (pos >= start) return r.at;
    else break;
  }
  return Math.max(0, pos - shift);
}

function schemaTree(cols, path, insert) {
  return el('ul', {class: 'schema-list'}, cols.map(c => {
    const full = path ? path + '.' + c.name : c.name;
    const name = el('button', {type: 'button', class: 'schema-name', title: 'Insert ' + full, text: c.name, on: {click: () => insert(full)}});
    const type = el('span', {class: 'schema-type', text: c.type.length > 40 ? c.type.replace(/\(.*\)/, '(…)') : c.type, title: c.type});
    if (c.children && c.children.length) {
      return el('li', {}, el('details', {}, el('summary', {}, name, type), schemaTree(c.children, /^array/.test(c.type) ? '' : full, insert)));
    }
    if (/^map\(/.test(c.type) && !path) {
      const keys = el('ul', {class: 'schema-list schema-keys'}, el('li', {class: 'muted', text: 'sampling keys…'}));
      const det = el('details', {'data-testid': 'schema-map-' + c.name, on: {toggle: async () => {
        if (!det.open || det.dataset.loaded || !state.store) return;
        det.dataset.loaded = '1';
        try {
          const out = await getJSON(`/console/api/mapkeys?store=${encodeURIComponent(state.store)}&column=${encodeURIComponent(c.name)}`);
          clear(keys);
          if (!out.keys.length) put(keys, el('li', {class: 'muted', text: 'no keys in the newest events'}));
          for (const k of out.keys) {
            const expr = `element_at(${c.name}, '${k.key.replace(/'/g, "''")}')`;
            put(keys, el('li', {}, el('button', {type: 'button', class: 'schema-name', title: 'Insert ' + expr, text: k.key, on: {click: () => insert(expr)}}),
              el('span', {class: 'schema-type', text: fmtInt(k.events)})));
          }
          put(keys, el('li', {class: 'hint', text: `keys of the newest ${fmtInt(out.sampled)} events that have ${c.name}`}));
        } catch (e) { clear(keys, el('li', {class: 'result-error', text: e.message})); }
      }}}, el('summary', {}, name, type), keys);
      return el('li', {}, det);
    }
    return el('li', {}, name, type);
  }));
}

class EditorPage {
  constructor() {
    this.root = el('div', {class: 'editor-page'});
    this.side = el('aside', {class: 'sidebar'});
    this.toolbar = el('div', {class: 'toolbar'});
    this.editorHost = el('div', {class: 'editor-host'});
    this.resultHost = el('div', {class: 'result-host'});
    put(this.root, this.side, el('section', {class: 'work'}, this.toolbar, this.editorHost, this.resultHost));
    this.editor = new Editor(this.editorHost, {
      catalog: () => state.catalog,
      onRun: kind => this.run(kind === 'explain' ? 'EXPLAIN ' : ''),
      onChange: v => localStorage.setItem('ctlake.draft', v),
    });
    this.results = new ResultPanel(this.resultHost, {
      onError: (line, col, msg) => this.markError(line, col, msg),
      onRerun: (stmt, note) => this.start(stmt, null, note), // its errors do not point into the editor
    });
    this.time = new TimeRange(() => localStorage.setItem('ctlake.range', JSON.stringify(this.time.state())));
    try { this.time.set(JSON.parse(localStorage.getItem('ctlake.range') || '{}')); } catch { /* default */ }
    this.savedId = '';
    this.savedLabel = el('span', {class: 'muted saved-label'});
    put(this.toolbar, 
      el('button', {type: 'button', class: 'primary', 'data-testid': 'run', title: 'Run the query, or the selection (Ctrl+Enter)', text: '▶ Run', on: {click: () => this.run('')}}),
      el('button', {type: 'button', 'data-testid': 'explain', title: 'Show the plan (Ctrl+Shift+Enter)', text: 'Explain', on: {click: () => this.run('EXPLAIN ')}}),
      el('button', {type: 'button', 'data-testid': 'explain-analyze', title: 'Run and show the plan with its figures', text: 'Explain analyze', on: {click: () => this.run('EXPLAIN ANALYZE ')}}),
      el('span', {class: 'toolbar-sep'}), el('span', {class: 'muted', text: 'Time range'}), this.time.root,
      el('span', {class: 'spacer'}), this.savedLabel,
      el('button', {type: 'button', 'data-testid': 'save', text: 'Save…', on: {click: () => this.save()}}));
    this.editor.value = localStorage.getItem('ctlake.draft') || 'SELECT eventTime, eventSource, eventName, userIdentity.arn\nFROM $EDS_ID\nORDER BY eventTime DESC\nLIMIT 100';
    this.drawSide('schema');
    window.addEventListener('ctlake-store', () => { if (this.sideTab === 'schema') this.drawSide('schema'); });
  }

  drawSide(tab) {
    this.sideTab = tab;
    const cat = state.catalog;
    const tabs = el('div', {class: 'tabs side-tabs'}, [['schema', 'Schema'], ['samples', 'Samples'], ['functions', 'Functions']].map(([t, label]) =>
      el('button', {type: 'button', class: tab === t ? 'tab active' : 'tab', 'data-testid': 'side-' + t, text: label, on: {click: () => this.drawSide(t)}})));
    const body = el('div', {class: 'side-body'});
    clear(this.side, tabs, body);
    const insert = text => { this.editor.insertAtCursor(text); };
    if (tab === 'schema') {
      const st = cat.stores.find(s => s.id === state.store);
      put(body, st ? el('div', {class: 'side-store'}, el('strong', {text: st.name}), el('div', {class: 'muted', text: fmtInt(st.events) + ' events'}),
        st.minEventTime ? el('div', {class: 'muted', text: fmtTime(st.minEventTime) + ' –'}) : null, st.maxEventTime ? el('div', {class: 'muted', text: fmtTime(st.maxEventTime)}) : null,
        el('button', {type: 'button', class: 'link', text: 'Insert the store ID', on: {click: () => insert(st.id)}}))
        : el('div', {class: 'muted', text: 'No store yet: create one on the Event data stores page.'}),
      el('p', {class: 'hint', text: 'Click a name to insert it; structs open to their fields, maps to the keys seen in the newest events.'}),
      el('div', {'data-testid': 'schema'}, schemaTree(cat.columns, '', insert)));
    } else if (tab === 'samples') {
      put(body, el('p', {class: 'hint', text: 'Sample queries; $EDS_ID is the store chosen at the top.'}),
        el('ul', {class: 'samples'}, cat.samples.map((s, i) => el('li', {}, el('button', {type: 'button', class: 'sample', 'data-testid': 'sample-' + i, on: {click: () => {
          this.editor.value = s.sql.replace(/\$EDS_ID\b/g, state.store || '$EDS_ID');
          this.savedId = '';
          this.savedLabel.textContent = '';
          this.editor.focus();
        }}}, el('strong', {text: s.title}), el('span', {class: 'muted', text: s.description}))))));
    } else {
      const filter = el('input', {type: 'search', placeholder: 'filter functions', 'aria-label': 'Filter functions'});
      const list = el('ul', {class: 'functions'});
      const draw = () => {
        const f = filter.value.toLowerCase();
        clear(list, cat.functions.filter(x => x.name.includes(f)).map(x => el('li', {},
          el('button', {type: 'button', class: 'schema-name', text: x.name, on: {click: () => insert(x.name + '(')}}),
          x.aggregate ? el('span', {class: 'ci-kind kind-aggregate', text: 'aggregate'}) : null,
          el('div', {class: 'fn-sigs'}, x.signatures.map(s => el('code', {text: x.name + s}))))));
      };
      filter.addEventListener('input', draw);
      put(body, filter, list);
      draw();
    }
  }

  markError(line, col, message) {
    const job = this.job;
    if (!job) return;
    const off = mapBack(job.text, line, col, job.repls, job.prefix);
    const typed = job.selStart >= 0 ? job.selStart + off : off;
    const v = this.editor.value;
    const before = v.slice(0, typed);
    const l = before.split('\n').length;
    const c = Array.from(before.slice(before.lastIndexOf('\n') + 1)).length + 1;
    const shown = message.replace(/^\d+:\d+: /, '');
    this.editor.setError(l, c, `${l}:${c}: ${shown}`);
  }

  async run(prefix) {
    const sel = this.editor.selection();
    const text = sel.text.trim() ? sel.text : this.editor.value;
    if (!text.trim()) { toast('Nothing to run'); return; }
    if (/\$EDS_ID\b/.test(text) && !state.store) { toast('Choose a store first: the query reads $EDS_ID', true); return; }
    const sub = substitute(text, state.store);
    const stmt = prefix + sub.text;
    this.editor.clearError();
    await this.start(stmt, {text: stmt, repls: sub.repls, prefix: prefix.length, selStart: sel.text.trim() ? sel.start : -1},
      sel.text.trim() ? 'the selection' : '');
  }

  async start(stmt, job, note) {
    this.job = job;
    const r = this.time.range();
    try {
      const out = await send('POST', '/console/api/queries', {statement: stmt, from: r.from, to: r.to});
      const scope = r.from || r.to ? 'time range ' + this.time.label() : '';
      history.replaceState(null, '', '#/editor?query=' + out.queryId);
      await this.results.show(out.queryId, [note, scope].filter(Boolean).join(' · '));
    } catch (e) {
      if (e instanceof ApiError && e.line) {
        this.results.showError(e.message);
        this.markError(e.line, e.col, e.message);
      } else {
        this.results.showError(e.message);
      }
    }
  }

  async save() {
    let cur = null;
    if (this.savedId) {
      try { cur = (await getJSON('/console/api/saved')).saved.find(q => q.id === this.savedId); } catch { /* new */ }
    }
    const name = el('input', {type: 'text', required: true, maxlength: 128, 'data-testid': 'save-name', value: cur ? cur.name : ''});
    const desc = el('textarea', {rows: 3, maxlength: 1000, 'data-testid': 'save-description', value: cur ? cur.description || '' : ''});
    const asNew = el('input', {type: 'checkbox'});
    const body = el('div', {}, field('Name', name), field('Description', desc),
      cur ? el('label', {class: 'check'}, asNew, ' Save as a new query') : null,
      el('p', {class: 'hint', text: '$EDS_ID stays in the saved text; it stands for the store chosen when the query runs.'}));
    const saved = await dialog('Save query', body, 'Save', async () => {
      const q = {name: name.value, description: desc.value, statement: this.editor.value};
      return cur && !asNew.checked ? send('PUT', '/console/api/saved/' + cur.id, q) : send('POST', '/console/api/saved', q);
    });
    if (saved) {
      this.savedId = saved.id;
      this.savedLabel.textContent = 'Saved query: ' + saved.name;
      toast('Saved “' + saved.name + '”');
    }
  }

  async open(params) {
    const qid = params.get('query');
    const sid = params.get('saved');
    if (sid) {
      const q = (await getJSON('/console/api/saved')).saved.find(x => x.id === sid);
      if (!q) { toast('That saved query is gone', true); return; }
      this.editor.value = q.statement;
      this.savedId = q.id;
      this.savedLabel.textContent = 'Saved query: ' + q.name;
      history.replaceState(null, '', '#/editor');
      if (params.get('run')) this.run('');
    } else if (qid && qid !== (this.results.id || '')) {
      const rec = await getJSON('/console/api/queries/' + qid);
      if (params.get('load') !== '0') this.editor.value = rec.statement;
      this.job = {text: rec.statement, repls: [], prefix: 0, selStart: -1};
      this.results.show(qid, rec.source && rec.source !== 'console' ? 'run by ' + rec.source : '');
    }
  }
}

export async function render(main, r) {
  if (!page) page = new EditorPage();
  put(main, page.root);
  page.drawSide(page.sideTab || 'schema');
  await page.open(r.params);
  page.editor.render();
}

export function leave() {}

export {storeName};
