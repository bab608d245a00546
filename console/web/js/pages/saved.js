// Saved queries: named statements kept in the data directory (also listed
// by `ctlake query --saved` and the shell's .saved).

import {el, clear, toast, dialog, field, fmtTime, put} from '../dom.js';
import {getJSON, send} from '../api.js';

export async function render(main) {
  const list = el('div', {});
  const load = async () => {
    const out = await getJSON('/console/api/saved');
    if (!out.saved.length) {
      clear(list, el('p', {class: 'muted', text: 'No saved queries yet. Save one from the editor (Save…).'}));
      return;
    }
    clear(list, el('table', {class: 'data-table', 'data-testid': 'saved'},
      el('thead', {}, el('tr', {}, ['Name', 'Description', 'Query', 'Updated', ''].map(h => el('th', {text: h})))),
      el('tbody', {}, out.saved.map(q => el('tr', {dataset: {id: q.id}},
        el('td', {}, el('a', {href: '#/editor?saved=' + q.id, class: 'saved-name', text: q.name})),
        el('td', {text: q.description || ''}),
        el('td', {class: 'stmt'}, el('code', {text: q.statement.length > 200 ? q.statement.slice(0, 200) + '…' : q.statement})),
        el('td', {class: 'nowrap', text: fmtTime(q.updatedAt)}),
        el('td', {class: 'nowrap'},
          el('a', {class: 'button', href: '#/editor?saved=' + q.id + '&run=1', text: 'Run'}),
          el('button', {type: 'button', text: 'Rename…', on: {click: async () => {
            const name = el('input', {type: 'text', value: q.name, maxlength: 128});
            const desc = el('textarea', {rows: 3, value: q.description || ''});
            if (await dialog('Rename saved query', el('div', {}, field('Name', name), field('Description', desc)), 'Save',
              () => send('PUT', '/console/api/saved/' + q.id, {...q, name: name.value, description: desc.value}))) load();
          }}}),
          el('button', {type: 'button', class: 'danger', text: 'Delete', on: {click: async () => {
            if (await dialog('Delete “' + q.name + '”?', el('p', {text: 'The saved query is removed from the data directory.'}), 'Delete',
              () => send('DELETE', '/console/api/saved/' + q.id))) { toast('Deleted'); load(); }
          }}})))))));
  };
  put(main, el('div', {class: 'page'},
    el('div', {class: 'page-head'}, el('h1', {text: 'Saved queries'}), el('span', {class: 'spacer'}), el('button', {type: 'button', text: 'Refresh', on: {click: load}})),
    el('p', {class: 'hint', text: 'Kept in DATA/api/saved. From a terminal: ctlake query --saved lists them and ctlake query --saved NAME runs one; the shell has .saved.'}),
    list));
  await load();
}
