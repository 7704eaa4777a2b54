// Section 3, the chapter's experiments, each started with one click (short runs here).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, shot, inkPixels, chartsDrawn } from './helpers.mjs';

let lab;
before(async () => {
  lab = await start({ viewport: { width: 1100, height: 900 } });
  await openLab(lab.page, lab.url);
});
after(async () => lab?.close());

const done = (page, kind, timeout = 120_000) =>
  page.waitForFunction((k) => window.gradlab.book[k]?.finished === true, kind, { timeout });

async function type(page, selector, value) {
  await page.fill(selector, String(value));
  await page.press(selector, 'Enter');
}

test("(a) the book's bar chart draws", async () => {
  const { page, errors } = lab;
  await page.click('#book-bars-run');
  await done(page, 'bars');
  await chartsDrawn(page); // the figure shown, then its chart drawn at its width
  assert.ok((await inkPixels(page, '#book-bars')) > 2000, 'the bar chart is not blank');
  const probe = await page.evaluate(() => window.gradlab.book.bars.probe);
  assert.equal(probe.layers.length, 2);
  assert.ok(probe.layers[0].norm < probe.layers[1].norm, 'layer 1 learns more slowly than layer 2');
  assert.match(await page.textContent('#book-bars-status'), /book: 0\.07, 0\.31/);
  assert.deepEqual(errors, []);
  await shot(page.locator('#exp-bars'), 'chapter-a-bars');
});

test('(b) ‖δˡ‖ at initialisation for 2, 3, 4 hidden layers, beside the book', async () => {
  const { page, errors } = lab;
  await type(page, '#book-normSeeds', 3);
  await page.click('#book-norms-run');
  await done(page, 'norms');
  const rows = await page.evaluate(() => window.gradlab.book.norms.rows);
  assert.deepEqual(rows.map((r) => r.hidden), [2, 3, 4]);
  for (const r of rows) {
    for (let l = 1; l < r.mean.length; l++) assert.ok(r.mean[l - 1] < r.mean[l], `${r.hidden} hidden: ‖δ‖ grows towards the output`);
  }
  const table = await page.textContent('#book-norms-table');
  assert.match(table, /\[784, 30, 30, 30, 30, 10\]/);
  assert.match(table, /0\.285|0\.28/);
  await chartsDrawn(page); // the figure shown, then its chart drawn at its width
  assert.ok((await inkPixels(page, '#book-norms')) > 2000);
  assert.deepEqual(errors, []);
  await shot(page.locator('#exp-norms'), 'chapter-b-norms');
});

test('(c) learning-speed curves, with progress, and cancel', async () => {
  const { page, errors } = lab;
  await type(page, '#book-speedEpochs', 60);
  await page.selectOption('#book-speedHidden', '3');
  await page.click('#book-speed-run');
  await done(page, 'speed');
  const history = await page.evaluate(() => window.gradlab.book.speed.history);
  assert.equal(history.length, 60);
  assert.equal(history[0].length, 3);
  assert.ok(history.every((h) => h[0] < h[2]), 'layer 1 stays slower than layer 3');
  await chartsDrawn(page); // the figure shown, then its chart drawn at its width
  assert.ok((await inkPixels(page, '#book-speed')) > 2000);
  await shot(page.locator('#exp-speed'), 'chapter-c-speed');
  // A long run can be cancelled from the same button.
  await type(page, '#book-speedEpochs', 2000);
  await page.click('#book-speed-run');
  await page.waitForFunction(() => window.gradlab.book.speed?.finished === false);
  assert.equal(await page.textContent('#book-speed-run'), 'Cancel');
  await page.click('#book-speed-run');
  await page.waitForFunction(() => document.querySelector('#book-speed-status').textContent === 'Cancelled.');
  assert.equal(await page.textContent('#book-speed-run'), 'Run');
  assert.deepEqual(errors, []);
});

test('(d) accuracy by depth, a short run', async () => {
  const { page, errors } = lab;
  await type(page, '#book-depthEpochs', 1);
  await type(page, '#book-depthRuns', 1);
  await page.click('#book-depth-run');
  await done(page, 'depth');
  const rows = await page.evaluate(() => window.gradlab.book.depth.rows);
  assert.deepEqual(rows.map((r) => r.hidden), [1, 2, 3, 4]);
  assert.ok(rows[0].mean > 50, `1 hidden layer after 1 epoch: ${rows[0].mean} %`);
  const table = await page.textContent('#book-depth-table');
  assert.match(table, /96\.48\s%/);
  await chartsDrawn(page); // the figure shown, then its chart drawn at its width
  assert.ok((await inkPixels(page, '#book-depth')) > 2000);
  assert.deepEqual(errors, []);
  await shot(page.locator('#exp-depth'), 'chapter-d-depth');
  await shot(page.locator('#chapter'), 'chapter-all');
});
