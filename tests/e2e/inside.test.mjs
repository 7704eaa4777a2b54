// Issue 10 on the page, as a learner: the view inside the network. The first view never
// fetches its second wasm module; opening the view loads it, and on the book's
// [784, 30, 30, 30, 30, 10] the gain slider carries the root-mean-square factor from ≈ 0.2
// towards 1 while the units saturate; with ReLU + He the factor and the measured ratio sit
// near 1. Numbers are read from the view's own tables, as a reader (or a screen reader) would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { start, openLab, shot, chartsDrawn, dragRange, inkPixels, LONGTASKS } from './helpers.mjs';

let lab;
/** Every URL path the page and its worker requested. */
const requested = [];
before(async () => {
  lab = await start({ viewport: { width: 1100, height: 900 }, initScript: LONGTASKS });
  // The page's and its worker's requests; the service worker's precache (sw.js), which
  // stores the second module for offline use after the first view, is not the page loading it.
  lab.context.on('request', (r) => r.serviceWorker() || requested.push(new URL(r.url()).pathname));
  await openLab(lab.page, `${lab.url}#net.hidden=4`);
});
after(async () => lab?.close());

const SECOND = /\/www\/pkg-inside\//;

/** The factor table's rows (opened like a reader would): {rms, ratio, saturated} per hidden layer. */
async function factors(page) {
  const details = page.locator('#inside-factors-numbers');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  await details.locator('tbody tr').first().waitFor();
  const rows = await details.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  const n = (s) => Number(s.replace(/−/g, '-'));
  return rows.map((r) => ({ rms: n(r[4]), ratio: n(r[5]), saturated: n(r[7]) }));
}

/** A chart's "Numbers" table, opened like a reader would: the body's cells as text, row by row. */
async function numbers(page, id) {
  const details = page.locator(`#${id}-numbers`);
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  await details.locator('tbody tr').first().waitFor();
  return details.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
}
const n = (s) => Number(s.replace(/−/g, '-'));

/** A report of the panel's current network has arrived and been drawn. */
async function refreshed(page) {
  await page.waitForFunction(() => {
    const g = window.gradlab;
    const v = g.inside;
    return !g.resetPending() && g.status === 'idle' && v.report && v.sent === v.answered && !v.wanted && v.report.sizes.length === g.snapshot.probe.layers.length + 2;
  }, null, { timeout: 60_000 });
  await chartsDrawn(page);
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('the first view does not fetch the second module', async () => {
  await lab.page.waitForTimeout(1500);
  assert.ok(requested.some((p) => p.endsWith('/www/pkg/gradlab_bg.wasm')), 'the first module was fetched');
  assert.deepEqual(requested.filter((p) => SECOND.test(p)), []);
});

test('opened by keyboard, the view loads its module and shows the book network’s factors ≈ 0.2', async () => {
  const { page } = lab;
  await page.focus('#inside > summary');
  await page.keyboard.press('Enter');
  await refreshed(page);
  assert.ok(requested.some((p) => SECOND.test(p)), 'the second module was fetched when the view opened');
  // The link is rewritten a moment after a change (the page batches its history writes).
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('inside.open') === '1', null, { timeout: 5000 }).catch(() => {});
  assert.equal(new URLSearchParams(await page.evaluate(() => location.hash.slice(1))).get('inside.open'), '1');
  const rows = await factors(page);
  assert.equal(rows.length, 4);
  for (const r of rows) assert.ok(r.rms > 0.12 && r.rms < 0.35, `RMS factor ${r.rms} at gain 1`);
  assert.ok(await inkPixels(page, '#inside-factors') > 1000);
  assert.ok(await inkPixels(page, '#inside-norms') > 1000);
  assert.match(await page.locator('#inside-gap').textContent(), /wide layers of random weights/);
  assert.match(await page.locator('#net-gain-critical').textContent(), /gain ≈ \d/);
  assert.equal(await page.locator('#net-gain-mark').isVisible(), true);
  await shot(page.locator('#inside'), 'inside-gain1');
});

