// What the page says about errors and what stays said: the banner, and the sentences kept
// as the function composing them so a language switch says them again.

import { t } from '../i18n.js';

/**
 * An error's words: `e` may be a function composing them (a sentence of the page's, in its
 * language); a wasm panic is the page's sentence around the core's words.
 */
export function describe(e) {
  if (typeof e === 'function') return e();
  if (e instanceof WebAssembly.RuntimeError) return t('error.internal', { message: e.message });
  return e?.message ?? String(e);
}

/**
 * An error the worker posted ({code, details, message, panic}), in words: a panic's
 * sentence is the page's (in its language) around the core's own words; any other message
 * is the core's, as it is.
 */
export function workerError(msg) {
  return msg.panic !== undefined ? t('error.workerPanic', { message: msg.panic }) : msg.message;
}

/**
 * The core's `diverged` error ({epoch, what}: TrainError::Diverged in src/train.rs) as the
 * page's sentence; any other message as it is, capitalised.
 */
export function divergedSentence(msg) {
  if (msg.code === 'diverged' && msg.details) return t('notice.divergedIn', { epoch: msg.details.epoch, what: msg.details.what });
  const message = String(msg.message ?? '');
  return message.replace(/^training/, 'Training').replace(/[^.]$/, '$&.');
}

export function createReporter({ ui, hooks }) {
  /** What the banner shows: its prefix (a `where.*` key of www/i18n) and the error, to say it again in another language. */
  let shown = null;
  const text = ({ where, e, vars }) => t('error.at', { where: t(where, typeof vars === 'function' ? vars() : vars), message: describe(e) });

  /** Show error `e` in the banner, after the prefix `where` (an i18n key, with `vars`, or a function giving them). */
  function report(where, e, vars) {
    shown = { where, e, vars };
    const s = text(shown);
    hooks.errors.push(s);
    if (hooks.errors.length > 100) hooks.errors.shift(); // for tests; a long session keeps the last
    console.warn(s);
    ui.banner(s);
  }

  /** Run a wasm call; on an exception (a core error or a panic's RuntimeError) show the banner. */
  function safe(where, fn, vars) {
    try {
      return fn();
    } catch (e) {
      report(where, e, vars);
      return undefined;
    }
  }

  /**
   * Sentences that stay on the page until replaced — statuses, notices, limit notes — kept
   * as the function composing them. `slot` names the place: a new sentence there replaces the old.
   */
  const said = new Map();
  function say(slot, compose, show) {
    said.set(slot, { compose, show });
    show(compose());
  }

  return {
    report,
    safe,
    say,
    said,
    notice: (id, compose) => say(id, compose, (s) => ui.notice(id, s)),
    /** The banner again, in the language just chosen (left closed if it was). */
    sayBannerAgain: () => shown && ui.banner(text(shown), false),
  };
}
