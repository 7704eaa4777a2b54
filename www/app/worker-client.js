// The training worker's client side: starting it (a module worker, or the single file's
// inlined one), posting to the current worker, dispatching its messages to the views, and
// replacing it after a crash. A panic in the worker's wasm, an error event of a booted
// worker, or a worker that stops answering the heartbeat: the worker is replaced and the
// panel returns to its last good state without a reload (network.js `crashed`).

import init from '../pkg/gradlab.js';
import { inlined } from '../inline.js';
import { heartbeat, restartBudget } from '../recovery.js';
import { t, hasString } from '../i18n.js';
import { workerError } from './report.js';

/**
 * The worker's data error in words: it posts a code and its parameters (www/worker/data.js
 * `dataError`), the parameters being numbers, a path and the browser's or core's words.
 */
export function dataErrorText({ code, params = {} }) {
  if (!hasString(`data.${code}`)) return String(params.message ?? code);
  return t(`data.${code}`, { ...params, list: (params.list ?? []).join(t('data.sep')) });
}

/**
 * `wanted`: whether this page needs a worker (a chain-only embed does not: a stand-in drops
 * the messages, and as it never says 'ready', nothing is sent). `hooks`, `report`, `notice`.
 * Returns {post, connect(views)}: `connect` wires the views' handlers and starts.
 */
export function createWorkerClient({ wanted, hooks, report, notice }) {
  // The single file (www/inline.js) starts a classic worker from its inlined bundle instead.
  const spawn = () => (wanted ? (inlined ? inlined.worker() : new Worker(new URL('../worker.js', import.meta.url), { type: 'module' })) : { postMessage() {}, terminate() {} });
  let worker = null;
  let network = null;
  let chapter = null;
  /** Section 4 (app/compare.js); absent in tests that connect only the first two. */
  let compare = null;
  /** The view inside the network (app/inside.js); absent likewise. */
  let inside = null;
  const post = (msg) => worker.postMessage(msg);

  const memoryAnswers = new Map();
  let memorySeq = 0;
  const allowRestart = restartBudget();
  const beat = heartbeat({
    post,
    alive: () => wanted && network.net.ready && !network.net.recovering,
    dead: () => {
      const why = () => t('error.noAnswer');
      report('where.trainingWorker', why);
      recover(why);
    },
  });

  function receive(msg) {
    // A panic in the worker's wasm (fatal) leaves its instance unusable: report it as usual
    // (below), then replace the worker.
    if (msg.fatal && (msg.type === 'error' || msg.type === 'book' || msg.type === 'compare' || msg.type === 'load-error')) queueMicrotask(() => recover(() => workerError(msg)));
    if (msg.type === 'ready') compare?.enable(true);
    const h = network.handlers[msg.type];
    if (h) {
      h(msg);
      // The view inside the network follows the panel's network (app/inside.js).
      if (msg.type === 'snapshot') inside?.onSnapshot(msg);
      return;
    }
    switch (msg.type) {
      case 'pong':
        beat.pong(msg.seq);
        break;
      case 'memory':
        memoryAnswers.get(msg.seq)?.(msg.bytes);
        memoryAnswers.delete(msg.seq);
        break;
      case 'book':
        chapter.onBook(msg);
        break;
      case 'compare':
        compare?.onCompare(msg);
        break;
      case 'inside':
        inside?.onInside(msg);
        break;
      case 'data-error': {
        network.onFailed('status.nodata', 'data-error');
        const why = () => dataErrorText(msg);
        notice('net-notice', () => t('notice.nodata', { message: `${why()[0].toUpperCase()}${why().slice(1)}` }));
        notice('book-notice', () => t('notice.bookNodata', { message: why() }));
        break;
      }
      case 'fatal':
        network.onFailed('status.noworker');
        report('where.worker', () => t('error.workerInit', { message: msg.message }));
        break;
      case 'error':
        network.onRequestFailed(msg);
        report(msg.scope === 'settings' ? 'where.settings' : 'where.network', () => workerError(msg));
        break;
      default:
        break;
    }
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
      report('where.workerStopped', why);
      // A worker that had booted is restarted; one that never did would fail again.
      if (network.net.workerReady) recover(why);
      else network.neverStarted();
    };
    w.onmessageerror = () => report('where.trainingWorker', () => t('error.unreadableMessage'));
  }

  /** `reason`: a function saying why, in the page's language (for the notice after the restart). */
  function recover(reason) {
    const net = network.net;
    if (!wanted || net.recovering || net.failed) return;
    worker.terminate();
    beat.reset();
    chapter.interrupt();
    compare?.interrupt();
    compare?.enable(false);
    const allowed = allowRestart();
    network.crashed(reason, allowed);
    if (!allowed) return;
    hooks.restarts += 1;
    worker = spawn();
    wire(worker);
  }

  function connect(views) {
    ({ network, chapter, compare, inside } = views);
    hooks.restarts = 0;
    /** Tests feed synthetic worker messages (e.g. an exploded network's snapshot) through this. */
    hooks.receive = (msg) => receive(msg);
    /** Tests: a real panic in the worker's core, and a worker killed without a word. */
    hooks.debugPanic = () => post({ type: 'debug-panic' });
    hooks.killWorker = () => worker.terminate();
    hooks.failNextReset = () => post({ type: 'debug-fail-reset' });
    /** Tests (soak): bytes of wasm memory on the main thread and in the worker. */
    hooks.wasmMemory = async () => {
      const seq = ++memorySeq;
      const inWorker = new Promise((resolve) => memoryAnswers.set(seq, resolve));
      post({ type: 'memory', seq });
      return { main: (await init()).memory.buffer.byteLength, worker: await inWorker };
    };
    worker = spawn();
    wire(worker);
  }

  return { post, connect };
}
