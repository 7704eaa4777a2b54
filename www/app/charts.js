// The charts fed by the page: one registry of chart ids, each drawn by the core from one
// description (`draw` and `svg` in src/web.rs take the same `{kind: data}` JSON), so the
// canvas and its SVG download cannot disagree; and the redraw scheduling.
//
// Responsiveness: charts fed by the worker are redrawn in animation frames, a few
// milliseconds at a time (`invalidate`), so no task stays long; only the chain redraws
// synchronously, on every `input` event of its controls.

import { draw as drawChart, svg as svgChart } from '../pkg/gradlab.js';
import { chartLabels } from '../i18n.js';

/**
 * A frame's drawing budget in ms of script: after the first chart, the rest waits for the
 * next frame once this is spent. A main thread that shares its core with other work
 * stretches a task's wall time three- to fivefold, so a frame's CPU is kept small: up to
 * 6 ms of script, and paint and commit after it (`node scripts/bench-page.mjs --trace`).
 */
const FRAME_BUDGET = 6;
/**
 * Charts fed by a stream (an epoch every 30–60 ms while training, the chapter's runs) redraw
 * at most every LIVE_MS: ten times a second reads as live, and keeps the main thread's
 * share of a core small while training. The end of a run draws at once (`flushLive`).
 */
const LIVE_MS = 100;

/**
 * `ui.paint`, `safe` (a wasm call that reports its error), `hooks` (drawTimings), and
 * `ready()` (whether the main thread's wasm is up: before it, charts only collect).
 */
export function createCharts({ ui, safe, hooks, ready }) {
  /** Chart id → function drawing it on (canvas, dpr). */
  const onCanvas = {};
  /** Chart id → function drawing it as SVG (width, height), for its download (export.js). */
  const asSvg = {};
  const dirty = new Set();
  let frame = 0;
  const live = { ids: new Set(), timer: 0, last: -Infinity };
  let tools = null;
  let onFirst = () => {};
  /** For the tests: whether a redraw is still to come (a frame or a live redraw asked for). */
  hooks.redrawPending = () => frame !== 0 || live.timer !== 0 || dirty.size > 0;

  /**
   * Chart `id` is a `kind` of the core's `Chart` drawn from `data()`, the data it shows
   * now. `data()` null: nothing to draw yet (a chapter chart before its run): the canvas is
   * left alone, and the SVG draws `empty()`. `labels()`: its words (the chain's depend on
   * its activation).
   */
  function chart(id, kind, data, empty = data, labels = chartLabels) {
    const describe = (d) => JSON.stringify({ [kind]: d });
    onCanvas[id] = (canvas, dpr) => {
      const d = data();
      return d ? drawChart(canvas, describe(d), dpr, labels()) : undefined;
    };
    asSvg[id] = (w, h) => svgChart(describe(data() ?? empty()), w, h, labels());
  }

  function invalidate(...ids) {
    for (const id of ids) if (onCanvas[id]) dirty.add(id);
    if (!frame && dirty.size && ready()) frame = requestAnimationFrame(redraw);
  }

  function invalidateLive(...ids) {
    for (const id of ids) live.ids.add(id);
    if (live.timer) return;
    live.timer = setTimeout(flushLive, Math.max(0, live.last + LIVE_MS - performance.now()));
  }

  function flushLive() {
    clearTimeout(live.timer);
    live.timer = 0;
    live.last = performance.now();
    invalidate(...live.ids);
    live.ids.clear();
  }

  function redraw() {
    frame = 0;
    // Every chart waiting takes its new height now (style writes only); the drawing follows
    // a few charts per frame.
    for (const id of dirty) ui.size?.(id);
    const t0 = performance.now();
    // The chain first: it answers a slider the reader is dragging.
    const order = dirty.has('chain-canvas') ? ['chain-canvas', ...[...dirty].filter((id) => id !== 'chain-canvas')] : [...dirty];
    for (const id of order) {
      dirty.delete(id);
      paint(id);
      // A canvas's drawing is recorded by the script and rasterised after it, in the
      // frame's paint and commit (about as long again): the script's own time is only
      // half of what a chart costs the frame, hence the small budget.
      if (performance.now() - t0 > FRAME_BUDGET) break;
    }
    if (dirty.size) frame = requestAnimationFrame(redraw);
  }

  function paint(id) {
    const t = performance.now();
    const drawn = safe('where.drawing', () => ui.paint(id, onCanvas[id]), { id });
    if (drawn) onFirst();
    tools?.refresh(id);
    const times = (hooks.drawTimings[id] ??= []);
    if (drawn) {
      times.push(performance.now() - t);
      if (times.length > 100) times.shift();
    }
  }

  return {
    chart,
    invalidate,
    invalidateLive,
    flushLive,
    /** Drop a pending live redraw of `id` (its final redraw is asked for at once). */
    dropLive: (id) => live.ids.delete(id),
    onCanvas,
    asSvg,
    ids: () => Object.keys(onCanvas),
    /** The chart tools (export.js), refreshed after each redraw. */
    setTools: (t) => (tools = t),
    refresh: (id) => tools?.refresh(id),
    /** Called after every chart drawn (the page's first-chart mark). */
    onDrawn: (f) => (onFirst = f),
  };
}
