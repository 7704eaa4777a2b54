// The settings table: every control of the page, its default, range and kind, in one
// place (as tensorflow/playground's state.ts). The page keeps one plain object of values
// (`defaults()`), every change goes through `clamp`, and `encode`/`decode` turn it into
// a query string and back, so the settings can later live in the URL.
//
// Pure module: no DOM, no wasm.

import { LANGUAGES } from './i18n.js';

/**
 * The widths the panel offers. The ranges below are the core's (src/limits.rs), kept here
 * because a link is read before the wasm is up; tests/js/core.test.mjs checks they agree.
 */
export const WIDTHS = [10, 20, 30, 40, 50, 60, 80, 100, 150, 200];
/**
 * The core's names (`Activation::name`, `Init::name`, `BiasInit::name`, which `limits()`
 * carries), kept here for the same reason and checked by the same test; the book's first.
 */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky-relu'];
export const INITS = ['scaled', 'large', 'zero', 'glorot', 'he', 'orthogonal'];
export const BIASES = ['normal', 'zero'];
/** Momentum's μ on offer: 0 is plain SGD; 0.9 the usual choice; 0.99 Sutskever et al.'s largest. */
export const MOMENTA = [0, 0.5, 0.9, 0.99];

/**
 * The settings of one side of the comparison a reader may change, `cmp.aActivation` …:
 * '' (or 0) keeps the preset's value. The names are the core's (`Activation::name`…, the
 * serde names of `Setup`), the same as `net.*`'s; `loose`: a link from before they were
 * (`Relu`, `LeakyRelu`, `He`) is still read, with a notice (`parse`).
 */
function cmpChanges(side) {
  const yesNo = ['', 'yes', 'no'];
  return {
    [`cmp.${side}Activation`]: { kind: 'enum', def: '', values: ['', ...ACTIVATIONS], loose: true },
    [`cmp.${side}Init`]: { kind: 'enum', def: '', values: ['', ...INITS], loose: true },
    [`cmp.${side}Hidden`]: { kind: 'int', def: 0, min: 0, max: 10 },
    [`cmp.${side}Eta`]: { kind: 'num', def: 0, min: 0, max: 100 },
    // Issue 12: skip connections, batch normalisation, momentum μ, Nesterov's variant and the schedule.
    [`cmp.${side}Residual`]: { kind: 'enum', def: '', values: yesNo },
    [`cmp.${side}BatchNorm`]: { kind: 'enum', def: '', values: yesNo },
    // μ as the panel offers it, as text: '' keeps the preset's, '0' is plain SGD.
    [`cmp.${side}Momentum`]: { kind: 'enum', def: '', values: ['', ...MOMENTA.map(String)] },
    [`cmp.${side}Nesterov`]: { kind: 'enum', def: '', values: yesNo },
    // Sutskever et al.'s schedule of μ, as the panel's switch.
    [`cmp.${side}Schedule`]: { kind: 'enum', def: '', values: yesNo },
  };
}

/** A name as `loose` settings compare it: `LeakyRelu`, `leaky-relu` and `leakyrelu` are one. */
const looseName = (v) => String(v).toLowerCase().replaceAll('-', '');

/**
 * kind: 'int' | 'num' | 'enum' | 'bool'. `min`/`max` bound numbers (and `minAbs` their
 * size, both signs), `values` lists an enum. `arch`: a change needs a new network; `tune`:
 * the network is retuned in place (`tuning`).
 * The gain slider's position is stored (net.gainPos; the gain is `gainOf` it); the
 * chain's weight is stored as w, its slider position derived (`chainWeightPos`).
 */
