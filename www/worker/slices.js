// The worker's timing: work runs in slices of ~12 ms, yielding to the event loop between
// them (through a MessageChannel, which is not clamped like setTimeout), so "pause",
// "step" and new settings get through at once; and errors as the page receives them.

/** Milliseconds of work per slice, and the target length of one call into the core. */
export const SLICE_MS = 12;
const CALL_MS = 6;

/**
 * The next call's size `k` after one took `dt` ms: twice as much below CALL_MS / 2, half
 * above 2 · CALL_MS, at most `max` — so each call takes about CALL_MS whatever the network.
 */
export const adapt = (k, dt, max = 4096) => (dt < CALL_MS / 2 ? Math.min(max, k * 2) : dt > CALL_MS * 2 ? Math.max(1, Math.floor(k / 2)) : k);

export const now = () => performance.now();
export const post = (msg) => postMessage(msg);

export const isPanic = (e) => e instanceof WebAssembly.RuntimeError;

/** The message of anything thrown; a wasm panic arrives as a `RuntimeError`. */
export function describe(e) {
  // main.js restarts the worker after a panic, so no "please reload" here.
  if (isPanic(e)) return `internal error in the wasm core (${e.message})`;
  return e?.message ?? String(e);
}

/**
 * An error for the page: the core's `code` and `details` (src/web/error.rs), `message` in
 * English (for logs), and for a panic the core's own words apart (`panic`), so the page
 * can say the sentence around them in its language.
 */
export const failure = (e) => ({
  message: describe(e),
  fatal: isPanic(e),
  ...(isPanic(e) ? { panic: e.message } : {}),
  ...(e?.code ? { code: e.code, details: e.details } : {}),
});

/** One scheduler: `tick(budget)` of each client runs in turn while any has work. */
export function createScheduler(clients) {
  let scheduled = false;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    scheduled = false;
    for (const c of clients) {
      try {
        if (c.busy()) c.tick(SLICE_MS);
      } catch (e) {
        c.failed(e);
      }
    }
    if (clients.some((c) => c.busy())) schedule();
  };
  function schedule() {
    if (!scheduled) {
      scheduled = true;
      channel.port2.postMessage(0);
    }
  }
  return schedule;
}
