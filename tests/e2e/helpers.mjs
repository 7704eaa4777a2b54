// Shared set-up of the browser tests: the static server, Debian's Chromium driven by
// playwright-core (no browser is ever downloaded), console/page-error capture,
// screenshots into artifacts/screenshots/, and a few canvas helpers.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const SHOTS = join(ROOT, 'artifacts', 'screenshots');

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/**
 * Start the server and a browser. Returns {url, context, page, errors, close}: `errors`
 * collects console errors and uncaught page errors of every page of the context.
 * `root` serves another folder (e.g. a copy without data files); `headers` are added to
 * every answer of the server (e.g. a Content-Security-Policy). `isMobile` and `hasTouch`
 * emulate a phone (with `viewport` and `deviceScaleFactor`); `bypassCSP` lets a test inject
 * a script of its own (axe-core) into a page whose policy forbids inline scripts. `args`
 * are extra Chromium flags (e.g. the soak test's --enable-precise-memory-info).
 * `scrollbars: true` shows classic scrollbars as a desktop reader has them (Playwright's
 * headless Chromium hides them with --hide-scrollbars, which hides layout bugs that depend
 * on a scrollbar's width); `colorScheme` emulates prefers-color-scheme ('light' | 'dark').
 */
export async function start({ root = ROOT, viewport = { width: 1100, height: 900 }, deviceScaleFactor = 1, isMobile = false, hasTouch = false, bypassCSP = false, initScript, headers, args = [], locale = 'en-US', scrollbars = false, colorScheme = 'light' } = {}) {
  const server = await serve(root, 0, '127.0.0.1', { headers });
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-e2e-'));
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  const context = await chromium.launchPersistentContext(dir, {
    executablePath, headless: true, args: [...ARGS, ...args], viewport, deviceScaleFactor, isMobile, hasTouch, bypassCSP, locale, colorScheme,
    ...(scrollbars ? { ignoreDefaultArgs: ['--hide-scrollbars'] } : {}),
  });
  const errors = [];
  const watch = (page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  };
  context.on('page', watch);
  if (initScript) await context.addInitScript(initScript);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  const close = async () => {
    await context.close().catch(() => {});
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: server.url, context, page, errors, close };
}

/** Open the lab and wait until the wasm core is up on the main thread and the worker is ready. */
export async function openLab(page, url, { waitForNetwork = true } = {}) {
  await page.goto(url);
  await page.waitForFunction(() => window.gradlab && window.gradlab.wasmReady === true, null, { timeout: 30_000 });
  if (waitForNetwork) {
    await page.waitForFunction(() => window.gradlab.snapshot !== null, null, { timeout: 60_000 });
  }
}

/** Save a screenshot of the page or of one element under artifacts/screenshots/. */
export async function shot(target, name, opts = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await target.screenshot({ path, ...opts });
  return path;
}

/** Number of canvas pixels that differ from the top-left (background) pixel. */
export async function inkPixels(page, selector) {
  return page.$eval(selector, (c) => {
    const ctx = c.getContext('2d');
    if (!c.width || !c.height) return 0;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 30) n++;
    }
    return n;
  });
}

/** Drag a range input's thumb from one value to another with the mouse, in `steps` moves. */
export async function dragRange(page, selector, from, to, steps = 20) {
  const box = await page.locator(selector).boundingBox();
  const { min, max } = await page.$eval(selector, (e) => ({ min: Number(e.min), max: Number(e.max) }));
  // Chromium's range thumb is ~16 px wide: its centre travels from left+8 to right-8.
  const x = (v) => box.x + 8 + ((v - min) / (max - min)) * (box.width - 16);
  const y = box.y + box.height / 2;
  await page.mouse.move(x(from), y);
  await page.mouse.down();
  await page.mouse.move(x(to), y, { steps });
  await page.mouse.up();
}

/**
 * Wait until the async `fn(arg)`, evaluated in the page, resolves to a truthy value.
 * `page.waitForFunction` cannot do this: it takes the promise an async predicate returns
 * for a truthy answer and returns at once (checked with playwright-core 1.x here), which
 * once let the offline test go offline before the service worker had activated.
 */
export async function waitForAsync(page, fn, arg, { timeout = 30_000, polling = 250 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    if (Date.now() > end) throw new Error(`waitForAsync: still false after ${timeout} ms: ${String(fn).slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, polling));
  }
}

/**
 * Wait until the charts have drawn everything asked of them: no redraw pending (the page's
 * `gradlab.redrawPending`, www/app/charts.js) in two animation frames in a row — a canvas
 * shown or resized in one frame is redrawn in the next, after its ResizeObserver reports.
 * `target`: a page or a frame (an embed's iframe: on screen, as its frames pause off screen).
 */
export async function chartsDrawn(target, { timeout = 30_000 } = {}) {
  await target.evaluate(() => (window.__idleFrames = 0));
  await target.waitForFunction(
    () => {
      const idle = window.gradlab?.wasmReady === true && !window.gradlab.redrawPending();
      window.__idleFrames = idle ? window.__idleFrames + 1 : 0;
      return window.__idleFrames >= 2;
    },
    null,
    { timeout },
  );
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

/**
 * An init script recording the main thread's long tasks (Long Tasks API) from the very
 * start, before any page script, into `window.__longtasks` (null when unsupported).
 */
export const LONGTASKS = () => {
  window.__longtasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    window.__longtasks = null;
  }
};

/**
 * A number as the page writes it ("1.23 × 10⁻⁴", "0.0121", "1,234", "−3", "12.5 %", the mean
 * of "0.0040 ± 0.0005") → Number; null for "overflow" (溢出) or "—".
 */
export function shown(s) {
  const SUP = { '⁰': 0, '¹': 1, '²': 2, '³': 3, '⁴': 4, '⁵': 5, '⁶': 6, '⁷': 7, '⁸': 8, '⁹': 9 };
  const t = s.trim().replace(/−/g, '-').replace(/,/g, '').replace(/\s*%$/, '');
  const m = t.match(/^(-?)(?:([\d.]+) × )?10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/);
  if (m) {
    const exp = [...m[3]].reduce((a, c) => (c === '⁻' ? a : 10 * a + SUP[c]), 0) * (m[3].startsWith('⁻') ? -1 : 1);
    return (m[1] ? -1 : 1) * Number(m[2] ?? 1) * 10 ** exp;
  }
  if (/^(overflow|溢出)/.test(t) || t === '—') return null;
  return Number(t.replace(/\s.*$/, ''));
}

/** The panel's fresh network from the settings has arrived and its charts (and their tables) are drawn. */
export async function settled(page, layers) {
  await page.waitForFunction((n) => !window.gradlab.resetPending() && window.gradlab.snapshot?.probe.layers.length === n && window.gradlab.status === 'idle', layers, { timeout: 60_000 });
  await chartsDrawn(page);
}
