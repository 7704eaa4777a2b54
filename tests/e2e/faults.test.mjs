// Faults (issue "Hardening"): a real panic in the worker's wasm core during training, and a
// worker that dies without a word, each end in an error on the page, a new worker, and the
// panel back at its last good state (settings, and the network of the last checkpointed
// epoch) without a reload; damaged data files get a clear message and the chain still works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, start, openLab, shot, dragRange } from './helpers.mjs';

let lab;
before(async () => {
  lab = await start();
});
after(async () => lab?.close());

async function type(page, selector, value) {
  await page.fill(selector, String(value));
  await page.press(selector, 'Enter');
}

/** Errors expected from a deliberate panic: the panic hook's console.error and the trap. */
const expected = (e) => /debug_panic|RuntimeError|unreachable|panicked/.test(e);

/** Train until at least `epochs` epochs are done and a checkpoint (≥ 1 s apart) exists. */
async function trainSome(page, epochs) {
  await page.click('#net-start');
  await page.waitForFunction((n) => (window.gradlab.snapshot?.epoch ?? 0) >= n, epochs, { timeout: 60_000 });
}

/** After a restart: idle, the notice says so, and the snapshot is the restored epoch. */
async function restored(page, restarts) {
  await page.waitForFunction((n) => window.gradlab.restarts === n && window.gradlab.status === 'idle' && !document.getElementById('net-notice').hidden, restarts, { timeout: 40_000 });
  const notice = await page.textContent('#net-notice');
  const m = notice.match(/was restarted without reloading the page: your settings are kept, and the network is back as it was after epoch (\d+)\. Press Start to go on\./);
  assert.ok(m, notice);
  return Number(m[1]);
}

