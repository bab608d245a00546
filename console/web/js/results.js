// The result of one query: its state while it runs (with Cancel), then a
// grid, a chart or the plan, the statistics under it and the downloads.

import {el, clear, put, fmtInt, fmtBytes, fmtMillis, fmtTime, toast, copyText} from './dom.js';
import {getJSON, send, csrfToken, rowValues, sleep} from './api.js';
import {Grid, isNestedType} from './grid.js';
import {jsonTree} from './jsonview.js';
import {autoSpec, renderChart, chartKinds} from './chart.js';
import {planTree} from './plan.js';

// A result of at most this many rows is sorted in the browser, all of it
// loaded; a larger one is sorted by running the query again with ORDER BY.
const LOCAL_SORT_MAX = 5000;
// A chart draws at most this many rows (the first ones).
const CHART_MAX = 5000;

/** Reads rows start..start+count as value arrays. */
async function fetchRows(id, start, count) {
  const out = [];
  while (out.length < count) {
    const page = await getJSON(`/console/api/queries/${id}/rows?start=${start + out.length}&count=${Math.min(2000, count - out.length)}`);
    if (!page.count) break;
    for (const r of page.rows) out.push(rowValues(r));
  }
  return out;
}

export class ResultPanel {
  /** opts: {onError(line, col, message), onRerun(statement, note)} */
  constructor(host, opts) {
    this.opts = opts;
    this.bar = el('div', {class: 'result-bar'});
    this.body = el('div', {class: 'result-body'});
    this.stats = el('div', {class: 'result-stats', 'data-testid': 'stats'});
    this.drawer = el('aside', {class: 'json-drawer', hidden: true, 'data-testid': 'json-drawer'});
    this.root = el('section', {class: 'results', 'aria-label': 'Results'}, this.bar, el('div', {class: 'result-main'}, this.body, this.drawer), this.stats);
    put(host, this.root);
    this.view = 'grid';
    this.showEmpty();
  }

  showEmpty() {
    clear(this.bar);
    clear(this.stats);
    clear(this.body, el('div', {class: 'result-empty', text: 'Run a query (Ctrl+Enter, ⌘+Enter on a Mac) to see its results here. Ctrl+Shift+Enter explains it.'}));
  }

  /** Follows query id until it ends, then shows its result. */
  async show(id, note) {
    const token = {};
    this.token = token;
    this.id = id;
    this.note = note || '';
    this.sort = null;
    this.sorting = null;
    this.local = null;
    this.chartSpec = null;
    this.fresh = true;
    this.closeDrawer();
    if (this.grid) { this.grid.destroy(); this.grid = null; }
    let wait = 60;
    let rec;
    for (;;) {
      try {
        rec = await getJSON('/console/api/queries/' + id);
      } catch (e) {
        if (this.token !== token) return;
        this.showError(e.message);
        return;
      }
      if (this.token !== token) return;
      if (rec.status !== 'QUEUED' && rec.status !== 'RUNNING') break;
      this.drawRunning(rec);
      await sleep(wait);
      wait = Math.min(1000, wait * 1.5);
    }
    this.rec = rec;
    this.drawDone();
  }

  drawRunning(rec) {
    clear(this.bar, 
      el('span', {class: 'status status-' + rec.status.toLowerCase(), 'data-testid': 'status', text: rec.status}),
      el('span', {class: 'muted', text: rec.status === 'RUNNING' ? fmtMillis(rec.executionTimeInMillis) : 'waiting for a runner'}),
      el('button', {type: 'button', class: 'danger', 'data-testid': 'cancel', text: 'Cancel', on: {click: () => this.cancel()}}));
    if (!this.body.querySelector('.result-running')) clear(this.body, el('div', {class: 'result-running', text: 'The query is running…'}));
    clear(this.stats);
  }

  async cancel() {
    if (!this.id) return;
    try {
      await send('POST', `/console/api/queries/${this.id}/cancel`);
    } catch (e) {
      toast(e.message, true);
    }
  }

  showError(message) {
    clear(this.body, el('div', {class: 'result-error', 'data-testid': 'result-error', text: message}));
  }

