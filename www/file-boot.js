// Opened from disk (file://), the page cannot run in Chromium: it loads no module scripts
// there (www/main.js never starts), and the worker could fetch neither the wasm core nor the
// digits. Without a word the reader would see a page whose buttons do nothing. So this
// classic script — classic scripts still load from file:// (it is a file, not inline, so the
// page's CSP `script-src 'self'` needs no 'unsafe-inline') — says how to open it instead, in
// a banner like the page's own (role=alert). Only if the modules did not start: Firefox
// (ESR 153, checked) runs the page from a folder on disk, modules, worker and digits alike.
// Module scripts run before DOMContentLoaded, and main.js sets `window.gradlab` as it starts,
// so by then its absence means they were refused.
//
// Its two sentences live here, not in www/i18n/*.js: those are ES modules, and a classic
// script cannot import a module (nor load it on file://). The language is chosen as
// www/i18n.js `pickLanguage` does: the link's `lang` (#…&lang=zh), else the browser's first
// known language. The single file (scripts/single-file.mjs), which works from disk, leaves
// this script out.
(function () {
  if (location.protocol !== 'file:') return;
  var TEXT = {
    en: {
      title: 'This page cannot run when opened from a file.',
      text:
        'This browser does not let a page opened from disk load its scripts and data. Serve this folder with any static web server — ' +
        'for example, run <code>python3 -m http.server</code> in this folder, then open <code>http://localhost:8000/</code> — ' +
        'or open <a href="gradlab.html">gradlab.html</a> in this folder, the single-file version, which works from disk ' +
        '(<code>bash scripts/dist.sh</code> puts it beside <code>index.html</code>).',
    },
    zh: {
      title: '此页面无法直接从文件打开运行。',
      text:
        '此浏览器不允许从磁盘打开的页面加载它的脚本和数据。请用任意静态网页服务器提供此文件夹——' +
        '例如在此文件夹中运行 <code>python3 -m http.server</code>，然后打开 <code>http://localhost:8000/</code>——' +
        '或者打开此文件夹中的 <a href="gradlab.html">gradlab.html</a>——单文件版本，它可以直接从磁盘打开' +
        '（<code>bash scripts/dist.sh</code> 会把它放在 <code>index.html</code> 旁边）。',
    },
  };
  function pick() {
    var m = /[#&]lang=([^&]*)/.exec(location.hash);
    if (m && Object.prototype.hasOwnProperty.call(TEXT, m[1])) return m[1];
    var tags = navigator.languages || [navigator.language || ''];
    for (var i = 0; i < tags.length; i++) {
      var base = String(tags[i]).toLowerCase().split('-')[0];
      if (Object.prototype.hasOwnProperty.call(TEXT, base)) return base;
    }
    return 'en';
  }
  function show() {
    if (window.gradlab) return; // the modules run here after all
    var lang = pick();
    var box = document.createElement('div');
    box.className = 'banner file-banner';
    box.id = 'file-banner';
    box.setAttribute('role', 'alert');
    box.setAttribute('lang', lang === 'zh' ? 'zh-CN' : 'en');
    // Our own constant text (no part of the address goes into it).
    box.innerHTML = '<p><strong>' + TEXT[lang].title + '</strong> ' + TEXT[lang].text + '</p>';
    document.body.insertBefore(box, document.body.firstChild);
  }
  document.addEventListener('DOMContentLoaded', show);
})();
