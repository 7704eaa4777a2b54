// The lab's worker: all training happens here, so the page never blocks. This file boots
// it and dispatches messages; the jobs are in www/worker/: panel.js (the network panel),
// chapter.js (the chapter's experiments), data.js (the subset's files), slices.js (timing
// and errors). It holds two independent `Lab`s that share nothing: one for the panel
// (section 2) and one for the chapter (section 3).
//
// Protocol (main → worker): {type: 'reset', settings} · 'retune' · 'start' {epochs} ·
// 'pause' · 'step' · 'epochs' {epochs} · 'book' {id, kind, params} · 'book-cancel' ·
// 'load' {id, json} · 'network' {id} · 'compare' {id, a, b, seed, epochs} · 'compare-cancel' {id}
// (www/worker/compare.js, which answers 'compare' {id, event, …}) · 'inside' {id, fresh}
// · 'inside-watch' {open} (www/worker/inside.js, which answers 'inside' {id, report, history | error}).
// Worker → main: 'ready' · 'data-error' {code, params} · 'fatal' · 'snapshot' · 'progress' ·
// 'stopped' {reason, message, code?, details?} · 'error' {code?, details?, …} ·
// 'book' {id, kind, event: 'progress' | 'done' | 'error' | 'cancelled', …} ·
// 'load-error' {id, code, details, message} · 'network' {id, json, sizes, epoch}.
// Fault recovery (the page restarts a crashed worker): main → 'restore' {id, settings, json,
// epochs} · 'ping' · 'memory' · 'debug-panic' (tests only); worker → 'checkpoint' {json,
// epochs} after epochs (at most one a second) · 'pong' · 'memory' {bytes}.

import init, { Lab, debug_panic, limits, subset_files } from './pkg/gradlab.js';
import { post, describe, failure, createScheduler } from './worker/slices.js';
import { fetchAll } from './worker/data.js';
import { createPanel } from './worker/panel.js';
import { createChapter } from './worker/chapter.js';
import { createCompare } from './worker/compare.js';
import { createInside } from './worker/inside.js';

let handlers = null;

const common = {
  /** The page's heartbeat: a worker that stops answering is restarted. */
  ping({ seq }) {
    post({ type: 'pong', seq });
  },
  /** The size of this worker's wasm memory, for the soak test. */
  async memory({ seq }) {
    post({ type: 'memory', seq, bytes: (await init()).memory.buffer.byteLength });
  },
  /** Tests only: a real panic in the core (see `debug_panic` in src/web.rs). */
  'debug-panic'() {
    debug_panic();
  },
};

let ready = false;
const queue = [];

function handle(msg) {
  const h = Object.hasOwn(handlers, msg.type) ? handlers[msg.type] : null;
  if (!h) {
    post({ type: 'error', scope: 'worker', message: `unknown message ${msg.type}` });
    return;
  }
  try {
    h(msg);
  } catch (e) {
    if (msg.type === 'book') {
      post({ type: 'book', id: msg.id, kind: msg.kind, event: 'error', ...failure(e) });
    } else if (msg.type === 'compare') {
      post({ type: 'compare', id: msg.id, event: 'error', ...failure(e) });
    } else {
      // `request` and `id` let the page close a reset or restore that failed, instead of
      // waiting for its snapshot forever (network.js `onRequestFailed`).
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
    bytes = await fetchAll(JSON.parse(subset_files()), assets?.files, JSON.parse(limits()).maxDecompressedBytes);
  } catch (e) {
    post({ type: 'data-error', code: e.code ?? 'other', params: e.params ?? { message: describe(e) } });
    return;
  }
  let panelLab;
  let bookLab;
  try {
    panelLab = new Lab(...bytes);
    bookLab = new Lab(...bytes);
  } catch (e) {
    post({ type: 'data-error', code: 'unreadable', params: { message: describe(e) } });
    return;
  }
  const jobs = [];
  const schedule = createScheduler(jobs);
  // The view inside the network reads the training files once, when it first opens; they
  // are kept for it until then (the inflated bytes, ~6 MB, already in this worker's heap).
  let training = [bytes[0], bytes[1]];
  const files = () => [training, (training = null)][0];
  const inside = createInside(panelLab, files, assets);
  // The panel tells the view of its new networks and epochs (recorded while the view is open).
  const panel = createPanel(panelLab, schedule, inside.watch);
  const chapter = createChapter(bookLab, schedule);
  // The comparison draws on the chapter's lab for its data (its networks are its own).
  const compare = createCompare(bookLab, schedule);
  jobs.push(panel, chapter, compare);
  handlers = { ...common, ...panel.handlers, ...chapter.handlers, ...compare.handlers, ...inside.handlers };
  ready = true;
  post({ type: 'ready', sizes: Array.from(panelLab.split_sizes()) });
  for (const msg of queue.splice(0)) handle(msg);
}

boot();
