// Offline in Firefox ESR: after one visit, with the service worker active, the server is
// stopped and the page reloaded; it comes from the service worker's cache and still works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, waitForAsync, canvasURL, ROOT } from './helpers.mjs';
import { serve } from '../../scripts/serve.mjs';

let lab;
let own;
before(async () => {
  lab = await start({ server: false });
  own = await serve(ROOT, 0, '127.0.0.1'); // its own server, which the test takes away
});
after(async () => {
  await lab?.close();
  await own?.close().catch(() => {});
});

test('Firefox: with the server gone, a reload comes from the service worker and the page works', async () => {
  const { page, errors } = lab;
  const url = own.url;
  await openLab(page, url);
  // The service worker is active, controls the page's next load, and holds the page, its
  // modules, the wasm and the digits.
  await waitForAsync(page, async () => {
    await navigator.serviceWorker.ready;
    const reg = await navigator.serviceWorker.getRegistration();
    if (reg?.active?.state !== 'activated') return false;
    const keys = (await (await caches.open('gradlab-dev')).keys()).map((r) => new URL(r.url).pathname);
    const loaded = performance.getEntriesByType('resource').map((e) => new URL(e.name)).filter((u) => u.origin === location.origin).map((u) => u.pathname);
    return ['/', '/index.html', '/www/main.js', '/www/pkg/gradlab_bg.wasm', '/www/data/train-images-idx3-ubyte.gz', ...loaded].every((p) => keys.includes(p));
  }, null, { timeout: 60_000 });

  // Stop the server: every request now fails to connect.
  own.server.closeAllConnections();
  await own.close();
  own = null;
  await assert.rejects(fetch(url), 'the server is gone');

  await page.reload();
  await page.waitForFunction(() => window.gradlab?.wasmReady === true, { timeout: 30_000, polling: 100 });
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'served by the service worker');
  // The chain redraws from the keyboard.
  const before = await canvasURL(page, '#chain-canvas');
  const w0 = await page.$eval('#chain-w-out', (e) => e.textContent);
  await (await page.$('#chain-w')).scrollIntoView();
  await page.focus('#chain-w');
  await page.keyboard.press('PageUp');
  await page.keyboard.press('PageUp');
  assert.notEqual(await page.$eval('#chain-w-out', (e) => e.textContent), w0);
  assert.notEqual(await canvasURL(page, '#chain-canvas'), before, 'the chain canvas changed');
  // The worker read the digits from the cache and trains an epoch.
  await page.waitForFunction(() => window.gradlab.snapshot !== null, { timeout: 60_000, polling: 100 });
  await page.click('#net-step');
  await page.waitForFunction(() => window.gradlab.snapshot?.epoch === 1, { timeout: 120_000, polling: 100 });
  assert.match(await page.$eval('#net-status', (e) => e.textContent), /validation accuracy/);
  assert.deepEqual(errors, []);
});
