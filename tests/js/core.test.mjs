// The facts the page shares with the wasm core, checked against the core itself (the
// built package, www/pkg, run in Node): the settings' ranges (src/limits.rs), the
// subset's file names (data::SUBSET_FILES) and the book's numbers (src/experiments/).
// Skipped before the first `bash scripts/build.sh`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const wasm = new URL('www/pkg/gradlab_bg.wasm', root);
const built = existsSync(wasm);
const core = built ? await import(new URL('www/pkg/gradlab.js', root)) : null;
if (built) core.initSync({ module: readFileSync(wasm) });
const { SETTINGS, WIDTHS, ACTIVATIONS, INITS, BIASES } = await import(new URL('www/state.js', root));

test('the settings table has the core\'s limits', { skip: !built && 'www/pkg is not built' }, () => {
  const l = JSON.parse(core.limits());
  const max = (key) => SETTINGS[key].max;
  assert.equal(max('net.hidden'), l.maxHidden);
  assert.deepEqual(WIDTHS, l.widths);
  assert.deepEqual(SETTINGS['net.width'].values, l.widths);
  assert.equal(max('net.miniBatch'), l.maxMiniBatch);
  assert.equal(max('net.epochs'), l.maxEpochs);
  assert.equal(max('chain.layers'), l.maxChainLayers);
  assert.equal(max('book.speedEpochs'), l.maxSpeedEpochs);
  assert.equal(max('book.depthEpochs'), l.maxDepthEpochs);
  assert.equal(max('book.depthRuns'), l.maxDepthRuns);
  assert.equal(max('book.normSeeds'), l.maxNormSeeds);
  // The names of the core's enums (Activation, Init, BiasInit), the book's first.
  assert.deepEqual(ACTIVATIONS, l.activations);
  assert.deepEqual(INITS, l.inits);
  assert.deepEqual(BIASES, l.biases);
  for (const key of ['net.activation', 'chain.act']) assert.deepEqual(SETTINGS[key].values, l.activations, key);
  assert.deepEqual(SETTINGS['net.init'].values, l.inits);
  assert.deepEqual(SETTINGS['net.biases'].values, l.biases);
  assert.deepEqual([SETTINGS['net.activation'].def, SETTINGS['net.init'].def, SETTINGS['net.biases'].def], [l.activations[0], l.inits[0], l.biases[0]]);
});

test('the chain takes every activation by name, and refuses an unknown one by name', { skip: !built && 'www/pkg is not built' }, () => {
  for (const f of ACTIVATIONS) {
    const r = JSON.parse(core.chain_report(new Float64Array([1, 1, 1]), new Float64Array([0, 0, 0]), true, 1, f, false));
    // z = 0 everywhere: f′(0) is 1/4 for σ, 1 for tanh; the ReLUs take their left slope (0, 0.01).
    assert.equal(r.sigmaPrime[0], { sigmoid: 0.25, tanh: 1, relu: 0, 'leaky-relu': 0.01 }[f], f);
    assert.equal(r.sigmaPrime[2], 0.25, 'the output neuron stays σ');
  }
  // With skips (issue 12) neuron 2 of 3 adds its input: its term is 1 + w·σ′(0) = 1.25; the output's stays ¼.
  const skips = JSON.parse(core.chain_report(new Float64Array([1, 1, 1]), new Float64Array([0, 0, 0]), true, 1, 'sigmoid', true));
  assert.deepEqual(skips.terms.slice(1), [1.25, 0.25]);
  assert.throws(
    () => core.chain_report(new Float64Array([1]), new Float64Array([0]), false, 1, 'swish', false),
    (e) => e.code === 'setting' && e.details.name === 'activation' && e.details.value === 'swish',
  );
});

test('the settings\' defaults are the book\'s protocol', { skip: !built && 'www/pkg is not built' }, () => {
  const b = JSON.parse(core.book_numbers());
  assert.equal(SETTINGS['net.width'].def, b.width);
  assert.equal(SETTINGS['net.eta'].def, b.eta);
  assert.equal(SETTINGS['net.lambda'].def, b.lambda);
  assert.equal(SETTINGS['net.miniBatch'].def, b.miniBatch);
  assert.equal(SETTINGS['net.epochs'].def, b.epochs);
  assert.equal(SETTINGS['book.depthEpochs'].def, b.epochs);
  assert.equal(SETTINGS['book.speedEpochs'].def, b.speedEpochs);
  assert.deepEqual(SETTINGS['book.speedHidden'].values, b.normsHidden);
  assert.equal(b.initNorms.length, b.normsHidden.length);
  assert.equal(b.depthAccuracy.length, b.depthMaxHidden);
});

test('the service worker precaches the core\'s subset files', { skip: !built && 'www/pkg is not built' }, () => {
  const sw = readFileSync(new URL('sw.js', root), 'utf8');
  const precached = [...sw.matchAll(/^\s*'www\/data\/([^']+)',$/gm)].map((m) => m[1]);
  assert.deepEqual(precached, JSON.parse(core.subset_files()));
});

test('an error crosses as a code with details', { skip: !built && 'www/pkg is not built' }, () => {
  assert.throws(() => core.chain_report(new Float64Array([1]), new Float64Array([1, 2]), false, 1, 'sigmoid', false), (e) => e instanceof Error && e.code === 'chain');
  // (Drawing itself measures text on a canvas: tests/wasm_browser.rs draws in a browser.)
  assert.throws(() => core.svg('{"pie": {}}', 100, 100, ''), (e) => e.code === 'chart');
});
