// Shared set-up of the Firefox tests: Debian's firefox-esr (scripts/setup.sh --browser) driven
// by puppeteer-core over WebDriver BiDi — no browser is downloaded — against the static server
// (scripts/serve.mjs), with a fresh profile per launch and console/page errors collected.
import puppeteer from 'puppeteer-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

/**
 * Start a server for `root` and Firefox ESR with an empty profile of its own. Returns
 * {url, server, browser, page, errors, close}; `errors` collects console errors and uncaught
 * errors of the page and of the frames inside it. `server: false` starts none (a test that
 * takes its server away starts its own).
 */
export async function start({ root = ROOT, viewport = { width: 1100, height: 900 }, server: withServer = true } = {}) {
  const server = withServer ? await serve(root, 0, '127.0.0.1') : null;
  const profile = mkdtempSync(join(tmpdir(), 'gradlab-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    protocol: 'webDriverBiDi',
    userDataDir: profile,
    defaultViewport: viewport,
    extraPrefsFirefox: {
      // A closed network: no captive-portal or connectivity probes, no remote settings.
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  // defaultViewport sizes new pages only: the first tab stays at 1366×682 without this.
  await page.setViewport(viewport);
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const close = async () => {
    await browser.close().catch(() => {});
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { url: server?.url, server, browser, page, errors, close };
}

/** Open the lab and wait until the wasm core is up (and, by default, the worker's network). */
export async function openLab(page, url, { waitForNetwork = true } = {}) {
  await page.goto(url);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true, { timeout: 30_000, polling: 100 });
  if (waitForNetwork) await page.waitForFunction(() => window.gradlab.snapshot !== null, { timeout: 60_000, polling: 100 });
}

/**
 * Wait until the async `fn(arg)`, evaluated in the page (or a frame), resolves truthy; polls
 * with evaluate, which awaits the promise (see waitForAsync in ../e2e/helpers.mjs for why a
 * waitForFunction with an async predicate is not trusted here).
 */
export async function waitForAsync(target, fn, arg, { timeout = 30_000, polling = 250 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await target.evaluate(fn, arg);
    if (value) return value;
    if (Date.now() > end) throw new Error(`waitForAsync: still false after ${timeout} ms: ${String(fn).slice(0, 200)}`);
    await sleep(polling);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The canvas's pixels as a data URL (to tell whether it was redrawn with other content). */
export const canvasURL = (target, selector) => target.$eval(selector, (c) => c.toDataURL());
