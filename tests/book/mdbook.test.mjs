// A real mdBook (0.5.4) with two gradlab embeds written as README.md tells authors (the chain as
// a <gradlab-widget>, the bars as a plain <iframe>, www/embed.js sizing both), built with
// `mdbook build` into a temporary folder, served as static files and read in Chromium with
// classic scrollbars shown: both widgets settle on one height, tall enough for their content,
// the chain's slider works inside its iframe, and nothing logs an error.
// mdBook is installed by `bash scripts/setup.sh --mdbook` (target/tools/mdbook, or $MDBOOK).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, shot, ROOT } from '../e2e/helpers.mjs';

const MDBOOK = process.env.MDBOOK ?? join(ROOT, 'target/tools/mdbook/bin/mdbook');

/**
 * The book, as README.md ("Deploying", *mdBook*) tells an author to make it: the lab copied
 * into src/gradlab by dist.sh, and a chapter at the top of src/ holding the README's HTML
 * block, taken from the README itself (so the test follows the recipe as it is written: the
 * www/embed.js line, a <gradlab-widget> and a plain <iframe>, blank lines around each).
 */
function recipe() {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('* *mdBook:*');
  assert.ok(at >= 0, 'README.md has an mdBook recipe ("* *mdBook:*")');
  const item = readme.slice(at, readme.indexOf('\n* ', at + 1));
  assert.match(item, /bash scripts\/dist\.sh book\/src\/gradlab/, 'the recipe copies the lab into book/src/gradlab');
  const block = /\n( *)```html\n([\s\S]*?)\n\1```/.exec(item);
  assert.ok(block, "the recipe's HTML block");
  const indent = block[1].length;
  return block[2].split('\n').map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length))).join('\n');
}

function BOOK(dir) {
  writeFileSync(join(dir, 'book.toml'), '[book]\ntitle = "Course notes"\n');
  writeFileSync(join(dir, 'src', 'SUMMARY.md'), '# Summary\n\n- [Vanishing gradients](chapter.md)\n');
  writeFileSync(join(dir, 'src', 'chapter.md'), `# Vanishing gradients

Why are deep networks hard to train? The gradient of an early layer is a product of terms
w·σ′(z), each usually below 1.

${recipe()}

The end of the chapter.
`);
}

