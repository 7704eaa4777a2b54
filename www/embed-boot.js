// Runs before the body is parsed (a classic script in <head>, a file so that the page's
// CSP needs no 'unsafe-inline'): in an embed (index.html?embed=chain) it marks <html>,
// so the stylesheet hides the page's chrome from the first paint rather than once the
// modules have loaded. share.js does the rest (which parts of the section stay).
(function () {
  var m = /[?&]embed=([^&#]*)/.exec(location.search);
  if (!m) return;
  var name = m[1];
  try {
    name = decodeURIComponent(name);
  } catch (e) {
    /* a malformed escape: keep it raw; share.js reports the unknown widget */
  }
  document.documentElement.setAttribute('data-embed', name.slice(0, 40));
})();

// The colours before the first paint, on the whole page and in an embed: the link's
// theme=light|dark, else the system's (prefers-color-scheme), so a dark embed never
// flashes light. main.js keeps data-theme current (the setting `theme`, a system switch).
(function () {
  var m = /[#&]theme=([^&]*)/.exec(location.hash);
  var asked = m && (m[1] === 'light' || m[1] === 'dark') ? m[1] : '';
  var dark = asked ? asked === 'dark' : !!(window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
})();
