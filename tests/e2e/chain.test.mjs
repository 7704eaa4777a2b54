// Section 1, the single-neuron chain, driven with the mouse and keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { start, openLab, shot, dragRange, median } from './helpers.mjs';

let lab;
/** Every URL path the page requested (not the service worker's precache). */
const requested = [];
before(async () => {
  lab = await start({ viewport: { width: 1100, height: 900 } });
  lab.context.on('request', (r) => r.serviceWorker() || requested.push(new URL(r.url()).pathname));
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

/** The band view has drawn the chain as it is now (its redraw waits for an animation frame). */
const bandDrawn = (page) => page.waitForFunction(() => !window.gradlab.redrawPending() && window.gradlab.chainBand.numbers !== null, null, { timeout: 30_000 });
const bandWidth = async (page) => Number((await page.textContent('#chain-band-width')).replace('−', '-'));

test("the band view: Chapter 5's problem, widest near |w| ≈ 6.9, none at w = 1, kept in the link", async () => {
  const { page, errors } = lab;
  // Off in the first view, and its module (the second one) not fetched.
  assert.equal(await page.isHidden('#chain-band-view'), true);
  assert.deepEqual(requested.filter((p) => p.includes('/www/pkg-inside/')), []);
  // On by keyboard: the module loads and the view draws.
  await page.focus('#chain-band');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => window.gradlab.chainBand.loaded, null, { timeout: 30_000 });
  await bandDrawn(page);
  assert.ok(requested.some((p) => p.endsWith('/www/pkg-inside/gradlab_inside_bg.wasm')), 'the second module was fetched when the switch went on');
  assert.equal(await page.isVisible('#chain-band-canvas'), true);
  // Drag the weight to ≈ 6.9 (the band does not depend on the bias): the widest band, ≈ 0.45.
  await page.fill('#chain-w-num', '2');
  await page.locator('#chain-w').scrollIntoViewIfNeeded(); // the mouse drags what is on screen
  await dragRange(page, '#chain-w', pos(2), pos(6.9), 12);
  await bandDrawn(page);
  const w = await page.evaluate(() => window.gradlab.chainBand.w);
  assert.ok(w > 6.3 && w < 7.5, `w ≈ 6.9 after the drag, got ${w}`);
  const width = await bandWidth(page);
  assert.ok(Math.abs(width - 0.447) < 0.004, `width of the band of inputs ≈ 0.45 at w = ${w}, got ${width}`);
  assert.match(await page.textContent('#chain-band-max'), /^0\.448 at \|w\| ≈ 6\.89$/);
  assert.match(await page.textContent('#chain-band-text'), /at least 1 for \|z\| ≤ 1\.\d+/);
  // Its numbers, as a table (the canvas's text alternative too).
  await page.click('#chain-band-canvas-numbers summary');
  await page.waitForFunction(() => document.querySelectorAll('#chain-band-canvas-numbers tbody th').length > 0); // filled on 'toggle'
  const rows = await page.$$eval('#chain-band-canvas-numbers tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.equal(rows.length, Number(await page.textContent('#chain-layers-out')), 'one row per neuron');
  assert.match(await page.getAttribute('#chain-band-canvas', 'aria-label'), /Width of the band of inputs a: 0\.44\d/);
  // Its downloads: the same chart as SVG (drawn by the second module), the table as CSV.
  const fig = page.locator('figure:has(#chain-band-canvas)');
  const [svg] = await Promise.all([page.waitForEvent('download'), fig.locator('button[data-format="svg"]').click()]);
  assert.equal(svg.suggestedFilename(), 'gradlab-chain-band.svg');
  assert.match(await readFile(await svg.path(), 'utf8'), /Width of the inputs a with[^<]*≥ 1[\s\S]*largest 0\.45 at \|w\| ≈ 6\.9/);
  const [csv] = await Promise.all([page.waitForEvent('download'), fig.locator('button[data-format="csv"]').click()]);
  assert.equal((await readFile(await csv.path(), 'utf8')).trim().split('\n').length, rows.length + 1, 'a header and a row per neuron');
  // The link carries the switch: a new tab opened at it shows the same band.
  // (The page writes the link a moment after a change.)
  await page.waitForFunction(() => {
    const h = new URLSearchParams(location.hash.slice(1));
    return h.get('chain.band') === 'true' && Number(h.get('chain.w')) === window.gradlab.chainBand.w;
  }, null, { timeout: 5000 });
  const link = await page.evaluate(() => location.href);
  const other = await lab.context.newPage();
  await openLab(other, link, { waitForNetwork: false });
  await bandDrawn(other);
  assert.equal(await other.isChecked('#chain-band'), true);
  assert.equal(await bandWidth(other), width);
  // …and so does the chain's embed.
  await openLab(other, link.replace('#', '?embed=chain#'), { waitForNetwork: false });
  await bandDrawn(other);
  assert.equal(await other.isVisible('#chain-band-canvas'), true);
  assert.equal(await bandWidth(other), width);
  await other.close();
  // w = 1: no term reaches 1 (σ′ ≤ ¼), no band.
  await page.fill('#chain-w-num', '1');
  await bandDrawn(page);
  assert.equal(await page.evaluate(() => window.gradlab.chainBand.w), 1);
  assert.equal(await page.textContent('#chain-band-width'), '0');
  assert.equal(await page.textContent('#chain-band-z'), 'none');
  assert.match(await page.textContent('#chain-band-text'), /^w = 1: no band\./);
  await shot(page.locator('#chain-band-view'), 'chain-band-w1');
  // ReLU: unbounded, said so instead of a width.
  await page.selectOption('#chain-act', 'relu');
  await page.fill('#chain-w-num', '2');
  await bandDrawn(page);
  assert.equal(await page.textContent('#chain-band-width'), 'unbounded');
  assert.equal(await page.textContent('#chain-band-z'), 'z ≥ 0');
  await page.selectOption('#chain-act', 'sigmoid');
  // Off again: hidden, and gone from the link.
  await page.click('#chain-band');
  assert.equal(await page.isHidden('#chain-band-view'), true);
  await page.waitForFunction(() => !new URLSearchParams(location.hash.slice(1)).has('chain.band'), null, { timeout: 5000 });
  assert.deepEqual(errors, []);
});
