// Section 4, A and B side by side, as a reader uses it: one click on a preset trains both
// in the worker while the page stays responsive; the charts are drawn live, their numbers
// are in a table, and `embed=compare` shows the section alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { start, openLab, shot, inkPixels, chartsDrawn, LONGTASKS } from './helpers.mjs';

let lab;
before(async () => {
  lab = await start({ viewport: { width: 1100, height: 900 }, initScript: LONGTASKS });
  await openLab(lab.page, lab.url);
});
after(async () => lab?.close());

/** Click a chart's download button `format`; the file's text and name. */
async function download(page, id, format) {
  const button = page.locator(`figure:has(#${id}) .export button[data-format="${format}"]`);
  await button.scrollIntoViewIfNeeded();
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), button.click()]);
  return { name: d.suggestedFilename(), text: await readFile(await d.path(), 'utf8') };
}

const epochsDone = (page, n, timeout = 120_000) =>
  page.waitForFunction((n) => (window.gradlab.compare.history?.a.length ?? 0) > n && (window.gradlab.compare.history?.b.length ?? 0) > n, n, { timeout });

test('sigmoid vs ReLU + He at 8 hidden layers: B learns in every layer, A’s first layer hardly', async () => {
  const { page, errors } = lab;
  await page.locator('#compare').scrollIntoViewIfNeeded();
  const button = page.getByRole('button', { name: 'sigmoid vs ReLU + He, 8 hidden layers' });
  const clicked = await page.evaluate(() => performance.now());
  await button.click();
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
  assert.match(await page.textContent('#cmp-a'), /sigmoid σ, scaled weights, 8 hidden layers of 30, η = 0\.03/);
  assert.match(await page.textContent('#cmp-b'), /ReLU, He weights, 8 hidden layers of 30, η = 0\.03/);
  await epochsDone(page, 2);
  // Long tasks are reported a little after they end: those that began after the click.
  const longTasks = await page.evaluate((t0) => window.__longtasks.filter((e) => e.start >= t0), clicked);
  await page.click('#cmp-run'); // "Cancel": two epochs tell the story
  await page.waitForFunction(() => !window.gradlab.compare.running);
  const h = await page.evaluate(() => window.gradlab.compare.history);
  const ratio = (e) => e.norms[0] / e.norms[e.norms.length - 1];
  const [a, b] = [h.a[2], h.b[2]];
  assert.equal(a.norms.length, 8);
  assert.ok(ratio(b) > 0.1, `B's layer 1 is within 10× of its last: ${ratio(b)}`);
  assert.ok(ratio(a) < 1e-3, `A's layer 1 is far slower than its last: ${ratio(a)}`);
  assert.ok(b.accuracy > 0.7 && a.accuracy < 0.2, `A ${a.accuracy}, B ${b.accuracy}`);
  await chartsDrawn(page);
  for (const id of ['#cmp-norms', '#cmp-speed', '#cmp-training']) assert.ok((await inkPixels(page, id)) > 2000, `${id} is drawn`);
  // The text alternative: each chart's numbers, as a table, and in its label.
  const details = page.locator('#cmp-norms-numbers');
  await details.locator('summary').click();
  await details.locator('tbody tr').first().waitFor();
  const rows = await details.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.equal(rows.length, 8, 'a row per hidden layer');
  await details.locator('summary').click();
  // Exports: the SVG is the same chart, A and B labelled; the CSV holds both sides' numbers.
  const svg = await download(page, 'cmp-speed', 'svg');
  assert.match(svg.text, /^<svg/);
  assert.match(svg.text, />\s*A hidden layer 8\s*</);
  assert.match(svg.text, />\s*B hidden layer 1\s*</);
  const csv = await download(page, 'cmp-training', 'csv');
  assert.match(csv.text.split('\n')[0], /epoch,validation accuracy \(%\) A,validation accuracy \(%\) B,cost A,cost B/);
  const label = await page.getAttribute('#cmp-norms', 'aria-label');
  assert.match(label, /A: layer 1 learns .* more slowly than layer 8/, label);
  assert.deepEqual(longTasks, [], 'no main-thread task over 50 ms while two networks train');
  assert.deepEqual(errors, []);
  assert.deepEqual(await page.evaluate(() => window.gradlab.errors), []);
  await shot(page.locator('#compare'), 'compare-sigmoid-relu');
});

