// Section 2, the network trained in the worker: the panel's controller. Its state machine
// is named in one place (PHASES, `phase()`); Start/Pause and Step act through one worker
// (as the Playground's Player plays, pauses and steps over one timer). Requests that
// replace the network (a reset, a loaded file, a restore after a crash) carry ids, so the
// snapshots of a network being replaced stop counting at once.

import { networkSettings, tuning, ARCHITECTURE, TUNED } from '../state.js';
import { t, tn, netLabels } from '../i18n.js';
import { int, percent } from '../format.js';
import * as tables from '../chartdata.js';
import { divergedSentence } from './report.js';
import { createNetworkFile } from './network-file.js';
import { createNetworkFaults } from './network-faults.js';

/**
 * The panel's phases:
 *   loading     the worker boots (or never will: `failed`)
 *   idle        a network is ready; Start, Step, Reset and the settings act at once
 *   running     the worker trains; Start reads Pause
 *   restarting  the worker crashed and a new one boots; a changed setting is remembered
 *   failed      no data, no worker, or too many crashes: the panel stays disabled
 */
export const PHASES = ['loading', 'idle', 'running', 'restarting', 'failed'];

/** null (JSON for ∞/NaN) → Infinity, so charts see a non-finite value. */
const { orInf } = tables;
const normsOf = (snap) => snap.probe.layers.map((l) => orInf(l.norm));
const EMPTY_PROBE = { count: 0, layers: [] };
const NET_CHARTS = ['net-bars', 'net-normchart', 'net-speed', 'net-training'];

/**
 * `app`: {state, ui, hooks, say, notice, report, set, charts, client, book(), limits()}.
 * `client` posts to the current worker (worker-client.js).
 */
