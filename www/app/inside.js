// Inside the network (issue 10): each hidden layer's factor J_l = Σ′(z^l)(w^{l+1})ᵀ on the
// gradient, predicted and measured, for the panel's network as it is now. The worker
// computes the report (www/worker/inside.js); this view draws it with the second wasm
// module, www/pkg-inside, which both import only when the reader opens the view — the
// first view's module stays within its budget (scripts/budgets.mjs).
//
// Refreshes: on opening, on every new network (the gain slider, any setting, a loaded
// file) and during training, at most one in flight and at most every REFRESH_MS, so the
// worker spends a small share of its time here; the main thread only draws the charts.
// Each report carries the run recorded so far (one record per epoch, kept by the worker
// while the view is open): the charts over training are drawn from it.

import { networkSettings, gainOf } from '../state.js';
import { t, language, LANGUAGES } from '../i18n.js';
import { chartLabels } from '../i18n.js';
import { num, pct } from '../format.js';
import { fillRows } from '../export.js';
import { nan, factorsTable, normsTable, histogramsTable, activationsTable, heatmapTable, updatesTable } from './inside-data.js';

/** The charts of the network as it is now (the report), and of the run as training goes (the history). */
export const INSIDE_CHARTS = ['inside-factors', 'inside-norms', 'inside-hist', 'inside-activations', 'inside-heatmap', 'inside-updates'];
/** While training, a refresh at most this often (ms): one takes ~50 ms of the worker's time. */
const REFRESH_MS = 500;
/** A request unanswered this long (a worker that crashed meanwhile) no longer holds back the next. */
const STALE_MS = 10_000;

const $ = (id) => document.getElementById(id);

/** The chart words of the view in the page's language (a partial `InsideText`, JSON; '' is
 * English). With skips or batch normalisation the factor chart names its own matrix. */
function insideLabels(r) {
  let c = LANGUAGES[language()].inside ?? {};
  if (r?.residual || r?.batchNorm) {
    const title = t(r.residual ? 'inside.chart.residual' : 'inside.chart.batchNorm');
    c = { ...c, factors: { title, x: t('inside.chart.x'), y: t('inside.chart.y') } };
    if (r.residual) c.measured = t('inside.chart.measuredResidual');
    c.norms = { title: t('inside.chart.normsOnly'), x: t('inside.chart.x'), y: t('inside.chart.normsY') };
  }
  return Object.keys(c).length ? JSON.stringify(c) : '';
}

