// Dark and light: the page follows the system's prefers-color-scheme, a link's or an
// embed's `theme=light|dark` overrides it from the first paint, the header's select
// switches at once (the charts included) and is kept in the link and the embed code, and
// axe-core finds no serious violation (colour contrast included) in the dark theme.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { start, openLab, shot, inkPixels, ROOT, chartsDrawn } from './helpers.mjs';

const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
/** The charts' backgrounds (src/charts/theme.rs Theme::light and Theme::dark). */
const WHITE = [255, 255, 255];
const DARK = [0x1e, 0x1f, 0x22];

/**
 * Before any page script: when <body> is parsed (the head's stylesheet and boot script
 * done, nothing painted yet), note the theme on <html> and the page's background colour.
 */
function firstPaint() {
  window.__first = null;
  new MutationObserver((_, obs) => {
    if (!document.body || window.__first) return;
    window.__first = { theme: document.documentElement.dataset.theme ?? null, page: getComputedStyle(document.documentElement).getPropertyValue('--page').trim() };
    obs.disconnect();
  }).observe(document, { childList: true, subtree: true });
}

/** Open `url` as a new document (not a same-document hash change), as openLab does. */
async function fresh(page, url, opts) {
  await page.goto('about:blank');
  await openLab(page, url, opts);
}

let lab;
before(async () => {
  // bypassCSP: axe-core is injected as an inline script (as in a11y.test.mjs).
  lab = await start({ colorScheme: 'dark', bypassCSP: true, initScript: firstPaint });
});
after(async () => lab?.close());

/** The relative luminance (0 black … 1 white) of a CSS rgb() colour. */
function luminance(css) {
  const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
/** The canvas's corner pixel: the chart's background (a chart fills its whole area). */
const corner = (page, id) => page.$eval(`#${id}`, (c) => Array.from(c.getContext('2d').getImageData(1, 1, 1, 1).data.slice(0, 3)));
const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 2);
/** Wait until chart `id` has been drawn with the background `rgb`. */
async function chartBackground(page, id, rgb) {
  await page.waitForFunction(
    ([id, rgb]) => {
      const c = document.getElementById(id);
      if (!c.width) return false;
      const d = c.getContext('2d').getImageData(1, 1, 1, 1).data;
      return rgb.every((v, i) => Math.abs(v - d[i]) <= 2);
    },
    [id, rgb],
    { timeout: 20_000 },
  ).catch(() => {});
  const got = await corner(page, id);
  assert.ok(near(got, rgb), `${id}: background ${got}, expected ${rgb}`);
}

/** axe-core on the whole page: violations of impact serious or critical. */
async function audit(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`).slice(0, 5) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

test('a dark system: the page and its charts are dark, and the SVG download too', async () => {
  const { page, url, errors } = lab;
  await openLab(page, url);
  assert.deepEqual(await page.evaluate(() => window.__first), { theme: 'dark', page: '#17181b' }, 'dark from the first paint');
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme), 'dark', 'form controls and scrollbars dark too');
  assert.ok(luminance(await background(page)) < 0.02, `page background ${await background(page)}`);
  assert.equal(await page.$eval('#theme', (s) => s.value), '', 'the select says "System"');
  await chartBackground(page, 'chain-canvas', DARK);
  await chartBackground(page, 'net-bars', DARK);
  assert.ok((await inkPixels(page, '#net-bars')) > 500, 'the chart has drawn on its dark background');
  // The ‖δˡ‖ chips wear their layers' colours in the charts' dark order (Theme::dark: sky blue, orange, green).
  const chips = await page.$$eval('#net-norms li:not(.summary)', (lis) => lis.map((li) => getComputedStyle(li).borderTopColor));
  assert.deepEqual(chips.slice(0, 3), ['rgb(86, 180, 233)', 'rgb(230, 159, 0)', 'rgb(0, 158, 115)']);
  // The SVG download is drawn in the theme on screen.
  const button = page.locator('figure:has(#chain-canvas) .export button[data-format="svg"]');
  const [d] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const svg = await readFile(await d.path(), 'utf8');
  assert.match(svg, /fill="#1E1F22"/);
  assert.doesNotMatch(svg, /fill="#FFFFFF"/);
  await shot(page, 'theme-test-dark-system', { fullPage: false });
  assert.deepEqual(errors, []);
});

test('theme= in a link overrides the system, in the page and in an embed, from the first paint', async () => {
  const { page, url, errors } = lab;
  // A dark system, a light link.
  await fresh(page, `${url}index.html#theme=light`, { waitForNetwork: false });
  assert.deepEqual(await page.evaluate(() => window.__first), { theme: 'light', page: '#f7f6f3' });
  assert.ok(luminance(await background(page)) > 0.8);
  assert.equal(await page.$eval('#theme', (s) => s.value), 'light');
  await chartBackground(page, 'chain-canvas', WHITE);
  // A light system, a dark link: the whole page, then the chain alone.
  await page.emulateMedia({ colorScheme: 'light' });
  for (const at of ['index.html#theme=dark', 'index.html?embed=chain#theme=dark&chain.w=0.8']) {
    await fresh(page, `${url}${at}`, { waitForNetwork: false });
    assert.deepEqual(await page.evaluate(() => window.__first), { theme: 'dark', page: '#17181b' }, at);
    assert.ok(luminance(await background(page)) < 0.02, `${at}: ${await background(page)}`);
    await chartBackground(page, 'chain-canvas', DARK);
  }
  assert.equal(await page.evaluate(() => document.documentElement.dataset.embed), 'chain');
  // The embed keeps its theme in its own hash as the reader plays, and in its embed code.
  await page.fill('#chain-w-num', '2');
  await page.waitForFunction(() => location.hash.includes('chain.w=2'));
  assert.match(await page.evaluate(() => location.hash), /theme=dark/);
  await page.click('.embed-bar button[data-i18n="share.embed"]');
  await page.waitForFunction(() => window.gradlab.copied);
  assert.match(await page.evaluate(() => window.gradlab.copied), /\?embed=chain#[^"]*theme=dark/);
  await shot(page, 'theme-test-dark-embed');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(errors, []);
});

