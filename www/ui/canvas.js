// The page's canvases, sized in device pixels for their CSS width (plotters-canvas draws in
// canvas pixels and knows no devicePixelRatio): each chart's CSS height follows its width,
// full screen draws everything larger for a room, and a new width, pixel ratio or full
// screen asks for a redraw.

const $ = (id) => document.getElementById(id);

/**
 * CSS height of each chart for a CSS width. The chain's three panels sit side by side
 * when the canvas is at least 1.8 times as wide as high (src/charts/chain.rs `chain_chart`),
 * which these heights make so from CHAIN_SIDE_BY_SIDE px on, and stack on a narrow screen.
 */
const CHAIN_SIDE_BY_SIDE = 620;
/**
 * In full screen (a teacher's projector) every chart is drawn ROOM times larger — laid out
 * for its width ÷ ROOM at ROOM times the pixel ratio — so the back row reads its labels;
 * style.css scales the page's type by as much.
 */
const ROOM = 1.5;
const HEIGHTS = {
  // The band view (src/charts/chain_band.rs): its two panels side by side from 780 px.
  'chain-band-canvas': (w) => (w >= 780 ? clamp(w / 2.3, 340, 480) : clamp(w * 2.1, 700, 820)),
  'chain-canvas': (w) => (w >= CHAIN_SIDE_BY_SIDE ? Math.round(Math.max(300, w / 2.05)) : Math.round(3 * Math.min(270, Math.max(230, w * 0.72)))),
  'net-bars': (w) => clamp(w * 0.75, 280, 330),
  'net-normchart': (w) => clamp(w * 0.75, 280, 330),
  'net-speed': (w) => clamp(w * 0.6, 300, 370),
  'net-training': (w) => clamp(w * 0.72, 360, 460),
  'book-bars': (w) => clamp(w * 0.55, 260, 340),
  'book-norms': (w) => clamp(w * 0.55, 260, 340),
  'book-speed': (w) => clamp(w * 0.6, 280, 400),
  'book-depth': (w) => clamp(w * 0.55, 260, 340),
  // Inside the network (www/app/inside.js): the factor chart's legend takes room.
  'inside-factors': (w) => clamp(w * 0.55, 380, 440),
  'inside-norms': (w) => clamp(w * 0.5, 280, 340),
  // A row of three histograms per hidden layer (the view sets data-rows).
  'inside-hist': (w, canvas) => (w < 560 ? 90 : 60) + Number(canvas.dataset.rows || 3) * (w < 560 ? 250 : clamp(w * 0.25, 185, 215)),
  // On a phone the title and legend wrap: more height, so the plot keeps its room.
  'inside-activations': (w) => clamp(w * 0.55, 360, 400),
  'inside-heatmap': (w) => clamp(w * 0.45, 280, 360),
  'inside-updates': (w) => clamp(w * 0.55, 360, 400),
};
const clamp = (v, lo, hi) => Math.round(Math.min(hi, Math.max(lo, v)));

/**
 * Watch every chart's canvas; `resized(ids)` is called with the canvases to redraw. Returns
 * {paint(id, draw)}: size canvas `id` and call `draw(canvas, dpr)`.
 */
export function createCanvases(resized) {
  const widths = new Map();
  const observer = new ResizeObserver((entries) => {
    const changed = [];
    for (const e of entries) {
      const w = Math.round(e.contentRect.width);
      const was = widths.get(e.target.id);
      widths.set(e.target.id, w); // 0 while hidden: `paint` then skips the canvas
      if (w > 0 && was !== w) changed.push(e.target.id);
    }
    if (changed.length) resized(changed);
  });
  for (const id of Object.keys(HEIGHTS)) observer.observe($(id));
  // A new device-pixel ratio (browser zoom, a window moved to another screen) needs new
  // canvas pixels even where the CSS width stayed; plain resizes are the observer's.
  let dpr = window.devicePixelRatio;
  // Entering or leaving full screen redraws at the room's scale (paint's ROOM).
  document.addEventListener('fullscreenchange', () => resized(Object.keys(HEIGHTS)));
  window.addEventListener('resize', () => {
    if (window.devicePixelRatio === dpr) return;
    dpr = window.devicePixelRatio;
    resized(Object.keys(HEIGHTS));
  });

  /** The CSS height of canvas `id` at CSS width `cssW` (full screen: laid out for a ROOM times narrower page). */
  function heightOf(id, canvas, cssW) {
    const room = document.fullscreenElement?.contains(canvas) && cssW >= 600 ? ROOM : 1;
    const laidOut = cssW / room;
    return { room, laidOut, cssH: Math.round((HEIGHTS[id] ? HEIGHTS[id](laidOut, canvas) : laidOut * 0.6) * room) };
  }

  /**
   * Only the CSS height of canvas `id` for its last observed width, before it is drawn: the
   * charts waiting for a later frame (app/charts.js draws a few per frame) take their new
   * height at once, so a page (an embed's iframe) settles on its height in one step.
   */
  function size(id) {
    const cssW = widths.get(id);
    if (!cssW) return;
    const canvas = $(id);
    const { cssH } = heightOf(id, canvas, cssW);
    if (canvas.style.height !== `${cssH}px`) canvas.style.height = `${cssH}px`;
  }

  /**
   * Size canvas `id` in device pixels for its CSS width and call `draw(canvas, dpr)`.
   * Returns `{value}` holding draw's result, or null when the canvas is not laid out (hidden).
   */
  function paint(id, draw) {
    const canvas = $(id);
    // The width the ResizeObserver last reported, not `clientWidth`: reading layout right
    // after the status line or an aria-label changed forces a synchronous layout, several
    // per frame while training. Only a canvas not yet observed is measured.
    const cssW = widths.has(id) ? widths.get(id) : canvas.clientWidth;
    if (cssW === 0) return null;
    const { room, laidOut, cssH } = heightOf(id, canvas, cssW);
    if (canvas.style.height !== `${cssH}px`) canvas.style.height = `${cssH}px`;
    // The chain's caption says "left/middle/right" or "top/middle/bottom" as it is drawn.
    if (id === 'chain-canvas') canvas.closest('figure').classList.toggle('stacked', laidOut < CHAIN_SIDE_BY_SIDE);
    const dpr = Math.min(4, Math.max(1, window.devicePixelRatio || 1));
    const w = Math.round(cssW * dpr);
    const h = Math.round(cssH * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    return { value: draw(canvas, dpr * room) };
  }

  return { paint, size };
}
