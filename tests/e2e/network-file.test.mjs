// "Download network" and "Load network…" in the book's network2 JSON format, as a user:
// the file chooser, real files written by the numpy restatement of network2
// (tests/reference/write_network2.py), the page's ‖δˡ‖ checked against `gradlab probe`
// on the same file, and bad files refused with a message while the session carries on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, openLab, shot, ROOT, chartsDrawn } from './helpers.mjs';

let lab;
let dir;
/** network2 files written by the numpy restatement. */
const files = {};
/** ‖δˡ‖ of the book-shaped fixture by `gradlab probe --count 1000` (f64). */
let probeNorms;

function writeNetwork(name, sizes, seed) {
  const path = join(dir, name);
  execFileSync('python3', [join(ROOT, 'tests/reference/write_network2.py'), path, sizes.join(','), String(seed)]);
  return path;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gradlab-netfile-'));
  files.book = writeNetwork('network2-784-30-30-10.json', [784, 30, 30, 10], 7);
  files.mixed = writeNetwork('network2-784-20-25-10.json', [784, 20, 25, 10], 8);
  files.inputs100 = writeNetwork('inputs-100.json', [100, 30, 10], 9);
  files.outputs5 = writeNetwork('outputs-5.json', [784, 30, 5], 9);
  const text = readFileSync(files.book, 'utf8');
  const net = JSON.parse(text);
  writeFileSync((files.notJson = join(dir, 'notes.json')), 'These are my notes, not a network.\n');
  // A weight matrix too few: the sizes promise three layers of weights.
  writeFileSync((files.shapes = join(dir, 'wrong-shapes.json')), JSON.stringify({ ...net, weights: net.weights.slice(0, 2) }));
  // What Python's json.dump writes for a weight that overflowed.
  writeFileSync((files.nan = join(dir, 'nan.json')), text.replace(/^(\{"sizes": \[[^\]]*\], "weights": \[\[\[)[^,]+/, '$1NaN'));
  writeFileSync((files.inf = join(dir, 'infinity.json')), text.replace(/^(\{"sizes": \[[^\]]*\], "weights": \[\[\[)[^,]+/, '$1-Infinity'));
  // 100 MB (a sparse file: no disk is spent), refused by its size before it is read.
  files.huge = join(dir, 'huge.json');
  const fd = openSync(files.huge, 'w');
  ftruncateSync(fd, 100 * 2 ** 20);
  closeSync(fd);
  const out = execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'gradlab', '--', 'probe', '--network', files.book, '--count', '1000'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  probeNorms = JSON.parse(out).layers.map((l) => l.norm);

  lab = await start({ viewport: { width: 1100, height: 900 } });
  await openLab(lab.page, lab.url);
});
after(async () => {
  await lab?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Choose `path` in the file chooser that "Load network…" opens, as a user does. */
async function choose(page, path) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#net-load')]);
  await chooser.setFiles(path);
}

/** Everything a failed load must leave alone. */
async function session(page) {
  return page.evaluate(() => ({
    snapshot: JSON.stringify(window.gradlab.snapshot),
    snapshots: window.gradlab.snapshots.length,
    bars: document.getElementById('net-bars').toDataURL(),
    speed: document.getElementById('net-speed').toDataURL(),
    training: document.getElementById('net-training').toDataURL(),
    hidden: document.getElementById('net-hidden').value,
    width: document.getElementById('net-width').value,
    chips: document.getElementById('net-norms').textContent,
    status: document.getElementById('net-status').textContent,
  }));
}

test('a trained session: Download network saves it in network2\'s format', async () => {
  const { page, errors } = lab;
  await page.fill('#net-epochs', '1');
  await page.press('#net-epochs', 'Enter');
  await page.click('#net-start');
  await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === 2, null, { timeout: 120_000 });
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#net-download')]);
  assert.match(d.suggestedFilename(), /^network-784-30-30-30-10-epoch-1\.json$/);
  const net = JSON.parse(readFileSync(await d.path(), 'utf8'));
  assert.deepEqual(Object.keys(net).sort(), ['biases', 'cost', 'sizes', 'weights']);
  assert.deepEqual(net.sizes, [784, 30, 30, 30, 10]);
  assert.equal(net.cost, 'CrossEntropyCost');
  net.weights.forEach((w, l) => {
    assert.equal(w.length, net.sizes[l + 1]);
    assert.ok(w.every((row) => row.length === net.sizes[l] && row.every(Number.isFinite)));
  });
  net.biases.forEach((b, l) => assert.ok(b.length === net.sizes[l + 1] && b.every((c) => c.length === 1)));
  files.downloaded = join(dir, 'downloaded.json');
  writeFileSync(files.downloaded, JSON.stringify(net));
  assert.deepEqual(errors, []);
});

const REFUSALS = [
  ['notJson', /not valid network2 JSON/],
  ['shapes', /was not loaded: .*(weight|layer|size)/i],
  ['nan', /NaN or Infinity/],
  ['inf', /NaN or Infinity/],
  ['inputs100', /must start with 784/],
  ['outputs5', /must end with 10/],
  ['huge', /is 100\.0 MB, and the page loads network files up to 16 MB/],
];

for (const [which, message] of REFUSALS) {
  test(`a wrong file (${which}) is refused with a message; the session is untouched`, async () => {
    const { page, errors } = lab;
    const before = await session(page);
    await choose(page, files[which]);
    const name = files[which].split('/').pop();
    await page.waitForFunction((n) => document.getElementById('net-load-msg').textContent.startsWith(`“${n}” was not loaded`), name, { timeout: 30_000 });
    const text = await page.textContent('#net-load-msg');
    assert.match(text, message);
    assert.match(text, /The network below is unchanged\.$/);
    assert.equal(await page.isVisible('#net-load-msg'), true);
    await page.waitForTimeout(200); // a window in which nothing may change: anything stray from the worker would have arrived
    assert.deepEqual(await session(page), before, 'the network, its history, charts and controls');
    assert.equal(await page.isHidden('#banner'), true, 'a wrong file is not a bug of the page');
    assert.deepEqual(errors, []);
    assert.deepEqual(await page.evaluate(() => window.gradlab.errors), []);
    // The old network still trains: one more epoch from where it was.
    if (which === 'huge') {
      await shot(page.locator('#net-controls'), 'network-file-refused');
      await page.fill('#net-epochs', '2');
      await page.press('#net-epochs', 'Enter');
      await page.click('#net-step');
      await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === 3, null, { timeout: 120_000 });
      assert.equal(await page.evaluate(() => window.gradlab.snapshot.epoch), 2);
    }
  });
}

test('Load network… takes a network2 file of another architecture: controls follow, ‖δˡ‖ equal gradlab probe', async () => {
  const { page, errors } = lab;
  const barsBefore = await page.$eval('#net-bars', (c) => c.toDataURL());
  await choose(page, files.book);
  await page.waitForFunction(() => window.gradlab.snapshot?.probe.layers.length === 2 && window.gradlab.snapshots.length === 1, null, { timeout: 30_000 });
  const norms = await page.evaluate(() => window.gradlab.snapshot.probe.layers.map((l) => l.norm));
  assert.equal(norms.length, 2);
  norms.forEach((n, i) => {
    const rel = Math.abs(n - probeNorms[i]) / probeNorms[i];
    assert.ok(rel < 1e-4, `‖δ${i + 1}‖: page (f32) ${n} vs gradlab probe (f64) ${probeNorms[i]}, relative ${rel.toExponential(1)}`);
  });
  // The panel's controls show the loaded architecture.
  assert.equal(await page.inputValue('#net-hidden'), '2');
  assert.equal(await page.textContent('#net-hidden-out'), '2');
  assert.equal(await page.getAttribute('#net-hidden', 'aria-valuetext'), '2 hidden layers');
  assert.equal(await page.inputValue('#net-width'), '30');
  assert.match(await page.textContent('#net-status'), /^Ready: the loaded network \[784, 30, 30, 10\]/);
  assert.match(await page.textContent('#net-load-msg'), /^Loaded “network2-784-30-30-10\.json”: the network \[784, 30, 30, 10\]/);
  // Its gradients at once: the chips, the charts, and the words.
  await chartsDrawn(page);
  const chips = await page.$$eval('#net-norms li:not(.summary) b', (bs) => bs.map((b) => b.textContent));
  assert.equal(chips.length, 2);
  assert.notEqual(await page.$eval('#net-bars', (c) => c.toDataURL()), barsBefore);
  assert.match(await page.getAttribute('#net-normchart', 'aria-label'), /layer 1 \S+, layer 2 \S+\. Layer 1 learns [\d.,]+ times more slowly than layer 2\./);
  assert.match(await page.textContent('#net-summary'), /^Layer 1 learns [\d.,]+ times more slowly than layer 2\.$/);
  await shot(page.locator('#network'), 'network-file-loaded');
  assert.deepEqual(errors, []);

  // Downloaded again, it is the same network (read as f32, written back exactly).
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#net-download')]);
  const back = JSON.parse(readFileSync(await d.path(), 'utf8'));
  const orig = JSON.parse(readFileSync(files.book, 'utf8'));
  assert.deepEqual(back.sizes, orig.sizes);
  const w = orig.weights.flat(2);
  back.weights.flat(2).forEach((v, i) => assert.ok(Math.abs(v - w[i]) <= 6e-8 * Math.abs(w[i]), `weight ${i}`));
  // It trains: one epoch of the loaded network.
  await page.click('#net-step');
  await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === 2, null, { timeout: 120_000 });
  assert.ok((await page.evaluate(() => window.gradlab.snapshot.accuracy)) > 0.5);
});

test('layers of different widths show as such; the page\'s own download loads back to the same gradients', async () => {
  const { page, errors } = lab;
  await choose(page, files.mixed);
  await page.waitForFunction(() => window.gradlab.snapshot?.probe.layers.map((l) => l.delta.length).join() === '20,25');
  assert.equal(await page.$eval('#net-width', (s) => s.selectedOptions[0].textContent), '20, 25 (loaded)');
  // Changing the architecture draws a fresh network from the controls again.
  await page.focus('#net-hidden');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.gradlab.snapshot?.probe.layers.length === 3 && window.gradlab.snapshot.probe.layers[0].delta.length === 30);
  assert.equal(await page.$eval('#net-width', (s) => s.selectedOptions[0].textContent), '30');
  assert.match(await page.textContent('#net-status'), /^Ready: \[784, 30, 30, 30, 10\]/);

  // The file downloaded from the trained session in the first test.
  const want = JSON.parse(readFileSync(files.downloaded, 'utf8'));
  await choose(page, files.downloaded);
  await page.waitForFunction(() => window.gradlab.snapshot?.probe.layers.length === 3 && /Loaded “downloaded\.json”/.test(document.getElementById('net-load-msg').textContent));
  assert.deepEqual(want.sizes, [784, 30, 30, 30, 10]);
  assert.deepEqual(errors, []);
});
