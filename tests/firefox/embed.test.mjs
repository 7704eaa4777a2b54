// Embeds in Firefox ESR, on host pages of another origin, the two ways README.md gives: the chain
// widget in a plain iframe, and the bars widget written as <gradlab-widget>, each page with the
// one www/embed.js line that sizes gradlab iframes (from the `gradlab:height` messages). Each
// iframe must end up at least as tall as its widget's content, and stay so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, sleep } from './helpers.mjs';
import { serve } from '../../scripts/serve.mjs';

let lab;
let host;
let hostDir;
before(async () => {
  lab = await start({ viewport: { width: 1000, height: 800 } });
  hostDir = mkdtempSync(join(tmpdir(), 'gradlab-firefox-host-'));
  writeFileSync(
    join(hostDir, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A host page</title><link rel="icon" href="data:,">
<style>body { max-width: 46rem; margin: 1rem auto; font: 16px serif; } iframe { display: block; }</style>
<script src="${lab.url}www/embed.js"></script></head>
<body><h1>Course notes</h1><p>Some prose before the widget.</p>
<iframe id="f-chain" src="${lab.url}index.html?embed=chain#chain.w=0.8" title="chain" width="100%" height="150" frameborder="0" allow="clipboard-write"></iframe>
<p>The end.</p></body></html>`,
  );
  // The one-line way: www/embed.js from the lab's origin defines <gradlab-widget>.
  writeFileSync(
    join(hostDir, 'widget.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A host page</title><link rel="icon" href="data:,">
<style>body { max-width: 46rem; margin: 1rem auto; font: 16px serif; }</style>
<script src="${lab.url}www/embed.js"></script></head>
<body><h1>Course notes</h1><p>Some prose before the widget.</p>
<gradlab-widget view="bars" settings="net.hidden=2"></gradlab-widget>
<p>The end.</p></body></html>`,
  );
  host = await serve(hostDir, 0);
});
after(async () => {
  await lab?.close();
  await host?.close();
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

/** The iframe's height on the host, and the widget's own measures inside it. */
async function measure(page, selector = '#f-chain') {
  const el = await page.$(selector);
  const frame = await el.contentFrame();
  const outer = await page.$eval(selector, (f) => ({ style: f.style.height, client: f.clientHeight }));
  const inner = await frame.evaluate(() => ({
    content: Math.ceil(document.documentElement.getBoundingClientRect().height),
    scroll: document.documentElement.scrollHeight,
    reported: window.gradlab?.reportedHeight ?? null,
  }));
  return { ...outer, ...inner };
}

/** Wait until the measures stay the same for 1 s (polled every 100 ms), within 20 s. */
async function settled(page, selector) {
  const t0 = Date.now();
  let last = null;
  let since = Date.now();
  for (;;) {
    const m = await measure(page, selector);
    const key = JSON.stringify(m);
    if (key !== last) {
      last = key;
      since = Date.now();
    } else if (Date.now() - since >= 1000) return m;
    if (Date.now() - t0 > 20_000) assert.fail(`the height did not settle: ${key}`);
    await sleep(100);
  }
}

/** The iframe is at least as tall as the widget's content: nothing is cut off or scrolls. */
function fits(m) {
  assert.ok(m.client >= m.content, `iframe ${m.client}px ≥ content ${m.content}px`);
  assert.ok(m.client >= m.scroll, `iframe ${m.client}px ≥ scroll height ${m.scroll}px`);
}

test('Firefox: a plain iframe of another origin, sized by www/embed.js, fits its widget and the height stays', async () => {
  const { page, errors } = lab;
  // localhost against the lab's 127.0.0.1, another port: another origin on both counts.
  const hostURL = host.url.replace('127.0.0.1', 'localhost');
  await page.goto(hostURL);
  const frame = await (await page.$('#f-chain')).contentFrame();
  assert.notEqual(new URL(frame.url()).origin, new URL(hostURL).origin, 'cross-origin');
  await frame.waitForFunction(() => window.gradlab?.wasmReady === true && window.gradlab.reportedHeight > 0, { timeout: 30_000, polling: 100 });
  let m = await settled(page);
  assert.ok(m.reported > 300, `the widget reports ${m.reported}px, not the 150 it started at`);
  assert.equal(m.style, `${m.reported}px`, 'embed.js set the reported height');
  fits(m);
  // Still working inside the frame: a click on the slider's track at 75 % (w ≈ 1.4), then End
  // on the keyboard (w = 200), each changes the readout.
  const w0 = await frame.$eval('#chain-w-out', (e) => e.textContent);
  const box = await (await frame.$('#chain-w')).boundingBox(); // in the page's coordinates
  await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
  const w1 = await frame.$eval('#chain-w-out', (e) => e.textContent);
  assert.ok(Number(w1) > 1.2 && Number(w1) < 1.7, `w ≈ 1.4 after the click, from ${w0}: ${w1}`);
  assert.equal(await frame.evaluate(() => document.activeElement.id), 'chain-w');
  await page.keyboard.press('End');
  assert.equal(await frame.$eval('#chain-w-out', (e) => e.textContent), '200');
  // The readout's longer sentence may change the height: the iframe follows, and settles.
  m = await settled(page);
  assert.equal(m.style, `${m.reported}px`, 'embed.js set the new reported height');
  fits(m);
  assert.deepEqual(errors, []);
});

test('Firefox: <gradlab-widget> from www/embed.js starts the bars widget (its worker measures a network) and sizes its iframe to fit', async () => {
  const { page, errors } = lab;
  await page.goto(`${host.url.replace('127.0.0.1', 'localhost')}widget.html`);
  await page.waitForFunction(() => document.querySelector('gradlab-widget iframe')?.src.includes('embed=bars'), { timeout: 10_000, polling: 100 });
  const frame = await (await page.$('gradlab-widget iframe')).contentFrame();
  await frame.waitForFunction(() => window.gradlab?.snapshot?.probe.layers.length === 2, { timeout: 60_000, polling: 100 });
  const m = await settled(page, 'gradlab-widget iframe');
  assert.ok(m.reported > 300, `the widget reports ${m.reported}px`);
  assert.equal(m.style, `${m.reported}px`, 'embed.js set the reported height');
  fits(m);
  assert.deepEqual(errors, []);
});
