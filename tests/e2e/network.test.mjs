// Section 2, the network trained in the worker: real training from the page's controls,
// the vanishing gradient on the real network, a responsive main thread while training,
// and an exploded network's overflow shown in words without breaking anything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, shot, dragRange, inkPixels, LONGTASKS } from './helpers.mjs';


let lab;
before(async () => {
  lab = await start({ viewport: { width: 1100, height: 900 }, initScript: LONGTASKS });
});
after(async () => lab?.close());

/** Set a number input as a user does: select, type, Enter. */
async function type(page, selector, value) {
  await page.fill(selector, String(value));
  await page.press(selector, 'Enter');
}

/** Press Start and wait until the worker reports it stopped with `epochs` epochs done. */
async function trainEpochs(page, epochs) {
  await type(page, '#net-epochs', epochs);
  await page.click('#net-start');
  await page.waitForFunction(
    (n) => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === n + 1,
    epochs,
    { timeout: 120_000 },
  );
  return page.evaluate(() => window.gradlab.snapshots);
}

test('one hidden layer: one epoch in the worker reads digits well above chance', async () => {
  const { page, url, errors } = lab;
  await openLab(page, url);
  await page.focus('#net-hidden');
  await page.keyboard.press('Home'); // 1 hidden layer
  await page.waitForFunction(() => window.gradlab.snapshot?.probe.layers.length === 1);
  const snaps = await trainEpochs(page, 1);
  const acc = snaps[1].accuracy;
  assert.ok(acc > 0.5, `validation accuracy after 1 epoch: ${acc}`);
  assert.match(await page.textContent('#net-status'), /^Done: 1 epoch · validation accuracy \d+\.\d\s%/);
  assert.ok((await inkPixels(page, '#net-training')) > 1000);
  assert.deepEqual(errors, []);
});

test('three hidden layers: the first learns more slowly than the last, before and after an epoch', async () => {
  const { page, errors } = lab;
  await page.focus('#net-hidden');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.gradlab.snapshot?.probe.layers.length === 3 && window.gradlab.snapshot.epoch === 0);
  const snaps = await trainEpochs(page, 1);
  for (const s of snaps) {
    const n = s.probe.layers.map((l) => l.norm);
    assert.ok(n[0] < n[2], `epoch ${s.epoch}: ‖δ¹‖ = ${n[0]} < ‖δ³‖ = ${n[2]}`);
  }
  assert.ok(snaps[1].accuracy > 0.15, `3 hidden layers learn something in one epoch: ${snaps[1].accuracy}`);
  // The page says so in words.
  assert.match(await page.textContent('#net-norms'), /layer 1 learns [\d.,]+ times more slowly than layer 3/);
  assert.deepEqual(errors, []);
  await shot(page.locator('#network'), 'network-3-hidden-1-epoch');
});

test('the gain slider re-measures the initial gradients at once', async () => {
  const { page, errors } = lab;
  const first = await page.evaluate(() => window.gradlab.snapshots.length);
  const before = await page.$eval('#net-bars', (c) => c.toDataURL());
  await dragRange(page, '#net-gain', 0.5, 0.9, 10);
  await page.waitForFunction(() => window.gradlab.snapshot.epoch === 0 && Math.abs(window.gradlab.state['net.gainPos'] - 0.9) < 0.02);
  await page.waitForFunction(() => Number(document.querySelector('#net-gain-out').textContent) > 8);
  const gain = Number(await page.textContent('#net-gain-out'));
  assert.ok(gain > 8 && gain < 15, `gain ≈ 11, got ${gain}`);
  assert.equal(await page.evaluate(() => window.gradlab.snapshots.length), 1, 'a fresh network, no epochs');
  assert.notEqual(await page.$eval('#net-bars', (c) => c.toDataURL()), before);
  assert.ok(first >= 1);
  assert.deepEqual(errors, []);
  await dragRange(page, '#net-gain', 0.9, 0.5, 5);
});

