// Accessibility and small screens: axe-core (the npm package, pinned in package.json) on
// the whole page before and after an epoch of training; every control reached with Tab
// shows a focus ring; sliders announce their human value; the key results are said in
// words in live regions; every chart has a text alternative and a table of its numbers;
// and on an emulated phone the chain's weight slider is dragged by touch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, openLab, shot, chartsDrawn, ROOT } from './helpers.mjs';

const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');

/** axe-core on the whole page: its violations of impact serious or critical, and the rest. */
async function audit(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    // No rule is disabled. Hidden content (closed <details>, the chapter's figures before
    // they are run) is not audited by axe; the tests open and run what they can.
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`).slice(0, 5) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !bad.includes(v));
  if (minor.length) console.log('axe, minor:', JSON.stringify(minor, null, 1));
  return bad;
}

let lab;
before(async () => {
  // bypassCSP: the page's policy (script-src 'self') rightly refuses the inline <script>
  // that addScriptTag makes of axe.min.js; only the test's own script is let through.
  lab = await start({ viewport: { width: 1100, height: 900 }, bypassCSP: true });
  await openLab(lab.page, lab.url);
});
after(async () => lab?.close());

test('axe: no serious or critical violation on the page as it opens', async () => {
  const { page, errors } = lab;
  await chartsDrawn(page);
  assert.deepEqual(await audit(page), []);
  assert.deepEqual(errors, []);
});

test('axe: none after an epoch of training, with the experiments run and every table open', async () => {
  const { page, errors } = lab;
  await page.fill('#net-epochs', '1');
  await page.press('#net-epochs', 'Enter');
  await page.click('#net-start');
  await page.waitForFunction(() => window.gradlab.status === 'idle' && window.gradlab.snapshots.length === 2, null, { timeout: 120_000 });
  await page.fill('#book-normSeeds', '1');
  await page.press('#book-normSeeds', 'Enter');
  for (const kind of ['bars', 'norms']) {
    await page.click(`#book-${kind}-run`);
    await page.waitForFunction((k) => window.gradlab.book[k]?.finished === true, kind, { timeout: 60_000 });
  }
  // Loaded-network message and a refusal are part of the page too.
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  // Each chart's "Numbers" table is filled on its `toggle` event, which comes in a task of its own.
  await page.waitForFunction(() => [...document.querySelectorAll('details.chart-numbers')].every((d) => d.querySelector('table tbody')));
  // The view inside the network (a details too) with its charts and tables.
  await page.waitForFunction(() => window.gradlab.inside.report !== null && !document.getElementById('inside-body').hidden, null, { timeout: 60_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('details.chart-numbers')].every((d) => d.querySelector('table tbody')));
  await chartsDrawn(page);
  assert.deepEqual(await audit(page), []);
  assert.deepEqual(errors, []);
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = false)));
});

test('every chart: role="img", an aria-label that summarises it, and a "Numbers" table kept up to date', async () => {
  const { page } = lab;
  const charts = await page.$$eval('canvas', (cs) => cs.map((c) => ({
    id: c.id,
    role: c.getAttribute('role'),
    label: c.getAttribute('aria-label'),
    numbers: !!c.closest('figure').querySelector('details.chart-numbers summary'),
    hidden: !!c.closest('[hidden]'),
  })));
  assert.ok(charts.length >= 9);
  for (const c of charts) {
    assert.equal(c.role, 'img', c.id);
    if (!c.hidden) assert.ok(c.label.length > 40 && /\d/.test(c.label), `${c.id}: a summary with numbers: "${c.label}"`);
    assert.equal(c.numbers, c.id !== 'chain-canvas', `${c.id}: a Numbers table (the chain's is "Every neuron's numbers")`);
  }
  assert.match(await page.getAttribute('#net-training', 'aria-label'), /^Classification accuracy and cost\. After 1 epoch: validation accuracy \d+\.\d\d\s%, cost [\d.]+\.$/);
  // Kept up to date: open the speed table, step an epoch, and it gains a row.
  await page.click('figure:has(#net-speed) summary');
  await page.waitForSelector('#net-speed-numbers tbody tr');
  assert.equal(await page.locator('#net-speed-numbers tbody tr').count(), 2);
  await page.click('#net-step');
  await page.waitForFunction(() => document.querySelectorAll('#net-speed-numbers tbody tr').length === 3, null, { timeout: 120_000 });
  assert.match(await page.getAttribute('#net-speed', 'aria-label'), /over 2 epochs; at epoch 2: layer 1 /);
  await page.click('figure:has(#net-speed) summary');
});

