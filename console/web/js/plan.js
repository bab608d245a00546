// EXPLAIN and EXPLAIN ANALYZE as a tree: each operator with its
// attributes (columns read, the time range, pruning predicates) and, after
// ANALYZE, its rows, time and what the scan read and skipped — the
// skipped files, stripes and row groups stand out.

import {el} from './dom.js';

function figureItems(f) {
  const items = [el('span', {class: 'pf', text: 'rows ' + f.rows.toLocaleString('en-US')}),
    el('span', {class: 'pf', text: (f.timeNs / 1e6).toFixed(2) + ' ms'})];
  for (const [k, v] of Object.entries(f.extra || {}).sort()) {
    const skipped = /([1-9]\d*) skipped/.test(v);
    items.push(el('span', {class: skipped ? 'pf skipped' : 'pf', 'data-testid': skipped ? 'skipped' : undefined, text: k + ': ' + v}));
  }
  return items;
}

function node(n) {
  return el('li', {class: 'plan-node'},
    el('div', {class: 'plan-line'}, el('span', {class: 'plan-name', text: n.name}), n.figures ? el('span', {class: 'plan-figures'}, figureItems(n.figures)) : null),
    n.attrs && n.attrs.length ? el('dl', {class: 'plan-attrs'}, n.attrs.map(a => [el('dt', {text: a.key}), el('dd', {class: a.key === 'time range' ? 'time' : '', text: a.value})])) : null,
    n.children && n.children.length ? el('ul', {class: 'plan-children'}, n.children.map(node)) : null);
}

export function planTree(plan, analyzed) {
  return el('div', {class: 'plan', 'data-testid': 'plan'},
    el('p', {class: 'hint', text: analyzed ? 'The plan as it ran: rows and time per operator; a scan lists the files, stripes and row groups it read and skipped.'
      : 'The plan (not run): the columns each scan reads, its time range and the predicates it prunes with. EXPLAIN ANALYZE runs it.'}),
    el('ul', {class: 'plan-root'}, node(plan)));
}
