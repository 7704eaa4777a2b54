// Links: the page's settings in the URL's hash (as tensorflow/playground keeps its state
// in `location.hash`), the widgets that can be embedded alone (`?embed=<widget>`), and the
// `<iframe>` snippet that embeds one. A link is input from anyone, so reading one never
// throws and says what it had to ignore or clamp.
//
// Scheme: index.html#chain.layers=5&chain.w=0.8            the whole page, those settings
//         index.html?embed=chain#chain.layers=5&chain.w=0.8  one widget, no page chrome
// The widget goes in the query (it picks what the page is), the settings in the hash (they
// change as the reader plays, with history.replaceState, and never reach the server).
//
// Pure module: no DOM, no wasm (the caller passes location's parts in).

import { SETTINGS, ARCHITECTURE, parse, encode } from './state.js';
import { t, hasString } from './i18n.js';

const keysWith = (prefix) => Object.keys(SETTINGS).filter((k) => k.startsWith(prefix));

/**
 * The widgets, each with the settings its embed link carries, whether it needs the
 * training worker (the chain is computed on the main thread and needs none), its title
 * (the iframe's accessible name) and the height it starts at before it reports its own.
 */
export const WIDGETS = {
  chain: { title: 'A chain of single neurons', keys: keysWith('chain.'), worker: false, height: 900 },
  bars: { title: 'The gradient in each hidden layer at initialisation', keys: ARCHITECTURE, worker: true, height: 760 },
  speed: { title: 'The speed of learning of each hidden layer while training', keys: keysWith('net.'), worker: true, height: 900 },
  network: { title: 'A neural network trained on MNIST in the browser', keys: keysWith('net.'), worker: true, height: 1800 },
  chapter: { title: "Chapter 5's results, reproduced", keys: keysWith('book.'), worker: true, height: 1400 },
  'chapter-bars': { title: 'The gradient at the start of training (the book’s bar chart)', keys: ['book.seed'], worker: true, height: 300 },
  'chapter-norms': { title: 'Gradient length per layer, 2 to 4 hidden layers', keys: ['book.seed', 'book.normSeeds'], worker: true, height: 300 },
  'chapter-speed': { title: 'The speed of learning over 500 epochs', keys: ['book.seed', 'book.speedHidden', 'book.speedEpochs'], worker: true, height: 300 },
  'chapter-depth': { title: 'Accuracy against the number of hidden layers', keys: ['book.seed', 'book.depthEpochs', 'book.depthRuns'], worker: true, height: 300 },
  compare: { title: 'A and B: two networks trained side by side', keys: keysWith('cmp.'), worker: true, height: 1700 },
  // The view inside the network (issue 10), open, with the panel's controls.
  inside: { title: 'Inside the network: each layer’s factor, its saturated units, and training', keys: [...keysWith('net.'), 'inside.open'], worker: true, height: 5000 },
};

/** Longest key or value quoted back in a notice: a hostile link may hold megabytes. */
const QUOTE = 32;
/** Most adjustments listed one by one in a notice. */
const LISTED = 6;

/**
 * Read a link: `search` and `hash` as in `location`. Returns {state, widget, anchor,
 * ignored, clamped, notice}: `widget` is null for the whole page (an unknown `embed` value
 * is ignored and the whole page shown); `anchor` is a section's id when the hash is one;
 * `notice` is the sentence to show, or ''.
 */
