// The service worker (sw.js) stores every module of the page at install, so the lab works
// offline from its first visit: a module added to www/ (or a folder of it) but not to
// PRECACHE would be missing offline until the page had loaded it once online.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const sw = readFileSync(new URL('sw.js', root), 'utf8');
const precached = new Set([...sw.matchAll(/^\s*'([^']+)',$/gm)].map((m) => m[1]));

/** Every .js file under www/, sub-folders included, but not the built package. */
function modules(dir = 'www') {
  return readdirSync(new URL(`${dir}/`, root), { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === 'pkg' || e.name === 'data' ? [] : modules(`${dir}/${e.name}`);
    return e.name.endsWith('.js') ? [`${dir}/${e.name}`] : [];
  });
}

test('every module of www/ and its sub-folders is precached by the service worker', () => {
  const all = modules();
  assert.ok(all.length > 20);
  assert.ok(all.includes('www/app/network.js') && all.includes('www/worker/panel.js'));
  assert.deepEqual(all.filter((m) => !precached.has(m)), []);
});

test('every precached module exists', () => {
  const all = new Set(modules());
  const listed = [...precached].filter((p) => p.startsWith('www/') && p.endsWith('.js') && !p.startsWith('www/pkg/'));
  assert.deepEqual(listed.filter((p) => !all.has(p)), []);
});
