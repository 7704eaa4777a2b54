// scripts/dist.sh: a self-contained folder that works served on its own (as on GitHub
// Pages), with the example page, and whose service worker never serves a stale file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { start, openLab, shot, waitForAsync, ROOT, chartsDrawn } from './helpers.mjs';

let dir;
let lab;

/** Every widget on screen (an iframe of the page) has drawn its charts, for a screenshot. */
async function widgetsOnScreenDrawn(page) {
  for (const el of await page.$$('iframe')) {
    const onScreen = await el.evaluate((f) => {
      const r = f.getBoundingClientRect();
      return r.bottom > 0 && r.top < window.innerHeight;
    });
    const frame = await el.contentFrame();
    if (onScreen && frame && (await frame.evaluate(() => !!window.gradlab))) await chartsDrawn(frame);
  }
}
const failed = [];
before(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'gradlab-dist-')), 'site');
  execFileSync('bash', [join(ROOT, 'scripts', 'dist.sh'), dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  lab = await start({ root: dir });
  lab.context.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
});
after(async () => {
  await lab?.close();
  if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
});

test('the folder holds the page, its modules, wasm, data, the example and sw.js — not the benchmark', () => {
  for (const f of ['index.html', 'sw.js', 'www/main.js', 'www/worker.js', 'www/url.js', 'www/share.js', 'www/style.css', 'www/pkg/gradlab.js', 'www/pkg/gradlab_bg.wasm', 'www/pkg-inside/gradlab_inside.js', 'www/pkg-inside/gradlab_inside_bg.wasm', 'www/app/inside.js', 'www/worker/inside.js', 'www/data/train-images-idx3-ubyte.gz', 'examples/course-notes.html', 'www/embed.js', 'gradlab.html']) {
    assert.ok(existsSync(join(dir, f)), `${f} in dist`);
  }
  assert.equal(existsSync(join(dir, 'www/bench.html')), false);
  assert.equal(existsSync(join(dir, 'src')), false);
  assert.match(readFileSync(join(dir, 'sw.js'), 'utf8'), /^const VERSION = '[0-9a-f]{12}';$/m, "sw.js carries the build's version");
});

test('served on its own, the page, its widgets and the example page work', async () => {
  const { page, url, errors } = lab;
  await openLab(page, url);
  assert.equal(await page.textContent('#chain-layers-out'), '5');
  await page.click('#preset-explode');
  assert.match(await page.textContent('#chain-regime'), /^Exploding\./);
  assert.ok((await page.evaluate(() => window.gradlab.snapshot.probe.layers.length)) === 3);
  // The footer leads to the example page; its three widgets size themselves.
  await page.click('footer a[href="examples/course-notes.html"]');
  await page.waitForURL(/course-notes\.html$/);
  for (const id of ['w-chain', 'w-bars', 'w-speed']) {
    await page.$eval(`#${id}`, (f) => f.scrollIntoView());
    await page.waitForFunction(
      (i) => {
        // Two plain iframes, and a <gradlab-widget> holding the third.
        const el = document.getElementById(i);
        const f = el.tagName === 'IFRAME' ? el : el.querySelector('iframe');
        const g = f.contentWindow?.gradlab;
        // The widget's window is as tall as it says (the iframe's border comes on top).
        return g?.reportedHeight && f.contentWindow.innerHeight === g.reportedHeight;
      },
      id,
      { timeout: 60_000 },
    );
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => window.scrollY === 0);
  await widgetsOnScreenDrawn(page);
  await shot(page, 'example-course-notes-top');
  await page.$eval('#w-bars', (f) => f.scrollIntoView({ block: 'start' }));
  await page.waitForFunction(() => Math.abs(document.getElementById('w-bars').getBoundingClientRect().top) < 1 || window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1);
  await widgetsOnScreenDrawn(page);
  await shot(page, 'example-course-notes-bars');
  assert.deepEqual(failed, [], 'no request failed');
  assert.deepEqual(errors, []);
});

test("the service worker serves the network's copy: an edited file shows on reload", async () => {
  const { page, url, errors } = lab;
  const version = readFileSync(join(dir, 'sw.js'), 'utf8').match(/^const VERSION = '([0-9a-f]+)';$/m)[1];
  await openLab(page, url, { waitForNetwork: false });
  await waitForAsync(page, async (v) => (await caches.keys()).includes(`gradlab-${v}`) && (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated', version);
  await page.reload();
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'controlled by the service worker');
  const file = join(dir, 'index.html');
  const html = readFileSync(file, 'utf8');
  const edited = html.replace('>gradlab — why are deep', '>edited — why are deep');
  assert.notEqual(edited, html, 'the title was found and edited');
  writeFileSync(file, edited);
  await page.reload();
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  assert.match(await page.title(), /^edited — /);
  assert.deepEqual(errors, []);
});

test('the folder opened from disk: its index.html says so, and its link opens the single file beside it, which runs', async () => {
  const { page, errors } = lab;
  await page.goto(pathToFileURL(join(dir, 'index.html')).href);
  await page.click('#file-banner a[href="gradlab.html"]');
  await page.waitForURL(/gradlab\.html$/);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true, null, { timeout: 30_000 });
  assert.equal(await page.$('#file-banner'), null);
  await page.waitForFunction(() => window.gradlab.chainTimings.length > 0);
  // The modules' refusal on file:// is the one error the normal page logs there.
  assert.deepEqual(errors.filter((e) => !/file:|CORS|Failed to load module|net::ERR_FAILED/i.test(e)), []);
});
