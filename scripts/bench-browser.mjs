// Training throughput of the wasm build in headless Chromium, beside the native build's
// figure from the same run. Not a test: timing belongs here.
//   node scripts/bench-browser.mjs [--epochs N]
// Builds the page first (scripts/build.sh) and the native benchmark (cargo bench).
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const epochs = Number(process.argv[process.argv.indexOf('--epochs') + 1]) || 10;
execFileSync('bash', ['scripts/build.sh'], { cwd: root, stdio: 'inherit' });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const server = await serve(root, 0);
const dir = mkdtempSync(join(tmpdir(), 'gradlab-bench-'));
const browser = await chromium.launchPersistentContext(dir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const page = await browser.newPage();
await page.goto(`${server.url}www/bench.html`);
await page.evaluate(() => window.benchReady);
const version = browser.browser()?.version() ?? 'chromium';

const cases = [[[784, 30, 10], 10], [[784, 30, 10], 100], [[784, 30, 30, 30, 30, 10], 10], [[784, 30, 30, 30, 30, 10], 100]];
const wasm = {};
for (const [sizes, m] of cases) {
  const rates = await page.evaluate(([s, m, e]) => window.bench(s, m, e), [sizes, m, epochs]);
  wasm[`${JSON.stringify(sizes)} ${m}`] = { median: median(rates), best: Math.max(...rates) };
}
// The comparison (issue 9): A and B side by side, each example through both, with each
// epoch's measurements (validation accuracy, cost and ‖δ^l‖ of both): target ≥ 150,000/s.
const compareCases = [[[784, 30, 10], 10], [[784, 30, 30, 30, 30, 10], 10]];
const compare = {};
for (const [sizes, m] of compareCases) {
  const { advance, train } = await page.evaluate(([s, m, e]) => window.benchCompare(s, m, e), [sizes, m, epochs]);
  compare[`${JSON.stringify(sizes)} ${m}`] = { advance: median(advance), train: median(train) };
}
// Issue 12's options, each network trained as the comparison trains it (its `train` rate),
// beside the plain network of the same sizes: target residual ≤ 1.2×, batch norm ≤ 1.5×.
const EXTRAS = {
  plain: {},
  residual: { residual: true },
  'batch norm': { batchNorm: true },
  'momentum 0.9': { momentum: { mu: 0.9, nesterov: false, schedule: false } },
};
const extras = {};
for (const [sizes, m] of compareCases) {
  for (const [name, extra] of Object.entries(EXTRAS)) {
    const { train } = await page.evaluate(([s, m, e, x]) => window.benchCompare(s, m, e, x), [sizes, m, epochs, extra]);
    extras[`${JSON.stringify(sizes)} ${name}`] = median(train);
  }
}
await browser.close();
await server.close();
rmSync(dir, { recursive: true, force: true });

// The native figures, same machine, same run (f32, as the browser).
const native = {};
const out = execFileSync('cargo', ['bench', '--bench', 'throughput', '--', 'only32'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
for (const line of out.split('\n')) {
  const m = line.match(/^(\[[\d, ]+\])\s+(\d+)\s+f32\s+(\d+)\s+(\d+)/);
  if (m) native[`${JSON.stringify(JSON.parse(m[1]))} ${m[2]}`] = { median: +m[3], best: +m[4] };
}

console.log(`\nTraining throughput, examples/s, single thread, f32 (Chromium ${version}, median and best of ${epochs} timed epochs of 8,000):`);
console.log(`${'sizes'.padEnd(26)} ${'batch'.padStart(5)} ${'wasm median'.padStart(12)} ${'wasm best'.padStart(10)} ${'native median'.padStart(14)}`);
for (const [sizes, m] of cases) {
  const k = `${JSON.stringify(sizes)} ${m}`;
  const f = (x) => (x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));
  console.log(`${JSON.stringify(sizes).padEnd(26)} ${String(m).padStart(5)} ${f(wasm[k].median).padStart(12)} ${f(wasm[k].best).padStart(10)} ${f(native[k]?.median).padStart(14)}`);
}
console.log(`\nA and B side by side, two networks of these sizes, median examples/s: each network's training, and the rate at which each advances with both trained and measured every epoch:`);
console.log(`${'sizes'.padEnd(26)} ${'batch'.padStart(5)} ${'each trains'.padStart(12)} ${'each advances'.padStart(14)}`);
for (const [sizes, m] of compareCases) {
  const k = `${JSON.stringify(sizes)} ${m}`;
  const f = (x) => Math.round(x).toLocaleString('en-US');
  console.log(`${JSON.stringify(sizes).padEnd(26)} ${String(m).padStart(5)} ${f(compare[k].train).padStart(12)} ${f(compare[k].advance).padStart(14)}`);
}
console.log(`\nIssue 12's options in wasm (each network's training rate in the comparison, mini-batch 10, median examples/s; slower than plain by):`);
for (const [sizes] of compareCases) {
  const plain = extras[`${JSON.stringify(sizes)} plain`];
  for (const name of Object.keys(EXTRAS)) {
    const r = extras[`${JSON.stringify(sizes)} ${name}`];
    console.log(`${JSON.stringify(sizes).padEnd(26)} ${name.padEnd(13)} ${Math.round(r).toLocaleString('en-US').padStart(10)} ${(plain / r).toFixed(2).padStart(6)}×`);
  }
}
