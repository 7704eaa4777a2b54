// Issue 12 on the page, as a learner: skip connections, batch normalisation and momentum
// in the network panel; the chain's skip switch. Numbers are read from the page's own text
// alternatives — the charts' "Numbers" tables and the chain's table — as cures.test.mjs does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { start, openLab, shot, chartsDrawn, shown, settled } from './helpers.mjs';

let lab;
before(async () => {
  lab = await start({ viewport: { width: 1100, height: 900 } });
  await openLab(lab.page, lab.url);
});
after(async () => lab?.close());

/** The norm chart's "Numbers" table, opened as a reader would: its header and ‖δˡ‖ per layer. */
async function normsShown(page) {
  const details = page.locator('#net-normchart-numbers');
  // A closed table keeps its last rows until opened again: emptied first, so the rows read are the new ones.
  await details.evaluate((d) => d.querySelector('table').replaceChildren());
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  await details.locator('tbody tr').first().waitFor();
  const head = await details.locator('thead').textContent();
  const rows = await details.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  await details.locator('summary').click(); // closed again
  return { head, norms: rows.map((r) => shown(r[1])) };
}

async function download(page, id, format) {
  const button = page.locator(`figure:has(#${id}) .export button[data-format="${format}"]`);
  await button.scrollIntoViewIfNeeded();
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), button.click()]);
  return (await readFile(await d.path())).toString('utf8');
}

const words = (svg) => svg.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const termsRow = (page) => page.$$eval('#chain-table tr:nth-child(6) td', (tds) => tds.map((td) => td.textContent));

test('the new switches are reachable by keyboard, after the seed and the epochs', async () => {
  const { page } = lab;
  await page.focus('#net-seed');
  const order = [];
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.id));
  }
  assert.deepEqual(order, ['net-residual', 'net-batchNorm', 'net-eta']);
  await page.focus('#net-epochs');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'net-momentum');
  // With μ = 0 (plain SGD) Nesterov and the schedule do nothing, and say so by being off.
  assert.equal(await page.isDisabled('#net-nesterov'), true);
  assert.deepEqual(await page.$$eval('#net-momentum option', (os) => os.map((o) => o.textContent)), ['0 (plain SGD)', '0.5', '0.9', '0.99']);
  await page.focus('#chain-act');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'chain-residual');
});

