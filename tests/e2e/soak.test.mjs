// Soak (issue "Hardening"): 300 epochs of training in the worker with every chart
// updating, on a small fast network ([784, 30, 10], mini-batch 100: about 30 ms an epoch
// here, so the run takes well under a minute). Memory must stop growing and the main
// thread must never block:
//   - JS heap (performance.memory.usedJSHeapSize, exact with --enable-precise-memory-info,
//     measured after a forced GC, --js-flags=--expose-gc) and the wasm memories of the
//     main thread and the worker (memory.buffer.byteLength), sampled after a 30-epoch
//     warm-up and at epochs 100, 200 and 300;
//   - no main-thread task over 50 ms (Long Tasks API), as in network.test.mjs;
//   - the worker's wasm memory within WORKER_MAX, and again while a fresh worker trains
//     the chapter's deepest network, [784, 30, 30, 30, 30, 10]: the digits are held once
//     for both of its labs, as bytes, and the trainer keeps only their non-zero pixels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, inkPixels, LONGTASKS } from './helpers.mjs';

const EPOCHS = 300;
const SAMPLES = [30, 100, 200, 300];
const WORKER_MAX = 24 * 2 ** 20;
const mb = (b) => (b / 2 ** 20).toFixed(2);


let lab;
before(async () => {
  lab = await start({ initScript: LONGTASKS, args: ['--enable-precise-memory-info', '--js-flags=--expose-gc'] });
});
after(async () => lab?.close());

async function type(page, selector, value) {
  await page.fill(selector, String(value));
  await page.press(selector, 'Enter');
}

/** Heap after a full GC, both wasm memories, and the size of the page's own per-epoch history. */
async function sample(page) {
  return page.evaluate(async () => {
    const g = window.gradlab;
    const from = performance.now();
    window.gc();
    const wasm = await g.wasmMemory();
    return {
      epoch: g.snapshot.epoch,
      heap: performance.memory.usedJSHeapSize,
      main: wasm.main,
      worker: wasm.worker,
      historyJson: JSON.stringify(g.snapshots).length,
      training: document.getElementById('net-training').toDataURL().length,
      t: performance.now(),
      // The test's own work (a full GC, a canvas read back): excluded from the long tasks.
      window: [from, performance.now()],
    };
  });
}

