// The page's entry (as index.js in tfjs-examples/mnist): it reads the link, owns the
// settings, and wires the views — the chain (app/chain.js), the network panel
// (app/network.js), the chapter (app/chapter.js) — to ui.js, the only module touching the
// DOM, to the charts (app/charts.js) and to the training worker (app/worker-client.js).
// The main thread never trains.

import init, { book_numbers, limits as coreLimits, set_theme } from './pkg/gradlab.js';
import { clamp, networkSettings } from './state.js';
import { createUI } from './ui.js';
import { readLink, describe as describeLink, WIDGETS } from './url.js';
import { createShare } from './share.js';
import { registerOffline } from './offline.js';
import { inlined } from './inline.js';
import { round3 } from './format.js';
import { limitText } from './limits.js';
import { createChartTools } from './export.js';
import * as tables from './chartdata.js';
import { t, setLanguage, pickLanguage } from './i18n.js';
import { createReporter } from './app/report.js';
import { createCharts } from './app/charts.js';
import { createChain } from './app/chain.js';
import { createNetwork } from './app/network.js';
import { createChapter } from './app/chapter.js';
import { createCompare } from './app/compare.js';
import { createInside } from './app/inside.js';
import { createChainBand } from './app/chain-band.js';
import { createWorkerClient } from './app/worker-client.js';

// The settings are the link's (its hash; see url.js), or the defaults.
const link = readLink(location.search, location.hash);
const state = link.state;
// The embed of the view inside the network shows it open.
if (link.widget === 'inside') state['inside.open'] = 1;
// The language before the first word is shown: the link's, else the browser's.
setLanguage(pickLanguage(state.lang));
link.notice = describeLink(link.ignored, link.clamped); // in that language
const ui = createUI(state);
ui.applyLanguage();

/** Hooks for the browser tests and the benchmark (scripts/bench-page.mjs). */
const hooks = {
  state,
  /** Milliseconds of the last chain redraws (the chain's `draw` only), newest last. */
  chainTimings: [],
  /** Milliseconds of the last redraws of each worker-fed chart. */
  drawTimings: {},
  /** The last snapshot of the network panel, and every snapshot since the last reset. */
  snapshot: null,
  snapshots: [],
  /** The chapter's latest results by experiment. */
  book: {},
  status: 'loading',
  errors: [],
};
window.gradlab = hooks;
hooks.link = link;
const share = createShare(state, link, hooks);

