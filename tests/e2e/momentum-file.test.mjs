// Issue 12: the training setting "momentum" in the page's network files, as a user: a
// network downloaded while the panel trains with momentum carries μ, Nesterov and the
// schedule; loading it sets the panel's again; a file without the key leaves the panel's
// as they were; a μ the panel does not offer becomes the nearest one, and the page says so;
// μ ≥ 1 is refused by name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, openLab } from './helpers.mjs';

let lab;
let dir;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gradlab-momentum-file-'));
  lab = await start();
  await openLab(lab.page, `${lab.url}#net.hidden=1&net.momentum=0.9&net.nesterov=true`);
});
after(async () => {
  await lab?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function load(page, path) {
  const before = await page.textContent('#net-load-msg');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#net-load')]);
  await chooser.setFiles(path);
  await page.waitForFunction((b) => {
    const m = document.getElementById('net-load-msg').textContent;
    return m !== b && !/^Loading/.test(m);
  }, before, { timeout: 30_000 });
  return page.textContent('#net-load-msg');
}

const panel = (page) => page.evaluate(() => ({ mu: document.getElementById('net-momentum').value, nesterov: document.getElementById('net-nesterov').checked, schedule: document.getElementById('net-schedule').checked }));

test('downloaded with μ 0.9 and Nesterov, the file loads them back into the panel', async () => {
  const { page, errors } = lab;
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#net-download')]);
  const text = readFileSync(await d.path(), 'utf8');
  const file = JSON.parse(text);
  assert.deepEqual(file.momentum, { mu: 0.9, nesterov: true, schedule: false });
  const saved = join(dir, 'with-momentum.json');
  writeFileSync(saved, text);
  // The panel back to plain SGD, by keyboard (a closed select steps with the arrow keys).
  await page.focus('#net-momentum');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => location.hash.includes('net.momentum=0') || !location.hash.includes('net.momentum'));
  assert.equal((await panel(page)).mu, '0');
  const message = await load(page, saved);
  assert.match(message, /^Loaded “with-momentum\.json”/);
  assert.doesNotMatch(message, /not one of the panel’s choices/);
  assert.deepEqual(await panel(page), { mu: '0.9', nesterov: true, schedule: false });
  assert.deepEqual(errors, []);
});

test('a file without the key leaves the panel’s momentum; another μ becomes the nearest; μ = 1 is refused', async () => {
  const { page, errors } = lab;
  const plain = JSON.parse(readFileSync(join(dir, 'with-momentum.json'), 'utf8'));
  delete plain.momentum;
  writeFileSync(join(dir, 'plain.json'), JSON.stringify(plain));
  writeFileSync(join(dir, 'mu-095.json'), JSON.stringify({ ...plain, momentum: { mu: 0.95, nesterov: false, schedule: true } }));
  writeFileSync(join(dir, 'mu-1.json'), JSON.stringify({ ...plain, momentum: { mu: 1, nesterov: false, schedule: false } }));
  assert.match(await load(page, join(dir, 'plain.json')), /^Loaded “plain\.json”/);
  assert.deepEqual(await panel(page), { mu: '0.9', nesterov: true, schedule: false });
  const message = await load(page, join(dir, 'mu-095.json'));
  assert.match(message, /Its momentum μ = 0\.95 is not one of the panel’s choices: the panel trains on with μ = 0\.99\./);
  assert.deepEqual(await panel(page), { mu: '0.99', nesterov: false, schedule: true });
  const refused = await load(page, join(dir, 'mu-1.json'));
  assert.match(refused, /"momentum": μ \("mu"\) must be a number in \[0, 1\), but is 1/);
  // The session carries on with the network and settings it had.
  assert.deepEqual(await panel(page), { mu: '0.99', nesterov: false, schedule: true });
  assert.deepEqual(errors, []);
});
