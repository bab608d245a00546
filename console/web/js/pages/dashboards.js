// Dashboards: the managed ones (Highlights, IAM, S3 data events, EC2 and
// network, Bedrock), built into ctlake serve, and custom ones of up to 10
// widgets, each a saved query with a chart kind. All of it goes through
// the Lake dashboard operations (ListDashboards, GetDashboard,
// StartDashboardRefresh, ...): a refresh runs every widget's query, found
// again by its alias and the refresh ID, as Lake's own console does.

import {el, clear, toast, dialog, field, fmtInt, fmtMillis, fmtTime, put} from '../dom.js';
import {getJSON, lake, rowValues, sleep} from '../api.js';
import {state, storeName, setStore} from '../app.js';
import {TimeRange} from '../timerange.js';
import {autoSpec, renderChart, table} from '../chart.js';

const MANAGED = {
  'AWSCloudTrail-Highlights': ['Highlights', 'Activity at a glance: events over time, top services, APIs, errors and principals, console sign-ins, access denied, new IAM users, keys and policies, regions.'],
  'AWSCloudTrail-IAMActivity': ['IAM activity', 'Changes to users, roles, keys and policies, who made them and what failed.'],
  'AWSCloudTrail-S3DataEvents': ['S3 data events', 'Object-level S3 activity: buckets, operations, principals and errors.'],
  'AWSCloudTrail-EC2NetworkChanges': ['EC2 and network changes', 'Instances, security groups, VPC changes and network activity denied.'],
  'AWSCloudTrail-BedrockActivity': ['Bedrock and AI activity', 'Model invocations, callers and errors of Amazon Bedrock.'],
};

const VIEWS = {Auto: 'Automatic', LineChart: 'Time series', BarChart: 'Bars', StackedBarChart: 'Stacked bars', Number: 'Numbers', Table: 'Table'};

const nameOf = arn => arn.slice(arn.lastIndexOf('/') + 1);
const titleOf = name => (MANAGED[name] ? MANAGED[name][0] : name);

let timer = null;
let liveRange = null;

export function leave() { clearInterval(timer); timer = null; }

export async function render(main, r) {
  leave();
  const [name, action] = r.parts;
  if (!name) return renderList(main);
  if (name === 'new') return renderEdit(main, null);
  if (action === 'edit') return renderEdit(main, name);
  return renderDashboard(main, name);
}

async function renderList(main) {
  const out = await lake('ListDashboards', {});
  const items = out.Dashboards.map(d => ({name: nameOf(d.DashboardArn), type: d.Type}));
  items.sort((a, b) => (a.type === b.type ? 0 : a.type === 'MANAGED' ? -1 : 1) || (a.type === 'MANAGED' ? Object.keys(MANAGED).indexOf(a.name) - Object.keys(MANAGED).indexOf(b.name) : a.name.localeCompare(b.name)));
  const card = d => el('a', {class: 'dash-card', href: '#/dashboards/' + encodeURIComponent(d.name), 'data-testid': 'dashboard-' + d.name},
    el('strong', {text: titleOf(d.name)}), el('span', {class: 'badge', text: d.type === 'MANAGED' ? 'managed' : 'custom'}),
    el('p', {class: 'muted', text: MANAGED[d.name] ? MANAGED[d.name][1] : d.name}));
  put(main, el('div', {class: 'page'},
    el('div', {class: 'page-head'}, el('h1', {text: 'Dashboards'}), el('span', {class: 'spacer'}),
      el('a', {class: 'button primary', href: '#/dashboards/new', 'data-testid': 'new-dashboard', text: 'New dashboard'})),
    el('h2', {text: 'Managed'}), el('div', {class: 'dash-cards'}, items.filter(d => d.type === 'MANAGED').map(card)),
    el('h2', {text: 'Custom'}), items.some(d => d.type !== 'MANAGED') ? el('div', {class: 'dash-cards'}, items.filter(d => d.type !== 'MANAGED').map(card))
      : el('p', {class: 'muted', text: 'None yet: a custom dashboard holds up to 10 widgets, each a saved query drawn as a chart.'})));
}

