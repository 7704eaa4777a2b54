// The network panel's faults: the worker crashed and is being replaced (worker-client.js
// `recover`), then the panel's network is restored into the new one from its last
// checkpoint — or drawn afresh from the settings when a reset was asked for meanwhile.
// Part of the panel's controller (network.js), which owns `net`.

import { networkSettings } from '../state.js';
import { t } from '../i18n.js';
import { restartNotice } from '../recovery.js';

/** `app` and `net` as network.js has them; the controller's functions this part calls. */
export function createNetworkFaults(app, net, { requestReset, showStatus, loadMessage, failedStatus, normsOf, NET_CHARTS }) {
  const { state, ui, hooks, notice, charts, client } = app;

  /**
   * The worker is being replaced (worker-client.js `recover`). `reason`: a function saying
   * why, in the page's language (for the notice after the restart); `allowed`: whether the
   * restart budget allows another (else the panel fails).
   */
  function crashed(reason, allowed) {
    net.ready = false;
    net.workerReady = false;
    net.running = false;
    ui.running(false);
    ui.networkEnabled(false);
    ui.bookEnabled(false);
    if (!allowed) {
      net.failed = true;
      failedStatus('status.crashedAgain');
      hooks.status = 'crashed';
      return;
    }
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
  }

  function restoreAfterCrash() {
    // A setting changed during the restart also asks for a fresh network (requestReset).
    if (net.resetWanted) net.recovering.asked = true;
    const checkpoint = net.recovering.asked ? null : net.recovering.checkpoint;
    net.resetWanted = false;
    net.resetSent += 1;
    client.post({ type: 'restore', id: net.resetSent, settings: networkSettings(state), json: checkpoint?.json ?? null, epochs: checkpoint?.epochs ?? 0 });
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
    charts.invalidate(...NET_CHARTS);
    if (net.resetWanted) requestReset();
  }

  return { crashed, restoreAfterCrash, onRestored };
}