test('two epochs with the view open: mean ± std, the heatmap and the update ratios have a row per epoch 0, 1, 2', async () => {
  const { page } = lab;
  await page.fill('#net-epochs', '2');
  await page.press('#net-epochs', 'Enter');
  await page.click('#net-start');
  await page.waitForFunction(() => window.gradlab.inside.history.length === 3, null, { timeout: 120_000 });
  await refreshed(page);
  const heat = await numbers(page, 'inside-heatmap');
  assert.deepEqual(heat.map((r) => r[0]), ['0', '1', '2']);
  assert.ok(heat.every((r) => r.length === 1 + 4), 'a column per hidden layer');
  // The vanishing gradient, epoch by epoch: layer 1's ‖δ‖ below layer 4's.
  for (const r of heat) assert.ok(n(r[1]) < n(r[4]) - 0.5, `log₁₀‖δˡ‖ ${r}`);
  const acts = await numbers(page, 'inside-activations');
  assert.deepEqual(acts.map((r) => r[0]), ['0', '1', '2']);
  for (const r of acts) {
    assert.equal(r.length, 1 + 2 * 4, 'mean and std per hidden layer');
    for (let l = 0; l < 4; l++) assert.ok(n(r[1 + 2 * l]) > 0 && n(r[1 + 2 * l]) < 1 && n(r[2 + 2 * l]) > 0, `sigmoid mean and std ${r}`);
  }
  const updates = await numbers(page, 'inside-updates');
  assert.deepEqual(updates.map((r) => r[0]), ['0', '1', '2']);
  for (const r of updates) {
    assert.equal(r.length, 1 + 5, 'a column per weight layer');
    assert.ok(r.slice(1).every((v) => n(v) < 0 && n(v) > -8), `log₁₀ update/weight ${r}`);
  }
  assert.match(await page.textContent('#inside-run'), /from epoch 0 to 2 \(3 records/);
  for (const id of ['inside-hist', 'inside-activations', 'inside-heatmap', 'inside-updates']) assert.ok(await inkPixels(page, `#${id}`) > 1000, id);
  await shot(page.locator('#inside'), 'inside-trained');
});

test('closed, the view records nothing; reopened, it records again, and the heatmap table shows the gap', async () => {
  const { page } = lab;
  await page.click('#inside > summary');
  await page.waitForFunction(() => !window.gradlab.inside.open);
  for (const epoch of [3, 4]) {
    await page.click('#net-step');
    await page.waitForFunction((e) => window.gradlab.snapshot.epoch === e && window.gradlab.status === 'idle', epoch, { timeout: 60_000 });
  }
  await page.click('#inside > summary');
  await page.waitForFunction(() => window.gradlab.inside.history.at(-1)?.epoch === 4, null, { timeout: 60_000 });
  await refreshed(page);
  assert.deepEqual(await page.evaluate(() => window.gradlab.inside.history.map((e) => e.epoch)), [0, 1, 2, 4]);
  assert.deepEqual((await numbers(page, 'inside-heatmap')).map((r) => r[0]), ['0', '1', '2', '4']);
});

test('dragging the gain from 1 to 8: the RMS factor rises towards 1 and the units saturate', async () => {
  const { page } = lab;
  const before = await factors(page);
  await page.locator('#net-gain').scrollIntoViewIfNeeded();
  await dragRange(page, '#net-gain', 0.5, Math.log(8 / 0.05) / Math.log(400), 15);
  await page.waitForFunction(() => Math.abs(window.gradlab.state['net.gainPos'] - Math.log(160) / Math.log(400)) < 0.01, null, { timeout: 10_000 });
  await refreshed(page);
  const after = await factors(page);
  assert.ok(mean(after.map((r) => r.rms)) > 0.75, `RMS factors at gain 8: ${after.map((r) => r.rms)}`);
  assert.ok(mean(after.map((r) => r.rms)) > 3 * mean(before.map((r) => r.rms)));
  assert.ok(mean(after.map((r) => r.saturated)) > 0.2, `fraction saturated at gain 8: ${after.map((r) => r.saturated)}`);
  assert.ok(mean(before.map((r) => r.saturated)) < 0.05);
  // The histograms say so too: a fifth or more of each layer's aˡ in the outer bins [0, 0.05]
  // and [0.95, 1], which hold every saturated value (within 0.03 of a bound).
  const hist = await numbers(page, 'inside-hist');
  assert.equal(new Set(hist.map((r) => r[0])).size, 4, 'rows for 4 hidden layers');
  ['1', '2', '3', '4'].forEach((l, i) => {
    const a = hist.filter((r) => r[0] === l && r[1] === 'aˡ');
    assert.equal(a.length, 20, 'the bins of aˡ');
    const outer = a.filter((r) => n(r[3]) <= 0.05 + 1e-9 || n(r[2]) >= 0.95 - 1e-9).reduce((s, r) => s + n(r[4]), 0);
    assert.ok(outer > 0.2, `layer ${l}: ${outer} of aˡ in the outer bins at gain 8`);
    assert.ok(outer >= after[i].saturated - 1e-3, `layer ${l}: outer bins ${outer} hold the saturated ${after[i].saturated}`);
  });
  // A new network (the gain): a new run, recorded from its start.
  await page.waitForFunction(() => window.gradlab.inside.history.length === 1 && window.gradlab.inside.history[0].epoch === 0);
  await shot(page.locator('#inside'), 'inside-gain8');
});

test('ReLU + He: the measured ratio and the RMS factor sit near 1', async () => {
  const { page } = lab;
  await page.evaluate(() => (location.hash = 'net.hidden=4&net.activation=relu&net.init=he&inside.open=1'));
  await page.waitForFunction(() => window.gradlab.state['net.activation'] === 'relu', null, { timeout: 10_000 });
  await refreshed(page);
  await page.waitForFunction(() => window.gradlab.inside.report.activation === 'relu', null, { timeout: 30_000 });
  const rows = await factors(page);
  for (const r of rows) {
    assert.ok(r.rms > 0.7 && r.rms < 1.4, `RMS factor ${r.rms} with ReLU + He`);
    assert.ok(r.ratio > 0.6 && r.ratio < 1.5, `measured ratio ${r.ratio} with ReLU + He`);
  }
  assert.deepEqual(lab.errors, []);
});

/** Click a chart's download button `format`; the file's text. */
async function download(page, id, format) {
  const button = page.locator(`figure:has(#${id}) .export button[data-format="${format}"]`);
  await button.scrollIntoViewIfNeeded();
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), button.click()]);
  return (await readFile(await d.path())).toString('utf8');
}

