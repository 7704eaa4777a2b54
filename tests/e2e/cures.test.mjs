// Issue 9 on the page, as a user: the network panel's hidden activation, initial weights
// and biases; 10 hidden layers of up to 200; the overflow of a deep ReLU network shown,
// not hidden; the chain with tanh and ReLU; every choice in the link, in the downloads and
// in both languages. Numbers are read from the page's own text alternatives — the charts'
// "Numbers" tables and the chain's table — as a reader (or a screen reader) reads them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { start, openLab, shot, chartsDrawn, shown, settled, LONGTASKS } from './helpers.mjs';

let lab;
before(async () => {
  lab = await start({ viewport: { width: 1100, height: 900 }, initScript: LONGTASKS });
  await openLab(lab.page, lab.url);
});
after(async () => lab?.close());

/** ‖δˡ‖ per layer as the norm chart's "Numbers" table shows them (opened like a reader would). */
async function normsShown(page) {
  const details = page.locator('#net-normchart-numbers');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  await details.locator('tbody tr').first().waitFor();
  const rows = await details.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  return rows.map((r) => shown(r[1]));
}

/** Click a chart's download button `format`; the file's text. */
async function download(page, id, format) {
  const button = page.locator(`figure:has(#${id}) .export button[data-format="${format}"]`);
  await button.scrollIntoViewIfNeeded();
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), button.click()]);
  return (await readFile(await d.path())).toString('utf8');
}

const hash = async (page) => new URLSearchParams(await page.evaluate(() => location.hash.slice(1)));

test('every new control is reachable by keyboard, in order, after the width', async () => {
  const { page } = lab;
  await page.focus('#net-width');
  const order = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.id));
  }
  assert.deepEqual(order, ['net-activation', 'net-init', 'net-biases', 'net-gain']);
  await page.focus('#chain-a0');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'chain-act');
  // The options are the core's names, the book's first.
  assert.deepEqual(await page.$$eval('#net-activation option', (os) => os.map((o) => o.value)), ['sigmoid', 'tanh', 'relu', 'leaky-relu']);
  assert.deepEqual(await page.$$eval('#net-init option', (os) => os.map((o) => o.value)), ['scaled', 'large', 'zero', 'glorot', 'he', 'orthogonal']);
  assert.deepEqual(await page.$$eval('#net-biases option', (os) => os.map((o) => o.value)), ['normal', 'zero']);
  assert.match(await page.textContent('#net-activation-hint'), /output layer stays sigmoid, with the cross-entropy cost/);
});

test('at 8 hidden layers, sigmoid\'s layer 1 learns ≥ 1000× more slowly than its last; ReLU + He brings it within 10×', async () => {
  const { page, errors } = lab;
  // Eight hidden layers, by keyboard: from 3, five steps right.
  await page.focus('#net-hidden');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await page.textContent('#net-hidden-out'), '8');
  await settled(page, 8);
  const sigmoid = await normsShown(page);
  assert.equal(sigmoid.length, 8);
  assert.ok(sigmoid[7] / sigmoid[0] >= 1000, `sigmoid, scaled: ‖δ¹‖ = ${sigmoid[0]}, ‖δ⁸‖ = ${sigmoid[7]}`);

  // ReLU, by keyboard (a closed select steps through its options with the arrow keys), then He.
  await page.focus('#net-activation');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue('#net-activation'), 'relu');
  await page.selectOption('#net-init', 'he');
  assert.match(await page.textContent('#net-init-hint'), /N\(0, 2\/nᵢₙ\), He et al\. \(2015\)/);
  await settled(page, 8);
  const relu = await normsShown(page);
  const ratio = relu[7] / relu[0];
  assert.ok(ratio > 0.1 && ratio < 10, `ReLU + He: ‖δ¹‖ = ${relu[0]}, ‖δ⁸‖ = ${relu[7]}`);
  assert.match(await page.textContent('#net-status'), /^Ready: \[784, 30, 30, 30, 30, 30, 30, 30, 30, 10\] ReLU/);
  // In the link, and in the norm chart's JSON download.
  await page.waitForFunction(() => location.hash.includes('net.init=he'));
  const h = await hash(page);
  assert.deepEqual([h.get('net.hidden'), h.get('net.activation'), h.get('net.init'), h.get('net.biases')], ['8', 'relu', 'he', null]);
  const json = JSON.parse(await download(page, 'net-normchart', 'json'));
  assert.deepEqual([json.settings.hidden, json.settings.activation, json.settings.init, json.settings.biases], [8, 'relu', 'he', 'normal']);
  assert.deepEqual(json.rows.map((r) => r[1]).length, 8);
  await page.locator('#net-normchart-numbers summary').click(); // closed again
  await shot(page.locator('#network'), 'cures-relu-he-8');

  // It trains (η = 0.03, where the numpy run saw ReLU learn), and layer 1 still keeps up.
  await page.fill('#net-eta', '0.03');
  await page.press('#net-eta', 'Enter');
  await page.fill('#net-epochs', '1');
  await page.press('#net-epochs', 'Enter');
  await page.click('#net-step');
  await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === 2, null, { timeout: 120_000 });
  await chartsDrawn(page);
  const trained = await normsShown(page);
  assert.ok(trained[7] / trained[0] < 10, `after an epoch: ‖δ¹‖ = ${trained[0]}, ‖δ⁸‖ = ${trained[7]}`);
  assert.ok((await page.evaluate(() => window.gradlab.snapshot.accuracy)) > 0.2, 'above chance after an epoch');
  await page.locator('#net-normchart-numbers summary').click();
  assert.deepEqual(errors, []);
});

