// The view inside the network in Firefox ESR: opening it loads the second wasm module in the
// page and in the worker, and on the book's [784, 30, 30, 30, 30, 10] its factor table reads
// the root-mean-square factors ≈ 0.2 that Chromium reads (tests/e2e/inside.test.mjs); a
// larger gain redraws the chart with larger factors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, canvasURL } from './helpers.mjs';

let lab;
before(async () => {
  lab = await start();
});
after(async () => lab?.close());

/** A report of the panel's current network has arrived in the view. */
const refreshed = (page) =>
  page.waitForFunction(
    () => {
      const g = window.gradlab;
      const v = g.inside;
      return v && !g.resetPending() && g.status === 'idle' && v.report && v.sent === v.answered && !v.wanted && v.report.sizes.length === g.snapshot.probe.layers.length + 2;
    },
    { timeout: 60_000, polling: 100 },
  );

/** The factor table's root-mean-square column, as numbers. */
async function rms(page) {
  await page.$eval('#inside-factors-numbers', (d) => (d.open = true));
  await page.waitForFunction(() => document.querySelectorAll('#inside-factors-numbers tbody tr').length > 0, { polling: 100 });
  return page.$$eval('#inside-factors-numbers tbody tr', (trs) => trs.map((tr) => Number(tr.children[4].textContent.replace(/−/g, '-'))));
}

test('Firefox: the view inside opens and shows the book network’s factors; a larger gain raises them', async () => {
  const { page, url, errors } = lab;
  await openLab(page, `${url}#net.hidden=4`);
  // A click: puppeteer's key presses over WebDriver BiDi do not toggle a <details> in Firefox,
  // not even on a bare page (Chromium's test opens the view by keyboard).
  await page.click('#inside > summary');
  await refreshed(page);
  const before = await rms(page);
  assert.equal(before.length, 4, 'a row per hidden layer');
  for (const r of before) assert.ok(r > 0.1 && r < 0.35, `RMS factor at gain 1 near 0.2: ${before}`);
  const canvas = await canvasURL(page, '#inside-factors');

  // The gain slider from 1 to its top (20): the factors grow as the weights do.
  await page.focus('#net-gain');
  await page.keyboard.press('End');
  await refreshed(page);
  const after = await rms(page);
  assert.ok(after.reduce((a, b) => a + b) / after.length > 2 * (before.reduce((a, b) => a + b) / before.length), `RMS factors after the gain rose: ${after} (before ${before})`);
  assert.notEqual(await canvasURL(page, '#inside-factors'), canvas, 'the factor chart was redrawn');
  assert.deepEqual(errors, []);
});
