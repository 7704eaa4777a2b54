// The numbers behind each chart, as one table per chart: a title, column names and rows
// of numbers. The same table is the chart's CSV and JSON download, its "Numbers" table
// on the page, and — shortened to a sentence — its text alternative (aria-label).
//
// Pure module: no DOM, no wasm. Values are the ones drawn (f32 results widened to f64);
// a value that overflowed arrives from the core's JSON as null and is kept non-finite.

import { num, percent } from './format.js';
import { t, tn } from './i18n.js';

/** null (JSON's ∞, from serde_json) → Infinity, so every cell is a number. */
export const orInf = (v) => (v === null || v === undefined ? Infinity : v);
const layerName = (l) => `‖δ${String(l).replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d])}‖`;

/** "layer 1 learns 95 times more slowly than layer 4", or '' when it cannot be said. */
export function speedSentence(norms) {
  if (norms.length < 2) return '';
  const first = norms[0];
  const last = norms[norms.length - 1];
  const L = norms.length;
  if (!Number.isFinite(first) || !Number.isFinite(last)) return t('norms.overflow');
  if (!(first > 0) || !(last > 0)) return '';
  // A ratio that rounds to 1 (0.666 against 0.659) is no "1 times faster".
  const x = num(Math.max(first, last) / Math.min(first, last), 2);
  if (x === '1') return t(first === last ? 'norms.same' : 'norms.about', { last: L });
  return t(last > first ? 'cd.slower' : 'cd.faster', { x, last: L });
}

const list = (xs) => xs.map((v, i) => t('cd.layerValue', { l: i + 1, v: num(v) })).join(t('cd.sep'));

/**
 * The single-neuron chain (a `ChainReport` from the core, the weights used, and f of
 * neurons 1..L−1: its derivative's column is named f′ when f is not σ).
 */
export function chainTable(r, w, act = 'sigmoid', residual = false) {
  const L = r ? r.terms.length : 0;
  const rows = [];
  for (let j = 0; j < L; j++) {
    rows.push([j + 1, w[j], r.b[j], r.z[j], r.sigmaPrime[j], j === 0 ? null : r.terms[j], orInf(r.runningProduct[j]), orInf(r.dcDb[j])]);
  }
  const regime = r ? String(r.regime).toLowerCase() : '';
  const mean = r?.meanTerm;
  const summary = !r
    ? t('cd.noChain')
    : L === 1
      ? t('cd.chain.single', { g: num(orInf(r.dcDb1)) })
      : t('cd.chain.summary', { L, mean: num(orInf(mean), 2), regime: t(`cd.regime.${regime}`), g1: num(orInf(r.dcDb1)), gL: num(orInf(r.dcDb[L - 1])) });
  const f = act === 'sigmoid' ? 'σ' : 'f';
  // With skips (L > 2: some neuron between the first and the output) the terms are 1 + w·f′(z).
  const skips = residual && L > 2;
  const title = skips ? t('cd.chain.titleResidual') : act === 'sigmoid' ? t('cd.chain.title') : t('cd.chain.titleWith', { f: t(`act.${act}`) });
  const term = skips ? t('cd.col.termResidual') : `w_j·σ′(z_j)`;
  return {
    title: f === 'σ' ? title : title.replaceAll('σ′', 'f′'),
    columns: [t('cd.col.neuron'), 'w_j', 'b_j', 'z_j', `${f}′(z_j)`, f === 'σ' ? term : term.replaceAll('σ′', 'f′'), t('cd.col.product'), '∂C/∂b_j'],
    rows,
    summary,
  };
}

/**
 * A network table as it reads with batch normalisation (`on`): b is then β, and the
 * speed of learning ‖δˡ‖ is ‖∂C/∂βˡ‖ (the charts' `netBeta` labels say the same).
 */
export function withBeta(table, on) {
  if (!on) return table;
  const beta = (s) => String(s).replaceAll('∂C/∂b', '∂C/∂β').replaceAll('‖δˡ‖', '‖δˡ‖ = ‖∂C/∂βˡ‖');
  const title = beta(table.title);
  return { ...table, title: title === table.title ? `${title} (‖δˡ‖ = ‖∂C/∂βˡ‖)` : title, columns: table.columns.map(beta) };
}

/** The book's bar chart: ∂C/∂b of the first six neurons of every hidden layer. */
export function barsTable(probe, title = t('cd.bars.title')) {
  const layers = probe?.layers ?? [];
  const rows = [];
  for (const l of layers) l.firstSix.forEach((v, i) => rows.push([l.layer, i + 1, v === null ? NaN : v]));
  const biggest = layers.map((l) => Math.max(...l.firstSix.map((v) => (v === null ? Infinity : Math.abs(v)))));
  return {
    title,
    columns: [t('cd.col.hidden'), t('cd.col.neuronShort'), '∂C/∂b'],
    rows,
    summary: layers.length ? tn('cd.bars.summary', layers.length, { list: list(biggest) }) : t('cd.noNetwork'),
  };
}

