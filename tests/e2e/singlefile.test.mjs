// A page that opens from disk (issue 11, "Wherever a course lives").
// * The normal build opened from file:// cannot run (no module scripts there): it says how
//   to open it instead (www/file-boot.js), in the page's language.
// * `dist.sh --single-file` (scripts/single-file.mjs) writes one gradlab.html that runs
//   from file:// in full — chain, training in its worker, the chapter, both languages,
//   downloads — with no request leaving the file, and within its 3.5 MB budget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { start, openLab, shot, dragRange, inkPixels, ROOT, chartsDrawn } from './helpers.mjs';

const INDEX = pathToFileURL(join(ROOT, 'index.html')).href;
const BUDGET = 3_500_000;

let dir;
let single;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gradlab-single-'));
  single = join(dir, 'gradlab.html');
  execFileSync('bash', [join(ROOT, 'scripts', 'dist.sh'), '--single-file', single], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The file:// message's language, title and text, or null when there is none. */
const banner = (page) =>
  page.evaluate(() => {
    const b = document.getElementById('file-banner');
    return b && { lang: b.lang, role: b.getAttribute('role'), text: b.textContent, visible: b.getBoundingClientRect().height > 0 && getComputedStyle(b).display !== 'none', cls: b.className };
  });

test('the normal page opened from file:// says how to open it, in English and with #lang=zh in Chinese', async () => {
  const lab = await start();
  try {
    const { page, url } = lab;
    await page.goto(INDEX);
    await page.waitForSelector('#file-banner');
    const en = await banner(page);
    assert.equal(en.role, 'alert');
    assert.equal(en.lang, 'en');
    assert.ok(en.visible, 'the message is visible');
    assert.match(en.cls, /\bbanner\b/, "styled as the page's banner");
    assert.match(en.text, /cannot run when opened from a file/);
    assert.match(en.text, /python3 -m http\.server/);
    assert.match(en.text, /http:\/\/localhost:8000\//);
    assert.match(en.text, /gradlab\.html/);
    // The banner is at the top, where the page's own banner would be.
    assert.ok((await page.locator('#file-banner').boundingBox()).y < 5);
    await shot(page, 'file-message-en');

    await page.goto(`${INDEX}#net.hidden=2&lang=zh`);
    await page.reload(); // a hash-only navigation does not reload the page
    await page.waitForSelector('#file-banner');
    const zh = await banner(page);
    assert.equal(zh.lang, 'zh-CN');
    assert.match(zh.text, /此页面无法直接从文件打开运行/);
    assert.match(zh.text, /python3 -m http\.server/);
    assert.doesNotMatch(zh.text, /cannot|Serve|folder/);
    await shot(page, 'file-message-zh');

    // Served, the page runs and says nothing of the kind.
    await openLab(page, url, { waitForNetwork: false });
    assert.equal(await banner(page), null);
  } finally {
    await lab.close();
  }
});

test('a Chinese browser gets the file:// message in Chinese; #lang=en overrides it', async () => {
  const lab = await start({ locale: 'zh-CN' });
  try {
    const { page } = lab;
    await page.goto(INDEX);
    await page.waitForSelector('#file-banner');
    assert.equal((await banner(page)).lang, 'zh-CN');
    await page.goto(`${INDEX}#lang=en`);
    await page.reload(); // a hash-only navigation does not reload the page
    await page.waitForSelector('#file-banner');
    assert.equal((await banner(page)).lang, 'en');
  } finally {
    await lab.close();
  }
});

test(`the single file is at most ${BUDGET / 1e6} MB and its policy forbids all it can`, () => {
  const size = statSync(single).size;
  console.log(`# single file: ${size} bytes (${(size / 1e6).toFixed(2)} MB)`);
  assert.ok(size <= BUDGET, `gradlab.html is ${size} bytes, over ${BUDGET}`);
  const html = readFileSync(single, 'utf8');
  const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)[1];
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'sha256-[^']+' .*'wasm-unsafe-eval'/);
  assert.match(csp, /worker-src blob:/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|\*/);
  assert.doesNotMatch(html, /<script[^>]*\bsrc=/, 'every script is inline');
  assert.doesNotMatch(html, /cannot run when opened from a file/, 'no file:// message');
});

