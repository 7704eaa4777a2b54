// Section 1's band view (issue 10, item 5): the chain on one set of axes — f′(z), and on a
// log axis each neuron's term and the running product — with the band of z where the term
// |w·f′(z)| ≥ 1 shaded, and beside it Chapter 5's problem: how wide a band of inputs a that
// is, against |w| (src/charts/chain_band.rs). Off by default (`chain.band`): it is drawn by
// the second wasm module, www/pkg-inside, which is imported only when the reader turns the
// view on — the first view's module has no room for it (scripts/budgets.mjs).

import { t } from '../i18n.js';
import { num } from '../format.js';
import { fPrime } from '../ui/choices.js';

export const BAND_CHART = 'chain-band-canvas';
const $ = (id) => document.getElementById(id);

/**
 * The core's numbers (src/web/chain_band.rs `band_numbers`) as an object: `skip`, the closed
 * form's `kind` ('empty', 'interval', 'unbounded', or 'none' with skips), its `z` and
 * `width`, the `widest` width and its |w|, and the band of z over [−8, 8] as [z0, z1] pairs.
 */
export function decodeBand(a) {
  const kind = ['empty', 'interval', 'unbounded', 'none'][a[1]] ?? 'none';
  const zBand = [];
  for (let i = 6; i + 1 < a.length; i += 2) zBand.push([a[i], a[i + 1]]);
  return { skip: a[0] === 1, kind, z: a[2], width: a[3], widest: Number.isFinite(a[4]) ? { w: a[4], width: a[5] } : null, zBand };
}

/** The weight whose band is drawn: the slider's, or w₂ of the random chain (its first term). */
export const bandWeight = (w) => (w.length > 1 ? w[1] : w[0]);

/** σ′ → f′ (another activation) and w·σ′ → 1 + w·σ′ (skips) in `s`. */
const say = (s, act, skip) => fPrime(skip ? s.replaceAll('|w·σ′', '|1 + w·σ′') : s, act);

/**
 * The chart's words (src/charts/chain_band.rs `BandText::from_lines`), one per line, in the
 * page's language; the width panel's note says why there is no curve (ReLUs, skips), and
 * the last line names the triangles of a z beyond the axis.
 */
export function bandLabels(act, skip) {
  const keys = ['curve.title', 'curve.x', 'curve.y', 'fPrime', 'term', 'terms', 'product', 'band', 'width.title', 'width.x', 'width.y', 'current', 'max'];
  const lines = keys.map((k) => say(t(`chainBand.chart.${k}`), act, skip));
  const note = skip ? t('chainBand.chart.noteSkip') : act === 'relu' || act === 'leaky-relu' ? t('chainBand.chart.noteRelu') : '';
  lines.push(say(note, act, skip), t('chainBand.chart.offScale'));
  return lines.map((l) => l.replaceAll('\n', ' ')).join('\n');
}

/** The view's sentence and facts from the decoded numbers `b`, for weight `w` and f `act`. */
export function bandWords(b, w, act, random) {
  const wText = num(w, 3);
  const f = act === 'sigmoid' ? 'σ' : t(`act.${act}`);
  let text;
  if (b.skip) text = t(w > 0 ? 'chainBand.skip.positive' : 'chainBand.skip.negative', { w: wText });
  else if (b.kind === 'unbounded') text = t('chainBand.unbounded', { w: wText, f });
  else if (b.kind === 'empty') text = t(act === 'sigmoid' ? 'chainBand.empty.sigmoid' : 'chainBand.empty.other', { w: wText, f });
  else text = t(act === 'sigmoid' ? 'chainBand.interval.sigmoid' : 'chainBand.interval.tanh', { w: wText, z: num(b.z, 3), width: num(b.width, 3) });
  // Sentences are joined by a space in English, by nothing in Chinese.
  if (!b.skip && b.widest) text += t('chainBand.sep') + t('chainBand.widest', { width: num(b.widest.width, 3), w: num(b.widest.w, 3), f });
  if (random) text += `${t('chainBand.sep')}<span class="hint">${t('chainBand.random', { w: wText })}</span>`;
  // The scan covers the chart's z ∈ [−8, 8]: a band reaching an end goes on beyond it (the
  // ReLUs' z > 0); an edge found at 0 by bisection is 0, not 10⁻²⁰.
  const z = (v) => num(Math.abs(v) < 1e-9 ? 0 : v, 3);
  const zs = b.zBand.map(([a, c]) => (c >= 8 && a <= -8 ? t('chainBand.z.all') : c >= 8 ? `z ≥ ${z(a)}` : a <= -8 ? `z ≤ ${z(c)}` : `${z(a)} ≤ z ≤ ${z(c)}`));
  return {
    text: say(text, act, b.skip),
    width: b.kind === 'interval' ? num(b.width, 3) : b.kind === 'empty' ? '0' : b.kind === 'unbounded' ? t('chainBand.width.unbounded') : '—',
    z: zs.length ? zs.join(', ') : t('chainBand.z.none'),
    max: b.widest ? t('chainBand.max', { width: num(b.widest.width, 3), w: num(b.widest.w, 3) }) : '—',
  };
}