const { report, safe, say, said, notice, sayBannerAgain } = createReporter({ ui, hooks });
window.addEventListener('error', (e) => report('error.unexpected', e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => report('error.unexpected', e.reason));

// Until the worker is ready (index.html's own words are English and carry no data-i18n).
say('status', () => t('status.loading'), (s) => ui.status(s));
// The link's notice, shown by createShare (above) in the language the page opened in.
said.set('url-notice', { compose: () => describeLink(link.ignored, link.clamped), show: share.notice });

/** The book's numbers and the page's limits, from the core once its wasm is up (start). */
let bookNumbers = null;
let pageLimits = null;

/** The first chart on screen, for scripts/budgets.mjs (budget: 1 s after navigation). */
function markFirstChart() {
  if (!performance.getEntriesByName('first-chart', 'mark').length) performance.mark('first-chart');
}
const charts = createCharts({ ui, safe, hooks, ready: () => hooks.wasmReady });
charts.onDrawn(markFirstChart);

/** Set one setting (clamped) and reflect it in its control. */
function set(key, value) {
  state[key] = clamp(key, value, state[key]);
  ui.reflect(key);
  share.changed();
  return state[key];
}

const client = createWorkerClient({ wanted: !link.widget || WIDGETS[link.widget].worker, hooks, report, notice });
const app = { state, ui, hooks, say, said, notice, report, safe, set, charts, client, markFirstChart, book: () => bookNumbers, limits: () => pageLimits };
const chain = createChain(app);
const network = createNetwork(app);
const chapter = createChapter({ ...app, ready: () => network.net.ready });
const compare = createCompare({ ...app, ready: () => network.net.workerReady && hooks.wasmReady });
// Inside the network (issue 10): its own wasm module, loaded when the view opens.
const inside = createInside({ ...app, network, dark: () => themeName() === 'dark', inlinedInside: inlined?.inside });
client.connect({ network, chapter, compare, inside });
// The chain's band view: the second module too, loaded when its switch is turned on.
const band = createChainBand({ ...app, chain, dark: () => themeName() === 'dark', inlinedInside: inlined?.inside });
chain.onUpdate(band.update);

// ---------------------------------------------------------------- downloads and text alternatives

/** Each chart's numbers (chartdata.js), and its SVG (the same description as its canvas). */
const withSvg = (sources) => Object.fromEntries(Object.entries(sources).map(([id, src]) => [id, { ...src, svg: charts.asSvg[id] }]));
const { net } = network;
const { book } = chapter;
/**
 * The settings a chart's JSON download carries: the network's (a loaded file's sizes), or
 * the chain's. With batch normalisation the network's tables say β where they said b.
 */
const loadedSettings = () => ({ sizes: net.loaded.sizes, activation: state['net.activation'], residual: state['net.residual'], batchNorm: state['net.batchNorm'], file: net.loaded.name });
const netSettings = (table) => ({ ...tables.withBeta(table, state['net.batchNorm']), settings: net.loaded ? loadedSettings() : networkSettings(state) });
const chainSettings = (table) => ({ ...table, settings: { activation: state['chain.act'], residual: state['chain.residual'], layers: state['chain.layers'], bias: state['chain.bias'], a0: state['chain.a0'], seed: state['chain.seed'] } });
charts.setTools(
  createChartTools(
    withSvg({
      'chain-canvas': {
        numbers: false, // the chain has its own table, "Every neuron's numbers"
        table: () => chainSettings(tables.chainTable(hooks.chainReport, chain.inputs().w, state['chain.act'], state['chain.residual'])),
      },
      'net-bars': { table: () => netSettings(tables.barsTable(hooks.snapshot?.probe)) },
      'net-normchart': {
        table: () => netSettings(tables.normsTable(hooks.snapshot ? network.normsOf(hooks.snapshot) : [], hooks.snapshot ? network.bookNormsFor(hooks.snapshot.epoch) : [])),
      },
      'net-speed': { table: () => netSettings(tables.speedTable(net.history)) },
      'net-training': { table: () => netSettings(tables.trainingTable(net.accuracy, net.cost)) },
      'book-bars': { table: () => tables.barsTable(book.results.bars, t('cd.bookBars.title')) },
      'book-norms': { table: () => tables.bookNormsTable(book.results.norms ?? [], bookNumbers) },
      'book-speed': { table: () => tables.speedTable(book.results.speed ?? [], t('cd.bookSpeed.title')) },
      'book-depth': { table: () => tables.depthTable(book.results.depth ?? [], bookNumbers?.depthAccuracy ?? []) },
      ...compare.tables,
      ...inside.tables,
      ...band.tables,
    }),
    (where, e, vars) => report(where, e, vars),
  ),
);

// ---------------------------------------------------------------- settings

function onSetting(key, value, opts = {}) {
  if (key === 'chain.w' && opts.fromSlider) value = round3(value);
  const before = state[key];
  set(key, value);
  if (key === 'lang') {
    applyLanguage();
    return;
  }
  if (key === 'theme') {
    applyTheme();
    return;
  }
  const used = state[key];
  say(`limit-${key}`, () => limitText(key, value, used), (s) => ui.limitNote(key, s));
  if (key.startsWith('chain.')) {
    if (key === 'chain.band') band.fromState();
    chain.onSetting(key);
    return;
  }
  if (state[key] !== before) network.onSetting(key);
}

/**
 * The page in the language just chosen (state.lang; '' = the browser's): the static text
 * and the controls (ui.js), then everything composed by the views, and every chart, whose
 * labels come from the language file through the wasm core.
 */
function applyLanguage() {
  setLanguage(pickLanguage(state.lang));
  ui.applyLanguage();
  // ui.applyLanguage re-reflects every setting: put back what the settings do not hold —
  // the random chain's "random" readout and a loaded network's widths.
  ui.showChainRandom(chain.isRandom());
  network.applyLanguage();
  chain.update();
  chapter.applyLanguage();
  compare.applyLanguage();
  inside.applyLanguage();
  // What stays on screen until replaced — the chapter's statuses, limit notes, notices, the
  // outcome of loading a file, a failed status, the link's notice, the copy buttons' "Copied."
  // and the banner (left closed if it was) — said again in the new language.
  for (const [slot, { compose, show }] of said) if (slot !== 'status' || !net.ready) show(compose());
  share.applyLanguage();
  sayBannerAgain();
  if (hooks.snapshot) network.announce();
  charts.invalidate(...charts.ids());
}

// ---------------------------------------------------------------- theme

/** The system's colour scheme, followed while the `theme` setting is '' (the default). */
const systemDark = window.matchMedia?.('(prefers-color-scheme: dark)');
const themeName = () => state.theme || (systemDark?.matches ? 'dark' : 'light');

/**
 * The page in the theme the setting (or the system) asks for: its colours (style.css, on
 * <html>, which www/embed-boot.js set before the first paint), then every chart redrawn
 * by the core in that theme (the SVG downloads follow).
 */
function applyTheme() {
  const name = themeName();
  ui.theme(name);
  if (hooks.wasmReady) set_theme(name === 'dark');
  charts.invalidate(...charts.ids());
}
// A system switching to dark (or back) while the page is open, when it follows the system.
systemDark?.addEventListener?.('change', () => {
  if (!state.theme) applyTheme();
});
ui.theme(themeName());

/**
 * A hash typed into the address bar (or a link followed within the page): apply it as if
 * the page had been opened at it. A plain section anchor (#network) changes nothing.
 */
function applyLink() {
  const next = readLink(location.search, location.hash);
  if (next.anchor) {
    share.changed(); // put the settings back in the address
    return;
  }
  say('url-notice', () => describeLink(next.ignored, next.clamped), share.notice);
  const before = { ...state };
  for (const key of Object.keys(state)) {
    state[key] = next.state[key];
    ui.reflect(key);
  }
  chain.fromSettings();
  chain.update();
  band.fromState();
  const changed = (keys) => keys.some((k) => before[k] !== state[k]);
  if (changed(['lang'])) applyLanguage();
  if (changed(['theme'])) applyTheme();
  network.onLink(changed);
  compare.onLink();
  if (changed(['inside.open'])) inside.fromState();
}
window.addEventListener('hashchange', applyLink);

ui.bind({
  setting: onSetting,
  presetRandom: chain.presetRandom,
  presetExplode: chain.presetExplode,
  startPause: network.startPause,
  step: network.step,
  reset: () => network.requestReset(),
  loadNetwork: network.loadNetwork,
  downloadNetwork: network.downloadNetwork,
  bookRun: chapter.run,
  resize: (ids) => charts.invalidate(...ids),
});

// ---------------------------------------------------------------- start

async function start() {
  try {
    await init(inlined ? { module_or_path: await inlined.wasm() } : undefined); // the single file's own copy
  } catch (e) {
    report('where.wasm', e);
    hooks.status = 'wasm-error';
    return;
  }
  bookNumbers = JSON.parse(book_numbers());
  pageLimits = JSON.parse(coreLimits());
  hooks.wasmReady = true;
  set_theme(themeName() === 'dark'); // before the first chart
  // The link's "book's N(0,1) weights": the same seed gives the same chain.
  if (state['chain.seed'] >= 0) chain.fromSettings();
  chain.update();
  band.fromState(); // a link with the band view on loads its module now
  if (network.net.workerReady) compare.enable(true);
  charts.invalidate(...network.NET_CHARTS, ...chapter.drawn(), ...compare.drawn());
  if (state['inside.open']) inside.fromState(); // a link that opens the view inside the network
}
// Elements made above (chart tools, embed rows) carry data-i18n keys: translate them too.
ui.applyLanguage();
hooks.ready = start();
// The single file has no service worker to register: it is all one file, already offline.
hooks.ready.then(() => (inlined ? null : registerOffline(hooks)));
