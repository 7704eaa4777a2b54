// Fault recovery for the training worker (issue "Hardening"): a heartbeat that notices a
// worker which stopped answering, and the bookkeeping of restarts. main.js decides what
// to restore (the settings and the last checkpointed network); this module decides when.
//
// Pure of the DOM and of wasm: it gets `post` and `dead` callbacks.

/**
 * Ping every `everyMs` while `alive()`; call `dead()` when a ping stays unanswered for
 * `timeoutMs`. The worker answers between its ≤ 12 ms work slices (worker.js SLICE_MS),
 * so an answer is due within milliseconds; 10 s covers its longest single call (reading an
 * 8 MB network file, ~1 s) with a wide margin, and a background tab's throttled timers
 * (one tick a minute) cannot fake a death: the answer arrives as a message, unthrottled.
 */
import { t } from './i18n.js';

export function heartbeat({ post, dead, alive, everyMs = 2000, timeoutMs = 10_000 }) {
  let waiting = null;
  let seq = 0;
  const timer = setInterval(() => {
    if (!alive()) {
      waiting = null;
      return;
    }
    if (waiting) {
      if (performance.now() - waiting.at > timeoutMs) {
        waiting = null;
        dead();
      }
      return;
    }
    waiting = { seq: ++seq, at: performance.now() };
    post({ type: 'ping', seq });
  }, everyMs);
  return {
    pong(s) {
      if (waiting?.seq === s) waiting = null;
    },
    /** Forget an outstanding ping (a new worker was started). */
    reset() {
      waiting = null;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/**
 * Restarts allowed: at most `max` within `windowMs`. A core that panics on every start
 * (say, on corrupt data that parsed) would otherwise restart forever; three in a minute
 * is more than a bug hit by chance and fewer than a loop.
 */
export function restartBudget({ max = 3, windowMs = 60_000 } = {}) {
  const times = [];
  return () => {
    const t = performance.now();
    while (times.length && t - times[0] > windowMs) times.shift();
    if (times.length >= max) return false;
    times.push(t);
    return true;
  };
}

/** What the page says after a restart, in the network panel's notice. */
export function restartNotice(reason, restoredEpochs, asked = false) {
  const why = reason ? t('restart.why', { reason: reason.replace(/[.\s]+$/, '') }) : '';
  if (asked) return t('restart.asked', { why });
  return restoredEpochs > 0 ? t('restart.restored', { why, n: restoredEpochs }) : t('restart.fresh', { why });
}