test('the book’s large vs scaled weights: ours beside the book’s numbers; the link keeps the preset', async () => {
  const { page, errors } = lab;
  await page.getByRole('button', { name: 'the book’s large vs scaled weights' }).click();
  await epochsDone(page, 1);
  await page.waitForFunction(() => /after epoch 1/.test(document.getElementById('cmp-book').textContent));
  assert.match(await page.textContent('#cmp-book'), /under 87\s%.*almost 93\s%.*Here, on the 8,000-image subset: [\d.]+\s% and [\d.]+\s% after epoch 1/);
  await page.click('#cmp-run');
  await page.waitForFunction(() => !window.gradlab.compare.running);
  await page.waitForFunction(() => location.hash.includes('cmp.preset=large-scaled'));
  assert.deepEqual(errors, []);
});

test('embed=compare shows the section alone and trains from its link', async () => {
  const { page, errors } = lab;
  await page.goto(`${lab.url}?embed=compare#cmp.preset=gain&cmp.seed=3`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  await page.waitForFunction(() => !document.getElementById('cmp-run').disabled, null, { timeout: 60_000 });
  assert.equal(await page.isVisible('#chain'), false);
  assert.equal(await page.inputValue('#cmp-seed'), '3');
  assert.equal(await page.getAttribute('[data-preset="gain"]', 'aria-pressed'), 'true');
  await page.click('#cmp-run');
  await epochsDone(page, 1);
  assert.match(await page.textContent('#cmp-b'), /× 4/);
  // The preset's ten epochs to the end: the status says so, with the rate.
  await page.waitForFunction(() => !window.gradlab.compare.running, null, { timeout: 120_000 });
  assert.match(await page.textContent('#cmp-status'), /^Done: 10 epochs; the two networks trained side by side, each at [\d,]+ examples\/s\.$/);
  assert.equal(await page.textContent('#cmp-run'), 'Train A and B');
  const h = await page.evaluate(() => window.gradlab.compare.history);
  assert.deepEqual([h.a.length, h.b.length], [11, 11]);
  assert.deepEqual(errors, []);
});

test('a worker that crashes mid-comparison: the run is said interrupted, and after the restart it trains again', async () => {
  const { page } = lab;
  await page.goto(`${lab.url}#cmp.preset=sigmoid-tanh`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true && !document.getElementById('cmp-run').disabled, null, { timeout: 60_000 });
  await page.click('#cmp-run');
  await page.waitForFunction(() => window.gradlab.compare.running && window.gradlab.compare.history !== null);
  await page.evaluate(() => window.gradlab.debugPanic());
  await page.waitForFunction(() => /^Interrupted/.test(document.getElementById('cmp-status').textContent));
  assert.equal(await page.evaluate(() => window.gradlab.compare.running), false);
  // The new worker is ready: the buttons work again, and a run finishes its first epoch.
  await page.waitForFunction(() => !document.getElementById('cmp-run').disabled, null, { timeout: 60_000 });
  assert.equal(await page.textContent('#cmp-run'), 'Train A and B');
  await page.click('#cmp-run');
  await epochsDone(page, 1);
  await page.click('#cmp-run');
});

test("a reader changes A or B: the setups say so, the link keeps it, and a preset's button clears it", async () => {
  const { page } = lab;
  await page.goto(`${lab.url}?embed=compare#cmp.preset=sigmoid-relu&cmp.bEta=0.1`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true && !document.getElementById('cmp-run').disabled, null, { timeout: 60_000 });
  assert.match(await page.textContent('#cmp-b'), /ReLU, He .* 8 hidden layers of 30, η = 0\.1,/);
  assert.match(await page.textContent('#cmp-a'), /η = 0\.03,/);
  await page.click('#cmp-custom summary');
  assert.equal(await page.inputValue('#cmp-bEta'), '0.1');
  // The panel's names and words (act.*, init.*), built from the settings table.
  assert.deepEqual(await page.locator('#cmp-aInit option').evaluateAll((os) => os.map((o) => o.value)), ['', 'scaled', 'large', 'zero', 'glorot', 'he', 'orthogonal']);
  assert.equal(await page.locator('#cmp-aActivation option[value="leaky-relu"]').textContent(), 'leaky ReLU');
  await page.selectOption('#cmp-aActivation', 'tanh');
  await page.fill('#cmp-aHidden', '3');
  await page.press('#cmp-aHidden', 'Enter');
  assert.match(await page.textContent('#cmp-a'), /^tanh, scaled .* 3 hidden layers of 30, η = 0\.03/);
  await page.waitForFunction(() => location.hash.includes('cmp.aActivation=tanh') && location.hash.includes('cmp.aHidden=3'));
  await page.click('#cmp-run');
  await epochsDone(page, 1);
  const h = await page.evaluate(() => window.gradlab.compare.history);
  assert.equal(h.a[1].norms.length, 3, 'A trained with its 3 hidden layers');
  await page.click('#cmp-run'); // cancel
  await page.waitForFunction(() => !window.gradlab.compare.running);
  // A preset's button: the core's A and B again.
  await page.click('[data-preset="sigmoid-relu"]');
  assert.match(await page.textContent('#cmp-a'), /^sigmoid σ, .* 8 hidden layers/);
  assert.equal(await page.inputValue('#cmp-aActivation'), '');
  await page.waitForFunction(() => !location.hash.includes('cmp.aActivation') && !location.hash.includes('cmp.bEta'));
  await page.click('#cmp-run'); // cancel
});

/** The ratio ‖δ¹‖/‖δᴸ‖ (‖∂C/∂β¹‖/‖∂C/∂βᴸ‖) of a side's epoch. */
const ratio = (e) => e.norms[0] / e.norms[e.norms.length - 1];

test('plain vs residual, 10 sigmoid layers: with skip connections layer 1 keeps learning; the link from before the one spelling still reads', async () => {
  const { page, errors } = lab;
  errors.length = 0; // the crash test's panic, on purpose, is not this test's
  // A link written when the names were the core's serde names: read, with a notice.
  await page.goto(`${lab.url}#cmp.preset=sigmoid-relu&cmp.bActivation=Relu&cmp.bInit=He`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true && !document.getElementById('cmp-run').disabled, null, { timeout: 60_000 });
  assert.equal(await page.inputValue('#cmp-bActivation'), 'relu');
  assert.equal(await page.inputValue('#cmp-bInit'), 'he');
  assert.match(await page.textContent('#url-notice'), /cmp\.bActivation/);
  await page.locator('#compare').scrollIntoViewIfNeeded();
  await page.getByRole('button', { name: 'plain vs residual, 10 sigmoid layers' }).click();
  assert.match(await page.textContent('#cmp-b'), /^sigmoid σ, scaled weights, skip connections, 10 hidden layers of 30, η = 0\.1/);
  await epochsDone(page, 2);
  await page.click('#cmp-run'); // cancel: two epochs tell the story
  await page.waitForFunction(() => !window.gradlab.compare.running);
  const h = await page.evaluate(() => window.gradlab.compare.history);
  const [a, b] = [h.a[2], h.b[2]];
  assert.equal(b.norms.length, 10);
  assert.ok(ratio(b) > 0.1, `B's layer 1 is within 10× of its last: ${ratio(b)}`);
  assert.ok(ratio(a) < 1e-4, `A's layer 1 is far slower than its last: ${ratio(a)}`);
  assert.ok(b.accuracy > 0.8 && a.accuracy < 0.2, `A ${a.accuracy}, B ${b.accuracy}`);
  await page.waitForFunction(() => location.hash.includes('cmp.preset=plain-residual'));
  await chartsDrawn(page);
  await shot(page.locator('#compare'), 'compare-plain-residual');
  assert.deepEqual(errors, []);
});

test('without vs with batch norm: B learns, and the page says its speed of learning is ‖∂C/∂βˡ‖', async () => {
  const { page, errors } = lab;
  errors.length = 0; // the crash test's panic, on purpose, is not this test's
  await page.getByRole('button', { name: 'without vs with batch norm, 10 sigmoid layers' }).click();
  assert.match(await page.textContent('#cmp-b'), /, batch norm, 10 hidden layers/);
  assert.match(await page.textContent('#cmp-book'), /β takes the place of the bias b.*‖∂C\/∂βˡ‖/);
  await epochsDone(page, 2);
  await page.click('#cmp-run');
  await page.waitForFunction(() => !window.gradlab.compare.running);
  const h = await page.evaluate(() => window.gradlab.compare.history);
  assert.ok(h.b[2].accuracy > 0.7 && h.a[2].accuracy < 0.2, `A ${h.a[2].accuracy}, B ${h.b[2].accuracy}`);
  await chartsDrawn(page);
  const svg = await download(page, 'cmp-norms', 'svg');
  assert.match(svg.text, /A ‖δˡ‖, B ‖∂C\/∂βˡ‖ \(log scale\)/);
  const details = page.locator('#cmp-norms-numbers');
  await details.locator('summary').click();
  // Filled when opened (the toggle event): wait for this run's head, not an earlier one's.
  await page.waitForFunction(() => /‖∂C\/∂βˡ‖ B/.test(document.querySelector('#cmp-norms-numbers thead')?.textContent));
  assert.match(await details.locator('thead').textContent(), /‖δˡ‖ A/);
  await details.locator('summary').click();
  await shot(page.locator('#compare'), 'compare-batch-norm');
  // Momentum: its own preset, and B's setup says μ.
  await page.getByRole('button', { name: 'SGD vs momentum 0.9' }).click();
  assert.match(await page.textContent('#cmp-b'), /momentum μ = 0\.9/);
  await epochsDone(page, 2);
  await page.click('#cmp-run');
  await page.waitForFunction(() => !window.gradlab.compare.running);
  const m = await page.evaluate(() => window.gradlab.compare.history);
  assert.ok(m.b[2].accuracy > 0.4 && m.a[2].accuracy < 0.2, `A ${m.a[2].accuracy}, B ${m.b[2].accuracy}`);
  await chartsDrawn(page);
  await shot(page.locator('#compare'), 'compare-sgd-momentum');
  assert.deepEqual(errors, []);
});

test('in Chinese: the new presets, options and the β note', async () => {
  const { page, errors } = lab;
  errors.length = 0; // the crash test's panic, on purpose, is not this test's
  await page.goto(`${lab.url}#lang=zh&cmp.preset=batch-norm&cmp.aMomentum=0.9&cmp.aResidual=yes`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true && !document.getElementById('cmp-run').disabled, null, { timeout: 60_000 });
  assert.equal(await page.textContent('[data-preset="plain-residual"]'), '普通对残差，10 个 S 型隐藏层');
  assert.match(await page.textContent('#cmp-a'), /跳跃连接.*动量 μ = 0\.9/);
  assert.match(await page.textContent('#cmp-book'), /β 取代了偏置 b/);
  await page.click('#cmp-custom summary');
  assert.equal(await page.locator('#cmp-aResidual option:checked').textContent(), '是');
  await page.click('#cmp-run');
  await epochsDone(page, 1);
  await page.click('#cmp-run');
  await page.waitForFunction(() => !window.gradlab.compare.running);
  await chartsDrawn(page);
  await shot(page.locator('#compare'), 'compare-batch-norm-zh');
  assert.deepEqual(errors, []);
});

test('the schedule of μ in A or B, as the panel’s switch: the setup says so, the link keeps it, the run uses it', async (t) => {
  const { page, errors } = lab;
  errors.length = 0;
  await page.goto(`${lab.url}?embed=compare#cmp.preset=sgd-momentum`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true && !document.getElementById('cmp-run').disabled, null, { timeout: 60_000 });
  await page.click('#cmp-custom summary');
  assert.deepEqual(await page.locator('#cmp-bSchedule option').evaluateAll((os) => os.map((o) => o.value)), ['', 'yes', 'no']);
  await page.selectOption('#cmp-bSchedule', 'yes');
  assert.match(await page.textContent('#cmp-b'), /momentum μ = 0\.9 \(scheduled\)/);
  assert.doesNotMatch(await page.textContent('#cmp-a'), /scheduled/);
  await page.waitForFunction(() => location.hash.includes('cmp.bSchedule=yes'));
  // On its own the schedule switches nothing but the schedule (A: plain SGD, μ = 0, which it leaves at 0).
  await page.selectOption('#cmp-aSchedule', 'yes');
  assert.match(await page.textContent('#cmp-a'), /\(scheduled\)/);
  await page.click('#cmp-run');
  await epochsDone(page, 1);
  const setups = await page.evaluate(() => window.gradlab.compare.setups);
  assert.deepEqual(setups.b.momentum, { mu: 0.9, nesterov: false, schedule: true });
  assert.deepEqual(setups.a.momentum, { mu: 0, nesterov: false, schedule: true });
  const h = await page.evaluate(() => window.gradlab.compare.history);
  t.diagnostic(`sgd-momentum, B scheduled: accuracy after epoch 1 A ${h.a[1].accuracy}, B ${h.b[1].accuracy}`);
  assert.ok(Number.isFinite(h.b[1].accuracy) && Number.isFinite(h.a[1].accuracy));
  await page.click('#cmp-run'); // cancel
  await page.waitForFunction(() => !window.gradlab.compare.running);
  await page.click('[data-preset="sgd-momentum"]');
  await page.waitForFunction(() => !location.hash.includes('cmp.bSchedule') && !location.hash.includes('cmp.aSchedule'));
  assert.deepEqual(errors, []);
});
