// www/state.js: the one settings table, and the query string made from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTINGS, ARCHITECTURE, TUNED, defaults, clamp, encode, decode, parse, chainWeight, chainWeightPos, gainOf, gainPos, networkSettings } from '../../www/state.js';

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
    ['net.init', 'not one of'],
    ['__proto__', 'unknown'],
    ['net.eta', 'not a number'],
  ]);
  assert.equal(state['net.init'], 'scaled');
});

test('the architecture settings come from the table', () => {
  assert.deepEqual(ARCHITECTURE, ['net.hidden', 'net.width', 'net.activation', 'net.init', 'net.biases', 'net.gainPos', 'net.residual', 'net.batchNorm', 'net.seed']);
  assert.ok(ARCHITECTURE.every((k) => SETTINGS[k].arch));
  // Retuned in place, never a new network: η, λ, the mini-batch and momentum.
  assert.deepEqual(TUNED, ['net.momentum', 'net.nesterov', 'net.schedule', 'net.eta', 'net.lambda', 'net.miniBatch']);
  assert.ok(!TUNED.some((k) => ARCHITECTURE.includes(k)));
});

test('the sliders map back and forth', () => {
  for (const s of [-1, -0.3, 0.2, 1]) assert.ok(Math.abs(chainWeightPos(chainWeight(s)) - s) < 1e-12);
  assert.equal(gainOf(0.5), 1);
  assert.ok(Math.abs(gainPos(gainOf(0.8)) - 0.8) < 1e-12);
  const n = networkSettings(defaults());
  assert.deepEqual(Object.keys(n), ['hidden', 'width', 'activation', 'init', 'biases', 'gain', 'eta', 'lambda', 'miniBatch', 'seed', 'residual', 'batchNorm', 'momentum', 'nesterov', 'schedule']);
  assert.equal(n.gain, 1);
  // The book's network by default: sigmoid, scaled weights, N(0, 1) biases.
  assert.deepEqual([n.activation, n.init, n.biases], ['sigmoid', 'scaled', 'normal']);
});

test('the activations, initialisations and biases are settings with the book\'s as default', () => {
  const d = defaults();
  assert.deepEqual([d['net.activation'], d['net.init'], d['net.biases'], d['chain.act']], ['sigmoid', 'scaled', 'normal', 'sigmoid']);
  const s = { ...d, 'net.activation': 'relu', 'net.init': 'he', 'net.biases': 'zero', 'net.hidden': 8, 'chain.act': 'tanh' };
  assert.deepEqual(decode(encode(s)), s);
  assert.equal(encode(s), 'chain.act=tanh&net.hidden=8&net.activation=relu&net.init=he&net.biases=zero');
  const n = networkSettings(s);
  assert.deepEqual([n.activation, n.init, n.biases, n.hidden], ['relu', 'he', 'zero', 8]);
  for (const f of ['sigmoid', 'tanh', 'relu', 'leaky-relu']) assert.equal(clamp('net.activation', f), f);
  for (const i of ['scaled', 'large', 'zero', 'glorot', 'he', 'orthogonal']) assert.equal(clamp('net.init', i), i);
  // 10 hidden layers of 200: the deepest and widest network the page trains.
  assert.equal(clamp('net.hidden', 10), 10);
  assert.equal(clamp('net.hidden', 11), 10);
  assert.equal(clamp('net.width', '200'), 200);
  assert.equal(clamp('net.width', '150'), 150);
});

test('a bad name in a link gives the default and a notice naming the names', () => {
  const { state, ignored } = parse('net.activation=swish&net.init=xavier&net.biases=uniform&chain.act=RELU&net.width=250');
  assert.deepEqual([state['net.activation'], state['net.init'], state['net.biases'], state['chain.act'], state['net.width']], ['sigmoid', 'scaled', 'normal', 'sigmoid', 30]);
  assert.deepEqual(
    ignored.map((i) => [i.key, i.reason, i.value, i.def]),
    [
      ['net.activation', 'not one of', 'swish', 'sigmoid'],
      ['net.init', 'not one of', 'xavier', 'scaled'],
      ['net.biases', 'not one of', 'uniform', 'normal'],
      ['chain.act', 'not one of', 'RELU', 'sigmoid'],
      ['net.width', 'not allowed', undefined, undefined],
    ],
  );
  assert.equal(ignored[0].values, 'sigmoid, tanh, relu, leaky-relu');
  assert.equal(ignored[1].values, 'scaled, large, zero, glorot, he, orthogonal');
});

test('issue 12: skips, batch norm and momentum default to the book\'s plain SGD network, and survive a link', () => {
  const d = defaults();
  assert.deepEqual(
    ['net.residual', 'net.batchNorm', 'net.momentum', 'net.nesterov', 'net.schedule', 'chain.residual'].map((k) => d[k]),
    [false, false, 0, false, false, false],
  );
  const n = networkSettings(d);
  assert.deepEqual([n.residual, n.batchNorm, n.momentum, n.nesterov, n.schedule], [false, false, 0, false, false]);
  const s = { ...d, 'net.residual': true, 'net.batchNorm': true, 'net.momentum': 0.9, 'net.nesterov': true, 'net.schedule': true, 'chain.residual': true };
  assert.equal(encode(s), 'chain.residual=true&net.residual=true&net.batchNorm=true&net.momentum=0.9&net.nesterov=true&net.schedule=true');
  assert.deepEqual(decode(encode(s)), s);
  const m = networkSettings(s);
  assert.deepEqual([m.residual, m.batchNorm, m.momentum, m.nesterov, m.schedule], [true, true, 0.9, true, true]);
  // A select's value is a string: μ comes back a number.
  assert.equal(clamp('net.momentum', '0.99'), 0.99);
  assert.equal(clamp('net.momentum', '0.95', 0.5), 0.5, 'a μ the panel does not offer keeps the old one');
  assert.equal(decode('net.residual=1')['net.residual'], true);
  assert.equal(decode('net.residual=0')['net.residual'], false);
});

test('issue 12: bad switches and momenta in a link give the default and a notice, never a throw', () => {
  const { state, ignored } = parse('net.residual=yes&net.batchNorm=&chain.residual=TRUE&net.momentum=1&net.momentum=0.9&net.nesterov=2');
  assert.deepEqual([state['net.residual'], state['net.batchNorm'], state['chain.residual'], state['net.momentum'], state['net.nesterov']], [false, false, false, 0, false]);
  assert.deepEqual(ignored.map((i) => [i.key, i.reason]), [
    ['net.residual', 'not allowed'],
    ['net.batchNorm', 'not allowed'],
    ['chain.residual', 'not allowed'],
    ['net.momentum', 'not allowed'],
    ['net.momentum', 'repeated'],
    ['net.nesterov', 'not allowed'],
  ]);
});
