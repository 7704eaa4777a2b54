// The chart tables behind the downloads (www/chartdata.js): CSV that spreadsheets read
// (quoted names, ∞/NaN by name), JSON without ∞/NaN (null, as the core writes them), and
// the sentence the live region and the text alternatives say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCSV, toJSON, speedSentence, normsTable, speedTable, trainingTable, barsTable, chainTable, withBeta } from '../../www/chartdata.js';

test('CSV: a header of the column names, CRLF lines, commas quoted, ∞ and NaN by name', () => {
  const csv = toCSV({ columns: ['epoch', 'a, b', 'say "hi"'], rows: [[0, 0.1, Infinity], [1, NaN, null]] });
  assert.equal(csv, 'epoch,"a, b","say ""hi"""\r\n0,0.1,Infinity\r\n1,NaN,\r\n');
});

test('JSON: full precision, non-finite numbers as null', () => {
  const j = JSON.parse(toJSON({ title: 't', columns: ['x', 'y'], rows: [[1, 0.1 + 0.2], [2, -Infinity]] }, 'net-speed'));
  assert.deepEqual(j, { chart: 'net-speed', title: 't', columns: ['x', 'y'], rows: [[1, 0.30000000000000004], [2, null]] });
});

test('JSON: the settings a table was made with, when it has them (the network\'s activation…)', () => {
  const settings = { hidden: 8, activation: 'relu', init: 'he', biases: 'normal' };
  const j = JSON.parse(toJSON({ title: 't', settings, columns: ['x'], rows: [[1]] }, 'net-normchart'));
  assert.deepEqual(Object.keys(j), ['chart', 'title', 'settings', 'columns', 'rows']);
  assert.deepEqual(j.settings, settings);
});

test('the chain\'s table says f′ for another activation, σ′ for the sigmoid', () => {
  const r = { terms: [1, 0.5], b: [0, 0], z: [1, 0.5], sigmaPrime: [1, 0.235], runningProduct: [1, 0.5], dcDb: [0.1, 0.2], dcDb1: 0.1, meanTerm: 0.5, regime: 'Vanishing' };
  const relu = chainTable(r, [0.5, 0.5], 'relu');
  assert.deepEqual(relu.columns.slice(4, 6), ['f′(z_j)', 'w_j·f′(z_j)']);
  assert.match(relu.title, /f = ReLU/);
  const sigmoid = chainTable(r, [0.5, 0.5]);
  assert.deepEqual(sigmoid.columns.slice(4, 6), ['σ′(z_j)', 'w_j·σ′(z_j)']);
  assert.doesNotMatch(sigmoid.title, /f =/);
});

test('the speed sentence: how many times more slowly layer 1 learns than the last', () => {
  assert.equal(speedSentence([0.003, 0.017, 0.07, 0.285]), 'layer 1 learns 95 times more slowly than layer 4');
  assert.equal(speedSentence([0.5, 0.1]), 'layer 1 learns 5 times faster than layer 2');
  assert.equal(speedSentence([Infinity, 0.1]), 'the gradient overflowed');
  assert.equal(speedSentence([0.1]), '');
  // Issue 11: 0.666 against 0.659 is not "1 times faster".
  assert.equal(speedSentence([0.666, 0.5, 0.659]), 'layer 1 learns about as fast as layer 3');
  assert.equal(speedSentence([0.2, 0.2]), 'layer 1 and layer 2 learn at the same speed');
  assert.equal(speedSentence([0.1, 0.106]), 'layer 1 learns 1.1 times more slowly than layer 2');
});

test('tables: one row per layer, epoch or neuron; overflow (null from the core) kept as ∞', () => {
  assert.deepEqual(normsTable([0.01, 0.2], [0.07, 0.31]).rows, [[1, 0.01, 0.07], [2, 0.2, 0.31]]);
  assert.deepEqual(speedTable([[0.1, 0.2], [null, 0.3]]).rows, [[0, 0.1, 0.2], [1, Infinity, 0.3]]);
  assert.equal(trainingTable([91.5], [0.4]).summary, 'After 1 epoch: validation accuracy 91.50\u00a0%, cost 0.4.');
  const bars = barsTable({ count: 1000, layers: [{ layer: 1, firstSix: [0.1, null], norm: 1, delta: [] }] });
  assert.deepEqual(bars.rows, [[1, 1, 0.1], [1, 2, NaN]]);
  assert.match(barsTable(null).summary, /^No network yet/);
});

test('issue 12: with batch normalisation the network\'s tables say β; the chain\'s skips name their terms', () => {
  const probe = { count: 1000, layers: [{ layer: 1, norm: 0.1, firstSix: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] }] };
  assert.deepEqual(withBeta(barsTable(probe), false), barsTable(probe), 'off: unchanged');
  const bars = withBeta(barsTable(probe), true);
  assert.ok(bars.columns.includes('∂C/∂β') && !bars.columns.includes('∂C/∂b'), bars.columns.join(', '));
  assert.match(bars.title, /∂C\/∂β/);
  assert.ok(withBeta(normsTable([0.1, 0.2]), true).columns.includes('‖δˡ‖ = ‖∂C/∂βˡ‖'));
  assert.match(withBeta(speedTable([[0.1, 0.2]]), true).title, /‖∂C\/∂βˡ‖/);
  const r = { terms: [1, 1.025, 0.025], b: [0, 0, 0], z: [0, 0, 0], sigmaPrime: [0.25, 0.25, 0.25], runningProduct: [0.25, 0.256, 0.0064], dcDb: [0.1, 0.1, 0.4], dcDb1: 0.1, meanTerm: 0.16, regime: 'Vanishing' };
  const skips = chainTable(r, [0.1, 0.1, 0.1], 'sigmoid', true);
  assert.equal(skips.columns[5], '1 + w_j·σ′(z_j) (j = L: w_L·σ′(z_L))');
  assert.match(skips.title, /skip connections/);
  assert.equal(chainTable(r, [0.1, 0.1, 0.1], 'tanh', true).columns[5], '1 + w_j·f′(z_j) (j = L: w_L·f′(z_L))');
  // Two neurons: no neuron between the first and the output, so no skip.
  assert.equal(chainTable({ ...r, terms: [1, 0.025] }, [0.1, 0.1], 'sigmoid', true).columns[5], 'w_j·σ′(z_j)');
});
