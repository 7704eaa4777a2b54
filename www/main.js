// The page's conductor (as index.js in tfjs-examples/mnist): it owns the state, talks to
// the worker that trains, calls the wasm core for the chain and for every chart, and
// tells ui.js — the only module touching the DOM — what to show.
//
// Responsiveness: the main thread never trains. Charts fed by the worker are redrawn in
// animation frames, a few milliseconds at a time (`invalidate`), so no task stays long;
// only the chain redraws synchronously, on every `input` event of its controls.

import init, {
  draw_chain,
  chain_report,
  draw_bars,
  draw_norms,
  draw_speed,
  draw_training,
  draw_depth,
  book_random_chain,
  book_numbers,
  random_seed,
  chain_svg,
  bars_svg,
  norms_svg,
  speed_svg,
  training_svg,
  depth_svg,
  max_network_bytes,
  set_theme,
} from './pkg/gradlab.js';
import { clamp, networkSettings, ARCHITECTURE, WIDTHS } from './state.js';
import { createUI } from './ui.js';
import { readLink, describe as describeLink, WIDGETS } from './url.js';
import { createShare } from './share.js';
import { registerOffline } from './offline.js';
import { inlined } from './inline.js';
import { allowTextMeasuring } from './csp.js';
import { int, percent, round3 } from './format.js';
import { heartbeat, restartBudget, restartNotice } from './recovery.js';
import { limitText } from './limits.js';
import { createChartTools, saveFile } from './export.js';
import * as tables from './chartdata.js';
import { t, tn, hasString, setLanguage, pickLanguage, chartLabels } from './i18n.js';

// The settings are the link's (its hash; see url.js), or the defaults.
const link = readLink(location.search, location.hash);
const state = link.state;
allowTextMeasuring(); // plotters' text measuring under the page's CSP (see csp.js)
// The language before the first word is shown: the link's, else the browser's.
setLanguage(pickLanguage(state.lang));
link.notice = describeLink(link.ignored, link.clamped); // in that language
const ui = createUI(state);
ui.applyLanguage();

/** Hooks for the browser tests and the benchmark (scripts/bench-page.mjs). */
const hooks = {
  state,
  /** Milliseconds of the last chain redraws (draw_chain only), newest last. */
  chainTimings: [],
  /** Milliseconds of the last redraws of each worker-fed chart. */
  drawTimings: {},
  /** The last snapshot of the network panel, and every snapshot since the last reset. */
  snapshot: null,
  snapshots: [],
  /** The chapter's latest results by experiment. */
  book: {},
  status: 'loading',
  errors: [],
};
window.gradlab = hooks;
hooks.link = link;
const share = createShare(state, link, hooks);

// ---------------------------------------------------------------- errors

