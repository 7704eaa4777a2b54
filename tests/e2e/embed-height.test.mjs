// Embedded widgets settle on one height, as a desktop reader sees them: with classic
// scrollbars (Playwright's headless Chromium hides them unless --hide-scrollbars is
// dropped), every widget in an iframe sized by www/embed.js, across iframe widths from a
// phone's to a wide screen's. A widget whose own scrollbar changes its layout width used to
// feed its height back into itself: the iframe flipped between two heights for as long as it
// was on screen (issue 11). Here each width must end on one height within a second or so,
// stay there, and show the whole widget with no scrollbar of its own.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './helpers.mjs';

const WIDGETS = ['chain', 'bars', 'speed', 'network', 'chapter', 'chapter-bars', 'chapter-norms', 'chapter-speed', 'chapter-depth', 'inside'];
const WIDTHS = [320, 380, 460, 620, 750, 900, 1100, 1400];
/** How long each width is watched, and the part at its end in which nothing may change. */
const WATCH_MS = 2600;
const QUIET_MS = 1400;

// A browser per host page: the first page's service worker would otherwise answer the
// second page's navigation itself, past the test's route.
let lab;
beforeEach(async () => {
  lab = await start({ viewport: { width: 1480, height: 900 }, scrollbars: true });
});
afterEach(async () => lab?.close());

/** A host page on the lab's origin: some prose, then each widget in an iframe, sized by embed.js. */
function hostPage({ boxSizing = 'content-box', border = 0 } = {}) {
  const frames = WIDGETS.map((w, i) => `<p>Widget ${i + 1}.</p>
<iframe id="f-${w}" src="/index.html?embed=${w}" title="${w}" width="100%" height="300" frameborder="0" loading="eager"></iframe>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,">
<style>body { margin: 1rem; font: 16px serif; } iframe { display: block; box-sizing: ${boxSizing}; border: ${border}px solid #888; }</style>
<script src="/www/embed.js"></script></head><body><h1>A host page</h1>${frames}<p>The end.</p></body></html>`;
}

/** Every iframe's outer height, and what its widget's document says of itself. */
const read = (page) =>
  page.evaluate((ids) =>
    ids.map((w) => {
      const f = document.getElementById(`f-${w}`);
      const d = f.contentDocument?.documentElement;
      const win = f.contentWindow;
      return {
        w,
        outer: f.getBoundingClientRect().height,
        viewport: win?.innerHeight ?? 0,
        content: d ? Math.ceil(d.getBoundingClientRect().height) : 0,
        scroll: d ? d.scrollHeight : 0,
        // A vertical scrollbar takes width from the layout: the viewport is wider than the root's client box.
        scrollbar: d ? win.innerWidth - d.clientWidth : 0,
        ready: d?.hasAttribute('data-embed-ready') ?? false,
      };
    }), WIDGETS);

async function watchWidth(page, width) {
  await page.evaluate((px) => { for (const f of document.querySelectorAll('iframe')) f.style.width = `${px}px`; }, width);
  const t0 = Date.now();
  const series = new Map(WIDGETS.map((w) => [w, []]));
  let rows;
  while (Date.now() - t0 < WATCH_MS) {
    rows = await read(page);
    for (const r of rows) series.get(r.w).push({ t: Date.now() - t0, h: r.outer });
    await page.waitForTimeout(50); // a sample every 50 ms for WATCH_MS: what is measured is a height staying put, so a fixed window
  }
  return WIDGETS.map((w, i) => {
    const s = series.get(w);
    const changes = s.filter((p, j) => j > 0 && p.h !== s[j - 1].h);
    return { ...rows[i], width, flips: changes.length, lastChange: changes.at(-1)?.t ?? 0 };
  });
}

async function checkHost(opts) {
  const { page, url, errors } = lab;
  await page.route(`${url}__host.html`, (route) => route.fulfill({ contentType: 'text/html', body: hostPage(opts) }));
  await page.goto(`${url}__host.html`);
  await page.waitForFunction((n) => [...document.querySelectorAll('iframe')].filter((f) => f.contentDocument?.documentElement.hasAttribute('data-embed-ready')).length === n, WIDGETS.length, { timeout: 60_000 });
  // The widgets' first content (a probe from the worker, the chapter's tables) arrives after
  // they are ready: let it come at a wide width first.
  await watchWidth(page, 1280);
  const bad = [];
  const table = [];
  for (const width of WIDTHS) {
    for (const r of await watchWidth(page, width)) {
      table.push(`${r.w}@${width}: ${r.outer}px, ${r.flips} changes, last at ${r.lastChange} ms`);
      const problems = [];
      if (r.lastChange > WATCH_MS - QUIET_MS) problems.push(`still changing ${r.lastChange} ms after the resize (${r.flips} changes)`);
      if (r.scroll > r.viewport) problems.push(`content ${r.scroll}px in a ${r.viewport}px viewport`);
      if (r.scrollbar > 0) problems.push(`an inner scrollbar of ${r.scrollbar}px`);
      if (r.viewport < r.content) problems.push(`viewport ${r.viewport}px < content ${r.content}px`);
      if (problems.length) bad.push(`${r.w} at ${width}px: ${problems.join('; ')}`);
    }
  }
  console.log(table.join('\n'));
  assert.deepEqual(bad, [], bad.join('\n'));
  assert.deepEqual(errors, []);
}

test('every widget settles on one height at every width, with scrollbars shown, and shows all of itself', async () => {
  await checkHost();
});

test('a host whose iframes are border-box with a border gets iframes tall enough for the widget (no inner scrollbar)', async () => {
  await checkHost({ boxSizing: 'border-box', border: 1 });
});

test('the course-notes example: each widget, scrolled to, fits its frame with no scrollbar of its own; the one-line widget starts only near the screen', async () => {
  const { page, url, errors } = lab;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${url}examples/course-notes.html`);
  // The third widget (<gradlab-widget>) is far below: not started yet.
  assert.equal(await page.$eval('#w-speed iframe', (f) => f.getAttribute('src')), null, 'not started before it is near the screen');
  for (const id of ['w-chain', 'w-bars', 'w-speed']) {
    const sel = id === 'w-speed' ? '#w-speed iframe' : `#${id}`;
    await page.$eval(`#${id}`, (el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForFunction((s) => document.querySelector(s).contentDocument?.documentElement?.hasAttribute('data-embed-sized'), sel, { timeout: 60_000 });
    let rows = [];
    for (let i = 0; i < 12; i++) {
      rows.push(await page.$eval(sel, (f) => {
        const d = f.contentDocument.documentElement;
        return { outer: f.getBoundingClientRect().height, viewport: f.contentWindow.innerHeight, content: Math.ceil(d.getBoundingClientRect().height), scrollbar: f.contentWindow.innerWidth - d.clientWidth };
      }));
      await page.waitForTimeout(150); // a sample every 150 ms: the frame must hold one height over time, so a fixed window
    }
    rows = rows.slice(-6); // the last 0.9 s
    const last = rows.at(-1);
    assert.ok(rows.every((r) => r.outer === last.outer), `${id}: stable (${rows.map((r) => r.outer)})`);
    assert.ok(last.viewport >= last.content, `${id}: viewport ${last.viewport}px for content ${last.content}px`);
    assert.equal(last.scrollbar, 0, `${id}: no scrollbar of its own`);
  }
  assert.deepEqual(errors, []);
});
