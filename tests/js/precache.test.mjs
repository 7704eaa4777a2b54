// The service worker (sw.js) stores every module of the page at install, so the lab works
// offline from its first visit: a module added to www/ but not to PRECACHE would be
// missing offline until the page had loaded it once online.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const sw = readFileSync(new URL('sw.js', root), 'utf8');
const precached = new Set([...sw.matchAll(/^\s*'([^']+)',$/gm)].map((m) => m[1]));

test('every module of www/ is precached by the service worker', () => {
  const modules = [
    ...readdirSync(new URL('www/', root)).filter((f) => f.endsWith('.js')).map((f) => `www/${f}`),
    ...readdirSync(new URL('www/i18n/', root)).filter((f) => f.endsWith('.js')).map((f) => `www/i18n/${f}`),
  ];
  assert.ok(modules.length > 10);
  assert.deepEqual(modules.filter((m) => !precached.has(m)), []);
});