test('a panic in the worker during training: error shown, worker restarted, last epoch restored, training goes on, no reload', async () => {
  const { page, url, errors } = lab;
  await openLab(page, url);
  await page.evaluate(() => {
    window.__sameDocument = true; // gone if the page reloads
  });
  // Settings a fresh page would not have: they must survive the crash.
  await page.focus('#net-hidden');
  await page.keyboard.press('Home'); // 1 hidden layer: fast epochs
  await type(page, '#net-eta', 0.2);
  await type(page, '#net-epochs', 500);
  await page.waitForFunction(() => window.gradlab.snapshot?.probe.layers.length === 1 && window.gradlab.snapshot.epoch === 0);
  await trainSome(page, 3);
  const before = await page.evaluate(() => window.gradlab.snapshot.epoch);
  await page.evaluate(() => window.gradlab.debugPanic());

  // The error is on the page at once …
  await page.waitForFunction(() => !document.getElementById('banner').hidden);
  assert.match(await page.textContent('#banner-text'), /internal error in the wasm core \(unreachable/);
  // … and a new worker brings the network back as it was at the last checkpoint.
  const epoch = await restored(page, 1);
  assert.ok(epoch >= 1 && epoch <= before + 1, `restored epoch ${epoch}, crashed after ${before}`);
  const s = await page.evaluate(() => ({
    same: window.__sameDocument,
    eta: window.gradlab.state['net.eta'],
    etaField: document.getElementById('net-eta').value,
    snap: window.gradlab.snapshot,
    snaps: window.gradlab.snapshots.length,
    start: document.getElementById('net-start').disabled,
  }));
  assert.equal(s.same, true, 'no reload');
  assert.equal(s.eta, 0.2);
  assert.equal(s.etaField, '0.2');
  assert.equal(s.snap.epoch, epoch);
  assert.equal(s.snap.probe.layers.length, 1, 'the same architecture');
  assert.equal(s.snaps, epoch + 1, 'the history up to the restored epoch');
  assert.equal(s.start, false, 'Start is enabled again');
  assert.match(await page.textContent('#net-status'), new RegExp(`^Paused after epoch ${epoch} of 500`));
  await shot(page.locator('#network'), 'faults-after-panic');

  // Training goes on from there, with a trained network (not a fresh one).
  await page.click('#net-start');
  await page.waitForFunction((n) => window.gradlab.snapshot.epoch >= n + 1, epoch, { timeout: 60_000 });
  await page.click('#net-start'); // pause
  await page.waitForFunction(() => window.gradlab.status === 'idle');
  const acc = await page.evaluate(() => window.gradlab.snapshot.accuracy);
  assert.ok(acc > 0.8, `accuracy after ${epoch + 1}+ epochs of a restored network: ${acc}`);
  assert.deepEqual(errors.filter((e) => !expected(e)), []);
});

test('a worker killed without a word: the heartbeat notices, the worker is restarted', async () => {
  const { page, errors } = lab;
  const t0 = Date.now();
  await page.evaluate(() => window.gradlab.killWorker());
  // Heartbeat: a ping every 2 s, dead after 10 s unanswered (www/recovery.js).
  const epoch = await restored(page, 2);
  const seconds = (Date.now() - t0) / 1000;
  assert.ok(seconds < 30, `restarted after ${seconds} s`);
  assert.match(await page.textContent('#banner-text'), /The training worker: it stopped responding/);
  assert.ok(epoch >= 1);
  // The chapter's experiments run in the new worker too.
  await page.click('#book-bars-run');
  await page.waitForFunction(() => window.gradlab.book.bars?.finished === true, null, { timeout: 30_000 });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  assert.deepEqual(errors.filter((e) => !expected(e)), []);
});

/** Move the hidden-layers slider to `n` as its input event does, synchronously. */
const setHidden = (n) => {
  const el = document.getElementById('net-hidden');
  el.value = String(n);
  el.dispatchEvent(new Event('input', { bubbles: true }));
};

test('a crash while a new architecture is on its way: the restart draws that network, not the old checkpoint', async () => {
  const { page, url, errors } = lab;
  // A fresh page: the restart budget (3 a minute, www/recovery.js) starts over.
  await openLab(page, url);
  await page.focus('#net-hidden');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => window.gradlab.snapshot?.probe.layers.length === 1 && window.gradlab.snapshot.epoch === 0);
  // The reset for 3 hidden layers is posted, and the worker dies before it can answer.
  await page.evaluate((f) => {
    new Function(`return ${f}`)()(3);
    window.gradlab.killWorker();
  }, setHidden.toString());
  await page.waitForFunction(() => window.gradlab.restarts === 1 && window.gradlab.status === 'idle', null, { timeout: 40_000 });
  const s = await page.evaluate(() => ({ snap: window.gradlab.snapshot, snaps: window.gradlab.snapshots.length, hidden: window.gradlab.state['net.hidden'] }));
  assert.equal(s.hidden, 3);
  assert.equal(s.snap.probe.layers.length, 3, 'the network has the architecture the page shows');
  assert.equal(s.snap.epoch, 0, 'a fresh network, as asked');
  assert.equal(s.snaps, 1);
  assert.match(await page.textContent('#net-notice'), /a fresh network was drawn from your settings, as you had asked/);
  assert.deepEqual(errors.filter((e) => !expected(e)), []);
});

test('a setting changed while the worker restarts is not lost', async () => {
  const { page, errors } = lab;
  // A trained epoch, so that there is a checkpoint (of 3 hidden layers) to restore.
  await page.click('#net-step');
  await page.waitForFunction(() => window.gradlab.snapshot?.epoch === 1 && window.gradlab.status === 'idle', null, { timeout: 60_000 });
  await page.evaluate(() => window.gradlab.debugPanic());
  await page.waitForFunction(() => window.gradlab.status === 'restarting');
  // The controls stay usable during the restart; the new worker gets the change.
  await page.evaluate((f) => new Function(`return ${f}`)()(2), setHidden.toString());
  await page.waitForFunction(() => window.gradlab.restarts === 2 && window.gradlab.status === 'idle' && window.gradlab.snapshot?.probe.layers.length === 2, null, { timeout: 40_000 });
  assert.equal(await page.evaluate(() => window.gradlab.snapshot.epoch), 0);
  assert.match(await page.textContent('#net-status'), /\[784, 30, 30, 10\]/);
  assert.deepEqual(errors.filter((e) => !expected(e)), []);
});