  drawDone() {
    const rec = this.rec;
    const views = [];
    if (rec.plan) views.push(['plan', 'Plan']);
    if (rec.hasResults) views.push(['grid', 'Grid'], ['chart', 'Chart']);
    if (this.fresh) {
      // A plan shows as a plan; a table keeps the view last chosen.
      this.fresh = false;
      this.view = rec.plan ? 'plan' : (this.view === 'plan' ? 'grid' : this.view);
    }
    if (!views.find(v => v[0] === this.view)) this.view = views.length ? views[0][0] : 'grid';
    const tabs = el('span', {class: 'tabs', role: 'tablist'}, views.map(([v, label]) => el('button', {type: 'button', role: 'tab', class: this.view === v ? 'tab active' : 'tab', 'data-testid': 'view-' + v, text: label,
      on: {click: () => { this.view = v; this.drawDone(); }}})));
    const dl = rec.hasResults && !rec.plan ? el('span', {class: 'downloads', title: 'Downloads run the query again on the server and write ' + 'the result typed, as ctlake query --format does'},
      'Download', ['csv', 'json', 'parquet'].map(f => el('a', {class: 'button', href: `/console/api/queries/${rec.id}/export?format=${f}&csrf=${encodeURIComponent(csrfToken())}`, download: `ctlake-${rec.id.slice(0, 8)}.${f}`, 'data-testid': 'download-' + f, text: f.toUpperCase()}))) : null;
    clear(this.bar, 
      el('span', {class: 'status status-' + rec.status.toLowerCase(), 'data-testid': 'status', text: rec.status}),
      rec.hasResults ? el('span', {class: 'muted', 'data-testid': 'row-count', text: fmtInt(rec.rows) + (rec.rows === 1 ? ' row' : ' rows')}) : null,
      this.note ? el('span', {class: 'note', text: this.note}) : null,
      tabs, el('span', {class: 'spacer'}), dl);
    this.drawStats();
    if (rec.status === 'FAILED' || rec.status === 'CANCELLED' || (rec.status === 'TIMED_OUT' && !rec.hasResults)) {
      this.showError(rec.errorMessage || rec.status);
      if (rec.status === 'FAILED' && rec.errorLine) this.opts.onError && this.opts.onError(rec.errorLine, rec.errorCol, rec.errorMessage);
      return;
    }
    if (rec.status === 'TIMED_OUT') put(this.bar, el('span', {class: 'warn', text: rec.errorMessage}));
    if (this.view === 'plan' && rec.plan) { clear(this.body, planTree(rec.plan, /^\s*explain\s+analyze/i.test(rec.statement))); return; }
    if (this.view === 'chart') { this.drawChart(); return; }
    this.drawGrid();
  }

  drawStats() {
    const r = this.rec;
    const s = r.scan || {};
    const item = (k, v, tid) => el('span', {class: 'stat', 'data-testid': tid}, el('span', {class: 'stat-k', text: k}), el('span', {class: 'stat-v', text: v}));
    clear(this.stats, 
      item('events scanned', fmtInt(r.eventsScanned), 'stat-scanned'),
      item('events matched', fmtInt(r.eventsMatched), 'stat-matched'),
      item('bytes scanned', fmtBytes(r.bytesScanned)),
      item('time', fmtMillis(r.executionTimeInMillis)),
      item('files', `${fmtInt(s.filesRead)} read, ${fmtInt(s.filesSkipped)} skipped`, 'stat-files'),
      item('stripes', `${fmtInt(s.stripesRead)} read, ${fmtInt(s.stripesSkipped)} skipped`),
      item('row groups', `${fmtInt(s.rowGroupsRead)} read, ${fmtInt(s.rowGroupsSkipped)} skipped`),
      r.timeFrom || r.timeTo ? item('time range', (r.timeFrom ? fmtTime(r.timeFrom) : '…') + ' – ' + (r.timeTo ? fmtTime(r.timeTo) : '…')) : null,
      item('query', r.id.slice(0, 8)));
    if (r.snapshotChanged) put(this.stats, el('span', {class: 'warn', text: 'Events were ingested since this ran: a download re-runs the query and may differ.'}));
  }

  drawGrid() {
    const rec = this.rec;
    const host = el('div', {class: 'grid-host'});
    clear(this.body, host);
    if (this.sort && this.local) {
      host.before(el('div', {class: 'sort-note', text: `Sorted in the browser by ${rec.columns[this.sort.col].name} over all ${fmtInt(rec.rows)} rows.`}));
    }
    const local = this.local;
    this.grid = new Grid(host, {
      columns: rec.columns,
      total: rec.rows,
      sort: this.sort,
      fetchPage: local ? (start, count) => Promise.resolve(local.slice(start, start + count)) : (start, count) => fetchRows(rec.id, start, count),
      // Sorts run one after another: a second click while the rows of
      // the first are loading reverses the order the first one set.
      onSort: col => { this.sorting = (this.sorting || Promise.resolve()).catch(() => {}).then(() => this.sortBy(col)); },
      onOpen: (v, col, row) => this.openValue(v, col, row),
    });
  }

