// The comparison's controls and words on the page (section 4): the preset buttons, the
// run button, the status, the two setups and the book's numbers. The only code touching
// #compare; app/compare.js decides what to show.

const $ = (id) => document.getElementById(id);

import { t } from '../i18n.js';
import { labelSelect } from './choices.js';

/** The settings of A and B the page lets a reader change (state.js `cmp.aActivation` …). */
export const CHANGES = ['Activation', 'Init', 'Hidden', 'Eta', 'Residual', 'BatchNorm', 'Momentum', 'Nesterov', 'Schedule'];

/**
 * The comparison's selects, built from the settings table's values (as the panel's, by
 * choices.js), each option labelled by `label(value)`; '' is "the preset's".
 */
const own = (f) => (v) => (v === '' ? t('cmp.own') : f(v));
const SELECTS = {
  Activation: own((v) => t(`act.${v}`)),
  Init: own((v) => t(`init.${v}`)),
  Residual: own((v) => t(`cmp.${v}`)),
  BatchNorm: own((v) => t(`cmp.${v}`)),
  Momentum: own((v) => (Number(v) === 0 ? t('cmp.mu.0') : t('cmp.mu', { mu: v }))),
  Nesterov: own((v) => t(`cmp.${v}`)),
  Schedule: own((v) => t(`cmp.${v}`)),
};

/** `on`: {preset(name), run(), seed(value), change(key, value)}. */
export function createCompareUI(on) {
  const buttons = [...document.querySelectorAll('#cmp-presets button[data-preset]')];
  for (const b of buttons) b.addEventListener('click', () => on.preset(b.dataset.preset));
  $('cmp-run').addEventListener('click', () => on.run());
  const seed = $('cmp-seed');
  seed.addEventListener('change', () => {
    seed.value = String(on.seed(seed.value));
  });

  for (const side of ['a', 'b']) {
    for (const what of CHANGES) {
      const el = $(`cmp-${side}${what}`);
      el.addEventListener('change', () => on.change(`cmp.${side}${what}`, el.value));
    }
  }

  return {
    /** The options (the first time) and their words in the page's language (their values are the core's names). */
    applyLanguage() {
      for (const side of ['a', 'b']) {
        for (const [what, label] of Object.entries(SELECTS)) labelSelect($(`cmp-${side}${what}`), `cmp.${side}${what}`, '', label);
      }
    },
    /** Every button of a preset the core does not know is a bug of the page: say so in tests. */
    presetNames: () => buttons.map((b) => b.dataset.preset),
    enabled(on) {
      for (const b of [...buttons, $('cmp-run')]) b.disabled = !on;
    },
    selected(name) {
      for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.preset === name));
    },
    seed(v) {
      seed.value = String(v);
    },
    running(on, label) {
      $('cmp-run').textContent = label;
      $('cmp-run').classList.toggle('running', on);
    },
    status(text, failed = false) {
      $('cmp-status').textContent = text;
      $('cmp-status').classList.toggle('failed', failed);
    },
    setups(a, b) {
      $('cmp-a').textContent = a;
      $('cmp-b').textContent = b;
    },
    book(text) {
      $('cmp-book').hidden = !text;
      $('cmp-book').textContent = text;
    },
    diverged(side, text) {
      const el = $(`cmp-${side}-diverged`);
      el.hidden = !text;
      el.textContent = text;
    },
  };
}