test('a file\'s "activation" key sets the panel\'s activation; the download carries it', async () => {
  const { page, errors } = lab;
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#net-download')]);
  const file = JSON.parse(await readFile(await d.path(), 'utf8'));
  assert.equal(file.activation, 'relu');
  // Back to sigmoid on the panel, then the ReLU file loaded: the panel follows the file.
  await page.selectOption('#net-activation', 'sigmoid');
  await settled(page, 8);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#net-load')]);
  await chooser.setFiles(await d.path());
  await page.waitForFunction(() => /^Loaded/.test(document.getElementById('net-load-msg').textContent), null, { timeout: 30_000 });
  assert.equal(await page.inputValue('#net-activation'), 'relu');
  await page.waitForFunction(() => location.hash.includes('net.activation=relu'));
  assert.deepEqual(errors, []);
});

test('a deep ReLU network at η = 0.1 with N(0, 1) biases overflows in its first epoch, and the page says so', async () => {
  const { page, errors } = lab;
  // 10 hidden layers of 30, He, η = 0.1 (the book's), seed 2: `gradlab train` overflows too.
  await page.goto(`${lab.url}#net.hidden=10&net.activation=relu&net.init=he&net.seed=2`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  await settled(page, 10);
  await page.click('#net-step');
  await page.waitForFunction(() => window.gradlab.status === 'idle' && !document.getElementById('net-notice').hidden, null, { timeout: 120_000 });
  assert.match(await page.textContent('#net-notice'), /Training diverged in epoch 1: .*non-finite/);
  assert.match(await page.textContent('#net-status'), /diverged/);
  await chartsDrawn(page);
  assert.match(await page.getAttribute('#net-normchart', 'aria-label'), /overflow/);
  await shot(page.locator('#network'), 'cures-relu-diverged');
  assert.deepEqual(errors, []);
});

test('[784, 10×200, 10] trains in the worker without blocking the page', async (t) => {
  const { page, errors } = lab;
  await page.goto(`${lab.url}#net.hidden=10&net.width=200&net.epochs=1`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  await settled(page, 10);
  assert.equal(await page.inputValue('#net-width'), '200');
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#net-start');
  // While it trains, the chain answers its slider at once.
  await page.waitForFunction(() => window.gradlab.status === 'running');
  await page.focus('#chain-w');
  const before = await page.evaluate(() => window.gradlab.chainTimings.length);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => window.gradlab.chainTimings.length), before + 5, 'a redraw per key, in the key\'s event');
  await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === 2, null, { timeout: 240_000 });
  const seconds = ((await page.evaluate(() => performance.now())) - t0) / 1000;
  t.diagnostic(`one epoch of [784, 10×200, 10] (8,000 images, mini-batch 10) with its probe and evaluation: ${seconds.toFixed(1)} s`);
  const long = await page.evaluate((since) => window.__longtasks.filter((e) => e.start >= since).map((e) => Math.round(e.duration)), t0);
  // The network's ten layers in every chart; no task of the page's own over 50 ms (a shared
  // machine can stretch one: the bound is the README's).
  assert.deepEqual(long, [], 'long tasks while [784, 10×200, 10] trains');
  assert.equal(await page.evaluate(() => window.gradlab.snapshot.probe.layers.length), 10);
  await chartsDrawn(page);
  await shot(page.locator('#network'), 'cures-10x200');
  assert.deepEqual(errors, []);
});