  async sortBy(col) {
    const rec = this.rec, token = this.token;
    const desc = this.sort && this.sort.col === col ? !this.sort.desc : false;
    const name = rec.columns[col].name;
    if (rec.rows > LOCAL_SORT_MAX) {
      // Sorting the loaded pages would sort a window, not the result.
      const body = el('div', {class: 'sort-offer'},
        el('p', {text: `This result has ${fmtInt(rec.rows)} rows; the grid holds only the pages in view. Sorting it means running the query again, ordered by ${name}.`}),
        el('button', {type: 'button', class: 'primary', 'data-testid': 'rerun-sorted', text: `Run again ordered by ${name}${desc ? ' (descending)' : ''}`, on: {click: () => {
          const stmt = rec.statement.replace(/;\s*$/, '');
          this.opts.onRerun && this.opts.onRerun(`SELECT * FROM (\n${stmt}\n) ORDER BY ${col + 1}${desc ? ' DESC' : ''}`, `ordered by ${name}${desc ? ' descending' : ''} (query run again)`);
        }}}),
        el('button', {type: 'button', text: 'Keep the order', on: {click: () => offer.remove()}}));
      const offer = body;
      this.body.prepend(offer);
      return;
    }
    if (!this.local) {
      try {
        const rows = await fetchRows(rec.id, 0, rec.rows);
        if (this.token !== token) return; // another result came meanwhile
        this.local = rows;
      } catch (e) { toast(e.message, true); return; }
    }
    const type = rec.columns[col].type;
    const numeric = /^(bigint|double|integer|real|decimal)/.test(type);
    const cmp = (a, b) => {
      const x = a[col], y = b[col];
      if (x === y) return 0;
      if (x === null) return 1; // NULLs last either way, as Trino's default
      if (y === null) return -1;
      const d = numeric ? Number(x) - Number(y) : (x < y ? -1 : 1);
      return desc ? -d : d;
    };
    this.local.sort(cmp);
    this.sort = {col, desc};
    if (this.grid) this.grid.destroy();
    this.drawGrid();
  }

  openValue(v, col, row) {
    clear(this.drawer, 
      el('div', {class: 'drawer-head'}, el('strong', {text: col.name}), el('span', {class: 'muted', text: `row ${row + 1}`}),
        el('span', {class: 'spacer'}),
        el('button', {type: 'button', text: 'Copy', on: {click: () => copyText(v === null ? 'NULL' : String(v)).then(() => toast('Value copied'))}}),
        el('button', {type: 'button', 'aria-label': 'Close', text: '×', on: {click: () => this.closeDrawer()}})),
      el('div', {class: 'drawer-type', title: col.type, text: col.type}),
      v === null ? el('div', {class: 'null', text: 'NULL'}) : (isNestedType(col.type, col.name) || /^[[{]/.test(String(v)) ? jsonTree(v) : el('pre', {class: 'j-text', text: String(v)})));
    this.drawer.hidden = false;
  }

  closeDrawer() { this.drawer.hidden = true; clear(this.drawer); }

  async drawChart() {
    const rec = this.rec;
    const host = el('div', {class: 'chart-host', 'data-testid': 'chart'});
    const controls = el('div', {class: 'chart-controls'});
    clear(this.body, controls, host);
    let rows;
    try {
      rows = this.local || await fetchRows(rec.id, 0, Math.min(rec.rows, CHART_MAX));
    } catch (e) { this.showError(e.message); return; }
    if (this.rec !== rec || this.view !== 'chart') return;
    const cols = rec.columns;
    let spec = this.chartSpec || autoSpec(cols);
    const colSel = (label, key, allowNone) => el('label', {}, label, el('select', {on: {change: e => {
      const v = Number(e.target.value);
      spec = {...spec, [key]: key === 'y' ? [v] : v};
      this.chartSpec = spec;
      renderChart(host, cols, rows, spec);
    }}}, allowNone ? el('option', {value: -1, text: '(none)', selected: spec && spec[key] === -1}) : null,
    cols.map((c, i) => el('option', {value: i, text: c.name, selected: spec && (key === 'y' ? spec.y[0] === i : spec[key] === i)}))));
    if (spec) {
      put(controls, el('label', {}, 'Chart', el('select', {'data-testid': 'chart-kind', on: {change: e => { spec = {...spec, kind: e.target.value}; this.chartSpec = spec; renderChart(host, cols, rows, spec); }}},
        Object.entries(chartKinds).map(([k, label]) => el('option', {value: k, text: label, selected: spec.kind === k})))),
      colSel('X', 'x'), colSel('Value', 'y'), colSel('Split by', 'series', true));
    }
    if (rec.rows > rows.length) put(controls, el('span', {class: 'note', text: `Drawn from the first ${fmtInt(rows.length)} of ${fmtInt(rec.rows)} rows.`}));
    renderChart(host, cols, rows, spec);
  }
}