test('live regions say the key results in words', async () => {
  const { page } = lab;
  // The network: a polite, visually hidden sentence (the chips around it are not re-read each epoch).
  assert.equal(await page.getAttribute('#net-summary', 'aria-live'), 'polite');
  assert.match(await page.textContent('#net-summary'), /^Layer 1 learns [\d.,]+ times more slowly than layer 3\. After epoch 2, the validation accuracy is \d+\.\d\s%\.$/);
  // The chain: the regime sentence.
  assert.equal(await page.getAttribute('#chain-readout', 'aria-live'), 'polite');
  await page.click('#preset-explode');
  assert.match(await page.textContent('#chain-regime'), /^Exploding\. The terms \|w·σ′\(z\)\| are about 25 > 1/);
});

test('sliders announce their value as the page shows it (aria-valuetext)', async () => {
  const { page } = lab;
  assert.equal(await page.getAttribute('#chain-w', 'aria-valuetext'), 'w = 100');
  await page.focus('#chain-w');
  await page.keyboard.press('Home');
  assert.equal(await page.getAttribute('#chain-w', 'aria-valuetext'), `w = ${await page.textContent('#chain-w-out')}`);
  assert.match(await page.getAttribute('#chain-w', 'aria-valuetext'), /^w = −\d/);
  await page.focus('#chain-layers');
  await page.keyboard.press('End');
  assert.equal(await page.getAttribute('#chain-layers', 'aria-valuetext'), '10 neurons');
  assert.equal(await page.getAttribute('#net-gain', 'aria-valuetext'), 'gain 1.0');
  assert.equal(await page.getAttribute('#net-hidden', 'aria-valuetext'), '3 hidden layers');
  await page.click('#preset-random');
  assert.match(await page.getAttribute('#chain-w', 'aria-valuetext'), /^w random/);
});

test('the keyboard reaches every control, each with a visible focus ring', async () => {
  const { page, errors } = lab;
  await page.evaluate(() => document.activeElement?.blur());
  await page.mouse.click(5, 5); // start from the top of the document
  const seen = [];
  const noRing = [];
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1) || (s.boxShadow && s.boxShadow !== 'none');
      const index = [...document.querySelectorAll('*')].indexOf(el);
      return { key: el.id || `${el.tagName.toLowerCase()}.${el.className}#${index}`, ring, tag: el.tagName };
    });
    if (!f || seen.includes(f.key)) break;
    seen.push(f.key);
    if (!f.ring) noRing.push(f.key);
  }
  assert.deepEqual(noRing, [], 'elements without a visible focus ring');
  for (const id of ['chain-layers', 'chain-w', 'chain-w-num', 'preset-random', 'net-hidden', 'net-gain', 'net-start', 'net-download', 'net-load', 'book-bars-run']) {
    assert.ok(seen.includes(id), `#${id} is reached with Tab (${seen.length} stops)`);
  }
  assert.ok(seen.filter((k) => k.includes('export-button')).length >= 4 * 4, 'the download buttons of the visible charts');
  // And works from it: Enter on "Load network…" opens the file chooser.
  await page.focus('#net-load');
  const chooser = page.waitForEvent('filechooser');
  // The chooser's interception is on before the key goes down: Playwright turns it on
  // asynchronously when the listener is added, with nothing the test can wait on; hence a fixed time.
  await page.waitForTimeout(100);
  await page.keyboard.press('Enter');
  assert.ok(await chooser);
  assert.deepEqual(errors, []);
});

