// Shareable state: every control in the URL's hash, links that restore it exactly, the
// "Copy link" control, and hostile links that must never break the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, shot, dragRange, chartsDrawn } from './helpers.mjs';
import { mulberry32 as rng } from '../../scripts/mulberry32.mjs'; // seeded: a failing hostile link can be reproduced

let lab;
before(async () => {
  lab = await start({ viewport: { width: 1100, height: 900 } });
  await lab.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(lab.url).origin });
});
after(async () => lab?.close());

/** Slider position of weight w (www/state.js: w = sign(s)·10^(−2 + 4.3|s|)). */
const pos = (w) => (Math.sign(w) * (Math.log10(Math.abs(w)) + 2)) / 4.3;
const hashOf = (page) => page.evaluate(() => location.hash);
/** The ‖δ^l‖ of the network panel's latest snapshot, exactly as the worker sent them. */
const norms = (page) => page.evaluate(() => window.gradlab.snapshot.probe.layers.map((l) => l.norm));

/** Wait until the network panel shows a network of `hidden` layers with seed `seed`. */
async function waitForNetwork(page, hidden, seed) {
  await page.waitForFunction(
    ([h, s]) => {
      const g = window.gradlab;
      // The last reset asked for is the one shown (a slider sends one per step, and a
      // snapshot of the same depth may still be an older seed's): none is left unanswered.
      return g.snapshot && g.snapshot.probe.layers.length === h && g.state['net.seed'] === s && !g.snapshot.epoch && !g.resetPending();
    },
    [hidden, seed],
    { timeout: 60_000 },
  );
}

test('a link with net.hidden=2 and seed 7 gives the controls and the ‖δ^l‖ of the same settings set by hand', async () => {
  const { page, context, url, errors } = lab;
  await openLab(page, `${url}#net.hidden=2&net.seed=7`);
  assert.equal(await page.inputValue('#net-hidden'), '2');
  assert.equal(await page.textContent('#net-hidden-out'), '2');
  assert.equal(await page.inputValue('#net-seed'), '7');
  assert.equal(await page.isHidden('#url-notice'), true, 'a clean link needs no notice');
  await waitForNetwork(page, 2, 7);
  const fromLink = await norms(page);
  const chips = await page.$$eval('#net-norms li b', (bs) => bs.map((b) => b.textContent));

  // By hand, in a second tab: the hidden-layers slider by keyboard, the seed typed.
  const hand = await context.newPage();
  await openLab(hand, url);
  await hand.focus('#net-hidden');
  await hand.keyboard.press('ArrowLeft'); // 3 → 2
  await hand.fill('#net-seed', '7');
  await hand.press('#net-seed', 'Enter');
  await hand.locator('#net-seed').blur();
  await waitForNetwork(hand, 2, 7);
  assert.deepEqual(await norms(hand), fromLink, 'the same seed gives the same numbers');
  assert.deepEqual(await hand.$$eval('#net-norms li b', (bs) => bs.map((b) => b.textContent)), chips);
  // And the hand-set tab's address now holds the same settings.
  await hand.waitForFunction(() => location.hash !== '');
  const h = new URLSearchParams((await hashOf(hand)).slice(1));
  assert.equal(h.get('net.hidden'), '2');
  assert.equal(h.get('net.seed'), '7');
  await hand.close();
  assert.deepEqual(errors, []);
});

