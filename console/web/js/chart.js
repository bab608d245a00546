// Charts of a result, drawn as SVG by hand: a time series when a column is
// a timestamp or date, bars for a category and a count, stacked bars when
// a second category splits them, big numbers for a one-row summary. Every
// mark carries its label and value (data-label, data-value, and a <title>
// for the tooltip), so what is drawn can be read back exactly; all text is
// text nodes.

import {el, svg, clear, put} from './dom.js';

const COLORS = ['#2f6fde', '#e8743b', '#19a979', '#945ecf', '#d64d7c', '#13a4b4', '#b8a02c', '#6c8893', '#4a9d3f', '#c26a2a'];
const MAX_SERIES = 8;
const MAX_BARS = 30;

const isTime = t => /^(timestamp|date)/.test(t);
const isNum = t => /^(bigint|double|integer|real|decimal|smallint|tinyint)/.test(t);

export function parseTime(v) {
  if (v === null || v === undefined) return NaN;
  const s = String(v);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? s + 'T00:00:00Z' : s.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? '' : 'Z');
  return Date.parse(iso);
}

const num = v => (v === null || v === undefined || v === '') ? NaN : Number(v);

/** The chart a result suggests: {kind, x, y, series} (column indexes), or null. */
export function autoSpec(columns) {
  const t = columns.findIndex(c => isTime(c.type));
  const nums = columns.map((c, i) => isNum(c.type) ? i : -1).filter(i => i >= 0);
  const cats = columns.map((c, i) => !isNum(c.type) && !isTime(c.type) && !/^(map|row|array)/.test(c.type) ? i : -1).filter(i => i >= 0);
  if (t >= 0 && nums.length) return {kind: 'line', x: t, y: cats.length ? [nums[0]] : nums.slice(0, MAX_SERIES), series: cats.length ? cats[0] : -1};
  if (cats.length >= 2 && nums.length) return {kind: 'stacked', x: cats[0], y: [nums[0]], series: cats[1]};
  if (cats.length && nums.length) return {kind: 'bar', x: cats[0], y: [nums[0]], series: -1};
  if (nums.length) return {kind: 'number', x: -1, y: nums, series: -1};
  return null;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const e = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * e >= v) return m * e;
  return 10 * e;
}

function fmtNum(v) {
  if (!isFinite(v)) return String(v);
  if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(Math.abs(v) >= 1e7 ? 0 : 1) + 'M';
  if (Math.abs(v) >= 1e4) return (v / 1e3).toFixed(Math.abs(v) >= 1e5 ? 0 : 1) + 'k';
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(4);
}

function fmtTick(ms, span) {
  const iso = new Date(ms).toISOString();
  if (span > 2 * 86400e3) return iso.slice(5, 10);
  if (span > 3 * 3600e3) return iso.slice(5, 10) + ' ' + iso.slice(11, 16);
  return iso.slice(11, 19);
}

function cut(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + '…' : s; }

/** Groups series values beyond the MAX_SERIES largest into "other". */
function topSeries(rows, sIdx, yIdx) {
  const tot = new Map();
  for (const r of rows) {
    const k = r[sIdx] === null ? 'NULL' : String(r[sIdx]);
    tot.set(k, (tot.get(k) || 0) + (num(r[yIdx]) || 0));
  }
  const keys = [...tot.keys()].sort((a, b) => tot.get(b) - tot.get(a));
  return {keep: new Set(keys.slice(0, MAX_SERIES)), names: keys.length > MAX_SERIES ? [...keys.slice(0, MAX_SERIES), 'other'] : keys};
}

function legend(names) {
  return el('div', {class: 'chart-legend'}, names.map((n, i) => el('span', {class: 'legend-item'},
    el('span', {class: 'legend-swatch c' + (i % COLORS.length)}), cut(n, 40))));
}