/**
 * The chart's numbers (chartdata.js): per neuron its z, its term, the running product, and
 * whether the term is at least 1 in size; the summary says the band in words.
 */
export function bandTable(r, b, words) {
  const rows = r && b ? r.z.map((z, j) => [j + 1, z, j === 0 ? null : r.terms[j], r.runningProduct[j], j === 0 ? '—' : Math.abs(r.terms[j]) >= 1 ? t('chainBand.yes') : t('chainBand.no')]) : [];
  return {
    title: t('chainBand.cd.title'),
    columns: [t('cd.col.neuron'), 'z', t('chainBand.col.term'), t('cd.col.product'), t('chainBand.col.atLeastOne')],
    rows,
    summary: words ? `${words.text.replace(/<[^>]+>/g, '')} ${t('chainBand.cd.width', { width: words.width, z: words.z })}` : t('chainBand.cd.off'),
  };
}

/** `app`: {state, hooks, charts, safe, report, dark(), inlinedInside, chain}. */
export function createChainBand(app) {
  const { state, hooks, charts, chain } = app;
  /** For the tests: the weight, decoded numbers and words of the last drawing. */
  const view = { w: null, numbers: null, words: null, loaded: false };
  hooks.chainBand = view;
  let mod = null;
  let drawer = null;

  const args = () => {
    const c = chain.inputs();
    return [Float64Array.from(c.w), Float64Array.from(c.b), c.zeroZ, c.a0, c.activation, c.residual, bandWeight(c.w)];
  };
  const skipOf = () => state['chain.residual'] && state['chain.layers'] > 2;

  charts.onCanvas[BAND_CHART] = (canvas, dpr) => {
    if (!drawer || !state['chain.band']) return undefined;
    drawer.set_theme(app.dark());
    const a = args();
    const b = decodeBand(drawer.chain_band_draw(canvas, ...a, dpr, bandLabels(state['chain.act'], skipOf())));
    show(b, a[6]);
    return b;
  };
  charts.asSvg[BAND_CHART] = (w, h) => {
    if (!drawer) throw new Error(t('chainBand.notLoaded'));
    drawer.set_theme(app.dark());
    return drawer.chain_band_svg(...args(), w, h, bandLabels(state['chain.act'], skipOf()));
  };

  function show(b, w) {
    view.w = w;
    view.numbers = b;
    view.words = bandWords(b, w, state['chain.act'], chain.isRandom());
    $('chain-band-text').innerHTML = view.words.text;
    $('chain-band-width').textContent = view.words.width;
    $('chain-band-z').textContent = view.words.z;
    $('chain-band-max').textContent = view.words.max;
  }

  function load() {
    mod ??= import('../pkg-inside/gradlab_inside.js').then(async (m) => {
      await m.default(app.inlinedInside ? { module_or_path: await app.inlinedInside() } : undefined);
      drawer = m;
      view.loaded = true;
      charts.invalidate(BAND_CHART);
      return m;
    });
    mod.catch((e) => {
      mod = null;
      app.report('where.chainBand', e);
    });
    return mod;
  }

  /** The switch (or a link) says on or off: show the view, and load its module the first time. */
  function fromState() {
    const on = !!state['chain.band'];
    $('chain-band-view').hidden = !on;
    if (!on) return;
    if (!drawer) {
      $('chain-band-text').textContent = t('chainBand.loading');
      load();
    } else charts.invalidate(BAND_CHART);
  }

  return {
    fromState,
    /** The chain changed (any chain setting, a preset, the language): redraw if on. */
    update: () => state['chain.band'] && drawer && charts.invalidate(BAND_CHART),
    applyLanguage: () => state['chain.band'] && fromState(),
    tables: {
      [BAND_CHART]: { table: () => bandTable(hooks.chainReport, view.numbers, state['chain.band'] ? view.words : null) },
    },
  };
}
