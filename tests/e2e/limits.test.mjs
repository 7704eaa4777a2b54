// Limits on the page (issue "Hardening"): a value typed outside a setting's range is
// clamped (www/state.js SETTINGS) and the limit is stated under the field (www/limits.js),
// so nothing changes silently; a valid value removes the note.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openLab, shot } from './helpers.mjs';

let lab;
before(async () => {
  lab = await start();
});
after(async () => lab?.close());

/** Type as a user does (select, type, Enter) and read back the field, the note and the state. */
async function typeInto(page, id, key, value) {
  await page.fill(`#${id}`, String(value));
  await page.press(`#${id}`, 'Enter');
  return page.evaluate(([id, key]) => {
    const note = document.getElementById(`${id}-limit`);
    return {
      field: document.getElementById(id).value,
      note: note && !note.hidden ? note.textContent : '',
      state: window.gradlab.state[key],
      described: document.getElementById(id).getAttribute('aria-describedby') ?? '',
    };
  }, [id, key]);
}

test('out-of-range values are clamped and the limit is stated next to the field', async () => {
  const { page, url, errors } = lab;
  await openLab(page, url);
  // [field, setting, typed, value used, note]
  const cases = [
    ['net-miniBatch', 'net.miniBatch', 5000, 1000, 'At most 1,000: using 1,000.'],
    ['net-miniBatch', 'net.miniBatch', 0, 1, 'At least 1: using 1.'],
    ['net-miniBatch', 'net.miniBatch', 2.5, 3, 'Whole numbers only: using 3.'],
    ['net-eta', 'net.eta', 1000, 100, 'At most 100: using 100.'],
    ['net-eta', 'net.eta', 0, 0.0001, 'At least 0.0001: using 0.0001.'],
    ['net-lambda', 'net.lambda', -3, 0, 'At least 0: using 0.'],
    ['net-lambda', 'net.lambda', 1e6, 1000, 'At most 1,000: using 1,000.'],
    ['net-epochs', 'net.epochs', 100000, 1000, 'At most 1,000: using 1,000.'],
    ['net-seed', 'net.seed', 1e12, 4294967295, 'At most 4,294,967,295: using 4,294,967,295.'],
    ['net-seed', 'net.seed', -5, 0, 'At least 0: using 0.'],
    ['book-seed', 'book.seed', -1, 0, 'At least 0: using 0.'],
    ['book-normSeeds', 'book.normSeeds', 50, 20, 'At most 20: using 20.'],
    ['book-speedEpochs', 'book.speedEpochs', 9999, 2000, 'At most 2,000: using 2,000.'],
    ['book-depthEpochs', 'book.depthEpochs', 99, 30, 'At most 30: using 30.'],
    ['book-depthRuns', 'book.depthRuns', 0, 1, 'At least 1: using 1.'],
    ['chain-w-num', 'chain.w', 500, 199.6, 'At most 199.6: using 199.6.'],
    ['chain-w-num', 'chain.w', -1e9, -199.6, 'At least -199.6: using -199.6.'],
    ['chain-b', 'chain.b', 50, 20, 'At most 20: using 20.'],
    ['chain-a0', 'chain.a0', -11, -10, 'At least -10: using -10.'],
  ];
  for (const [id, key, typed, used, note] of cases) {
    const r = await typeInto(page, id, key, typed);
    assert.equal(r.state, used, `${id} ← ${typed}: state`);
    assert.equal(Number(r.field), used, `${id} ← ${typed}: the field shows the value used`);
    assert.equal(r.note, note, `${id} ← ${typed}: note`);
    assert.ok(r.described.includes(`${id}-limit`), `${id}: the note describes the field`);
  }
  await shot(page.locator('#network'), 'limits-network');
  // A blank entry keeps the value and says what is allowed.
  const blank = await typeInto(page, 'net-miniBatch', 'net.miniBatch', '');
  assert.equal(blank.state, 3);
  assert.equal(blank.note, 'Enter a number from 1 to 1,000; keeping 3.');
  // A value in range removes the note.
  for (const [id, key, value] of [['net-miniBatch', 'net.miniBatch', 10], ['net-eta', 'net.eta', 0.1], ['chain-w-num', 'chain.w', 2]]) {
    const r = await typeInto(page, id, key, value);
    assert.equal(r.state, value);
    assert.equal(r.note, '', `${id}: the note is gone`);
  }
  // The clamped settings reached the worker: training with them works.
  assert.deepEqual(errors, []);
  assert.deepEqual(await page.evaluate(() => window.gradlab.errors), []);
});
