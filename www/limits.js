// What the page says when a typed value is outside a setting's range (issue "Hardening"):
// state.js clamps every value to its SETTINGS range; this states the limit that was hit,
// next to the control, so a clamped value never changes silently.
//
// Pure module: no DOM (ui.js shows the text), no wasm.
import { SETTINGS } from './state.js';
import { t } from './i18n.js';

const fmt = (v) => v.toLocaleString('en-US', { maximumFractionDigits: 6 });

/**
 * The notice for setting `key` after the reader typed `typed` and the page kept `used`;
 * '' when nothing was changed (or the setting is not a number).
 */
export function limitText(key, typed, used) {
  const s = Object.hasOwn(SETTINGS, key) ? SETTINGS[key] : null;
  if (!s || (s.kind !== 'int' && s.kind !== 'num')) return '';
  const text = String(typed).trim();
  const v = typeof typed === 'number' ? typed : Number(text);
  if (text === '' || Number.isNaN(v)) return t('limit.nan', { min: fmt(s.min), max: fmt(s.max), used: fmt(used) });
  if (v > s.max) return t('limit.max', { max: fmt(s.max), used: fmt(used) });
  if (v < s.min) return t('limit.min', { min: fmt(s.min), used: fmt(used) });
  if (s.kind === 'int' && !Number.isInteger(v)) return t('limit.int', { used: fmt(used) });
  return '';
}