test('the single file opened from file:// runs everything, with no request leaving the file', async () => {
  const lab = await start({
    // CSP violations, should any happen (they also log a console error).
    initScript: () => {
      window.__csp = [];
      addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    },
  });
  const requests = [];
  lab.context.on('request', (r) => requests.push(r.url()));
  try {
    const { page, errors } = lab;
    const fileURL = pathToFileURL(single).href;
    await openLab(page, fileURL);
    assert.equal(await banner(page), null, 'no file:// message in the single file');
    assert.equal(await page.evaluate(() => window.gradlab.offline ?? null), null, 'no service worker registered');

    // 1. The chain redraws as the weight slider moves.
    const chain = () => page.$eval('#chain-canvas', (c) => c.toDataURL());
    const before = await chain();
    await page.evaluate(() => (window.gradlab.chainTimings.length = 0));
    await page.locator('#chain-w').scrollIntoViewIfNeeded();
    await dragRange(page, '#chain-w', 0.2, 0.8, 10);
    assert.ok((await page.evaluate(() => window.gradlab.chainTimings.length)) >= 5, 'the chain redrew while dragging');
    assert.notEqual(await chain(), before, 'the chain canvas changed');

    // 2. The network trains in its (classic, blob:) worker: three epochs, a snapshot each.
    await page.fill('#net-epochs', '3');
    await page.press('#net-epochs', 'Enter');
    await page.click('#net-start');
    await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshot?.epoch === 3, null, { timeout: 120_000 });
    const snaps = await page.evaluate(() => window.gradlab.snapshots.map((s) => s.epoch));
    assert.deepEqual(snaps, [0, 1, 2, 3]);
    assert.ok((await inkPixels(page, '#net-speed')) > 2000, 'the speed chart is drawn');
    await chartsDrawn(page); // the live charts' last redraw (at most 10 a second)
    await shot(page.locator('#network'), 'file-single-trained');

    // 3. A chapter experiment runs in the same worker.
    await page.click('#book-bars-run');
    await page.waitForFunction(() => window.gradlab.book.bars?.finished === true, null, { timeout: 60_000 });
    await page.waitForFunction(() => !document.getElementById('book-bars').closest('figure').hidden);
    await chartsDrawn(page); // drawn in the next animation frame, once the figure is laid out
    assert.ok((await inkPixels(page, '#book-bars')) > 2000, "the book's bar chart is drawn");

    // 3b. The view inside the network: its second module from the file, in the page and the worker.
    await page.locator('#inside > summary').click();
    await page.waitForFunction(() => window.gradlab.inside.report?.factors.length > 0, null, { timeout: 60_000 });
    await chartsDrawn(page);
    assert.ok((await inkPixels(page, '#inside-factors')) > 2000, 'the factor chart is drawn');

    // 4. Downloads: the trained network, and a chart as PNG.
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.click('#net-download')]);
    const net = JSON.parse(await readFile(await d.path(), 'utf8'));
    assert.deepEqual(net.sizes, [784, 30, 30, 30, 10]);
    const png = page.locator('figure:has(#chain-canvas) .export button[data-format="png"]');
    await png.scrollIntoViewIfNeeded();
    const [p] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), png.click()]);
    assert.deepEqual([...(await readFile(await p.path())).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');

    // 5. The other language.
    await page.selectOption('#lang', 'zh');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    assert.match(await page.textContent('#network-h'), /[\u4e00-\u9fff]/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForFunction(() => window.scrollY === 0); // the page scrolls smoothly (style.css)
    await chartsDrawn(page);
    await shot(page, 'file-single-zh');

    // 6. A crashed worker is replaced by a new one from the same inlined bundle.
    await page.evaluate(() => window.gradlab.debugPanic());
    await page.waitForFunction(() => window.gradlab.restarts === 1 && window.gradlab.status === 'idle', null, { timeout: 60_000 });
    assert.ok((await page.evaluate(() => window.gradlab.snapshot.epoch)) >= 1, 'restored from a checkpoint');

    const expectedPanic = (e) => /debug_panic|RuntimeError|unreachable|panicked/.test(e);
    assert.deepEqual(errors.filter((e) => !expectedPanic(e)), []);
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
    const outside = requests.filter((u) => !/^(file|blob|data):/.test(u));
    assert.deepEqual(outside, [], 'no request leaves the file');
    assert.equal(requests.filter((u) => u.startsWith('file:')).length, 1, 'the file itself is the only file read');
  } finally {
    await lab.close();
  }
});