/** An error's message; `e` may be a function composing it (a sentence of the page's, in its language). */
function describe(e) {
  if (typeof e === 'function') return e();
  if (e instanceof WebAssembly.RuntimeError) return t('error.internal', { message: e.message });
  return e?.message ?? String(e);
}
/** What the banner shows: its prefix (a `where.*` key of www/i18n) and the error, to say it again in another language. */
let shownError = null;
const errorText = ({ where, e, vars }) => t('error.at', { where: t(where, typeof vars === 'function' ? vars() : vars), message: describe(e) });
/** Show error `e` in the banner, after the prefix `where` (an i18n key, with `vars`, or a function giving them). */
function report(where, e, vars) {
  shownError = { where, e, vars };
  const text = errorText(shownError);
  hooks.errors.push(text);
  if (hooks.errors.length > 100) hooks.errors.shift(); // for tests; a long session keeps the last
  console.warn(text);
  ui.banner(text);
}
/** Run a wasm call; on an exception (a JsError or a panic's RuntimeError) show the banner. */
function safe(where, fn, vars) {
  try {
    return fn();
  } catch (e) {
    report(where, e, vars);
    return undefined;
  }
}
window.addEventListener('error', (e) => report('error.unexpected', e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => report('error.unexpected', e.reason));

/**
 * An error the worker posted, in words: a panic's sentence is the page's (in its language)
 * around the core's own words; any other message is the core's, as it is.
 */
const workerError = (msg) => (msg.panic !== undefined ? t('error.workerPanic', { message: msg.panic }) : msg.message);

// ---------------------------------------------------------------- sentences that stay

/**
 * Sentences that stay on the page until replaced — statuses, notices, limit notes — kept
 * as the function composing them, so that a language switch says them again in the new
 * language (applyLanguage). `slot` names the place: a new sentence there replaces the old.
 */
const said = new Map();
function say(slot, compose, show) {
  said.set(slot, { compose, show });
  show(compose());
}
const notice = (id, compose) => say(id, compose, (s) => ui.notice(id, s));
const bookStatus = (kind, compose, failed = false) => say(`book-${kind}`, compose, (s) => ui.bookStatus(kind, s, failed));
const loadMessage = (compose, error = false) => say('load', compose, (s) => ui.loadMessage(s, error));
/** The network's status when it is not showStatus's to say (no data, no worker, a restart). */
const failedStatus = (key) => say('status', () => t(key), (s) => ui.status(s, 'failed'));
// Until the worker is ready (index.html's own words are English and carry no data-i18n).
say('status', () => t('status.loading'), (s) => ui.status(s));
// The link's notice, shown by createShare (above) in the language the page opened in.
said.set('url-notice', { compose: () => describeLink(link.ignored, link.clamped), show: share.notice });

// ---------------------------------------------------------------- chart redraws

/** Chart id → function drawing it on (canvas, dpr). */
const charts = {};
/** Chart id → function drawing it as SVG (width, height), for its download (export.js). */
const svgCharts = {};
/** Each kind of chart's pair of drawing functions in the core: on a canvas, and as SVG. */
const PLOTS = {
  chain: [draw_chain, chain_svg],
  bars: [draw_bars, bars_svg],
  norms: [draw_norms, norms_svg],
  speed: [draw_speed, speed_svg],
  training: [draw_training, training_svg],
  depth: [draw_depth, depth_svg],
};
/**
 * Chart `id` is a `kind` of PLOTS drawn from `args()`, the data it shows now, so the canvas
 * and its SVG download cannot disagree. `args()` null: nothing to draw yet (a chapter
 * chart before its run): the canvas is left alone, and the SVG draws `empty()`.
 */
function chart(id, kind, args, empty = args) {
  const [onCanvas, asSvg] = PLOTS[kind];
  charts[id] = (canvas, dpr) => {
    const a = args();
    return a ? onCanvas(canvas, ...a, dpr, chartLabels()) : undefined;
  };
  svgCharts[id] = (w, h) => asSvg(...(args() ?? empty()), w, h, chartLabels());
}
/** Each chart's download row, "Numbers" table and text alternative (export.js), set below. */
let chartTools = null;
const dirty = new Set();
let frame = 0;
/**
 * A frame's drawing budget in ms of script: after the first chart, the rest waits for the
 * next frame once this is spent. A main thread that shares its core with other work
 * stretches a task's wall time three- to fivefold (12 ms of CPU became a 52 ms long task on
 * this 2-core machine, Chromium trace), so a frame's CPU is kept small: up to 6 ms of
 * script, and paint and commit after it. (3 ms spread the same work over more frames:
 * more paint in all, and no shorter longest task; `node scripts/bench-page.mjs --trace`.)
 */
const FRAME_BUDGET = 6;

function invalidate(...ids) {
  for (const id of ids) if (charts[id]) dirty.add(id);
  // Before the main thread's wasm is up, charts only collect: start() draws them.
  if (!frame && dirty.size && hooks.wasmReady) frame = requestAnimationFrame(redraw);
}

/**
 * Charts fed by a stream (an epoch every 30–60 ms while training, the chapter's runs) redraw
 * at most every LIVE_MS: ten times a second reads as live, and the main thread's share of a
 * core while training fell from 32 % to ~12 % (Chromium trace, tests/e2e/network.test.mjs's
 * workload). The end of a run draws at once (`flushLive`).
 */
const LIVE_MS = 100;
const live = { ids: new Set(), timer: 0, last: -Infinity };

function invalidateLive(...ids) {
  for (const id of ids) live.ids.add(id);
  if (live.timer) return;
  live.timer = setTimeout(flushLive, Math.max(0, live.last + LIVE_MS - performance.now()));
}

function flushLive() {
  clearTimeout(live.timer);
  live.timer = 0;
  live.last = performance.now();
  invalidate(...live.ids);
  live.ids.clear();
}

function redraw() {
  frame = 0;
  const t0 = performance.now();
  // The chain first: it answers a slider the reader is dragging.
  const order = dirty.has('chain-canvas') ? ['chain-canvas', ...[...dirty].filter((id) => id !== 'chain-canvas')] : [...dirty];
  for (const id of order) {
    dirty.delete(id);
    draw(id);
    // A canvas's drawing is recorded by the script and rasterised after it, in the frame's
    // paint and commit (about as long again, Chromium trace): the script's own time is only
    // half of what a chart costs the frame, hence the small budget.
    if (performance.now() - t0 > FRAME_BUDGET) break;
  }
  if (dirty.size) frame = requestAnimationFrame(redraw);
}

/** The first chart on screen, for scripts/budgets.mjs (budget: 1 s after navigation). */
function markFirstChart() {
  if (!performance.getEntriesByName('first-chart', 'mark').length) performance.mark('first-chart');
}

function draw(id) {
  const t = performance.now();
  const drawn = safe('where.drawing', () => ui.paint(id, charts[id]), { id });
  if (drawn) markFirstChart();
  chartTools?.refresh(id);
  const times = (hooks.drawTimings[id] ??= []);
  if (drawn) {
    times.push(performance.now() - t);
    if (times.length > 100) times.shift();
  }
}

// ---------------------------------------------------------------- 1. the chain

/** Random weights and biases of the "book's N(0,1)" preset, or null. */
let randomChain = null;

function chainInputs() {
  const L = state['chain.layers'];
  const w = randomChain ? randomChain.w : Array(L).fill(state['chain.w']);
  const b = randomChain ? randomChain.b : Array(L).fill(state['chain.b']);
  return { w: Float64Array.from(w), b: Float64Array.from(b), zeroZ: state['chain.bias'] === 'zero', a0: state['chain.a0'] };
}

chart('chain-canvas', 'chain', () => {
  const c = chainInputs();
  return [c.w, c.b, c.zeroZ, c.a0];
});
{
  // The chain's redraw times, for scripts/bench-page.mjs and the tests (budget: 16 ms).
  const drawChain = charts['chain-canvas'];
  charts['chain-canvas'] = (canvas, dpr) => {
    const t0 = performance.now();
    const json = drawChain(canvas, dpr);
    hooks.chainTimings.push(performance.now() - t0);
    if (hooks.chainTimings.length > 500) hooks.chainTimings.shift();
    return json;
  };
}

/** Redraw the chain now (synchronously, within the input event) and update its words. */
function updateChain() {
  const c = chainInputs();
  let json = safe('where.chain', () => ui.paint('chain-canvas', charts['chain-canvas']))?.value;
  if (json !== undefined) markFirstChart();
  if (json === undefined) json = safe('where.chain', () => chain_report(c.w, c.b, c.zeroZ, c.a0));
  if (json === undefined) return;
  const r = JSON.parse(json);
  hooks.chainReport = r;
  ui.showChain(r, { w: Array.from(c.w), random: !!randomChain, seed: randomChain?.seed });
  chartTools?.refresh('chain-canvas');
}

function presetRandom() {
  const seed = safe('where.randomSeed', () => random_seed()) ?? Math.floor(Math.random() * 2 ** 32);
  setRandomChain(seed);
  set('chain.bias', 'fixed');
  ui.showChainRandom(true);
  updateChain();
}

function setRandomChain(seed) {
  const json = safe('where.randomChain', () => book_random_chain(state['chain.layers'], seed));
  if (json === undefined) return;
  const { w, b } = JSON.parse(json);
  randomChain = { w, b, seed };
  set('chain.seed', seed); // in the link, so it reproduces the same chain
}

function presetExplode() {
  randomChain = null;
  set('chain.seed', -1);
  set('chain.bias', 'zero');
  set('chain.w', 100);
  ui.showChainRandom(false);
  updateChain();
}

// ---------------------------------------------------------------- 2. the network

// A chain-only embed starts no worker (nor loads the 1.6 MB of digits): a stand-in drops
// the messages, and as it never says 'ready', net.ready stays false and nothing is sent.
// `let`: a crashed worker is replaced by a new one (see "faults" below).
const wantWorker = !link.widget || WIDGETS[link.widget].worker;
// The single file (www/inline.js) starts a classic worker from its inlined bundle instead.
const newWorker = () => (inlined ? inlined.worker() : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));
const spawnWorker = () => (wantWorker ? newWorker() : { postMessage() {}, terminate() {} });
let worker = spawnWorker();
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
};
let bookNumbers = { depthAccuracy: [96.48, 96.9, 96.57, 96.53], initNorms: [[0.07, 0.31], [0.012, 0.06, 0.283], [0.003, 0.017, 0.07, 0.285]] };

