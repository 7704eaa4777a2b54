// The numbers of the view inside the network (issue 10), one table per chart, as export.js
// and chartdata.js take them ({title, columns, rows, summary}): pure functions of the
// worker's report (src/inside/mod.rs `InsideReport`) and of the recorded run (a list of
// `EpochInside`, src/inside/record.rs). No DOM, no wasm: tests/js/inside.test.mjs.

import { t } from '../i18n.js';
import { num, pct } from '../format.js';

/** JSON's null (a non-finite number on the way) as NaN, as the charts read it. */
export const nan = (v) => (v === null || v === undefined ? NaN : v);
const listOf = (rows, k) => rows.map((row) => num(row[k])).join(', ');

/** The factor chart's numbers: per hidden layer, the spectrum, the measured ratio, χ_l and the units. */
export function factorsTable(r) {
  const rows = r
    ? r.factors.map((f, i) => [
        i + 1,
        nan(f.spectrum.largest),
        nan(f.spectrum.median),
        nan(f.spectrum.smallest),
        nan(f.spectrum.rms),
        nan(f.ratio.median),
        nan(r.meanField.factors[i]),
        nan(r.units[i]?.saturated),
        nan(r.units[i]?.dead),
      ])
    : [];
  return {
    title: t('inside.cd.factors.title'),
    columns: [t('cd.col.layer'), t('inside.col.largest'), t('inside.col.median'), t('inside.col.smallest'), t('inside.col.rms'), t(r?.residual ? 'inside.col.ratioResidual' : 'inside.col.ratio'), t('inside.col.predicted'), t('inside.col.saturatedFraction'), t('inside.col.deadFraction')],
    rows,
    summary: r ? t('inside.cd.factors.summary', { rms: listOf(rows, 4), ratios: listOf(rows, 5), chi: listOf(rows, 6) }) : t('cd.noNetwork'),
  };
}

/** ‖δ^l‖ measured and predicted per hidden layer. */
export function normsTable(r) {
  const rows = r ? r.norms.map((v, i) => [i + 1, nan(v), nan(r.predictedNorms[i])]) : [];
  return {
    title: t('inside.cd.norms.title'),
    columns: [t('cd.col.layer'), t('inside.col.norm'), t('inside.col.predictedNorm')],
    rows,
    summary: r ? t('inside.cd.norms.summary', { measured: listOf(rows, 1), predicted: listOf(rows, 2) }) : t('cd.noNetwork'),
  };
}

/** The three histograms of a layer, in the chart's order: key in `LayerUnits`, the quantity's name. */
const HISTOGRAMS = [
  ['activations', 'inside.q.a'],
  ['fPrime', 'inside.q.fPrime'],
  ['logDelta', 'inside.q.logDelta'],
];

/**
 * The histograms' numbers, one row per bin: hidden layer, quantity, the bin's ends and the
 * fraction of the layer's values (images × units) in it; the values outside the range
 * (below, above, NaN) in rows of their own, with '−∞' or '∞' (text) as the open end.
 */
export function histogramsTable(r) {
  const rows = [];
  for (const u of r ? r.units : []) {
    for (const [key, name] of HISTOGRAMS) {
      const h = u[key];
      const total = h.counts.reduce((a, b) => a + b, 0) + h.below + h.above + h.invalid || 1;
      const q = t(name);
      if (h.below) rows.push([u.layer, q, '−∞', h.lo, h.below / total]);
      const w = (h.hi - h.lo) / h.counts.length;
      h.counts.forEach((c, j) => rows.push([u.layer, q, h.lo + j * w, h.lo + (j + 1) * w, c / total]));
      if (h.above) rows.push([u.layer, q, h.hi, '∞', h.above / total]);
      if (h.invalid) rows.push([u.layer, q, t('inside.col.nan'), t('inside.col.nan'), h.invalid / total]);
    }
  }
  const fractions = (k) => (r ? r.units.map((u) => pct(nan(u[k]))).join(', ') : '');
  return {
    title: t('inside.cd.hist.title'),
    columns: [t('cd.col.layer'), t('inside.col.quantity'), t('inside.col.from'), t('inside.col.to'), t('inside.col.fraction')],
    rows,
    summary: r ? t('inside.cd.hist.summary', { saturated: fractions('saturated'), dead: fractions('dead') }) : t('cd.noNetwork'),
  };
}

/** How many layers a run's records hold in `key` (the widest record: all have the same). */
const layersOf = (history, key) => Math.max(0, ...history.map((e) => e[key]?.length ?? 0));
const epochsOf = (history) => (history.length ? t('inside.cd.epochs', { from: history[0].epoch, to: history.at(-1).epoch, n: history.length }) : t('inside.cd.noRun'));

/** Glorot & Bengio's numbers: per record, each hidden layer's mean and standard deviation of aˡ. */
export function activationsTable(history = []) {
  const n = layersOf(history, 'mean');
  const columns = [t('cd.col.epoch')];
  for (let l = 1; l <= n; l++) columns.push(t('inside.col.meanOf', { l }), t('inside.col.stdOf', { l }));
  const rows = history.map((e) => [e.epoch, ...Array.from({ length: n }, (_, l) => [nan(e.mean[l]), nan(e.std[l])]).flat()]);
  const last = history.at(-1);
  return {
    title: t('inside.cd.activations.title'),
    columns,
    rows,
    summary: last ? t('inside.cd.activations.summary', { epochs: epochsOf(history), epoch: last.epoch, means: last.mean.map((m, l) => `${num(nan(m))} ± ${num(nan(last.std[l]))}`).join(', ') }) : t('inside.cd.noRun'),
  };
}

/** The heatmap's numbers: per record, log₁₀‖δˡ‖ of each hidden layer. */
export function heatmapTable(history = []) {
  const n = layersOf(history, 'logNorms');
  const rows = history.map((e) => [e.epoch, ...Array.from({ length: n }, (_, l) => nan(e.logNorms[l]))]);
  const first = history[0];
  const last = history.at(-1);
  const firstLayer = (e) => num(nan(e.logNorms[0]));
  return {
    title: t('inside.cd.heatmap.title'),
    columns: [t('cd.col.epoch'), ...Array.from({ length: n }, (_, l) => t('inside.col.logNorm', { l: l + 1 }))],
    rows,
    summary: last ? t('inside.cd.heatmap.summary', { epochs: epochsOf(history), from: firstLayer(first), to: firstLayer(last), epoch: last.epoch, e0: first.epoch }) : t('inside.cd.noRun'),
  };
}

/** The update-to-weight ratios: per record, log₁₀(‖η·Δwˡ‖/‖wˡ‖) of each weight layer. */
export function updatesTable(history = []) {
  const n = layersOf(history, 'updateRatio');
  const rows = history.map((e) => [e.epoch, ...Array.from({ length: n }, (_, l) => nan(e.updateRatio[l]))]);
  const last = history.at(-1);
  return {
    title: t('inside.cd.updates.title'),
    columns: [t('cd.col.epoch'), ...Array.from({ length: n }, (_, l) => t('inside.col.update', { l: l + 1 }))],
    rows,
    summary: last ? t('inside.cd.updates.summary', { epochs: epochsOf(history), epoch: last.epoch, ratios: last.updateRatio.map((v) => num(nan(v))).join(', ') }) : t('inside.cd.noRun'),
  };
}
