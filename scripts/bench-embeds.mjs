// A chapter of course notes with ten widgets: what it costs a reader's machine to open it.
// Three host pages, each with the same ten widgets between paragraphs of prose:
//   element  ten <gradlab-widget>s (www/embed.js: each iframe starts near the screen)
//   lazy     ten plain iframes with loading="lazy" (the "Copy embed code" snippet)
//   eager    ten plain iframes without it
// For each: the time from navigation to the first chart drawn in a widget, the widgets
// (iframes with a document) and training workers started after load, and the memory of
// every Chromium process of the run (proportional set size, from /proc, after 5 s), with
// the reader at the top of the page; then scrolled to the bottom.
// Not a test: timing and memory on a shared 2-core machine belong here.
//   node scripts/bench-embeds.mjs [--no-build] [--runs N]
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
if (!process.argv.includes('--no-build')) execFileSync('bash', ['scripts/build.sh'], { cwd: root, stdio: 'inherit' });

const VIEWS = [
  ['chain', 'chain.w=0.8'],
  ['bars', 'net.hidden=2'],
  ['speed', 'net.hidden=4&net.epochs=5'],
  ['chain', 'chain.layers=8&chain.w=2'],
  ['chapter-norms', ''],
  ['bars', 'net.hidden=4'],
  ['network', ''],
  ['chain', 'chain.bias=zero&chain.w=100'],
  ['chapter-bars', ''],
  ['speed', 'net.hidden=2'],
];
const PROSE = '<p>' + 'Some prose of the chapter between two widgets, long enough to read. '.repeat(14) + '</p>';
const widget = {
  element: ([v, s]) => `<gradlab-widget view="${v}" settings="${s.replace(/&/g, '&amp;')}"></gradlab-widget>`,
  lazy: ([v, s]) => `<iframe src="/index.html?embed=${v}${s ? `#${s.replace(/&/g, '&amp;')}` : ''}" width="100%" height="800" frameborder="0" loading="lazy"></iframe>`,
  eager: ([v, s]) => `<iframe src="/index.html?embed=${v}${s ? `#${s.replace(/&/g, '&amp;')}` : ''}" width="100%" height="800" frameborder="0"></iframe>`,
};
const page = (kind) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ten widgets</title><link rel="icon" href="data:,">
<style>body { max-width: 46rem; margin: 1rem auto; font: 17px/1.6 serif; } iframe { display: block; }</style>
<script src="/www/embed.js"></script></head><body><h1>Chapter 5, with ten widgets</h1>
${VIEWS.map((v) => `${PROSE}${PROSE}${widget[kind](v)}`).join('\n')}${PROSE}</body></html>`;

/** Proportional set size (KB) of `pid` and all its descendants. */
function pssTree(pid) {
  const children = new Map();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const ppid = Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(p));
    } catch {
      /* gone */
    }
  }
  let kb = 0;
  const walk = (p) => {
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))[1]);
    } catch {
      /* gone */
    }
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return kb;
}

/** The browser's own process: the one whose command line holds this run's profile folder. */
function browserPid(dir) {
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.includes(dir) && !cmd.includes('--type=')) return Number(p);
    } catch {
      /* gone */
    }
  }
  return null;
}

const server = await serve(root, 0);
const state = () =>
  [...document.querySelectorAll('iframe')].map((f) => {
    const g = f.contentWindow?.gradlab;
    return { started: !!f.getAttribute('src') && !!g, drawn: !!g && ((g.chainTimings?.length ?? 0) > 0 || Object.keys(g.drawTimings ?? {}).length > 0), workers: g?.workerStarted ? 1 : 0 };
  });

async function measure(kind) {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-bench-embeds-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    serviceWorkers: 'block',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const p = context.pages()[0];
  await p.route(`${server.url}__ten.html`, (r) => r.fulfill({ contentType: 'text/html', body: page(kind) }));
  const t0 = Date.now();
  await p.goto(`${server.url}__ten.html`);
  let first = null;
  while (Date.now() - t0 < 30_000) {
    if ((await p.evaluate(state)).some((s) => s.drawn)) {
      first = Date.now() - t0;
      break;
    }
    await p.waitForTimeout(20);
  }
  await p.waitForTimeout(5000 - (Date.now() - t0));
  const pid = browserPid(dir);
  const top = { started: (await p.evaluate(state)).filter((s) => s.started).length, workers: requests.filter((u) => u.endsWith('/www/worker.js')).length, mb: pssTree(pid) / 1024 };
  // The reader scrolls through the chapter to its end.
  for (let y = 0; y < 40; y++) {
    await p.mouse.wheel(0, 800);
    await p.waitForTimeout(150);
  }
  await p.waitForTimeout(3000);
  const bottom = { started: (await p.evaluate(state)).filter((s) => s.started).length, workers: requests.filter((u) => u.endsWith('/www/worker.js')).length, mb: pssTree(pid) / 1024 };
  await context.close();
  rmSync(dir, { recursive: true, force: true });
  return { first, top, bottom };
}

const rows = { element: [], lazy: [], eager: [] };
for (let r = 0; r < runs; r++) for (const kind of Object.keys(rows)) rows[kind].push(await measure(kind));
await server.close();

const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`ten widgets on one page, Chromium at 1280×900, median of ${runs} runs (memory: PSS of every browser process)`);
console.log('page      first chart   at the top: widgets, workers, memory   scrolled to the end: widgets, workers, memory');
for (const [kind, rs] of Object.entries(rows)) {
  const m = (f) => med(rs.map(f));
  console.log(
    `${kind.padEnd(9)} ${String(m((r) => r.first)).padStart(6)} ms     ${String(m((r) => r.top.started)).padStart(2)}, ${String(m((r) => r.top.workers)).padStart(2)}, ${m((r) => r.top.mb).toFixed(0).padStart(4)} MB` +
      `                    ${String(m((r) => r.bottom.started)).padStart(2)}, ${String(m((r) => r.bottom.workers)).padStart(2)}, ${m((r) => r.bottom.mb).toFixed(0).padStart(4)} MB`,
  );
}
