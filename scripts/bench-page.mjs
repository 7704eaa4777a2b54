// Responsiveness of the page in headless Chromium: how long a chain redraw takes while the
// weight slider is dragged (budget: 16 ms, one frame), and the main thread's long tasks
// and chart redraw times while the worker trains (budget: no task over 50 ms); and the view
// inside the network (issue 10): a refresh of [784, 30, 30, 30, 30, 10] on 100 probe images
// (budget 100 ms) and of [784, 200, 200, 200, 200, 10] (budget 300 ms), in the worker, and
// the main thread's long tasks while it refreshes during training.
// Not a test: timing on a loaded 2-core machine belongs here, not in tests/e2e/.
// With --trace, a Chromium trace of the training phase also gives the main thread's CPU
// time (its share of one core, and the longest task's CPU and wall time): a task's wall
// time stretches when the main thread shares its core, its CPU time does not. Tracing
// costs some time of its own, so the other figures are a little higher with it.
//   node scripts/bench-page.mjs [--seconds N] [--dpr 2] [--no-build] [--trace]
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const seconds = arg('--seconds', 5);
const dpr = arg('--dpr', 1);
if (!process.argv.includes('--no-build')) execFileSync('bash', ['scripts/build.sh'], { cwd: root, stdio: 'inherit' });

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};
const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');

const server = await serve(root, 0);
const dir = mkdtempSync(join(tmpdir(), 'gradlab-bench-page-'));
const context = await chromium.launchPersistentContext(dir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1100, height: 900 },
  deviceScaleFactor: dpr,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
await context.addInitScript(() => {
  window.__longtasks = [];
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__longtasks.push({ start: e.startTime, duration: e.duration }))).observe({ type: 'longtask', buffered: true });
});
const page = context.pages()[0] ?? (await context.newPage());
await page.goto(server.url);
await page.waitForFunction(() => window.gradlab?.wasmReady && window.gradlab.snapshot !== null, null, { timeout: 60_000 });

// 1. The chain: drag the weight slider back and forth (z = 0, 10 neurons), every move an input event.
await page.click('#chain-bias-zero');
await page.focus('#chain-layers');
await page.keyboard.press('End');
await page.locator('#chain-w').scrollIntoViewIfNeeded();
const box = await page.locator('#chain-w').boundingBox();
const y = box.y + box.height / 2;
await page.mouse.move(box.x + box.width * 0.55, y);
await page.mouse.down();
for (let i = 0; i < 3; i++) {
  await page.mouse.move(box.x + box.width * 0.95, y, { steps: 60 });
  await page.mouse.move(box.x + box.width * 0.55, y, { steps: 60 });
}
await page.mouse.up();
const chain = await page.evaluate(() => window.gradlab.chainTimings.slice(5)); // past the warm-up

// 2. Training: 3 hidden layers of 30 for `seconds`, the main thread only drawing.
await page.fill('#net-epochs', '1000');
await page.press('#net-epochs', 'Enter');
await page.evaluate(() => Object.keys(window.gradlab.drawTimings).forEach((k) => (window.gradlab.drawTimings[k].length = 0)));
const trace = process.argv.includes('--trace') ? await startTrace(page) : null;
const t0 = await page.evaluate(() => performance.now());
await page.click('#net-start');
await page.waitForTimeout(seconds * 1000);
const run = await page.evaluate((t) => ({
  long: window.__longtasks.filter((e) => e.start >= t),
  epochs: window.gradlab.snapshots.length - 1,
  draws: window.gradlab.drawTimings,
  status: document.querySelector('#net-status').textContent,
}), t0);
// Stopped after the long tasks are read: handing the trace over is a long task of its own.
const cpu = trace ? await trace.stop() : null;
await page.click('#net-start');

// 3. Inside the network: open the view, then new networks (seeds) of 4 hidden layers of 30
// and of 200; each refresh timed in the worker (the report) and from request to answer.
async function insideRefreshes(settings, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const before = await page.evaluate(() => window.gradlab.inside?.timings.length ?? 0);
    await page.evaluate((h) => (location.hash = h), `${settings}&net.seed=${100 + i}&inside.open=1`);
    await page.waitForFunction((k) => {
      const v = window.gradlab.inside;
      return v.timings.length > k && v.sent === v.answered && !v.wanted && !window.gradlab.resetPending();
    }, before, { timeout: 60_000 });
    times.push(await page.evaluate(() => window.gradlab.inside.timings.at(-1)));
  }
  return times.slice(1); // the first loads the module
}
const book = await insideRefreshes('net.hidden=4', 8);
const wide = await insideRefreshes('net.hidden=4&net.width=200', 6);
// Training the book's network with the view open: the refreshes come every REFRESH_MS.
await page.evaluate((h) => (location.hash = h), 'net.hidden=4&net.epochs=1000&inside.open=1');
await page.waitForFunction(() => window.gradlab.status === 'idle' && !window.gradlab.resetPending(), null, { timeout: 60_000 });
const t1 = await page.evaluate(() => performance.now());
const n1 = await page.evaluate(() => window.gradlab.inside.timings.length);
await page.click('#net-start');
await page.waitForTimeout(seconds * 1000);
const insideRun = await page.evaluate(([t, n]) => ({
  long: window.__longtasks.filter((e) => e.start >= t),
  refreshes: window.gradlab.inside.timings.length - n,
  epochs: window.gradlab.snapshot.epoch,
  draws: Object.fromEntries(['inside-factors', 'inside-norms', 'inside-hist', 'inside-activations', 'inside-heatmap', 'inside-updates'].map((id) => [id, window.gradlab.drawTimings[id] ?? []])),
  records: window.gradlab.inside.timings.slice(n).map((x) => x.record).filter((x) => x !== null && x !== undefined),
}), [t1, n1]);
await page.click('#net-start');
const version = context.browser()?.version() ?? 'chromium';
await context.close();
await server.close();
rmSync(dir, { recursive: true, force: true });

