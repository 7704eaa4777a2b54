// The only module that touches the DOM (as in tfjs-examples/mnist). main.js tells it what
// to show; it tells main.js what the reader did, through the handlers given to `bind`.
// Canvases are sized in device pixels by ui/canvas.js and handed to a drawing function.

import { WIDTHS, chainWeight, chainWeightPos, gainOf } from './state.js';
import { num, weight, sup, finite, nonFinite } from './format.js';
import { speedSentence } from './chartdata.js';
import { t, tn, language, applyPage } from './i18n.js';
import { regimeHtml, chainTableHtml } from './ui/chain.js';
import { normsTableHtml, depthTableHtml } from './ui/tables.js';
import { createCanvases } from './ui/canvas.js';
import { labelChoices, reflectChoice, CHOICES, SWITCHES } from './ui/choices.js';

const $ = (id) => document.getElementById(id);

/** The charts' layer series, in order: CSS variables (style.css), the light or dark theme's. */
const SERIES = ['--s1', '--s2', '--s3', '--s4', '--s5', '--s6', '--s7', '--s8'].map((v) => `var(${v})`);


export function createUI(state) {
  const handlers = {};
  const call = (name, ...args) => handlers[name]?.(...args);

  // ------------------------------------------------------------ initial values
  const widthSelect = $('net-width');
  for (const w of WIDTHS) widthSelect.add(new Option(String(w), String(w)));
  labelChoices();

  /** Show setting `key`; a focused field keeps what is typed in it, unless `force`. */
  function reflect(key, force = false) {
    const v = state[key];
    if (reflectChoice(key, v)) return;
    switch (key) {
      // aria-valuetext: a screen reader announces the value the page shows, not the
      // slider's internal position (the weight and gain sliders are logarithmic).
      case 'chain.layers':
        $('chain-layers').value = v;
        $('chain-layers').setAttribute('aria-valuetext', tn('aria.neurons', v));
        $('chain-layers-out').textContent = v;
        break;
      case 'chain.w':
        $('chain-w').value = chainWeightPos(v);
        $('chain-w').setAttribute('aria-valuetext', `w = ${weight(v)}`);
        $('chain-w-out').textContent = weight(v);
        $('chain-w-out').classList.remove('random');
        if (document.activeElement !== $('chain-w-num')) $('chain-w-num').value = v;
        break;
      case 'chain.bias':
        $('chain-bias-fixed').checked = v === 'fixed';
        $('chain-bias-zero').checked = v === 'zero';
        $('chain-b').disabled = v === 'zero';
        break;
      case 'chain.b':
        if (document.activeElement !== $('chain-b')) $('chain-b').value = v;
        $('chain-b').placeholder = '';
        break;
      case 'chain.a0':
        if (document.activeElement !== $('chain-a0')) $('chain-a0').value = v;
        break;
      case 'lang':
        // '' follows the browser: the select shows the language in use either way.
        $('lang').value = language();
        break;
      case 'theme':
        // '' follows the system: the select says so ("System"), unlike the language's.
        $('theme').value = v;
        break;
      case 'net.hidden':
        $('net-hidden').value = v;
        $('net-hidden').setAttribute('aria-valuetext', tn('aria.hidden', v));
        $('net-hidden-out').textContent = v;
        break;
      case 'net.gainPos': {
        const g = gainOf(v);
        $('net-gain').value = v;
        $('net-gain').setAttribute('aria-valuetext', t('aria.gain', { g: g < 1 ? g.toPrecision(2) : g.toFixed(1) }));
        $('net-gain-out').textContent = num(g, 3);
        break;
      }
      default: {
        const id = key.replace('.', '-');
        const el = $(id);
        if (el && (force || document.activeElement !== el)) el.value = String(v);
      }
    }
  }
  const all = () => Object.keys(state).forEach(reflect);
  all();

  // ------------------------------------------------------------ events
  const on = (id, type, fn) => $(id).addEventListener(type, fn);
  const numberValue = (el) => (el.value.trim() === '' || !Number.isFinite(el.valueAsNumber) ? null : el.valueAsNumber);

  on('chain-layers', 'input', (e) => call('setting', 'chain.layers', Number(e.target.value)));
  on('chain-w', 'input', (e) => call('setting', 'chain.w', chainWeight(Number(e.target.value)), { fromSlider: true }));
  on('chain-w-num', 'input', (e) => {
    const v = numberValue(e.target);
    if (v !== null) call('setting', 'chain.w', v);
  });
  on('chain-w-num', 'change', (e) => {
    // As chain-b: leave the field so it shows the value in use (clamped, see limitNote).
    e.target.blur();
    reflect('chain.w');
  });
  for (const id of ['chain-bias-fixed', 'chain-bias-zero']) on(id, 'input', (e) => call('setting', 'chain.bias', e.target.value));
  on('chain-b', 'input', (e) => {
    const v = numberValue(e.target);
    if (v !== null) call('setting', 'chain.b', v);
  });
  on('chain-a0', 'input', (e) => {
    const v = numberValue(e.target);
    if (v !== null) call('setting', 'chain.a0', v);
  });
  for (const id of ['chain-b', 'chain-a0']) on(id, 'change', (e) => {
    // A blank or out-of-range entry snaps back to the value in use.
    e.target.blur();
    reflect(id === 'chain-b' ? 'chain.b' : 'chain.a0');
  });
  on('lang', 'change', (e) => call('setting', 'lang', e.target.value));
  on('theme', 'change', (e) => call('setting', 'theme', e.target.value));
  on('preset-random', 'click', () => call('presetRandom'));
  on('preset-explode', 'click', () => call('presetExplode'));

  on('net-hidden', 'input', (e) => call('setting', 'net.hidden', Number(e.target.value)));
  on('net-gain', 'input', (e) => call('setting', 'net.gainPos', Number(e.target.value)));
  on('net-width', 'change', (e) => call('setting', 'net.width', Number(e.target.value)));
  for (const [id, key] of Object.entries(CHOICES)) on(id, 'change', (e) => call('setting', key, e.target.value));
  for (const [id, key] of Object.entries(SWITCHES)) on(id, 'change', (e) => call('setting', key, e.target.checked));
  for (const key of ['net.eta', 'net.lambda', 'net.miniBatch', 'net.epochs', 'net.seed']) {
    const el = $(key.replace('.', '-'));
    el.addEventListener('change', () => {
      call('setting', key, el.value);
      el.value = String(state[key]);
    });
  }
  on('net-start', 'click', () => call('startPause'));
  on('net-step', 'click', () => call('step'));
  on('net-reset', 'click', () => call('reset'));
  on('net-download', 'click', () => call('downloadNetwork'));
  // The file input stays hidden; its button opens the browser's file chooser.
  on('net-load', 'click', () => $('net-file').click());
  on('net-file', 'change', (e) => {
    const file = e.target.files?.[0];
    e.target.value = ''; // the same file again is a new choice
    if (file) call('loadNetwork', file);
  });

  for (const key of ['book.seed', 'book.normSeeds', 'book.speedEpochs', 'book.depthEpochs', 'book.depthRuns', 'book.speedHidden']) {
    const el = $(key.replace('.', '-'));
    el.addEventListener('change', () => {
      call('setting', key, el.value);
      el.value = String(state[key]);
    });
  }
  for (const kind of ['bars', 'norms', 'speed', 'depth']) on(`book-${kind}-run`, 'click', () => call('bookRun', kind));

  on('banner-close', 'click', () => {
    $('banner').hidden = true;
  });

  // Redraw when a chart's width changes (rotation, window resize).
  // Canvases redraw when their width, the pixel ratio or full screen changes (ui/canvas.js).
  const { paint, size } = createCanvases((ids) => call('resize', ids));

  // ------------------------------------------------------------ the chain
  function showChain(r, ctx) {
    const L = r.terms.length;
    $('chain-readout').className = `readout ${(r.regime || '').toLowerCase()}`;
    $('chain-regime').innerHTML = regimeHtml(r, ctx);
    const mean = r.meanTerm;
    setNumber($('chain-dcdb1'), r.dcDb1);
    const product = L > 1 ? r.terms.slice(1).reduce((a, t) => a * t, 1) : null;
    setNumber($('chain-product'), product, L > 1 ? null : t('chain.oneNeuron'));
    setNumber($('chain-mean'), mean, mean === null || mean === undefined ? t('chain.oneNeuron') : null);
    chainTable(r, ctx);
  }

  function setNumber(el, v, text = null) {
    if (text !== null) {
      el.textContent = text;
      el.classList.remove('nonfinite');
      return;
    }
    el.textContent = num(v);
    el.classList.toggle('nonfinite', !finite(v));
  }

  function chainTable(r, ctx) {
    $('chain-table').innerHTML = chainTableHtml(r, ctx.w, ctx.act, ctx.residual);
  }

  /** The chain's controls in "random weights" mode: the slider shows "random" until moved. */
  function showChainRandom(random) {
    if (random) {
      $('chain-w-out').textContent = t('chain.random');
      $('chain-w').setAttribute('aria-valuetext', t('aria.wRandom'));
      $('chain-w-out').classList.add('random');
      $('chain-w-num').value = '';
      $('chain-b').value = '';
      $('chain-b').placeholder = t('chain.random');
    } else {
      reflect('chain.w');
      reflect('chain.b');
    }
  }

  // ------------------------------------------------------------ figures
  function showFigure(id) {
    const fig = $(id).closest('figure');
    if (fig.hidden) fig.hidden = false;
  }

  // ------------------------------------------------------------ the network panel
  function networkEnabled(on) {
    for (const id of ['net-start', 'net-step', 'net-reset', 'net-download', 'net-load']) $(id).disabled = !on;
  }

  /**
   * The width control for a loaded network (`hidden`: its hidden widths; null: none). A
   * width the select does not offer, or layers of different widths, show as an extra
   * option naming them, until the next fresh network.
   */
  function loadedArchitecture(hidden) {
    const select = $('net-width');
    select.querySelector('option.loaded')?.remove();
    if (hidden && !(hidden.every((w) => w === hidden[0]) && WIDTHS.includes(hidden[0]))) {
      const o = new Option(t('net.loadedWidths', { widths: hidden.join(', ') }), 'loaded', true, true);
      o.className = 'loaded';
      select.add(o);
      select.value = 'loaded';
    } else if (!hidden) {
      select.value = String(state['net.width']);
    }
  }
  /** The outcome of loading a network file, in words; `error` marks a refusal. */
  function loadMessage(text, error = false) {
    const el = $('net-load-msg');
    el.hidden = !text;
    el.textContent = text || '';
    el.classList.toggle('failed', error);
  }
  /** The key result in words for screen readers (a polite live region, visually hidden). */
  function announce(text) {
    $('net-summary').textContent = text;
  }
  let runningNow = false;
  function running(on) {
    runningNow = on;
    const b = $('net-start');
    b.textContent = on ? t('net.pause') : t('net.start');
    b.classList.toggle('running', on);
    $('net-step').disabled = on || b.disabled;
  }
  function status(text, kind = '') {
    const el = $('net-status');
    el.textContent = text;
    el.className = `status ${kind}`;
  }
  function progress(fraction) {
    $('net-progress').style.transform = `scaleX(${Math.min(1, Math.max(0, fraction)).toFixed(4)})`;
  }
  function notice(id, text) {
    const el = $(id);
    el.hidden = !text;
    el.textContent = text || '';
  }

  /** A setting's limit, stated under its number field (limits.js); '' removes it. */
  function limitNote(key, text) {
    const input = $(key === 'chain.w' ? 'chain-w-num' : key.replace('.', '-'));
    if (!input || input.type !== 'number') return;
    const id = `${input.id}-limit`;
    let note = $(id);
    if (!note) {
      if (!text) return;
      note = document.createElement('small');
      note.id = id;
      note.className = 'limit-note';
      note.setAttribute('role', 'status');
      const field = input.closest('.field');
      if (field) field.append(note);
      else (input.closest('label') ?? input).after(note);
      input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') ?? ''} ${id}`.trim());
    }
    note.hidden = !text;
    note.textContent = text;
  }

  /** ‖δ^l‖ per layer as coloured chips, and how much slower layer 1 learns than the last. */
  function norms(values) {
    const ul = $('net-norms');
    const items = values.map((v, i) => {
      const li = document.createElement('li');
      li.style.setProperty('--c', SERIES[i % SERIES.length]);
      li.innerHTML = `<span>‖δ${sup(i + 1)}‖</span> <b class="${finite(v) ? '' : 'nonfinite'}">${num(v)}</b>`;
      return li;
    });
    if (values.length > 1) {
      const li = document.createElement('li');
      li.className = 'summary';
      li.textContent = speedSentence(values);
      items.push(li);
    }
    ul.replaceChildren(...items);
  }

  // ------------------------------------------------------------ the chapter
  function bookEnabled(on) {
    for (const kind of ['bars', 'norms', 'speed', 'depth']) $(`book-${kind}-run`).disabled = !on;
  }
  const RUN_LABEL = (kind) => t(`book.run.${kind}`);
  const bookBusy = {};
  function bookRunning(kind, on) {
    bookBusy[kind] = on;
    const b = $(`book-${kind}-run`);
    b.textContent = on && (kind === 'speed' || kind === 'depth') ? t('book.cancel') : RUN_LABEL(kind);
    b.classList.toggle('running', on && (kind === 'speed' || kind === 'depth'));
  }
  function bookStatus(kind, text, failed = false) {
    const el = $(`book-${kind}-status`);
    el.textContent = text;
    el.classList.toggle('failed', failed);
  }

  /** (b): for each depth, this page's mean ± std per layer beside the book's values. */
  function normsTable(rows, book) {
    const table = $('book-norms-table');
    table.innerHTML = normsTableHtml(rows, book);
    table.hidden = false;
  }

  /** (d): final accuracy by depth beside the book's. */
  function depthTable(rows, book, current, epochs) {
    const table = $('book-depth-table');
    table.innerHTML = depthTableHtml(rows, book, current, epochs);
    table.hidden = false;
  }

  // ------------------------------------------------------------ errors
  /** Show `text` in the error banner; `show` false only rewords it (a language switch), leaving it closed if it was. */
  function banner(text, show = true) {
    $('banner-text').textContent = text;
    if (show) $('banner').hidden = false;
  }

  /**
   * Show the page in the language just chosen (www/i18n.js `setLanguage`): the static
   * text, then everything this module wrote itself. main.js redraws the charts and
   * re-sends what it composes (statuses, the chain's sentence, tables).
   */
  function applyLanguage() {
    applyPage(document);
    labelChoices();
    all();
    running(runningNow);
    for (const kind of ['bars', 'norms', 'speed', 'depth']) bookRunning(kind, !!bookBusy[kind]);
  }

  /** The page's colours: 'light' or 'dark' (style.css `:root[data-theme="dark"]`). */
  function theme(name) {
    document.documentElement.dataset.theme = name;
  }

  return {
    applyLanguage,
    theme,
    bind(h) {
      Object.assign(handlers, h);
    },
    reflect,
    reflectAll: all,
    limitNote,
    showChain,
    showChainRandom,
    paint,
    size,
    showFigure,
    networkEnabled,
    loadedArchitecture,
    loadMessage,
    announce,
    running,
    status,
    progress,
    notice,
    norms,
    bookEnabled,
    bookRunning,
    bookStatus,
    normsTable,
    depthTable,
    banner,
    nonFinite,
  };
}
