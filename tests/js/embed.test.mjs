// www/embed.js is a classic script for host pages (no imports), so it keeps its own copy of
// each widget's starting height: here it is read in a bare sandbox and checked against
// url.js's WIDGETS, the one place those heights are decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { WIDGETS } from '../../www/url.js';

const source = readFileSync(new URL('../../www/embed.js', import.meta.url), 'utf8');

/** Run embed.js against a minimal window and return what it publishes (window.gradlabEmbed). */
function load() {
  const defined = {};
  const window = {
    customElements: { get: (n) => defined[n], define: (n, c) => (defined[n] = c) },
    addEventListener() {},
  };
  const sandbox = {
    window,
    addEventListener() {},
    location: { href: 'https://host.example/notes/ch5.html' },
    document: {
      currentScript: { src: 'https://lab.example/gradlab/www/embed.js' },
      readyState: 'complete',
      querySelectorAll: () => [],
      addEventListener() {},
    },
    HTMLElement: class {},
    IntersectionObserver: class { observe() {} unobserve() {} },
    customElements: window.customElements,
    URL,
    URLSearchParams,
  };
  vm.runInNewContext(source, sandbox);
  return { api: window.gradlabEmbed, defined };
}

test("embed.js starts every widget at url.js's height, and knows no other widget", () => {
  const { api, defined } = load();
  assert.ok(defined['gradlab-widget'], 'defines <gradlab-widget>');
  const fromUrl = Object.fromEntries(Object.entries(WIDGETS).map(([k, w]) => [k, w.height]));
  assert.deepEqual({ ...api.START_HEIGHT }, fromUrl);
});

test('embed.js finds the lab beside the folder it was loaded from', () => {
  assert.equal(load().api.lab, 'https://lab.example/gradlab/index.html');
});