console.log(`\ngradlab page responsiveness (Chromium ${version}, device pixel ratio ${dpr})`);
console.log(`\nChain redraw while dragging w (10 neurons, z = 0), ${chain.length} redraws, ms (budget 16):`);
console.log(`  p50 ${f(q(chain, 0.5))}   p95 ${f(q(chain, 0.95))}   max ${f(Math.max(...chain))}`);
console.log(`\nWhile training [784, 30, 30, 30, 10] for ${seconds} s (${run.epochs} epochs; ${run.status}):`);
const durations = run.long.map((e) => e.duration);
console.log(`  main-thread long tasks (> 50 ms): ${run.long.length}${run.long.length ? `, longest ${f(Math.max(...durations))} ms; at ${run.long.map((e) => `${f(e.start - t0)} ms`).join(', ')} after Start` : ''}`);
if (cpu) {
  console.log(`  main thread (trace): ${f(cpu.busy)} ms of CPU in ${f(cpu.span)} ms = ${f((100 * cpu.busy) / cpu.span)} % of a core; ${cpu.tasks} tasks`);
  console.log(`    longest task: ${f(cpu.longest.cpu)} ms CPU (${f(cpu.longest.wall)} ms wall); by CPU: ${cpu.parts}`);
}
console.log('  chart redraws, ms:');
for (const [id, ts] of Object.entries(run.draws)) {
  if (id === 'chain-canvas' || !ts.length) continue;
  console.log(`    ${id.padEnd(16)} n ${String(ts.length).padStart(3)}   p50 ${f(q(ts, 0.5)).padStart(5)}   p95 ${f(q(ts, 0.95)).padStart(5)}   max ${f(Math.max(...ts)).padStart(5)}`);
}

const ms = (xs, k) => xs.map((x) => x[k]);
console.log('\nInside the network: one refresh, 100 probe images, new networks (budget 100 ms / 300 ms at width 200):');
for (const [name, ts] of [['[784, 30, 30, 30, 30, 10]', book], ['[784, 200, 200, 200, 200, 10]', wide]]) {
  console.log(`  ${name.padEnd(30)} n ${ts.length}   worker p50 ${f(q(ms(ts, 'worker'), 0.5))} max ${f(Math.max(...ms(ts, 'worker')))}   request → answer p50 ${f(q(ms(ts, 'total'), 0.5))} max ${f(Math.max(...ms(ts, 'total')))} ms`);
}
console.log(`  training the book's network ${seconds} s with the view open: ${insideRun.refreshes} refreshes, ${insideRun.epochs} epochs; main-thread long tasks (> 50 ms): ${insideRun.long.length}${insideRun.long.length ? `, longest ${f(Math.max(...insideRun.long.map((e) => e.duration)))} ms` : ''}`);
console.log(`  its charts' redraws, ms: ${Object.entries(insideRun.draws).map(([id, ts]) => `${id.replace('inside-', '')} p50 ${f(q(ts, 0.5))} max ${f(Math.max(...ts))}`).join('; ')}`);
console.log(`  the run's record after each epoch (in the worker, while the view is open): p50 ${f(q(insideRun.records, 0.5))} max ${f(Math.max(...insideRun.records))} ms, against ≈ ${f((seconds * 1000) / Math.max(1, insideRun.epochs))} ms per epoch`);

/** Trace the renderer's main thread from now until `stop()`; returns its CPU figures. */
async function startTrace(page) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,toplevel', transferMode: 'ReportEvents' });
  return {
    async stop() {
      const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
      await cdp.send('Tracing.end');
      await done;
      const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => `${e.pid}/${e.tid}`));
      const on = (e) => e.ph === 'X' && main.has(`${e.pid}/${e.tid}`);
      const tasks = events.filter((e) => on(e) && e.name === 'ThreadControllerImpl::RunTask');
      const ts = events.filter((e) => e.ph === 'X').map((e) => e.ts);
      const longest = tasks.reduce((a, e) => ((e.tdur ?? 0) > (a.tdur ?? 0) ? e : a), {});
      const parts = {};
      for (const e of events) {
        if (on(e) && ['FunctionCall', 'Layout', 'UpdateLayoutTree', 'Paint', 'PrePaint', 'Commit'].includes(e.name)) parts[e.name] = (parts[e.name] ?? 0) + (e.tdur ?? 0) / 1000;
      }
      return {
        busy: tasks.reduce((a, e) => a + (e.tdur ?? 0), 0) / 1000,
        span: (Math.max(...ts) - Math.min(...ts)) / 1000,
        tasks: tasks.length,
        longest: { cpu: (longest.tdur ?? 0) / 1000, wall: (longest.dur ?? 0) / 1000 },
        parts: Object.entries(parts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k === 'FunctionCall' ? 'script' : k} ${v.toFixed(0)}`).join(', ') + ' ms',
      };
    },
  };
}
