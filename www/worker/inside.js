// The view inside the network (issue 10) in the worker: the report of the panel's network
// on the first 100 training images, from the second wasm module (www/pkg-inside), which is
// imported here only when the page first asks for a report — a worker whose page never
// opens the view never loads it. The two modules share no memory: the panel's network
// crosses as network2 JSON (`Lab.network_json`), as a download would.
//
// Protocol: main → 'inside' {id, fresh}; worker → 'inside' {id, report, ms} or
// {id, code, message}. `fresh` ({init, biases, gain} or null) names the initialisation of
// a network not yet trained, whose exact variances the prediction then uses.

import { post, now, failure } from './slices.js';
import { inflate } from './data.js';

/** The probe images of `gradlab inside` and of the issue: "pooled over, say, 100 images". */
const PROBE_IMAGES = 100;

/**
 * `lab`: the panel's `Lab`; `files()`: the inflated training images and labels (IDX), read
 * once when the module loads; `assets`: the single file's hand-over (`insideGz`, the module gzipped), or null.
 */
export function createInside(lab, files, assets) {
  let probe = null;

  async function load() {
    const mod = await import('../pkg-inside/gradlab_inside.js');
    // The single file hands its gzipped bytes over (www/inline.js); served, the glue fetches it.
    await mod.default(assets?.insideGz ? { module_or_path: await inflate('gradlab_inside_bg.wasm', assets.insideGz, Infinity) } : undefined);
    const [images, labels] = files();
    return new mod.InsideProbe(images, labels, PROBE_IMAGES);
  }

  const handlers = {
    async inside({ id, fresh }) {
      try {
        probe ??= load();
        const p = await probe;
        const t0 = now();
        const report = p.report(lab.network_json(), fresh ? JSON.stringify(fresh) : '');
        post({ type: 'inside', id, report: JSON.parse(report), ms: now() - t0 });
      } catch (e) {
        if (!(e?.code)) probe = null; // a module that failed to load is tried again next time
        post({ type: 'inside', id, ...failure(e) });
      }
    },
  };
  return { handlers };
}
