// Section 1, the chain of single neurons: computed and drawn on the main thread by the
// core, synchronously within the control's input event.

import { chain_report, book_random_chain, random_seed } from '../pkg/gradlab.js';
import { chainLabels } from '../i18n.js';

/**
 * `app`: {state, ui, hooks, safe, set, charts, markFirstChart}. Returns the view's handlers and what the
 * rest of the page reads (the inputs, for the chain's table of numbers).
 */
export function createChain({ state, ui, hooks, safe, set, charts, markFirstChart }) {
  /** Random weights and biases of the "book's N(0,1)" preset, or null. */
  let random = null;
  /** Called after every update (the band view, www/app/chain-band.js). */
  const listeners = [];

  function inputs() {
    const L = state['chain.layers'];
    const w = random ? random.w : Array(L).fill(state['chain.w']);
    const b = random ? random.b : Array(L).fill(state['chain.b']);
    return { w, b, zeroZ: state['chain.bias'] === 'zero', a0: state['chain.a0'], activation: state['chain.act'], residual: state['chain.residual'] };
  }

  charts.chart('chain-canvas', 'chain', () => inputs(), undefined, () => chainLabels(state['chain.act'], state['chain.residual']));
  {
    // The chain's redraw times, for scripts/bench-page.mjs and the tests (budget: 16 ms).
    const drawChain = charts.onCanvas['chain-canvas'];
    charts.onCanvas['chain-canvas'] = (canvas, dpr) => {
      const t0 = performance.now();
      const json = drawChain(canvas, dpr);
      hooks.chainTimings.push(performance.now() - t0);
      if (hooks.chainTimings.length > 500) hooks.chainTimings.shift();
      return json;
    };
  }

  /** Redraw the chain now (synchronously, within the input event) and update its words. */
  function update() {
    const c = inputs();
    let json = safe('where.chain', () => ui.paint('chain-canvas', charts.onCanvas['chain-canvas']))?.value;
    if (json !== undefined) markFirstChart();
    // A canvas not laid out (hidden) draws nothing: the words still need the report.
    if (json === undefined) json = safe('where.chain', () => chain_report(Float64Array.from(c.w), Float64Array.from(c.b), c.zeroZ, c.a0, c.activation, c.residual));
    if (json === undefined) return;
    const r = JSON.parse(json);
    hooks.chainReport = r;
    ui.showChain(r, { w: Array.from(c.w), random: !!random, seed: random?.seed, act: c.activation, residual: c.residual });
    charts.refresh('chain-canvas');
    for (const f of listeners) f();
  }

  function setRandom(seed) {
    const json = safe('where.randomChain', () => book_random_chain(state['chain.layers'], seed));
    if (json === undefined) return;
    const { w, b } = JSON.parse(json);
    random = { w, b, seed };
    set('chain.seed', seed); // in the link, so it reproduces the same chain
  }

  function presetRandom() {
    const seed = safe('where.randomSeed', () => random_seed()) ?? Math.floor(Math.random() * 2 ** 32);
    setRandom(seed);
    set('chain.bias', 'fixed');
    ui.showChainRandom(true);
    update();
  }

  function presetExplode() {
    random = null;
    set('chain.seed', -1);
    set('chain.bias', 'zero');
    set('chain.w', 100);
    ui.showChainRandom(false);
    update();
  }

  /** A chain setting changed (already set): a typed weight or bias ends the random preset. */
  function onSetting(key) {
    if (random) {
      if (key === 'chain.layers') setRandom(random.seed);
      else if (key === 'chain.w' || key === 'chain.b') {
        random = null;
        set('chain.seed', -1);
        ui.showChainRandom(false);
      }
    }
    update();
  }

  /** The chain as the settings say (a link, the start): the preset's seed, if any. */
  function fromSettings() {
    random = null;
    if (state['chain.seed'] >= 0) setRandom(state['chain.seed']);
    ui.showChainRandom(!!random);
  }

  return {
    inputs,
    update,
    presetRandom,
    presetExplode,
    onSetting,
    fromSettings,
    isRandom: () => !!random,
    onUpdate: (f) => listeners.push(f),
  };
}
