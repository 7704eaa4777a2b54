// Offline and private: no request leaves the page's origin, the page runs under a strict
// Content-Security-Policy (the <meta> in index.html, and as a response header, which also
// binds the worker) without a single violation, and once loaded it works with no network.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, shot, dragRange, waitForAsync, ROOT, chartsDrawn } from './helpers.mjs';
import { serve } from '../../scripts/serve.mjs';

const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
/** Slider position of weight w (www/state.js: w = sign(s)·10^(−2 + 4.3|s|)). */
const pos = (w) => (Math.sign(w) * (Math.log10(Math.abs(w)) + 2)) / 4.3;

/** Runs in every frame before its scripts: collect CSP violations where the test can read them. */
function watchCsp() {
  window.__csp = [];
  addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
}
const violations = (target) => target.evaluate(() => window.__csp.slice());

const labs = [];
after(async () => {
  for (const l of labs) await l.close();
});

/** Use the page as a reader would: chain, network, one epoch, an experiment, copy link. */
async function exercise(page) {
  await page.locator('#chain-w').scrollIntoViewIfNeeded();
  await dragRange(page, '#chain-w', pos(0.5), pos(20), 10);
  await page.click('#preset-random');
  await page.click('summary >> nth=0');
  await page.waitForFunction(() => window.gradlab.snapshot !== null, null, { timeout: 60_000 });
  await page.locator('#net-step').scrollIntoViewIfNeeded();
  await page.click('#net-step');
  await page.waitForFunction(() => window.gradlab.snapshot?.epoch === 1, null, { timeout: 120_000 });
  await page.locator('#book-bars-run').scrollIntoViewIfNeeded();
  await page.click('#book-bars-run');
  await page.waitForFunction(() => window.gradlab.book.bars?.finished, null, { timeout: 60_000 });
  await page.click('#copy-link');
  await page.waitForSelector('.masthead .share-status:not(:empty)');
  // Let the charts redraw (animation frames) before anyone counts violations.
  await chartsDrawn(page);
}

test('no request leaves the origin: page, worker, experiments, the example page and its widgets', async () => {
  const lab = await start({ initScript: watchCsp });
  labs.push(lab);
  const { page, context, url, errors } = lab;
  const origin = new URL(url).origin;
  const seen = [];
  context.on('request', (r) => seen.push(r.url()));
  await openLab(page, url);
  await exercise(page);
  // The example page: prose and three same-origin iframes (lazy: scroll to each).
  await page.goto(`${url}examples/course-notes.html`);
  for (const id of ['w-chain', 'w-bars', 'w-speed']) {
    await page.$eval(`#${id}`, (f) => f.scrollIntoView());
    // Two plain iframes, and a <gradlab-widget> holding the third.
    await page.waitForFunction((i) => {
      const el = document.getElementById(i);
      const f = el.tagName === 'IFRAME' ? el : el.querySelector('iframe');
      return f?.contentWindow?.gradlab?.wasmReady === true;
    }, id, { timeout: 60_000 });
  }
  // The widgets that train have fetched their worker and digits: their first network is shown.
  for (const id of ['w-bars', 'w-speed']) {
    await page.waitForFunction((i) => {
      const el = document.getElementById(i);
      const f = el.tagName === 'IFRAME' ? el : el.querySelector('iframe');
      return f.contentWindow.gradlab.snapshot !== null;
    }, id, { timeout: 60_000 });
  }
  const foreign = seen.filter((u) => new URL(u).origin !== origin);
  assert.deepEqual(foreign, [], 'requests to other origins');
  assert.ok(seen.length > 20, `${seen.length} requests seen`);
  assert.ok(seen.some((u) => u.endsWith('/www/data/train-images-idx3-ubyte.gz')), "the worker's requests are seen too");
  assert.deepEqual(errors, []);
});

