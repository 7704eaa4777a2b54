// The language files agree with the page and with each other: every `data-i18n` key of
// index.html has a translation in every language, no translation is orphaned, and every
// UI sentence keeps the {placeholders} the scripts fill. A missing key would show English
// in the middle of a Chinese page; a lost placeholder would drop a number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LANGUAGES, pickLanguage, setLanguage, t, tn, chartLabels, chainLabels } from '../../www/i18n.js';

const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
const pageKeys = new Set([
  ...[...html.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1]),
  ...[...html.matchAll(/data-i18n-attr="([^"]+)"/g)].flatMap((m) => m[1].split(/\s+/).filter(Boolean).map((p) => p.split(':')[1])),
]);
// Keys that scripts set on the elements they make (`el.dataset.i18n = '…'`), with
// `${name}` standing for each embeddable widget.
const { WIDGETS } = await import('../../www/url.js');
for (const file of ['share.js', 'export.js']) {
  const js = readFileSync(new URL(`../../www/${file}`, import.meta.url), 'utf8');
  const found = [
    ...[...js.matchAll(/dataset\.i18n = [`']([^`']+)[`']/g)].map((m) => m[1]),
    ...[...js.matchAll(/dataset\.i18nAttr = [`']([^`']+)[`']/g)].flatMap((m) => m[1].split(/\s+/).map((p) => p.split(':')[1])),
  ];
  for (const k of found) {
    if (k.includes('${name}')) for (const w of Object.keys(WIDGETS)) pageKeys.add(k.replace('${name}', w));
    else if (k.includes('${fmt}')) for (const f of ['png', 'svg', 'csv', 'json']) pageKeys.add(k.replace('${fmt}', f));
    else pageKeys.add(k);
  }
}
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const base = (k) => k.replace(/\.(one|other)$/, '');

test('index.html marks its text for translation', () => {
  assert.ok(pageKeys.size > 80, `only ${pageKeys.size} keys in index.html`);
});

for (const [code, lang] of Object.entries(LANGUAGES)) {
  if (code === 'en') continue;
  test(`${code}: every key of the page is translated, and nothing else`, () => {
    const keys = new Set(Object.keys(lang.page));
    assert.deepEqual([...pageKeys].filter((k) => !keys.has(k)), [], 'keys of index.html without a translation');
    assert.deepEqual([...keys].filter((k) => !pageKeys.has(k)), [], 'translations of keys index.html does not have');
    for (const [k, v] of Object.entries(lang.page)) assert.ok(v.trim().length > 0, `${code}.page["${k}"] is empty`);
  });
  test(`${code}: every UI sentence exists and keeps its placeholders`, () => {
    const en = LANGUAGES.en.ui;
    const theirs = lang.ui;
    for (const k of Object.keys(en)) {
      const other = theirs[k] ?? theirs[`${base(k)}.other`];
      assert.ok(other !== undefined, `${code}.ui lacks "${k}"`);
      // A language may leave out the count itself in its singular; otherwise same placeholders.
      const want = placeholders(en[k]).filter((p) => !(k.endsWith('.one') && p === 'n'));
      const got = placeholders(other).filter((p) => !(k.endsWith('.one') && p === 'n'));
      assert.deepEqual(got.filter((p) => want.includes(p) || p === 'n'), got, `${code}.ui["${k}"] has unknown placeholders`);
      assert.deepEqual(want.filter((p) => !got.includes(p)), [], `${code}.ui["${k}"] loses placeholders`);
    }
    for (const k of Object.keys(theirs)) assert.ok(k in en || `${base(k)}.other` in en, `${code}.ui has an unknown key "${k}"`);
  });
  test(`${code}: chart labels are a ChartText`, () => {
    const fields = ['gradient', 'norms', 'speed', 'accuracy', 'cost', 'sigma', 'terms', 'product', 'sweep', 'depth'];
    for (const f of fields) {
      const p = lang.charts[f];
      assert.ok(p && typeof p.title === 'string' && typeof p.x === 'string' && typeof p.y === 'string', `${code}.charts.${f}`);
    }
    assert.match(lang.charts.layer, /\{\}/, 'the layer legend keeps {} for its number');
  });
  test(`${code}: the chain's labels for another activation say f′, for every activation`, () => {
    const en = LANGUAGES.en.chainF;
    const f = lang.chainF;
    assert.ok(f, `${code}.chainF`);
    for (const part of ['sigma', 'terms', 'product']) {
      for (const k of ['title', 'x', 'y']) assert.equal(typeof f[part][k], 'string', `${code}.chainF.${part}.${k}`);
      assert.doesNotMatch(f[part].title + f[part].y, /σ/, `${code}.chainF.${part} says f′, not σ′`);
    }
    assert.match(f.sigma.title, /\{f\}/);
    assert.deepEqual(Object.keys(f.peak).sort(), Object.keys(en.peak).sort());
    assert.deepEqual(Object.keys(f.names).sort(), Object.keys(en.names).sort());
    setLanguage(code);
    try {
      const c = JSON.parse(chainLabels('tanh'));
      assert.equal(c.peak, f.peak.tanh);
      assert.match(c.sigma.title, /tanh/);
      assert.equal(c.layer, lang.charts.layer, 'the other labels stay the language\'s');
    } finally {
      setLanguage('en');
    }
  });
}

test('zh: Chinese text takes full-width punctuation', () => {
  // ASCII punctuation against a Chinese character ("标题. 摘要", "(权重") once slipped in
  // through an editor that folds full-width characters; formulas like N(0, 1) stay ASCII.
  const zh = LANGUAGES.zh;
  for (const [part, strings] of [['page', zh.page], ['ui', zh.ui]]) {
    for (const [k, v] of Object.entries(strings)) {
      assert.doesNotMatch(v, /[\u4e00-\u9fff][.,;:()!?]|[,;:()!?][\u4e00-\u9fff]/, `zh.${part}["${k}"]`);
    }
  }
  for (const k of ['cd.sep', 'link.sep', 'data.sep', 'error.at', 'export.label']) assert.doesNotMatch(zh.ui[k], /[.,;:]/, `zh.ui["${k}"]`);
});

test('the language follows the link, then the browser, then English', () => {
  assert.equal(pickLanguage('zh', ['en-GB']), 'zh');
  assert.equal(pickLanguage(null, ['zh-CN', 'en']), 'zh');
  assert.equal(pickLanguage(null, ['fr-FR', 'zh-TW']), 'zh');
  assert.equal(pickLanguage(undefined, ['fr-FR']), 'en');
  for (const hostile of ['__proto__', 'constructor', 'toString', '', 'ZH', '<script>']) assert.equal(pickLanguage(hostile, []), 'en');
});

test('sentences fill their placeholders and pick singular or plural', () => {
  setLanguage('en');
  assert.equal(tn('terms', 1), '1 term');
  assert.equal(tn('terms', 4), '4 terms');
  assert.equal(t('cd.slower', { x: '95', last: 4 }), 'layer 1 learns 95 times more slowly than layer 4');
  assert.equal(chartLabels(), '', 'English charts use the core default');
  setLanguage('zh');
  assert.equal(tn('terms', 1), '1 项');
  assert.equal(t('cd.slower', { x: '95', last: 4 }), '第 1 层的学习速度比第 4 层慢 95 倍');
  assert.equal(JSON.parse(chartLabels()).book, '书中数值');
  assert.throws(() => t('no.such.key'), /no string/);
  setLanguage('en');
});