/** null (JSON for ∞/NaN) → Infinity, so typed arrays and charts see a non-finite value. */
const { orInf } = tables;
const normsOf = (snap) => snap.probe.layers.map((l) => orInf(l.norm));

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
  worker.postMessage({ type: 'reset', id: net.resetSent, settings: networkSettings(state) });
}

// A network file (network2's JSON) replaces the panel's network like a reset whose network
// comes from the file: same request ids, so snapshots of the old network stop counting
// only once the new one is in. On any error the old network, its history and charts stay.

async function loadNetwork(file) {
  if (!net.ready || !file) return;
  // Refused by its size before a byte is read (a 100 MB file would stall the tab).
  const limit = safe('where.fileLimit', () => max_network_bytes()) ?? 8 << 20;
  if (file.size > limit) {
    loadMessage(() => t('load.tooBig', { name: file.name, mb: (file.size / 2 ** 20).toFixed(1), limit: limit / 2 ** 20 }), true);
    return;
  }
  let json;
  try {
    json = await file.text();
  } catch (e) {
    loadMessage(() => t('load.unreadable', { name: file.name, message: describe(e) }), true);
    return;
  }
  // The worker may have crashed while the file was read: this one cannot take it yet.
  if (!net.ready) {
    loadMessage(() => t('load.notReady', { name: file.name }), true);
    return;
  }
  net.resetSent += 1;
  net.loadPending = { id: net.resetSent, name: file.name, superseded: net.resetSent - 1 !== net.resetAcked };
  loadMessage(() => t('load.loading', { name: file.name }));
  worker.postMessage({ type: 'load', id: net.resetSent, json });
}

/** The worker took the file: the panel's controls show the loaded architecture. */
function onLoaded(sizes) {
  const name = net.loadPending?.name ?? t('load.theFile');
  net.loadPending = null;
  net.loaded = { sizes, name };
  net.running = false;
  ui.running(false);
  const hidden = sizes.slice(1, -1);
  set('net.hidden', hidden.length);
  if (hidden.every((w) => w === hidden[0]) && WIDTHS.includes(hidden[0])) set('net.width', hidden[0]);
  ui.loadedArchitecture(hidden);
  loadMessage(() => t('load.done', { name, sizes: sizes.join(', ') }));
}

function onLoadError(msg) {
  if (msg.id !== net.resetSent) return;
  const p = net.loadPending;
  net.loadPending = null;
  net.resetAcked = msg.id;
  loadMessage(() => t('load.refused', { name: p?.name ?? '?', message: workerError(msg) }), true);
  if (msg.fatal) report('where.loading', () => workerError(msg));
  // A reset superseded by the load (or asked for meanwhile) is due now.
  if (p?.superseded || net.resetWanted) requestReset();
}

function downloadNetwork() {
  if (!net.ready) return;
  worker.postMessage({ type: 'network', id: (net.networkRequests = (net.networkRequests ?? 0) + 1) });
}

