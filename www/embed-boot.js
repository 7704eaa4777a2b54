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
