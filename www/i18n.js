// Languages of the page. Every word the page shows in a language lives in one file,
// `www/i18n/<code>.js`, so a third language is a file (and one line in LANGUAGES), not a
// code change:
//   page   – the static text of index.html, keyed by `data-i18n="key"` (sets innerHTML)
//            and `data-i18n-attr="aria-label:key title:key2"` (sets attributes);
//   ui     – the sentences ui.js and main.js compose, with {name} placeholders;
//   charts – the chart labels, a partial ChartText (src/charts/text.rs) the wasm core reads.
// English is the page as written: index.html itself for `page` (read once, at start, so
// switching back restores it), and en.js for `ui` and `charts` (empty: the core's default).
//
// Pure apart from `applyPage`, which ui.js calls (ui.js owns the DOM).
import en from './i18n/en.js';
import zh from './i18n/zh.js';

export const LANGUAGES = { en, zh };

let current = 'en';
/** English page text and attributes, captured from index.html before the first translation. */
const original = new Map();
const originalAttrs = new Map();

/** The language to start in: the link's `lang`, else the browser's first known language. */
export function pickLanguage(requested, browser = globalThis.navigator?.languages ?? []) {
  if (requested && Object.hasOwn(LANGUAGES, requested)) return requested;
  for (const tag of browser) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (Object.hasOwn(LANGUAGES, base)) return base;
  }
  return 'en';
}

export const language = () => current;

/** Switch language (unknown codes fall back to English). Call `applyPage` to update the DOM. */
export function setLanguage(code) {
  current = Object.hasOwn(LANGUAGES, code) ? code : 'en';
  return current;
}

/** A UI sentence in the current language, with {name} placeholders filled from `vars`. */
export function t(key, vars) {
  const s = LANGUAGES[current].ui[key] ?? en.ui[key];
  if (s === undefined) throw new Error(`i18n: no string "${key}"`);
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(vars, k) ? String(vars[k]) : m)) : s;
}

/** Whether the current language (or English) has UI sentence `key`. */
export const hasString = (key) => LANGUAGES[current].ui[key] !== undefined || en.ui[key] !== undefined;

/** A sentence that depends on a count `n`: `key.one` when n = 1 and the language has it, else `key.other`. */
export function tn(key, n, vars = {}) {
  const hasOne = LANGUAGES[current].ui[`${key}.one`] !== undefined;
  return t(n === 1 && hasOne ? `${key}.one` : `${key}.other`, { n, ...vars });
}

/** The chart labels as the JSON the wasm draw_* functions take ('' = the core's English). */
const chartJson = new Map();
export function chartLabels() {
  if (!chartJson.has(current)) {
    const c = LANGUAGES[current].charts;
    chartJson.set(current, c && Object.keys(c).length ? JSON.stringify(c) : '');
  }
  return chartJson.get(current);
}

/**
 * The chain chart's labels when neurons 1..L−1 have activation `act` (a core name): the
 * language's chart labels with σ′ said f′ and f's peak (`chainF` of the language file);
 * with `residual` skips, the terms are 1 + w·σ′(z) (`chainRes`, σ′ said f′ as above).
 * The book's chain's are `chartLabels()`.
 */
export function chainLabels(act, residual = false) {
  const key = `${current}:${act}:${residual}`;
  if (act === 'sigmoid' && !residual) return chartLabels();
  if (!chartJson.has(key)) {
    const c = { ...LANGUAGES[current].charts };
    if (act !== 'sigmoid') {
      const f = LANGUAGES[current].chainF ?? en.chainF;
      const name = f.names[act] ?? act;
      Object.assign(c, { sigma: { ...f.sigma, title: f.sigma.title.replace('{f}', name) }, terms: f.terms, product: f.product });
      Object.assign(c, { peak: f.peak[act] ?? '', boundary: f.boundary, positive: f.positive, negative: f.negative });
    }
    if (residual) {
      const r = JSON.stringify(LANGUAGES[current].chainRes ?? en.chainRes);
      Object.assign(c, JSON.parse(act === 'sigmoid' ? r : r.replaceAll('σ′', 'f′')));
    }
    chartJson.set(key, JSON.stringify(c));
  }
  return chartJson.get(key);
}

/**
 * The network panel's chart labels: with batch normalisation the bias b is β, and the
 * speed of learning ‖∂C/∂β^l‖ (`netBeta` of the language file); without, `chartLabels()`.
 */
export function netLabels(batchNorm) {
  if (!batchNorm) return chartLabels();
  const key = `${current}:beta`;
  if (!chartJson.has(key)) chartJson.set(key, JSON.stringify({ ...LANGUAGES[current].charts, ...(LANGUAGES[current].netBeta ?? en.netBeta) }));
  return chartJson.get(key);
}

/**
 * The comparison's chart labels when side A and/or B is batch-normalised (`beta`:
 * {a, b}): there a layer's speed of learning is ‖∂C/∂βˡ‖, and the two charts of ‖·‖ say
 * so (`cmpBeta` of the language file); without batch norm, `chartLabels()`.
 */
export function compareLabels(beta) {
  const which = beta.a && beta.b ? 'both' : beta.a ? 'a' : beta.b ? 'b' : '';
  if (!which) return chartLabels();
  const key = `${current}:cmp:${which}`;
  if (!chartJson.has(key)) {
    const f = LANGUAGES[current].cmpBeta ?? en.cmpBeta;
    const q = f.q[which];
    const fill = (p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.replace('{q}', q)]));
    chartJson.set(key, JSON.stringify({ ...LANGUAGES[current].charts, compare_norms: fill(f.norms), compare_speed: fill(f.speed) }));
  }
  return chartJson.get(key);
}

/** Translate every `data-i18n`/`data-i18n-attr` element under `root` into the current language. */
export function applyPage(root = document) {
  const page = LANGUAGES[current].page;
  const embedded = !!(root.ownerDocument ?? root).documentElement?.dataset.embed;
  for (const el of root.querySelectorAll('[data-i18n]')) {
    // An embedded widget names its tab after itself (share.js): leave that title alone.
    if (embedded && el.tagName === 'TITLE') continue;
    const key = el.dataset.i18n;
    if (!original.has(el)) original.set(el, el.innerHTML);
    const text = current === 'en' ? original.get(el) : page[key];
    if (text !== undefined && el.innerHTML !== text) el.innerHTML = text;
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(/\s+/).filter(Boolean)) {
      const [attr, key] = pair.split(':');
      if (!originalAttrs.has(el)) originalAttrs.set(el, new Map());
      const attrs = originalAttrs.get(el);
      if (!attrs.has(attr)) attrs.set(attr, el.getAttribute(attr));
      const text = current === 'en' ? attrs.get(attr) : page[key];
      if (text != null) el.setAttribute(attr, text);
    }
  }
  const doc = root.ownerDocument ?? root;
  if (doc.documentElement) doc.documentElement.lang = LANGUAGES[current].htmlLang;
  const title = doc.querySelector?.('title[data-i18n]');
  if (title && !embedded) doc.title = title.textContent;
}