export function readLink(search = '', hash = '') {
  const h = String(hash).replace(/^#/, '');
  // A section's anchor (#network, from the table of contents) is not settings.
  const anchor = /^[A-Za-z][\w-]*$/.test(h) ? h : null;
  const { state, ignored, clamped } = parse(anchor ? '' : h);
  let widget = null;
  let query;
  try {
    query = new URLSearchParams(search);
  } catch {
    query = new URLSearchParams();
  }
  const asked = query.get('embed');
  if (asked !== null) {
    if (Object.hasOwn(WIDGETS, asked)) widget = asked;
    else ignored.unshift({ key: `embed=${asked}`, reason: 'no such widget', widgets: Object.keys(WIDGETS).join(', ') });
  }
  return { state, widget, anchor, ignored, clamped, notice: describe(ignored, clamped) };
}

/** The hash (without '#') holding `state`, limited to `keys` (default: every setting). */
export function hashOf(state, keys = null) {
  if (!keys) return encode(state);
  const only = {};
  for (const k of Object.keys(SETTINGS)) only[k] = keys.includes(k) ? state[k] : SETTINGS[k].def;
  return encode(only);
}

/** A link to the whole page in `state`; `base` is the page's URL without query or hash. */
export function pageLink(base, state) {
  const h = hashOf(state);
  return h ? `${base}#${h}` : base;
}

/**
 * The settings an embed of `widget` keeps in its link: its own, and the language and the
 * theme, so an embed speaks the language of its link and keeps the colours it was copied
 * in (a dark host page's embed stays dark).
 */
export const embedKeys = (widget) => [...WIDGETS[widget].keys, 'lang', 'theme'];

/** A link to `widget` alone, carrying only the settings it uses. */
export function embedLink(base, widget, state) {
  const h = hashOf(state, embedKeys(widget));
  return `${base}?embed=${encodeURIComponent(widget)}${h ? `#${h}` : ''}`;
}

/**
 * The `<iframe>` that embeds `widget` in `state` on another page. No style attribute, so
 * it passes a strict CSP on the host page too; `height` is where it starts (the widget
 * then reports its own height, see the README for the eight lines that apply it).
 */
export function embedCode(base, widget, state, height = WIDGETS[widget].height) {
  const src = embedLink(base, widget, state);
  return `<iframe src="${attr(src)}" title="${attr(`gradlab: ${WIDGETS[widget].title}`)}" width="100%" height="${Math.round(height)}" frameborder="0" loading="lazy" allow="clipboard-write; fullscreen" allowfullscreen></iframe>`;
}

/** The page's URL without query or hash, from `location.href`. */
export function baseOf(href) {
  const u = new URL(href);
  return `${u.origin}${u.pathname}`;
}

const attr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const quote = (s) => {
  const t = String(s);
  // Code points, not UTF-16 units, so an emoji is never cut in half.
  const cps = Array.from(t);
  return cps.length > QUOTE ? `${cps.slice(0, QUOTE).join('')}…` : t;
};

/** One sentence on what a link's settings needed, or '' when nothing did. */
export function describe(ignored, clamped) {
  // In the page's language (www/i18n.js); a reason without a translation is shown as is.
  // A quoted value is cut like a key: a hostile link may hold megabytes.
  const reason = (i) => (hasString(`link.why.${i.reason}`) ? t(`link.why.${i.reason}`, { ...i, value: quote(i.value ?? '') }) : i.reason);
  const items = [
    ...ignored.map((i) => t('link.ignored', { key: quote(i.key), why: reason(i) })),
    ...clamped.map((c) => t('link.clamped', { key: quote(c.key), to: c.to, from: quote(c.from) })),
  ];
  if (!items.length) return '';
  const shown = items.slice(0, LISTED).join(t('link.sep'));
  const more = items.length > LISTED ? t('link.more', { n: items.length - LISTED }) : '';
  return t('link.adjusted', { list: `${shown}${more}` });
}

/**
 * A function that calls `write()` once things have been quiet for `ms` (trailing
 * debounce): dragging a slider sends dozens of changes a second, and Chromium throttles
 * (and logs an error for) more than ~100 history.replaceState calls in 10 s.
 */
export function debounce(write, ms = 250) {
  let timer = 0;
  const run = () => {
    timer = 0;
    write();
  };
  const call = () => {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  call.flush = () => {
    if (timer) {
      clearTimeout(timer);
      run();
    }
  };
  return call;
}
