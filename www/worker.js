// The lab's worker: all training happens here, so the page never blocks.
//
// It loads the wasm core and the six IDX files of the MNIST subset, and holds two
// independent `Lab`s that share nothing: `panel` for the network panel (section 2) and
// `book` for the chapter's experiments (section 3). Work runs in slices of ~12 ms,
// yielding to the event loop between them (through a MessageChannel, which is not
// clamped like setTimeout), so "pause", "step" and new settings get through at once.
//
// Protocol (main → worker): {type: 'reset', settings} · 'retune' · 'start' {epochs} ·
// 'pause' · 'step' · 'epochs' {epochs} · 'book' {id, kind, params} · 'book-cancel' ·
// 'load' {id, json} · 'network' {id}.
// Worker → main: 'ready' · 'data-error' {code, params} · 'fatal' · 'snapshot' · 'progress' · 'stopped' ·
// 'error' · 'book' {id, kind, event: 'progress' | 'done' | 'error' | 'cancelled', …} ·
// 'load-error' {id, message} · 'network' {id, json}.
// Fault recovery (main.js restarts a crashed worker): main → 'restore' {id, settings, json,
// epochs} · 'ping' · 'memory' · 'debug-panic' (tests only); worker → 'checkpoint' {json,
// epochs} after epochs (at most one a second) · 'pong' · 'memory' {bytes}.

import init, { Lab, debug_panic } from './pkg/gradlab.js';

/** The subset's files, in the order `new Lab(...)` takes them (`data::SUBSET_FILES`). */
const FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  'validation-images-idx3-ubyte.gz',
  'validation-labels-idx1-ubyte.gz',
  'test-images-idx3-ubyte.gz',
  'test-labels-idx1-ubyte.gz',
];
/** Milliseconds of work per slice, and the target length of one `lab.train(k)` call. */
const SLICE_MS = 12;
const CALL_MS = 6;
/**
 * The next call's size `k` after one took `dt` ms: twice as much below CALL_MS / 2, half
 * above 2 · CALL_MS, at most `max` — so each call takes about CALL_MS whatever the network.
 */
const adapt = (k, dt, max = 4096) => (dt < CALL_MS / 2 ? Math.min(max, k * 2) : dt > CALL_MS * 2 ? Math.max(1, Math.floor(k / 2)) : k);
/** Minimum milliseconds between two progress messages. */
const PROGRESS_MS = 100;
/**
 * Minimum milliseconds between two checkpoints (the network as network2 JSON, posted to
 * the page so it can restore it into a new worker after a crash). Serialising takes ~1 ms
 * for [784, 30, 10] and ~10 ms for the largest panel network (130,000 numbers): once a
 * second keeps that under 1 % of the training time.
 */
const CHECKPOINT_MS = 1000;

const now = () => performance.now();
const post = (msg) => postMessage(msg);

/** The message of anything thrown; a wasm panic arrives as a `RuntimeError`. */
function describe(e) {
  // main.js restarts the worker after a panic, so no "please reload" here.
  if (e instanceof WebAssembly.RuntimeError) return `internal error in the wasm core (${e.message})`;
  return e?.message ?? String(e);
}
const isPanic = (e) => e instanceof WebAssembly.RuntimeError;
/**
 * An error for the page: `message` in English (for logs), and for a panic the core's own
 * words apart (`panic`), so the page can say the sentence around them in its language.
 */
const failure = (e) => ({ message: describe(e), fatal: isPanic(e), ...(isPanic(e) ? { panic: e.message } : {}) });

// ---------------------------------------------------------------- scheduling

let scheduled = false;
const channel = new MessageChannel();
channel.port1.onmessage = () => {
  scheduled = false;
  try {
    if (panel.running) panelTick(SLICE_MS);
  } catch (e) {
    panelFailed(e);
  }
  try {
    if (job) bookTick(SLICE_MS);
  } catch (e) {
    bookFailed(e);
  }
  if (panel.running || job) schedule();
};
function schedule() {
  if (!scheduled) {
    scheduled = true;
    channel.port2.postMessage(0);
  }
}