/** The chart spec a widget's view asks for, over the result's columns. */
function specFor(view, cols) {
  const auto = autoSpec(cols);
  const num = cols.findIndex(c => /^(bigint|double|integer)/.test(c.type));
  const cats = cols.map((c, i) => (!/^(bigint|double|integer|timestamp|date)/.test(c.type) ? i : -1)).filter(i => i >= 0);
  const time = cols.findIndex(c => /^(timestamp|date)/.test(c.type));
  switch (view) {
  case 'LineChart': return time >= 0 && num >= 0 ? {kind: 'line', x: time, y: [num], series: cats.length ? cats[0] : -1} : auto;
  case 'BarChart': return cats.length && num >= 0 ? {kind: 'bar', x: cats[0], y: [num], series: -1} : auto;
  case 'StackedBarChart': return cats.length >= 2 && num >= 0 ? {kind: 'stacked', x: cats[0], y: [num], series: cats[1]} : auto;
  case 'Number': return {kind: 'number', x: -1, y: cols.map((_, i) => i), series: -1};
  case 'Table': return {kind: 'table'};
  }
  return auto || {kind: 'table'};
}

async function waitQuery(id) {
  let wait = 80;
  for (;;) {
    const rec = await getJSON('/console/api/queries/' + id);
    if (rec.status !== 'QUEUED' && rec.status !== 'RUNNING') return rec;
    await sleep(wait);
    wait = Math.min(1000, wait * 1.5);
  }
}

async function renderDashboard(main, name) {
  const d = await lake('GetDashboard', {DashboardId: name});
  const managed = d.Type === 'MANAGED';
  const grid = el('div', {class: 'widgets', 'data-testid': 'widgets'});
  const status = el('span', {class: 'muted', 'data-testid': 'refresh-status'});
  const range = new TimeRange(() => { liveRange = range.state(); refresh(); }, liveRange || {preset: '1d'});
  const every = el('select', {'aria-label': 'Refresh every', on: {change: () => {
    clearInterval(timer);
    const s = Number(every.value);
    if (s) timer = setInterval(refresh, s * 1000);
  }}}, [['0', 'no auto-refresh'], ['60', 'every minute'], ['300', 'every 5 minutes'], ['900', 'every 15 minutes']].map(([v, t]) => el('option', {value: v, text: t})));
  const storeSel = managed ? el('select', {'aria-label': 'Store', on: {change: e => { setStore(e.target.value); refresh(); }}},
    state.catalog.stores.map(s => el('option', {value: s.id, text: s.name, selected: s.id === state.store}))) : null;
  const cards = d.Widgets.map((w, i) => {
    const title = (w.ViewProperties && w.ViewProperties.Title) || 'Widget ' + (i + 1);
    const body = el('div', {class: 'widget-body', text: 'not refreshed yet'});
    const foot = el('div', {class: 'widget-foot muted'});
    const card = el('section', {class: 'widget', 'data-testid': 'widget', dataset: {alias: w.QueryAlias, view: (w.ViewProperties && w.ViewProperties.View) || 'Auto'}},
      el('h3', {text: title}), body, foot);
    return {w, card, body, foot};
  });
  put(grid, ...cards.map(c => c.card));
  let generation = 0;
  async function refresh() {
    const gen = ++generation;
    const r = range.range();
    const params = {'$StartTime$': r.from || '1970-01-01T00:00:00Z', '$EndTime$': r.to || new Date(Date.now() + 86400e3).toISOString()};
    if (managed) {
      if (!state.store) { status.textContent = 'Choose a store: a managed dashboard reads one.'; return; }
      params['$EventDataStoreId$'] = state.store;
    }
    status.textContent = 'refreshing…';
    grid.dataset.refreshed = '';
    let refreshId;
    try {
      refreshId = (await lake('StartDashboardRefresh', {DashboardId: d.DashboardArn, QueryParameterValues: params})).RefreshId;
    } catch (e) { status.textContent = e.message; return; }
    const started = Date.now();
    await Promise.all(cards.map(async c => {
      clear(c.body, el('div', {class: 'muted', text: 'running…'}));
      try {
        const q = await lake('DescribeQuery', {QueryAlias: c.w.QueryAlias, RefreshId: refreshId});
        const rec = await waitQuery(q.QueryId);
        if (gen !== generation) return;
        c.card.dataset.queryId = rec.id;
        clear(c.foot, `${fmtInt(rec.rows)} ${rec.rows === 1 ? 'row' : 'rows'} · ${fmtInt(rec.eventsScanned)} events scanned · ${fmtMillis(rec.executionTimeInMillis)} · `,
          el('a', {href: '#/editor?query=' + rec.id, text: 'open in the editor'}));
        if (rec.status !== 'FINISHED') { clear(c.body, el('div', {class: 'result-error', text: rec.errorMessage || rec.status})); return; }
        const page = rec.rows ? await getJSON(`/console/api/queries/${rec.id}/rows?start=0&count=1000`) : {rows: []};
        if (gen !== generation) return;
        const rows = page.rows.map(rowValues);
        clear(c.body);
        if (!rows.length) { put(c.body, el('div', {class: 'chart-empty', text: 'No events in this range.'})); return; }
        const spec = specFor(c.w.ViewProperties && c.w.ViewProperties.View, rec.columns);
        if (spec.kind === 'table') put(c.body, table(rec.columns, rows, 50));
        else renderChart(c.body, rec.columns, rows, spec);
      } catch (e) {
        clear(c.body, el('div', {class: 'result-error', text: e.message}));
      }
    }));
    if (gen !== generation) return;
    status.textContent = `refreshed ${new Date().toLocaleTimeString()} in ${fmtMillis(Date.now() - started)} · ${range.label()}` + (managed ? ' · ' + storeName(state.store) : '');
    grid.dataset.refreshed = refreshId;
  }
  const actions = managed
    ? [el('button', {type: 'button', text: 'Save as custom…', on: {click: () => saveAsCustom(d)}})]
    : [el('a', {class: 'button', href: `#/dashboards/${encodeURIComponent(name)}/edit`, text: 'Edit'}),
      el('button', {type: 'button', class: 'danger', text: 'Delete', on: {click: async () => {
        if (await dialog('Delete the dashboard ' + name + '?', el('p', {text: 'Its widgets go; the saved queries stay.'}), 'Delete', () => lake('DeleteDashboard', {DashboardId: name}))) location.hash = '#/dashboards';
      }}})];
  put(main, el('div', {class: 'page'},
    el('div', {class: 'page-head'}, el('a', {href: '#/dashboards', text: 'Dashboards'}), el('span', {class: 'muted', text: '›'}),
      el('h1', {text: titleOf(name)}), managed ? el('span', {class: 'badge', text: 'managed'}) : null, el('span', {class: 'spacer'}), ...actions),
    el('div', {class: 'toolbar'}, managed ? el('label', {}, 'Store ', storeSel) : null, el('span', {class: 'muted', text: 'Time range'}), range.root, every,
      el('button', {type: 'button', class: 'primary', 'data-testid': 'refresh', text: 'Refresh', on: {click: refresh}}), status),
    MANAGED[name] ? el('p', {class: 'hint', text: MANAGED[name][1]}) : null,
    grid));
  await refresh();
}

