// Without the MNIST files the page says so, and the chain — which needs no data — works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, start, shot, dragRange } from './helpers.mjs';

test('missing data files: a clear message, and the chain still works', async () => {
  // A copy of the site (symlinks) without www/data.
  const site = mkdtempSync(join(tmpdir(), 'gradlab-nodata-'));
  symlinkSync(join(ROOT, 'index.html'), join(site, 'index.html'));
  symlinkSync(join(ROOT, 'sw.js'), join(site, 'sw.js')); // the service worker, at the site's root
  mkdirSync(join(site, 'www'));
  for (const f of readdirSync(join(ROOT, 'www'))) if (f !== 'data') symlinkSync(join(ROOT, 'www', f), join(site, 'www', f));
  const lab = await start({ root: site });
  try {
    const { page, url, errors } = lab;
    await page.goto(url);
    await page.waitForFunction(() => window.gradlab?.status === 'data-error', null, { timeout: 30_000 });
    assert.match(await page.textContent('#net-status'), /could not be loaded/);
    assert.match(await page.textContent('#net-notice'), /^None of the 6 MNIST files could be fetched from \/www\/data\/ \(HTTP 404 Not Found\)\. The chain above still works/);
    assert.equal(await page.isVisible('#book-notice'), true);
    assert.equal(await page.isDisabled('#net-start'), true);
    assert.equal(await page.isDisabled('#book-bars-run'), true);
    // The chain: z = 0, drag from w = 1 to w = 20.
    await page.click('#chain-bias-zero');
    const pos = (w) => (Math.log10(w) + 2) / 4.3;
    await dragRange(page, '#chain-w', pos(20), pos(1), 3);
    assert.match(await page.textContent('#chain-regime'), /^Vanishing/);
    await dragRange(page, '#chain-w', pos(1), pos(20), 10);
    assert.match(await page.textContent('#chain-regime'), /^Exploding/);
    // Only the failed fetches are errors in the console; no script failed.
    assert.deepEqual(errors.filter((e) => !/Failed to load resource.*404/.test(e)), []);
    await shot(page.locator('#network'), 'nodata-network');
  } finally {
    await lab.close();
    rmSync(site, { recursive: true, force: true });
  }
});