test(`${EPOCHS} epochs in the worker: memory stops growing, no long task, the charts keep updating`, async () => {
  const { page, url, errors } = lab;
  await openLab(page, url);
  assert.ok(await page.evaluate(() => typeof window.gc === 'function' && performance.memory?.usedJSHeapSize > 0), 'gc() and performance.memory');
  await page.focus('#net-hidden');
  await page.keyboard.press('Home'); // [784, 30, 10]
  await type(page, '#net-miniBatch', 100);
  await type(page, '#net-epochs', EPOCHS);
  await page.waitForFunction(() => window.gradlab.snapshot?.probe.layers.length === 1 && window.gradlab.snapshot.epoch === 0);
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#net-start');

  const samples = [];
  for (const at of SAMPLES) {
    await page.waitForFunction((n) => window.gradlab.snapshot.epoch >= n, at, { timeout: 300_000, polling: 50 });
    samples.push(await sample(page));
  }
  await page.waitForFunction(() => window.gradlab.status === 'idle', null, { timeout: 60_000 });
  const all = await page.evaluate((t) => window.__longtasks.filter((e) => e.start >= t), t0);
  const ours = (e) => samples.some((s) => e.start < s.window[1] + 1 && e.start + e.duration > s.window[0] - 1);
  const long = all.filter((e) => !ours(e));
  console.log(`  long tasks: ${all.length} in all, ${all.length - long.length} of them the samples' GC: ${JSON.stringify(all)}`);
  console.log(`  samples at ${JSON.stringify(samples.map((s) => s.window.map(Math.round)))}`);
  const draws = await page.evaluate(() => Object.fromEntries(Object.entries(window.gradlab.drawTimings).map(([k, v]) => [k, [Math.max(...v).toFixed(1), (v.reduce((a, b) => a + b, 0) / v.length).toFixed(1)]])));
  console.log(`  chart redraws, last 100 (max, mean ms): ${JSON.stringify(draws)}`);
  const last = samples.at(-1);
  const seconds = (last.t - t0) / 1000;
  console.log(`soak: ${EPOCHS} epochs in ${seconds.toFixed(1)} s`);
  for (const s of samples) console.log(`  epoch ${s.epoch}: JS heap ${mb(s.heap)} MB, wasm main ${mb(s.main)} MB, worker ${mb(s.worker)} MB, history ${mb(s.historyJson)} MB as JSON`);

  // The run finished and the charts followed it.
  assert.match(await page.textContent('#net-status'), new RegExp(`^Done: ${EPOCHS} epochs`));
  assert.equal(await page.evaluate(() => window.gradlab.snapshots.length), EPOCHS + 1);
  assert.ok(new Set(samples.map((s) => s.training)).size === samples.length, 'the training chart changed between samples');
  assert.ok((await inkPixels(page, '#net-training')) > 1000);

  // JS heap, last third (epochs 200 → 300). The page keeps every epoch's snapshot on
  // purpose (the charts and the "Numbers" tables draw the whole history): that growth is
  // bounded by the history's own size. Allowed: 3 × the JSON size of those 100 snapshots
  // (V8's objects and arrays of doubles take up to ~3× their JSON text) plus 1 MiB for
  // what a heap does between two GCs (code caches, the chart's text nodes).
  const [, , third, end] = samples;
  const history100 = end.historyJson - third.historyJson;
  const allowed = 3 * history100 + 2 ** 20;
  const grew = end.heap - third.heap;
  console.log(`  last third: JS heap ${grew >= 0 ? '+' : ''}${(grew / 1024).toFixed(0)} KB (allowed ${(allowed / 1024).toFixed(0)} KB: history +${(history100 / 1024).toFixed(0)} KB as JSON)`);
  assert.ok(grew < allowed, `JS heap grew ${grew} bytes over the last 100 epochs (allowed ${allowed})`);
  // wasm memory never shrinks, and all per-epoch buffers are reused or freed: after the
  // warm-up it must not grow by more than 1 MiB (16 pages; the allocator may take a page
  // for fragmentation), on either thread.
  for (const k of ['main', 'worker']) {
    const g = end[k] - samples[0][k];
    assert.ok(g <= 2 ** 20, `wasm memory (${k}) grew ${g} bytes after the warm-up`);
  }
  assert.ok(end.worker <= WORKER_MAX, `the worker's wasm memory is ${mb(end.worker)} MB (at most ${mb(WORKER_MAX)})`);
  assert.deepEqual(long, [], 'main-thread tasks over 50 ms while training');
  assert.deepEqual(errors, []);
});

test(`a fresh worker training [784, 30, 30, 30, 30, 10] keeps its wasm memory within ${mb(WORKER_MAX)} MB`, async () => {
  const { page, url, errors } = lab;
  await openLab(page, url);
  await page.focus('#net-hidden');
  await page.keyboard.press('Home');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight'); // 4 hidden layers
  await type(page, '#net-epochs', 3);
  await page.waitForFunction(() => window.gradlab.snapshot?.probe.layers.length === 4 && window.gradlab.snapshot.epoch === 0);
  await page.click('#net-start');
  await page.waitForFunction(() => window.gradlab.snapshot.epoch >= 3 && window.gradlab.status === 'idle', null, { timeout: 120_000, polling: 50 });
  const s = await sample(page);
  console.log(`deep: epoch ${s.epoch}: wasm main ${mb(s.main)} MB, worker ${mb(s.worker)} MB`);
  assert.ok(s.worker <= WORKER_MAX, `the worker's wasm memory is ${mb(s.worker)} MB (at most ${mb(WORKER_MAX)})`);
  assert.deepEqual(errors, []);
});