async function saveAsCustom(d) {
  const name = el('input', {type: 'text', pattern: '[a-zA-Z0-9_\\-]{3,128}', required: true, value: 'my-' + nameOf(d.DashboardArn).replace(/^AWSCloudTrail-/, '').toLowerCase()});
  const out = await dialog('Save as a custom dashboard', el('div', {}, field('Name', name, '3 to 128 letters, digits, - or _'),
    el('p', {class: 'hint', text: 'The copy reads the store chosen now (' + storeName(state.store) + ') and can be changed.'})), 'Save', () => lake('CreateDashboard', {
    Name: name.value,
    Widgets: d.Widgets.map(w => ({QueryStatement: w.QueryStatement.split('$EventDataStoreId$').join(state.store), QueryParameters: w.QueryParameters, ViewProperties: w.ViewProperties})),
  }));
  if (out) location.hash = '#/dashboards/' + encodeURIComponent(name.value);
}

const cleanTitle = t => t.replace(/[^a-zA-Z0-9._\- ]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 128);

async function renderEdit(main, name) {
  const saved = (await getJSON('/console/api/saved')).saved;
  const cur = name ? await lake('GetDashboard', {DashboardId: name}) : null;
  const nameIn = el('input', {type: 'text', required: true, pattern: '[a-zA-Z0-9_\\-]{3,128}', 'data-testid': 'dashboard-name', value: name || '', disabled: !!name});
  const schedule = el('select', {'aria-label': 'Scheduled refresh'}, [['0', 'refresh by hand'], ['1', 'every hour'], ['6', 'every 6 hours'], ['12', 'every 12 hours'], ['24', 'every day']]
    .map(([v, t]) => el('option', {value: v, text: t, selected: cur && cur.RefreshSchedule && cur.RefreshSchedule.Status === 'ENABLED' && String(cur.RefreshSchedule.Frequency.Value * (cur.RefreshSchedule.Frequency.Unit === 'DAYS' ? 24 : 1)) === v})));
  const rows = el('div', {class: 'widget-rows'});
  const err = el('div', {class: 'dialog-error'});
  const addRow = w => {
    if (rows.children.length >= 10) { toast('A dashboard holds at most 10 widgets', true); return; }
    const vp = (w && w.ViewProperties) || {};
    const q = el('select', {'data-testid': 'widget-query', 'aria-label': 'Saved query'}, el('option', {value: '', text: saved.length ? 'choose a saved query' : 'no saved query yet'}),
      saved.map(s => el('option', {value: s.id, text: s.name, selected: vp.SavedQueryId === s.id})));
    const title = el('input', {type: 'text', placeholder: 'title', 'data-testid': 'widget-title', value: vp.Title || ''});
    const view = el('select', {'data-testid': 'widget-view', 'aria-label': 'Chart'}, Object.entries(VIEWS).map(([k, t]) => el('option', {value: k, text: t, selected: (vp.View || 'Auto') === k})));
    const scoped = el('input', {type: 'checkbox', checked: !w || vp.TimeScope === 'Dashboard'});
    q.addEventListener('change', () => { if (!title.value) { const s = saved.find(x => x.id === q.value); if (s) title.value = cleanTitle(s.name); } });
    const row = el('div', {class: 'widget-row'}, q, title, view, el('label', {class: 'check', title: 'Scope the query to the dashboard\'s time range'}, scoped, ' time range'),
      el('button', {type: 'button', 'aria-label': 'Remove widget', text: '×', on: {click: () => row.remove()}}));
    row.read = () => {
      const s = saved.find(x => x.id === q.value);
      if (!s && w && !vp.SavedQueryId) return {QueryStatement: w.QueryStatement, QueryParameters: w.QueryParameters, ViewProperties: w.ViewProperties}; // not made from a saved query: kept as it is
      if (!s) throw new Error('Every widget needs a saved query');
      const props = {Title: cleanTitle(title.value) || cleanTitle(s.name) || 'Widget', View: view.value, SavedQueryId: s.id};
      if (scoped.checked) props.TimeScope = 'Dashboard';
      if (/\$EDS_ID\b/.test(s.statement) && !state.store) throw new Error('Choose a store: ' + s.name + ' reads $EDS_ID');
      return {QueryStatement: s.statement.replace(/\$EDS_ID\b/g, state.store), ViewProperties: props};
    };
    put(rows, row);
  };
  if (cur) cur.Widgets.forEach(addRow); else addRow(null);
  const save = async () => {
    err.textContent = '';
    try {
      const widgets = [...rows.children].map(r => r.read());
      const h = Number(schedule.value);
      const body = {Widgets: widgets, RefreshSchedule: h ? {Frequency: {Unit: h === 24 ? 'DAYS' : 'HOURS', Value: h === 24 ? 1 : h}, Status: 'ENABLED'} : {Status: 'DISABLED'}};
      if (name) await lake('UpdateDashboard', {DashboardId: name, ...body});
      else await lake('CreateDashboard', {Name: nameIn.value, ...body});
      location.hash = '#/dashboards/' + encodeURIComponent(name || nameIn.value);
    } catch (e) { err.textContent = e.message; }
  };
  put(main, el('div', {class: 'page'},
    el('div', {class: 'page-head'}, el('a', {href: '#/dashboards', text: 'Dashboards'}), el('span', {class: 'muted', text: '›'}), el('h1', {text: name ? 'Edit ' + name : 'New dashboard'})),
    el('form', {class: 'dash-form', on: {submit: e => { e.preventDefault(); save(); }}},
      field('Name', nameIn, '3 to 128 letters, digits, - or _'), field('Refresh', schedule),
      el('h2', {text: 'Widgets'}), el('p', {class: 'hint', text: 'Up to 10, each a saved query drawn as a chart. $EDS_ID in a saved query becomes the store chosen now (' + (state.store ? storeName(state.store) : 'none') + '). With “time range” ticked, the dashboard\'s time range scopes the query.'}),
      rows, el('button', {type: 'button', 'data-testid': 'add-widget', text: '+ Widget', on: {click: () => addRow(null)}}),
      err, el('div', {class: 'dialog-buttons'}, el('a', {class: 'button', href: name ? '#/dashboards/' + encodeURIComponent(name) : '#/dashboards', text: 'Cancel'}),
        el('button', {type: 'submit', class: 'primary', 'data-testid': 'save-dashboard', text: 'Save dashboard'})))));
}

export {fmtTime};
