// The view inside the network (issue 10) in the worker: the report of the panel's network
// on the first 100 training images, from the second wasm module (www/pkg-inside), which is
// imported here only when the page first asks for a report — a worker whose page never
// opens the view never loads it. The two modules share no memory: the panel's network
// crosses as network2 JSON (`Lab.network_json`), as a download would.
//
// Over training: while the view is open, the panel's run is recorded (`watch`, called by
// www/worker/panel.js): one `EpochInside` at the network's start and after every epoch.
// A record costs ~10 ms (the network's JSON and a pass over the probe images), about a tenth
// of a fast epoch, so nothing is recorded while the view is closed: training runs exactly as
// without it. Opened mid-run, the record starts where it is (at once between epochs, else at
// the epoch's end); closed and reopened, the record has a gap, which the charts show.
//
// Protocol: main → 'inside' {id, fresh} · 'inside-watch' {open}; worker → 'inside' {id, report, history, ms, recordMs} or
// {id, code, message}. `fresh` ({init, biases, gain} or null) names the initialisation of
// a network not yet trained, whose exact variances the prediction then uses; `history` is
// the recorded run, a list of `EpochInside`.

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
  /** The loaded `InsideProbe`, once `probe` has resolved (records need it synchronously). */
  let loaded = null;
  /** η and λ of the panel's training, for the update-to-weight ratio (the page's defaults until told). */
  const tuning = { eta: 0.1, lambda: 5 };
  /** Epochs done by the panel's network, as the panel counts them (a restore's offset included). */
  let epochs = 0;
  /** Whether the view is open (the page says so: 'inside-watch' {open}, and every request). */
  let watching = false;
  /** The epoch of the last record of this network, or null. */
  let lastEpoch = null;
  /** Milliseconds of the last record (the network's JSON and one pass over the probe images), for scripts/bench-page.mjs. */
  let recordMs = null;

  async function load() {
    const mod = await import('../pkg-inside/gradlab_inside.js');
    // The single file hands its gzipped bytes over (www/inline.js); served, the glue fetches it.
    await mod.default(assets?.insideGz ? { module_or_path: await inflate('gradlab_inside_bg.wasm', assets.insideGz, Infinity) } : undefined);
    const [images, labels] = files();
    const p = new mod.InsideProbe(images, labels, PROBE_IMAGES);
    loaded = p;
    record();
    return p;
  }

  /**
   * One record of the panel's network now, if the view is open and the network is between
   * epochs (the run so far is not known: it is recorded from here); a network the view
   * does not take (not plain) has none.
   */
  function record() {
    if (!loaded || !watching || lab.position() !== 0 || lastEpoch === epochs) return;
    try {
      const t0 = now();
      loaded.record(lab.network_json(), epochs, tuning.eta, tuning.lambda, lab.training_size());
      recordMs = now() - t0;
      lastEpoch = epochs;
    } catch {
      /* no network yet, or one with skip connections or batch norm: the report says why */
    }
  }

  /** The panel's run, followed (www/worker/panel.js). */
  const watch = {
    network(config, at) {
      if (config) Object.assign(tuning, config);
      epochs = at;
      loaded?.clear_history();
      lastEpoch = null;
      record();
    },
    retune(config) {
      Object.assign(tuning, config);
    },
    epoch(at) {
      epochs = at;
      record();
    },
  };

  const handlers = {
    /** The view opened or closed: records only while it is open. */
    'inside-watch'({ open }) {
      watching = !!open;
      record();
    },
    async inside({ id, fresh }) {
      watching = true; // a request comes from an open view
      try {
        probe ??= load();
        const p = await probe;
        record(); // the network as it is, if not recorded yet (the view may have opened before the worker knew)
        const t0 = now();
        const report = p.report(lab.network_json(), fresh ? JSON.stringify(fresh) : '');
        post({ type: 'inside', id, report: JSON.parse(report), history: JSON.parse(p.history()), ms: now() - t0, recordMs });
      } catch (e) {
        if (!(e?.code)) probe = null; // a module that failed to load is tried again next time
        post({ type: 'inside', id, ...failure(e) });
      }
    },
  };
  return { handlers, watch };
}
