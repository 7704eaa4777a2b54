// Embedding: three widgets in <iframe>s on a page of ANOTHER origin (a second server, on
// another port and host name), each sized by the height it posts, each working on its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, shot, chartsDrawn } from './helpers.mjs';
import { serve } from '../../scripts/serve.mjs';

let lab;
let host;
let hostDir;
let hostURL;
const requests = [];

/** Slider position of weight w (www/state.js: w = sign(s)·10^(−2 + 4.3|s|)). */
const pos = (w) => (Math.sign(w) * (Math.log10(Math.abs(w)) + 2)) / 4.3;

before(async () => {
  lab = await start({ viewport: { width: 1000, height: 900 } });
  // The host page: prose, three iframes at a deliberately wrong height, and the one line
  // the README gives hosts (www/embed.js, from the lab's origin).
  hostDir = mkdtempSync(join(tmpdir(), 'gradlab-host-'));
  const src = (q) => `${lab.url}index.html?${q}`;
  writeFileSync(
    join(hostDir, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A host page</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="host.css"><script src="${lab.url}www/embed.js" defer></script></head>
<body><h1>Somebody else's course notes</h1><p>Some prose before the first widget.</p>
<iframe id="f-chain" src="${src('embed=chain#chain.w=0.8')}" title="chain" width="100%" height="150" frameborder="0" allow="clipboard-write"></iframe>
<p>Between the widgets.</p>
<iframe id="f-bars" src="${src('embed=bars#net.hidden=2&amp;net.seed=7')}" title="bars" width="100%" height="150" frameborder="0"></iframe>
<p>And the last one.</p>
<iframe id="f-speed" src="${src('embed=speed#net.hidden=3&amp;net.epochs=2')}" title="speed" width="100%" height="150" frameborder="0"></iframe>
<p>The end.</p></body></html>`,
  );
  writeFileSync(join(hostDir, 'host.css'), 'body { max-width: 48rem; margin: 1rem auto; font: 16px serif; } iframe { display: block; }\n');
  host = await serve(hostDir, 0);
  // localhost vs 127.0.0.1, and another port: another origin on both counts.
  hostURL = host.url.replace('127.0.0.1', 'localhost');
  lab.context.on('request', (r) => requests.push(r.url()));
});
after(async () => {
  await lab?.close();
  await host?.close();
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

const frameOf = (page, name) => page.frames().find((f) => f.url().includes(`embed=${name}`));
// Chromium pauses rendering, so requestAnimationFrame, in an off-screen cross-origin iframe:
// poll on a timer (Playwright's default polls on animation frames) and scroll with the DOM
// call (Playwright's own scrolling waits for the element to be stable, on animation frames).
const POLL = { polling: 100 };
const scrollTo = (locator) => locator.evaluate((el) => el.scrollIntoView({ block: 'center' }));

/** Wait until every iframe's height is the one its widget reports, and stays so. */
async function settledHeights(page, ids, timeout = 60_000) {
  const t0 = Date.now();
  let last = '';
  let stable = 0;
  for (;;) {
    const rows = [];
    for (const id of ids) {
      const frame = await (await page.$(`#${id}`)).contentFrame();
      const inner = await frame.evaluate(() => ({
        h: Math.ceil(document.documentElement.getBoundingClientRect().height),
        reported: window.gradlab?.reportedHeight ?? null,
        overflow: document.documentElement.scrollHeight - window.innerHeight,
      }));
      const outer = await page.$eval(`#${id}`, (f) => ({ style: f.style.height, box: f.getBoundingClientRect().height }));
      rows.push({ id, ...inner, ...outer });
    }
    const ok = rows.every((r) => r.style === `${r.reported}px` && Math.abs(r.h - r.reported) <= 1 && r.overflow <= 1);
    const key = JSON.stringify(rows);
    stable = ok && key === last ? stable + 1 : 0;
    last = key;
    if (stable >= 2) return rows;
    if (Date.now() - t0 > timeout) assert.fail(`heights did not settle: ${key}`);
    await page.waitForTimeout(250); // the polling interval: the heights must hold over consecutive reads
  }
}

test('three widgets from another origin: each iframe takes the height its widget reports', async () => {
  const { page, errors } = lab;
  await page.goto(hostURL);
  const frames = ['chain', 'bars', 'speed'].map((n) => frameOf(page, n));
  assert.ok(frames.every(Boolean), 'three widget frames');
  for (const f of frames) assert.notEqual(new URL(f.url()).origin, new URL(hostURL).origin, 'cross-origin');
  for (const f of frames) await f.waitForFunction(() => window.gradlab?.wasmReady === true, null, { ...POLL, timeout: 30_000 });
  for (const name of ['bars', 'speed']) {
    await frameOf(page, name)
      .waitForFunction(() => window.gradlab.snapshot !== null, null, { ...POLL, timeout: 60_000 })
      .catch(async (e) => {
        const why = await frameOf(page, name).evaluate(() => [document.querySelector('#net-status').textContent, window.gradlab.errors, window.gradlab.status]);
        throw new Error(`${name}: no network (${JSON.stringify(why)}): ${e.message}`);
      });
  }
  const rows = await settledHeights(page, ['f-chain', 'f-bars', 'f-speed']);
  for (const r of rows) assert.ok(r.reported > 300, `${r.id} is ${r.reported}px tall, not the 150 it started at`);
  // Only the page's own widget shows: no masthead, no other section.
  const chain = frameOf(page, 'chain');
  assert.equal(await chain.isVisible('.masthead'), false);
  assert.equal(await chain.isVisible('#network'), false);
  assert.equal(await chain.isVisible('#chain-canvas'), true);
  assert.equal(await frameOf(page, 'bars').isVisible('#net-start'), false, 'the bars need no training buttons');
  assert.equal(await frameOf(page, 'speed').isVisible('#net-start'), true);
  // The chain alone starts no worker and loads no digits; the other two one each.
  const workers = requests.filter((u) => /\/www\/worker\.js$/.test(u)).length;
  const digits = requests.filter((u) => /train-images/.test(u)).length;
  assert.equal(workers, 2, `worker.js requests: ${workers}`);
  assert.equal(digits, 2, `training-image requests: ${digits}`);
  assert.equal(await chain.evaluate(() => performance.getEntriesByType('resource').some((e) => /worker\.js|\/data\//.test(e.name))), false);

  // Opening the chain's table makes it taller: the iframe follows.
  const before = rows.find((r) => r.id === 'f-chain').reported;
  await scrollTo(page.frameLocator('#f-chain').locator('.table-wrap > summary'));
  await page.frameLocator('#f-chain').locator('.table-wrap > summary').click();
  const after = (await settledHeights(page, ['f-chain'])).find((r) => r.id === 'f-chain').reported;
  assert.ok(after > before + 50, `taller with the table open: ${before} → ${after}`);
  await page.frameLocator('#f-chain').locator('.table-wrap > summary').click();
  await settledHeights(page, ['f-chain']);
  // One screenshot per iframe, each scrolled to (a full-page shot leaves off-screen
  // cross-origin frames unpainted).
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'embed-host-top');
  for (const id of ['f-bars', 'f-speed']) {
    await page.$eval(`#${id}`, (f) => f.scrollIntoView());
    await chartsDrawn(await (await page.$(`#${id}`)).contentFrame()); // on screen, its frames run again: drawn
    await shot(page, `embed-host-${id}`); // the viewport: an element shot of a tall frame comes out blank
  }
  assert.deepEqual(errors, []);
});

test('dragging the chain in one iframe leaves the other widgets alone; each works', async () => {
  const { page, errors } = lab;
  const chain = frameOf(page, 'chain');
  const bars = frameOf(page, 'bars');
  const speed = frameOf(page, 'speed');
  const barsBefore = await bars.evaluate(() => ({ state: { ...window.gradlab.state }, norms: window.gradlab.snapshot.probe.layers.map((l) => l.norm), hash: location.hash }));
  const speedBefore = await speed.evaluate(() => ({ state: { ...window.gradlab.state }, snapshots: window.gradlab.snapshots.length, hash: location.hash }));
  const w0 = await chain.evaluate(() => window.gradlab.state['chain.w']);
  assert.equal(w0, 0.8, "the link's weight");

  const slider = page.frameLocator('#f-chain').locator('#chain-w');
  await scrollTo(slider);
  await slider.click({ trial: true }); // no click: waits until the slider is still and would take the pointer
  const box = await slider.boundingBox();
  const x = (s) => box.x + 8 + ((s + 1) / 2) * (box.width - 16);
  await page.mouse.move(x(pos(0.8)), box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(x(pos(30)), box.y + box.height / 2, { steps: 15 });
  await page.mouse.up();
  const w1 = await chain.evaluate(() => window.gradlab.state['chain.w']);
  assert.ok(w1 > 15, `the chain's weight moved: ${w0} → ${w1}`);
  await chain.waitForFunction((w) => location.hash.includes(`chain.w=${w}`), w1, POLL);

  // The other two: the same state, the same gradients, the same address.
  assert.deepEqual(await bars.evaluate(() => ({ state: { ...window.gradlab.state }, norms: window.gradlab.snapshot.probe.layers.map((l) => l.norm), hash: location.hash })), barsBefore);
  assert.deepEqual(await speed.evaluate(() => ({ state: { ...window.gradlab.state }, snapshots: window.gradlab.snapshots.length, hash: location.hash })), speedBefore);

  // The bars widget: one more hidden layer, by keyboard, is re-measured.
  await scrollTo(page.frameLocator('#f-bars').locator('#net-hidden'));
  await page.frameLocator('#f-bars').locator('#net-hidden').focus();
  await page.keyboard.press('ArrowRight');
  await bars.waitForFunction(() => window.gradlab.snapshot.probe.layers.length === 3, null, { ...POLL, timeout: 60_000 });
  assert.equal(await bars.$$eval('#net-norms li b', (b) => b.length), 3);
  // The speed widget trains its two epochs; the bars widget's network stays untrained.
  await scrollTo(page.frameLocator('#f-speed').locator('#net-start'));
  await page.frameLocator('#f-speed').locator('#net-start').click();
  await speed.waitForFunction(() => window.gradlab.snapshots.at(-1)?.epoch === 2 && window.gradlab.status === 'idle', null, { ...POLL, timeout: 120_000 });
  assert.match(await speed.textContent('#net-status'), /^Done: 2 epochs/);
  assert.equal(await bars.evaluate(() => window.gradlab.snapshot.epoch), 0);
  assert.equal(await chain.evaluate(() => window.gradlab.state['chain.w']), w1);
  await settledHeights(page, ['f-chain', 'f-bars', 'f-speed']);
  await page.$eval('#f-chain', (f) => f.scrollIntoView());
  await chartsDrawn(chain);
  await shot(page, 'embed-host-f-chain-dragged');
  assert.deepEqual(errors, []);
});

test('"Copy embed code" gives an <iframe> of the widget as it is now', async () => {
  const { page, context, errors } = lab;
  const chain = frameOf(page, 'chain');
  const w = await chain.evaluate(() => window.gradlab.state['chain.w']);
  const button = page.frameLocator('#f-chain').locator('.embed-bar .share-button');
  await scrollTo(button);
  await button.click(); // itself waits until the button is still and takes the pointer
  await chain.waitForFunction(() => document.querySelector('.embed-bar').dataset.copied, null, POLL);
  const snippet = await chain.evaluate(() => window.gradlab.copied);
  // Clipboard or (cross-origin iframes may be refused it) the selected field: either way
  // the reader gets the snippet.
  const how = await chain.evaluate(() => document.querySelector('.embed-bar').dataset.copied);
  if (how === 'field') assert.equal(await page.frameLocator('#f-chain').locator('.embed-bar .share-text').inputValue(), snippet);
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/index\.html\?embed=chain#[^"]*" title="gradlab: [^"]+" width="100%" height="\d+" frameborder="0" loading="lazy" allow="clipboard-write; fullscreen" allowfullscreen><\/iframe>$/);
  assert.doesNotMatch(snippet, /style=/, 'no inline style: fine under a strict CSP on the host');
  const src = snippet.match(/src="([^"]+)"/)[1].replace(/&amp;/g, '&');
  assert.equal(new URLSearchParams(new URL(src).hash.slice(1)).get('chain.w'), String(w));
  // The snippet opens the same widget in the same state.
  const other = await context.newPage();
  await other.goto(src);
  await other.waitForFunction(() => window.gradlab?.wasmReady === true);
  assert.equal(await other.evaluate(() => window.gradlab.state['chain.w']), w);
  assert.equal(await other.textContent('#chain-regime'), await chain.textContent('#chain-regime'));
  // "Open in gradlab" leads to the whole page, same settings.
  const full = await chain.getAttribute('.embed-bar .open-full', 'href');
  assert.match(full, /^http:\/\/127\.0\.0\.1:\d+\/index\.html#/);
  assert.ok(full.includes(`chain.w=${w}`));
  await other.close();
  assert.deepEqual(errors, []);
});

test('every widget, and an unknown one, loads alone without errors', async () => {
  const { page, url, errors } = lab;
  for (const name of ['network', 'chapter', 'chapter-bars', 'chapter-norms', 'chapter-speed', 'chapter-depth']) {
    await page.goto(`${url}index.html?embed=${name}`);
    await page.waitForFunction(() => window.gradlab?.wasmReady === true && document.documentElement.dataset.embedReady === '');
    assert.equal(await page.isVisible('.masthead'), false, name);
    assert.equal(await page.isVisible('.embed-bar .share-button'), true, name);
  }
  // One experiment runs inside its embed.
  await page.waitForFunction(() => !document.querySelector('#book-depth-run').disabled, null, { ...POLL, timeout: 60_000 });
  await page.goto(`${url}index.html?embed=chapter-bars#book.seed=3`);
  await page.waitForFunction(() => !document.querySelector('#book-bars-run').disabled, null, { ...POLL, timeout: 60_000 });
  await page.click('#book-bars-run');
  await page.waitForFunction(() => window.gradlab.book.bars?.finished, null, { ...POLL, timeout: 60_000 });
  assert.match(await page.textContent('#book-bars-status'), /^Seed 3:/);
  assert.equal(await page.isVisible('#exp-norms'), false);
  await shot(page, 'embed-chapter-bars', { fullPage: true });
  // An unknown widget: the whole page, and a notice saying why.
  await page.goto(`${url}index.html?embed=nonsense#chain.layers=4`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  assert.equal(await page.isVisible('.masthead'), true);
  assert.match(await page.textContent('#url-notice'), /ignored “embed=nonsense” \(no such widget/);
  assert.equal(await page.inputValue('#chain-layers'), '4');
  assert.deepEqual(errors, []);
});