function onNetwork(msg) {
  const epoch = msg.epoch ?? hooks.snapshot?.epoch ?? 0;
  const sizes = msg.sizes ?? net.loaded?.sizes ?? [784, ...Array(state['net.hidden']).fill(state['net.width']), 10];
  saveFile(new Blob([msg.json], { type: 'application/json' }), `network-${sizes.join('-')}-epoch-${epoch}.json`);
}

/** The book's ‖δ^l‖ when the panel holds the book's network at initialisation. */
function bookNormsFor(epochs) {
  const s = networkSettings(state);
  const isBook = !net.loaded && epochs === 0 && s.width === 30 && s.init === 'scaled' && Math.abs(s.gain - 1) < 1e-9 && s.hidden >= 2 && s.hidden <= 4;
  return isBook ? bookNumbers.initNorms[s.hidden - 2] : [];
}

const EMPTY_PROBE = { count: 0, layers: [] };
chart('net-bars', 'bars', () => [JSON.stringify(hooks.snapshot?.probe ?? EMPTY_PROBE)]);
chart('net-normchart', 'norms', () => {
  const s = hooks.snapshot;
  return [Float64Array.from(s ? normsOf(s) : []), Float64Array.from(s ? bookNormsFor(s.epoch) : [])];
});
chart('net-speed', 'speed', () => [JSON.stringify(net.history)]);
chart('net-training', 'training', () => [Float64Array.from(net.accuracy), Float64Array.from(net.cost)]);
const NET_CHARTS = ['net-bars', 'net-normchart', 'net-speed', 'net-training'];

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
    if (msg.loaded) onLoaded(msg.loaded);
    net.history = [];
    net.accuracy = [];
    net.cost = [];
    hooks.snapshots = [];
    net.progress = null;
    net.lastStop = null;
    notice('net-notice', () => '');
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
    announceNetwork();
  }
  // A fresh network (the gain slider, Reset) shows at once; epochs as a stream.
  if (msg.initial || msg.diverged || !net.running) invalidate(...NET_CHARTS);
  else invalidateLive(...NET_CHARTS);
}

function showStatus() {
  const p = net.progress;
  const target = state['net.epochs'];
  const arch = net.loaded ? t('status.loadedArch', { sizes: net.loaded.sizes.join(', ') }) : `[784, ${Array(state['net.hidden']).fill(state['net.width']).join(', ')}, 10]`;
  const acc = net.accuracy.length ? t('status.accuracy', { acc: percent(net.accuracy[net.accuracy.length - 1], 1) }) : '';
  const epochs = p ? p.epochs : 0;
  ui.progress(p && p.n ? (p.epochs + p.position / p.n) / target : 0);
  said.delete('status'); // the status is this function's again (applyLanguage calls it)
  if (net.lastStop?.reason === 'diverged') {
    ui.status(t('status.diverged'), 'failed');
  } else if (net.running && p) {
    ui.status(t('status.running', { epoch: Math.min(target, epochs + 1), target, position: int(p.position), n: int(p.n) }) + (p.rate ? t('status.rate', { rate: int(p.rate) }) : '') + acc);
  } else if (epochs === 0) {
    ui.status(t('status.ready', { arch, n: net.sizes ? int(net.sizes[0]) : int(8000) }));
  } else if (epochs >= target) {
    ui.status(tn('status.done', epochs, { acc }), 'done');
  } else {
    ui.status(t('status.paused', { n: epochs, target, acc }));
  }
  hooks.status = net.running ? 'running' : 'idle';
}

/** The key result in words, for screen readers (a polite live region): at a new network and when training stops. */
function announceNetwork() {
  const s = hooks.snapshot;
  if (!s) return;
  const sentence = tables.speedSentence(normsOf(s));
  const acc = s.epoch > 0 && net.accuracy.length ? t('announce.accuracy', { epoch: s.epoch, acc: percent(net.accuracy[net.accuracy.length - 1], 1) }) : '';
  ui.announce(`${sentence ? t('announce.speed', { s: `${sentence[0].toUpperCase()}${sentence.slice(1)}` }) : ''}${acc}`);
}

/**
 * The core's "training diverged in epoch N: what (the gradients exploded; …)" (TrainError
 * in src/train.rs) as the page's sentence in its language; `what` stays the core's words.
 * Any other message is shown as it is, capitalised.
 */
function divergedSentence(message) {
  const m = /^training diverged in epoch (\d+): (.*) \(the gradients exploded; try a smaller gain or η\)$/s.exec(message);
  if (m) return t('notice.divergedIn', { epoch: m[1], what: m[2] });
  return message.replace(/^training/, 'Training').replace(/[^.]$/, '$&.');
}

function onStopped(msg) {
  net.running = false;
  flushLive(); // the last epoch's charts now, not a tick later
  net.lastStop = msg;
  ui.running(false);
  if (msg.reason === 'diverged') {
    notice('net-notice', () => t('notice.diverged', { message: divergedSentence(msg.message) }));
  }
  showStatus();
  announceNetwork();
}

function startPause() {
  if (!net.ready) return;
  if (net.running) {
    worker.postMessage({ type: 'pause' });
    return;
  }
  // After a divergence, or when every epoch asked for is done, Start begins a fresh network.
  const finished = net.progress && net.progress.epochs >= state['net.epochs'];
  if (net.lastStop?.reason === 'diverged' || finished) requestReset();
  net.running = true;
  ui.running(true);
  worker.postMessage({ type: 'start', epochs: state['net.epochs'] });
  showStatus();
}

function step() {
  if (!net.ready || net.running) return;
  if (net.lastStop?.reason === 'diverged') requestReset();
  net.running = true;
  ui.running(true);
  worker.postMessage({ type: 'step' });
}

