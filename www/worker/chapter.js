// The chapter's experiments in the worker: each is the core's resumable run (src/
// experiments/, the same code as the command line's), stepped a little at a time by a
// generator that yields between steps so the scheduler can interleave the panel's work.
// The worker keeps no numbers of its own: seeds, depths and statistics are the core's.

import { adapt, now, post, failure } from './slices.js';

/** Minimum milliseconds between two progress messages of the learning-speed run. */
const SPEED_PROGRESS_MS = 150;

/** Each experiment: a generator over `lab` (a `Lab` of the core), emitting its events. */
const JOBS = {
  /** (a) The bar chart: ∂C/∂b of six neurons per layer, [784, 30, 30, 10] at initialisation. */
  *bars(lab, { seed }, emit) {
    emit({ event: 'done', probe: JSON.parse(lab.book_bars(seed)) });
  },

  /** (b) ‖δ^l‖ at initialisation for 2, 3, 4 hidden layers, mean over `seeds` networks. */
  *norms(lab, { seed, seeds }, emit) {
    lab.norms_start(seed, seeds);
    const total = lab.norms_total();
    let finished = 0;
    while (finished < total) {
      const n = lab.norms_step();
      if (n > finished) {
        finished = n;
        emit({ event: 'progress', rows: JSON.parse(lab.norms_rows()), done: n, total });
      }
      yield;
    }
    emit({ event: 'done', rows: JSON.parse(lab.norms_rows()) });
  },

  /** (c) Learning-speed curves: the book's full-batch descent on 1,000 images. */
  *speed(lab, { hidden, seed, epochs }, emit) {
    lab.speed_start(hidden, seed, epochs);
    let done = 0;
    let k = 1;
    let last = 0;
    while (done < epochs) {
      const s = now();
      done = lab.speed_step(Math.min(k, epochs - done));
      k = adapt(k, now() - s, 64);
      if (now() - last > SPEED_PROGRESS_MS) {
        last = now();
        emit({ event: 'progress', history: JSON.parse(lab.speed_history()), done, total: epochs });
      }
      yield;
    }
    emit({ event: 'done', history: JSON.parse(lab.speed_history()), done, total: epochs });
  },

  /** (d) Accuracy by depth: the book's run for 1–4 hidden layers, `runs` seeds each. */
  *depth(lab, { seed, epochs, runs }, emit) {
    lab.depth_start(seed, runs, epochs);
    let rows = [];
    let k = 8;
    let last = null;
    while (!lab.depth_is_done()) {
      const s = now();
      const json = lab.depth_step(k);
      const dt = now() - s;
      if (json === undefined) {
        k = adapt(k, dt); // a call cut short by an epoch's end says nothing
        yield;
        continue;
      }
      const e = (last = JSON.parse(json));
      emit({ event: 'progress', hidden: e.hidden, run: e.run, epoch: e.epoch, accuracy: e.accuracy, done: e.done, total: e.total, rows });
      if (e.epoch === epochs && e.run === runs - 1) {
        rows = JSON.parse(lab.depth_rows());
        emit({ event: 'progress', hidden: e.hidden, done: e.done, total: e.total, rows });
      }
      yield;
    }
    emit({ event: 'done', rows, done: last?.done ?? 0, total: last?.total ?? 0 });
  },
};

/** The chapter's runs over `lab`, one at a time; `schedule()` asks for a slice. */
export function createChapter(lab, schedule) {
  /** The running experiment: a generator that yields after each small unit of work. */
  let job = null;

  function tick(budget) {
    const t0 = now();
    while (job && now() - t0 < budget) {
      if (job.gen.next().done) job = null;
    }
  }

  function failed(e) {
    if (!job) return;
    post({ type: 'book', id: job.id, kind: job.kind, event: 'error', ...failure(e) });
    job = null;
  }

  const handlers = {
    book({ id, kind, params }) {
      if (job) post({ type: 'book', id: job.id, kind: job.kind, event: 'cancelled' });
      const make = Object.hasOwn(JOBS, kind) ? JOBS[kind] : null;
      if (!make) throw new Error(`unknown experiment ${kind}`);
      job = { id, kind, gen: make(lab, params, (msg) => post({ type: 'book', id, kind, ...msg })) };
      schedule();
    },
    'book-cancel'({ id }) {
      if (job && job.id === id) {
        post({ type: 'book', id, kind: job.kind, event: 'cancelled' });
        job = null;
      }
    },
  };

  return { handlers, busy: () => job !== null, tick, failed };
}
