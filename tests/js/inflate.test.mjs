// The worker's gzip inflation (www/worker/data.js): the wasm core has no inflater, so the
// browser's DecompressionStream does it, bounded like the core's native one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { inflate } from '../../www/worker/data.js';

test('gzip is inflated to the same bytes, raw bytes pass through', async () => {
  const raw = new Uint8Array(70_000).map((_, i) => (i * 31) % 251);
  assert.deepEqual(await inflate('x', gzipSync(raw), 1 << 20), raw);
  assert.equal(await inflate('x', raw, 10), raw, 'not gzip: the same array, whatever the bound');
  const labels = readFileSync(new URL('../../www/data/train-labels-idx1-ubyte.gz', import.meta.url));
  const idx = await inflate('labels', labels, 1 << 20);
  assert.deepEqual([...idx.subarray(0, 4)], [0, 0, 8, 1], 'an IDX label file');
});

test('a file that inflates past the bound fails, naming the file and the bound', async () => {
  const bomb = gzipSync(new Uint8Array(8 << 20));
  assert.ok(bomb.length < 16_000);
  await assert.rejects(inflate('bomb.gz', bomb, 1 << 20), /^Error: bomb\.gz: inflates past the limit of 1048576 bytes$/);
  assert.equal((await inflate('bomb.gz', bomb, 8 << 20)).length, 8 << 20, 'the bound is inclusive');
});

test('truncated or corrupt gzip fails with one sentence naming the file', async () => {
  const z = gzipSync(new Uint8Array(5000).fill(7));
  await assert.rejects(inflate('cut.gz', z.subarray(0, z.length >> 1), 1 << 20), /^Error: cut\.gz: corrupt or truncated gzip data \(/);
  const badCrc = Uint8Array.from(z);
  badCrc[badCrc.length - 8] ^= 1;
  await assert.rejects(inflate('crc.gz', badCrc, 1 << 20), /^Error: crc\.gz: corrupt or truncated gzip data \(/);
});