// ---------------------------------------------------------------- 3. the chapter

const book = { id: 0, running: null, results: {} };

chart('book-bars', 'bars', () => book.results.bars && [JSON.stringify(book.results.bars)], () => [JSON.stringify(EMPTY_PROBE)]);
chart('book-norms', 'norms', () => {
  // The deepest network measured: 4 hidden layers once the run is done.
  const row = book.results.norms?.find((r) => r.hidden === 4) ?? book.results.norms?.at(-1);
  return row && [Float64Array.from(row.mean.map(orInf)), Float64Array.from(bookNumbers.initNorms[row.hidden - 2])];
}, () => [new Float64Array(), new Float64Array()]);
chart('book-speed', 'speed', () => book.results.speed && [JSON.stringify(book.results.speed)], () => ['[]']);
chart('book-depth', 'depth', () => book.results.depth && [JSON.stringify(book.results.depth.map((r) => [r.hidden, r.mean, r.std]))], () => ['[]']);

function bookRun(kind) {
  if (!net.ready) return;
  if (book.running === kind) {
    // The long runs' button reads "Cancel" while they run (ui.bookRunning); the bars and
    // the norms take a moment and keep their label, so a second click is not a cancel.
    if (kind === 'speed' || kind === 'depth') worker.postMessage({ type: 'book-cancel', id: book.id });
    return;
  }
  const seed = state['book.seed'];
  const params = {
    bars: { seed },
    norms: { seed, seeds: state['book.normSeeds'] },
    speed: { seed, hidden: state['book.speedHidden'], epochs: state['book.speedEpochs'] },
    depth: { seed, epochs: state['book.depthEpochs'], runs: state['book.depthRuns'] },
  }[kind];
  book.id += 1;
  book.running = kind;
  book.params = params;
  ui.bookRunning(kind, true);
  bookStatus(kind, () => (kind === 'bars' ? t('book.computing') : t('book.starting')));
  worker.postMessage({ type: 'book', id: book.id, kind, params });
}

function onBook(msg) {
  const { kind, event } = msg;
  const current = msg.id === book.id;
  if (event === 'cancelled') {
    ui.bookRunning(kind, false);
    bookStatus(kind, () => t('book.cancelled'));
    if (current) book.running = null;
    return;
  }
  if (!current) return;
  if (event === 'error') {
    book.running = null;
    ui.bookRunning(kind, false);
    bookStatus(kind, () => t('book.failed', { message: workerError(msg) }), true);
    if (msg.fatal) report('where.book', () => workerError(msg), () => ({ kind: t(`book.kind.${kind}`) }));
    return;
  }
  const finished = event === 'done';
  if (finished) {
    book.running = null;
    ui.bookRunning(kind, false);
  }
  // The parameters of this run, for its status said again after a language switch (another run replaces book.params).
  const p = book.params;
  switch (kind) {
    case 'bars':
      book.results.bars = msg.probe;
      bookStatus(kind, () => t('book.bars.done', { seed: p.seed, n1: fmtNorm(msg.probe.layers[0].norm), n2: fmtNorm(msg.probe.layers[1].norm) }));
      break;
    case 'norms':
      book.results.norms = msg.rows;
      ui.normsTable(msg.rows, bookNumbers.initNorms);
      bookStatus(kind, () => (finished ? tn('book.norms.done', p.seeds, { seeds: seeds(p.seed, p.seeds) }) : t('book.norms.progress', { done: msg.done })));
      break;
    case 'speed':
      book.results.speed = msg.history;
      bookStatus(kind, () => (finished ? t('book.speed.done', { epochs: msg.total, hidden: p.hidden }) : t('book.speed.progress', { done: msg.done, total: msg.total })));
      break;
    case 'depth': {
      book.results.depth = msg.rows;
      ui.depthTable(msg.rows, bookNumbers.depthAccuracy, finished ? null : msg, p.epochs);
      bookStatus(kind, () => (finished ? t('book.depth.done', { epochs: p.epochs, runs: p.runs, seeds: seeds(p.seed, p.runs) }) : t('book.depth.progress', { pct: Math.round((100 * msg.done) / msg.total) })));
      break;
    }
  }
  hooks.book[kind] = { ...msg, finished };
  const id = `book-${kind}`;
  if (kind !== 'depth' || book.results.depth.length || finished) ui.showFigure(id);
  if (kind === 'norms' && !book.results.norms.length) return;
  if (finished) {
    live.ids.delete(id);
    invalidate(id);
  } else invalidateLive(id);
}

const seeds = (first, n) => tn('seeds', n, { first, last: first + n - 1 });
const fmtNorm = (v) => (v === null ? '∞' : v.toPrecision(2));

// ---------------------------------------------------------------- downloads and text alternatives