function lineChart(columns, rows, spec, width) {
  const H = 260, m = {l: 56, r: 16, t: 12, b: 30};
  const W = Math.max(320, width);
  const xs = spec.x;
  let series; // name -> [[x, y, label]]
  let names;
  if (spec.series >= 0) {
    const y = spec.y[0];
    const top = topSeries(rows, spec.series, y);
    names = top.names;
    series = new Map(names.map(n => [n, new Map()]));
    for (const r of rows) {
      const t = parseTime(r[xs]);
      const v = num(r[y]);
      if (isNaN(t) || isNaN(v)) continue;
      let k = r[spec.series] === null ? 'NULL' : String(r[spec.series]);
      if (!top.keep.has(k)) k = 'other';
      const mm = series.get(k);
      mm.set(t, (mm.get(t) || 0) + v);
    }
  } else {
    names = spec.y.map(i => columns[i].name);
    series = new Map(names.map(n => [n, new Map()]));
    for (const r of rows) {
      const t = parseTime(r[xs]);
      if (isNaN(t)) continue;
      spec.y.forEach((yi, k) => { const v = num(r[yi]); if (!isNaN(v)) series.get(names[k]).set(t, v); });
    }
  }
  let tmin = Infinity, tmax = -Infinity, vmax = 0;
  for (const mm of series.values()) for (const [t, v] of mm) { tmin = Math.min(tmin, t); tmax = Math.max(tmax, t); vmax = Math.max(vmax, v); }
  if (!isFinite(tmin)) return el('div', {class: 'chart-empty', text: 'No points to draw.'});
  if (tmax === tmin) { tmin -= 3600e3; tmax += 3600e3; }
  const ymax = niceMax(vmax);
  const X = t => m.l + (t - tmin) / (tmax - tmin) * (W - m.l - m.r);
  const Y = v => m.t + (1 - v / ymax) * (H - m.t - m.b);
  const g = svg('svg', {class: 'chart', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'data-kind': 'line'});
  for (let i = 0; i <= 4; i++) {
    const v = ymax * i / 4;
    put(g, svg('line', {class: 'grid-line', x1: m.l, x2: W - m.r, y1: Y(v), y2: Y(v)}),
      svg('text', {class: 'axis', x: m.l - 6, y: Y(v) + 4, 'text-anchor': 'end'}, fmtNum(v)));
  }
  const span = tmax - tmin;
  for (let i = 0; i <= 5; i++) {
    const t = tmin + span * i / 5;
    put(g, svg('text', {class: 'axis', x: X(t), y: H - 10, 'text-anchor': i === 0 ? 'start' : i === 5 ? 'end' : 'middle'}, fmtTick(t, span)));
  }
  [...series.entries()].forEach(([name, mm], si) => {
    const pts = [...mm.entries()].sort((a, b) => a[0] - b[0]);
    const color = COLORS[si % COLORS.length];
    put(g, svg('polyline', {class: 'series', fill: 'none', stroke: color, 'stroke-width': 2, points: pts.map(([t, v]) => X(t).toFixed(1) + ',' + Y(v).toFixed(1)).join(' ')}));
    for (const [t, v] of pts) {
      const label = new Date(t).toISOString().replace('T', ' ').slice(0, 19);
      put(g, svg('circle', {class: 'mark', cx: X(t).toFixed(1), cy: Y(v).toFixed(1), r: pts.length > 200 ? 1.5 : 3, fill: color,
        'data-label': label, 'data-series': name, 'data-value': v},
      svg('title', {}, `${name} · ${label} · ${v.toLocaleString('en-US')}`)));
    }
  });
  return el('div', {class: 'chart-box'}, g, legend(names));
}

function barChart(columns, rows, spec, width) {
  const xi = spec.x, yi = spec.y[0];
  const data = rows.slice(0, MAX_BARS).map(r => [r[xi] === null ? 'NULL' : String(r[xi]), num(r[yi])]).filter(d => !isNaN(d[1]));
  if (!data.length) return el('div', {class: 'chart-empty', text: 'No values to draw.'});
  const barH = 20, gap = 4, m = {l: 220, r: 70, t: 4, b: 4};
  const W = Math.max(360, width);
  const H = m.t + m.b + data.length * (barH + gap);
  const vmax = Math.max(...data.map(d => d[1]), 0) || 1;
  const g = svg('svg', {class: 'chart', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'data-kind': 'bar'});
  data.forEach(([label, v], i) => {
    const y = m.t + i * (barH + gap);
    const w = Math.max(1, (v / vmax) * (W - m.l - m.r));
    put(g, svg('text', {class: 'bar-label', x: m.l - 8, y: y + barH * 0.7, 'text-anchor': 'end'}, cut(label, 34), svg('title', {}, label)),
      svg('rect', {class: 'mark', x: m.l, y, width: w, height: barH, rx: 2, fill: COLORS[0], 'data-label': label, 'data-value': v},
        svg('title', {}, `${label} · ${v.toLocaleString('en-US')}`)),
      svg('text', {class: 'bar-value', x: m.l + w + 6, y: y + barH * 0.7}, v.toLocaleString('en-US')));
  });
  const box = el('div', {class: 'chart-box'}, g);
  if (rows.length > MAX_BARS) put(box, el('div', {class: 'chart-note', text: `The first ${MAX_BARS} of ${rows.length} rows.`}));
  return box;
}

