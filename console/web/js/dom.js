// DOM helpers. Every value that comes from data is put in the page as
// text (textContent, attribute values), never parsed as HTML: an event
// whose fields hold <script> or "><img onerror=...> shows those
// characters and nothing runs.

const SVGNS = 'http://www.w3.org/2000/svg';

function build(node, attrs, children) {
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
      else if (k === 'text') node.textContent = String(v);
      else if (k === 'on') for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
      else if (k === 'dataset') for (const [dk, dv] of Object.entries(v)) node.dataset[dk] = String(dv);
      else if (k === 'style') for (const [sk, sv] of Object.entries(v)) node.style[sk] = sv;
      else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected' || k === 'hidden') node[k] = v;
      else if (/^on/i.test(k) || k === 'innerHTML' || k === 'outerHTML' || k === 'srcdoc') throw new Error('refusing attribute ' + k);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** el('div', {class: 'x', text: 'hi'}, child, 'text', ...) */
export function el(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** svg('rect', {x: 1, ...}) makes an SVG element. */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVGNS, tag), attrs, children);
}

/** Empties node and appends children (null and false are left out, where
 * the DOM's own append would print "null"). */
export function clear(node, ...children) {
  while (node.firstChild) node.firstChild.remove();
  return put(node, ...children);
}

/** Appends children, leaving out null, undefined and false. */
export function put(node, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function fmtInt(n) {
  if (n === null || n === undefined || n === '') return '';
  return Number(n).toLocaleString('en-US');
}

export function fmtBytes(n) {
  n = Number(n) || 0;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n.toFixed(0) : n.toFixed(1)) + ' ' + units[i];
}

export function fmtMillis(ms) {
  ms = Number(ms) || 0;
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(2) + ' s';
  const m = Math.floor(ms / 60000);
  return m + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
}

/** A time as Lake prints it (UTC), from an ISO string or Date. */
export function fmtTime(t) {
  if (!t) return '';
  const d = t instanceof Date ? t : new Date(t);
  if (isNaN(d)) return String(t);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '').replace('Z', '') + ' UTC';
}

let toastTimer = null;
/** A short message at the bottom of the page. */
export function toast(msg, isError) {
  const t = document.getElementById('toast');
  t.textContent = msg;
  t.className = 'toast show' + (isError ? ' error' : '');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.className = 'toast'; }, isError ? 6000 : 2500);
}

/** Copies text to the clipboard (with a fallback where the API is refused). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = el('textarea', {class: 'offscreen', value: text});
    document.body.append(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
  window.__ctlake.lastCopied = text;
}

/** A modal dialog; resolves with the value of onOK or null when cancelled. */
export function dialog(title, body, okLabel, onOK) {
  return new Promise(resolve => {
    const err = el('div', {class: 'dialog-error'});
    const close = v => { back.remove(); resolve(v); };
    const ok = el('button', {class: 'primary', type: 'submit', text: okLabel || 'OK'});
    const form = el('form', {class: 'dialog', on: {submit: async e => {
      e.preventDefault();
      ok.disabled = true;
      try { close(await onOK()); } catch (x) { err.textContent = x.message; ok.disabled = false; }
    }}},
      el('h2', {text: title}), body, err,
      el('div', {class: 'dialog-buttons'}, el('button', {type: 'button', text: 'Cancel', on: {click: () => close(null)}}), ok));
    const back = el('div', {class: 'dialog-back', on: {keydown: e => { if (e.key === 'Escape') close(null); }}}, form);
    document.body.append(back);
    const first = form.querySelector('input, textarea, select');
    if (first) first.focus();
  });
}

export function field(label, input, hint) {
  return el('label', {class: 'field'}, el('span', {class: 'field-label', text: label}), input, hint ? el('span', {class: 'hint', text: hint}) : null);
}