test('the chain with tanh and ReLU: f′ and its peak, every active ReLU term exactly w, a dead unit', async () => {
  const { page, errors } = lab;
  await page.goto(`${lab.url}#chain.bias=zero&chain.w=1`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  await page.selectOption('#chain-act', 'tanh');
  assert.match(await page.textContent('#chain-act-note'), /tanh′ peaks at 1, not ¼/);
  // z = 0 everywhere, w = 1: tanh's terms are exactly 1 (the last neuron, the output, σ: ¼).
  const terms = await page.$$eval('#chain-table tr:nth-child(6) td', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(terms, ['—', '1', '1', '1', '0.25']);
  assert.match(await page.textContent('#chain-table'), /f′\(zj\)/);
  const svg = await download(page, 'chain-canvas', 'svg');
  assert.match(svg, /tanh′\(0\) = 1/);
  assert.match(svg, /f′\(z\) with f = tanh/);
  assert.match(svg, /σ′ of the output neuron/);
  assert.doesNotMatch(svg, /σ′\(0\) = 1\/4/);
  // The page's own words about the chain say f′, and drop the sigmoid's peak of ¼.
  assert.match(await page.locator('#chain-readout').innerText(), /typical term \|wf′\(z\)\|/);
  assert.equal(await page.isVisible('#chain figcaption .sigmoid-only'), false);
  await chartsDrawn(page);
  await shot(page.locator('#chain'), 'cures-chain-tanh');

  // ReLU with fixed b = 0 and w = 0.5 (z > 0): every active term is exactly w.
  await page.selectOption('#chain-act', 'relu');
  await page.check('#chain-bias-fixed');
  await page.fill('#chain-w-num', '0.5');
  await page.press('#chain-w-num', 'Enter');
  const relu = await page.$$eval('#chain-table tr:nth-child(6) td', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(relu.slice(0, 4), ['—', '0.5', '0.5', '0.5']);
  assert.match(await page.textContent('#chain-act-note'), /product is wL.*dead unit/);
  assert.match(await download(page, 'chain-canvas', 'svg'), /ReLU′\(z\) = 1 for z &gt; 0, 0 below|ReLU′\(z\) = 1 for z > 0, 0 below/);
  // A negative bias: z < 0, the unit is dead, and ∂C/∂b₁ is exactly 0.
  await page.fill('#chain-b', '-2');
  await page.press('#chain-b', 'Enter');
  assert.equal(await page.textContent('#chain-dcdb1'), '0');
  assert.match(await page.textContent('#chain-regime'), /does not learn at all/);
  // In the link, and in the chain's JSON.
  await page.waitForFunction(() => location.hash.includes('chain.act=relu'));
  const json = JSON.parse(await download(page, 'chain-canvas', 'json'));
  assert.equal(json.settings.activation, 'relu');
  assert.ok(json.columns.includes('f′(z_j)'));
  // The chain's widget alone keeps the note on its f, and its link keeps the f.
  await page.goto(`${lab.url}?embed=chain#chain.act=relu`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  assert.equal(await page.isVisible('#chain-act-note'), true);
  assert.equal(await page.inputValue('#chain-act'), 'relu');
  await page.selectOption('#chain-act', 'sigmoid');
  assert.equal(await page.isVisible('#chain-act-note'), false);
  assert.deepEqual(errors, []);
});

test('in Chinese: the choices, the notes and the chart labels', async () => {
  const { page, errors } = lab;
  await page.goto(`${lab.url}#lang=zh&chain.act=tanh&chain.bias=zero&net.hidden=8&net.activation=relu&net.init=he`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  await settled(page, 8);
  assert.match(await page.textContent('#net-activation-hint'), /输出层仍是 sigmoid/);
  assert.equal(await page.$eval('#net-activation', (s) => s.selectedOptions[0].textContent), 'ReLU');
  assert.deepEqual(await page.$$eval('#net-activation option', (os) => os.map((o) => o.textContent)), ['sigmoid σ', 'tanh', 'ReLU', '带泄漏的 ReLU']);
  assert.match(await page.textContent('#net-init-hint'), /He 等（2015）/);
  assert.match(await page.textContent('#chain-act-note'), /tanh′ 的峰值是 1/);
  const svg = await download(page, 'chain-canvas', 'svg');
  // A title may wrap over two <text> elements: the SVG's words, one space between.
  assert.match(svg.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '), /f′\(z\)（f = tanh）与每个神经元的 z/);
  assert.match(svg, /输出神经元的 σ′/);
  await chartsDrawn(page);
  await shot(page.locator('#chain'), 'cures-chain-tanh-zh');
  await shot(page.locator('#network'), 'cures-relu-he-8-zh');
  // A name that does not exist: the default, and a notice in Chinese naming the names.
  await page.goto(`${lab.url}#lang=zh&net.activation=swish`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  assert.match(await page.textContent('#url-notice'), /“swish”不在 sigmoid, tanh, relu, leaky-relu 之中；改用 sigmoid/);
  assert.equal(await page.inputValue('#net-activation'), 'sigmoid');
  assert.deepEqual(errors, []);
});