/** `app`: {state, hooks, charts, client, safe, network, dark()}. */
export function createInside(app) {
  const { state, hooks, charts, client, network } = app;
  const view = { open: false, report: null, history: [], ms: null, error: null, sent: 0, answered: 0, sentAt: 0, wanted: false, timer: 0, last: -Infinity };
  /** For scripts/bench-page.mjs: per report, the worker's ms, the round trip's (request → answer) and the last epoch's record's. */
  view.timings = [];
  hooks.inside = view;
  /** The second module on this thread, for drawing: a promise, made when the view first opens. */
  let mod = null;
  let drawer = null;

  const describe = {
    // No prediction (skips, batch normalisation): no series, so no legend entry either.
    'inside-factors': (r) => ({ factors: { factors: r ? r.factors : [], predicted: r?.predicted ? r.meanField.factors : [] } }),
    'inside-norms': (r) => ({ norms: { norms: r ? r.norms : [], predicted: r?.predicted ? r.predictedNorms : [] } }),
    'inside-hist': (r) => ({ units: { units: r ? r.units : [] } }),
    'inside-activations': (_, h) => ({ activations: { history: h } }),
    'inside-heatmap': (_, h) => ({ heatmap: { history: h } }),
    'inside-updates': (_, h) => ({ updates: { history: h } }),
  };
  for (const id of INSIDE_CHARTS) {
    charts.onCanvas[id] = (canvas, dpr) => {
      if (!drawer || !view.report) return undefined;
      drawer.set_theme(app.dark());
      return drawer.inside_draw(canvas, JSON.stringify(describe[id](view.report, view.history)), dpr, chartLabels(), insideLabels(view.report));
    };
    charts.asSvg[id] = (w, h) => {
      if (!drawer) throw new Error(t('inside.notLoaded'));
      drawer.set_theme(app.dark());
      return drawer.inside_svg(JSON.stringify(describe[id](view.report, view.history)), w, h, chartLabels(), insideLabels(view.report));
    };
  }

  const status = (text) => ($('inside-status').textContent = text);

  function load() {
    mod ??= import('../pkg-inside/gradlab_inside.js').then(async (m) => {
      await m.default(app.inlinedInside ? { module_or_path: await app.inlinedInside() } : undefined);
      drawer = m;
      charts.invalidate(...INSIDE_CHARTS);
      return m;
    });
    mod.catch((e) => {
      mod = null;
      view.error = e;
      status(t('inside.failed', { message: e?.message ?? String(e) }));
    });
    return mod;
  }

  /** The initialisation of a network not trained yet, for the prediction's exact variances. */
  function fresh() {
    const snap = hooks.snapshot;
    if (!snap || snap.epoch !== 0 || network.net.loaded) return null;
    const s = networkSettings(state);
    return { init: s.init, biases: s.biases, gain: s.gain };
  }

  /** Ask the worker for a report of the panel's network now (or when the one in flight is back). */
  function request() {
    clearTimeout(view.timer);
    view.timer = 0;
    if (!view.open || !network.net.ready) return;
    if (view.sent !== view.answered && performance.now() - view.sentAt < STALE_MS) {
      view.wanted = true;
      return;
    }
    view.wanted = false;
    view.sent += 1;
    view.sentAt = performance.now();
    view.last = view.sentAt;
    if (!view.report) status(t('inside.computing'));
    client.post({ type: 'inside', id: view.sent, fresh: fresh() });
  }

  function onSnapshot(msg) {
    // A new worker after a crash (a restore) never answers the old one's request.
    if (msg.restored !== undefined) view.answered = view.sent;
    if (!view.open) return;
    // A new network (reset, gain, file) at once; an epoch's snapshot at most every REFRESH_MS.
    if (msg.initial || !network.net.running) return request();
    if (view.timer) return;
    view.timer = setTimeout(request, Math.max(0, view.last + REFRESH_MS - performance.now()));
  }

  function onInside(msg) {
    if (msg.id < view.answered) return;
    view.answered = msg.id;
    if (msg.report) {
      view.report = msg.report;
      view.history = msg.history ?? [];
      view.ms = msg.ms;
      view.timings.push({ worker: msg.ms, total: performance.now() - view.sentAt, record: msg.recordMs });
      if (view.timings.length > 100) view.timings.shift();
      view.error = null;
    } else {
      view.report = null;
      view.history = [];
      view.error = msg;
    }
    show();
    charts.invalidate(...INSIDE_CHARTS);
    if (view.wanted) request();
  }

  /** The status line, the gap between prediction and measurement, the units table, the gain's mark. */
  function show() {
    const r = view.report;
    $('inside-body').hidden = !r;
    if (!r) {
      const e = view.error;
      if (e) status(t('inside.failed', { message: e.message ?? '' }));
      $('inside-gap').textContent = '';
      $('inside-units').replaceChildren();
      mark(null);
      return;
    }
    status(t('inside.done', { sizes: `[${r.sizes.join(', ')}]`, count: r.count, spectra: r.spectrumImages, ms: Math.round(view.ms) }));
    const first = 0;
    const gap = r.norms[first] / r.predictedNorms[first];
    const chi = r.meanField.factors.map((v) => num(v)).join(', ');
    const ratios = r.factors.map((f) => num(nan(f.ratio.median))).join(', ');
    // Skips and batch normalisation: what the factors are, and why no prediction.
    const kinds = [r.residual && t('inside.kind.residual'), r.batchNorm && t('inside.kind.batchNorm')].filter(Boolean);
    const prediction = r.predicted
      ? t('inside.gap', { measured: num(r.norms[first]), predicted: num(r.predictedNorms[first]), gap: num(gap >= 1 ? gap : 1 / gap, 2), ratios, chi })
      : t('inside.noPrediction', { ratios });
    $('inside-gap').textContent = [...kinds, prediction].join(' ');
    // The caption's words for this kind of network (www/style.css).
    $('inside').dataset.residual = String(!!r.residual);
    $('inside').dataset.predicted = String(!!r.predicted);
    unitsTable(r);
    // The histograms' height follows the number of hidden layers (www/ui/canvas.js).
    $('inside-hist').dataset.rows = String(r.units.length);
    const h = view.history;
    $('inside-run').textContent = h.length ? t('inside.runNote', { from: h[0].epoch, to: h.at(-1).epoch, n: h.length }) : t('inside.runNone');
    const s = networkSettings(state);
    mark(network.net.loaded || r.criticalGainFactor === null ? null : s.gain * r.criticalGainFactor);
  }

  function unitsTable(r) {
    const columns = [t('cd.col.layer'), t('inside.col.saturated'), t('inside.col.dead'), t(r.residual ? 'inside.col.meanResidual' : 'inside.col.mean')];
    const rows = r.units.map((u) => [String(u.layer), pct(u.saturated), pct(u.dead), `${num(u.mean)} ± ${num(u.std)}`].map((text) => ({ text })));
    fillRows($('inside-units'), columns, rows);
  }

  /** The gain where the predicted factor is 1, marked under the gain slider (null: none). */
  function mark(g) {
    const on = view.open && g !== null && Number.isFinite(g) && g >= gainOf(0) && g <= gainOf(1);
    $('net-gain-mark').hidden = !on;
    $('net-gain-critical').hidden = !(view.open && g !== null && Number.isFinite(g));
    if (g === null || !Number.isFinite(g)) return;
    $('net-gain-critical').textContent = t('inside.critical', { g: num(g, 2) });
    if (on) $('net-gain-mark').firstElementChild.style.left = `${(100 * Math.log(g / gainOf(0))) / Math.log(gainOf(1) / gainOf(0))}%`;
  }

  function setOpen(open) {
    view.open = open;
    if ($('inside').open !== open) $('inside').open = open;
    app.set('inside.open', open ? 1 : 0);
    // The worker records the run only while the view is open (www/worker/inside.js).
    if (network.net.ready) client.post({ type: 'inside-watch', open });
    if (open) {
      load();
      request();
    } else {
      mark(null);
      $('net-gain-critical').textContent = '';
    }
  }

  $('inside').addEventListener('toggle', () => {
    if ($('inside').open !== view.open) setOpen($('inside').open);
  });

  return {
    onSnapshot,
    onInside,
    /** The link's or the page's setting (on arrival, or a hash typed in). */
    fromState: () => setOpen(state['inside.open'] === 1),
    /** The worker is up (or back after a crash): a report for the view if open. */
    ready: () => view.open && request(),
    applyLanguage: () => view.open && show(),
    tables: {
      'inside-factors': { table: () => factorsTable(view.report) },
      'inside-norms': { table: () => normsTable(view.report) },
      'inside-hist': { table: () => histogramsTable(view.report) },
      'inside-activations': { table: () => activationsTable(view.history) },
      'inside-heatmap': { table: () => heatmapTable(view.history) },
      'inside-updates': { table: () => updatesTable(view.history) },
    },
  };
}