/** ‖δ^l‖ per hidden layer, with the book's values when given (an empty list: none). */
export function normsTable(norms, book = []) {
  const withBook = book.length > 0;
  const rows = norms.map((v, i) => (withBook ? [i + 1, v, book[i] ?? null] : [i + 1, v]));
  const sentence = speedSentence(norms);
  return {
    title: t('cd.norms.title'),
    columns: withBook ? [t('cd.col.layer'), '‖δˡ‖', t('row.book')] : [t('cd.col.layer'), '‖δˡ‖'],
    rows,
    summary: norms.length ? t('cd.norms.summary', { list: list(norms) }) + (sentence ? t('cd.sentence', { s: `${sentence[0].toUpperCase()}${sentence.slice(1)}` }) : '') : t('cd.noNetwork'),
  };
}

/** Learning-speed curves: `history[epoch][layer]`, epoch 0 before training. */
export function speedTable(history, title = t('cd.speed.title')) {
  const layers = Math.max(0, ...history.map((r) => r.length));
  const rows = history.map((r, e) => [e, ...Array.from({ length: layers }, (_, l) => orInf(r[l]))]);
  const last = history.length ? history[history.length - 1].map(orInf) : [];
  return {
    title,
    columns: [t('cd.col.epoch'), ...Array.from({ length: layers }, (_, l) => layerName(l + 1))],
    rows,
    summary: history.length ? tn('cd.speed.summary', history.length - 1, { layers, list: list(last) }) : t('cd.noEpochs'),
  };
}

/** Accuracy (%) and cost after each epoch (epoch 1 first). */
export function trainingTable(accuracy, cost) {
  const n = Math.max(accuracy.length, cost.length);
  const rows = Array.from({ length: n }, (_, i) => [i + 1, accuracy[i] ?? NaN, cost[i] ?? NaN]);
  const a = accuracy[n - 1];
  const c = cost[n - 1];
  return {
    title: t('cd.training.title'),
    columns: [t('cd.col.epoch'), t('cd.col.accuracy'), t('cd.col.cost')],
    rows,
    summary: n ? tn('cd.training.summary', n, { acc: percent(a), cost: num(c) }) : t('cd.noTraining'),
  };
}

/**
 * (b): mean and spread of ‖δ^l‖ at initialisation for each depth, beside the book's
 * (`numbers`: the core's book_numbers, whose `initNorms` follow its `normsHidden`).
 */
export function bookNormsTable(rows, numbers) {
  const bookOf = (hidden) => numbers?.initNorms[numbers.normsHidden.indexOf(hidden)] ?? [];
  const out = [];
  for (const r of rows) r.mean.forEach((m, l) => out.push([r.hidden, l + 1, orInf(m), orInf(r.std[l]), bookOf(r.hidden)[l] ?? null]));
  const deepest = rows.find((r) => r.hidden === Math.max(...(numbers?.normsHidden ?? []))) ?? rows.at(-1);
  return {
    title: t('cd.bookNorms.title'),
    columns: [t('cd.col.depth'), t('cd.col.layerL'), t('cd.col.mean'), t('cd.col.std'), t('row.book')],
    rows: out,
    summary: deepest ? t('cd.bookNorms.summary', { hidden: deepest.hidden, list: list(deepest.mean.map(orInf)), book: list(bookOf(deepest.hidden)) }) : t('cd.notMeasured'),
  };
}

/** (d): accuracy by depth. */
export function depthTable(rows, book) {
  return {
    title: t('cd.depth.title'),
    columns: [t('cd.col.depth'), t('cd.col.final'), t('cd.col.std'), t('cd.col.best'), t('cd.col.stdBest'), t('cd.col.book')],
    rows: rows.map((r) => [r.hidden, r.mean, r.std, r.bestMean, r.bestStd, book[r.hidden - 1] ?? null]),
    summary: rows.length ? t('cd.depth.summary', { list: rows.map((r) => t('cd.depth.item', { hidden: r.hidden, acc: percent(r.mean, 1) })).join(t('cd.sep')) }) : t('cd.notTrained'),
  };
}

// ---------------------------------------------------------------- files

/** A number as CSV/JSON text: full precision; ∞ and NaN by name in CSV. */
const csvCell = (v) => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** RFC 4180 CSV: a header of the column names, then one line per row. */
export function toCSV(table) {
  return [table.columns, ...table.rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * JSON of the table, with the settings it was made with when it has them (`table.settings`:
 * the network's activation, initialisation…). JSON has no ∞ or NaN: they are written as
 * null, as the core does.
 */
export function toJSON(table, chart) {
  const clean = (v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
  const settings = table.settings ? { settings: table.settings } : {};
  return JSON.stringify({ chart, title: table.title, ...settings, columns: table.columns, rows: table.rows.map((r) => r.map(clean)) }, null, 1);
}