// ---------------------------------------------------------------- the network panel

let panelLab = null;
let bookLab = null;
const panel = {
  running: false,
  /** Stop when this many epochs are done. */
  stopAt: 0,
  /** The target number of epochs (the page's "epochs" setting). */
  target: 30,
  /** Mini-batches per `train` call, adapted so a call takes about CALL_MS. */
  k: 4,
  /** Examples seen and training milliseconds, for examples/s. */
  seen: 0,
  window: { examples: 0, ms: 0 },
  rate: 0,
  lastProgress: 0,
  reason: '',
  /** Epochs done before a restore (the core's trainer counts from 0 after `load_network`). */
  offset: 0,
  lastCheckpoint: -Infinity,
};

function position() {
  const [done, pos, n] = JSON.parse(panelLab.progress());
  const epochs = done + panel.offset;
  return { epochs, position: pos, n, seen: epochs * n + pos };
}

function postSnapshot(evaluate, extra = {}) {
  const json = panelLab.snapshot(evaluate);
  const snap = JSON.parse(json);
  snap.epoch += panel.offset;
  post({ type: 'snapshot', snap, ...extra });
}

/** The network as it is now, for the page to restore after a crash (`force`: whatever the time). */
function checkpoint(force = false) {
  const t = now();
  if (!force && t - panel.lastCheckpoint < CHECKPOINT_MS) return;
  panel.lastCheckpoint = t;
  post({ type: 'checkpoint', json: panelLab.network_json(), epochs: position().epochs });
}

function postProgress(force = false) {
  const t = now();
  if (!force && t - panel.lastProgress < PROGRESS_MS) return;
  panel.lastProgress = t;
  const p = position();
  post({ type: 'progress', epochs: p.epochs, position: p.position, n: p.n, rate: panel.rate, running: panel.running, target: panel.target });
}

function stopPanel(reason, message = '') {
  panel.running = false;
  postProgress(true);
  post({ type: 'stopped', reason, message });
}

function panelTick(budget) {
  const t0 = now();
  while (now() - t0 < budget && panel.running) {
    const before = panel.seen;
    const s = now();
    const ended = panelLab.train(panel.k);
    const dt = now() - s;
    const p = position();
    panel.seen = p.seen;
    const examples = Math.max(0, panel.seen - before);
    panel.window.examples += examples;
    panel.window.ms += dt;
    if (panel.window.ms > 500) {
      panel.rate = (1000 * panel.window.examples) / panel.window.ms;
      panel.window = { examples: 0, ms: 0 };
    }
    // Aim at CALL_MS per call; a call cut short by an epoch's end says nothing.
    if (!ended) panel.k = adapt(panel.k, dt);
    if (ended) {
      if (panel.rate === 0 && panel.window.ms > 0) panel.rate = (1000 * panel.window.examples) / panel.window.ms;
      postSnapshot(true, { rate: panel.rate });
      checkpoint(p.epochs >= panel.stopAt);
      if (p.epochs >= panel.stopAt) {
        stopPanel(p.epochs >= panel.target ? 'done' : 'step');
        return;
      }
    }
  }
  postProgress();
}

function panelFailed(e) {
  panel.running = false;
  const message = describe(e);
  if (!isPanic(e) && /^training diverged/.test(message)) {
    // Show what the gradients look like now (probably ∞/NaN), then say why we stopped.
    try {
      postSnapshot(false, { diverged: true });
    } catch {
      /* the probe itself may fail on a non-finite network: the message says enough */
    }
    stopPanel('diverged', message);
  } else {
    post({ type: 'error', scope: 'network', ...failure(e) });
    post({ type: 'stopped', reason: 'error', message });
  }
}

let failNextReset = false;

