// www/ui/tables.js and www/ui/chain.js: the page's tables as HTML, from the numbers alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normsTableHtml, depthTableHtml, meanStd } from '../../www/ui/tables.js';
import { regimeHtml, chainTableHtml } from '../../www/ui/chain.js';

// The shape of the core's book_numbers (src/experiments/), as the page receives it.
const book = { normsHidden: [2, 3, 4], width: 30, initNorms: [[0.07, 0.31], [0.012, 0.06, 0.283], [0.003, 0.017, 0.07, 0.285]], depthAccuracy: [96.48, 96.9, 96.57, 96.53], depthMaxHidden: 4 };

test('a mean and its spread line up', () => {
  assert.equal(meanStd(0.0040, 0.0005, false), '0.0040');
  assert.match(meanStd(0.32, 0.07, true), /^0\.32 <span class="hint">± 0\.07<\/span>$/);
});

test("the norms table: one pair of rows per depth, the book's as it prints them", () => {
  const html = normsTableHtml([{ hidden: 2, mean: [0.067, 0.318], std: [0.016, 0.065], runs: [[0, 0], [0, 0]] }], book);
  assert.equal((html.match(/<tr>/g) ?? []).length, 1 + 2 * 3);
  assert.match(html, /\[784, 30, 30, 10\]/);
  assert.match(html, /0\.067/);
  assert.match(html, /<td class="book">0\.31<\/td>/);
  assert.match(html, /<td class="book">0\.285<\/td>/);
  assert.match(html, /‖δ⁴‖/);
});

test('the depth table: a row per depth, the epoch under way, the book beside', () => {
  const html = depthTableHtml([], book, { hidden: 1, run: 0, epoch: 3, accuracy: 0.9 }, 30);
  assert.equal((html.match(/<th scope="row">/g) ?? []).length, 4);
  assert.match(html, /96\.48/);
  assert.match(html, /class="pending"/);
});

test("the chain's regime and table from a report", () => {
  const r = { terms: [0.25, 25, 25], dcDb: [1e3, 40, 1.6], dcDb1: 1e3, meanTerm: 25, regime: 'Exploding', b: [0, 0, 0], z: [0, 0, 0], sigmaPrime: [0.25, 0.25, 0.25] };
  assert.match(regimeHtml(r, { random: false }), /Exploding/);
  const table = chainTableHtml(r, [100, 100, 100]);
  assert.equal((table.match(/<tr>/g) ?? []).length, 7);
});