/** Each chart's numbers (chartdata.js), and its SVG (`chart`, above: the same data). */
const withSvg = (sources) => Object.fromEntries(Object.entries(sources).map(([id, src]) => [id, { ...src, svg: svgCharts[id] }]));
chartTools = createChartTools(
  withSvg({
    'chain-canvas': {
      numbers: false, // the chain has its own table, "Every neuron's numbers"
      table: () => tables.chainTable(hooks.chainReport, Array.from(chainInputs().w)),
    },
    'net-bars': {
      table: () => tables.barsTable(hooks.snapshot?.probe),
    },
    'net-normchart': {
      table: () => tables.normsTable(hooks.snapshot ? normsOf(hooks.snapshot) : [], hooks.snapshot ? bookNormsFor(hooks.snapshot.epoch) : []),
    },
    'net-speed': {
      table: () => tables.speedTable(net.history),
    },
    'net-training': {
      table: () => tables.trainingTable(net.accuracy, net.cost),
    },
    'book-bars': {
      table: () => tables.barsTable(book.results.bars, t('cd.bookBars.title')),
    },
    'book-norms': {
      table: () => tables.bookNormsTable(book.results.norms ?? [], bookNumbers.initNorms),
    },
    'book-speed': {
      table: () => tables.speedTable(book.results.speed ?? [], t('cd.bookSpeed.title')),
    },
    'book-depth': {
      table: () => tables.depthTable(book.results.depth ?? [], bookNumbers.depthAccuracy),
    },
  }),
  (where, e, vars) => report(where, e, vars),
);

// ---------------------------------------------------------------- settings

/** Set one setting (clamped) and reflect it in its control. */
function set(key, value) {
  state[key] = clamp(key, value, state[key]);
  ui.reflect(key);
  share.changed();
  return state[key];
}

function onSetting(key, value, opts = {}) {
  if (key === 'chain.w' && opts.fromSlider) value = round3(value);
  const before = state[key];
  set(key, value);
  if (key === 'lang') {
    applyLanguage();
    return;
  }
  if (key === 'theme') {
    applyTheme();
    return;
  }
  const used = state[key];
  say(`limit-${key}`, () => limitText(key, value, used), (s) => ui.limitNote(key, s));
  if (key.startsWith('chain.')) {
    if (randomChain) {
      if (key === 'chain.layers') setRandomChain(randomChain.seed);
      else if (key === 'chain.w' || key === 'chain.b') {
        randomChain = null;
        set('chain.seed', -1);
        ui.showChainRandom(false);
      }
    }
    updateChain();
    return;
  }
  if (state[key] === before) return;
  if (ARCHITECTURE.includes(key)) {
    requestReset();
  } else if (key === 'net.eta' || key === 'net.lambda' || key === 'net.miniBatch') {
    if (net.ready) worker.postMessage({ type: 'retune', eta: state['net.eta'], lambda: state['net.lambda'], miniBatch: state['net.miniBatch'] });
  } else if (key === 'net.epochs') {
    if (net.ready) worker.postMessage({ type: 'epochs', epochs: state['net.epochs'] });
    showStatus();
  }
}

/**
 * The page in the language just chosen (state.lang; '' = the browser's): the static text
 * and the controls (ui.js), then everything composed here — the chain's sentence, the
 * status, the chips, the chapter's tables — and every chart, whose labels come from the
 * language file through the wasm core.
 */
function applyLanguage() {
  setLanguage(pickLanguage(state.lang));
  ui.applyLanguage();
  // ui.applyLanguage re-reflects every setting: put back what the settings do not hold —
  // the random chain's "random" readout and a loaded network's widths.
  ui.showChainRandom(!!randomChain);
  ui.loadedArchitecture(net.loaded ? net.loaded.sizes.slice(1, -1) : null);
  updateChain();
  if (net.ready) showStatus();
  if (hooks.snapshot) ui.norms(normsOf(hooks.snapshot));
  if (book.results.norms?.length) ui.normsTable(book.results.norms, bookNumbers.initNorms);
  if (book.results.depth?.length && book.params?.epochs) ui.depthTable(book.results.depth, bookNumbers.depthAccuracy, null, book.params.epochs);
  // What stays on screen until replaced — the chapter's statuses, limit notes, notices, the
  // outcome of loading a file, a failed status, the link's notice, the copy buttons' "Copied."
  // and the banner (left closed if it was) — said again in the new language.
  for (const [slot, { compose, show }] of said) if (slot !== 'status' || !net.ready) show(compose());
  share.applyLanguage();
  if (shownError) ui.banner(errorText(shownError), false);
  if (hooks.snapshot) announceNetwork();
  invalidate(...Object.keys(charts));
}

// ---------------------------------------------------------------- theme

/** The system's colour scheme, followed while the `theme` setting is '' (the default). */
const systemDark = window.matchMedia?.('(prefers-color-scheme: dark)');
const themeName = () => state.theme || (systemDark?.matches ? 'dark' : 'light');

/**
 * The page in the theme the setting (or the system) asks for: its colours (style.css, on
 * <html>, which www/embed-boot.js set before the first paint), then every chart redrawn
 * by the core in that theme, as a language switch redraws them (the PNG and SVG downloads
 * follow: the PNG is the canvas, the SVG is drawn in the same theme).
 */
function applyTheme() {
  const name = themeName();
  ui.theme(name);
  if (hooks.wasmReady) set_theme(name === 'dark');
  invalidate(...Object.keys(charts));
}
// A system switching to dark (or back) while the page is open, when it follows the system.
systemDark?.addEventListener?.('change', () => {
  if (!state.theme) applyTheme();
});
ui.theme(themeName());

/**
 * A hash typed into the address bar (or a link followed within the page): apply it as if
 * the page had been opened at it. A plain section anchor (#network) changes nothing.
 */
