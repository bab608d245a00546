// Nested values as a JSON tree: objects and arrays fold (details/summary),
// every key and value is text.

import {el} from './dom.js';

function leaf(v) {
  if (v === null) return el('span', {class: 'j-null', text: 'null'});
  if (typeof v === 'string') return el('span', {class: 'j-str', text: JSON.stringify(v)});
  if (typeof v === 'number') return el('span', {class: 'j-num', text: String(v)});
  if (typeof v === 'boolean') return el('span', {class: 'j-bool', text: String(v)});
  return el('span', {text: String(v)});
}

/** A string holding a JSON object or array (CloudTrail's map values keep
 * nested parameters as JSON text), parsed; undefined otherwise. */
function jsonText(v) {
  if (typeof v !== 'string' || !/^\s*[[{]/.test(v)) return undefined;
  try { const x = JSON.parse(v); return x && typeof x === 'object' ? x : undefined; } catch { return undefined; }
}

function node(key, v, depth, fromText) {
  const label = key === null ? null : el('span', {class: 'j-key', text: key + ': '});
  const inner = jsonText(v);
  if (inner !== undefined) return node(key, inner, depth, true);
  if (v === null || typeof v !== 'object') return el('div', {class: 'j-row'}, label, leaf(v));
  const isArr = Array.isArray(v);
  const entries = isArr ? v.map((x, i) => [String(i), x]) : Object.entries(v);
  const det = el('details', {class: 'j-node', open: depth < 3 ? true : undefined},
    el('summary', {}, label, el('span', {class: 'j-brace', text: isArr ? `[${entries.length}]` : `{${entries.length}}`}),
      fromText ? el('span', {class: 'j-note', title: 'The value is JSON text, shown parsed', text: ' JSON text'}) : null),
    el('div', {class: 'j-children'}, entries.map(([k, x]) => node(k, x, depth + 1))));
  return det;
}

/** A tree of value: JSON text is parsed; text that is not JSON shows as text. */
export function jsonTree(value) {
  let v = value;
  if (typeof value === 'string') {
    try { v = JSON.parse(value); } catch { return el('pre', {class: 'j-text', text: value}); }
  }
  return el('div', {class: 'json-tree', 'data-testid': 'json-tree'}, node(null, v, 0));
}