function stackedChart(columns, rows, spec, width) {
  const xi = spec.x, si = spec.series, yi = spec.y[0];
  const top = topSeries(rows, si, yi);
  const cats = [];
  const byCat = new Map();
  for (const r of rows) {
    const c = r[xi] === null ? 'NULL' : String(r[xi]);
    const v = num(r[yi]);
    if (isNaN(v)) continue;
    if (!byCat.has(c)) {
      if (cats.length >= MAX_BARS) continue;
      cats.push(c);
      byCat.set(c, new Map());
    }
    let s = r[si] === null ? 'NULL' : String(r[si]);
    if (!top.keep.has(s)) s = 'other';
    const mm = byCat.get(c);
    mm.set(s, (mm.get(s) || 0) + v);
  }
  if (!cats.length) return el('div', {class: 'chart-empty', text: 'No values to draw.'});
  const barH = 20, gap = 4, m = {l: 220, r: 70, t: 4, b: 4};
  const W = Math.max(360, width);
  const H = m.t + m.b + cats.length * (barH + gap);
  const totals = cats.map(c => [...byCat.get(c).values()].reduce((a, b) => a + b, 0));
  const vmax = Math.max(...totals, 0) || 1;
  const g = svg('svg', {class: 'chart', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'data-kind': 'stacked'});
  cats.forEach((c, i) => {
    const y = m.t + i * (barH + gap);
    let x = m.l;
    put(g, svg('text', {class: 'bar-label', x: m.l - 8, y: y + barH * 0.7, 'text-anchor': 'end'}, cut(c, 34), svg('title', {}, c)));
    top.names.forEach((s, k) => {
      const v = byCat.get(c).get(s);
      if (!v) return;
      const w = Math.max(1, (v / vmax) * (W - m.l - m.r));
      put(g, svg('rect', {class: 'mark', x, y, width: w, height: barH, fill: COLORS[k % COLORS.length], 'data-label': c, 'data-series': s, 'data-value': v},
        svg('title', {}, `${c} · ${s} · ${v.toLocaleString('en-US')}`)));
      x += w;
    });
    put(g, svg('text', {class: 'bar-value', x: x + 6, y: y + barH * 0.7}, totals[i].toLocaleString('en-US')));
  });
  return el('div', {class: 'chart-box'}, g, legend(top.names));
}

function numbers(columns, rows, spec) {
  const r = rows[0];
  if (!r) return el('div', {class: 'chart-empty', text: 'No row.'});
  const idx = spec && spec.y && spec.y.length ? columns.map((_, i) => i) : [];
  return el('div', {class: 'kpis', 'data-kind': 'number'}, idx.map(i => el('div', {class: 'kpi'},
    el('div', {class: 'kpi-value mark', 'data-label': columns[i].name, 'data-value': r[i] === null ? '' : r[i], text: r[i] === null ? '–' : (isNaN(num(r[i])) ? r[i] : num(r[i]).toLocaleString('en-US'))}),
    el('div', {class: 'kpi-label', text: columns[i].name}))));
}

/** A table of the first rows (dashboard widgets). */
export function table(columns, rows, max) {
  return el('div', {class: 'mini-table-wrap'}, el('table', {class: 'mini-table'},
    el('thead', {}, el('tr', {}, columns.map(c => el('th', {text: c.name})))),
    el('tbody', {}, rows.slice(0, max || 50).map(r => el('tr', {}, r.map((v, i) => el('td', {class: v === null ? 'null' : (isNum(columns[i].type) ? 'num' : ''), text: v === null ? 'NULL' : v})))))));
}

/** Draws a chart of the result into host; spec from autoSpec or the user. */
export function renderChart(host, columns, rows, spec) {
  clear(host);
  if (!spec) { put(host, el('div', {class: 'chart-empty', text: 'No chart for this result: it needs a time or category column and a numeric one.'})); return; }
  const width = Math.min(1100, (host.clientWidth || 800) - 8);
  const node = spec.kind === 'line' ? lineChart(columns, rows, spec, width)
    : spec.kind === 'bar' ? barChart(columns, rows, spec, width)
      : spec.kind === 'stacked' ? stackedChart(columns, rows, spec, width)
        : spec.kind === 'number' ? numbers(columns, rows, spec)
          : table(columns, rows, 50);
  put(host, node);
}

export const chartKinds = {line: 'Time series', bar: 'Bars', stacked: 'Stacked bars', number: 'Numbers', table: 'Table'};
