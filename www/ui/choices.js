// The named choices of the page — the hidden activation, the initial weights and biases,
// momentum's μ, the chain's activation — as <select>s whose options are the settings table's values
// (www/state.js, the core's names), labelled in the page's language; and the words that
// follow the choice (the initialisation's formula, what the chain's f′ does). Part of
// ui.js, the only code touching the DOM.

import { SETTINGS } from '../state.js';
import { t } from '../i18n.js';

const $ = (id) => document.getElementById(id);

/** Each select: its setting and the i18n prefix of its options' labels (`act.relu`…). */
const SELECTS = {
  'net-activation': ['net.activation', 'act'],
  'net-init': ['net.init', 'init'],
  'net-biases': ['net.biases', 'bias'],
  'net-momentum': ['net.momentum', 'momentum'],
  'chain-act': ['chain.act', 'act'],
};

/** The page's on/off switches (checkboxes) and their settings (kind 'bool'). */
export const SWITCHES = {
  'net-residual': 'net.residual',
  'net-batchNorm': 'net.batchNorm',
  'net-nesterov': 'net.nesterov',
  'net-schedule': 'net.schedule',
  'chain-residual': 'chain.residual',
  'chain-band': 'chain.band',
};

/**
 * Fill `select` with the values of setting `key` (the first call) and label them in the
 * current language: `label(value)`, by default the i18n key `${prefix}.${value}`. The
 * panel's selects and the comparison's (www/ui/compare.js) are built alike.
 */
export function labelSelect(select, key, prefix, label = (v) => t(`${prefix}.${v}`)) {
  if (!select.options.length) for (const v of SETTINGS[key].values) select.add(new Option(String(v), String(v)));
  for (const o of select.options) o.textContent = label(o.value);
}

/** (Re)label every option in the current language; the first call adds them. */
export function labelChoices() {
  for (const [id, [key, prefix]] of Object.entries(SELECTS)) labelSelect($(id), key, prefix);
  // The range's end is the table's (index.html says 10 too, for the page before scripts).
  $('net-hidden').max = String(SETTINGS['net.hidden'].max);
}

/** Show the choice of setting `key` (its select, and the words that depend on it). */
export function reflectChoice(key, value) {
  const toggle = Object.keys(SWITCHES).find((i) => SWITCHES[i] === key);
  if (toggle) {
    $(toggle).checked = value;
    reflectSwitch(key, value);
    return true;
  }
  const id = Object.keys(SELECTS).find((i) => SELECTS[i][0] === key);
  if (!id) return false;
  $(id).value = value;
  // Nesterov and the schedule shape momentum: with μ = 0 (plain SGD) they do nothing.
  if (key === 'net.momentum') for (const s of ['net-nesterov', 'net-schedule']) $(s).disabled = !value;
  if (key === 'net.init') $('net-init-hint').textContent = t(`init.hint.${value}`);
  if (key === 'chain.act') {
    // The chain's static words say f′ where they said σ′ (both ways: a language switch
    // writes the language's σ′ text back first), and style.css hides what holds for σ only.
    const section = $('chain');
    section.dataset.act = value;
    for (const el of section.querySelectorAll('#chain-readout dt, figcaption')) {
      const html = value === 'sigmoid' ? el.innerHTML.replaceAll('f′', 'σ′') : el.innerHTML.replaceAll('σ′', 'f′');
      if (html !== el.innerHTML) el.innerHTML = html;
    }
    const note = $('chain-act-note');
    note.hidden = value === 'sigmoid';
    note.innerHTML = value === 'sigmoid' ? '' : t(`chain.note.${value}`);
    if (section.dataset.residual === 'true') reflectSwitch('chain.residual', true); // its σ′ or f′
  }
  return true;
}

/** What follows a switch: the words that hold only with skips, or with batch norm (style.css). */
function reflectSwitch(key, on) {
  if (key === 'net.batchNorm') $('network').dataset.bn = on;
  if (key !== 'chain.residual') return;
  $('chain').dataset.residual = on;
  const note = $('chain-residual-note');
  note.hidden = !on;
  note.innerHTML = on ? fPrime(t('chain.note.residual'), $('chain').dataset.act ?? 'sigmoid') : '';
}

/** The select ids and their settings, for ui.js to bind. */
export const CHOICES = Object.fromEntries(Object.entries(SELECTS).map(([id, [key]]) => [id, key]));

/**
 * Text about the chain that says σ′, for a chain whose neurons 1..L−1 have another f: σ′
 * becomes f′ (the output neuron's σ′ is drawn and named apart, src/charts/chain.rs).
 */
export const fPrime = (s, act) => (act === 'sigmoid' ? s : s.replaceAll('σ′', 'f′'));
