// www/url.js: links in, links out; a link is input from anyone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTINGS, ARCHITECTURE, defaults } from '../../www/state.js';
import { readLink, hashOf, pageLink, embedLink, embedKeys, WIDGETS } from '../../www/url.js';

test('a section anchor is not settings; settings in the hash are read', () => {
  assert.equal(readLink('', '#network').anchor, 'network');
  const l = readLink('', '#net.hidden=4&chain.w=0.5');
  assert.equal(l.anchor, null);
  assert.equal(l.state['net.hidden'], 4);
  assert.equal(l.state['chain.w'], 0.5);
  assert.equal(l.notice, '');
});

test('an embed link names a widget; an unknown one shows the whole page and says so', () => {
  assert.equal(readLink('?embed=chain', '').widget, 'chain');
  const l = readLink('?embed=pie', '');
  assert.equal(l.widget, null);
  assert.equal(l.ignored[0].reason, 'no such widget');
});

test("every widget's keys are settings, and its embed link carries only them", () => {
  for (const [name, w] of Object.entries(WIDGETS)) {
    assert.ok(w.keys.every((k) => Object.hasOwn(SETTINGS, k)), name);
  }
  assert.deepEqual(WIDGETS.bars.keys, ARCHITECTURE);
  const s = { ...defaults(), 'net.hidden': 2, 'chain.layers': 8 };
  const link = embedLink('https://x.test/', 'bars', s);
  assert.equal(link, 'https://x.test/?embed=bars#net.hidden=2');
  assert.deepEqual(embedKeys('bars').slice(-2), ['lang', 'theme']);
  assert.equal(hashOf(s), 'chain.layers=8&net.hidden=2');
  assert.equal(pageLink('https://x.test/', defaults()), 'https://x.test/');
});

test('a hostile link never throws', () => {
  for (const h of ['#%', '#a=%E0%A4%A', `#${'x'.repeat(100_000)}=1`, '#net.hidden=1e400']) {
    assert.doesNotThrow(() => readLink('?embed=%', h));
  }
  assert.equal(readLink('', '#net.hidden=1e400').state['net.hidden'], SETTINGS['net.hidden'].max);
});

test('a link naming an activation or initialisation that does not exist says which names there are, in each language', async () => {
  const { setLanguage } = await import('../../www/i18n.js');
  const hostile = `#net.activation=${'x'.repeat(5000)}&net.init=xavier`;
  try {
    const en = readLink('', hostile);
    assert.equal(en.state['net.activation'], 'sigmoid');
    assert.equal(en.state['net.init'], 'scaled');
    assert.match(en.notice, /ignored “net\.init” \(“xavier” is not one of scaled, large, zero, glorot, he, orthogonal; using scaled\)/);
    assert.match(en.notice, /“x{32}…” is not one of sigmoid, tanh, relu, leaky-relu; using sigmoid/, 'a long value is cut');
    assert.ok(en.notice.length < 400, en.notice);
    setLanguage('zh');
    const zh = readLink('', hostile);
    assert.match(zh.notice, /“xavier”不在 scaled, large, zero, glorot, he, orthogonal 之中；改用 scaled/);
  } finally {
    setLanguage('en');
  }
});
