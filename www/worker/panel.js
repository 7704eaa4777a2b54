// The network panel's training in the worker: one `Lab` trained in slices, with progress,
// snapshots after each epoch, checkpoints for the page's crash recovery, and the panel's
// requests (reset, retune, start, step, pause, load, download, restore).

import { adapt, now, post, describe, isPanic, failure } from './slices.js';

/** Minimum milliseconds between two progress messages. */
const PROGRESS_MS = 100;
/**
 * Minimum milliseconds between two checkpoints (the network as network2 JSON, posted to
 * the page so it can restore it into a new worker after a crash). Serialising takes ~1 ms
 * for [784, 30, 10] and ~10 ms for the largest panel network: once a second keeps that
 * under 1 % of the training time.
 */
const CHECKPOINT_MS = 1000;

/**
 * The panel over `lab` (a `Lab` of the core); `schedule()` asks for a slice. `watch`: who
 * follows the run (the view inside the network, www/worker/inside.js): `network({eta,
 * lambda} | null, epochs)` after a new network (null: a loaded file keeps η and λ), `retune({eta,
 * lambda})`, and `epoch(epochs)` after each epoch.
 */
export function createPanel(lab, schedule, watch = {}) {
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
    /** Epochs done before a restore (the core's trainer counts from 0 after `load_network`). */
    offset: 0,
    lastCheckpoint: -Infinity,
  };

  function position() {
    const n = lab.training_size();
    const pos = lab.position();
    const epochs = lab.epochs_done() + panel.offset;
    return { epochs, position: pos, n, seen: epochs * n + pos };
  }

  function postSnapshot(evaluate, extra = {}) {
    const snap = JSON.parse(lab.snapshot(evaluate));
    snap.epoch += panel.offset;
    post({ type: 'snapshot', snap, ...extra });
  }

  /** The network as it is now, for the page to restore after a crash (`force`: whatever the time). */
  function checkpoint(force = false) {
    const t = now();
    if (!force && t - panel.lastCheckpoint < CHECKPOINT_MS) return;
    panel.lastCheckpoint = t;
    post({ type: 'checkpoint', json: lab.network_json(), epochs: position().epochs });
  }

  function postProgress(force = false) {
    const t = now();
    if (!force && t - panel.lastProgress < PROGRESS_MS) return;
    panel.lastProgress = t;
    const p = position();
    post({ type: 'progress', epochs: p.epochs, position: p.position, n: p.n, rate: panel.rate, running: panel.running, target: panel.target });
  }

  function stop(reason, error = {}) {
    panel.running = false;
    postProgress(true);
    post({ type: 'stopped', reason, message: error.message ?? '', ...(error.code ? { code: error.code, details: error.details } : {}) });
  }

  /** Counted afresh: a new network, or one restored from `seen` examples. */
  function restartCounts(seen = 0) {
    panel.seen = seen;
    panel.window = { examples: 0, ms: 0 };
    panel.rate = 0;
  }

  function tick(budget) {
    const t0 = now();
    while (now() - t0 < budget && panel.running) {
      const before = panel.seen;
      const s = now();
      const ended = lab.train(panel.k);
      const dt = now() - s;
      const p = position();
      panel.seen = p.seen;
      panel.window.examples += Math.max(0, panel.seen - before);
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
        watch.epoch?.(p.epochs);
        checkpoint(p.epochs >= panel.stopAt);
        if (p.epochs >= panel.stopAt) {
          stop(p.epochs >= panel.target ? 'done' : 'step');
          return;
        }
      }
    }
    postProgress();
  }

  function failed(e) {
    panel.running = false;
    if (!isPanic(e) && e?.code === 'diverged') {
      // Show what the gradients look like now (probably ∞/NaN), then say why we stopped.
      try {
        postSnapshot(false, { diverged: true });
      } catch {
        /* the probe itself may fail on a non-finite network: the message says enough */
      }
      stop('diverged', failure(e));
    } else {
      post({ type: 'error', scope: 'network', ...failure(e) });
      post({ type: 'stopped', reason: 'error', message: describe(e) });
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
      lab.reset(JSON.stringify(settings));
      panel.offset = 0;
      restartCounts();
      watch.network?.({ eta: settings.eta, lambda: settings.lambda }, position().epochs);
      postSnapshot(false, { initial: true, id });
      postProgress(true);
    },
    /** A network2 JSON file from the page replaces the panel's network; on error the old one stays. */
    load({ id, json }) {
      let sizes;
      try {
        sizes = Array.from(lab.load_network(json));
      } catch (e) {
        // The network, and its training if it runs, carry on untouched.
        post({ type: 'load-error', id, ...failure(e) });
        return;
      }
      panel.running = false;
      panel.offset = 0;
      restartCounts();
      // The file's "activation", "residual" and "batch_norm" keys (none: the book's) set the panel's;
      // its "momentum" too (none: the panel's stays).
      const [mu, nesterov, schedule] = lab.file_momentum();
      const momentum = mu === undefined ? undefined : { mu, nesterov: nesterov === 1, schedule: schedule === 1 };
      const arch = { activation: lab.network_activation(), residual: lab.network_residual(), batchNorm: lab.network_batch_norm(), momentum };
      watch.network?.(null, position().epochs);
      postSnapshot(false, { initial: true, id, loaded: sizes, ...arch });
      postProgress(true);
    },
    /** The panel's network in network2's JSON format, for "Download network". */
    network({ id }) {
      // Its sizes and epoch from the worker too: the file is named after the network it
      // holds, not after what the page shows by the time the answer arrives.
      post({ type: 'network', id, json: lab.network_json(), sizes: Array.from(lab.network_sizes()), epoch: position().epochs });
    },
    /**
     * After a crash, in a new worker: the panel's settings, then the last checkpoint's network
     * (if any) counted from its epoch. Without a checkpoint it is a plain reset.
     */
    restore({ id, settings, json, epochs }) {
      panel.running = false;
      lab.reset(JSON.stringify(settings)); // η, λ, mini-batch and the seed's network
      panel.offset = 0;
      let restored = 0;
      if (json) {
        try {
          lab.load_network(json); // keeps the trainer's η, λ and mini-batch size
          panel.offset = epochs;
          restored = epochs;
        } catch {
          /* a checkpoint that does not load: the fresh network above stands, and the page says so */
        }
      }
      // Counted from the restored epoch, so the first rate after a restore is not inflated by
      // the epochs before the crash.
      restartCounts(position().seen);
      watch.network?.({ eta: settings.eta, lambda: settings.lambda }, position().epochs);
      postSnapshot(false, { initial: true, id, restored });
      postProgress(true);
    },
    /** Tests only: the next reset throws a plain error (tests/e2e/faults.test.mjs). */
    'debug-fail-reset'() {
      failNextReset = true;
    },
    retune({ eta, lambda, miniBatch, momentum, nesterov, schedule }) {
      lab.retune(eta, lambda, miniBatch, momentum ?? 0, !!nesterov, !!schedule);
      watch.retune?.({ eta, lambda });
    },
    epochs({ epochs }) {
      panel.target = epochs;
      if (panel.running) panel.stopAt = epochs;
      postProgress(true);
    },
    start({ epochs }) {
      panel.target = epochs;
      panel.stopAt = epochs;
      if (position().epochs >= epochs) {
        stop('done');
        return;
      }
      panel.running = true;
      panel.window = { examples: 0, ms: 0 };
      post({ type: 'started' });
      schedule();
    },
    step() {
      panel.stopAt = position().epochs + 1;
      panel.running = true;
      post({ type: 'started' });
      schedule();
    },
    pause() {
      if (panel.running) stop('paused');
    },
  };

  return { handlers, busy: () => panel.running, tick, failed };
}