test('the hash follows the controls, debounced, and a copied link restores the page exactly', async () => {
  const { page, context, url, errors } = lab;
  await openLab(page, url, { waitForNetwork: false });
  assert.equal(await hashOf(page), '');
  const writes0 = await page.evaluate(() => window.gradlab.hashWrites ?? 0);
  const history0 = await page.evaluate(() => history.length);
  await page.click('#chain-bias-zero');
  await page.locator('#chain-w').scrollIntoViewIfNeeded();
  await dragRange(page, '#chain-w', pos(0.5), pos(6), 40);
  await page.fill('#chain-a0', '-2');
  await page.selectOption('#net-init', 'large');
  await page.fill('#net-eta', '0.5');
  await page.press('#net-eta', 'Enter');
  await page.fill('#book-seed', '42');
  await page.press('#book-seed', 'Enter');
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('book.seed') === '42');
  const writes = (await page.evaluate(() => window.gradlab.hashWrites)) - writes0;
  // 40 slider moves and five other changes, in a few quiet gaps: not one write per event.
  assert.ok(writes >= 1 && writes <= 12, `history.replaceState calls: ${writes}`);
  const h = new URLSearchParams((await hashOf(page)).slice(1));
  const state = await page.evaluate(() => ({ ...window.gradlab.state }));
  assert.equal(h.get('chain.bias'), 'zero');
  assert.equal(Number(h.get('chain.w')), state['chain.w']);
  assert.equal(h.get('chain.a0'), '-2');
  assert.equal(h.get('net.init'), 'large');
  assert.equal(h.get('net.eta'), '0.5');
  assert.equal(h.get('net.hidden'), null, 'defaults stay out of the link');
  // replaceState, not pushState: the history did not grow.
  assert.equal(await page.evaluate(() => history.length), history0);

  // "Copy link": the clipboard holds the link; opened in a new tab, it is the same page.
  await page.click('#copy-link');
  await page.waitForFunction(() => document.querySelector('.masthead .share-status').textContent === 'Copied.');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, `${url}${await hashOf(page)}`);
  const chainBefore = await page.textContent('#chain-regime');
  const other = await context.newPage();
  await openLab(other, copied, { waitForNetwork: false });
  assert.deepEqual(await other.evaluate(() => ({ ...window.gradlab.state })), state);
  assert.equal(await other.textContent('#chain-regime'), chainBefore);
  assert.equal(await other.textContent('#chain-w-out'), await page.textContent('#chain-w-out'));
  assert.equal(await other.inputValue('#net-init'), 'large');
  assert.equal(await other.inputValue('#book-seed'), '42');
  await other.close();

  // Without a clipboard API (an old browser, an insecure origin): a selected read-only field.
  await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true }));
  await page.click('#copy-link');
  const field = page.locator('.masthead .share-text');
  await field.waitFor({ state: 'visible' });
  assert.equal(await field.inputValue(), copied);
  assert.equal(await field.evaluate((el) => el.readOnly && document.activeElement === el && el.selectionStart === 0 && el.selectionEnd === el.value.length), true);
  await shot(page.locator('.masthead'), 'link-copy-fallback');
  assert.deepEqual(errors, []);
});

test("the book's random N(0,1) chain comes back from its link, seed and all", async () => {
  const { page, context, url, errors } = lab;
  await openLab(page, url, { waitForNetwork: false });
  await page.click('#preset-random');
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).has('chain.seed'));
  const seed = new URLSearchParams((await hashOf(page)).slice(1)).get('chain.seed');
  assert.match(seed, /^\d+$/);
  assert.match(await page.textContent('#chain-regime'), new RegExp(`seed ${seed}\\b`));
  const report = await page.evaluate(() => JSON.stringify(window.gradlab.chainReport));
  const canvas = await page.$eval('#chain-canvas', (c) => c.toDataURL());

  const other = await context.newPage();
  await openLab(other, page.url(), { waitForNetwork: false });
  assert.equal(await other.textContent('#chain-w-out'), 'random');
  assert.equal(await other.evaluate(() => JSON.stringify(window.gradlab.chainReport)), report, 'the same weights, biases and gradients');
  assert.equal(await other.$eval('#chain-canvas', (c) => c.toDataURL()), canvas, 'the same picture');
  // More neurons keep the preset and its seed; moving the weight leaves it.
  await other.focus('#chain-layers');
  await other.keyboard.press('ArrowRight');
  await other.waitForFunction((s) => new URLSearchParams(location.hash.slice(1)).get('chain.seed') === s && location.hash.includes('chain.layers=6'), seed);
  await other.locator('#chain-w').scrollIntoViewIfNeeded();
  await dragRange(other, '#chain-w', pos(0.5), pos(2), 4);
  await other.waitForFunction(() => !new URLSearchParams(location.hash.slice(1)).has('chain.seed'));
  await other.close();
  assert.deepEqual(errors, []);
});