export const SETTINGS = {
  // The single-neuron chain (section 1).
  'chain.layers': { kind: 'int', def: 5, min: 1, max: 10 },
  // The weight itself; its slider is logarithmic (`chainWeight`), 0.01 ≤ |w| ≤ 10^2.3 ≈ 200
  // (`minAbs`: a smaller weight, typed or linked, is the slider's smallest of its sign).
  'chain.w': { kind: 'num', def: 1, min: -199.6, max: 199.6, minAbs: 0.01 },
  'chain.bias': { kind: 'enum', def: 'fixed', values: ['fixed', 'zero'] },
  'chain.b': { kind: 'num', def: 0, min: -20, max: 20 },
  'chain.a0': { kind: 'num', def: 1, min: -10, max: 10 },
  // The seed of the "book's N(0,1) weights" preset, so a link reproduces the same random
  // chain; −1 means no preset (the slider's weight and the bias field are in use).
  'chain.seed': { kind: 'int', def: -1, min: -1, max: 4294967295 },
  // f of neurons 1..L−1 (the last, the output, stays σ): terms w·f′(z).
  'chain.act': { kind: 'enum', def: 'sigmoid', values: ACTIVATIONS },
  // Skips around neurons 2..L−1 (a_j = a_{j−1} + f(z_j)): terms 1 + w·f′(z) (src/chain.rs).
  'chain.residual': { kind: 'bool', def: false },
  // The band view (www/app/chain-band.js): f′, the terms and the product on one axis, the
  // band |w·f′(z)| ≥ 1 and its width against |w|; drawn by the second wasm module.
  'chain.band': { kind: 'bool', def: false },
  // The network trained in the tab (section 2); names as `Settings` in src/web/lab.rs.
  'net.hidden': { arch: true, kind: 'int', def: 3, min: 1, max: 10 },
  'net.width': { arch: true, kind: 'enum', def: 30, values: WIDTHS },
  // The hidden layers' f; the output layer stays σ with the cross-entropy cost, as network2.
  'net.activation': { arch: true, kind: 'enum', def: 'sigmoid', values: ACTIVATIONS },
  'net.init': { arch: true, kind: 'enum', def: 'scaled', values: INITS },
  'net.biases': { arch: true, kind: 'enum', def: 'normal', values: BIASES },
  'net.gainPos': { arch: true, kind: 'num', def: 0.5, min: 0, max: 1 }, // gain = 1
  // Issue 12, beyond the book: skips between the equal-width hidden layers, batch
  // normalisation of their z (its β takes b's place), momentum μ (0: the book's plain SGD)
  // with Nesterov's variant and Sutskever et al.'s schedule. `tune`: retuned in place.
  'net.residual': { arch: true, kind: 'bool', def: false },
  'net.batchNorm': { arch: true, kind: 'bool', def: false },
  'net.momentum': { tune: true, kind: 'enum', def: 0, values: MOMENTA },
  'net.nesterov': { tune: true, kind: 'bool', def: false },
  'net.schedule': { tune: true, kind: 'bool', def: false },
  'net.eta': { tune: true, kind: 'num', def: 0.1, min: 0.0001, max: 100 },
  'net.lambda': { tune: true, kind: 'num', def: 5, min: 0, max: 1000 },
  'net.miniBatch': { tune: true, kind: 'int', def: 10, min: 1, max: 1000 },
  'net.epochs': { kind: 'int', def: 30, min: 1, max: 1000 },
  'net.seed': { arch: true, kind: 'int', def: 1, min: 0, max: 4294967295 },
  // The chapter's experiments (section 3).
  'book.seed': { kind: 'int', def: 1, min: 0, max: 4294967295 },
  'book.speedHidden': { kind: 'enum', def: 4, values: [2, 3, 4] },
  'book.speedEpochs': { kind: 'int', def: 500, min: 1, max: 2000 },
  'book.depthEpochs': { kind: 'int', def: 30, min: 1, max: 30 },
  'book.depthRuns': { kind: 'int', def: 2, min: 1, max: 5 },
  'book.normSeeds': { kind: 'int', def: 5, min: 1, max: 20 },
  // A and B side by side (section 4): a preset (the core's `compare_presets`, whose names
  // tests/js/compare.test.mjs checks against these) and the seed of both networks and the order.
  'cmp.preset': {
    kind: 'enum',
    def: 'sigmoid-relu',
    values: ['sigmoid-relu', 'large-scaled', 'sigmoid-tanh', 'gain', 'plain-residual', 'batch-norm', 'sgd-momentum'],
  },
  'cmp.seed': { kind: 'int', def: 0, min: 0, max: 4294967295 },
  // Changes to the preset's A or B ('' or 0: the preset's own), by `cmpChanges` below.
  ...cmpChanges('a'),
  ...cmpChanges('b'),
  // Whether the view inside the network is open (issue 10, www/app/inside.js): 1 opens it,
  // and loads its second wasm module, on arrival.
  'inside.open': { kind: 'enum', def: 0, values: [0, 1] },
  // The page's language: '' follows the browser (www/i18n.js `pickLanguage`); a language
  // chosen on the page is kept in links, so a shared link opens in the sharer's language.
  lang: { kind: 'enum', def: '', values: ['', ...Object.keys(LANGUAGES)] },
  // The page's colours: '' follows the system (prefers-color-scheme), as `lang` follows
  // the browser; kept in links and embeds, for a host page darker than its reader's system.
  theme: { kind: 'enum', def: '', values: ['', 'light', 'dark'] },
};