test('colours: the charts\' series are the Okabe–Ito palette', async () => {
  const { page } = lab;
  // The chips' colours are the charts' series (src/charts/theme.rs OKABE_ITO).
  const colours = await page.$$eval('#net-norms li:not(.summary)', (lis) => lis.map((li) => getComputedStyle(li).borderTopColor));
  assert.deepEqual(colours.slice(0, 3), ['rgb(0, 114, 178)', 'rgb(213, 94, 0)', 'rgb(0, 158, 115)']);
});

test('a phone (375×740, touch, 2× pixels): the chain\'s weight slider dragged by touch redraws the chart', async () => {
  const phone = await start({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    const { page, url, context, errors } = phone;
    await openLab(page, url, { waitForNetwork: false });
    await page.locator('#chain-w').scrollIntoViewIfNeeded();
    const box = await page.locator('#chain-w').boundingBox();
    const before = {
      w: await page.textContent('#chain-w-out'),
      url: await page.$eval('#chain-canvas', (c) => c.toDataURL()),
      redraws: await page.evaluate(() => window.gradlab.chainTimings.length),
      state: await page.evaluate(() => window.gradlab.state['chain.w']),
    };
    const cdp = await context.newCDPSession(page);
    const y = box.y + box.height / 2;
    // From the thumb's place (w = 1, the slider's 47 %) three quarters of the way to the right.
    const x0 = box.x + 8 + 0.465 * (box.width - 16);
    const x1 = box.x + 8 + 0.8 * (box.width - 16);
    const touch = (type, x) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y, radiusX: 4, radiusY: 4, force: 1, id: 1 }] });
    await touch('touchStart', x0);
    for (let i = 1; i <= 12; i++) {
      await touch('touchMove', x0 + ((x1 - x0) * i) / 12);
      await page.waitForTimeout(16); // the gesture's pace, a move a frame as a finger gives them: a fixed time is the point
    }
    await touch('touchEnd');
    // The drag taken to its end: the page's weight is no longer the first one, and the
    // (debounced) address holds it.
    await page.waitForFunction((w0) => {
      const w = window.gradlab.state['chain.w'];
      return w !== w0 && Number(new URLSearchParams(location.hash.slice(1)).get('chain.w')) === w;
    }, before.state);
    const w = await page.textContent('#chain-w-out');
    assert.notEqual(w, before.w, 'the weight changed');
    // The slider's 80 % is w = 10^(−2 + 4.3 × 0.6) ≈ 3.8 (www/state.js `chainWeight`).
    assert.ok(Number(w) > 3 && Number(w) < 5, `dragged right to w ≈ 3.8: ${w}`);
    assert.equal(await page.getAttribute('#chain-w', 'aria-valuetext'), `w = ${w}`);
    assert.ok((await page.evaluate(() => window.gradlab.chainTimings.length)) > before.redraws, 'redrawn while dragging');
    assert.notEqual(await page.$eval('#chain-canvas', (c) => c.toDataURL()), before.url, 'the chart changed');
    // Nothing sticks out sideways; the download row fits under the chart.
    assert.ok((await page.evaluate(() => document.scrollingElement.scrollWidth)) <= 375, 'no horizontal scrolling');
    const tools = await page.$eval('figure:has(#chain-canvas)', (f) => {
      const r = (el) => el.getBoundingClientRect().toJSON();
      return { fig: r(f), row: r(f.querySelector('.export')) };
    });
    assert.ok(tools.row.left >= tools.fig.left && tools.row.right <= tools.fig.right, 'the download row inside the chart\'s card');
    await shot(page.locator('#chain'), 'phone-chain-touch');
    await page.waitForFunction(() => window.gradlab.snapshot !== null, null, { timeout: 60_000 });
    await chartsDrawn(page);
    await shot(page.locator('figure:has(#net-bars)'), 'phone-net-bars');
    assert.deepEqual(errors, []);
  } finally {
    await phone.close();
  }
});
