// www/app/inside-data.js: the numbers of the view inside the network, one table per chart,
// from the worker's report and the recorded run alone (shapes as src/inside/ serialises them:
// camelCase, a non-finite number as null).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { histogramsTable, activationsTable, heatmapTable, updatesTable } from '../../www/app/inside-data.js';
import { toCSV } from '../../www/chartdata.js';

const hist = (lo, hi, counts, below = 0, above = 0, invalid = 0) => ({ lo, hi, counts, below, above, invalid });
/** A report of one hidden layer: 4 values of a, 4 of f′, 4 of log|δ| of which one is 0 (−∞, below). */
const report = {
  units: [
    {
      layer: 1,
      saturated: 0.25,
      dead: 0,
      mean: 0.5,
      std: 0.2,
      activations: hist(0, 1, [1, 0, 2, 1]),
      fPrime: hist(0, 0.25, [0, 1, 1, 1], 0, 0, 1),
      logDelta: hist(-12, 0, [0, 1, 2, 0], 1),
    },
  ],
};

test('the histograms: a row per bin of each quantity, the values outside in rows of their own, fractions of all values', () => {
  const t = histogramsTable(report);
  assert.equal(t.columns.length, 5);
  const a = t.rows.filter((r) => r[1] === 'aˡ');
  assert.deepEqual(a.map((r) => [r[2], r[3], r[4]]), [[0, 0.25, 0.25], [0.25, 0.5, 0], [0.5, 0.75, 0.5], [0.75, 1, 0.25]]);
  const d = t.rows.filter((r) => r[1] === 'log₁₀|δˡ|');
  assert.deepEqual(d[0], [1, 'log₁₀|δˡ|', '−∞', -12, 0.25], 'a zero δ (log −∞) below the range');
  assert.equal(d.length, 5);
  const f = t.rows.filter((r) => r[1] === 'f′(zˡ)');
  assert.equal(f.at(-1)[4], 0.25, 'NaN counted');
  for (const q of ['aˡ', 'f′(zˡ)', 'log₁₀|δˡ|']) assert.ok(Math.abs(t.rows.filter((r) => r[1] === q).reduce((s, r) => s + r[4], 0) - 1) < 1e-12, q);
  assert.match(t.summary, /25\.0\s%/);
  assert.match(toCSV(t), /−∞/);
  assert.deepEqual(histogramsTable(null).rows, []);
});

/** Three epochs of a run of two hidden layers (three weight layers); the last diverged in layer 1. */
const history = [
  { epoch: 0, logNorms: [-4, -2], updateRatio: [-3.5, -3, -1], mean: [0.5, 0.4], std: [0.2, 0.25], saturated: [0, 0] },
  { epoch: 1, logNorms: [-4.5, -2.5], updateRatio: [-4, -3.5, -2], mean: [0.45, 0.4], std: [0.2, 0.2], saturated: [0, 0.01] },
  { epoch: 2, logNorms: [null, -2.4], updateRatio: [null, -3.4, -2.1], mean: [null, 0.41], std: [null, 0.21], saturated: [null, 0.02] },
];

test('mean ± std: a row per record, a mean and a std column per hidden layer, null as NaN', () => {
  const t = activationsTable(history);
  assert.equal(t.columns.length, 1 + 2 * 2);
  assert.deepEqual(t.rows.map((r) => r[0]), [0, 1, 2]);
  assert.deepEqual(t.rows[1], [1, 0.45, 0.2, 0.4, 0.2]);
  assert.ok(Number.isNaN(t.rows[2][1]));
  assert.match(t.summary, /epochs 0 to 2/);
});

test('the heatmap and the update ratios: a row per record, a column per hidden (weight) layer', () => {
  const h = heatmapTable(history);
  assert.equal(h.columns.length, 1 + 2);
  assert.deepEqual(h.rows[0], [0, -4, -2]);
  assert.match(h.summary, /from −4 at epoch 0/);
  const u = updatesTable(history);
  assert.equal(u.columns.length, 1 + 3);
  assert.deepEqual(u.rows[1], [1, -4, -3.5, -2]);
  assert.ok(Number.isNaN(u.rows[2][1]));
});

test('no run recorded yet: empty tables that say so', () => {
  for (const f of [activationsTable, heatmapTable, updatesTable]) {
    const t = f([]);
    assert.deepEqual(t.rows, []);
    assert.deepEqual(t.columns.length, 1);
    assert.equal(t.summary, 'Nothing recorded yet.');
  }
});
