// Section 4, A and B side by side: the worker trains both (www/worker/compare.js over the
// core's `Comparison`, the command line's `compare`); this view picks a preset — their
// settings are the core's facts (`compare_presets`) —, shows progress and draws the three
// shared charts live.

import { compare_presets } from '../pkg/gradlab.js';
import { t, compareLabels } from '../i18n.js';
import { int, percent } from '../format.js';
import { workerError } from './report.js';
import { SETTINGS } from '../state.js';
import { createCompareUI, CHANGES } from '../ui/compare.js';
import * as data from './compare-data.js';

export const CMP_CHARTS = ['cmp-norms', 'cmp-speed', 'cmp-training'];

/** `app`: {state, hooks, say, report, charts, client, set, ready()}. */
export function createCompare(app) {
  const { state, hooks, say, report, charts, client } = app;
  // `setups`: the A and B of the run shown (their batch norm decides the charts' ‖·‖).
  const cmp = { id: 0, running: false, history: null, preset: null, presets: null, rate: 0, setups: null };
  hooks.compare = cmp;
  const ui = createCompareUI({
    preset: (name) => {
      app.set('cmp.preset', name);
      run(true);
    },
    run: () => run(false),
    seed: (v) => app.set('cmp.seed', v),
    change: (key, v) => {
      app.set(key, v);
      if (cmp.presets) describeSetups();
    },
  });
  ui.applyLanguage();
  // The selects have their options now: show the link's changes in them.
  for (const side of ['a', 'b']) for (const w of CHANGES) app.ui.reflect(`cmp.${side}${w}`);
  ui.running(false, t('cmp.run'));
  const status = (compose, failed = false) => say('cmp-status', compose, (s) => ui.status(s, failed));
  const kinds = { 'cmp-norms': 'compareNorms', 'cmp-speed': 'compareSpeed', 'cmp-training': 'compareTraining' };
  const empty = { a: [], b: [] };
  for (const [id, part] of [['cmp-norms', 'norms'], ['cmp-speed', 'speed'], ['cmp-training', 'training']]) {
    const labels = () => compareLabels(data.betaOf(cmp.setups));
    charts.chart(id, kinds[id], () => cmp.history && data.describe[part](cmp.history), () => data.describe[part](empty), labels);
  }

  /** The presets, once the wasm is up (main thread): the page's buttons must all be among them. */
  function presets() {
    if (!cmp.presets) {
      cmp.presets = Object.fromEntries(JSON.parse(compare_presets()).map((p) => [p.name, p]));
      const unknown = ui.presetNames().filter((n) => !cmp.presets[n]);
      if (unknown.length) report('where.compare', () => `no preset named ${unknown.join(', ')}`);
    }
    return cmp.presets;
  }

  /** A and B: the preset's, with the reader's changes (state.js `cmp.aEta` …; '' and 0 keep the preset's). */
  function setups() {
    const p = presets()[state['cmp.preset']];
    const changes = Object.fromEntries(['a', 'b'].map((side) => [side, Object.fromEntries(CHANGES.map((w) => [w, state[`cmp.${side}${w}`]]))]));
    return { p, a: data.withChanges(p.a, changes.a), b: data.withChanges(p.b, changes.b) };
  }

  function describeSetups() {
    const { p, a, b } = setups();
    ui.selected(p.name);
    ui.setups(data.setupText(a), data.setupText(b));
    const book = p.book ? t('cmp.bookInit', { a: p.book.firstEpochABelow, b: p.book.firstEpochBAbout, end: p.book.finalAbove, ours: ours(p) }) : '';
    ui.book([book, a.batchNorm || b.batchNorm ? t('cmp.betaNote') : ''].filter(Boolean).join(' '));
  }

  /** Ours beside the book's (the large-vs-scaled preset): after epoch 1 and the last. */
  function ours(p) {
    const h = cmp.history;
    if (!h || cmp.preset !== p.name || h.a.length < 2) return '';
    const acc = (s, e) => (h[s][e] ? percent(100 * h[s][e].accuracy) : '—');
    const e = Math.max(h.a.length, h.b.length) - 1;
    const later = e > 1 ? t('cmp.bookOursLater', { e, ae: acc('a', e), be: acc('b', e) }) : '';
    return t('cmp.bookOurs', { a1: acc('a', 1), b1: acc('b', 1), later });
  }

  /**
   * `restart`: a preset button was clicked (its A and B as the core defines them, the
   * reader's changes cleared; always start); else the run button (start or cancel).
   */
  function run(restart) {
    if (!app.ready()) return;
    if (cmp.running && !restart) {
      client.post({ type: 'compare-cancel', id: cmp.id });
      return;
    }
    if (restart) for (const side of ['a', 'b']) for (const w of CHANGES) app.set(`cmp.${side}${w}`, SETTINGS[`cmp.${side}${w}`].def);
    const { p, a, b } = setups();
    cmp.id += 1;
    cmp.running = true;
    cmp.preset = p.name;
    cmp.epochs = p.epochs;
    cmp.history = null;
    cmp.setups = { a, b };
    describeSetups();
    ui.diverged('a', '');
    ui.diverged('b', '');
    ui.running(true, t('book.cancel'));
    status(() => t('book.starting'));
    client.post({ type: 'compare', id: cmp.id, a, b, seed: state['cmp.seed'], epochs: p.epochs });
  }

  function stopped() {
    cmp.running = false;
    ui.running(false, t('cmp.run'));
  }

  function onCompare(msg) {
    if (msg.id !== cmp.id) return;
    if (msg.event === 'cancelled') {
      stopped();
      status(() => t('book.cancelled'));
      return;
    }
    if (msg.event === 'error') {
      stopped();
      status(() => t('book.failed', { message: workerError(msg) }), true);
      if (msg.fatal) report('where.compare', () => workerError(msg));
      return;
    }
    if (msg.history) cmp.history = msg.history;
    cmp.rate = msg.rate ?? cmp.rate;
    const h = cmp.history;
    for (const s of ['a', 'b']) {
      const d = h[`${s}Diverged`];
      ui.diverged(s, d ? t('cmp.diverged', { side: t(`cmp.side.${s}`), epoch: d.epoch, message: d.message }) : '');
    }
    const done = msg.event === 'done';
    if (done) stopped();
    const total = cmp.epochs;
    status(() => (done ? t('cmp.done', { epochs: total, rate: int(cmp.rate) }) : data.epochText(h, total)));
    describeSetups();
    for (const id of CMP_CHARTS) app.ui.showFigure(id);
    if (done) {
      for (const id of CMP_CHARTS) charts.dropLive(id);
      charts.invalidate(...CMP_CHARTS);
    } else charts.invalidateLive(...CMP_CHARTS);
  }

  /** The worker is being replaced: a run under way is lost. */
  function interrupt() {
    if (!cmp.running) return;
    stopped();
    status(() => t('book.interrupted'), true);
  }

  return {
    cmp,
    onCompare,
    interrupt,
    /** The worker is ready (or gone): the buttons work once the main thread's wasm is up too. */
    enable(on) {
      const usable = on && hooks.wasmReady;
      ui.enabled(usable);
      ui.seed(state['cmp.seed']);
      if (usable) describeSetups();
    },
    /** A link applied (its hash typed or followed): show its preset and seed. */
    onLink() {
      ui.seed(state['cmp.seed']);
      if (cmp.presets) describeSetups();
    },
    applyLanguage() {
      ui.applyLanguage();
      ui.running(cmp.running, t(cmp.running ? 'book.cancel' : 'cmp.run'));
      if (cmp.presets) describeSetups();
    },
    tables: {
      'cmp-norms': { table: () => data.normsTable(cmp.history ?? empty, data.betaOf(cmp.setups)) },
      'cmp-speed': { table: () => data.speedTable(cmp.history ?? empty, data.betaOf(cmp.setups)) },
      'cmp-training': { table: () => data.trainingTable(cmp.history ?? empty) },
    },
    drawn: () => (cmp.history ? CMP_CHARTS : []),
  };
}