let dir;
let lab;
const timings = {};
before(async () => {
  assert.ok(existsSync(MDBOOK), `no mdbook at ${MDBOOK}: run bash scripts/setup.sh --mdbook`);
  assert.match(execFileSync(MDBOOK, ['--version'], { encoding: 'utf8' }), /v0\.5\.4/);
  dir = mkdtempSync(join(tmpdir(), 'gradlab-book-'));
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  // The book's folder layout and files, as README.md ("Deploying", mdBook) gives them.
  BOOK(dir);
  let t0 = Date.now();
  execFileSync('bash', [join(ROOT, 'scripts/dist.sh'), join(src, 'gradlab')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  timings.dist = Date.now() - t0;
  t0 = Date.now();
  execFileSync(MDBOOK, ['build', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  timings.mdbook = Date.now() - t0;
  lab = await start({ root: join(dir, 'book'), scrollbars: true, viewport: { width: 1100, height: 900 } });
});
after(async () => {
  await lab?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  console.log(`book: dist.sh ${timings.dist} ms, mdbook build ${timings.mdbook} ms, page open to both embeds settled ${timings.settled} ms`);
});

/** Every gradlab iframe of the chapter: its box on the page, and what its widget says of itself. */
const read = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('main iframe')].map((f) => {
      const d = f.contentDocument?.documentElement;
      const win = f.contentWindow;
      return {
        src: f.getAttribute('src') ?? f.src,
        client: f.clientHeight, // the widget's viewport: the iframe's height inside its border
        viewport: win?.innerHeight ?? 0,
        content: d ? Math.ceil(d.getBoundingClientRect().height) : 0,
        scroll: d ? d.scrollHeight : 0,
        reported: win?.gradlab?.reportedHeight ?? null,
        ready: d?.hasAttribute('data-embed-ready') ?? false,
      };
    }),
  );

/** Wait until every iframe's measures are the same for `quiet` ms (read every 100 ms). */
async function settled(page, { quiet = 1500, timeout = 60_000 } = {}) {
  const t0 = Date.now();
  let last = null;
  let since = Date.now();
  for (;;) {
    const rows = await read(page);
    const key = JSON.stringify(rows);
    if (key !== last || !rows.every((r) => r.ready && r.reported)) {
      last = key;
      since = Date.now();
    } else if (Date.now() - since >= quiet) return rows;
    if (Date.now() - t0 > timeout) assert.fail(`the embeds did not settle in ${timeout} ms: ${key}`);
    await page.waitForTimeout(100);
  }
}

/** The iframe shows its whole widget: at least as tall as what the widget reports and holds. */
function fits(r) {
  assert.ok(r.client >= r.reported, `${r.src}: iframe ${r.client}px ≥ reported ${r.reported}px`);
  assert.ok(r.client >= r.content, `${r.src}: iframe ${r.client}px ≥ content ${r.content}px`);
  assert.ok(r.client >= r.scroll, `${r.src}: iframe ${r.client}px ≥ scroll height ${r.scroll}px`);
  assert.ok(r.reported > 300, `${r.src}: a real height reported (${r.reported}px)`);
}

test('mdBook: both embeds settle on a height that shows them whole; the chain works inside its iframe', async () => {
  const { page, url, errors } = lab;
  const t0 = Date.now();
  await page.goto(`${url}chapter.html`);
  // A <gradlab-widget> starts its iframe when it comes near the screen: read down the chapter.
  for (const el of await page.$$('main gradlab-widget, main > iframe, main p > iframe')) {
    await el.evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await page.waitForTimeout(200);
  }
  await page
    .waitForFunction(() => document.querySelectorAll('main iframe').length === 2 && [...document.querySelectorAll('main iframe')].every((f) => f.contentWindow?.gradlab?.wasmReady), null, { timeout: 30_000 })
    .catch(async (e) => {
      const frames = await page.evaluate(() => [...document.querySelectorAll('main iframe')].map((f) => `${f.src} (${f.contentDocument?.title ?? 'no document'}, gradlab ${f.contentWindow?.gradlab ? 'up' : 'absent'})`));
      throw new Error(`the two widgets did not start: ${JSON.stringify(frames)}; errors ${JSON.stringify(errors)}: ${e.message}`);
    });
  const bars = page.frames().find((f) => f.url().includes('embed=bars'));
  await bars.waitForFunction(() => window.gradlab.snapshot?.probe.layers.length === 2, null, { timeout: 60_000 });
  let rows = await settled(page);
  assert.equal(rows.length, 2);
  rows.forEach(fits);
  timings.settled = Date.now() - t0;

  // The chain inside its iframe: drag the weight's thumb with the mouse, the readout changes.
  await page.evaluate(() => window.scrollTo(0, 0));
  const chain = page.frameLocator('main iframe[src*="embed=chain"]');
  const slider = chain.locator('#chain-w');
  await slider.scrollIntoViewIfNeeded();
  const w0 = await chain.locator('#chain-w-out').textContent();
  assert.equal(w0, '0.800', "the link's weight");
  const box = await slider.boundingBox();
  const y = box.y + box.height / 2;
  const x = (s) => box.x + 8 + ((s + 1) / 2) * (box.width - 16); // slider value s ∈ [−1, 1]
  const s0 = await slider.evaluate((e) => Number(e.value));
  await page.mouse.move(x(s0), y);
  await page.mouse.down();
  await page.mouse.move(x(0.9), y, { steps: 10 });
  await page.mouse.up();
  const w1 = Number(await chain.locator('#chain-w-out').textContent());
  assert.ok(w1 > 30, `w after dragging the thumb to 90 %: ${w1}`);
  assert.match(await chain.locator('#chain-regime').textContent(), /^(Vanishing|Exploding)\./);
  // Whatever the new readout's height, both settle again and still fit.
  rows = await settled(page);
  rows.forEach(fits);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'mdbook-chapter');
  await page.$eval('main iframe[src*="embed=bars"]', (f) => f.scrollIntoView());
  await page.waitForTimeout(300);
  await shot(page, 'mdbook-chapter-bars');
  assert.deepEqual(errors, []);
});