/** A fresh state object holding every default. */
export function defaults() {
  return Object.fromEntries(Object.entries(SETTINGS).map(([k, s]) => [k, s.def]));
}

/**
 * `value` made valid for setting `key`, or the current/default value when it cannot be
 * (a blank or non-numeric input keeps the old value).
 */
export function clamp(key, value, fallback) {
  const s = SETTINGS[key];
  if (!s) throw new Error(`unknown setting ${key}`);
  const keep = fallback ?? s.def;
  switch (s.kind) {
    case 'int':
    case 'num': {
      const v = typeof value === 'number' ? value : Number(String(value).trim());
      if (String(value).trim() === '' || !Number.isFinite(v)) return keep;
      const r = s.kind === 'int' ? Math.round(v) : v;
      const inRange = Math.min(s.max, Math.max(s.min, r));
      return s.minAbs && Math.abs(inRange) < s.minAbs ? (inRange < 0 ? -s.minAbs : s.minAbs) : inRange;
    }
    case 'enum': {
      const hit = s.values.find((x) => String(x) === String(value));
      return hit === undefined ? keep : hit;
    }
    case 'bool':
      return value === true || value === 'true' || value === '1';
    default:
      return keep;
  }
}

/** The state as a query string holding only what differs from the defaults. */
export function encode(state) {
  const p = new URLSearchParams();
  for (const [k, s] of Object.entries(SETTINGS)) {
    if (state[k] !== s.def) p.set(k, String(state[k]));
  }
  return p.toString();
}

/** A state from a query string; unknown keys are ignored, bad values fall back. */
export function decode(query) {
  return parse(query).state;
}

/**
 * A state from a query string (a link's hash), and what had to be changed to get it:
 * `ignored` lists keys left at their default — unknown, repeated (the first one wins),
 * or with a value that means nothing (`NaN`, `abc`, a width the page does not offer) —
 * and `clamped` lists values brought into range (±Infinity, 1e400 and non-integers
 * included). Never throws: a link is input from anyone.
 */
