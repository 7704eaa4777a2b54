// Numbers in words for the page. Pure functions: no DOM, no wasm.
//
// The wasm core sends JSON, and serde_json writes ∞ and NaN as `null`: every formatter
// here takes `null` to mean "this number overflowed" and says so where the number
// would be, so a reader never meets a bare "null", "Infinity" or an empty cell.

import { t, language } from './i18n.js';

const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
const MINUS = '−';

/** 10 to the power n written with superscripts: sup(-4) = "⁻⁴". */
export const sup = (n) => String(n).split('').map((c) => SUPERSCRIPT[c] ?? c).join('');

/** Whether a value from the core is a real, finite number. */
export const finite = (v) => typeof v === 'number' && Number.isFinite(v);

/** What to print instead of a non-finite value (`null` from JSON, ±∞, NaN), in the page's language. */
export function nonFinite(v) {
  if (v === -Infinity) return t('overflow.minusInf');
  if (typeof v === 'number' && Number.isNaN(v)) return t('overflow.nan');
  return t('overflow.inf');
}

/**
 * A number with `digits` significant digits, in scientific notation with superscripts
 * ("1.6 × 10⁻⁴") when it is very small or very large, with a real minus sign.
 */
export function num(v, digits = 3) {
  if (!finite(v)) return nonFinite(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  const sign = v < 0 ? MINUS : '';
  if (a >= 1e-3 && a < 1e5) {
    if (a >= 1000) return sign + Math.round(a).toLocaleString('en-US');
    // toPrecision, then drop trailing zeros after the point ("0.2500" → "0.25").
    let s = a.toPrecision(digits);
    if (s.includes('e')) s = String(Number(s));
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
    return sign + s;
  }
  // toExponential, not a / 10^exp: 10^exp underflows to 0 below 1e-323 (a subnormal
  // weight became "Infinity × 10⁻³²³"), and it rounds the mantissa into [1, 10) itself.
  const [mant, e] = a.toExponential(Math.max(0, digits - 2)).split('e');
  let m = mant;
  if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
  return `${sign}${m === '1' ? '' : `${m} × `}10${sup(Number(e))}`;
}

/** A ratio in words: "6,100×", "2.5×". */
export function times(r) {
  if (!finite(r)) return nonFinite(r);
  return `${num(r, 2)}×`;
}

/**
 * The percent sign as each language writes it: English style guides (and the SI) put a
 * space before it, Chinese writes it close ("91.3%").
 */
const percentSign = () => (language() === 'zh' ? '%' : '\u00a0%');

/** A fraction as a percentage: 0.9134 → "91.3 %". */
export function pct(f, decimals = 1) {
  if (!finite(f)) return nonFinite(f);
  return `${(100 * f).toFixed(decimals)}${percentSign()}`;
}

/** A value already in percent: 91.34 → "91.3 %". */
export function percent(p, decimals = 2) {
  if (!finite(p)) return nonFinite(p);
  return `${p.toFixed(decimals)}${percentSign()}`;
}

/** An integer with thousands separators. */
export const int = (n) => Math.round(n).toLocaleString('en-US');

/** A weight for the slider's read-out: 3 significant digits, no exponent in range. */
export function weight(w) {
  if (!finite(w)) return nonFinite(w);
  const a = Math.abs(w);
  const s = a >= 100 ? a.toFixed(0) : a >= 10 ? a.toFixed(1) : a >= 1 ? a.toFixed(2) : a.toPrecision(3);
  return (w < 0 ? MINUS : '') + s;
}

/** w rounded to three significant digits (the slider's value, as shown). */
export function round3(w) {
  if (!finite(w) || w === 0) return w;
  return Number(w.toPrecision(3));
}

/** Subscript digits: sub(12) = "₁₂". */
export const sub = (n) => String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[d]);

/** Superscript digits for layer indices: ‖δ³‖. */
export const supIndex = (n) => sup(n);
