// The page in Firefox ESR, used as a reader uses it: the chain moved with the keyboard and the
// mouse, then a network trained from the Start button.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, canvasURL } from './helpers.mjs';

let lab;
before(async () => {
  lab = await start();
});
after(async () => lab?.close());

const text = (page, selector) => page.$eval(selector, (e) => e.textContent);
const readout = (page) => page.evaluate(() => ['#chain-w-out', '#chain-regime', '#chain-dcdb1', '#chain-product'].map((s) => document.querySelector(s).textContent));

test('Firefox: the page loads without an error; the chain slider redraws by keyboard and by mouse', async () => {
  const { page, url, errors } = lab;
  await openLab(page, url, { waitForNetwork: false });
  assert.match(await page.evaluate(() => navigator.userAgent), /Firefox\//);
  const slider = await page.$('#chain-w');
  await slider.scrollIntoView();

  // Every z = 0 (a click on the radio button), so each term is w/4; then the keyboard: focus
  // the slider, End (w = 200), a few steps back.
  await page.click('#chain-bias-zero');
  let before = { canvas: await canvasURL(page, '#chain-canvas'), readout: await readout(page) };
  await page.evaluate(() => (window.gradlab.chainTimings.length = 0));
  await slider.focus();
  await page.keyboard.press('End');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'chain-w');
  assert.ok((await page.evaluate(() => window.gradlab.chainTimings.length)) >= 4, 'a redraw per key');
  let after = { canvas: await canvasURL(page, '#chain-canvas'), readout: await readout(page) };
  assert.notEqual(after.canvas, before.canvas, 'the chain canvas changed');
  assert.notDeepEqual(after.readout, before.readout);
  assert.ok(Number(after.readout[0]) > 100, `w near 200 after End: ${after.readout[0]}`);
  assert.match(after.readout[1], /^Exploding\./);

  // Mouse: press on the track a fifth of the way along (w ≈ −4) and drag to 40 % (w ≈ −0.07).
  before = after;
  await page.evaluate(() => (window.gradlab.chainTimings.length = 0));
  const box = await slider.boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.2, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, y, { steps: 10 });
  await page.mouse.up();
  after = { canvas: await canvasURL(page, '#chain-canvas'), readout: await readout(page) };
  const w = Number(after.readout[0].replace('−', '-')); // the page writes a real minus sign
  assert.ok(w < 0 && w > -1, `a small negative weight after the drag to 40 % of the track: ${w}`);
  assert.match(after.readout[1], /^Vanishing\./);
  assert.notEqual(after.canvas, before.canvas, 'the chain canvas changed');
  assert.ok((await page.evaluate(() => window.gradlab.chainTimings.length)) >= 3, 'redrawn while dragging');
  assert.deepEqual(errors, []);
});

test('Firefox: Start trains the network in the worker; epochs advance and the accuracy shows', async () => {
  const { page, errors } = lab;
  await page.waitForFunction(() => window.gradlab.snapshot !== null, { timeout: 60_000, polling: 100 });
  // One hidden layer (keyboard), three epochs (typed), then Start.
  await page.focus('#net-hidden');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => window.gradlab.snapshot?.probe.layers.length === 1 && window.gradlab.snapshot.epoch === 0, { polling: 100 });
  await page.click('#net-epochs', { count: 3 });
  await page.keyboard.type('3');
  await page.keyboard.press('Enter');
  assert.equal(await page.$eval('#net-epochs', (e) => e.value), '3');
  await page.waitForFunction(() => !document.querySelector('#net-start').disabled, { polling: 100 });
  await page.click('#net-start');
  await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === 4, { timeout: 120_000, polling: 100 });
  const snaps = await page.evaluate(() => window.gradlab.snapshots.map((s) => ({ epoch: s.epoch, accuracy: s.accuracy })));
  assert.deepEqual(snaps.map((s) => s.epoch), [0, 1, 2, 3]);
  assert.ok(snaps[3].accuracy > 0.8, `validation accuracy after 3 epochs: ${snaps[3].accuracy}`);
  assert.match(await text(page, '#net-status'), /^Done: 3 epochs · validation accuracy \d+\.\d\s%/);
  assert.deepEqual(errors, []);
});