test('at 10 sigmoid hidden layers, skip connections bring layer 1 within 10× of the last, where plain is ≥ 1000× slower', async (t) => {
  const { page, errors } = lab;
  await page.goto(`${lab.url}#net.hidden=10`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  await settled(page, 10);
  const plain = (await normsShown(page)).norms;
  assert.equal(plain.length, 10);
  assert.ok(plain[9] / plain[0] >= 1000, `plain: ‖δ¹‖ = ${plain[0]}, ‖δ¹⁰‖ = ${plain[9]}`);
  // The switch, by keyboard: Space toggles a focused checkbox.
  await page.focus('#net-residual');
  await page.keyboard.press('Space');
  assert.equal(await page.isChecked('#net-residual'), true);
  await settled(page, 10);
  const residual = (await normsShown(page)).norms;
  const ratio = residual[9] / residual[0];
  t.diagnostic(`seed 1, ‖δ¹⁰‖/‖δ¹‖ at initialisation: plain ${(plain[9] / plain[0]).toPrecision(3)}, residual ${ratio.toPrecision(3)}`);
  assert.ok(ratio > 0.1 && ratio < 10, `residual: ‖δ¹‖ = ${residual[0]}, ‖δ¹⁰‖ = ${residual[9]}`);
  await page.waitForFunction(() => location.hash.includes('net.residual=true'));
  const json = JSON.parse(await download(page, 'net-normchart', 'json'));
  assert.deepEqual([json.settings.residual, json.settings.batchNorm, json.settings.momentum], [true, false, 0]);
  await shot(page.locator('#network'), 'residual-10-sigmoid');
  assert.deepEqual(errors, []);
});

test('batch normalisation: the charts and tables say β; mini-batch 1 is refused with a clear notice', async () => {
  const { page, errors } = lab;
  await page.check('#net-batchNorm');
  await settled(page, 10);
  const { head } = await normsShown(page);
  assert.match(head, /∂C\/∂βˡ/);
  assert.equal(await page.isVisible('#network .bn-only'), true);
  assert.match(await page.textContent('#network .bn-only'), /δl = ∂C\/∂βl/);
  assert.match(words(await download(page, 'net-normchart', 'svg')), /‖∂C\/∂βˡ‖/);
  assert.match(words(await download(page, 'net-bars', 'svg')), /∂C\/∂β/);
  const bars = JSON.parse(await download(page, 'net-bars', 'json'));
  assert.ok(bars.columns.includes('∂C/∂β'), bars.columns.join(', '));
  // Momentum 0.9 and Nesterov, for the screenshot of every option on.
  await page.selectOption('#net-momentum', '0.9');
  await page.check('#net-nesterov');
  await chartsDrawn(page);
  await shot(page.locator('#net-controls'), 'residual-bn-momentum-panel');
  await shot(page.locator('#network'), 'residual-bn-momentum');
  // Mini-batch 1: the core refuses it by its code, the page says why and takes 2.
  await page.fill('#net-miniBatch', '1');
  await page.press('#net-miniBatch', 'Enter');
  await page.waitForFunction(() => !document.getElementById('net-notice').hidden);
  assert.match(await page.textContent('#net-notice'), /Batch normalisation needs mini-batches of at least 2 .*the mini-batch size is now 2/);
  assert.equal(await page.inputValue('#net-miniBatch'), '2');
  assert.equal(await page.isVisible('#banner'), false);
  // A link asking for both: the network comes with mini-batch 2, and the same notice.
  await page.goto(`${lab.url}#net.hidden=2&net.batchNorm=true&net.miniBatch=1`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  await settled(page, 2);
  assert.match(await page.textContent('#net-notice'), /the mini-batch size is now 2/);
  assert.equal(await page.inputValue('#net-miniBatch'), '2');
  await page.waitForFunction(() => location.hash.includes('net.miniBatch=2'));
  assert.deepEqual(await page.evaluate(() => window.gradlab.errors), []);
  assert.deepEqual(errors, []);
});

test('a network file with "residual" and "batch_norm" sets the panel\'s switches', async () => {
  const { page, errors } = lab;
  await page.goto(`${lab.url}#net.hidden=2&net.residual=true&net.batchNorm=true`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  await settled(page, 2);
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#net-download')]);
  const file = JSON.parse(await readFile(await d.path(), 'utf8'));
  assert.equal(file.residual, true);
  assert.ok(file.batch_norm, 'the file carries batch_norm');
  await page.uncheck('#net-residual');
  await page.uncheck('#net-batchNorm');
  await settled(page, 2);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#net-load')]);
  await chooser.setFiles(await d.path());
  await page.waitForFunction(() => /^Loaded/.test(document.getElementById('net-load-msg').textContent), null, { timeout: 30_000 });
  assert.equal(await page.isChecked('#net-residual'), true);
  assert.equal(await page.isChecked('#net-batchNorm'), true);
  await page.waitForFunction(() => location.hash.includes('net.batchNorm=true'));
  assert.deepEqual(errors, []);
});

test('momentum 0.9 trains: the accuracy rises', async (t) => {
  const { page, errors } = lab;
  await page.goto(`${lab.url}#net.hidden=1&net.epochs=2`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  await settled(page, 1);
  // μ by keyboard: a closed select steps through its options with the arrow keys.
  await page.focus('#net-momentum');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue('#net-momentum'), '0.9');
  assert.equal(await page.isDisabled('#net-nesterov'), false);
  await page.waitForFunction(() => location.hash.includes('net.momentum=0.9'));
  await page.click('#net-start');
  await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === 3, null, { timeout: 120_000 });
  const acc = await page.evaluate(() => window.gradlab.snapshots.slice(1).map((s) => s.accuracy));
  t.diagnostic(`[784, 30, 10], μ = 0.9, η = 0.1: validation accuracy ${acc.map((a) => (100 * a).toFixed(1)).join(', ')} %`);
  assert.ok(acc[0] > 0.5 && acc[1] > 0.5, `above chance: ${acc}`);
  assert.deepEqual(errors, []);
});

test('the chain\'s skip switch turns the terms into 1 + w·σ′(z): the product no longer shrinks', async () => {
  const { page, errors } = lab;
  await page.goto(`${lab.url}#chain.bias=zero&chain.w=0.1`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  // z = 0 everywhere, w = 0.1: plain terms 0.1·¼ = 0.025.
  assert.deepEqual(await termsRow(page), ['—', '0.025', '0.025', '0.025', '0.025']);
  assert.equal(await page.isVisible('#chain-residual-note'), false);
  await page.focus('#chain-residual');
  await page.keyboard.press('Space');
  // Neurons 2..L−1 skip: 1 + 0.025 (shown to 3 digits); the output neuron L has no skip.
  assert.deepEqual(await termsRow(page), ['—', '1.02', '1.02', '1.02', '0.025']);
  assert.match(await page.textContent('#chain-table'), /term 1 \+ wjσ′\(zj\)/);
  assert.match(await page.textContent('#chain-residual-note'), /no longer has to shrink/);
  assert.match(await page.locator('#chain-readout').innerText(), /product of the terms 1 \+ wjσ′\(zj\)/);
  const svg = words(await download(page, 'chain-canvas', 'svg'));
  assert.match(svg, /Terms 1 \+ w·σ′\(z\) of each neuron/);
  const json = JSON.parse(await download(page, 'chain-canvas', 'json'));
  assert.equal(json.settings.residual, true);
  assert.ok(json.columns.some((c) => c.startsWith('1 + w_j·σ′(z_j)')), json.columns.join(', '));
  await page.waitForFunction(() => location.hash.includes('chain.residual=true'));
  // With tanh the words say f′, the skips' 1 + still there.
  await page.selectOption('#chain-act', 'tanh');
  assert.match(await page.textContent('#chain-residual-note'), /1 \+ wjf′\(zj\)/);
  await page.selectOption('#chain-act', 'sigmoid');
  await chartsDrawn(page);
  await shot(page.locator('#chain'), 'residual-chain');
  assert.deepEqual(errors, []);
});

test('in Chinese: the switches, the notes, β and the chain\'s terms', async () => {
  const { page, errors } = lab;
  await page.goto(`${lab.url}#lang=zh&chain.residual=true&chain.bias=zero&chain.w=0.1&net.residual=true&net.batchNorm=true&net.momentum=0.9`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  await settled(page, 3);
  assert.equal(await page.textContent('label:has(#net-residual) span'), '跳跃连接');
  assert.equal(await page.textContent('label:has(#net-batchNorm) span'), '批量归一化');
  assert.match(await page.textContent('#net-momentum-hint'), /0 即普通的随机梯度下降/);
  assert.equal(await page.$eval('#net-momentum', (s) => s.selectedOptions[0].textContent), '0.9');
  assert.match(await page.textContent('#chain-residual-note'), /乘积不必再缩小/);
  assert.match(await page.textContent('#network .bn-only'), /∂C\/∂βl/);
  assert.match(words(await download(page, 'net-normchart', 'svg')), /每个隐藏层的学习速度 ‖∂C\/∂βˡ‖/);
  assert.match(words(await download(page, 'chain-canvas', 'svg')), /每个神经元的项 1 \+ w·σ′\(z\)/);
  await chartsDrawn(page);
  await shot(page.locator('#chain'), 'residual-chain-zh');
  await shot(page.locator('#network'), 'residual-bn-momentum-zh');
  assert.deepEqual(errors, []);
});