export function createNetwork(app) {
  const { state, ui, hooks, say, notice, report, set, charts, client } = app;
  const net = {
    ready: false,
    failed: false,
    running: false,
    /** Reset requests: the newest id sent, the newest acknowledged, and whether another is wanted. */
    resetSent: 0,
    resetAcked: 0,
    resetWanted: false,
    /** Per epoch, starting at initialisation: ‖δ^l‖; after each epoch: accuracy (%), cost. */
    history: [],
    accuracy: [],
    cost: [],
    sizes: null,
    progress: null,
    lastStop: null,
    /** {reason, checkpoint, asked} while a crashed worker is replaced. */
    recovering: null,
  };

  /** The panel's phase (PHASES), from what the worker last said. */
  function phase() {
    if (net.failed) return 'failed';
    if (net.recovering) return 'restarting';
    if (!net.ready) return 'loading';
    return net.running ? 'running' : 'idle';
  }

  /** The network's status when it is not showStatus's to say (no data, no worker, a restart). */
  const failedStatus = (key) => say('status', () => t(key), (s) => ui.status(s, 'failed'));

  /** For the tests: whether a reset asked for has not yet been answered (or waits to be sent). */
  hooks.resetPending = () => net.resetSent !== net.resetAcked || net.resetWanted;

  function requestReset() {
    if (!net.ready) {
      // While the worker restarts after a crash, a changed setting or Reset is remembered:
      // the restart then draws a fresh network from the settings (restoreAfterCrash).
      if (net.recovering) net.resetWanted = true;
      return;
    }
    if (net.resetSent !== net.resetAcked) {
      net.resetWanted = true; // one at a time: a dragged slider sends the latest when this one is back
      return;
    }
    net.resetWanted = false;
    net.resetSent += 1;
    net.running = false;
    if (net.loaded) {
      net.loaded = null; // a fresh network from the settings replaces the loaded one
      ui.loadedArchitecture(null);
    }
    ui.running(false);
    client.post({ type: 'reset', id: net.resetSent, settings: networkSettings(state) });
  }

  const file = createNetworkFile(app, net, requestReset);
  const { loadMessage } = file;

  const retune = () => net.ready && client.post({ type: 'retune', ...tuning(state) });
  const epochs = () => net.ready && client.post({ type: 'epochs', epochs: state['net.epochs'] });

  /** The book's ‖δ^l‖ when the panel holds the book's network at initialisation. */
  function bookNormsFor(epoch) {
    const s = networkSettings(state);
    const book = app.book();
    const k = book ? book.normsHidden.indexOf(s.hidden) : -1;
    const bookNet = s.activation === 'sigmoid' && s.init === 'scaled' && s.biases === 'normal' && Math.abs(s.gain - 1) < 1e-9 && !s.residual && !s.batchNorm;
    const isBook = !net.loaded && epoch === 0 && s.width === book?.width && bookNet && k >= 0;
    return isBook ? book.initNorms[k] : [];
  }

  // With batch normalisation b is β, and the speed of learning ‖∂C/∂β^l‖: the labels say so.
  const labels = () => netLabels(state['net.batchNorm']);
  charts.chart('net-bars', 'bars', () => ({ probe: hooks.snapshot?.probe ?? EMPTY_PROBE }), undefined, labels);
  charts.chart('net-normchart', 'norms', () => {
    const s = hooks.snapshot;
    return { norms: s ? normsOf(s) : [], book: s ? bookNormsFor(s.epoch) : [] };
  }, undefined, labels);
  charts.chart('net-speed', 'speed', () => ({ history: net.history }), undefined, labels);
  charts.chart('net-training', 'training', () => ({ accuracy: net.accuracy, cost: net.cost }));

  function onSnapshot(msg) {
    const snap = msg.snap;
    if (msg.initial && msg.restored !== undefined) {
      if (msg.id === net.resetSent) onRestored(msg);
      return;
    }
    if (msg.initial) {
      if (msg.id !== net.resetSent) return; // an older reset, superseded
      net.resetAcked = msg.id;
      net.checkpoint = null; // a new network: the old one's checkpoint no longer applies
      if (msg.loaded) file.onLoaded(msg.loaded, msg);
      net.history = [];
      net.accuracy = [];
      net.cost = [];
      hooks.snapshots = [];
      net.progress = null;
      net.lastStop = null;
      notice('net-notice', net.noticeNext ?? (() => '')); // a fresh network's notice, if it has one
      net.noticeNext = null;
      if (net.resetWanted) requestReset();
    } else if (net.resetSent !== net.resetAcked) {
      return; // from the network a reset is replacing
    }
    hooks.snapshot = snap;
    hooks.snapshots.push(snap);
    net.history.push(normsOf(snap));
    if (!msg.initial && !msg.diverged) {
      net.accuracy.push(snap.accuracy === null || snap.accuracy === undefined ? NaN : 100 * snap.accuracy);
      net.cost.push(snap.cost === null || snap.cost === undefined ? NaN : snap.cost);
    }
    ui.norms(normsOf(snap));
    if (msg.initial) {
      showStatus();
      announce();
    }
    // A fresh network (the gain slider, Reset) shows at once; epochs as a stream.
    if (msg.initial || msg.diverged || !net.running) charts.invalidate(...NET_CHARTS);
    else charts.invalidateLive(...NET_CHARTS);
  }

  function showStatus() {
    const p = net.progress;
    const target = state['net.epochs'];
    const sizes = net.loaded ? t('status.loadedArch', { sizes: net.loaded.sizes.join(', ') }) : `[784, ${Array(state['net.hidden']).fill(state['net.width']).join(', ')}, 10]`;
    // Which hidden neurons, when not the book's sigmoid.
    const withF = state['net.activation'] === 'sigmoid' ? sizes : `${sizes} ${t(`act.${state['net.activation']}`)}`;
    // And what is beyond the book (issue 12): skips, batch norm, momentum.
    const more = [state['net.residual'] && t('status.residual'), state['net.batchNorm'] && t('status.batchNorm'), state['net.momentum'] && t('status.momentum', { mu: state['net.momentum'] })];
    const arch = [withF, ...more.filter(Boolean)].join(t('status.and'));
    const acc = net.accuracy.length ? t('status.accuracy', { acc: percent(net.accuracy[net.accuracy.length - 1], 1) }) : '';
    const done = p ? p.epochs : 0;
    ui.progress(p && p.n ? (p.epochs + p.position / p.n) / target : 0);
    app.said.delete('status'); // the status is this function's again (applyLanguage calls it)
    if (net.lastStop?.reason === 'diverged') {
      ui.status(t('status.diverged'), 'failed');
    } else if (net.running && p) {
      ui.status(t('status.running', { epoch: Math.min(target, done + 1), target, position: int(p.position), n: int(p.n) }) + (p.rate ? t('status.rate', { rate: int(p.rate) }) : '') + acc);
    } else if (done === 0) {
      ui.status(t('status.ready', { arch, n: net.sizes ? int(net.sizes[0]) : int(8000) }));
    } else if (done >= target) {
      ui.status(tn('status.done', done, { acc }), 'done');
    } else {
      ui.status(t('status.paused', { n: done, target, acc }));
    }
    hooks.status = net.running ? 'running' : 'idle';
  }

  /** The key result in words, for screen readers (a polite live region): at a new network and when training stops. */
  function announce() {
    const s = hooks.snapshot;
    if (!s) return;
    const sentence = tables.speedSentence(normsOf(s));
    const acc = s.epoch > 0 && net.accuracy.length ? t('announce.accuracy', { epoch: s.epoch, acc: percent(net.accuracy[net.accuracy.length - 1], 1) }) : '';
    ui.announce(`${sentence ? t('announce.speed', { s: `${sentence[0].toUpperCase()}${sentence.slice(1)}` }) : ''}${acc}`);
  }

  function onStopped(msg) {
    net.running = false;
    charts.flushLive(); // the last epoch's charts now, not a tick later
    net.lastStop = msg;
    ui.running(false);
    if (msg.reason === 'diverged') notice('net-notice', () => t('notice.diverged', { message: divergedSentence(msg) }));
    showStatus();
    announce();
  }

  function startPause() {
    const now = phase();
    if (now === 'running') {
      client.post({ type: 'pause' });
      return;
    }
    if (now !== 'idle') return;
    // After a divergence, or when every epoch asked for is done, Start begins a fresh network.
    const finished = net.progress && net.progress.epochs >= state['net.epochs'];
    if (net.lastStop?.reason === 'diverged' || finished) requestReset();
    net.running = true;
    ui.running(true);
    client.post({ type: 'start', epochs: state['net.epochs'] });
    showStatus();
  }

  function step() {
    if (phase() !== 'idle') return;
    if (net.lastStop?.reason === 'diverged') requestReset();
    net.running = true;
    ui.running(true);
    client.post({ type: 'step' });
  }

  /** A network setting changed from `before` (already set). */
  function onSetting(key) {
    if (ARCHITECTURE.includes(key)) requestReset();
    else if (TUNED.includes(key)) {
      retune();
      if (net.ready) showStatus(); // it names μ
    } else if (key === 'net.epochs') {
      epochs();
      showStatus();
    }
  }

  /** A link applied: what changed among `changed(keys)` asks for a reset, a retune or a new target. */
  function onLink(changed) {
    if (changed(ARCHITECTURE)) requestReset();
    if (changed(TUNED)) retune();
    if (changed(['net.epochs'])) epochs();
    if (net.ready) showStatus();
  }

  /**
   * The core refused batch normalisation with mini-batches of 1 (`batchNormMiniBatch`, a
   * reset or a retune): the mini-batch becomes 2, the smallest it takes, and a notice says so.
   */
  function onBatchNormMiniBatch(msg) {
    set('net.miniBatch', 2);
    ui.reflect('net.miniBatch', true); // in its field even while it has the focus
    const say = () => t('notice.batchNormMiniBatch');
    if (msg.request === 'retune') {
      notice('net-notice', say);
      retune();
    } else {
      net.noticeNext = say; // shown with the network it asks for
      requestReset();
    }
  }

  // ------------------------------------------------------------ the worker's messages

  function onReady(msg) {
    net.ready = true;
    net.workerReady = true;
    net.sizes = msg.sizes;
    ui.networkEnabled(true);
    ui.bookEnabled(true);
    if (net.recovering) restoreAfterCrash();
    else requestReset();
  }

  function onCheckpoint(msg) {
    if (net.resetSent === net.resetAcked) net.checkpoint = { json: msg.json, epochs: msg.epochs };
  }

  function onProgress(msg) {
    if (net.resetSent !== net.resetAcked) return;
    net.progress = msg;
    showStatus();
  }

  function onStoppedMsg(msg) {
    if (net.resetSent !== net.resetAcked && msg.reason !== 'diverged') return;
    onStopped(msg);
  }

  /** The worker could not start: no data, or no wasm. */
  function onFailed(statusKey, status) {
    net.failed = true;
    failedStatus(statusKey);
    if (status) hooks.status = status;
  }

  /** The worker failed before it ever booted: it would fail again, so it is not restarted. */
  function neverStarted() {
    net.failed = true;
    net.running = false;
    ui.running(false);
  }

  /**
   * A reset or restore the worker could not do (without a panic): the network it had stays,
   * and its snapshots count again — else the page would wait for this one's answer forever.
   */
  function onRequestFailed(msg) {
    if (!msg.fatal && (msg.request === 'reset' || msg.request === 'restore') && msg.id === net.resetSent) {
      net.resetAcked = msg.id;
      net.recovering = null;
      net.resetWanted = false;
    }
  }

  // Faults: a crashed worker replaced, its network restored (network-faults.js).
  const { crashed, restoreAfterCrash, onRestored } = createNetworkFaults(app, net, { requestReset, showStatus, loadMessage, failedStatus, normsOf, NET_CHARTS });

  /** Everything composed here, in the language just chosen. */
  function applyLanguage() {
    ui.loadedArchitecture(net.loaded ? net.loaded.sizes.slice(1, -1) : null);
    if (net.ready) showStatus();
    if (hooks.snapshot) ui.norms(normsOf(hooks.snapshot));
  }

  return {
    net,
    phase,
    NET_CHARTS,
    requestReset,
    loadNetwork: file.loadNetwork,
    downloadNetwork: file.downloadNetwork,
    startPause,
    step,
    onSetting,
    onLink,
    showStatus,
    announce,
    applyLanguage,
    failedStatus,
    bookNormsFor,
    normsOf,
    crashed,
    handlers: {
      ready: onReady,
      checkpoint: onCheckpoint,
      snapshot: onSnapshot,
      progress: onProgress,
      stopped: onStoppedMsg,
      'load-error': file.onLoadError,
      network: file.onNetwork,
    },
    onFailed,
    onRequestFailed,
    onBatchNormMiniBatch,
    neverStarted,
  };
}
