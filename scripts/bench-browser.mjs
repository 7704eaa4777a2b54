// Training throughput of the wasm build in headless Chromium, beside the native build's
// figure from the same run. Not a test: timing belongs here.
//   node scripts/bench-browser.mjs [--epochs N] [--options [--rounds R]] [--no-build]
// Builds the page first (scripts/build.sh; not with --no-build) and the native benchmark
// (cargo bench). `--options`: only issue 12's options on [784, 30, 30, 30, 30, 10], mini-batch
// 10 — plain, residual, batch norm, momentum 0.9, residual + batch norm — taken in turn R
// times (default 3) so that a change of the machine's load falls on all of them alike, with
// the native `cargo bench -- extras` beside them.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const arg = (name) => process.argv.includes(name);
const epochs = Number(process.argv[process.argv.indexOf('--epochs') + 1]) || 10;
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const optionsOnly = arg('--options');
if (!arg('--no-build')) execFileSync('bash', ['scripts/build.sh'], { cwd: root, stdio: 'inherit' });
const load = () => execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/.*load average: /, '');

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

const cases = optionsOnly ? [] : [[[784, 30, 10], 10], [[784, 30, 10], 100], [[784, 30, 30, 30, 30, 10], 10], [[784, 30, 30, 30, 30, 10], 100]];
const loadBefore = load();
const wasm = {};
for (const [sizes, m] of cases) {
  const rates = await page.evaluate(([s, m, e]) => window.bench(s, m, e), [sizes, m, epochs]);
  wasm[`${JSON.stringify(sizes)} ${m}`] = { median: median(rates), best: Math.max(...rates) };
}
// The comparison (issue 9): A and B side by side, each example through both, with each
// epoch's measurements (validation accuracy, cost and ‖δ^l‖ of both): target ≥ 150,000/s.
const compareCases = [[[784, 30, 10], 10], [[784, 30, 30, 30, 30, 10], 10]];
const optionCases = optionsOnly ? compareCases.slice(1) : compareCases;
const compare = {};
for (const [sizes, m] of optionsOnly ? [] : compareCases) {
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
  'residual + batch norm': { residual: true, batchNorm: true },
};
const extras = {};
for (const [sizes, m] of optionCases) {
  // In turn, `rounds` times: every option sees the same stretch of the machine's load.
  const rates = Object.fromEntries(Object.keys(EXTRAS).map((name) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, extra] of Object.entries(EXTRAS)) {
      const { train } = await page.evaluate(([s, m, e, x]) => window.benchCompare(s, m, e, x), [sizes, m, epochs, extra]);
      rates[name].push(...train);
    }
  }
  for (const name of Object.keys(EXTRAS)) extras[`${JSON.stringify(sizes)} ${name}`] = median(rates[name]);
}
const loadAfter = load();
await browser.close();
await server.close();
rmSync(dir, { recursive: true, force: true });

// The native figures, same machine, same run (f32, as the browser).
const native = {};
const out = execFileSync('cargo', ['bench', '--bench', 'throughput', '--', optionsOnly ? 'extras' : 'only32'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
for (const line of out.split('\n')) {
  const m = line.match(/^(\[[\d, ]+\])\s+(\d+)\s+f32\s+(\d+)\s+(\d+)/);
  if (m) native[`${JSON.stringify(JSON.parse(m[1]))} ${m[2]}`] = { median: +m[3], best: +m[4] };
  // The options' lines: "[784, …] residual   10  f32  median  best".
  const o = line.match(/^(\[[\d, ]+\]) ([a-z][a-z0-9. +]*?)\s+10\s+f32\s+(\d+)\s+(\d+)/);
  if (o) native[`${JSON.stringify(JSON.parse(o[1]))} ${o[2]}`] = { median: +o[3], best: +o[4] };
}

console.log(`\nload average before the browser's runs: ${loadBefore}; after: ${loadAfter}`);
if (!optionsOnly) console.log(`\nTraining throughput, examples/s, single thread, f32 (Chromium ${version}, median and best of ${epochs} timed epochs of 8,000):`);
if (!optionsOnly) console.log(`${'sizes'.padEnd(26)} ${'batch'.padStart(5)} ${'wasm median'.padStart(12)} ${'wasm best'.padStart(10)} ${'native median'.padStart(14)}`);
for (const [sizes, m] of cases) {
  const k = `${JSON.stringify(sizes)} ${m}`;
  const f = (x) => (x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));
  console.log(`${JSON.stringify(sizes).padEnd(26)} ${String(m).padStart(5)} ${f(wasm[k].median).padStart(12)} ${f(wasm[k].best).padStart(10)} ${f(native[k]?.median).padStart(14)}`);
}
if (!optionsOnly) {
  console.log(`\nA and B side by side, two networks of these sizes, median examples/s: each network's training, and the rate at which each advances with both trained and measured every epoch:`);
  console.log(`${'sizes'.padEnd(26)} ${'batch'.padStart(5)} ${'each trains'.padStart(12)} ${'each advances'.padStart(14)}`);
}
for (const [sizes, m] of optionsOnly ? [] : compareCases) {
  const k = `${JSON.stringify(sizes)} ${m}`;
  const f = (x) => Math.round(x).toLocaleString('en-US');
  console.log(`${JSON.stringify(sizes).padEnd(26)} ${String(m).padStart(5)} ${f(compare[k].train).padStart(12)} ${f(compare[k].advance).padStart(14)}`);
}
console.log(`\nIssue 12's options in wasm (each network's training rate in the comparison, mini-batch 10, median examples/s of ${rounds} × ${epochs} epochs taken in turn; slower than plain by), and natively (cargo bench -- extras, f32, the median of 3 rounds taken in turn, each the median of 5 epochs; slower than its plain by):`);
// cargo bench's own labels (its "plain" is measured in turn with the options).
for (const [sizes] of optionCases) {
  const plain = extras[`${JSON.stringify(sizes)} plain`];
  const nativePlain = native[`${JSON.stringify(sizes)} plain`]?.median;
  for (const name of Object.keys(EXTRAS)) {
    const r = extras[`${JSON.stringify(sizes)} ${name}`];
    const n = native[`${JSON.stringify(sizes)} ${name}`]?.median;
    const nat = n === undefined ? '—' : `${Math.round(n).toLocaleString('en-US').padStart(10)} ${(nativePlain / n).toFixed(2).padStart(6)}×`;
    console.log(`${JSON.stringify(sizes).padEnd(26)} ${name.padEnd(22)} ${Math.round(r).toLocaleString('en-US').padStart(10)} ${(plain / r).toFixed(2).padStart(6)}×   native ${nat}`);
  }
}
