// Small defects a course's readers met (issue 11), each as the reader met it, and the
// full-screen button a teacher projecting in class uses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, shot, chartsDrawn } from './helpers.mjs';

let lab;
before(async () => {
  lab = await start({ viewport: { width: 1100, height: 900 }, scrollbars: true });
});
after(async () => lab?.close());
/** Open the lab afresh: from one index.html#… to another is only a hash change, not a new page. */
const fresh = async (page, url, opts) => {
  await page.goto('about:blank');
  await openLab(page, url, opts);
};

test('a link with a subnormal weight: the weight is brought to the slider\'s range and no "Infinity" is printed', async () => {
  const { page, url } = lab;
  await fresh(page, `${url}index.html#chain.w=5e-324`, { waitForNetwork: false });
  await page.click('#chain .table-wrap > summary');
  const text = await page.locator('#chain').innerText();
  assert.doesNotMatch(text, /Infinity|NaN/);
  assert.equal(await page.evaluate(() => window.gradlab.state['chain.w']), 0.01);
  assert.match(await page.locator('#url-notice').innerText(), /chain\.w/);
});

test('two layers whose speeds round to the same: "about as fast as", not "1× faster"', async () => {
  const { page, url } = lab;
  await fresh(page, `${url}index.html#net.init=large&net.gainPos=1`);
  const norms = await page.evaluate(() => window.gradlab.snapshot.probe?.norms ?? window.gradlab.snapshot.norms);
  const text = await page.locator('#net-norms').innerText();
  assert.doesNotMatch(text, /\b1(\.0)?\s*(×|times)/, text);
  assert.match(text, /about as fast as layer 3/, `${text} (norms ${JSON.stringify(norms)})`);
});

/** Where an opening bar "|" of a formula is followed by its symbol on another line. */
const brokenBars = (page) =>
  page.evaluate(() => {
    const bad = [];
    const walker = document.createTreeWalker(document.querySelector('#chain'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.parentElement.checkVisibility()) continue;
      const s = n.data;
      for (let i = s.indexOf('|'); i >= 0 && i < s.length - 1; i = s.indexOf('|', i + 1)) {
        let j = i + 1;
        while (j < s.length && s[j] === '\u2060') j++;
        if (j >= s.length || /\s/.test(s[j])) continue; // a closing bar
        const r = document.createRange();
        r.setStart(n, i);
        r.setEnd(n, i + 1);
        const bar = r.getBoundingClientRect();
        r.setStart(n, j);
        r.setEnd(n, j + 1);
        const next = r.getBoundingClientRect();
        if (Math.abs(bar.top - next.top) > 2) bad.push(s.slice(i, i + 12));
      }
    }
    return bad;
  });

test('at 375 px the chain\'s caption names the stacked panels top to bottom, and no |∂C/∂b₁| breaks after its bar', async () => {
  const { page, url } = lab;
  await page.setViewportSize({ width: 375, height: 800 });
  await fresh(page, `${url}index.html#chain.layers=10&chain.w=0.3`, { waitForNetwork: false });
  await page.waitForFunction(() => document.querySelector('#chain-canvas').closest('figure').classList.contains('stacked'));
  const caption = await page.locator('#chain figcaption[data-i18n="chain.caption"]').innerText();
  assert.match(caption, /^Top:/);
  assert.match(caption, /Bottom:/);
  assert.doesNotMatch(caption, /Left:|Right:/);
  // Every width a phone has: no formula's bar left alone at the end of a line.
  for (const w of [320, 340, 360, 375, 390, 412, 430]) {
    await page.setViewportSize({ width: w, height: 800 });
    await chartsDrawn(page); // the chain redrawn at the new width, and its caption with it (stacked or not)
    assert.deepEqual(await brokenBars(page), [], `at ${w}px`);
  }
  await shot(page.locator('#chain figure:has(#chain-canvas)'), 'chain-375-stacked-caption');
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.waitForFunction(() => !document.querySelector('#chain-canvas').closest('figure').classList.contains('stacked'));
  assert.match(await page.locator('#chain figcaption[data-i18n="chain.caption"]').innerText(), /^Left:[\s\S]*Right:/);
});

test('full screen: a section fills the screen, its type and charts scaled for the room, and leaves again', async () => {
  const { page, url, errors } = lab;
  await page.setViewportSize({ width: 1280, height: 900 });
  await fresh(page, `${url}index.html`, { waitForNetwork: false });
  const canvasBefore = await page.$eval('#chain-canvas', (c) => ({ css: c.getBoundingClientRect().width, px: c.width }));
  await page.click('#chain > .fullscreen-button');
  await page.waitForFunction(() => document.fullscreenElement?.id === 'chain');
  // document.fullscreenElement is set a frame before the fullscreenchange event the button listens to.
  await page.waitForFunction(() => document.querySelector('#chain > .fullscreen-button').getAttribute('aria-pressed') === 'true');
  assert.equal(await page.textContent('#chain > .fullscreen-button'), 'Leave full screen');
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '24px');
  // The chain is drawn for its width ÷ 1.5 at 1.5× the pixels: its height follows the smaller layout.
  await page.waitForFunction(() => {
    const c = document.querySelector('#chain-canvas');
    const w = c.getBoundingClientRect().width;
    return Math.abs(c.getBoundingClientRect().height - Math.round(Math.max(300, w / 1.5 / 2.05) * 1.5)) <= 1;
  });
  await shot(page, 'fullscreen-chain');
  await page.click('#chain > .fullscreen-button');
  await page.waitForFunction(() => document.fullscreenElement === null);
  await page.waitForFunction(() => document.querySelector('#chain > .fullscreen-button').getAttribute('aria-pressed') === 'false');
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '16px');
  // The canvas is resized by a ResizeObserver and redrawn in a later frame: wait for it, then compare.
  await page
    .waitForFunction((b) => { const c = document.querySelector('#chain-canvas'); return c.getBoundingClientRect().width === b.css && c.width === b.px; }, canvasBefore, { timeout: 3000 })
    .catch(() => {});
  const canvasAfter = await page.$eval('#chain-canvas', (c) => ({ css: c.getBoundingClientRect().width, px: c.width }));
  assert.deepEqual(canvasAfter, canvasBefore);
  // In an embed the button fills the screen with the widget.
  await page.goto(`${url}index.html?embed=chain`);
  await page.waitForFunction(() => document.documentElement.hasAttribute('data-embed-ready'));
  await page.click('.embed-bar .fullscreen-button');
  await page.waitForFunction(() => document.fullscreenElement === document.documentElement);
  await page.click('.embed-bar .fullscreen-button');
  await page.waitForFunction(() => document.fullscreenElement === null);
  assert.deepEqual(errors, []);
});
