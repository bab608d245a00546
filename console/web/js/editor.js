// The query editor: a textarea over a highlighted copy of its text. The
// textarea keeps the browser's own editing (selection, undo, IME, paste);
// the layer below draws the colours, the error underline and nothing
// else, rebuilt from tokens on every change (statements are at most 10,000
// characters). Completion is a list under the caret; the line under the
// editor shows the help for the function or keyword at the caret, or the
// error.

import {el, clear, put} from './dom.js';
import {tokenize} from './sqltok.js';
import {complete, helpAt} from './complete.js';

const TAB = 4; // tab stops, as in the CSS (tab-size)

export class Editor {
  constructor(host, opts) {
    this.opts = opts; // {onRun, onChange, catalog: () => cat}
    this.error = null; // {pos, message}
    this.ta = el('textarea', {class: 'code-input', spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off', wrap: 'off', 'aria-label': 'SQL query', 'data-testid': 'editor'});
    this.hl = el('pre', {class: 'code-hl', 'aria-hidden': 'true'});
    this.gutter = el('div', {class: 'gutter', 'aria-hidden': 'true'});
    this.popup = el('ul', {class: 'complete', role: 'listbox', hidden: true});
    this.measure = el('span', {class: 'code-measure', text: 'M'.repeat(100)});
    this.wrap = el('div', {class: 'code-wrap'}, this.hl, this.ta, this.measure);
    this.help = el('div', {class: 'editor-help', 'data-testid': 'editor-help'});
    this.root = el('div', {class: 'editor'}, this.gutter, this.wrap, this.popup);
    put(host, this.root, this.help);
    this.items = [];
    this.active = 0;
    this.ta.addEventListener('input', e => this.onInput(e));
    this.ta.addEventListener('keydown', e => this.onKey(e));
    this.ta.addEventListener('scroll', () => this.syncScroll());
    this.ta.addEventListener('click', () => { this.closePopup(); this.showHelp(); });
    this.ta.addEventListener('keyup', e => { if (!['ArrowDown', 'ArrowUp', 'Enter', 'Tab', 'Escape'].includes(e.key) || this.popup.hidden) this.showHelp(); });
    this.ta.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== this.ta) this.closePopup(); }, 150));
    this.render();
  }

  get value() { return this.ta.value; }
  set value(v) { this.ta.value = v; this.error = null; this.render(); this.opts.onChange && this.opts.onChange(v); }
  focus() { this.ta.focus(); }

  /** The selection (start, end, text); text is empty when nothing is selected. */
  selection() {
    const {selectionStart: s, selectionEnd: e} = this.ta;
    return {start: s, end: e, text: this.ta.value.slice(s, e)};
  }

  /** Replaces [from, to) with text, keeping the browser's undo. */
  replace(from, to, text) {
    this.ta.focus();
    this.ta.setSelectionRange(from, to);
    if (!document.execCommand('insertText', false, text)) {
      this.ta.setRangeText(text, from, to, 'end');
      this.onInput();
    }
  }

  insertAtCursor(text) {
    const {start, end} = this.selection();
    this.replace(start, end, text);
  }

  /** Marks an error at line:col (1-based, characters) of the text. */
  setError(line, col, message) {
    const lines = this.ta.value.split('\n');
    let pos = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) pos += lines[i].length + 1;
    const cps = Array.from(lines[Math.min(line, lines.length) - 1] || '');
    pos += cps.slice(0, Math.max(0, col - 1)).join('').length;
    this.error = {pos, line, col, message};
    this.render();
    this.help.textContent = message;
    this.help.className = 'editor-help error';
    // Bring the error into view.
    const lh = this.lineHeight();
    const y = (line - 1) * lh;
    if (y < this.ta.scrollTop || y > this.ta.scrollTop + this.ta.clientHeight - lh) this.ta.scrollTop = Math.max(0, y - lh * 2);
  }

  clearError() {
    if (!this.error) return;
    this.error = null;
    this.render();
    this.help.textContent = '';
    this.help.className = 'editor-help';
  }

  onInput(e) {
    if (this.error) { this.error = null; this.help.className = 'editor-help'; this.help.textContent = ''; }
    this.render();
    this.opts.onChange && this.opts.onChange(this.ta.value);
    const typed = e && e.inputType === 'insertText' && e.data && /[A-Za-z0-9_.$]/.test(e.data.slice(-1));
    if (typed) this.suggest(false);
    else if (!e || e.inputType !== 'insertText' || !this.popup.hidden) this.closePopup();
  }

  onKey(e) {
    const mod = e.ctrlKey || e.metaKey;
    if (!this.popup.hidden) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        this.setActive(this.active + (e.key === 'ArrowDown' ? 1 : -1));
        return;
      }
      if ((e.key === 'Enter' && !mod) || e.key === 'Tab') {
        e.preventDefault();
        this.accept(this.active);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        this.closePopup();
        return;
      }
    }
    if (mod && e.key === 'Enter') {
      e.preventDefault();
      this.closePopup();
      this.opts.onRun && this.opts.onRun(e.shiftKey ? 'explain' : 'run');
      return;
    }
    if (e.ctrlKey && (e.key === ' ' || e.code === 'Space')) {
      e.preventDefault();
      this.suggest(true);
      return;
    }
    if (e.key === 'Tab' && !e.shiftKey && !mod) {
      e.preventDefault();
      this.insertAtCursor('  ');
    }
  }

  suggest(explicit) {
    const cat = this.opts.catalog();
    if (!cat) return;
    const caret = this.ta.selectionStart;
    const res = complete(this.ta.value, caret, cat, explicit);
    if (!res || !res.items.length) { this.closePopup(); return; }
    this.completion = res;
    this.items = res.items;
    clear(this.popup);
    res.items.forEach((it, i) => {
      put(this.popup, el('li', {class: 'complete-item', role: 'option', dataset: {i}, on: {mousedown: ev => { ev.preventDefault(); this.accept(i); }}},
        el('span', {class: 'ci-label', text: it.label}), el('span', {class: 'ci-kind kind-' + it.kind, text: it.kind}), el('span', {class: 'ci-detail', text: it.detail || ''})));
    });
    this.popup.hidden = false;
    this.setActive(0);
    const {x, y} = this.caretXY(res.from);
    this.popup.style.left = Math.max(0, Math.min(x, this.root.clientWidth - 360)) + 'px';
    this.popup.style.top = y + 'px';
  }

  setActive(i) {
    const n = this.items.length;
    if (!n) return;
    this.active = (i + n) % n;
    this.popup.querySelectorAll('.complete-item').forEach((li, j) => li.classList.toggle('active', j === this.active));
    const li = this.popup.children[this.active];
    if (li && li.scrollIntoView) li.scrollIntoView({block: 'nearest'});
  }

  accept(i) {
    const it = this.items[i];
    if (!it) return;
    const {from, to} = this.completion;
    this.closePopup();
    this.replace(from, this.ta.selectionStart >= from ? this.ta.selectionStart : to, it.insert);
    this.showHelp();
  }

  closePopup() {
    this.popup.hidden = true;
    this.items = [];
  }

  showHelp() {
    if (this.error) return;
    const cat = this.opts.catalog();
    if (!cat) return;
    const h = helpAt(this.ta.value, this.ta.selectionStart, cat);
    this.help.textContent = h;
    this.help.className = 'editor-help';
  }

  lineHeight() { return parseFloat(getComputedStyle(this.ta).lineHeight) || 20; }

  /** The pixel position (in the editor) under the character at index pos. */
  caretXY(pos) {
    const text = this.ta.value.slice(0, pos);
    const line = text.split('\n').length - 1;
    const lineText = text.slice(text.lastIndexOf('\n') + 1);
    let vcol = 0;
    for (const ch of lineText) vcol = ch === '\t' ? (Math.floor(vcol / TAB) + 1) * TAB : vcol + 1;
    const cw = this.measure.getBoundingClientRect().width / 100 || 8;
    const cs = getComputedStyle(this.ta);
    const padL = parseFloat(cs.paddingLeft) || 0, padT = parseFloat(cs.paddingTop) || 0;
    return {
      x: this.gutter.offsetWidth + padL + vcol * cw - this.ta.scrollLeft,
      y: padT + (line + 1) * this.lineHeight() - this.ta.scrollTop + 2,
    };
  }

  syncScroll() {
    this.hl.style.transform = `translate(${-this.ta.scrollLeft}px, ${-this.ta.scrollTop}px)`;
    this.gutter.firstChild && (this.gutter.firstChild.style.transform = `translateY(${-this.ta.scrollTop}px)`);
    if (!this.popup.hidden) this.closePopup();
  }

  render() {
    const text = this.ta.value;
    const frag = document.createDocumentFragment();
    const errPos = this.error ? this.error.pos : -1;
    for (const t of tokenize(text)) {
      const hit = errPos >= t.start && errPos < t.end;
      if (t.type !== 'ws') {
        put(frag, el('span', {class: 'tok-' + t.type + (hit ? ' tok-error' : ''), text: t.text}));
      } else if (!hit) {
        put(frag, t.text);
      } else {
        // The error is on a space: mark that one character, keeping the
        // layer's text identical to the textarea's.
        const k = errPos - t.start;
        put(frag, t.text.slice(0, k), el('span', {class: 'tok-error tok-error-gap', text: t.text[k]}), t.text.slice(k + 1));
      }
    }
    if (this.error && errPos >= text.length) put(frag, el('span', {class: 'tok-error tok-error-gap', text: ' '}));
    put(frag, '\n');
    clear(this.hl, frag);
    const lines = text.split('\n').length;
    const nums = el('div', {class: 'gutter-lines'});
    for (let i = 1; i <= lines; i++) put(nums, el('div', {class: this.error && this.error.line === i ? 'gutter-line error' : 'gutter-line', text: i}));
    clear(this.gutter, nums);
    this.syncScroll();
  }
}
