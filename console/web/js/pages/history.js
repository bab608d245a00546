// Every query the server knows — run from the console, the API, dashboards
// or the shell — newest first, searchable, with status, time and figures.

import {el, clear, fmtInt, fmtBytes, fmtMillis, fmtTime, put} from '../dom.js';
import {getJSON} from '../api.js';

let filters = {q: '', status: '', source: ''};

export async function render(main) {
  const q = el('input', {type: 'search', placeholder: 'search the statement, error or ID', value: filters.q, 'data-testid': 'history-search', 'aria-label': 'Search'});
  const status = el('select', {'aria-label': 'Status'}, ['', 'FINISHED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'RUNNING', 'QUEUED'].map(s => el('option', {value: s, text: s || 'any status', selected: s === filters.status})));
  const source = el('select', {'aria-label': 'Run from'}, [['', 'run from anywhere'], ['console', 'console'], ['api', 'API'], ['dashboard', 'dashboards'], ['shell', 'shell']]
    .map(([v, t]) => el('option', {value: v, text: t, selected: v === filters.source})));
  const list = el('div', {class: 'history-list'});
  const count = el('span', {class: 'muted'});
  const load = async () => {
    filters = {q: q.value, status: status.value, source: source.value};
    const p = new URLSearchParams({q: filters.q, status: filters.status, source: filters.source, limit: '300'});
    const out = await getJSON('/console/api/history?' + p);
    count.textContent = out.total > out.queries.length ? `${out.queries.length} of ${out.total}` : `${out.total} queries`;
    clear(list, el('table', {class: 'data-table', 'data-testid': 'history'},
      el('thead', {}, el('tr', {}, ['Started', 'Status', 'From', 'Query', 'Time', 'Events scanned', 'Bytes', 'Rows'].map(h => el('th', {text: h})))),
      el('tbody', {}, out.queries.map(r => el('tr', {class: 'clickable', dataset: {id: r.id}, on: {click: () => { location.hash = '#/editor?query=' + r.id; }}},
        el('td', {class: 'nowrap', text: fmtTime(r.createdAt)}),
        el('td', {}, el('span', {class: 'status status-' + r.status.toLowerCase(), text: r.status})),
        el('td', {text: r.source || 'api'}),
        el('td', {class: 'stmt'}, el('code', {text: r.statement.length > 240 ? r.statement.slice(0, 240) + '…' : r.statement}),
          r.errorMessage ? el('div', {class: 'err-line', text: r.errorMessage}) : null, r.queryAlias ? el('div', {class: 'muted', text: r.queryAlias}) : null),
        el('td', {class: 'num nowrap', text: fmtMillis(r.executionTimeInMillis)}),
        el('td', {class: 'num', text: fmtInt(r.eventsScanned)}),
        el('td', {class: 'num nowrap', text: fmtBytes(r.bytesScanned)}),
        el('td', {class: 'num', text: r.noResults ? fmtInt(r.rows) + ' (printed)' : fmtInt(r.rows)}))))));
  };
  let timer = null;
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(load, 200); });
  status.addEventListener('change', load);
  source.addEventListener('change', load);
  put(main, el('div', {class: 'page'},
    el('div', {class: 'page-head'}, el('h1', {text: 'Query history'}), count, el('span', {class: 'spacer'}), q, status, source,
      el('button', {type: 'button', text: 'Refresh', on: {click: load}})),
    el('p', {class: 'hint', text: 'Queries of the last seven days (the results retention). Click one to open it in the editor with its result; the shell\'s runs printed their rows, which were not kept.'}),
    list));
  await load();
}