test('a hash typed into the address bar is applied; a section anchor is not', async () => {
  const { page, url, errors } = lab;
  await openLab(page, url);
  await page.evaluate(() => (location.hash = '#chain.layers=3&net.hidden=4&net.seed=3'));
  await page.waitForFunction(() => window.gradlab.state['net.hidden'] === 4);
  assert.equal(await page.textContent('#chain-layers-out'), '3');
  await waitForNetwork(page, 4, 3);
  // The table of contents' links are anchors: the settings stay.
  await page.click('.toc a[href="#chapter"]');
  await page.waitForFunction(() => location.hash.includes('net.hidden=4'));
  assert.equal(await page.evaluate(() => window.gradlab.state['chain.layers']), 3);
  assert.equal(await page.isHidden('#url-notice'), true);
  assert.deepEqual(errors, []);
});


const KEYS = ['chain.layers', 'chain.w', 'chain.bias', 'chain.b', 'chain.a0', 'chain.seed', 'chain.act', 'net.hidden', 'net.width', 'net.activation', 'net.init', 'net.biases', 'net.gainPos', 'net.eta', 'net.lambda', 'net.miniBatch', 'net.epochs', 'net.seed', 'book.seed', 'book.speedHidden', 'book.speedEpochs', 'book.depthEpochs', 'book.depthRuns', 'book.normSeeds'];
const NASTY = ['NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '1e-400', '0x1F', '', ' ', '-0', '9'.repeat(400), 'null', 'undefined', 'true', '[]', '{}', '%00', '%E2%80%AE', '😀', 'é', '<script>alert(1)</script>', '"><img src=x>', '1,5', '1.5.5', '2e3', '-7', '0.0000001', 'large', 'zero', 'scaled', 'relu', 'leaky-relu', 'he', 'orthogonal', 'RELU', 'swish'];
const HOSTILE = [
  '#garbage',
  '#%%%',
  '#%E0%A4%A',
  '#=',
  '#&&&===&&',
  '#__proto__=1&__proto__[polluted]=1&constructor.prototype.polluted=1',
  '#constructor=1&toString=2&hasOwnProperty=3&valueOf=4',
  '#net.hidden=99&net.seed=-5&chain.w=1e400&chain.layers=NaN',
  '#net.hidden=2&net.hidden=5&net.hidden=6',
  '#net.width=31&net.init=huge&chain.bias=maybe',
  '#net.activation=swish&net.init=xavier&net.biases=uniform&chain.act=%3Cb%3Ex',
  `#chain.w=${'1'.repeat(100_000)}`,
  `#${'x'.repeat(50_000)}=1`,
  `#${'chain.layers=3&'.repeat(2000)}`,
  '#chain.w=%F0%9F%98%80&net.seed=%D9%A3&book.seed=%EF%BC%91',
  '#net.eta=0&net.lambda=-1&net.miniBatch=0&net.epochs=1e9',
  '#chain.seed=-1&chain.seed=4294967296',
  '#net.gainPos=2&net.gainPos=-1',
  '#chain.b=%20%2012%20%20&chain.a0=%09-3%0A',
  "#'\";alert(1)//=1",
  '#<img src=x onerror=alert(1)>=1',
  '#chain.layers=1&chain.w=0',
  '#net.hidden=6&net.width=100&net.init=large&net.gainPos=1',
  '#net.hidden=10&net.width=200&net.activation=relu&net.init=he&net.biases=zero',
];

function randomLink(next) {
  const parts = [];
  const n = 1 + Math.floor(next() * 8);
  for (let i = 0; i < n; i++) {
    const r = next();
    let key;
    if (r < 0.6) key = KEYS[Math.floor(next() * KEYS.length)];
    else if (r < 0.8) key = ['__proto__', 'constructor', 'prototype', 'embed', 'chain', 'net.', '.', 'a'.repeat(300), '😀'][Math.floor(next() * 9)];
    else key = Array.from({ length: 1 + Math.floor(next() * 12) }, () => String.fromCharCode(32 + Math.floor(next() * 95))).join('');
    const v = next() < 0.5 ? NASTY[Math.floor(next() * NASTY.length)] : String((next() - 0.5) * 10 ** Math.floor(next() * 12));
    parts.push(`${encodeURIComponent(key)}=${next() < 0.8 ? encodeURIComponent(v) : v}`);
  }
  return `#${parts.join(next() < 0.9 ? '&' : ';')}`;
}

/** Every setting holds a value of its table (www/state.js): the page's state is sound. */
async function assertSoundState(page, where) {
  const bad = await page.evaluate(async () => {
    const { SETTINGS } = await import('./www/state.js');
    const s = window.gradlab.state;
    const out = [];
    for (const [k, def] of Object.entries(SETTINGS)) {
      const v = s[k];
      if (def.kind === 'bool' ? typeof v !== 'boolean' : def.kind === 'enum' ? !def.values.includes(v) : !(Number.isFinite(v) && v >= def.min && v <= def.max && (def.kind !== 'int' || Number.isInteger(v)))) out.push(`${k}=${v}`);
    }
    for (const k of Object.keys(s)) if (!Object.hasOwn(SETTINGS, k)) out.push(`extra key ${k}`);
    if ({}.polluted !== undefined || Object.prototype.polluted !== undefined) out.push('Object.prototype polluted');
    return out;
  });
  assert.deepEqual(bad, [], where);
}

test('hostile and random links never throw: clamped or ignored, with a notice, and the page still works', async () => {
  const { page, url, errors } = lab;
  const next = rng(20240611);
  const links = [...HOSTILE, ...Array.from({ length: 60 }, () => randomLink(next))];
  // Every hostile link is opened as a fresh page; the random ones alternately as a fresh
  // embed of the chain (no worker to start: lighter on a loaded machine) and as a hash
  // change in the open page — the ways a link arrives.
  let i = 0;
  for (const hash of links) {
    i += 1;
    const fresh = i <= HOSTILE.length || i % 2 === 0;
    if (fresh) {
      await page.goto(`${url}?${i <= HOSTILE.length ? '' : 'embed=chain&'}n=${i}${hash}`);
      await page.waitForFunction(() => window.gradlab && window.gradlab.wasmReady === true, null, { timeout: 30_000 });
    } else {
      // Set it, and wait for the page's own hashchange listener (added before this one) to have run.
      await page.evaluate(
        (h) =>
          new Promise((resolve) => {
            const before = location.href;
            addEventListener('hashchange', () => resolve(), { once: true });
            location.hash = h;
            if (location.href === before) resolve(); // the same hash: no event comes
          }),
        hash,
      );
    }
    await assertSoundState(page, `after ${hash.slice(0, 200)}`);
    assert.deepEqual(await page.evaluate(() => window.gradlab.errors), [], `page errors after ${hash.slice(0, 200)}`);
    assert.deepEqual(errors, [], `console errors after ${hash.slice(0, 200)}`);
  }

  // The notice names what was changed, and stays short whatever the link held.
  await page.goto(`${url}?n=notice#net.hidden=99&net.width=31&__proto__=1&chain.w=${'1'.repeat(5000)}`);
  await page.waitForFunction(() => window.gradlab?.wasmReady === true);
  const notice = await page.textContent('#url-notice');
  assert.equal(await page.isVisible('#url-notice'), true);
  assert.match(notice, /set net\.hidden to 10/);
  assert.match(notice, /ignored “net\.width” \(not allowed\)/);
  assert.match(notice, /ignored “__proto__” \(unknown\)/);
  assert.match(notice, /set chain\.w to 199\.6/);
  assert.ok(notice.length < 600, `notice of ${notice.length} characters`);
  // The address now holds the settings in use, not the hostile ones.
  await page.waitForFunction(() => location.hash === '#chain.w=199.6&net.hidden=10');
  await shot(page.locator('#url-notice'), 'link-notice');

  // And the page works: the chain redraws when dragged, the network trains an epoch.
  await page.evaluate(() => (window.gradlab.chainTimings.length = 0));
  await page.locator('#chain-w').scrollIntoViewIfNeeded();
  await dragRange(page, '#chain-w', pos(0.5), pos(3), 5);
  assert.ok((await page.evaluate(() => window.gradlab.chainTimings.length)) >= 3);
  await page.waitForFunction(() => window.gradlab.snapshot !== null, null, { timeout: 60_000 });
  await page.click('#net-step');
  await page.waitForFunction(() => window.gradlab.snapshot?.epoch === 1, null, { timeout: 120_000 });
  assert.deepEqual(await page.evaluate(() => window.gradlab.errors), []);
  assert.deepEqual(errors, []);
});
