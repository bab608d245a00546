// The time-range picker. A range scopes the query on eventTime: the server
// narrows every scan of the statement to it (as if each store held only
// those events), which prunes files and row groups like a WHERE clause on
// eventTime would; the text of the query is not changed.

import {el} from './dom.js';

const PRESETS = [
  ['all', 'All time', 0],
  ['1h', 'Last hour', 3600e3],
  ['1d', 'Last day', 86400e3],
  ['7d', 'Last week', 7 * 86400e3],
  ['30d', 'Last 30 days', 30 * 86400e3],
  ['custom', 'Custom…', 0],
];

const toLocalInput = d => new Date(d.getTime() - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);

export class TimeRange {
  constructor(onChange, initial) {
    this.onChange = onChange;
    this.sel = el('select', {class: 'tr-select', 'data-testid': 'time-range', 'aria-label': 'Time range', on: {change: () => this.changed()}},
      PRESETS.map(([v, label]) => el('option', {value: v, text: label})));
    this.from = el('input', {type: 'datetime-local', class: 'tr-from', 'aria-label': 'From (local time)', on: {change: () => this.changed()}});
    this.to = el('input', {type: 'datetime-local', class: 'tr-to', 'aria-label': 'To (local time)', on: {change: () => this.changed()}});
    this.custom = el('span', {class: 'tr-custom', hidden: true}, this.from, ' – ', this.to);
    this.root = el('span', {class: 'timerange', title: 'Scopes every scan of the query to this eventTime range'}, this.sel, this.custom);
    if (initial) this.set(initial);
  }

  set(v) {
    this.sel.value = v.preset || 'all';
    if (v.from) this.from.value = toLocalInput(new Date(v.from));
    if (v.to) this.to.value = toLocalInput(new Date(v.to));
    this.custom.hidden = this.sel.value !== 'custom';
  }

  changed() {
    this.custom.hidden = this.sel.value !== 'custom';
    if (this.sel.value === 'custom' && !this.from.value) {
      const now = new Date();
      this.from.value = toLocalInput(new Date(now - 86400e3));
      this.to.value = toLocalInput(now);
    }
    this.onChange && this.onChange(this.state());
  }

  /** {preset, from, to} as ISO strings (from/to null when unbounded). */
  range() {
    const p = PRESETS.find(x => x[0] === this.sel.value);
    if (this.sel.value === 'custom') {
      const f = this.from.value ? new Date(this.from.value) : null;
      const t = this.to.value ? new Date(this.to.value) : null;
      return {from: f && !isNaN(f) ? f.toISOString() : null, to: t && !isNaN(t) ? t.toISOString() : null};
    }
    if (!p || !p[2]) return {from: null, to: null};
    const now = Date.now();
    return {from: new Date(now - p[2]).toISOString(), to: new Date(now).toISOString()};
  }

  state() { return {preset: this.sel.value, from: this.from.value ? new Date(this.from.value).toISOString() : null, to: this.to.value ? new Date(this.to.value).toISOString() : null}; }

  label() {
    const r = this.range();
    if (!r.from && !r.to) return 'all time';
    return (r.from ? r.from.replace('T', ' ').slice(0, 16) : '…') + ' – ' + (r.to ? r.to.replace('T', ' ').slice(0, 16) : '…') + ' UTC';
  }
}
