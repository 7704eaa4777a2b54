// The README's pictures, taken in Debian's headless Chromium: the chain in its vanishing
// regime (the book's N(0,1) preset) and the network after a few epochs.
//   node scripts/screenshot.mjs        (after bash scripts/build.sh)
// Writes docs/screenshot.png and docs/network.png.
import { start, openLab } from '../tests/e2e/helpers.mjs';
import { join } from 'node:path';
import { ROOT } from '../tests/e2e/helpers.mjs';

const lab = await start({ viewport: { width: 1000, height: 900 }, deviceScaleFactor: 1 });
try {
  const { page, url } = lab;
  await openLab(page, url);
  await page.fill('#chain-layers', '8').catch(() => {});
  await page.click('#preset-random');
  await page.waitForTimeout(300);
  await page.locator('#chain').screenshot({ path: join(ROOT, 'docs', 'screenshot.png') });
  await page.fill('#net-epochs', '5');
  await page.press('#net-epochs', 'Enter');
  await page.click('#net-start');
  await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === 6, null, { timeout: 120_000 });
  await page.locator('#network').screenshot({ path: join(ROOT, 'docs', 'network.png') });
  if (lab.errors.length) throw new Error(lab.errors.join('\n'));
  console.log('wrote docs/screenshot.png, docs/network.png');
} finally {
  await lab.close();
}
