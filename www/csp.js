// The page runs under a strict Content-Security-Policy (index.html: default-src 'self'),
// which blocks inline style attributes. One piece of the wasm core needs one: plotters
// measures text on the web (plotters/src/style/font/web.rs, `estimate_layout`) by adding a
// <span> with `setAttribute('style', 'font-size: …px; …')` to the body and reading its size.
// Blocked, the span keeps the body's font, every chart measures its labels at the wrong
// size (off by the device-pixel ratio on a high-DPI screen), and each draw logs a CSP
// violation. Setting the same declarations through the CSSOM (`el.style.cssText`) is not
// an inline style attribute and CSP allows it, so for <span>s — the only element plotters
// measures with — `setAttribute('style', v)` is redirected there. Nothing else changes.

/** Install the redirect once (idempotent). */
export function allowTextMeasuring() {
  const proto = HTMLSpanElement.prototype;
  if (proto.setAttribute.gradlabCsp) return;
  const setAttribute = proto.setAttribute;
  const patched = function (name, value) {
    if (String(name).toLowerCase() === 'style') {
      this.style.cssText = String(value);
      return;
    }
    setAttribute.call(this, name, value);
  };
  patched.gradlabCsp = true;
  proto.setAttribute = patched;
}
