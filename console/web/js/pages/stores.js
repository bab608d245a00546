// Event data stores: the list, a new store (selectors, retention), one
// store described (events, size, time range, files, rejects with their
// reasons), imports into it, and the progress of imports and of ingests
// that `ctlake ingest` runs beside the server.

import {el, clear, toast, dialog, field, fmtInt, fmtBytes, fmtTime, put} from '../dom.js';
import {getJSON, lake} from '../api.js';
import {state, loadCatalog, setStore} from '../app.js';

let timer = null;
export function leave() { clearInterval(timer); timer = null; }

export async function render(main, r) {
  leave();
  if (r.parts[0]) return renderStore(main, r.parts[0]);
  return renderList(main);
}

const SELECTORS = {
  management: ['Management events (Lake\'s default)', [{Name: 'Management events', FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}]}]],
  s3data: ['S3 data events', [{Name: 'S3 data events', FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}, {Field: 'resources.type', Equals: ['AWS::S3::Object']}]}]],
  all: ['Every event (no selector)', []],
  custom: ['Custom advanced event selectors (JSON)', null],
};

async function activity(host) {
  const [imports, local] = await Promise.all([lake('ListImports', {}), getJSON('/console/api/activity')]);
  const running = imports.Imports.filter(i => i.ImportStatus === 'INITIALIZING' || i.ImportStatus === 'IN_PROGRESS');
  const details = await Promise.all(running.map(i => lake('GetImport', {ImportId: i.ImportId}).catch(() => null)));
  const recent = imports.Imports.filter(i => !running.includes(i)).sort((a, b) => (b.UpdatedTimestamp || 0) - (a.UpdatedTimestamp || 0)).slice(0, 5);
  clear(host);
  if (!running.length && !local.ingests.length) put(host, el('p', {class: 'muted', 'data-testid': 'no-activity', text: 'No import or ingest is running.'}));
  for (const d of details.filter(Boolean)) {
    const s = d.ImportStatistics || {};
    put(host, el('div', {class: 'activity', 'data-testid': 'import-running'},
      el('strong', {text: 'Import ' + d.ImportId.slice(0, 8)}), el('span', {class: 'status status-running', text: d.ImportStatus}),
      el('span', {text: (d.ImportSource && d.ImportSource.S3 ? d.ImportSource.S3.S3LocationUri : '')}),
      el('span', {class: 'muted', text: `${fmtInt(s.FilesCompleted)} files, ${fmtInt(s.EventsCompleted)} events, ${fmtInt(s.FailedEntries)} failed`})));
  }
  for (const g of local.ingests) {
    const pct = g.bytesTotal ? Math.round(100 * g.bytesRead / g.bytesTotal) : (g.inputs ? Math.round(100 * g.inputsDone / g.inputs) : 0);
    put(host, el('div', {class: 'activity', 'data-testid': 'ingest-running'},
      el('strong', {text: 'ctlake ingest into ' + g.store}), el('span', {class: 'muted', text: 'process ' + g.pid}),
      el('progress', {max: 100, value: pct}), el('span', {text: `${g.inputsDone} of ${g.inputs} inputs, ${fmtInt(g.ingested)} events, ${fmtInt(g.duplicates)} duplicates, ${fmtInt(g.rejected)} rejected`})));
  }
  if (recent.length) {
    put(host, el('h3', {text: 'Recent imports'}), el('table', {class: 'data-table'}, el('tbody', {}, recent.map(i => el('tr', {},
      el('td', {text: i.ImportId.slice(0, 8)}), el('td', {}, el('span', {class: 'status status-' + i.ImportStatus.toLowerCase(), text: i.ImportStatus})),
      el('td', {text: (i.Destinations || []).map(a => a.slice(a.lastIndexOf('/') + 1, a.lastIndexOf('/') + 9)).join(', ')}),
      el('td', {class: 'nowrap', text: i.UpdatedTimestamp ? fmtTime(new Date(i.UpdatedTimestamp * 1000)) : ''}))))));
  }
}

