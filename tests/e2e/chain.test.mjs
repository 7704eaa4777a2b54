// Section 1, the single-neuron chain, driven with the mouse and keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, shot, dragRange, median } from './helpers.mjs';

let lab;
before(async () => {
  lab = await start({ viewport: { width: 1100, height: 900 } });
  await openLab(lab.page, lab.url, { waitForNetwork: false });
});
after(async () => lab?.close());

/** Slider position of weight w (www/state.js: w = sign(s)·10^(−2 + 4.3|s|)). */
const pos = (w) => Math.sign(w) * (Math.log10(Math.abs(w)) + 2) / 4.3;
const canvasURL = (page) => page.$eval('#chain-canvas', (c) => c.toDataURL());

test('dragging the weight across |w σ′| = 1 turns vanishing into exploding', async () => {
  const { page, errors } = lab;
  await page.click('#chain-bias-zero'); // every z = 0, so each term is w/4
  await dragRange(page, '#chain-w', pos(20), pos(1), 5);
  assert.match(await page.textContent('#chain-regime'), /^Vanishing\./);
  const w1 = Number(await page.textContent('#chain-w-out'));
  assert.ok(w1 > 0.7 && w1 < 1.4, `w ≈ 1 after the drag, got ${w1}`);
  const before = await canvasURL(page);
  await page.evaluate(() => (window.gradlab.chainTimings.length = 0));
  await dragRange(page, '#chain-w', pos(1), pos(20), 30);
  const w2 = Number(await page.textContent('#chain-w-out'));
  assert.ok(w2 > 14 && w2 < 28, `w ≈ 20 after the drag, got ${w2}`);
  const regime = await page.textContent('#chain-regime');
  assert.match(regime, /^Exploding\./);
  assert.match(regime, /about \d+(\.\d+)? > 1/);
  assert.notEqual(await canvasURL(page), before, 'the chain canvas changed');
  // Every input event redrew the chain synchronously; the hard 16 ms budget is checked by
  // scripts/bench-page.mjs, here only a bound that survives a loaded machine.
  const t = await page.evaluate(() => window.gradlab.chainTimings.slice());
  assert.ok(t.length >= 10, `redrawn on every move (${t.length} redraws)`);
  assert.ok(median(t) < 50, `median chain redraw ${median(t).toFixed(1)} ms`);
  assert.deepEqual(errors, []);
  await shot(page.locator('#chain'), 'chain-exploding-drag');
});

test('the exploding preset: w = 100, z = 0, terms of 25, and the chain keeps working', async () => {
  const { page, errors } = lab;
  await page.click('#preset-explode');
  assert.equal(await page.textContent('#chain-w-out'), '100');
  assert.equal(await page.isChecked('#chain-bias-zero'), true);
  const regime = await page.textContent('#chain-regime');
  assert.match(regime, /^Exploding\. The terms \|w·σ′\(z\)\| are about 25 > 1/);
  const before = await canvasURL(page);
  // More neurons, by keyboard: the gradient grows by 25 per neuron.
  await page.focus('#chain-layers');
  await page.keyboard.press('End');
  assert.equal(await page.textContent('#chain-layers-out'), '10');
  assert.match(await page.textContent('#chain-product'), /10⁹|10¹²|× 10/);
  assert.notEqual(await canvasURL(page), before, 'the chain still redraws');
  await page.keyboard.press('Home');
  assert.match(await page.textContent('#chain-regime'), /^A single neuron\./);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(errors, []);
  assert.deepEqual(await page.evaluate(() => window.gradlab.errors), []);
  assert.equal(await page.isHidden('#banner'), true);
  await shot(page.locator('#chain'), 'chain-exploding-preset');
});

test("the book's random N(0,1) chain, then back to the slider", async () => {
  const { page, errors } = lab;
  await page.click('#preset-random');
  assert.equal(await page.textContent('#chain-w-out'), 'random');
  assert.equal(await page.isChecked('#chain-bias-fixed'), true);
  assert.match(await page.textContent('#chain-regime'), /Random weights and biases from N\(0, 1\), seed \d+/);
  const first = await canvasURL(page);
  await page.click('#preset-random'); // a new seed each click
  assert.notEqual(await canvasURL(page), first);
  await dragRange(page, '#chain-w', pos(0.5), pos(2), 4);
  assert.notEqual(await page.textContent('#chain-w-out'), 'random');
  // Typing a weight works too.
  await page.fill('#chain-w-num', '-3');
  assert.equal(await page.textContent('#chain-w-out'), '−3.00');
  await page.click('summary');
  const cells = await page.$$eval('#chain-table tr:nth-child(2) td', (tds) => tds.map((t) => t.textContent));
  assert.ok(cells.length >= 1 && cells.every((c) => c === '−3'), `weights in the table: ${cells}`);
  assert.deepEqual(errors, []);
  await shot(page.locator('#chain'), 'chain-table');
});
