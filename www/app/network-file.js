// The network panel's files: a network2 JSON file loaded into the worker's network, and
// the worker's network downloaded as one.

import { t } from '../i18n.js';
import { MOMENTA } from '../state.js';
import { saveFile } from '../export.js';
import { describe, workerError } from './report.js';

/** `app` as network.js has it; `net`, its state; `requestReset`, its reset. */
export function createNetworkFile(app, net, requestReset) {
  const { state, ui, hooks, say, report, set, client } = app;
  const loadMessage = (compose, error = false) => say('load', compose, (s) => ui.loadMessage(s, error));

  // A network file (network2's JSON) replaces the panel's network like a reset whose network
  // comes from the file: same request ids, so snapshots of the old network stop counting
  // only once the new one is in. On any error the old network, its history and charts stay.

  async function loadNetwork(file) {
    if (!net.ready || !file) return;
    // Refused by its size before a byte is read (a 100 MB file would stall the tab).
    const limit = app.limits()?.maxNetworkBytes ?? Infinity; // the core checks again
    if (file.size > limit) {
      loadMessage(() => t('load.tooBig', { name: file.name, mb: (file.size / 2 ** 20).toFixed(1), limit: limit / 2 ** 20 }), true);
      return;
    }
    let json;
    try {
      json = await file.text();
    } catch (e) {
      loadMessage(() => t('load.unreadable', { name: file.name, message: describe(e) }), true);
      return;
    }
    // The worker may have crashed while the file was read: this one cannot take it yet.
    if (!net.ready) {
      loadMessage(() => t('load.notReady', { name: file.name }), true);
      return;
    }
    net.resetSent += 1;
    net.loadPending = { id: net.resetSent, name: file.name, superseded: net.resetSent - 1 !== net.resetAcked };
    loadMessage(() => t('load.loading', { name: file.name }));
    client.post({ type: 'load', id: net.resetSent, json });
  }

  /**
   * The worker took the file: the panel's controls show the loaded architecture, its
   * hidden activation (the file's "activation" key; none is sigmoid, as network2.py) and
   * its skips and batch normalisation (`"residual"`, `"batch_norm"`; none: off).
   */
  function onLoaded(sizes, { activation = 'sigmoid', residual = false, batchNorm = false, momentum } = {}) {
    const name = net.loadPending?.name ?? t('load.theFile');
    net.loadPending = null;
    net.loaded = { sizes, name };
    net.running = false;
    ui.running(false);
    const hidden = sizes.slice(1, -1);
    set('net.hidden', hidden.length);
    set('net.activation', activation);
    set('net.residual', residual);
    set('net.batchNorm', batchNorm);
    if (hidden.every((w) => w === hidden[0]) && app.limits()?.widths.includes(hidden[0])) set('net.width', hidden[0]);
    ui.loadedArchitecture(hidden);
    // The file's training setting "momentum" (none: the panel's stays): the panel offers a
    // few μ, so a file's other μ becomes the nearest of them, and the message says so.
    let nearest = null;
    if (momentum) {
      nearest = MOMENTA.reduce((a, b) => (Math.abs(b - momentum.mu) < Math.abs(a - momentum.mu) ? b : a));
      set('net.momentum', nearest);
      set('net.nesterov', momentum.nesterov);
      set('net.schedule', momentum.schedule);
    }
    const moved = nearest !== null && Math.abs(nearest - momentum.mu) > 1e-9;
    loadMessage(() => t('load.done', { name, sizes: sizes.join(', ') }) + (moved ? ` ${t('load.momentumNearest', { mu: momentum.mu, nearest })}` : ''));
  }

  function onLoadError(msg) {
    if (msg.id !== net.resetSent) return;
    const p = net.loadPending;
    net.loadPending = null;
    net.resetAcked = msg.id;
    loadMessage(() => t('load.refused', { name: p?.name ?? '?', message: workerError(msg) }), true);
    if (msg.fatal) report('where.loading', () => workerError(msg));
    // A reset superseded by the load (or asked for meanwhile) is due now.
    if (p?.superseded || net.resetWanted) requestReset();
  }

  function downloadNetwork() {
    if (!net.ready) return;
    client.post({ type: 'network', id: (net.networkRequests = (net.networkRequests ?? 0) + 1) });
  }

  function onNetwork(msg) {
    const epoch = msg.epoch ?? hooks.snapshot?.epoch ?? 0;
    const sizes = msg.sizes ?? net.loaded?.sizes ?? [784, ...Array(state['net.hidden']).fill(state['net.width']), 10];
    saveFile(new Blob([msg.json], { type: 'application/json' }), `network-${sizes.join('-')}-epoch-${epoch}.json`);
  }

  return { loadMessage, loadNetwork, onLoaded, onLoadError, downloadNetwork, onNetwork };
}