function applyLink() {
  const next = readLink(location.search, location.hash);
  if (next.anchor) {
    share.changed(); // put the settings back in the address
    return;
  }
  say('url-notice', () => describeLink(next.ignored, next.clamped), share.notice);
  const before = { ...state };
  for (const key of Object.keys(state)) {
    state[key] = next.state[key];
    ui.reflect(key);
  }
  randomChain = null;
  if (state['chain.seed'] >= 0) setRandomChain(state['chain.seed']);
  ui.showChainRandom(!!randomChain);
  updateChain();
  const changed = (keys) => keys.some((k) => before[k] !== state[k]);
  if (changed(['lang'])) applyLanguage();
  if (changed(['theme'])) applyTheme();
  if (changed(ARCHITECTURE)) requestReset();
  if (net.ready && changed(['net.eta', 'net.lambda', 'net.miniBatch'])) worker.postMessage({ type: 'retune', eta: state['net.eta'], lambda: state['net.lambda'], miniBatch: state['net.miniBatch'] });
  if (net.ready && changed(['net.epochs'])) worker.postMessage({ type: 'epochs', epochs: state['net.epochs'] });
  if (net.ready) showStatus();
}
window.addEventListener('hashchange', applyLink);

ui.bind({
  setting: onSetting,
  presetRandom,
  presetExplode,
  startPause,
  step,
  reset: () => requestReset(),
  loadNetwork,
  downloadNetwork,
  bookRun,
  resize: (ids) => invalidate(...ids),
});

// ---------------------------------------------------------------- the worker's messages

/** Tests feed synthetic worker messages (e.g. an exploded network's snapshot) through this. */
hooks.receive = (msg) => receive(msg);

function receive(msg) {
  // A panic in the worker's wasm (fatal) leaves its instance unusable: report it as usual
  // (below), then replace the worker.
  if (msg.fatal && (msg.type === 'error' || msg.type === 'book' || msg.type === 'load-error')) queueMicrotask(() => recover(() => workerError(msg)));
  switch (msg.type) {
    case 'ready':
      net.ready = true;
      net.workerReady = true;
      net.sizes = msg.sizes;
      ui.networkEnabled(true);
      ui.bookEnabled(true);
      if (net.recovering) restoreAfterCrash();
      else requestReset();
      break;
    case 'checkpoint':
      if (net.resetSent === net.resetAcked) net.checkpoint = { json: msg.json, epochs: msg.epochs };
      break;
    case 'pong':
      beat.pong(msg.seq);
      break;
    case 'memory':
      memoryAnswers.get(msg.seq)?.(msg.bytes);
      memoryAnswers.delete(msg.seq);
      break;
    case 'snapshot':
      onSnapshot(msg);
      break;
    case 'progress':
      if (net.resetSent !== net.resetAcked) break;
      net.progress = msg;
      showStatus();
      break;
    case 'started':
      break;
    case 'stopped':
      if (net.resetSent !== net.resetAcked && msg.reason !== 'diverged') break;
      onStopped(msg);
      break;
    case 'book':
      onBook(msg);
      break;
    case 'load-error':
      onLoadError(msg);
      break;
    case 'network':
      onNetwork(msg);
      break;
    case 'data-error': {
      net.failed = true;
      failedStatus('status.nodata');
      const why = () => dataErrorText(msg);
      notice('net-notice', () => t('notice.nodata', { message: `${why()[0].toUpperCase()}${why().slice(1)}` }));
      notice('book-notice', () => t('notice.bookNodata', { message: why() }));
      hooks.status = 'data-error';
      break;
    }
    case 'fatal':
      net.failed = true;
      failedStatus('status.noworker');
      report('where.worker', () => t('error.workerInit', { message: msg.message }));
      break;
    case 'error':
      // A reset or restore the worker could not do (without a panic): the network it had
      // stays, and its snapshots count again — else the page would wait for this one's
      // answer forever. After a panic the worker is replaced instead (recover, above).
      if (!msg.fatal && (msg.request === 'reset' || msg.request === 'restore') && msg.id === net.resetSent) {
        net.resetAcked = msg.id;
        net.recovering = null;
        net.resetWanted = false;
      }
      report(msg.scope === 'settings' ? 'where.settings' : 'where.network', () => workerError(msg));
      break;
    default:
      break;
  }
}
/**
 * The worker's data error in words: it posts a code and its parameters (worker.js
 * `dataError`), the parameters being numbers, a path and the browser's or core's words.
 */
function dataErrorText({ code, params = {} }) {
  if (!hasString(`data.${code}`)) return String(params.message ?? code);
  return t(`data.${code}`, { ...params, list: (params.list ?? []).join(t('data.sep')) });
}
/** The worker's handlers; a new worker after a crash gets them too. */
function wire(w) {
  w.onmessage = ({ data: msg }) => {
    if (w === worker) receive(msg); // not the last words of a replaced worker
  };
  w.onerror = (e) => {
    e.preventDefault?.();
    // The browser's message as it is; the page's own sentence in its language.
    const why = () => e.message || t('error.notStarted');
    // A worker that had booted is restarted; one that never did would fail again.
    if (net.workerReady) {
      report('where.workerStopped', why);
      recover(why);
      return;
    }
    net.failed = true;
    net.running = false;
    ui.running(false);
    report('where.workerStopped', why);
  };
  w.onmessageerror = () => report('where.trainingWorker', () => t('error.unreadableMessage'));
}
wire(worker);

// ---------------------------------------------------------------- faults

