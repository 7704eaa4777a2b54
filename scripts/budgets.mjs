// The page's budgets (issue "Hardening"), each measured and printed beside its limit.
// Not a test (timings on a shared 2-core machine vary): run it by hand after a change.
//   node scripts/budgets.mjs [--runs 5] [--no-build]
//
//   wasm module          ≤ 250 KB gzipped     (gzip -9 of www/pkg/gradlab_bg.wasm)
//   second wasm module   ≤ 320 KB gzipped     (www/pkg-inside/gradlab_inside_bg.wasm: the view
//                                              inside the network, loaded when it opens; the
//                                              first view never requests it — a test
//                                              checks, tests/e2e/inside.test.mjs)
//   MNIST data           ≤ 2 MB               (the six www/data/*.gz files, sent as they are)
//   first view, total    ≤ 2.5 MB             (every file the page requests until the network
//                                              panel shows its first network, each counted
//                                              gzip -9 as a static host would send it, except
//                                              already-compressed .gz/.png)
//   first chart          ≤ 1 s after navigation (performance.mark('first-chart') in main.js,
//                                              fresh profile and cache each run, local server)
//   chain redraw p95     < 16 ms while dragging (one frame at 60 Hz; scripts/bench-page.mjs)
//   single file          ≤ 3.5 MB             (gradlab.html of `dist.sh --single-file`, as it
//                                              is: e-mailed or attached, nobody gzips it)
// KB and MB are 1,000 and 1,000,000 bytes. Exits 1 when a budget is exceeded.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { serve } from './serve.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const RUNS = arg('--runs', 5);
if (!process.argv.includes('--no-build')) execFileSync('bash', ['scripts/build.sh'], { cwd: root, stdio: 'inherit' });

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
/** Bytes a static host with gzip on would send for this file. */
const sent = (path) => (['.gz', '.png', '.jpg', '.woff2'].includes(extname(path)) ? statSync(path).size : gz(path));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;

// ---------------------------------------------------------------- first view, as the server sees it
const server = await serve(root, 0);
let log = [];
server.server.on('request', (req) => log.push(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
const firstChart = [];
let requests = null;
for (let run = 0; run < RUNS; run++) {
  log = [];
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-budgets-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ARGS, viewport: { width: 1100, height: 900 } });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(server.url);
  await page.waitForFunction(() => performance.getEntriesByName('first-chart', 'mark').length > 0, null, { timeout: 30_000 });
  firstChart.push(await page.evaluate(() => performance.getEntriesByName('first-chart', 'mark')[0].startTime));
  if (run === 0) {
    // Everything until the worker's first network is on screen, and a second of quiet after.
    await page.waitForFunction(() => window.gradlab?.snapshot !== null, null, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    requests = [...log];
  }
  await context.close();
  rmSync(dir, { recursive: true, force: true });
}
await server.close();

const files = [...new Set(requests)].map((p) => {
  const file = join(root, p.endsWith('/') ? `${p}index.html` : p);
  return { path: p, file, sent: sent(file), raw: statSync(file).size };
});
const wasm = join(root, 'www/pkg/gradlab_bg.wasm');
const wasmInside = join(root, 'www/pkg-inside/gradlab_inside_bg.wasm');
const dataDir = join(root, 'www/data');
const data = readdirSync(dataDir).filter((f) => f.endsWith('.gz')).reduce((a, f) => a + statSync(join(dataDir, f)).size, 0);
const total = files.reduce((a, f) => a + f.sent, 0);
// Requested more than once: the service worker (offline.js) fetches its precache list after
// the first view, the page's files included. This local server sends no ETag, so each
// repeat is a full download here; a host with validators answers most with 304.
const bySent = Object.fromEntries(files.map((f) => [f.path, f.sent]));
const everything = requests.reduce((a, p) => a + bySent[p], 0);

// ---------------------------------------------------------------- the single file (scripts/single-file.mjs)
const singleDir = mkdtempSync(join(tmpdir(), 'gradlab-budgets-single-'));
execFileSync('node', ['scripts/single-file.mjs', join(singleDir, 'gradlab.html')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const single = statSync(join(singleDir, 'gradlab.html')).size;
rmSync(singleDir, { recursive: true, force: true });

// ---------------------------------------------------------------- chain redraw (bench-page.mjs)
const benchOut = execFileSync('node', ['scripts/bench-page.mjs', '--no-build', '--seconds', '2'], { cwd: root, encoding: 'utf8' });
const p95 = Number(benchOut.match(/Chain redraw[^\n]*\n\s*p50 [\d.]+\s+p95 ([\d.]+)/)[1]);

const rows = [
  ['wasm module, gzipped', gz(wasm), 250_000, kb],
  ['second wasm module (inside), gzipped', gz(wasmInside), 320_000, kb],
  ['MNIST data (6 files)', data, 2_000_000, mb],
  ['first view, total', total, 2_500_000, mb],
  [`first chart, median of ${RUNS} (max ${Math.round(Math.max(...firstChart))} ms)`, median(firstChart), 1000, (v) => `${Math.round(v)} ms`],
  ['chain redraw p95 while dragging', p95, 16, (v) => `${v.toFixed(1)} ms`],
  ['single file (gradlab.html)', single, 3_500_000, mb],
];
console.log(`\nFirst view: ${requests.length} requests of ${files.length} files (${mb(everything)} with the repeats, ${mb(total)} without):`);
for (const f of files.sort((a, b) => b.sent - a.sent)) console.log(`  ${f.path.padEnd(44)} ${kb(f.sent).padStart(10)} sent   (${kb(f.raw)} on disk)`);
console.log(`\nBudgets (wasm ${kb(statSync(wasm).size)} before gzip):`);
let over = 0;
for (const [name, value, budget, fmt] of rows) {
  const ok = value <= budget;
  if (!ok) over++;
  console.log(`  ${name.padEnd(44)} ${fmt(value).padStart(10)}   budget ${fmt(budget).padStart(9)}   ${ok ? 'ok' : 'OVER'}`);
}
process.exit(over ? 1 : 0);