const handlers = {
  reset({ id, settings }) {
    if (failNextReset) {
      failNextReset = false;
      throw new Error('this reset was refused on purpose (a test)');
    }
    panel.running = false;
    panelLab.reset(JSON.stringify(settings));
    panel.offset = 0;
    panel.seen = 0;
    panel.window = { examples: 0, ms: 0 };
    panel.rate = 0;
    postSnapshot(false, { initial: true, id });
    postProgress(true);
  },
  /** A network2 JSON file from the page replaces the panel's network; on error the old one stays. */
  load({ id, json }) {
    let sizes;
    try {
      sizes = JSON.parse(panelLab.load_network(json));
    } catch (e) {
      // The network, and its training if it runs, carry on untouched.
      post({ type: 'load-error', id, ...failure(e) });
      return;
    }
    panel.running = false;
    panel.offset = 0;
    panel.seen = 0;
    panel.window = { examples: 0, ms: 0 };
    panel.rate = 0;
    postSnapshot(false, { initial: true, id, loaded: sizes });
    postProgress(true);
  },
  /** The panel's network in network2's JSON format, for "Download network". */
  network({ id }) {
    // Its sizes and epoch from the worker too: the file is named after the network it
    // holds, not after what the page shows by the time the answer arrives.
    const json = panelLab.network_json();
    const sizes = /"sizes"\s*:\s*\[([\d,\s]+)\]/.exec(json.slice(0, 400))?.[1].split(',').map(Number);
    post({ type: 'network', id, json, sizes, epoch: position().epochs });
  },
  /**
   * After a crash, in a new worker: the panel's settings, then the last checkpoint's network
   * (if any) counted from its epoch. Without a checkpoint it is a plain reset.
   */
  restore({ id, settings, json, epochs }) {
    panel.running = false;
    panelLab.reset(JSON.stringify(settings)); // η, λ, mini-batch and the seed's network
    panel.offset = 0;
    let restored = 0;
    if (json) {
      try {
        panelLab.load_network(json); // keeps the trainer's η, λ and mini-batch size
        panel.offset = epochs;
        restored = epochs;
      } catch {
        /* a checkpoint that does not load: the fresh network above stands, and the page says so */
      }
    }
    // Counted from the restored epoch, so the first rate after a restore is not inflated by
    // the epochs before the crash.
    panel.seen = position().seen;
    panel.window = { examples: 0, ms: 0 };
    panel.rate = 0;
    postSnapshot(false, { initial: true, id, restored });
    postProgress(true);
  },
  /** The page's heartbeat: a worker that stops answering is restarted. */
  ping({ seq }) {
    post({ type: 'pong', seq });
  },
  /** The size of this worker's wasm memory, for the soak test. */
  async memory({ seq }) {
    post({ type: 'memory', seq, bytes: (await init()).memory.buffer.byteLength });
  },
  /** Tests only: the next reset throws a plain error (tests/e2e/faults.test.mjs). */
  'debug-fail-reset'() {
    failNextReset = true;
  },
  /** Tests only: a real panic in the core (see `debug_panic` in src/web.rs). */
  'debug-panic'() {
    debug_panic();
  },
  retune({ eta, lambda, miniBatch }) {
    panelLab.retune(eta, lambda, miniBatch);
  },
  epochs({ epochs }) {
    panel.target = epochs;
    if (panel.running) panel.stopAt = epochs;
    postProgress(true);
  },
  start({ epochs }) {
    panel.target = epochs;
    panel.stopAt = epochs;
    const p = position();
    if (p.epochs >= epochs) {
      stopPanel('done');
      return;
    }
    panel.running = true;
    panel.window = { examples: 0, ms: 0 };
    post({ type: 'started' });
    schedule();
  },
  step() {
    const p = position();
    panel.stopAt = p.epochs + 1;
    panel.running = true;
    post({ type: 'started' });
    schedule();
  },
  pause() {
    if (panel.running) stopPanel('paused');
  },
  book({ id, kind, params }) {
    if (job) {
      post({ type: 'book', id: job.id, kind: job.kind, event: 'cancelled' });
    }
    const make = JOBS[kind];
    if (!make) throw new Error(`unknown experiment ${kind}`);
    job = { id, kind, gen: make(params, (msg) => post({ type: 'book', id, kind, ...msg })) };
    schedule();
  },
  'book-cancel'({ id }) {
    if (job && job.id === id) {
      post({ type: 'book', id, kind: job.kind, event: 'cancelled' });
      job = null;
    }
  },
};