test('the header select switches at once, is kept in the link and in "Copy embed code"; "System" follows the system as it changes', async () => {
  const { page, url, errors } = lab;
  await page.emulateMedia({ colorScheme: 'light' });
  await fresh(page, `${url}index.html`);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  await chartBackground(page, 'net-bars', WHITE);
  await page.selectOption('#theme', 'dark');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.ok(luminance(await background(page)) < 0.02);
  await chartBackground(page, 'chain-canvas', DARK);
  await chartBackground(page, 'net-bars', DARK);
  await chartBackground(page, 'net-training', DARK);
  await page.waitForFunction(() => /(^#|&)theme=dark(&|$)/.test(location.hash));
  // Every "Copy embed code" carries it: the chain's, the network's.
  for (const widget of ['chain', 'network']) {
    await page.evaluate(() => (window.gradlab.copied = null));
    await page.click(`.share-row[data-widget="${widget}"] button[data-i18n="share.embed"]`);
    await page.waitForFunction(() => window.gradlab.copied);
    assert.match(await page.evaluate(() => window.gradlab.copied), new RegExp(`\\?embed=${widget}#[^"]*theme=dark`));
  }
  // "System": the link forgets it, and the page follows the system, now and when it changes.
  await page.selectOption('#theme', '');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  await chartBackground(page, 'chain-canvas', WHITE);
  await page.waitForFunction(() => !location.hash.includes('theme='));
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  await chartBackground(page, 'net-bars', DARK);
  // A chosen theme stays when the system changes.
  await page.selectOption('#theme', 'light');
  await chartBackground(page, 'net-bars', WHITE);
  // The page sees each system change: a listener of the test's own, on a query made after the
  // page's (so called after the page's, in the same step), records it; any redraw it asked for is done.
  await page.evaluate(() => {
    window.__systemDark = null;
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (e) => (window.__systemDark = e.matches));
  });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForFunction(() => window.__systemDark === false);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction(() => window.__systemDark === true);
  await chartsDrawn(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  assert.ok(near(await corner(page, 'net-bars'), WHITE));
  // The select is translated.
  await page.selectOption('#lang', 'zh');
  assert.deepEqual(await page.$$eval('#theme option', (os) => os.map((o) => o.textContent)), ['跟随系统', '浅色', '深色']);
  await page.selectOption('#lang', 'en');
  assert.deepEqual(errors, []);
});

test('axe: no serious or critical violation in the dark theme, colour contrast included', async () => {
  const { page, url, errors } = lab;
  await page.emulateMedia({ colorScheme: 'dark' });
  // An unknown key in the link shows the notice, whose colours are audited too.
  await fresh(page, `${url}index.html#bogus=1&net.epochs=1`);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.waitForSelector('#url-notice:not([hidden])');
  assert.deepEqual(await audit(page), [], 'as it opens');
  await page.click('#net-start');
  await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === 2, null, { timeout: 120_000 });
  await page.fill('#book-normSeeds', '1');
  await page.press('#book-normSeeds', 'Enter');
  for (const kind of ['bars', 'norms']) {
    await page.click(`#book-${kind}-run`);
    await page.waitForFunction((k) => window.gradlab.book[k]?.finished === true, kind, { timeout: 60_000 });
  }
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  // A limit note, as a clamped setting shows it.
  await page.fill('#net-eta', '1000');
  await page.press('#net-eta', 'Enter');
  // Each chart's "Numbers" table is filled on its `toggle` event, which comes in a task of its own.
  await page.waitForFunction(() => [...document.querySelectorAll('details.chart-numbers')].every((d) => d.querySelector('table tbody')));
  await chartsDrawn(page);
  assert.deepEqual(await audit(page), [], 'after training, the experiments run and every table open');
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = false)));
  assert.deepEqual(errors, []);
});