async function renderList(main) {
  const out = await lake('ListEventDataStores', {});
  const cat = await loadCatalog();
  const act = el('div', {class: 'activity-list', 'data-testid': 'activity'});
  put(main, el('div', {class: 'page'},
    el('div', {class: 'page-head'}, el('h1', {text: 'Event data stores'}), el('span', {class: 'spacer'}),
      el('button', {type: 'button', 'data-testid': 'import', text: 'Import events…', on: {click: () => importDialog('')}}),
      el('button', {type: 'button', class: 'primary', 'data-testid': 'new-store', text: 'New store…', on: {click: createDialog}})),
    el('table', {class: 'data-table', 'data-testid': 'stores'},
      el('thead', {}, el('tr', {}, ['Name', 'Status', 'Events', 'Event time', 'Retention', 'ID'].map(h => el('th', {text: h})))),
      el('tbody', {}, out.EventDataStores.map(s => {
        const id = s.EventDataStoreArn.slice(s.EventDataStoreArn.lastIndexOf('/') + 1);
        const sum = cat.stores.find(x => x.id === id) || {};
        return el('tr', {class: 'clickable', dataset: {id}, on: {click: () => { location.hash = '#/stores/' + id; }}},
          el('td', {}, el('a', {href: '#/stores/' + id, text: s.Name})),
          el('td', {}, el('span', {class: 'status status-' + s.Status.toLowerCase(), text: s.Status})),
          el('td', {class: 'num', text: fmtInt(sum.events)}),
          el('td', {class: 'nowrap', text: sum.minEventTime ? fmtTime(sum.minEventTime) + ' – ' + fmtTime(sum.maxEventTime) : '–'}),
          el('td', {class: 'num', text: s.RetentionPeriod + ' days'}),
          el('td', {}, el('code', {text: id})));
      }))),
    el('h2', {text: 'Imports and ingests'}), act));
  const poll = () => activity(act).catch(e => { clear(act, el('div', {class: 'result-error', text: e.message})); });
  await poll();
  timer = setInterval(poll, 2000);
}

async function createDialog() {
  const name = el('input', {type: 'text', required: true, pattern: '[a-zA-Z0-9._\\-]{3,128}', 'data-testid': 'store-name'});
  const retention = el('input', {type: 'number', min: 7, max: 3653, value: 3653, 'data-testid': 'store-retention'});
  const preset = el('select', {'data-testid': 'store-selectors'}, Object.entries(SELECTORS).map(([k, [t]]) => el('option', {value: k, text: t})));
  const custom = el('textarea', {rows: 6, hidden: true, placeholder: '[{"Name": "...", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]'});
  const protect = el('input', {type: 'checkbox', checked: true});
  preset.addEventListener('change', () => { custom.hidden = preset.value !== 'custom'; });
  const body = el('div', {}, field('Name', name, '3 to 128 letters, digits, ., _ or -'), field('Retention (days, by eventTime)', retention, '7 to 3,653'),
    field('Events kept', preset), custom, el('label', {class: 'check'}, protect, ' Termination protection (the store cannot be deleted until it is turned off)'));
  const out = await dialog('New event data store', body, 'Create', () => {
    let sels = SELECTORS[preset.value][1];
    if (preset.value === 'custom') sels = JSON.parse(custom.value || '[]');
    const req = {Name: name.value, RetentionPeriod: Number(retention.value), TerminationProtectionEnabled: protect.checked};
    if (sels && sels.length) req.AdvancedEventSelectors = sels;
    else if (preset.value === 'all') req.AdvancedEventSelectors = [{Name: 'Every event', FieldSelectors: [{Field: 'eventCategory', Equals: ['Management', 'Data', 'NetworkActivity', 'Insight']}]}];
    return lake('CreateEventDataStore', req);
  });
  if (out) {
    await loadCatalog();
    const id = out.EventDataStoreArn.slice(out.EventDataStoreArn.lastIndexOf('/') + 1);
    setStore(id);
    toast('Created ' + out.Name);
    location.hash = '#/stores/' + id;
  }
}

async function importDialog(storeArn) {
  const list = await lake('ListEventDataStores', {});
  const dest = el('select', {}, list.EventDataStores.map(s => el('option', {value: s.EventDataStoreArn, text: s.Name, selected: s.EventDataStoreArn === storeArn})));
  const uri = el('input', {type: 'text', required: true, placeholder: 's3://bucket/AWSLogs/… or /path/to/logs', 'data-testid': 'import-uri'});
  const region = el('input', {type: 'text', value: 'us-east-1'});
  const out = await dialog('Import events', el('div', {}, field('Into', dest), field('From', uri, 'CloudTrail log files: an s3:// prefix (read with the server\'s AWS credentials) or a folder on the server'),
    field('Bucket region', region)), 'Start import', () => lake('StartImport', {Destinations: [dest.value],
    ImportSource: {S3: {S3LocationUri: uri.value.trim(), S3BucketRegion: region.value.trim() || 'us-east-1', S3BucketAccessRoleArn: 'arn:aws:iam::000000000000:role/ctlake-import'}}}));
  if (out) { toast('Import ' + out.ImportId.slice(0, 8) + ' started'); if (!location.hash.startsWith('#/stores')) location.hash = '#/stores'; }
}