// ---------------------------------------------------------------- the chapter's experiments

/** The running experiment: a generator that yields after each small unit of work. */
let job = null;

function bookTick(budget) {
  const t0 = now();
  while (job && now() - t0 < budget) {
    const { done } = job.gen.next();
    if (done) job = null;
  }
}

function bookFailed(e) {
  if (!job) return;
  post({ type: 'book', id: job.id, kind: job.kind, event: 'error', ...failure(e) });
  job = null;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs) => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

/** A `train(k)` caller that adapts k to about CALL_MS per call; returns whether an epoch ended. */
function adaptiveTrainer(lab) {
  let k = 8;
  return () => {
    const s = now();
    const ended = lab.train(k);
    const dt = now() - s;
    if (!ended) k = adapt(k, dt);
    return ended;
  };
}

const JOBS = {
  /** (a) The bar chart: ∂C/∂b of six neurons per layer, [784, 30, 30, 10] at initialisation. */
  *bars({ seed }, emit) {
    const probe = JSON.parse(bookLab.init_probe(2, 30, 'scaled', 1, seed));
    emit({ event: 'done', probe });
  },

  /** (b) ‖δ^l‖ at initialisation for 2, 3, 4 hidden layers, mean over `seeds` networks. */
  *norms({ seed, seeds }, emit) {
    const rows = [];
    for (const hidden of [2, 3, 4]) {
      const runs = [];
      for (let s = 0; s < seeds; s++) {
        const probe = JSON.parse(bookLab.init_probe(hidden, 30, 'scaled', 1, seed + s));
        runs.push(probe.layers.map((l) => l.norm));
        yield;
      }
      const layers = runs[0].length;
      const col = (l) => runs.map((r) => r[l] ?? Infinity);
      rows.push({
        hidden,
        mean: Array.from({ length: layers }, (_, l) => mean(col(l))),
        std: Array.from({ length: layers }, (_, l) => std(col(l))),
        runs,
      });
      emit({ event: 'progress', rows: rows.slice(), done: rows.length, total: 3 });
    }
    emit({ event: 'done', rows });
  },

  /** (c) Learning-speed curves: the book's 500 epochs of full-batch descent on 1,000 images. */
  *speed({ hidden, seed, epochs }, emit) {
    bookLab.speed_start(hidden, seed);
    let done = 0;
    let k = 1;
    let last = 0;
    let history = [];
    while (done < epochs) {
      const s = now();
      const n = Math.min(k, epochs - done);
      history = JSON.parse(bookLab.speed_step(n));
      done += n;
      k = adapt(k, now() - s, 64);
      if (now() - last > 150) {
        last = now();
        emit({ event: 'progress', history, done, total: epochs });
      }
      yield;
    }
    emit({ event: 'done', history, done, total: epochs });
  },

  /** (d) Accuracy by depth: the book's run (η 0.1, λ 5, mini-batch 10) for 1–4 hidden layers. */
  *depth({ seed, epochs, runs }, emit) {
    const rows = [];
    const total = 4 * runs * epochs;
    let done = 0;
    for (let hidden = 1; hidden <= 4; hidden++) {
      const finals = [];
      const bests = [];
      const curves = [];
      for (let r = 0; r < runs; r++) {
        bookLab.depth_reset(hidden, seed + r);
        const train = adaptiveTrainer(bookLab);
        const curve = [];
        for (let e = 0; e < epochs; e++) {
          while (!train()) yield;
          curve.push(bookLab.validation_accuracy());
          done += 1;
          emit({ event: 'progress', hidden, run: r, epoch: e + 1, accuracy: curve[curve.length - 1], done, total, rows: rows.slice() });
          yield;
        }
        curves.push(curve);
        finals.push(100 * curve[curve.length - 1]);
        bests.push(100 * Math.max(...curve));
      }
      rows.push({ hidden, mean: mean(finals), std: std(finals), bestMean: mean(bests), bestStd: std(bests), finals, curves });
      emit({ event: 'progress', hidden, done, total, rows: rows.slice() });
    }
    emit({ event: 'done', rows, done, total });
  },
};

