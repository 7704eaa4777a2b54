// Each chart's tools: a "Download" row (PNG, SVG, CSV, JSON) and a "Numbers" table under
// the canvas, and the canvas's text alternative (aria-label). A view module beside ui.js:
// it touches only the DOM it creates and the canvases' aria-labels; main.js hands it,
// per chart, where its numbers come from and how to draw it as SVG.
//
// PNG: the canvas itself (already in device pixels, see ui.js `paint`). SVG: the same
// plotters chart function through its SVG backend (`svg` in src/web.rs), in the
// canvas's proportions (`svgSize`). CSV and JSON: the chart's table (chartdata.js).
// PNG and SVG carry the page's link and the chart's settings inside (stamp.js).

import { t as tr } from './i18n.js';
import { toCSV, toJSON } from './chartdata.js';
import { num } from './format.js';
import { pngWithText, stampText, svgWithDesc } from './stamp.js';

const $ = (id) => document.getElementById(id);

/** Save `blob` as `name` through a temporary link (the browser's download). */
export function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the link; the object URL can go a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The SVG's size: the canvas's proportions, at least SVG_MIN_WIDTH wide. Without a font,
 * plotters' SVG backend estimates text widths more generously than the canvas measures
 * them, so at a narrow chart's CSS size (a phone, the pair of charts side by side) the
 * title and legend would leave the plot no room. A vector image scales anyway.
 */
const SVG_MIN_WIDTH = 640;
export function svgSize(canvas) {
  const w = Math.max(1, canvas.clientWidth);
  const h = Math.max(1, canvas.clientHeight);
  const k = Math.max(1, SVG_MIN_WIDTH / w);
  return { width: Math.round(w * k), height: Math.round(h * k) };
}

/**
 * Fill `table` with a header row of `columns` and a body of `rows`, each cell {text,
 * nonfinite}; the first cell of a row names it (a layer, an epoch, a neuron).
 */
export function fillRows(table, columns, rows) {
  const head = document.createElement('thead');
  const hr = head.insertRow();
  for (const c of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = c;
    hr.append(th);
  }
  const body = document.createElement('tbody');
  for (const r of rows) {
    const tr = body.insertRow();
    r.forEach((c, i) => {
      const cell = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) cell.scope = 'row';
      cell.textContent = c.text;
      if (c.nonfinite) cell.className = 'nonfinite';
      tr.append(cell);
    });
  }
  table.replaceChildren(head, body);
}

const FORMATS = [
  ['png', 'PNG', 'the chart as a PNG image'],
  ['svg', 'SVG', 'the chart as an SVG vector image'],
  ['csv', 'CSV', 'the numbers as CSV'],
  ['json', 'JSON', 'the numbers as JSON'],
];

/**
 * `sources`: chart id → {table: () => chartdata table, svg: (width, height) => string,
 * numbers: whether to add a "Numbers" table (the chain has its own)}.
 * `fail(where, error, vars)` reports an error on the page, after the prefix `where` (an
 * i18n key, with `vars`).
 */
export function createChartTools(sources, fail) {
  const open = new Set();

  for (const [id, src] of Object.entries(sources)) {
    const canvas = $(id);
    const figure = canvas.closest('figure');
    const tools = document.createElement('div');
    tools.className = 'chart-tools';
    const row = document.createElement('div');
    row.className = 'export';
    row.setAttribute('role', 'group');
    const label = document.createElement('span');
    label.className = 'export-label';
    label.id = `${id}-export-label`;
    label.textContent = 'Download';
    label.dataset.i18n = 'export.download';
    row.setAttribute('aria-labelledby', label.id);
    row.append(label);
    for (const [fmt, text, what] of FORMATS) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'export-button';
      b.dataset.format = fmt;
      b.textContent = text;
      b.setAttribute('aria-label', `Download ${what}`);
      b.dataset.i18nAttr = `aria-label:export.${fmt}`;
      b.addEventListener('click', () => download(id, fmt));
      row.append(b);
    }
    tools.append(row);
    if (src.numbers !== false) {
      const details = document.createElement('details');
      details.className = 'chart-numbers';
      details.id = `${id}-numbers`;
      const summary = document.createElement('summary');
      summary.textContent = 'Numbers';
      summary.dataset.i18n = 'export.numbers';
      const scroll = document.createElement('div');
      scroll.className = 'scroll';
      // Focusable, so a keyboard can scroll a long or wide table (axe: scrollable-region-focusable).
      scroll.tabIndex = 0;
      scroll.setAttribute('role', 'region');
      scroll.setAttribute('aria-label', `Numbers of the chart`);
      scroll.dataset.i18nAttr = 'aria-label:export.numbersOf';
      const table = document.createElement('table');
      table.className = 'numbers';
      scroll.append(table);
      details.append(summary, scroll);
      // Drawn when opened and kept up to date while open: a 500-epoch table costs nothing closed.
      details.addEventListener('toggle', () => {
        if (details.open) {
          open.add(id);
          fillTable(id);
        } else {
          open.delete(id);
        }
      });
      tools.append(details);
    }
    figure.append(tools);
  }

  function fillTable(id) {
    const t = sources[id].table();
    const table = $(`${id}-numbers`).querySelector('table');
    table.parentElement.setAttribute('aria-label', tr('export.numbersOfTitle', { title: t.title }));
    const format = (v, i) => (v === null || v === undefined ? '—' : typeof v === 'number' ? (Number.isInteger(v) && i === 0 ? String(v) : num(v, 4)) : String(v));
    const cells = t.rows.map((r) => r.map((v, i) => ({ text: format(v, i), nonfinite: typeof v === 'number' && !Number.isFinite(v) })));
    fillRows(table, t.columns, cells);
    if (!t.rows.length) {
      const td = table.tBodies[0].insertRow().insertCell();
      td.colSpan = t.columns.length;
      td.textContent = tr('export.none');
    }
  }

  async function download(id, fmt) {
    const src = sources[id];
    const name = `gradlab-${id.replace(/-canvas$/, '')}.${fmt}`;
    try {
      const stamp = () => stampText(location.href, src.table().settings);
      if (fmt === 'png') {
        const canvas = $(id);
        const blob = await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error(tr('export.emptyCanvas')))), 'image/png'));
        const png = pngWithText(new Uint8Array(await blob.arrayBuffer()), 'Source', stamp());
        saveFile(new Blob([png], { type: 'image/png' }), name);
      } else if (fmt === 'svg') {
        const { width, height } = svgSize($(id));
        const svg = svgWithDesc(src.svg(width, height), stamp());
        saveFile(new Blob([svg], { type: 'image/svg+xml' }), name);
      } else if (fmt === 'csv') {
        saveFile(new Blob([toCSV(src.table())], { type: 'text/csv' }), name);
      } else {
        saveFile(new Blob([toJSON(src.table(), id)], { type: 'application/json' }), name);
      }
    } catch (e) {
      fail('where.download', e, { name });
    }
  }

  /** The chart's data changed: new text alternative, and a fresh table if it is open. */
  function refresh(id) {
    const src = sources[id];
    if (!src) return;
    const t = src.table();
    $(id).setAttribute('aria-label', tr('export.label', { title: t.title, summary: t.summary }));
    if (open.has(id)) fillTable(id);
  }

  return { refresh };
}
