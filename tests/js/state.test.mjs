// www/state.js: the one settings table, and the query string made from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTINGS, ARCHITECTURE, defaults, clamp, encode, decode, parse, chainWeight, chainWeightPos, gainOf, gainPos, networkSettings } from '../../www/state.js';

test('defaults hold every setting, and encode to nothing', () => {
  const d = defaults();
  assert.deepEqual(Object.keys(d), Object.keys(SETTINGS));
  assert.equal(encode(d), '');
  assert.deepEqual(decode(''), d);
});

test('clamp keeps every value in its range and kind', () => {
  assert.equal(clamp('net.hidden', 99), SETTINGS['net.hidden'].max);
  assert.equal(clamp('net.hidden', 2.6), 3);
  assert.equal(clamp('net.hidden', '', 4), 4, 'a blank keeps the old value');
  assert.equal(clamp('net.width', '31', 30), 30, 'a width the panel does not offer');
  assert.equal(clamp('net.width', '40'), 40);
  assert.equal(clamp('chain.w', 0.0001), SETTINGS['chain.w'].minAbs);
  assert.equal(clamp('chain.w', -0.0001), -SETTINGS['chain.w'].minAbs);
  assert.throws(() => clamp('nope', 1), /unknown setting/);
});

test('a state survives its query string', () => {
  const s = { ...defaults(), 'net.hidden': 5, 'net.init': 'large', 'chain.w': -2.5, lang: 'zh' };
  const q = encode(s);
  assert.equal(new URLSearchParams(q).size, 4);
  assert.deepEqual(decode(q), s);
});

test('parse says what it ignored and clamped, and never throws', () => {
  const { state, ignored, clamped } = parse('net.hidden=60&net.hidden=2&bogus=1&net.init=gauss&__proto__=1&net.eta=abc');
  assert.equal(state['net.hidden'], SETTINGS['net.hidden'].max);
  assert.deepEqual(clamped, [{ key: 'net.hidden', from: '60', to: SETTINGS['net.hidden'].max }]);
  assert.deepEqual(ignored.map((i) => [i.key, i.reason]), [
    ['net.hidden', 'repeated'],
    ['bogus', 'unknown'],
    ['net.init', 'not allowed'],
    ['__proto__', 'unknown'],
    ['net.eta', 'not a number'],
  ]);
  assert.equal(state['net.init'], 'scaled');
});

test('the architecture settings come from the table', () => {
  assert.deepEqual(ARCHITECTURE, ['net.hidden', 'net.width', 'net.init', 'net.gainPos', 'net.seed']);
  assert.ok(ARCHITECTURE.every((k) => SETTINGS[k].arch));
});

test('the sliders map back and forth', () => {
  for (const s of [-1, -0.3, 0.2, 1]) assert.ok(Math.abs(chainWeightPos(chainWeight(s)) - s) < 1e-12);
  assert.equal(gainOf(0.5), 1);
  assert.ok(Math.abs(gainPos(gainOf(0.8)) - 0.8) < 1e-12);
  const n = networkSettings(defaults());
  assert.deepEqual(Object.keys(n), ['hidden', 'width', 'init', 'gain', 'eta', 'lambda', 'miniBatch', 'seed']);
  assert.equal(n.gain, 1);
});