// ---------------------------------------------------------------- start-up

let ready = false;
const queue = [];

function handle(msg) {
  const h = handlers[msg.type];
  if (!h) {
    post({ type: 'error', scope: 'worker', message: `unknown message ${msg.type}` });
    return;
  }
  try {
    h(msg);
  } catch (e) {
    if (msg.type === 'book') {
      post({ type: 'book', id: msg.id, kind: msg.kind, event: 'error', ...failure(e) });
    } else {
      // `request` and `id` let the page close a reset or restore that failed, instead of
      // waiting for its snapshot forever (main.js, case 'error').
      post({ type: 'error', scope: msg.type === 'retune' ? 'settings' : 'network', ...failure(e), request: msg.type, id: msg.id });
    }
  }
}

/**
 * The single file (scripts/single-file.mjs, www/inline.js) starts this worker from a blob:
 * URL, with no folder to fetch from: the page hands it the compiled wasm module and the six
 * files in a first message, {type: 'assets', wasm, files}. Served, `handed` is null and
 * both are fetched.
 */
let handOver = null;
const handed = self.location.protocol === 'blob:' ? new Promise((resolve) => (handOver = resolve)) : null;

self.onmessage = ({ data }) => {
  if (data?.type === 'assets' && handOver) {
    handOver(data);
    handOver = null;
    return;
  }
  if (ready) handle(data);
  else queue.push(data);
};

async function fetchBytes(name) {
  const url = new URL(`./data/${name}`, import.meta.url);
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`${name}: ${e.message}`);
  }
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status} ${res.statusText}`.trim());
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * A data error as a code and its parameters: the worker has no words of the page's
 * language, so main.js says the sentence (www/i18n `data.<code>`); the parameters are
 * numbers, a path and the browser's or the core's own (technical) words.
 */
const dataError = (code, params) => Object.assign(new Error(code), { code, params });

/**
 * The six files, or an error naming every one that failed: from `table` (the single file's,
 * by name) when there is one, else fetched.
 */
async function fetchAll(table = null) {
  const get = (name) => (table ? table[name] ?? Promise.reject(new Error(`${name}: not in the file`)) : fetchBytes(name));
  const results = await Promise.allSettled(FILES.map(get));
  const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
  if (failed.length) {
    const dir = table ? '' : new URL('./data/', import.meta.url).pathname;
    const why = failed.map((m) => m.replace(/^[^:]*: /, ''));
    if (failed.length === FILES.length && why.every((w) => w === why[0])) {
      throw dataError('fetchNone', { count: FILES.length, dir, why: why[0] });
    }
    throw dataError('fetchSome', { failed: failed.length, count: FILES.length, dir, list: failed });
  }
  return results.map((r) => r.value);
}

async function boot() {
  const assets = await handed; // null when served
  try {
    if (assets?.error) throw new Error(assets.error);
    await init(assets ? { module_or_path: assets.wasm } : undefined);
  } catch (e) {
    post({ type: 'fatal', code: 'init', message: describe(e) });
    return;
  }
  let bytes;
  try {
    bytes = await fetchAll(assets?.files);
  } catch (e) {
    post({ type: 'data-error', code: e.code ?? 'other', params: e.params ?? { message: describe(e) } });
    return;
  }
  try {
    panelLab = new Lab(...bytes);
    bookLab = new Lab(...bytes);
  } catch (e) {
    post({ type: 'data-error', code: 'unreadable', params: { message: describe(e) } });
    return;
  }
  ready = true;
  post({ type: 'ready', sizes: JSON.parse(panelLab.sizes()) });
  for (const msg of queue.splice(0)) handle(msg);
}

boot();
