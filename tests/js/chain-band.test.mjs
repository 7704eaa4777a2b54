// The band view's pure parts (www/app/chain-band.js): the core's flat numbers decoded, the
// chart's words as the core's lines, and the sentences and facts for each kind of band.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBand, bandLabels, bandWords, bandWeight, bandTable } from '../../www/app/chain-band.js';
import { setLanguage } from '../../www/i18n.js';

// [skip, kind, z, width, widest |w|, widest width, z0, z1, …] (src/web/chain_band.rs).
const SIGMA_69 = [0, 1, 1.5425, 0.44774, 6.894, 0.44774, -1.5425, 1.5425];

test('the core’s flat numbers decode into the band', () => {
  const b = decodeBand(SIGMA_69);
  assert.deepEqual(b, { skip: false, kind: 'interval', z: 1.5425, width: 0.44774, widest: { w: 6.894, width: 0.44774 }, zBand: [[-1.5425, 1.5425]] });
  assert.deepEqual(decodeBand([1, 3, NaN, NaN, NaN, NaN]), { skip: true, kind: 'none', z: NaN, width: NaN, widest: null, zBand: [] });
  assert.equal(decodeBand([0, 2, NaN, Infinity, NaN, NaN, 0, 8]).kind, 'unbounded');
  // The band's weight: the slider's (every neuron), or w₂ of a random chain.
  assert.equal(bandWeight([3, 3, 3]), 3);
  assert.equal(bandWeight([0.2, -1.5, 0.7]), -1.5);
  assert.equal(bandWeight([5]), 5);
});

test('the chart’s words are 15 lines, with f′ for another activation and 1 + w·σ′ with skips', () => {
  setLanguage('en');
  const lines = bandLabels('sigmoid', false).split('\n');
  assert.equal(lines.length, 15);
  assert.equal(lines[7], '|w·σ′| ≥ 1');
  assert.equal(lines[13], '', 'no note: σ has a width to draw');
  assert.match(lines[14], /beyond the axis/);
  const tanh = bandLabels('tanh', false).split('\n');
  assert.equal(tanh[7], '|w·f′| ≥ 1');
  assert.ok(!tanh.join(' ').includes('σ′'));
  const relu = bandLabels('relu', false).split('\n');
  assert.match(relu[13], /Unbounded/);
  const skip = bandLabels('sigmoid', true).split('\n');
  assert.equal(skip[7], '|1 + w·σ′| ≥ 1');
  assert.match(skip[13], /With skips/);
  setLanguage('zh');
  assert.equal(bandLabels('sigmoid', false).split('\n').length, 15);
  assert.match(bandLabels('sigmoid', false), /输入 a 的宽度/);
  setLanguage('en');
});

test('the words for a band, none, an unbounded one and skips', () => {
  setLanguage('en');
  const s = bandWords(decodeBand(SIGMA_69), 6.9, 'sigmoid', false);
  assert.equal(s.width, '0.448');
  assert.equal(s.z, '−1.54 ≤ z ≤ 1.54');
  assert.equal(s.max, '0.448 at |w| ≈ 6.89');
  assert.match(s.text, /^<strong>w = 6\.9\.<\/strong>/);
  assert.match(s.text, /why exploding gradients are rare in sigmoid networks/);
  const none = bandWords(decodeBand([0, 0, NaN, 0, 6.894, 0.44774]), 1, 'sigmoid', false);
  assert.equal(none.width, '0');
  assert.equal(none.z, 'none');
  assert.match(none.text, /no band/);
  // The ReLU's band from a bisection edge of ~1e-20 to the chart's end: z ≥ 0.
  const relu = bandWords(decodeBand([0, 2, NaN, Infinity, NaN, NaN, 1.1e-20, 8]), 2, 'relu', false);
  assert.equal(relu.width, 'unbounded');
  assert.equal(relu.z, 'z ≥ 0');
  assert.equal(relu.max, '—');
  const skip = bandWords(decodeBand([1, 3, NaN, NaN, NaN, NaN, -8, 8]), 2, 'tanh', false);
  assert.equal(skip.z, 'every z shown');
  assert.match(skip.text, /With skips, w = 2/);
  assert.ok(!skip.text.includes('σ′'), 'f′ for tanh');
  assert.match(bandWords(decodeBand(SIGMA_69), 6.9, 'sigmoid', true).text, /random chain/);
});

test('the numbers table: a row per neuron, and a summary in words', () => {
  setLanguage('en');
  const r = { z: [1, 2, -3], terms: [0.2, 1.5, -0.5], runningProduct: [0.2, 0.3, -0.15] };
  const b = decodeBand(SIGMA_69);
  const tab = bandTable(r, b, bandWords(b, 6.9, 'sigmoid', false));
  assert.deepEqual(tab.rows, [[1, 1, null, 0.2, '—'], [2, 2, 1.5, 0.3, 'yes'], [3, -3, -0.5, -0.15, 'no']]);
  assert.equal(tab.columns.length, 5);
  assert.match(tab.summary, /Width of the band of inputs a: 0\.448/);
  assert.ok(!tab.summary.includes('<'), 'no markup in a text alternative');
  assert.deepEqual(bandTable(r, null, null).rows, []);
});
