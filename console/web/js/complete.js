// What the editor offers at the caret: after FROM, the stores; after a
// dotted path, the fields of the struct it names (nested at any depth);
// elsewhere the columns, the functions with their signatures and the
// keywords with their help, filtered by the word being typed.

import {tokenize, significant} from './sqltok.js';

const WORDCH = /[A-Za-z0-9_$.]/;

function findPath(columns, segs) {
  let level = columns;
  for (const s of segs) {
    const c = level.find(x => x.name.toLowerCase() === s.toLowerCase());
    if (!c) return null;
    level = c.children || [];
  }
  return level;
}

/** Suggestions at caret: {from, to, items: [{label, insert, kind, detail}]} */
export function complete(text, caret, cat, explicit) {
  let start = caret;
  while (start > 0 && WORDCH.test(text[start - 1])) start--;
  const sig = significant(tokenize(text.slice(0, start)));
  const prev = sig.length ? sig[sig.length - 1] : null;
  const prevWord = prev ? prev.text.toLowerCase() : '';
  if (prev && (prev.type === 'string' || prev.type === 'comment') && prev.end === start) return null;
  // Inside an unterminated string or comment: nothing to offer.
  const all = tokenize(text.slice(0, caret));
  const last = all[all.length - 1];
  if (last && ((last.type === 'string' && !/'$/.test(last.text.slice(1))) || (last.type === 'comment' && last.text.startsWith('--')))) return null;
  if (prevWord === 'from' || prevWord === 'join') {
    // Store names may hold '-' and '.': widen the word.
    let s2 = start;
    while (s2 > 0 && /[A-Za-z0-9_.$-]/.test(text[s2 - 1])) s2--;
    const word = text.slice(s2, caret).toLowerCase();
    const items = [];
    for (const st of cat.stores) {
      if (st.name.toLowerCase().startsWith(word)) items.push({label: st.name, insert: st.id, kind: 'store', detail: st.id + ' — inserts the ID, as Lake writes FROM'});
      else if (st.id.startsWith(word)) items.push({label: st.id, insert: st.id, kind: 'store', detail: st.name});
    }
    if ('$eds_id'.startsWith(word)) items.push({label: '$EDS_ID', insert: '$EDS_ID', kind: 'param', detail: 'the store chosen at the top'});
    return {from: s2, to: caret, items};
  }
  const word = text.slice(start, caret);
  const dot = word.lastIndexOf('.');
  if (dot >= 0) {
    const segs = word.slice(0, dot).split('.');
    let fields = findPath(cat.columns, segs);
    if (!fields && segs.length > 1) fields = findPath(cat.columns, segs.slice(1)); // t.userIdentity.
    if (!fields) return null;
    const part = word.slice(dot + 1).toLowerCase();
    const items = fields.filter(f => f.name.toLowerCase().startsWith(part))
      .map(f => ({label: f.name, insert: f.name, kind: 'field', detail: f.type}));
    return {from: start + dot + 1, to: caret, items};
  }
  if (!word && !explicit) return null;
  const w = word.toLowerCase();
  const cols = cat.columns.filter(c => c.name.toLowerCase().startsWith(w))
    .map(c => ({label: c.name, insert: c.name, kind: 'column', detail: c.type}));
  const fns = cat.functions.filter(f => f.name.startsWith(w))
    .map(f => ({label: f.name, insert: f.name + '(', kind: f.aggregate ? 'aggregate' : 'function', detail: f.name + f.signatures[0] + (f.signatures.length > 1 ? '  (+' + (f.signatures.length - 1) + ')' : '')}));
  const kws = cat.keywords.filter(k => k.word.toLowerCase().startsWith(w))
    .map(k => ({label: k.word, insert: k.word, kind: 'keyword', detail: k.help}));
  const afterValue = prev && (prev.type === 'ident' || prev.type === 'number' || prev.type === 'string' || prev.type === 'qident' || prev.type === 'table' || prev.text === ')' || prev.type === 'param');
  let items = afterValue ? [...kws, ...cols, ...fns] : [...cols, ...fns, ...kws];
  // An exact word first.
  items.sort((a, b) => (b.label.toLowerCase() === w) - (a.label.toLowerCase() === w));
  const seen = new Set();
  items = items.filter(it => { const k = it.kind + it.label; if (seen.has(k)) return false; seen.add(k); return true; });
  return {from: start, to: caret, items: items.slice(0, 80)};
}

/** The help line at the caret: a function's signatures when the caret is
 * inside or on its call, a keyword's help on a keyword. */
export function helpAt(text, caret, cat) {
  const toks = tokenize(text);
  let on = null;
  for (const t of toks) if (t.start <= caret && caret <= t.end && t.type !== 'ws') { on = t; break; }
  const fnHelp = name => {
    const f = cat.functions.find(x => x.name === name.toLowerCase());
    return f ? (f.aggregate ? 'aggregate ' : '') + f.signatures.map(s => f.name + s).join('   |   ') : '';
  };
  if (on && on.type === 'func') return fnHelp(on.text);
  if (on && on.type === 'keyword') {
    const k = cat.keywords.find(x => x.word.toLowerCase() === on.text.toLowerCase());
    if (k) return k.help;
  }
  // Inside a call: the innermost unclosed '(' before the caret.
  let depth = 0;
  const before = toks.filter(t => t.end <= caret);
  for (let i = before.length - 1; i >= 0; i--) {
    const t = before[i];
    if (t.text === ')') depth++;
    else if (t.text === '(') {
      if (depth === 0) {
        let j = i - 1;
        while (j >= 0 && before[j].type === 'ws') j--;
        if (j >= 0 && (before[j].type === 'func' || before[j].type === 'keyword')) return fnHelp(before[j].text);
        return '';
      }
      depth--;
    }
  }
  return '';
}