test('while training, no main-thread task is longer than 50 ms', async () => {
  const { page, errors } = lab;
  const supported = await page.evaluate(() => window.__longtasks !== null);
  assert.ok(supported, 'PerformanceObserver("longtask") is supported');
  await type(page, '#net-epochs', 200);
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#net-start');
  // Two epochs trained (a few seconds here): long enough to see a long task if there is one.
  await page.waitForFunction(() => window.gradlab.snapshots.length >= 3, null, { timeout: 60_000 });
  const stats = await page.evaluate((t) => ({
    long: window.__longtasks.filter((e) => e.start >= t),
    epochs: window.gradlab.snapshots.length - 1,
  }), t0);
  await page.click('#net-start'); // pause
  await page.waitForFunction(() => window.gradlab.status === 'idle');
  assert.ok(stats.epochs >= 1, `the worker trained (${stats.epochs} epochs)`);
  assert.deepEqual(stats.long, [], 'long tasks while training');
  assert.match(await page.textContent('#net-status'), /^Paused after epoch \d+ of 200/);
  assert.deepEqual(errors, []);
});

test('as a user: η = 100 and λ = 1000 blow the weights up, and training stops with a message', async () => {
  const { page, errors } = lab;
  // (1 − η·λ/n) = 1 − 100·1000/8000 = −11.5: every step multiplies the weights by −11.5, so
  // within an epoch they pass f32's range and the core reports the divergence.
  await type(page, '#net-eta', 100);
  await type(page, '#net-lambda', 1000);
  await type(page, '#net-epochs', 2);
  await page.click('#net-start');
  await page.waitForFunction(() => window.gradlab.status === 'idle', null, { timeout: 120_000 });
  assert.match(await page.textContent('#net-notice'), /^Training diverged in epoch 1/);
  assert.match(await page.textContent('#net-status'), /diverged/);
  assert.equal(await page.isHidden('#banner'), true, 'no error banner: this is the maths, not a bug');
  assert.deepEqual(await page.evaluate(() => window.gradlab.errors), []);
  assert.deepEqual(errors, []);
  await shot(page.locator('#network'), 'network-diverged-by-user');
  await type(page, '#net-eta', 0.1);
  await type(page, '#net-lambda', 5);
  await page.click('#net-reset');
  await page.waitForFunction(() => window.gradlab.snapshot.finite === true && window.gradlab.snapshot.epoch === 0);
  assert.equal(await page.isHidden('#net-notice'), true);
});

test('an exploded network (the worker\'s messages replayed): overflow is shown in words, the charts still draw, training stops cleanly', async () => {
  const { page, errors } = lab;
  // What the worker posts when lab.train throws "training diverged…": a last snapshot whose
  // numbers overflowed (serde_json writes ∞/NaN as null), then a stop with the message.
  const before = await page.$eval('#net-bars', (c) => c.toDataURL());
  await page.evaluate(() => {
    const g = window.gradlab;
    const id = g.snapshot; // keep the page's own reset bookkeeping
    const layers = [1, 2, 3].map((l) => ({ layer: l, delta: [null, 0.1], norm: null, firstSix: [null, 0.1] }));
    g.receive({ type: 'snapshot', snap: { epoch: 3, position: 0, accuracy: null, cost: null, probe: { count: 1000, layers }, finite: false }, diverged: true });
    const message = 'training diverged in epoch 3: a weight is NaN (the gradients exploded; try a smaller gain or η)';
    g.receive({ type: 'stopped', reason: 'diverged', message, code: 'diverged', details: { epoch: 3, what: 'a weight is NaN' } });
    return id !== null;
  });
  // The charts redraw in the next animation frames: wait until the bars show the overflow,
  // then for the frames after them (the four charts share a few frames).
  await page.waitForFunction((b) => document.querySelector('#net-bars').toDataURL() !== b, before);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(r)))));
  const chips = await page.textContent('#net-norms');
  assert.match(chips, /overflow: ∞/);
  assert.match(await page.textContent('#net-notice'), /^Training diverged in epoch 3/);
  assert.match(await page.textContent('#net-status'), /diverged/);
  assert.deepEqual(await page.evaluate(() => window.gradlab.errors), [], 'the charts drew the overflow without an error');
  assert.ok((await inkPixels(page, '#net-bars')) > 500);
  assert.equal(await page.isHidden('#banner'), true);
  await shot(page.locator('#network'), 'network-overflow');
  // Start again: a fresh network replaces the exploded one.
  await page.click('#net-reset');
  await page.waitForFunction(() => window.gradlab.snapshot.finite === true && window.gradlab.snapshot.epoch === 0);
  assert.equal(await page.isHidden('#net-notice'), true);
  assert.deepEqual(errors, []);
});
