// www/recovery.js: when the page restarts a crashed worker, and what it says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heartbeat, restartBudget, restartNotice } from '../../www/recovery.js';

test('at most three restarts a minute', () => {
  const allow = restartBudget({ max: 3, windowMs: 60_000 });
  assert.deepEqual([allow(), allow(), allow(), allow()], [true, true, true, false]);
});

test('the notice says what came back', () => {
  assert.match(restartNotice('it stopped.', 4), /4/);
  assert.notEqual(restartNotice('x', 0), restartNotice('x', 4));
  assert.notEqual(restartNotice('x', 4, true), restartNotice('x', 4));
});

test('a ping left unanswered declares the worker dead; an answered one does not', async () => {
  const sent = [];
  let deaths = 0;
  const beat = heartbeat({ post: (m) => sent.push(m), dead: () => deaths++, alive: () => true, everyMs: 5, timeoutMs: 20 });
  await new Promise((r) => setTimeout(r, 12));
  assert.ok(sent.length >= 1);
  beat.pong(sent.at(-1).seq);
  await new Promise((r) => setTimeout(r, 60));
  beat.stop();
  assert.ok(deaths >= 1, 'the later pings went unanswered');
  const quiet = heartbeat({ post: (m) => quiet.pong(m.seq), dead: () => assert.fail('answered'), alive: () => true, everyMs: 5, timeoutMs: 20 });
  await new Promise((r) => setTimeout(r, 60));
  quiet.stop();
});