test("under the page's own <meta> CSP: no violation, and the policy is really enforced", async () => {
  const lab = await start({ initScript: watchCsp });
  labs.push(lab);
  const { page, url, errors } = lab;
  await openLab(page, url);
  assert.equal(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content'), POLICY);
  await exercise(page);
  // Every embed too (the example page's widgets): one of each kind that draws.
  for (const name of ['chain', 'bars', 'speed']) {
    await page.goto(`${url}index.html?embed=${name}`);
    await page.waitForFunction(() => window.gradlab?.wasmReady === true);
    // Everything the widget shows: its network (the two with a worker), then its charts drawn.
    if (name !== 'chain') await page.waitForFunction(() => window.gradlab.snapshot !== null, null, { timeout: 60_000 });
    await chartsDrawn(page);
    assert.deepEqual(await violations(page), [], `embed=${name}`);
  }
  await page.goto(url);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  assert.deepEqual(await violations(page), []);
  // The control: an inline style attribute written as HTML is blocked and reported, so the
  // empty list above means something. (Its console message is expected: drop it.)
  await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<div id="csp-probe" style="color: red">x</div>'));
  await page.waitForFunction(() => window.__csp.length > 0);
  assert.match((await violations(page))[0], /^style-src-attr blocked inline/);
  assert.notEqual(await page.$eval('#csp-probe', (d) => getComputedStyle(d).color), 'rgb(255, 0, 0)');
  assert.deepEqual(errors.filter((e) => !/Content Security Policy/.test(e)), []);
});

test('under the same CSP as a response header (which binds the worker too): trains, no violation', async () => {
  const lab = await start({ initScript: watchCsp, headers: { 'Content-Security-Policy': POLICY } });
  labs.push(lab);
  const { page, url, errors } = lab;
  const res = await page.goto(url);
  assert.equal(res.headers()['content-security-policy'], POLICY);
  await openLab(page, url);
  await exercise(page);
  assert.deepEqual(await violations(page), []);
  // The worker compiled its wasm under 'wasm-unsafe-eval' and trained: an epoch is done.
  assert.equal(await page.evaluate(() => window.gradlab.snapshot.epoch), 1);
  await page.goto(`${url}examples/course-notes.html`);
  await page.$eval('#w-bars', (f) => f.scrollIntoView());
  await page.waitForFunction(() => document.getElementById('w-bars').contentWindow?.gradlab?.snapshot, null, { timeout: 60_000 });
  assert.deepEqual(await page.$eval('#w-bars', (f) => f.contentWindow.__csp.slice()), []);
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(errors, []);
});

test('offline once loaded: with the network cut and the server gone, the chain and training still work', async () => {
  const lab = await start({ initScript: watchCsp });
  labs.push(lab);
  const { page, context, errors } = lab;
  // Its own server, so the test can take it away.
  const own = await serve(ROOT, 0);
  const url = own.url;
  await openLab(page, url);
  // The service worker is up and holds the page, the wasm and the digits.
  await waitForAsync(page, async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    if (reg?.active?.state !== 'activated') return false;
    const keys = (await (await caches.open('gradlab-dev')).keys()).map((r) => new URL(r.url).pathname);
    return ['/', '/index.html', '/www/main.js', '/www/pkg/gradlab_bg.wasm', '/www/data/train-images-idx3-ubyte.gz', '/www/data/validation-labels-idx1-ubyte.gz', '/examples/course-notes.html'].every((p) => keys.includes(p));
  }, null, { timeout: 60_000 });
  // Modules the page loaded that sw.js's list does not name are cached too (offline.js).
  await waitForAsync(page, async () => {
    const keys = (await (await caches.open('gradlab-dev')).keys()).map((r) => r.url);
    const loaded = performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.startsWith(location.origin) && !u.includes('/data/'));
    return loaded.every((u) => keys.includes(u));
  });

  await context.setOffline(true);
  own.server.closeAllConnections?.();
  await own.close();
  own.server.closeAllConnections?.();

  await page.reload();
  await page.waitForFunction(() => window.gradlab?.wasmReady === true, null, { timeout: 30_000 });
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'served by the service worker');
  await page.evaluate(() => (window.gradlab.chainTimings.length = 0));
  await page.locator('#chain-w').scrollIntoViewIfNeeded();
  await dragRange(page, '#chain-w', pos(0.5), pos(20), 10);
  assert.ok((await page.evaluate(() => window.gradlab.chainTimings.length)) >= 5, 'the chain redraws');
  assert.match(await page.textContent('#chain-regime'), /^(Vanishing|Exploding)\./);
  // The worker loaded the digits from the cache, and trains.
  await page.waitForFunction(() => window.gradlab.snapshot !== null, null, { timeout: 60_000 });
  await page.click('#net-step');
  // The epoch's snapshot comes before the worker says it stopped; the status follows the stop.
  await page.waitForFunction(() => window.gradlab.snapshot?.epoch === 1 && window.gradlab.status === 'idle', null, { timeout: 120_000 });
  assert.match(await page.textContent('#net-status'), /validation accuracy/);
  // The view inside the network, never opened online: its second module was precached.
  await page.locator('#inside > summary').click();
  await page.waitForFunction(() => window.gradlab.inside.report?.factors.length > 0, null, { timeout: 60_000 });
  // A link with settings and an embed open offline too.
  await page.goto(`${url}index.html?embed=chain#chain.layers=7&chain.w=3`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true, null, { timeout: 30_000 });
  assert.equal(await page.textContent('#chain-layers-out'), '7');
  await shot(page, 'offline-embed-chain');
  await context.setOffline(false);
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(errors, []);
});
