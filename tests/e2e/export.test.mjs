// Every chart's downloads, as a user gets them: click PNG, SVG, CSV and JSON under each
// chart, catch the browser's download, and check the file — a PNG at device pixels, an
// SVG that parses and carries the chart's title (drawn by the same plotters code), a CSV
// with the chart's columns and one line per row, and JSON whose numbers are the ones the
// page shows (the "Numbers" table, the ‖δˡ‖ chips, the status line, the chain's read-out).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { start, openLab, shot, chartsDrawn, shown } from './helpers.mjs';

const DPR = 2;
let lab;
before(async () => {
  lab = await start({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: DPR });
  await openLab(lab.page, lab.url);
});
after(async () => lab?.close());

/** Click a chart's download button `format` and return the file's bytes and name. */
async function download(page, id, format) {
  const button = page.locator(`figure:has(#${id}) .export button[data-format="${format}"]`);
  await button.scrollIntoViewIfNeeded();
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), button.click()]);
  const path = await d.path();
  assert.ok(path, `${id}.${format}: the download finished (${await d.failure()})`);
  return { name: d.suggestedFilename(), bytes: await readFile(path) };
}

/** Whether `value` rounds to the `text` the page shows (3–4 significant digits, or whole numbers ≥ 1,000). */
function same(value, text) {
  const v = shown(text);
  if (v === null) return value === null;
  return Math.abs(v - value) <= Math.max(6e-3 * Math.abs(value), Math.abs(value) >= 1000 ? 0.5 : 0, 1e-12);
}

function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Every chart: its SVG title (ChartText in src/charts/text.rs) and the CSV it should give. */
const CHARTS = {
  'chain-canvas': { title: 'Terms w·σ′(z) of each neuron', header: 'neuron j,w_j,b_j,z_j,σ′(z_j),w_j·σ′(z_j),running product,∂C/∂b_j', rows: 5 },
  'net-bars': { title: 'Gradient ∂C/∂b of the first six neurons', header: 'hidden layer,neuron,∂C/∂b', rows: 18 },
  'net-normchart': { title: 'Speed of learning ‖δˡ‖ of each hidden layer', header: 'hidden layer l,‖δˡ‖', rows: 3 },
  'net-speed': { title: 'Speed of learning during training', header: 'epoch,‖δ¹‖,‖δ²‖,‖δ³‖', rows: 2 },
  'net-training': { title: 'Classification accuracy', header: 'epoch,validation accuracy (%),cost', rows: 1 },
  'book-bars': { title: 'Gradient ∂C/∂b of the first six neurons', header: 'hidden layer,neuron,∂C/∂b', rows: 12 },
  'book-norms': { title: 'Speed of learning ‖δˡ‖ of each hidden layer', header: 'hidden layers,layer l,mean ‖δˡ‖,std,book', rows: 9 },
  // ‖δˡ‖ before each of the 20 epochs (the book's protocol).
  'book-speed': { title: 'Speed of learning during training', header: 'epoch,‖δ¹‖,‖δ²‖', rows: 20 },
  'book-depth': { title: 'Accuracy by number of hidden layers', header: 'hidden layers,final accuracy, mean (%),std,best accuracy, mean (%),std of best,book (%)', rows: 4 },
};

async function type(page, selector, value) {
  await page.fill(selector, String(value));
  await page.press(selector, 'Enter');
}

test('set up every chart as a user: one epoch of training, and the four experiments', async () => {
  const { page, errors } = lab;
  await type(page, '#net-epochs', 1);
  await page.click('#net-start');
  await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === 2, null, { timeout: 120_000 });
  await type(page, '#book-normSeeds', 1);
  await page.selectOption('#book-speedHidden', '2');
  await type(page, '#book-speedEpochs', 20);
  await type(page, '#book-depthEpochs', 1);
  await type(page, '#book-depthRuns', 1);
  for (const kind of ['bars', 'norms', 'speed', 'depth']) {
    await page.click(`#book-${kind}-run`);
    await page.waitForFunction((k) => window.gradlab.book[k]?.finished === true, kind, { timeout: 120_000 });
  }
  await chartsDrawn(page); // the last redraws
  assert.deepEqual(errors, []);
  assert.deepEqual(await page.evaluate(() => window.gradlab.errors), []);
});

