// The results grid. A result may hold millions of rows; the grid holds a
// few pages of them: it draws only the rows in view (plus a margin) over a
// spacer as tall as the whole result, and fetches the pages those rows
// are in (PAGE rows each) as the view moves, keeping at most MAX_PAGES of
// them. Scrolling to row 60,000 of 100,000 fetches the page of row 60,000,
// not the 300 pages before it.

import {el, clear, put, copyText, toast} from './dom.js';

export const ROW_HEIGHT = 26;
export const PAGE = 200;
const MAX_PAGES = 60;
const OVERSCAN = 40;

/** Nested values the grid opens as JSON. */
export function isNestedType(type, name) {
  return /^(map|row|array)\(/.test(type) || type === 'json' || (type === 'varchar' && /^eventjson$/i.test(name));
}

export class Grid {
  /**
   * opts: {columns: [{name, type}], total, fetchPage(start, count) -> Promise<values[][]>,
   *        sort: {col, desc} | null, onSort(col), onOpen(value, column, rowIndex)}
   */
  constructor(host, opts) {
    this.opts = opts;
    this.cols = opts.columns;
    this.total = opts.total;
    this.pages = new Map();
    this.inflight = new Map();
    this.sel = null;
    this.widths = this.cols.map(c => Math.min(420, Math.max(80, 9 * Math.max(c.name.length, 4) + 28)));
    this.numWidth = Math.max(48, 9 * String(this.total).length + 20);
    this.head = el('div', {class: 'grid-head', role: 'row'});
    this.headWrap = el('div', {class: 'grid-head-wrap'}, this.head);
    this.rowsEl = el('div', {class: 'grid-rows'});
    this.spacer = el('div', {class: 'grid-spacer'}, this.rowsEl);
    this.body = el('div', {class: 'grid-body', tabindex: '0', role: 'grid', 'aria-rowcount': String(this.total), 'data-testid': 'grid'}, this.spacer);
    this.info = el('span', {class: 'grid-sel', text: 'Click a cell to select it; double-click to open its value.'});
    this.tools = el('div', {class: 'grid-tools'}, this.info,
      el('button', {type: 'button', text: 'Copy cell', 'data-testid': 'copy-cell', on: {click: () => this.copyCell()}}),
      el('button', {type: 'button', text: 'Copy row as JSON', 'data-testid': 'copy-row', on: {click: () => this.copyRow('json')}}),
      el('button', {type: 'button', text: 'Copy row as TSV', on: {click: () => this.copyRow('tsv')}}),
      el('button', {type: 'button', text: 'Open value', 'data-testid': 'open-value', on: {click: () => this.openSelected()}}));
    this.root = el('div', {class: 'grid'}, this.headWrap, this.body, this.tools);
    clear(host, this.root);
    this.drawHead();
    this.layout();
    this.body.addEventListener('scroll', () => this.onScroll());
    this.body.addEventListener('keydown', e => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'c' && this.sel) { e.preventDefault(); this.copyCell(); }
    });
    this.ro = new ResizeObserver(() => this.draw());
    this.ro.observe(this.body);
    this.draw();
  }

  destroy() { this.ro.disconnect(); this.dead = true; }

  /** Sizes the columns to the first page's values (once). */
  fit(rows) {
    this.fitted = true;
    this.widths = this.cols.map((c, j) => {
      let n = Math.max(c.name.length, Math.min(c.type.length, 14));
      for (const r of rows.slice(0, 100)) if (r[j] !== null) n = Math.max(n, Math.min(String(r[j]).length, 60));
      return Math.min(460, Math.max(70, Math.round(7.6 * n) + 28));
    });
    this.drawHead();
    this.layout();
  }

  drawHead() {
    clear(this.head);
    put(this.head, el('div', {class: 'gcell gnum', style: {width: this.numWidth + 'px'}, text: '#'}));
    this.cols.forEach((c, i) => {
      const s = this.opts.sort && this.opts.sort.col === i ? (this.opts.sort.desc ? ' ▼' : ' ▲') : '';
      put(this.head, el('button', {type: 'button', class: 'gcell ghead', role: 'columnheader', style: {width: this.widths[i] + 'px'},
        title: c.name + ' (' + c.type + ') — click to sort', dataset: {col: i}, on: {click: () => this.opts.onSort && this.opts.onSort(i)}},
      el('span', {class: 'gname', text: c.name + s}), el('span', {class: 'gtype', text: c.type})));
    });
  }

  layout() {
    const w = this.numWidth + this.widths.reduce((a, b) => a + b, 0);
    this.spacer.style.height = (this.total * ROW_HEIGHT) + 'px';
    this.spacer.style.width = w + 'px';
    this.head.style.width = w + 'px';
  }

  onScroll() {
    this.headWrap.scrollLeft = this.body.scrollLeft;
    if (this.raf) return;
    this.raf = requestAnimationFrame(() => { this.raf = 0; this.draw(); });
  }

  range() {
    const first = Math.max(0, Math.floor(this.body.scrollTop / ROW_HEIGHT));
    const n = Math.ceil((this.body.clientHeight || 400) / ROW_HEIGHT) + 1;
    return [first, Math.min(this.total, first + n)];
  }

  /** The value of row i, column c (undefined while its page loads). */
  value(i, c) {
    const p = this.pages.get(Math.floor(i / PAGE));
    if (!p) return undefined;
    const row = p[i % PAGE];
    return row ? row[c] : undefined;
  }

  row(i) {
    const p = this.pages.get(Math.floor(i / PAGE));
    return p ? p[i % PAGE] : undefined;
  }

  ensure(first, last) {
    const lo = Math.floor(Math.max(0, first - OVERSCAN) / PAGE);
    const hi = Math.floor(Math.max(0, Math.min(this.total - 1, last + OVERSCAN)) / PAGE);
    for (let p = lo; p <= hi; p++) {
      if (this.pages.has(p) || this.inflight.has(p)) continue;
      const start = p * PAGE;
      const pr = this.opts.fetchPage(start, Math.min(PAGE, this.total - start)).then(rows => {
        this.inflight.delete(p);
        if (this.dead) return;
        this.pages.set(p, rows);
        if (p === 0 && !this.fitted) this.fit(rows);
        this.evict(p);
        const [f, l] = this.range();
        if (start < l + OVERSCAN && start + PAGE > f - OVERSCAN) this.draw();
      }, err => {
        this.inflight.delete(p);
        toast('Could not read rows ' + start + '–' + (start + PAGE) + ': ' + err.message, true);
      });
      this.inflight.set(p, pr);
    }
  }

  evict(keep) {
    if (this.pages.size <= MAX_PAGES) return;
    const [first] = this.range();
    const cur = Math.floor(first / PAGE);
    const far = [...this.pages.keys()].filter(p => p !== keep).sort((a, b) => Math.abs(b - cur) - Math.abs(a - cur));
    while (this.pages.size > MAX_PAGES && far.length) this.pages.delete(far.shift());
  }

  draw() {
    if (this.dead) return;
    const [first, last] = this.range();
    this.ensure(first, last);
    const from = Math.max(0, first - 5), to = Math.min(this.total, last + 5);
    const frag = document.createDocumentFragment();
    for (let i = from; i < to; i++) {
      const r = this.row(i);
      const line = el('div', {class: r ? 'grow' : 'grow loading', role: 'row', style: {transform: `translateY(${i * ROW_HEIGHT}px)`}, dataset: {row: i}},
        el('div', {class: 'gcell gnum', style: {width: this.numWidth + 'px'}, text: i + 1}));
      this.cols.forEach((c, j) => {
        const v = r ? r[j] : undefined;
        const nested = v !== null && v !== undefined && isNestedType(c.type, c.name);
        const cls = ['gcell', v === null ? 'null' : '', nested ? 'nested' : '', /^(bigint|double|integer)$/.test(c.type) ? 'num' : '',
          this.sel && this.sel.row === i && this.sel.col === j ? 'selected' : ''];
        const cell = el('div', {class: cls, role: 'gridcell', style: {width: this.widths[j] + 'px'}, dataset: {col: j},
          on: {click: () => this.select(i, j), dblclick: () => { this.select(i, j); this.openSelected(); }}},
        r ? (v === null ? 'NULL' : String(v).slice(0, 2000)) : '');
        if (nested) cell.prepend(el('button', {type: 'button', class: 'open-json', title: 'Open as JSON', text: /^(array)/.test(c.type) || String(v)[0] === '[' ? '[…]' : '{…}',
          on: {click: ev => { ev.stopPropagation(); this.select(i, j); this.openSelected(); }}}));
        put(line, cell);
      });
      put(frag, line);
    }
    clear(this.rowsEl, frag);
  }

  select(i, j) {
    this.sel = {row: i, col: j};
    this.info.textContent = `Row ${i + 1}, ${this.cols[j].name}`;
    this.draw();
    this.body.focus({preventScroll: true});
  }

  selectedValue() {
    if (!this.sel) return undefined;
    return this.value(this.sel.row, this.sel.col);
  }

  copyCell() {
    const v = this.selectedValue();
    if (v === undefined) { toast('Select a cell first'); return; }
    copyText(v === null ? 'NULL' : String(v)).then(() => toast('Cell copied'));
  }

  copyRow(kind) {
    if (!this.sel) { toast('Select a cell first'); return; }
    const r = this.row(this.sel.row);
    if (!r) return;
    let text;
    if (kind === 'json') {
      const o = {};
      this.cols.forEach((c, j) => {
        let v = r[j];
        if (v !== null && isNestedType(c.type, c.name)) { try { v = JSON.parse(v); } catch { /* keep the text */ } }
        o[c.name] = v;
      });
      text = JSON.stringify(o, null, 2);
    } else {
      text = r.map(v => v === null ? '' : String(v).replace(/[\t\n]/g, ' ')).join('\t');
    }
    copyText(text).then(() => toast('Row copied'));
  }

  openSelected() {
    if (!this.sel) { toast('Select a cell first'); return; }
    const v = this.selectedValue();
    if (v === undefined) return;
    this.opts.onOpen && this.opts.onOpen(v, this.cols[this.sel.col], this.sel.row);
  }
}
