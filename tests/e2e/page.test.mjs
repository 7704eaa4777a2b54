// The page as a whole: it loads without errors, every section renders, it fits a phone,
// and screenshots of each view land in artifacts/screenshots/ for a human to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, shot, inkPixels, chartsDrawn } from './helpers.mjs';

let lab;
before(async () => {
  lab = await start({ viewport: { width: 1100, height: 900 } });
});
after(async () => lab?.close());

test('the page loads with no console errors or page errors', async () => {
  const { page, url, errors } = lab;
  await openLab(page, url);
  await chartsDrawn(page); // the first frames drawn
  assert.deepEqual(errors, []);
  assert.deepEqual(await page.evaluate(() => window.gradlab.errors), []);
  assert.equal(await page.isHidden('#banner'), true, 'no error banner');
  assert.match(await page.textContent('#net-status'), /^Ready: \[784, 30, 30, 30, 10\], 8,000 training images/);
  assert.match(await page.textContent('#chain-regime'), /^Vanishing\./);
  for (const id of ['chain-canvas', 'net-bars', 'net-normchart', 'net-speed', 'net-training']) {
    assert.ok((await inkPixels(page, `#${id}`)) > 500, `${id} is drawn`);
  }
  // The canvases are sized in device pixels for their CSS size.
  const size = await page.$eval('#chain-canvas', (c) => [c.width, c.clientWidth, c.height, c.clientHeight]);
  assert.equal(size[0], size[1]);
  assert.equal(size[2], size[3]);
  await shot(page, 'desktop-full', { fullPage: true });
  await shot(page.locator('header'), 'desktop-header');
  await shot(page.locator('#chain'), 'desktop-1-chain');
  await shot(page.locator('#network'), 'desktop-2-network');
  await shot(page.locator('#chapter'), 'desktop-3-chapter');
});

test('the page fits a 375 px phone, at device pixel ratio 2', async () => {
  const phone = await start({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2 });
  try {
    const { page, url, errors } = phone;
    await openLab(page, url);
    await chartsDrawn(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (page is ${overflow} px too wide)`);
    const c = await page.$eval('#chain-canvas', (c) => [c.width, c.clientWidth]);
    assert.equal(c[0], 2 * c[1], 'the chain canvas has 2 device pixels per CSS pixel');
    assert.ok((await inkPixels(page, '#chain-canvas')) > 500);
    assert.deepEqual(errors, []);
    await shot(page, 'phone-full', { fullPage: true });
    await shot(page.locator('#chain'), 'phone-1-chain');
    await shot(page.locator('#network'), 'phone-2-network');
  } finally {
    await phone.close();
  }
});