for (const [id, want] of Object.entries(CHARTS)) {
  test(`${id}: PNG at device pixels, SVG of the same chart, CSV and JSON of its numbers`, async () => {
    const { page, errors } = lab;
    const size = await page.$eval(`#${id}`, (c) => ({ w: c.width, h: c.height, cssW: c.clientWidth, cssH: c.clientHeight }));

    const png = await download(page, id, 'png');
    assert.match(png.name, /\.png$/);
    const dims = pngSize(png.bytes);
    assert.deepEqual(dims, { width: size.w, height: size.h }, 'the canvas as it is, in device pixels');
    assert.ok(Math.abs(dims.width - DPR * size.cssW) <= 1, `${dims.width} px = ${DPR} × ${size.cssW} CSS px`);
    assert.ok(png.bytes.length > 5000, `a real picture (${png.bytes.length} bytes)`);
    // The page's link inside (www/stamp.js), and the file still a picture the browser decodes.
    const href = await page.evaluate(() => location.href);
    assert.ok(png.bytes.includes(Buffer.from(`iTXt${'Source'}\0\0\0\0\0${href}`)), 'an iTXt chunk with the link');
    const decoded = await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const img = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      return { width: img.width, height: img.height };
    }, png.bytes.toString('base64'));
    assert.deepEqual(decoded, dims, 'the stamped PNG decodes');

    const svg = await download(page, id, 'svg');
    assert.match(svg.name, /\.svg$/);
    const text = svg.bytes.toString('utf8');
    const parsed = await page.evaluate((s) => {
      const doc = new DOMParser().parseFromString(s, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.nodeName,
        width: Number(doc.documentElement.getAttribute('width')),
        height: Number(doc.documentElement.getAttribute('height')),
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
        desc: doc.querySelector('svg > desc')?.textContent ?? null,
        shapes: doc.querySelectorAll('rect, polyline, polygon, circle, path, line').length,
      };
    }, text);
    assert.equal(parsed.error, null, 'the SVG parses');
    assert.equal(parsed.root, 'svg');
    assert.ok(parsed.desc?.startsWith(href), `the link in the SVG's <desc>: ${parsed.desc}`);
    // The chart's proportions, at least 640 wide (www/export.js `svgSize`).
    assert.equal(parsed.width, Math.max(size.cssW, 640));
    assert.ok(Math.abs(parsed.height / parsed.width - size.cssH / size.cssW) < 0.01, 'the canvas\'s proportions');
    // A long title wraps onto several <text> lines.
    const words = parsed.texts.map((t) => t.trim()).join(' ');
    assert.ok(words.includes(want.title), `the title "${want.title}" in ${JSON.stringify(words.slice(0, 200))}`);
    assert.ok(parsed.shapes > 20, `drawn, not empty (${parsed.shapes} shapes): ${words.slice(0, 300)}`);

    const csv = (await download(page, id, 'csv')).bytes.toString('utf8');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0].replace(/"/g, ''), want.header);
    assert.equal(lines.length - 1, want.rows, `${want.rows} rows`);
    assert.ok(lines.slice(1).every((l) => l.split(',').length >= 2 && !/undefined/.test(l)), csv.slice(0, 300));

    const json = JSON.parse((await download(page, id, 'json')).bytes.toString('utf8'));
    assert.equal(json.chart, id);
    assert.equal(json.rows.length, want.rows);
    assert.equal(json.columns.length, json.rows[0].length);
    if (json.settings) assert.ok(parsed.desc.endsWith(`\nsettings: ${JSON.stringify(json.settings)}`), `the JSON's settings in the SVG too: ${parsed.desc}`);
    // The CSV holds the same numbers at full precision.
    lines.slice(1).forEach((l, i) => {
      const cells = l.split(',').map((c) => (c === '' ? null : Number(c)));
      json.rows[i].forEach((v, j) => assert.ok(v === null ? cells[j] === null || !Number.isFinite(cells[j]) : cells[j] === v, `row ${i} col ${j}: ${cells[j]} vs ${v}`));
    });

    // The numbers shown on the page: the chart's "Numbers" table (the chain: its own table).
    if (id === 'chain-canvas') {
      await page.locator('#chain details.table-wrap summary').click();
      const cols = await page.$$eval('#chain-table tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td, th:not([scope=row])')].map((c) => c.textContent)));
      // Rows of #chain-table: neuron, w, b, z, σ′, term, ∂C/∂b; JSON columns: j, w, b, z, σ′, term, product, ∂C/∂b.
      const map = [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6, 7]];
      json.rows.forEach((row, j) => map.forEach(([tr, col]) => {
        if (row[col] !== null) assert.ok(same(row[col], cols[tr][j]), `neuron ${j + 1}, ${json.columns[col]}: ${row[col]} vs "${cols[tr][j]}"`);
      }));
      assert.ok(same(json.rows[0][7], await page.textContent('#chain-dcdb1')), '∂C/∂b₁ of the read-out');
    } else {
      const details = page.locator(`#${id}-numbers`);
      await details.locator('summary').click();
      await details.locator('tbody tr').first().waitFor(); // filled on the toggle event
      const cells = await details.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
      assert.equal(cells.length, json.rows.length);
      json.rows.forEach((row, i) => row.forEach((v, j) => assert.ok(v === null ? cells[i][j] === '—' : same(v, cells[i][j]), `${json.columns[j]}, row ${i + 1}: ${v} vs "${cells[i][j]}"`)));
      await details.locator('summary').click(); // closed again
    }
    assert.deepEqual(errors, []);
    assert.deepEqual(await page.evaluate(() => window.gradlab.errors), []);
  });
}

