// Section 4's facts and numbers: the preset names of the page (the settings table, the
// buttons of index.html) are the core's (`compare_presets`, src/experiments/presets.rs),
// and the comparison's tables (www/app/compare-data.js) hold what the core measured.
// The first test is skipped before the first `bash scripts/build.sh`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const wasm = new URL('www/pkg/gradlab_bg.wasm', root);
const built = existsSync(wasm);
const core = built ? await import(new URL('www/pkg/gradlab.js', root)) : null;
if (built) core.initSync({ module: readFileSync(wasm) });
const { SETTINGS } = await import(new URL('www/state.js', root));
const data = await import(new URL('www/app/compare-data.js', root));

test("the page's presets are the core's, each with A and B", { skip: !built && 'www/pkg is not built' }, () => {
  const presets = JSON.parse(core.compare_presets());
  const names = presets.map((p) => p.name);
  assert.deepEqual(SETTINGS['cmp.preset'].values, names);
  assert.equal(SETTINGS['cmp.preset'].def, names[0]);
  const html = readFileSync(new URL('index.html', root), 'utf8');
  assert.deepEqual([...html.matchAll(/data-preset="([^"]+)"/g)].map((m) => m[1]), names, 'one button per preset, in order');
  for (const p of presets) {
    for (const s of [p.a, p.b]) assert.ok(s.hidden >= 1 && s.width >= 1 && s.eta > 0 && s.miniBatch >= 1, p.name);
    assert.ok(data.setupText(p.a) !== data.setupText(p.b), `${p.name}: A and B read the same`);
  }
  assert.deepEqual(presets.find((p) => p.name === 'large-scaled').book, { firstEpochABelow: 87, firstEpochBAbout: 93, finalAbove: 96 });
});

/** A history as the core sends it: epoch 0 first; B diverged after epoch 1 (its overflow as null). */
const history = {
  a: [
    { accuracy: 0.1, cost: 6.3, norms: [1e-6, 1e-3, 0.2] },
    { accuracy: 0.105, cost: 3.9, norms: [1e-7, 1e-4, 0.01] },
    { accuracy: 0.107, cost: 3.8, norms: [2e-7, 2e-4, 0.02] },
  ],
  b: [
    { accuracy: 0.14, cost: 6.4, norms: [1.1, 0.9, 0.8] },
    { accuracy: 0.8, cost: 2.3, norms: [0.2, null, 0.07] },
  ],
  aDiverged: null,
  bDiverged: { epoch: 2, message: 'training diverged in epoch 2' },
};

test('the tables hold both sides, every layer and epoch; a side that stopped reads as missing', () => {
  const n = data.normsTable(history);
  assert.deepEqual(n.rows, [[1, 2e-7, 0.2], [2, 2e-4, Infinity], [3, 0.02, 0.07]]);
  assert.equal(n.summary, 'A: layer 1 learns 10⁵ times more slowly than layer 3, B: layer 1 learns 2.9 times faster than layer 3');
  const s = data.speedTable(history);
  assert.equal(s.columns.length, 1 + 3 + 3);
  assert.deepEqual(s.rows[2], [2, 2e-7, 2e-4, 0.02, NaN, NaN, NaN]);
  const tr = data.trainingTable(history);
  assert.deepEqual(tr.rows, [[1, 10.5, 80, 3.9, 2.3], [2, 10.7, NaN, 3.8, NaN]]);
  assert.match(tr.summary, /After 2 epochs: validation accuracy A 10\.70\s%, B 80\.00\s%/);
  // The charts get what the tables show: percentages, epoch 1 first.
  assert.deepEqual(data.describe.training(history).accuracyA, [10.5, 10.7]);
  assert.deepEqual(data.describe.norms(history), { a: [2e-7, 2e-4, 0.02], b: [0.2, null, 0.07] });
});

test('a link with a preset that does not exist gets the default and a notice naming it', async () => {
  const { readLink } = await import(new URL('www/url.js', root));
  const r = readLink('?embed=compare', '#cmp.preset=softmax&cmp.seed=7');
  assert.equal(r.widget, 'compare');
  assert.equal(r.state['cmp.preset'], SETTINGS['cmp.preset'].def);
  assert.equal(r.state['cmp.seed'], 7);
  assert.match(r.notice, /ignored “cmp\.preset”/);
});

test('the wasm boundary: a side that overflows crosses as null and stops alone, the other trains on', { skip: !built && 'www/pkg is not built' }, async () => {
  const { gunzipSync } = await import('node:zlib');
  const files = JSON.parse(core.subset_files()).map((f) => gunzipSync(readFileSync(new URL(`www/data/${f}`, root))));
  const lab = new core.Lab(...files);
  const book = JSON.parse(core.compare_presets()).find((p) => p.name === 'large-scaled').b;
  // Eight ReLU layers with N(0, 1) weights: ∞ cost at initialisation, NaN weights within epoch 1.
  const b = { ...book, activation: 'relu', init: 'large', hidden: 8, eta: 0.03 };
  const run = new core.Comparison(lab, JSON.stringify(book), JSON.stringify(b), 0, 2);
  const first = JSON.parse(run.history());
  assert.equal(first.b[0].cost, null, 'an infinite cost crosses as null');
  assert.ok(first.a[0].cost > 0);
  const events = [];
  while (!run.is_done()) {
    const e = run.step(1000);
    if (e !== undefined) events.push(JSON.parse(e));
  }
  const h = JSON.parse(run.history());
  assert.equal(h.bDiverged.epoch, 1);
  assert.match(h.bDiverged.message, /diverged in epoch 1/);
  assert.deepEqual([h.a.length, h.b.length], [3, 1]);
  assert.equal(events.filter((e) => e.bDiverged).length, 1);
  assert.deepEqual(events.at(-1).b, null);
  assert.throws(() => new core.Comparison(lab, JSON.stringify({ ...book, hidden: 11 }), JSON.stringify(book), 0, 1), /between 1 and 10, but is 11/);
  assert.throws(() => new core.Comparison(lab, '{"activation":"Softmax"}', JSON.stringify(book), 0, 1), (e) => e.code === 'setting' && /A/.test(e.message));
  run.free();
  // Every activation and initialisation the page's settings offer is a name the core reads.
  for (const [key, field] of [['cmp.bActivation', 'activation'], ['cmp.bInit', 'init']]) {
    for (const v of SETTINGS[key].values.filter(Boolean)) {
      new core.Comparison(lab, JSON.stringify(book), JSON.stringify({ ...book, [field]: v }), 0, 1).free();
    }
  }
  lab.free();
});

test("a reader's changes replace only what they name; '' and 0 keep the preset's", () => {
  const plain = { mu: 0, nesterov: false, schedule: false };
  const s = { activation: 'sigmoid', init: 'scaled', biases: 'normal', gain: 1, hidden: 8, width: 30, eta: 0.03, lambda: 5, miniBatch: 10, residual: false, batchNorm: false, momentum: plain };
  const none = { Activation: '', Init: '', Hidden: 0, Eta: 0, Residual: '', BatchNorm: '', Momentum: '', Nesterov: '', Schedule: '' };
  assert.deepEqual(data.withChanges(s, none), s);
  assert.deepEqual(data.withChanges(s, { ...none, Activation: 'relu', Init: 'he', Hidden: 3, Eta: 0.1 }), { ...s, activation: 'relu', init: 'he', hidden: 3, eta: 0.1 });
  const cured = data.withChanges(s, { ...none, Residual: 'yes', BatchNorm: 'yes', Momentum: '0.9', Nesterov: 'yes', Schedule: 'yes' });
  assert.deepEqual(cured, { ...s, residual: true, batchNorm: true, momentum: { mu: 0.9, nesterov: true, schedule: true } });
  // The schedule alone, as the panel's switch: μ and Nesterov stay the preset's.
  assert.deepEqual(data.withChanges(s, { ...none, Schedule: 'yes' }).momentum, { mu: 0, nesterov: false, schedule: true });
  // 'no' and μ = 0 undo a preset's cure.
  assert.deepEqual(data.withChanges(cured, { ...none, Residual: 'no', BatchNorm: 'no', Momentum: '0', Nesterov: 'no', Schedule: 'no' }), s);
  // A preset written before the keys (no residual, batchNorm, momentum) reads as plain SGD.
  const { residual, batchNorm, momentum, ...old } = s;
  assert.deepEqual(data.withChanges(old, none), s, `${residual}${batchNorm}${momentum}`);
  for (const side of ['a', 'b']) for (const w of ['Activation', 'Init', 'Residual', 'BatchNorm', 'Momentum', 'Nesterov', 'Schedule']) assert.deepEqual(SETTINGS[`cmp.${side}${w}`], SETTINGS[`cmp.a${w}`]);
});

test('one spelling: the comparison names f and w as the panel does, and old links are still read with a notice', async () => {
  const { ACTIVATIONS, INITS } = await import(new URL('www/state.js', root));
  assert.deepEqual(SETTINGS['cmp.aActivation'].values, ['', ...ACTIVATIONS]);
  assert.deepEqual(SETTINGS['cmp.bInit'].values, ['', ...INITS]);
  const { readLink } = await import(new URL('www/url.js', root));
  const r = readLink('', '#cmp.preset=sigmoid-tanh&cmp.aActivation=LeakyRelu&cmp.bInit=He&cmp.bActivation=relu&cmp.aResidual=yes&cmp.bMomentum=0.9');
  assert.deepEqual(
    ['cmp.aActivation', 'cmp.bInit', 'cmp.bActivation', 'cmp.aResidual', 'cmp.bMomentum'].map((k) => r.state[k]),
    ['leaky-relu', 'he', 'relu', 'yes', '0.9'],
  );
  assert.deepEqual(r.clamped.map((c) => [c.key, c.from, c.to]), [['cmp.aActivation', 'LeakyRelu', 'leaky-relu'], ['cmp.bInit', 'He', 'he']]);
  assert.match(r.notice, /cmp\.aActivation/);
  // Names that are none of them, in any case, still get the default and a notice.
  const bad = readLink('', '#cmp.aActivation=Softmax&cmp.bMomentum=0.95&cmp.aResidual=true');
  assert.deepEqual([bad.state['cmp.aActivation'], bad.state['cmp.bMomentum'], bad.state['cmp.aResidual']], ['', '', '']);
  assert.equal(bad.ignored.length, 3);
  // The panel's i18n keys label them, in both languages; the comparison's own copies are gone.
  const { LANGUAGES } = await import(new URL('www/i18n.js', root));
  for (const [lang, l] of Object.entries(LANGUAGES)) {
    for (const v of ACTIVATIONS) assert.ok(l.ui[`act.${v}`], `${lang} act.${v}`);
    for (const v of INITS) assert.ok(l.ui[`init.${v}`], `${lang} init.${v}`);
    for (const v of INITS) assert.ok(l.ui[`cmp.weights.${v}`], `${lang} cmp.weights.${v}`);
    assert.deepEqual(Object.keys(l.ui).filter((k) => /^cmp\.(init|f)\./.test(k)), [], lang);
    assert.ok(l.cmpBeta ?? LANGUAGES.en.cmpBeta, lang);
  }
  // In Chinese the weights' phrase has no space between two Chinese words ("缩放权重"), one after a Latin name ("He 权重").
  const { setLanguage } = await import(new URL('www/i18n.js', root));
  setLanguage('zh');
  try {
    const side = { activation: 'sigmoid', biases: 'normal', gain: 1, hidden: 8, width: 30, eta: 0.03, lambda: 5, miniBatch: 10 };
    assert.match(data.setupText({ ...side, init: 'scaled' }), /，缩放权重，/);
    assert.match(data.setupText({ ...side, init: 'he' }), /，He 权重，/);
  } finally {
    setLanguage('en');
  }
});

test('a batch-normalised side is labelled ‖∂C/∂βˡ‖ in its tables and charts', async () => {
  const beta = { a: false, b: true };
  assert.deepEqual(data.normsTable(history, beta).columns.slice(1), ['‖δˡ‖ A', '‖∂C/∂βˡ‖ B']);
  assert.deepEqual(data.speedTable(history, beta).columns.slice(1, 2).concat(data.speedTable(history, beta).columns.slice(4, 5)), ['A ‖δ¹‖', 'B ‖∂C/∂β¹‖']);
  assert.deepEqual(data.betaOf({ a: { batchNorm: true }, b: {} }), { a: true, b: false });
  assert.deepEqual(data.betaOf(null), { a: false, b: false });
  const { compareLabels, chartLabels } = await import(new URL('www/i18n.js', root));
  assert.equal(compareLabels({ a: false, b: false }), chartLabels());
  const c = JSON.parse(compareLabels(beta));
  assert.equal(c.compare_norms.y, 'A ‖δˡ‖, B ‖∂C/∂βˡ‖ (log scale)');
  assert.match(c.compare_speed.y, /∂C\/∂βˡ/);
  assert.match(data.setupText({ activation: 'sigmoid', init: 'scaled', biases: 'normal', gain: 1, hidden: 10, width: 30, eta: 0.1, lambda: 5, miniBatch: 10, batchNorm: true, residual: true, momentum: { mu: 0.9, nesterov: false, schedule: false } }), /sigmoid σ, scaled weights, skip connections, batch norm, momentum μ = 0\.9, 10 hidden layers of 30/);
});
