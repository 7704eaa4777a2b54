// The chain's readout and table, as HTML: pure functions of the core's report (the
// chain's regime in words, and every neuron's numbers). ui.js puts them on the page.

import { num, finite, sub } from '../format.js';
import { t, tn } from '../i18n.js';
import { fPrime } from './choices.js';

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * The regime in words: `r` the core's report, `ctx.random`/`ctx.seed` the preset's,
 * `ctx.act` f of neurons 1..L−1 (σ′ is then said f′).
 */
export function regimeHtml(r, ctx) {
  // With skips the terms of neurons 2..L−1 are 1 + w·σ′(z) (the note says the output's is not).
  const html = regimeSigma(r, ctx);
  return fPrime(ctx.residual && r.terms.length > 2 ? html.replaceAll('|w·σ′(z)|', '|1 + w·σ′(z)|') : html, ctx.act ?? 'sigmoid');
}

function regimeSigma(r, ctx) {
  const L = r.terms.length;
  const last = r.dcDb[L - 1];
  const ratio = finite(r.dcDb1) && finite(last) && last !== 0 ? Math.abs(r.dcDb1 / last) : null;
  const terms = L > 1 ? tn('terms', L - 1) : '';
  const mean = r.meanTerm;
  let html;
  switch (r.regime) {
    case 'Vanishing':
      html = t('regime.vanishing', { mean: num(mean, 2), terms });
      // A ratio that rounds to 1 (tanh's terms of 1 before a σ output) is no "1 times more slowly".
      if (ratio === null || num(ratio, 2) === '1') html += t('regime.end');
      else if (ratio > 0) html += t('regime.vanishing.ratio', { ratio: num(ratio, 2), last: sub(L), slower: num(1 / ratio, 2) });
      else html += t('regime.vanishing.zero');
      break;
    case 'Exploding':
      html = t('regime.exploding', { mean: num(mean, 2), terms });
      html += ratio !== null ? t('regime.exploding.ratio', { ratio: num(ratio, 2), last: sub(L) }) : t('regime.end');
      break;
    case 'Balanced':
      html = t('regime.balanced');
      break;
    case 'Overflow':
      html = t('regime.overflow');
      break;
    default:
      html = t('regime.single');
  }
  if (ctx.random) html += ` <span class="hint">${t('regime.random', { seed: ctx.seed })}</span>`;
  return html;
}

/**
 * The chain's numbers, one column per neuron: `r` the core's report, `w` the weights, `act`
 * f; with `residual` skips the terms of neurons 2..L−1 are 1 + w·f′(z) (the output's is not).
 */
export function chainTableHtml(r, w, act = 'sigmoid', residual = false) {
  const L = r.terms.length;
  const rows = [
    [t('table.neuron'), (j) => String(j + 1), true],
    [t('table.weight'), (j) => num(w[j])],
    [t('table.bias'), (j) => num(r.b[j])],
    [t('table.z'), (j) => num(r.z[j])],
    [fPrime(t('table.sigma'), act), (j) => num(r.sigmaPrime[j])],
    [fPrime(t(residual && L > 2 ? 'table.termResidual' : 'table.term'), act), (j) => (j === 0 ? '—' : num(r.terms[j]))],
    [t('table.dcdb'), (j) => num(r.dcDb[j])],
  ];
  let html = '';
  for (const [head, cell, isHead] of rows) {
    html += `<tr><th scope="row">${head}</th>`;
    for (let j = 0; j < L; j++) {
      const s = cell(j);
      html += isHead ? `<th scope="col">${s}</th>` : `<td${s.startsWith(t('overflow.inf').split(/[:：]/)[0]) ? ' class="nonfinite"' : ''}>${esc(s)}</td>`;
    }
    html += '</tr>';
  }
  return html;
}

