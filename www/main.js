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
} from './pkg/gradlab.js';
import { defaults, clamp, networkSettings, ARCHITECTURE } from './state.js';
import { createUI } from './ui.js';
import { int, percent, round3 } from './format.js';

const state = defaults();
const ui = createUI(state);

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

// ---------------------------------------------------------------- errors

function describe(e) {
  if (e instanceof WebAssembly.RuntimeError) return `internal error in the wasm core (${e.message}). Please reload the page.`;
  return e?.message ?? String(e);
}
function report(where, e) {
  const text = `${where}: ${describe(e)}`;
  hooks.errors.push(text);
  console.warn(text);
  ui.banner(text);
}
/** Run a wasm call; on an exception (a JsError or a panic's RuntimeError) show the banner. */
function safe(where, fn) {
  try {
    return fn();
  } catch (e) {
    report(where, e);
    return undefined;
  }
}
window.addEventListener('error', (e) => report('Unexpected error', e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => report('Unexpected error', e.reason));

// ---------------------------------------------------------------- chart redraws

/** Chart id → function drawing it on (canvas, dpr). */
const charts = {};
const dirty = new Set();
let frame = 0;
/** A frame's drawing budget in ms: beyond it the rest waits for the next frame. */
const FRAME_BUDGET = 20;

function invalidate(...ids) {
  for (const id of ids) if (charts[id]) dirty.add(id);
  // Before the main thread's wasm is up, charts only collect: start() draws them.
  if (!frame && dirty.size && hooks.wasmReady) frame = requestAnimationFrame(redraw);
}

function redraw() {
  frame = 0;
  const t0 = performance.now();
  for (const id of [...dirty]) {
    dirty.delete(id);
    draw(id);
    if (performance.now() - t0 > FRAME_BUDGET) break;
  }
  if (dirty.size) frame = requestAnimationFrame(redraw);
}

function draw(id) {
  const t = performance.now();
  const drawn = safe(`Drawing ${id}`, () => ui.paint(id, charts[id]));
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

charts['chain-canvas'] = (canvas, dpr) => {
  const c = chainInputs();
  const t0 = performance.now();
  const json = draw_chain(canvas, c.w, c.b, c.zeroZ, c.a0, dpr, '');
  hooks.chainTimings.push(performance.now() - t0);
  if (hooks.chainTimings.length > 500) hooks.chainTimings.shift();
  return json;
};

/** Redraw the chain now (synchronously, within the input event) and update its words. */
function updateChain() {
  const c = chainInputs();
  let json = safe('The chain', () => ui.paint('chain-canvas', charts['chain-canvas']))?.value;
  if (json === undefined) json = safe('The chain', () => chain_report(c.w, c.b, c.zeroZ, c.a0));
  if (json === undefined) return;
  const r = JSON.parse(json);
  hooks.chainReport = r;
  ui.showChain(r, { w: Array.from(c.w), random: !!randomChain, seed: randomChain?.seed });
}

function presetRandom() {
  const seed = safe('A random seed', () => random_seed()) ?? Math.floor(Math.random() * 2 ** 32);
  setRandomChain(seed);
  set('chain.bias', 'fixed');
  ui.showChainRandom(true);
  updateChain();
}

function setRandomChain(seed) {
  const json = safe('The random chain', () => book_random_chain(state['chain.layers'], seed));
  if (json === undefined) return;
  const { w, b } = JSON.parse(json);
  randomChain = { w, b, seed };
}

function presetExplode() {
  randomChain = null;
  set('chain.bias', 'zero');
  set('chain.w', 100);
  ui.showChainRandom(false);
  updateChain();
}

// ---------------------------------------------------------------- 2. the network

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
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
const orInf = (v) => (v === null || v === undefined ? Infinity : v);
const normsOf = (snap) => snap.probe.layers.map((l) => orInf(l.norm));

function requestReset() {
  if (!net.ready) return;
  if (net.resetSent !== net.resetAcked) {
    net.resetWanted = true; // one at a time: a dragged slider sends the latest when this one is back
    return;
  }
  net.resetWanted = false;
  net.resetSent += 1;
  net.running = false;
  ui.running(false);
  worker.postMessage({ type: 'reset', id: net.resetSent, settings: networkSettings(state) });
}

/** The book's ‖δ^l‖ when the panel holds the book's network at initialisation. */
function bookNormsFor(epochs) {
  const s = networkSettings(state);
  const isBook = epochs === 0 && s.width === 30 && s.init === 'scaled' && Math.abs(s.gain - 1) < 1e-9 && s.hidden >= 2 && s.hidden <= 4;
  return isBook ? bookNumbers.initNorms[s.hidden - 2] : [];
}

const EMPTY_PROBE = { count: 0, layers: [] };
charts['net-bars'] = (canvas, dpr) => draw_bars(canvas, JSON.stringify(hooks.snapshot?.probe ?? EMPTY_PROBE), dpr, '');
charts['net-normchart'] = (canvas, dpr) => {
  const s = hooks.snapshot;
  return draw_norms(canvas, Float64Array.from(s ? normsOf(s) : []), Float64Array.from(s ? bookNormsFor(s.epoch) : []), dpr, '');
};
charts['net-speed'] = (canvas, dpr) => draw_speed(canvas, JSON.stringify(net.history), dpr, '');
charts['net-training'] = (canvas, dpr) => draw_training(canvas, Float64Array.from(net.accuracy), Float64Array.from(net.cost), dpr, '');
const NET_CHARTS = ['net-bars', 'net-normchart', 'net-speed', 'net-training'];

function onSnapshot(msg) {
  const snap = msg.snap;
  if (msg.initial) {
    if (msg.id !== net.resetSent) return; // an older reset, superseded
    net.resetAcked = msg.id;
    net.history = [];
    net.accuracy = [];
    net.cost = [];
    hooks.snapshots = [];
    net.progress = null;
    net.lastStop = null;
    ui.notice('net-notice', '');
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
  if (msg.initial) showStatus();
  invalidate(...NET_CHARTS);
}

function showStatus() {
  const p = net.progress;
  const target = state['net.epochs'];
  const arch = `[784, ${Array(state['net.hidden']).fill(state['net.width']).join(', ')}, 10]`;
  const acc = net.accuracy.length ? ` · validation accuracy ${percent(net.accuracy[net.accuracy.length - 1], 1)}` : '';
  const epochs = p ? p.epochs : 0;
  ui.progress(p && p.n ? (p.epochs + p.position / p.n) / target : 0);
  if (net.lastStop?.reason === 'diverged') {
    ui.status('Stopped: the training diverged (see below).', 'failed');
  } else if (net.running && p) {
    ui.status(`Epoch ${Math.min(target, epochs + 1)} of ${target} · ${int(p.position)} of ${int(p.n)} images${p.rate ? ` · ${int(p.rate)} images/s` : ''}${acc}`);
  } else if (epochs === 0) {
    ui.status(`Ready: ${arch}, ${net.sizes ? int(net.sizes[0]) : '8,000'} training images. Press Start.`);
  } else if (epochs >= target) {
    ui.status(`Done: ${epochs} epoch${epochs > 1 ? 's' : ''}${acc}.`, 'done');
  } else {
    ui.status(`Paused after epoch ${epochs} of ${target}${acc}.`);
  }
  hooks.status = net.running ? 'running' : 'idle';
}

function onStopped(msg) {
  net.running = false;
  net.lastStop = msg;
  ui.running(false);
  if (msg.reason === 'diverged') {
    ui.notice('net-notice', `${msg.message.replace(/^training/, 'Training').replace(/[^.]$/, '$&.')} The charts show the last gradients measured; press Reset (or lower the gain or η) to start again.`);
  }
  showStatus();
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

charts['book-bars'] = (canvas, dpr) => book.results.bars && draw_bars(canvas, JSON.stringify(book.results.bars), dpr, '');
charts['book-norms'] = (canvas, dpr) => {
  const row = book.results.norms?.find((r) => r.hidden === 4) ?? book.results.norms?.at(-1);
  return row && draw_norms(canvas, Float64Array.from(row.mean.map(orInf)), Float64Array.from(bookNumbers.initNorms[row.hidden - 2]), dpr, '');
};
charts['book-speed'] = (canvas, dpr) => book.results.speed && draw_speed(canvas, JSON.stringify(book.results.speed), dpr, '');
charts['book-depth'] = (canvas, dpr) =>
  book.results.depth && draw_depth(canvas, JSON.stringify(book.results.depth.map((r) => [r.hidden, r.mean, r.std])), dpr, '');

function bookRun(kind) {
  if (!net.ready) return;
  if (book.running === kind) {
    worker.postMessage({ type: 'book-cancel', id: book.id });
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
  ui.bookStatus(kind, kind === 'bars' ? 'Computing…' : 'Starting…');
  worker.postMessage({ type: 'book', id: book.id, kind, params });
}

function onBook(msg) {
  const { kind, event } = msg;
  const current = msg.id === book.id;
  if (event === 'cancelled') {
    ui.bookRunning(kind, false);
    ui.bookStatus(kind, 'Cancelled.');
    if (current) book.running = null;
    return;
  }
  if (!current) return;
  if (event === 'error') {
    book.running = null;
    ui.bookRunning(kind, false);
    ui.bookStatus(kind, `Failed: ${msg.message}`, true);
    if (msg.fatal) report(`The chapter's experiment (${kind})`, new Error(msg.message));
    return;
  }
  const finished = event === 'done';
  if (finished) {
    book.running = null;
    ui.bookRunning(kind, false);
  }
  switch (kind) {
    case 'bars':
      book.results.bars = msg.probe;
      ui.bookStatus(kind, `Seed ${book.params.seed}: ‖δ¹‖ = ${fmtNorm(msg.probe.layers[0].norm)}, ‖δ²‖ = ${fmtNorm(msg.probe.layers[1].norm)} (book: 0.07, 0.31).`);
      break;
    case 'norms':
      book.results.norms = msg.rows;
      ui.normsTable(msg.rows, bookNumbers.initNorms);
      ui.bookStatus(kind, finished ? `Mean over ${book.params.seeds} network${book.params.seeds > 1 ? 's' : ''} per depth (${seeds(book.params.seed, book.params.seeds)}).` : `Measuring… ${msg.done} of 3 depths`);
      break;
    case 'speed':
      book.results.speed = msg.history;
      ui.bookStatus(kind, finished ? `${msg.total} epochs, ${book.params.hidden} hidden layers.` : `Epoch ${msg.done} of ${msg.total}…`);
      break;
    case 'depth': {
      book.results.depth = msg.rows;
      const p = book.params;
      ui.depthTable(msg.rows, bookNumbers.depthAccuracy, finished ? null : msg, p.epochs);
      ui.bookStatus(kind, finished ? `${p.epochs} epoch${p.epochs > 1 ? 's' : ''}, ${p.runs} run${p.runs > 1 ? 's' : ''} per depth (${seeds(p.seed, p.runs)}), accuracy on 1,000 validation images.` : `Training… ${Math.round((100 * msg.done) / msg.total)} %`);
      break;
    }
  }
  hooks.book[kind] = { ...msg, finished };
  const id = `book-${kind}`;
  if (kind !== 'depth' || book.results.depth.length || finished) ui.showFigure(id);
  if (kind === 'norms' && !book.results.norms.length) return;
  invalidate(id);
}

const seeds = (first, n) => (n > 1 ? `seeds ${first}–${first + n - 1}` : `seed ${first}`);
const fmtNorm = (v) => (v === null ? '∞' : v.toPrecision(2));

// ---------------------------------------------------------------- settings

/** Set one setting (clamped) and reflect it in its control. */
function set(key, value) {
  state[key] = clamp(key, value, state[key]);
  ui.reflect(key);
  return state[key];
}

function onSetting(key, value, opts = {}) {
  if (key === 'chain.w' && opts.fromSlider) value = round3(value);
  const before = state[key];
  set(key, value);
  if (key.startsWith('chain.')) {
    if (randomChain) {
      if (key === 'chain.layers') setRandomChain(randomChain.seed);
      else if (key === 'chain.w' || key === 'chain.b') {
        randomChain = null;
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

ui.bind({
  setting: onSetting,
  presetRandom,
  presetExplode,
  startPause,
  step,
  reset: () => requestReset(),
  bookRun,
  resize: (ids) => invalidate(...ids),
});

// ---------------------------------------------------------------- the worker's messages

worker.onmessage = ({ data: msg }) => receive(msg);
/** Tests feed synthetic worker messages (e.g. an exploded network's snapshot) through this. */
hooks.receive = (msg) => receive(msg);

function receive(msg) {
  switch (msg.type) {
    case 'ready':
      net.ready = true;
      net.sizes = msg.sizes;
      ui.networkEnabled(true);
      ui.bookEnabled(true);
      requestReset();
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
    case 'data-error':
      net.failed = true;
      ui.status('The MNIST digits could not be loaded: the network cannot train.', 'failed');
      ui.notice('net-notice', `${msg.message[0].toUpperCase()}${msg.message.slice(1)}. The chain above still works: it needs no data.`);
      ui.notice('book-notice', `The chapter's experiments need the MNIST digits, which could not be loaded (${msg.message}).`);
      hooks.status = 'data-error';
      break;
    case 'fatal':
      net.failed = true;
      ui.status('The training engine could not start.', 'failed');
      report('The worker', new Error(msg.message));
      break;
    case 'error':
      report(msg.scope === 'settings' ? 'Settings' : 'The network', new Error(msg.message));
      break;
    default:
      break;
  }
}
worker.onerror = (e) => {
  e.preventDefault?.();
  net.failed = true;
  net.running = false;
  ui.running(false);
  report('The training worker stopped', new Error(e.message || 'it could not be started (is the page served over http?)'));
};
worker.onmessageerror = () => report('The training worker', new Error('a message could not be read'));

// ---------------------------------------------------------------- start

async function start() {
  try {
    await init();
  } catch (e) {
    report('The WebAssembly core failed to load', e);
    hooks.status = 'wasm-error';
    return;
  }
  const numbers = safe("The book's numbers", () => book_numbers());
  if (numbers) bookNumbers = JSON.parse(numbers);
  hooks.wasmReady = true;
  updateChain();
  invalidate(...NET_CHARTS, ...Object.keys(book.results).map((k) => `book-${k}`));
}
hooks.ready = start();
