// gradlab on somebody else's page, in one line. A host page loads this file once —
//   <script type="module" src="https://you.github.io/gradlab/www/embed.js"></script>
// (a plain <script src> works too: mdBook's `additional-js` writes one) — and then writes
//   <gradlab-widget view="chain" settings="chain.w=0.8"></gradlab-widget>
// wherever a widget goes. The element makes the widget's <iframe>, starts it only when it
// comes near the screen (a chapter with ten widgets does not start ten wasm instances and
// workers at load), and keeps it as tall as the widget says it is. The same script also
// sizes every plain gradlab <iframe> on the page (the snippet for hosts that strip
// elements they don't know), so it is the only host-side code gradlab has.
//
// Written as a classic script with no imports, so that both ways of loading it work.
(function () {
  'use strict';
  if (window.customElements?.get('gradlab-widget')) return; // loaded twice

  // Where the lab is: index.html beside this script's folder. A module has no
  // `document.currentScript`, so the script element is looked for by its name.
  const self = document.currentScript ?? [...document.querySelectorAll('script[src]')].find((s) => /(^|\/)embed\.js([?#]|$)/.test(s.getAttribute('src')));
  const lab = new URL('../index.html', self ? self.src : location.href);

  /**
   * Each widget's height before it reports its own, so the page does not jump more than it
   * must. The same numbers as `WIDGETS` in url.js (tests/js/embed.test.mjs checks).
   */
  const START_HEIGHT = { chain: 900, bars: 760, speed: 900, network: 1800, chapter: 1400, 'chapter-bars': 300, 'chapter-norms': 300, 'chapter-speed': 300, 'chapter-depth': 300, compare: 1700, inside: 5000 };
  /** A widget starts this far (px) before it scrolls into view. */
  const AHEAD = '300px 0px';
  const MAX_HEIGHT = 20000;

  /**
   * Size `frame` so that its viewport — the widget's window — is `height` CSS pixels
   * tall. With `box-sizing: border-box` (a common reset) the CSS height includes the
   * iframe's border and padding, which must be added, or the widget is a few pixels short
   * and shows a scrollbar of its own.
   */
  function fit(frame, height) {
    const h = Math.min(MAX_HEIGHT, Math.max(50, Math.ceil(height)));
    const cs = getComputedStyle(frame);
    const px = (p) => parseFloat(cs.getPropertyValue(p)) || 0;
    const extra = cs.boxSizing === 'border-box' ? px('border-top-width') + px('border-bottom-width') + px('padding-top') + px('padding-bottom') : 0;
    frame.style.height = `${h + extra}px`;
  }

  /** The iframe on this page whose window sent `source`, if any. */
  function frameOf(source) {
    for (const frame of document.querySelectorAll('iframe')) if (frame.contentWindow === source) return frame;
    return null;
  }

  addEventListener('message', (e) => {
    if (e.data?.type !== 'gradlab:height' || !Number.isFinite(e.data.height)) return;
    const frame = frameOf(e.source);
    if (!frame) return;
    fit(frame, e.data.height);
    // The widget then stops scrolling on its own (www/share.js reportHeight).
    e.source.postMessage({ type: 'gradlab:sized' }, '*');
  });
  // A widget that reported before this script ran is asked again.
  const ping = () => {
    for (const frame of document.querySelectorAll('iframe')) frame.contentWindow?.postMessage({ type: 'gradlab:ping' }, '*');
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ping);
  else ping();

  /** 'light' or 'dark' from the host page's own background, or '' when it has none. */
  function hostTheme(el) {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(getComputedStyle(node).backgroundColor);
      if (!m || m[4] === '0') continue;
      const [r, g, b] = [m[1], m[2], m[3]].map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? 'dark' : 'light';
    }
    return '';
  }

  const seen = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        seen.unobserve(e.target);
        e.target.start();
      }
    },
    { rootMargin: AHEAD },
  );

  class GradlabWidget extends HTMLElement {
    static get observedAttributes() {
      return ['view', 'settings', 'lang', 'theme'];
    }

    connectedCallback() {
      if (!this.frame) {
        const view = this.view();
        this.frame = document.createElement('iframe');
        this.frame.title = this.getAttribute('title') || `gradlab: ${view}`;
        this.frame.width = '100%';
        this.frame.setAttribute('frameborder', '0');
        this.frame.allow = 'clipboard-write; fullscreen';
        this.frame.allowFullscreen = true;
        this.frame.style.cssText = 'display:block;width:100%;border:0;';
        this.frame.style.height = `${START_HEIGHT[view] ?? 600}px`;
        this.style.display = 'block';
        this.append(this.frame);
      }
      if (!this.started) seen.observe(this);
    }

    disconnectedCallback() {
      seen.unobserve(this);
    }

    attributeChangedCallback() {
      if (this.started) this.frame.src = this.src();
    }

    /** The widget named by `view` (the lab shows the whole page for an unknown one, and says so). */
    view() {
      return this.getAttribute('view') || 'chain';
    }

    /** The widget's address: `settings` as the link's hash, plus the language and theme asked for. */
    src() {
      const hash = new URLSearchParams(this.getAttribute('settings') || '');
      for (const key of ['lang', 'theme']) {
        const v = this.getAttribute(key) ?? (key === 'theme' ? hostTheme(this.parentElement) : '');
        if (v && !hash.has(key)) hash.set(key, v);
      }
      const h = hash.toString();
      return `${lab.href}?embed=${encodeURIComponent(this.view())}${h ? `#${h}` : ''}`;
    }

    /** Load the widget (once it is near the screen). */
    start() {
      this.started = true;
      this.frame.src = this.src();
    }
  }
  customElements.define('gradlab-widget', GradlabWidget);
  window.gradlabEmbed = { fit, lab: lab.href, START_HEIGHT };
})();