// A panic in the worker's wasm, an error event of a booted worker, or a worker that stops
// answering the heartbeat: the worker is replaced and the panel returns to its last good
// state without a reload: the settings (they live here), and the network as it was at the
// last checkpoint the worker posted (worker.js CHECKPOINT_MS), counted from that epoch, with
// the charts' history up to it. Without a checkpoint, a fresh network from the settings.
const allowRestart = restartBudget();
const beat = heartbeat({
  post: (m) => worker.postMessage(m),
  alive: () => wantWorker && net.ready && !net.recovering,
  dead: () => {
    const why = () => t('error.noAnswer');
    report('where.trainingWorker', why);
    recover(why);
  },
});
hooks.restarts = 0;
/** Tests: a real panic in the worker's core, and a worker killed without a word. */
hooks.debugPanic = () => worker.postMessage({ type: 'debug-panic' });
hooks.killWorker = () => worker.terminate();
hooks.failNextReset = () => worker.postMessage({ type: 'debug-fail-reset' });
/** Tests (soak): bytes of wasm memory on the main thread and in the worker. */
const memoryAnswers = new Map();
let memorySeq = 0;
hooks.wasmMemory = async () => {
  const seq = ++memorySeq;
  const inWorker = new Promise((resolve) => memoryAnswers.set(seq, resolve));
  worker.postMessage({ type: 'memory', seq });
  return { main: (await init()).memory.buffer.byteLength, worker: await inWorker };
};

/** `reason`: a function saying why, in the page's language (for the notice after the restart). */
function recover(reason) {
  if (!wantWorker || net.recovering || net.failed) return;
  worker.terminate();
  beat.reset();
  net.ready = false;
  net.workerReady = false;
  net.running = false;
  ui.running(false);
  ui.networkEnabled(false);
  ui.bookEnabled(false);
  if (book.running) {
    ui.bookRunning(book.running, false);
    bookStatus(book.running, () => t('book.interrupted'), true);
    book.running = null;
  }
  if (!allowRestart()) {
    net.failed = true;
    failedStatus('status.crashedAgain');
    hooks.status = 'crashed';
    return;
  }
  hooks.restarts += 1;
  // What to bring back. A reset the worker had not answered asked for a fresh network, so
  // the last checkpoint (of the network before it) no longer applies. A file it had not
  // loaded is dropped — reading it may be what crashed the worker — and the network from
  // before stays, unless a reset was already waiting behind the file.
  let checkpoint = net.checkpoint;
  let asked = false;
  if (net.resetSent !== net.resetAcked) {
    const file = net.loadPending;
    net.loadPending = null;
    if (file) loadMessage(() => t('load.crashed', { name: file.name }), true);
    if (!file || file.superseded) asked = true;
  }
  if (net.resetWanted) asked = true;
  if (asked) checkpoint = null;
  net.resetWanted = false;
  net.recovering = { reason, checkpoint, asked };
  hooks.status = 'restarting';
  failedStatus('status.restarting');
  worker = spawnWorker();
  wire(worker);
}

function restoreAfterCrash() {
  // A setting changed during the restart also asks for a fresh network (requestReset).
  if (net.resetWanted) net.recovering.asked = true;
  const checkpoint = net.recovering.asked ? null : net.recovering.checkpoint;
  net.resetWanted = false;
  net.resetSent += 1;
  worker.postMessage({ type: 'restore', id: net.resetSent, settings: networkSettings(state), json: checkpoint?.json ?? null, epochs: checkpoint?.epochs ?? 0 });
}

/** The restored network's first snapshot: the charts keep their history up to its epoch. */
function onRestored(msg) {
  const { reason, asked } = net.recovering ?? {};
  net.recovering = null;
  net.resetAcked = msg.id;
  const n = msg.restored;
  net.history = net.history.slice(0, n);
  net.accuracy = net.accuracy.slice(0, n);
  net.cost = net.cost.slice(0, n);
  hooks.snapshots = hooks.snapshots.slice(0, n);
  if (n === 0) {
    net.checkpoint = null;
    if (net.loaded) {
      net.loaded = null; // no checkpoint of the loaded network: the settings' network replaces it
      ui.loadedArchitecture(null);
    }
  }
  net.progress = null;
  net.lastStop = null;
  hooks.snapshot = msg.snap;
  hooks.snapshots.push(msg.snap);
  net.history.push(normsOf(msg.snap));
  ui.norms(normsOf(msg.snap));
  notice('net-notice', () => restartNotice(reason?.(), n, asked));
  showStatus();
  invalidate(...NET_CHARTS);
  if (net.resetWanted) requestReset();
}

// ---------------------------------------------------------------- start

async function start() {
  try {
    await init(inlined ? { module_or_path: await inlined.wasm() } : undefined); // the single file's own copy
  } catch (e) {
    report('where.wasm', e);
    hooks.status = 'wasm-error';
    return;
  }
  const numbers = safe('where.bookNumbers', () => book_numbers());
  if (numbers) bookNumbers = JSON.parse(numbers);
  hooks.wasmReady = true;
  set_theme(themeName() === 'dark'); // before the first chart
  // The link's "book's N(0,1) weights": the same seed gives the same chain.
  if (state['chain.seed'] >= 0) {
    setRandomChain(state['chain.seed']);
    ui.showChainRandom(!!randomChain);
  }
  updateChain();
  invalidate(...NET_CHARTS, ...Object.keys(book.results).map((k) => `book-${k}`));
}
// Elements made above (chart tools, embed rows) carry data-i18n keys: translate them too.
ui.applyLanguage();
hooks.ready = start();
// The single file has no service worker to register: it is all one file, already offline.
hooks.ready.then(() => (inlined ? null : registerOffline(hooks)));
