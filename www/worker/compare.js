// A and B in the worker: the core's `Comparison` (src/web/compare.rs, the command line's
// `compare`) stepped in slices like the panel, so the page never blocks. The scheduler
// interleaves it with the panel's and the chapter's work.
//
// Protocol: main → {type: 'compare', id, a, b, seed, epochs} (A and B as the core's
// presets write them) · {type: 'compare-cancel', id}. Worker → {type: 'compare', id, event:
// 'epoch' | 'done' | 'cancelled' | 'error', history?, epoch?, rate?, …}, where `history` is
// everything measured so far (the core's JSON, overflow as null) and `rate` the examples per
// second each network trains while both do (they train the same examples, one slice after
// the other; the measuring after each epoch is not counted).

import { Comparison } from '../pkg/gradlab.js';
import { adapt, now, post, failure } from './slices.js';

/** The comparison over `lab` (a `Lab` of the core, for its data); `schedule()` asks for a slice. */
export function createCompare(lab, schedule) {
  let job = null;

  function end(event, extra = {}) {
    if (!job) return;
    post({ type: 'compare', id: job.id, event, ...extra });
    job.run.free();
    job = null;
  }

  function tick(budget) {
    const t0 = now();
    while (job && now() - t0 < budget) {
      const s = now();
      const json = job.run.step(job.k);
      const dt = now() - s;
      if (json === undefined) {
        // Both networks trained k mini-batches each (B waits when it has ended its epoch first).
        job.examples += job.k * job.m;
        job.ms += dt;
        job.k = adapt(job.k, dt);
        continue;
      }
      const e = JSON.parse(json);
      const rate = job.ms > 0 ? Math.round((1000 * job.examples) / job.ms) : 0;
      post({ type: 'compare', id: job.id, event: 'epoch', epoch: e, history: JSON.parse(job.run.history()), rate });
      if (job.run.is_done()) end('done', { rate });
    }
  }

  const handlers = {
    compare({ id, a, b, seed, epochs }) {
      if (job) end('cancelled');
      const run = new Comparison(lab, JSON.stringify(a), JSON.stringify(b), seed, epochs);
      // Examples per call for the rate: the smaller mini-batch (each side trains k batches).
      job = { id, run, k: 4, m: Math.min(a.miniBatch, b.miniBatch), examples: 0, ms: 0 };
      post({ type: 'compare', id, event: 'epoch', epoch: null, history: JSON.parse(run.history()), rate: 0 });
      schedule();
    },
    'compare-cancel'({ id }) {
      if (job && job.id === id) end('cancelled');
    },
  };

  function failed(e) {
    if (!job) return;
    const { id } = job;
    try {
      job.run.free();
    } catch {
      // A panicked instance cannot free; the page restarts the worker.
    }
    job = null;
    post({ type: 'compare', id, event: 'error', ...failure(e) });
  }

  return { handlers, busy: () => job !== null, tick, failed };
}