test('the charts download as SVG, CSV and JSON, and speak Chinese with the page', async () => {
  const { page } = lab;
  const svg = await download(page, 'inside-factors', 'svg');
  assert.match(svg, /^<svg[\s\S]*root-mean-square[\s\S]*<\/svg>\s*$/);
  const csv = (await download(page, 'inside-factors', 'csv')).trim().split('\r\n');
  assert.equal(csv.length, 5);
  assert.match(csv[0], /root-mean-square/);
  const json = JSON.parse(await download(page, 'inside-norms', 'json'));
  assert.equal(json.rows.length, 4);
  assert.ok(json.rows.every((r) => r[1] > 0 && r[2] > 0), 'measured and predicted ‖δˡ‖');
  // The run's charts: epoch 0 of the ReLU network (a row), log₁₀‖δˡ‖ of 4 hidden layers.
  const heat = (await download(page, 'inside-heatmap', 'csv')).trim().split('\r\n');
  assert.equal(heat.length, 2);
  assert.equal(heat[0].split(',').length, 5);
  assert.match(await download(page, 'inside-hist', 'svg'), /^<svg[\s\S]*saturated or off[\s\S]*<\/svg>\s*$/);
  await page.evaluate(() => (location.hash = `${location.hash.slice(1)}&lang=zh`));
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await page.waitForFunction(() => /均方根/.test(document.querySelector('#inside-factors-numbers thead').textContent));
  assert.match(await page.textContent('#inside-gap'), /预测假设各层很宽、权重随机/);
  assert.match(await download(page, 'inside-factors', 'svg'), /均方根/);
  assert.match(await download(page, 'inside-updates', 'svg'), /经验法则/);
  assert.match(await page.textContent('#inside-run'), /本次运行/);
  await page.evaluate(() => (location.hash = location.hash.slice(1).replace('&lang=zh', '')));
  await page.waitForFunction(() => document.documentElement.lang === 'en');
});

test('embedded (?embed=inside): the view opens by itself beside the panel’s controls, charts drawn', async () => {
  const page = await lab.context.newPage();
  try {
    await openLab(page, `${lab.url}?embed=inside#net.hidden=2`);
    await page.waitForFunction(() => window.gradlab.inside.report?.sizes.length === 4, null, { timeout: 60_000 });
    await chartsDrawn(page);
    assert.equal(await page.locator('#inside').evaluate((d) => d.open), true);
    assert.equal(await page.locator('#net-controls').isVisible(), true);
    assert.equal(await page.locator('#net-speed').isVisible(), false, 'the panel’s other charts are not in this widget');
    assert.equal((await numbers(page, 'inside-heatmap')).length, 1, 'epoch 0 recorded');
    assert.ok(await inkPixels(page, '#inside-hist') > 1000);
  } finally {
    await page.close();
  }
  assert.deepEqual(lab.errors, []);
});
