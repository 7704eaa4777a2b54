// Section 3, the chapter's experiments: the worker runs them (www/worker/chapter.js over
// the core's resumable runs); this view asks, shows progress and draws the results beside
// the book's numbers, which come from the core (`book_numbers`).

import { t, tn } from '../i18n.js';
import * as tables from '../chartdata.js';
import { workerError } from './report.js';

const { orInf } = tables;
const seeds = (first, n) => tn('seeds', n, { first, last: first + n - 1 });
const fmtNorm = (v) => (v === null ? '∞' : v.toPrecision(2));

/** `app`: {state, ui, hooks, say, report, charts, client, book(), ready()}. */
export function createChapter(app) {
  const { state, ui, hooks, say, report, charts, client } = app;
  const book = { id: 0, running: null, results: {}, params: null };
  const status = (kind, compose, failed = false) => say(`book-${kind}`, compose, (s) => ui.bookStatus(kind, s, failed));

  charts.chart('book-bars', 'bars', () => book.results.bars && { probe: book.results.bars }, () => ({ probe: { count: 0, layers: [] } }));
  charts.chart(
    'book-norms',
    'norms',
    () => {
      // The deepest network measured: 4 hidden layers once the run is done.
      const all = book.results.norms;
      const row = all?.find((r) => r.hidden === 4) ?? all?.at(-1);
      if (!row) return null;
      const k = app.book().normsHidden.indexOf(row.hidden);
      return { norms: row.mean.map(orInf), book: app.book().initNorms[k] };
    },
    () => ({ norms: [], book: [] }),
  );
  charts.chart('book-speed', 'speed', () => book.results.speed && { history: book.results.speed }, () => ({ history: [] }));
  charts.chart('book-depth', 'depth', () => book.results.depth && { rows: book.results.depth.map((r) => [r.hidden, r.mean, r.std]) }, () => ({ rows: [] }));

  function run(kind) {
    if (!app.ready()) return;
    if (book.running === kind) {
      // The long runs' button reads "Cancel" while they run (ui.bookRunning); the bars and
      // the norms take a moment and keep their label, so a second click is not a cancel.
      if (kind === 'speed' || kind === 'depth') client.post({ type: 'book-cancel', id: book.id });
      return;
    }
    const seed = state['book.seed'];
    const params = {
      bars: { seed },
      norms: { seed, seeds: state['book.normSeeds'] },
      speed: { seed, hidden: state['book.speedHidden'], epochs: state['book.speedEpochs'] },
      depth: { seed, epochs: state['book.depthEpochs'], runs: state['book.depthRuns'] },
    }[kind];
    book.id += 1;
    book.running = kind;
    book.params = params;
    ui.bookRunning(kind, true);
    status(kind, () => (kind === 'bars' ? t('book.computing') : t('book.starting')));
    client.post({ type: 'book', id: book.id, kind, params });
  }

  function onBook(msg) {
    const { kind, event } = msg;
    const current = msg.id === book.id;
    if (event === 'cancelled') {
      ui.bookRunning(kind, false);
      status(kind, () => t('book.cancelled'));
      if (current) book.running = null;
      return;
    }
    if (!current) return;
    if (event === 'error') {
      book.running = null;
      ui.bookRunning(kind, false);
      status(kind, () => t('book.failed', { message: workerError(msg) }), true);
      if (msg.fatal) report('where.book', () => workerError(msg), () => ({ kind: t(`book.kind.${kind}`) }));
      return;
    }
    const finished = event === 'done';
    if (finished) {
      book.running = null;
      ui.bookRunning(kind, false);
    }
    // The parameters of this run, for its status said again after a language switch (another run replaces book.params).
    const p = book.params;
    const numbers = app.book();
    switch (kind) {
      case 'bars':
        book.results.bars = msg.probe;
        {
          // The book's values for [784, 30, 30, 10] (book_numbers), beside ours.
          const [b1, b2] = numbers.initNorms[numbers.normsHidden.indexOf(numbers.barsHidden)];
          status(kind, () => t('book.bars.done', { seed: p.seed, n1: fmtNorm(msg.probe.layers[0].norm), n2: fmtNorm(msg.probe.layers[1].norm), b1, b2 }));
        }
        break;
      case 'norms':
        book.results.norms = msg.rows;
        ui.normsTable(msg.rows, numbers);
        status(kind, () => (finished ? tn('book.norms.done', p.seeds, { seeds: seeds(p.seed, p.seeds) }) : t('book.norms.progress', { done: msg.done })));
        break;
      case 'speed':
        book.results.speed = msg.history;
        status(kind, () => (finished ? t('book.speed.done', { epochs: msg.total, hidden: p.hidden }) : t('book.speed.progress', { done: msg.done, total: msg.total })));
        break;
      case 'depth':
        book.results.depth = msg.rows;
        ui.depthTable(msg.rows, numbers, finished ? null : msg, p.epochs);
        status(kind, () => (finished ? t('book.depth.done', { epochs: p.epochs, runs: p.runs, seeds: seeds(p.seed, p.runs) }) : t('book.depth.progress', { pct: Math.round((100 * msg.done) / msg.total) })));
        break;
    }
    hooks.book[kind] = { ...msg, finished };
    const id = `book-${kind}`;
    if (kind !== 'depth' || book.results.depth.length || finished) ui.showFigure(id);
    if (kind === 'norms' && !book.results.norms.length) return;
    if (finished) {
      charts.dropLive(id);
      charts.invalidate(id);
    } else charts.invalidateLive(id);
  }

  /** The worker is being replaced: a run under way is lost. */
  function interrupt() {
    if (!book.running) return;
    ui.bookRunning(book.running, false);
    status(book.running, () => t('book.interrupted'), true);
    book.running = null;
  }

  /** The tables composed here, in the language just chosen. */
  function applyLanguage() {
    const numbers = app.book();
    if (!numbers) return;
    if (book.results.norms?.length) ui.normsTable(book.results.norms, numbers);
    if (book.results.depth?.length && book.params?.epochs) ui.depthTable(book.results.depth, numbers, null, book.params.epochs);
  }

  return {
    book,
    run,
    onBook,
    interrupt,
    applyLanguage,
    /** The chapter's charts that have something to draw. */
    drawn: () => Object.keys(book.results).map((k) => `book-${k}`),
  };
}
