// The chapter's tables, as HTML: pure functions of the page's results and of the book's
// numbers (the core's `book_numbers`), so the depths, widths and values are the core's,
// not copies. ui.js puts them on the page.

import { num, finite, percent, pct, sup } from '../format.js';
import { t } from '../i18n.js';

/** The network's sizes, as the book writes them; on a phone, just the depth. */
const sizes = (h, width) => `<span class="long">[784, ${Array(h).fill(width).join(', ')}, 10]</span><span class="short">${t('row.hidden', { n: h })}</span>`;

/**
 * A mean to two significant digits and its spread to the same decimal place, so the two
 * line up and stay short: 0.0040 ± 0.0005, 0.32 ± 0.07.
 */
export function meanStd(m, s, withSpread) {
  if (!finite(m)) return num(m);
  if (m === 0) return '0';
  const decimals = Math.max(0, 1 - Math.floor(Math.log10(Math.abs(m))));
  if (decimals > 6) return num(m, 2);
  const spread = withSpread && finite(s) ? ` <span class="hint">± ${s.toFixed(decimals)}</span>` : '';
  return m.toFixed(decimals) + spread;
}

/** (b): for each depth of `book.normsHidden`, this page's mean ± std per layer beside the book's values. */
export function normsTableHtml(rows, book) {
  const deepest = Math.max(...book.normsHidden);
  const layers = Array.from({ length: deepest }, (_, l) => `‖δ${sup(l + 1)}‖`);
  let html = `<thead><tr><th scope="col">${t('th.network')}</th><th scope="col"><span class="visually-hidden">${t('th.whose')}</span></th>${layers.map((l) => `<th scope="col">${l}</th>`).join('')}</tr></thead><tbody>`;
  book.normsHidden.forEach((h, i) => {
    const row = rows.find((r) => r.hidden === h);
    const ours = layers
      .map((_, l) => {
        if (l >= h) return '<td></td>';
        if (!row) return '<td class="pending">…</td>';
        return `<td>${meanStd(row.mean[l], row.std[l], row.runs.length > 1)}</td>`;
      })
      .join('');
    // The book's figures as it prints them: two decimals for 2 hidden layers, three for 3 and 4.
    const theirs = layers.map((_, l) => (l >= h ? '<td></td>' : `<td class="book">${finite(book.initNorms[i][l]) ? book.initNorms[i][l].toFixed(i === 0 ? 2 : 3) : '—'}</td>`)).join('');
    html += `<tr><th scope="row" rowspan="2">${sizes(h, book.width)}</th><td class="book">${t('row.ours')}</td>${ours}</tr>`;
    html += `<tr><td class="book">${t('row.book')}</td>${theirs}</tr>`;
  });
  return `${html}</tbody>`;
}

/** (d): final and best accuracy by depth (1 … `book.depthMaxHidden`) beside the book's; `current` the epoch under way. */
export function depthTableHtml(rows, book, current, epochs) {
  let html = `<thead><tr><th scope="col">${t('th.network')}</th><th scope="col">${t('th.final')}</th><th scope="col">${t('th.best')}</th><th scope="col">${t('th.book')}</th></tr></thead><tbody>`;
  for (let h = 1; h <= book.depthMaxHidden; h++) {
    const row = rows.find((r) => r.hidden === h);
    let ours;
    let best;
    if (row) {
      const pm = (m, s) => `${percent(m)}${row.finals.length > 1 ? ` <span class="hint">± ${s.toFixed(2)}</span>` : ''}`;
      ours = `<td>${pm(row.mean, row.std)}</td>`;
      best = `<td>${pm(row.bestMean, row.bestStd)}</td>`;
    } else if (current && current.hidden === h) {
      ours = `<td class="pending">${t('row.pending', { run: current.run + 1, epoch: current.epoch, epochs, acc: pct(current.accuracy, 1) })}</td>`;
      best = '<td class="pending">…</td>';
    } else {
      ours = '<td class="pending">…</td>';
      best = '<td class="pending">…</td>';
    }
    html += `<tr><th scope="row">${sizes(h, book.width)}</th>${ours}${best}<td class="book">${percent(book.depthAccuracy[h - 1])}</td></tr>`;
  }
  return `${html}</tbody>`;
}