async function renderStore(main, ref, wasRunning) {
  const d = await getJSON('/console/api/stores/' + encodeURIComponent(ref));
  // While an import into the store runs, the page follows it.
  const running = async () => (await lake('ListImports', {Destination: d.arn})).Imports.some(i => i.ImportStatus === 'INITIALIZING' || i.ImportStatus === 'IN_PROGRESS');
  let was = wasRunning || false;
  timer = setInterval(async () => {
    let now;
    try { now = await running(); } catch { return; }
    if (now || was) { leave(); clear(main); renderStore(main, ref, now); }
    was = now;
  }, 2000);
  const row = (k, v) => [el('dt', {text: k}), el('dd', {}, v)];
  put(main, el('div', {class: 'page', 'data-testid': 'store-detail'},
    el('div', {class: 'page-head'}, el('a', {href: '#/stores', text: 'Event data stores'}), el('span', {class: 'muted', text: '›'}), el('h1', {text: d.name}),
      el('span', {class: 'status status-' + d.status.toLowerCase(), text: d.status}), el('span', {class: 'spacer'}),
      el('button', {type: 'button', text: 'Query it', on: {click: () => { setStore(d.id); location.hash = '#/editor'; }}}),
      el('button', {type: 'button', text: 'Import events…', on: {click: () => importDialog(d.arn)}})),
    el('dl', {class: 'props'},
      row('ID', el('code', {text: d.id})), row('ARN', el('code', {text: d.arn})),
      row('Events', el('span', {'data-testid': 'store-events', text: fmtInt(d.events)})),
      row('Size', `${fmtBytes(d.sizeBytes)} in ${fmtInt(d.files)} ORC files, ${fmtInt(d.partitions)} eventdate partitions`),
      row('Event time', d.minEventTime ? fmtTime(d.minEventTime) + ' – ' + fmtTime(d.maxEventTime) : 'no events yet'),
      row('Retention', d.retentionPeriod + ' days'), row('Termination protection', d.terminationProtectionEnabled ? 'on' : 'off'),
      row('Created', fmtTime(d.createdAt)), row('Last commit', d.committedAt ? fmtTime(d.committedAt) + ' (manifest version ' + d.manifestVersion + ')' : '–'),
      row('Ingest totals', `${fmtInt(d.ingestTotals.ingested)} ingested, ${fmtInt(d.ingestTotals.duplicates)} duplicates, ${fmtInt(d.ingestTotals.filtered)} filtered, ${fmtInt(d.ingestTotals.rejected)} rejected`)),
    el('h2', {text: 'Advanced event selectors'}),
    d.advancedEventSelectors && d.advancedEventSelectors.length ? el('pre', {class: 'code-block', text: JSON.stringify(d.advancedEventSelectors, null, 2)}) : el('p', {class: 'muted', text: 'None: every event is kept.'}),
    el('h2', {text: `Rejected events (${fmtInt(d.rejectsKept)} kept)`}),
    d.rejects && d.rejects.length ? el('table', {class: 'data-table', 'data-testid': 'rejects'},
      el('thead', {}, el('tr', {}, ['Input', 'Line', 'Reason', 'Event'].map(h => el('th', {text: h})))),
      el('tbody', {}, d.rejects.map(x => el('tr', {}, el('td', {}, el('code', {text: x.file})), el('td', {class: 'num', text: x.line}), el('td', {text: x.reason}),
        el('td', {}, el('details', {}, el('summary', {text: 'raw'}), el('pre', {class: 'code-block', text: x.raw}))))))) : el('p', {class: 'muted', text: 'No event was rejected.'}),
    d.rejectsKept > (d.rejects || []).length ? el('p', {class: 'hint', text: `The newest ${d.rejects.length} are shown; all are kept in the store's rejects folder.`}) : null));
}
