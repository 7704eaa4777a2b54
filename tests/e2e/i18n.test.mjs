// Two languages, as a reader meets them: the browser's language picks one, the select in
// the header switches, the choice lives in the link, and the words that change are the
// page's, the scripts' sentences, the numbers' formatting and the charts' own labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, shot } from './helpers.mjs';

/** The chain's canvas as a data URL, to see the chart itself redrawn in the new language. */
const chainPixels = (page) => page.$eval('#chain-canvas', (c) => c.toDataURL());

test('an English browser: switch to 中文 and back, charts and sentences included', async () => {
  const lab = await start({ locale: 'en-US' });
  try {
    const { page, url, errors } = lab;
    await openLab(page, url);
    assert.equal(await page.textContent('h1'), 'Why are deep neural networks hard to train?');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const englishChain = await chainPixels(page);
    assert.match(await page.textContent('#chain-regime'), /^Vanishing\./);

    await page.selectOption('#lang', 'zh');
    assert.equal(await page.textContent('h1'), '为什么深度神经网络很难训练\uff1f');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.title(), 'gradlab — 为什么深度神经网络很难训练\uff1f');
    // The scripts' sentences: the chain's regime, the network's status, the slider's announcement.
    assert.match(await page.textContent('#chain-regime'), /^消失。/);
    await page.waitForFunction(() => /^就绪\uff1a/.test(document.getElementById('net-status').textContent));
    assert.equal(await page.getAttribute('#chain-layers', 'aria-valuetext'), '5 个神经元');
    assert.equal(await page.textContent('#net-start'), '开始');
    // Controls keep their elements (the output inside the label still updates).
    await page.focus('#chain-layers');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.textContent('#chain-layers-out'), '4');
    assert.match(await page.textContent('label[for="chain-layers"]'), /^神经元个数/);
    // The chart is drawn with the Chinese labels (src/charts.rs ChartText from www/i18n/zh.js).
    await page.waitForTimeout(100);
    assert.notEqual(await chainPixels(page), englishChain);
    // Links carry the language.
    await page.waitForFunction(() => location.hash.includes('lang=zh'));
    assert.deepEqual(errors, []);
    await shot(page, 'i18n-zh-top');
    await shot(page.locator('#network'), 'i18n-zh-network');

    // The book's random chain keeps its "random" readout across a switch.
    await page.click('#preset-random');
    await page.selectOption('#lang', 'en');
    assert.equal(await page.textContent('#chain-w-out'), 'random');
    assert.equal(await page.textContent('h1'), 'Why are deep neural networks hard to train?');
    assert.match(await page.textContent('#chain-regime'), /^Vanishing\./);
    assert.match(await page.textContent('label[for="chain-layers"]'), /^Neurons/);
    assert.deepEqual(errors, []);
  } finally {
    await lab.close();
  }
});

test('a Chinese browser opens in Chinese; a link with lang=en opens in English', async () => {
  const lab = await start({ locale: 'zh-CN' });
  try {
    const { page, url, errors } = lab;
    await openLab(page, url);
    assert.equal(await page.textContent('h1'), '为什么深度神经网络很难训练\uff1f');
    assert.equal(await page.$eval('#lang', (s) => s.value), 'zh');
    // The hash holds only what differs from the defaults: following the browser adds nothing.
    assert.doesNotMatch(await page.evaluate(() => location.hash), /lang=/);
    // Numbers in Chinese text: a percent sign without the space, in the validation accuracy.
    await page.fill('#net-epochs', '1');
    await page.press('#net-epochs', 'Enter');
    await page.click('#net-start');
    await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === 2, null, { timeout: 120_000 });
    assert.match(await page.textContent('#net-status'), /^完成\uff1a1 个迭代期 · 验证准确率 \d+\.\d%。$/);
    assert.deepEqual(errors, []);

    await page.goto(`${url}#lang=en`);
    await page.waitForFunction(() => window.gradlab?.wasmReady === true);
    assert.equal(await page.textContent('h1'), 'Why are deep neural networks hard to train?');
    assert.deepEqual(errors, []);
  } finally {
    await lab.close();
  }
});

test('an embed link speaks its language, and a bad language in a link is named, not obeyed', async () => {
  const lab = await start({ locale: 'en-US' });
  try {
    const { page, url, errors } = lab;
    await page.goto(`${url}?embed=chain#lang=zh&chain.layers=3`);
    await page.waitForFunction(() => window.gradlab?.wasmReady === true);
    assert.match(await page.textContent('#chain-regime'), /^消失。/);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await page.title(), /^gradlab: A chain of single/, 'the embed keeps its own tab title');
    await page.goto(`${url}#lang=xx`);
    await page.waitForFunction(() => window.gradlab?.wasmReady === true);
    assert.match(await page.textContent('#url-notice'), /ignored “lang” \(not allowed\)/);
    assert.equal(await page.textContent('h1'), 'Why are deep neural networks hard to train?');
    assert.deepEqual(errors, []);
  } finally {
    await lab.close();
  }
});