test('a reset the worker refuses (no panic): the error is shown, the network stays, and the panel keeps working', async () => {
  const { page, errors } = lab;
  const before = await page.evaluate(() => window.gradlab.snapshot.probe.layers.length);
  // The previous test's banner is still up: dismissed, so the wait below sees this error's, not that one.
  if (await page.isVisible('#banner')) await page.click('#banner-close');
  // The worker's next reset throws a plain error (a test hook, like debug-panic).
  await page.evaluate(() => window.gradlab.failNextReset());
  await page.focus('#net-hidden');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => !document.getElementById('banner').hidden);
  assert.match(await page.textContent('#banner-text'), /The network: .*refused on purpose/);
  assert.equal(await page.evaluate(() => window.gradlab.snapshot.probe.layers.length), before, 'the network from before stays');
  // The page does not wait for that reset's answer forever: the next one counts (End: the most hidden layers, 10).
  await page.keyboard.press('End');
  await page.waitForFunction(() => window.gradlab.snapshot?.probe.layers.length === 10 && window.gradlab.snapshot.epoch === 0, null, { timeout: 30_000 });
  await page.click('#net-step');
  await page.waitForFunction(() => window.gradlab.snapshot?.epoch === 1 && window.gradlab.status === 'idle', null, { timeout: 60_000 });
  assert.equal(await page.evaluate(() => window.gradlab.restarts), 2, 'no restart: the worker was fine');
  assert.deepEqual(errors.filter((e) => !expected(e)), []);
});

/** A copy of the site (symlinks) whose www/data has one file replaced by `bytes`. */
function siteWith(file, bytes) {
  const site = mkdtempSync(join(tmpdir(), 'gradlab-baddata-'));
  symlinkSync(join(ROOT, 'index.html'), join(site, 'index.html'));
  for (const f of readdirSync(ROOT)) if (/\.(js|json|webmanifest|svg|png|ico)$/.test(f) && f !== 'package.json' && f !== 'package-lock.json') symlinkSync(join(ROOT, f), join(site, f));
  mkdirSync(join(site, 'www', 'data'), { recursive: true });
  for (const f of readdirSync(join(ROOT, 'www'))) if (f !== 'data') symlinkSync(join(ROOT, 'www', f), join(site, 'www', f));
  for (const f of readdirSync(join(ROOT, 'www', 'data'))) copyFileSync(join(ROOT, 'www', 'data', f), join(site, 'www', 'data', f));
  writeFileSync(join(site, 'www', 'data', file), bytes);
  return site;
}

test('damaged data files: a clear message naming the file, and the chain still works', async () => {
  const labels = readFileSync(join(ROOT, 'www', 'data', 'train-labels-idx1-ubyte.gz'));
  const cases = [
    // A download cut short.
    ['train-labels-idx1-ubyte.gz', labels.subarray(0, labels.length >> 1), /^The MNIST files could not be read: train-labels-idx1-ubyte\.gz: corrupt or truncated gzip data \(.+\)\. The chain above still works/],
    // Garbage in place of a file (here: text, as a misconfigured server might send).
    ['test-images-idx3-ubyte.gz', Buffer.from('this is not an IDX file\n'.repeat(20)), /^The MNIST files could not be read: test-images-idx3-ubyte\.gz: IDX magic number 0x74686973 does not start with two zero bytes, so this is not an IDX file\./],
  ];
  for (const [file, bytes, message] of cases) {
    const site = siteWith(file, bytes);
    const bad = await start({ root: site });
    try {
      const { page, url, errors } = bad;
      await page.goto(url);
      await page.waitForFunction(() => window.gradlab?.status === 'data-error', null, { timeout: 30_000 });
      assert.match(await page.textContent('#net-notice'), message);
      assert.match(await page.textContent('#net-status'), /could not be loaded/);
      assert.equal(await page.isDisabled('#net-start'), true);
      const pos = (w) => (Math.log10(w) + 2) / 4.3;
      await page.click('#chain-bias-zero');
      await dragRange(page, '#chain-w', pos(1), pos(20), 10);
      assert.match(await page.textContent('#chain-regime'), /^Exploding/);
      assert.equal(await page.evaluate(() => window.gradlab.restarts), 0, 'bad data is not a crash');
      assert.deepEqual(errors, []);
      if (file.startsWith('train')) await shot(page.locator('#network'), 'faults-truncated-data');
    } finally {
      await bad.close();
      rmSync(site, { recursive: true, force: true });
    }
  }
});