test('the JSON matches the other numbers on the page: the ‖δˡ‖ chips, the status line, the tables of the experiments', async () => {
  const { page } = lab;
  const norms = JSON.parse((await download(page, 'net-normchart', 'json')).bytes.toString('utf8'));
  const chips = await page.$$eval('#net-norms li:not(.summary) b', (bs) => bs.map((b) => b.textContent));
  assert.equal(chips.length, 3);
  norms.rows.forEach((r, i) => assert.ok(same(r[1], chips[i]), `‖δ${i + 1}‖ ${r[1]} vs chip "${chips[i]}"`));
  const snap = await page.evaluate(() => window.gradlab.snapshot.probe.layers.map((l) => l.norm));
  assert.deepEqual(norms.rows.map((r) => r[1]), snap, 'exactly the numbers the worker measured');

  const training = JSON.parse((await download(page, 'net-training', 'json')).bytes.toString('utf8'));
  const status = await page.textContent('#net-status');
  const acc = status.match(/validation accuracy ([\d.]+)\s%/);
  assert.ok(acc, status);
  assert.equal(training.rows[0][1].toFixed(1), acc[1]);

  const depth = JSON.parse((await download(page, 'book-depth', 'json')).bytes.toString('utf8'));
  const finals = await page.$$eval('#book-depth-table tbody tr', (trs) => trs.map((tr) => tr.children[1].textContent));
  depth.rows.forEach((r, i) => assert.equal(`${r[1].toFixed(2)} %`, finals[i].replace(/\u00a0/g, ' ')));

  const bookNorms = JSON.parse((await download(page, 'book-norms', 'json')).bytes.toString('utf8'));
  const table = await page.$$eval('#book-norms-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((c) => c.textContent)));
  // Rows "this page" of each depth (every other row), cells after the "this page" label.
  for (const r of bookNorms.rows) {
    const [hidden, l, mean] = r;
    const cell = table[2 * (hidden - 2)][l];
    assert.ok(Math.abs(shown(cell) - mean) <= 0.05 * mean, `${hidden} hidden, layer ${l}: ${mean} vs "${cell}"`);
  }
});

test('the download rows are tidy and work from the keyboard', async () => {
  const { page, errors } = lab;
  // Tab from the "Start" button's panel down to the first export button of the bars chart.
  const first = page.locator('figure:has(#net-bars) .export button').first();
  // Reached by the keyboard (a focus ring shows for keyboard focus, :focus-visible).
  await first.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.format), 'png');
  const ring = await first.evaluate((b) => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth);
  assert.match(ring, /^solid [1-9]/, `a visible focus ring (${ring})`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.format), 'svg');
  const [d] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.match(d.suggestedFilename(), /^gradlab-net-bars\.svg$/);
  // The row sits under the chart, inside its card, without overlapping "Numbers".
  const boxes = await page.$eval('figure:has(#net-bars)', (f) => {
    const r = (el) => el.getBoundingClientRect().toJSON();
    return { fig: r(f), canvas: r(f.querySelector('canvas')), row: r(f.querySelector('.export')), summary: r(f.querySelector('summary')) };
  });
  assert.ok(boxes.row.top >= boxes.canvas.bottom, 'below the canvas');
  assert.ok(boxes.row.right <= boxes.fig.right && boxes.row.left >= boxes.fig.left, 'inside the card');
  assert.ok(boxes.summary.right < boxes.row.left, '"Numbers" and the buttons side by side');
  await shot(page.locator('figure:has(#net-bars)'), 'export-row-bars');
  await shot(page.locator('#network'), 'export-network');
  assert.deepEqual(errors, []);
});