export function parse(query) {
  const state = defaults();
  const ignored = [];
  const clamped = [];
  const seen = new Set();
  let params;
  try {
    params = new URLSearchParams(query);
  } catch {
    return { state, ignored: [{ key: String(query), reason: 'unreadable' }], clamped };
  }
  for (const [key, raw] of params) {
    // hasOwn, not `in`: `__proto__`, `constructor` or `toString` are not settings.
    if (!Object.hasOwn(SETTINGS, key)) {
      ignored.push({ key, reason: 'unknown' });
      continue;
    }
    if (seen.has(key)) {
      ignored.push({ key, reason: 'repeated' });
      continue;
    }
    seen.add(key);
    const s = SETTINGS[key];
    if (s.kind === 'int' || s.kind === 'num') {
      const v = Number(raw.trim());
      if (raw.trim() === '' || Number.isNaN(v)) {
        ignored.push({ key, reason: 'not a number' });
        continue;
      }
      state[key] = clamp(key, Math.min(Number.MAX_VALUE, Math.max(-Number.MAX_VALUE, v)));
      if (state[key] !== v) clamped.push({ key, from: raw, to: state[key] });
    } else if (s.kind === 'bool') {
      // A switch: true or false (1 and 0 too), nothing else.
      if (['true', 'false', '1', '0'].includes(raw)) state[key] = clamp(key, raw);
      else ignored.push({ key, reason: 'not allowed' });
    } else {
      const v = clamp(key, raw); // the default when `raw` is not one of the values
      const loose = s.loose && raw !== '' ? s.values.find((x) => x !== '' && looseName(x) === looseName(raw)) : undefined;
      if (String(v) === raw) state[key] = v;
      else if (loose !== undefined) {
        state[key] = loose;
        clamped.push({ key, from: raw, to: loose });
      } else if (s.values.every((x) => typeof x === 'string' && x !== '') && typeof s.def === 'string') {
        // A name (an activation, an initialisation…): say which names there are, and the one used.
        ignored.push({ key, reason: 'not one of', value: raw, values: s.values.join(', '), def: s.def });
      } else ignored.push({ key, reason: 'not allowed' });
    }
  }
  return { state, ignored, clamped };
}

// ---------------------------------------------------------------- non-linear sliders

/**
 * The chain's weight slider: position s ∈ [−1, 1] → w = sign(s)·10^(−2 + 4.3·|s|), so
 * |w| runs from 0.01 to 10^2.3 ≈ 200 over a log scale, both signs. s = 0 maps to 0.01
 * (a weight of exactly 0 would cut the chain).
 */
export function chainWeight(s) {
  const mag = 10 ** (-2 + 4.3 * Math.abs(s));
  return s < 0 ? -mag : mag;
}

/** The slider position of weight w (inverse of `chainWeight`, clamped to the slider). */
export function chainWeightPos(w) {
  if (!Number.isFinite(w) || w === 0) return 0;
  const s = (Math.log10(Math.abs(w)) + 2) / 4.3;
  return Math.sign(w) * Math.min(1, Math.max(0, s));
}

/** The network's gain slider: position u ∈ [0, 1] → 0.05·400^u (0.05 … 20, 1 in the middle). */
export function gainOf(u) {
  return 0.05 * 400 ** u;
}

/** The slider position of a gain (inverse of `gainOf`). */
export function gainPos(g) {
  return Math.min(1, Math.max(0, Math.log(g / 0.05) / Math.log(400)));
}

/** The network panel's settings as the JSON `Lab.reset` takes (`Settings` in src/web.rs). */
export function networkSettings(state) {
  return {
    hidden: state['net.hidden'],
    width: state['net.width'],
    activation: state['net.activation'],
    init: state['net.init'],
    biases: state['net.biases'],
    gain: gainOf(state['net.gainPos']),
    eta: state['net.eta'],
    lambda: state['net.lambda'],
    miniBatch: state['net.miniBatch'],
    seed: state['net.seed'],
    residual: state['net.residual'],
    batchNorm: state['net.batchNorm'],
    ...tuning(state),
  };
}

/** What `Lab.retune` changes in place: the `tune` rows (η, λ, mini-batch, momentum). */
export function tuning(state) {
  return { eta: state['net.eta'], lambda: state['net.lambda'], miniBatch: state['net.miniBatch'], momentum: state['net.momentum'], nesterov: state['net.nesterov'], schedule: state['net.schedule'] };
}

/** Settings whose change needs a new network (the rest are retuned in place). */
export const ARCHITECTURE = Object.keys(SETTINGS).filter((k) => SETTINGS[k].arch);
/** Settings retuned in place (`tuning`). */
export const TUNED = Object.keys(SETTINGS).filter((k) => SETTINGS[k].tune);
