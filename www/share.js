// Sharing and embedding, on the page: the "Copy link" and "Copy embed code" controls, the
// notice about a link's adjusted settings, the URL hash kept up to date, and — in an
// embed (`?embed=<widget>`) — the page cut down to one widget that reports its height to
// the page around its iframe. Beside ui.js, this is the only module touching the DOM; it
// owns none of ui.js's elements, only hides sections in an embed and adds its own rows.
// The links themselves are built by url.js (pure).

import { t } from './i18n.js';
import { WIDGETS, baseOf, pageLink, embedLink, embedCode, embedKeys, hashOf, debounce } from './url.js';

const $ = (id) => document.getElementById(id);

/**
 * What each widget shows of the page: the section it lives in, the parts of that
 * section it keeps (a direct child of the section is kept when it matches or contains
 * one; the rest — prose, other charts — is hidden), parts hidden inside those, and where
 * its "Copy embed code" row goes on the whole page.
 */
const LAYOUT = {
  chain: { section: 'chain', keep: ['#chain-controls', '#chain-act-note', '#chain-readout', '#chain-canvas', '.table-wrap', '#chain-band-view'], row: '#chain-canvas' },
  bars: {
    section: 'network',
    keep: ['#net-controls', '#net-notice', '#net-norms', '.chart-pair'],
    // The bars need only the architecture: the training half of the panel goes.
    hide: ['#net-controls fieldset:has(#net-eta)', '#net-controls .actions'],
    row: '.chart-pair',
  },
  speed: { section: 'network', keep: ['#net-controls', '#net-notice', '#net-norms', '#net-speed'], row: '#net-speed' },
  network: { section: 'network', keep: ['#net-controls', '#net-notice', '#net-norms', '.chart-pair', '#net-speed', '#net-training', 'h3'], row: '#net-training' },
  chapter: { section: 'chapter', keep: ['.panel', '#book-notice', '.experiment'], row: '.panel.compact' },
  'chapter-bars': { section: 'chapter', keep: ['.panel', '#book-notice', '#exp-bars'], row: '#exp-bars' },
  'chapter-norms': { section: 'chapter', keep: ['.panel', '#book-notice', '#exp-norms'], row: '#exp-norms' },
  'chapter-speed': { section: 'chapter', keep: ['.panel', '#book-notice', '#exp-speed'], row: '#exp-speed' },
  'chapter-depth': { section: 'chapter', keep: ['.panel', '#book-notice', '#exp-depth'], row: '#exp-depth' },
  compare: { section: 'compare', keep: ['#cmp-controls', '#cmp-setups', '#cmp-custom', '#cmp-book', 'figure'], row: '#cmp-training' },
  inside: { section: 'network', keep: ['#net-controls', '#net-notice', '#inside'], row: '#inside-updates' },
};

/** The words of each widget's "Copy embed code" row on the whole page. */
const ROW_TEXT = {
  chain: 'the chain',
  bars: 'the gradient bars and ‖δˡ‖',
  speed: 'the speed-of-learning chart with its controls',
  network: 'the whole network panel',
  chapter: 'all four experiments',
  'chapter-bars': 'this experiment',
  'chapter-norms': 'this experiment',
  'chapter-speed': 'this experiment',
  'chapter-depth': 'this experiment',
  compare: 'the comparison',
  inside: 'the view inside the network',
};

/**
 * Set up sharing for `state` (the page's settings object, read whenever a link is made).
 * `link` is url.js's `readLink` of the address the page was opened at. Returns
 * {changed(): call after any setting changed, flush(): write the hash now}.
 */
export function createShare(state, link, hooks = {}) {
  const widget = link.widget;
  const base = baseOf(location.href);
  /** Keeps an embed's "Open in gradlab" link on the current settings (set in embedMode). */
  let refreshOpen = () => {};

  notice(link.notice);
  if (widget) embedMode(widget);
  else {
    // embed-boot.js marks any ?embed=…; an unknown widget shows the whole page instead.
    delete document.documentElement.dataset.embed;
    pageMode();
  }

  // The hash follows the settings, replaced (not pushed: the back button should leave the
  // page, not step through every slider position), and debounced.
  const write = debounce(() => {
    const h = widget ? hashOf(state, embedKeys(widget)) : hashOf(state); // an embed keeps its lang and theme
    const url = `${location.pathname}${location.search}${h ? `#${h}` : ''}`;
    if (`${location.pathname}${location.search}${location.hash}` !== url) history.replaceState(history.state, '', url);
    hooks.hashWrites = (hooks.hashWrites ?? 0) + 1;
    refreshOpen();
  }, 250);
  addEventListener('pagehide', () => write.flush());
  // A link that needed adjusting is replaced by the settings actually in use.
  if (link.ignored.length || link.clamped.length) write();

  // ------------------------------------------------------------ full screen
  /**
   * A "Full screen" button for `target` (a section of the page, or the whole embed), for a
   * teacher projecting in class: the Fullscreen API, with type and charts scaled up for the
   * room (style.css, ui.js `ROOM`). Not shown where full screen is not allowed (an iframe
   * without `allowfullscreen`).
   */
  function fullscreenButton(target) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'fullscreen-button';
    button.hidden = !document.fullscreenEnabled;
    const label = () => {
      const on = document.fullscreenElement === target;
      button.dataset.key = on ? 'share.fullscreenExit' : 'share.fullscreen';
      button.textContent = t(button.dataset.key);
      button.setAttribute('aria-pressed', String(on));
    };
    button.addEventListener('click', () => {
      const go = document.fullscreenElement === target ? document.exitFullscreen() : target.requestFullscreen();
      go.catch((e) => notice(t('share.fullscreenRefused', { why: e.message })));
    });
    document.addEventListener('fullscreenchange', label);
    label();
    return button;
  }

  // ------------------------------------------------------------ the whole page
  function pageMode() {
    const button = $('copy-link');
    if (button) button.addEventListener('click', () => copy(pageLink(base, state), button.closest('.share-row')));
    for (const [name, l] of Object.entries(LAYOUT)) {
      const anchor = document.querySelector(`#${l.section} ${l.row}`);
      if (!anchor) continue;
      const row = shareRow(`Copy embed code`, `for ${ROW_TEXT[name]}`);
      row.dataset.widget = name;
      // Many buttons say "Copy embed code": the accessible name says which widget.
      row.querySelector('button').setAttribute('aria-label', `Copy embed code for ${WIDGETS[name].title}`);
      // Translated with the page (www/i18n.js applyPage reads these keys).
      row.querySelector('.share-what').dataset.i18n = `share.for.${name}`;
      row.querySelector('button').dataset.i18nAttr = `aria-label:share.embedLabel.${name}`;
      row.querySelector('button').addEventListener('click', () => copy(embedCode(base, name, state, WIDGETS[name].height), row));
      // After the figure (or the article's last child) the anchor belongs to.
      const host = anchor.closest('figure, .chart-pair, article') ?? anchor;
      if (host.tagName === 'ARTICLE') host.append(row);
      else host.after(row);
    }
    // Before each section's heading, floated beside it (inside, it would join the heading's name).
    for (const section of document.querySelectorAll('main > section')) section.querySelector('h2')?.before(fullscreenButton(section));
  }

  // ------------------------------------------------------------ one widget alone
  function embedMode(name) {
    const l = LAYOUT[name];
    document.documentElement.dataset.embed = name;
    document.title = `gradlab: ${WIDGETS[name].title}`;
    const section = $(l.section);
    for (const s of document.querySelectorAll('main > section')) s.hidden = s !== section;
    for (const child of section.children) {
      const keep = l.keep.some((sel) => child.matches(sel) || child.querySelector(sel));
      if (!keep) child.hidden = true;
    }
    for (const sel of l.hide ?? []) for (const el of section.querySelectorAll(sel)) el.hidden = true;

    // Its own small bar: copy the embed code, or open the same state in the whole lab.
    const row = shareRow('Copy embed code', '');
    row.classList.add('embed-bar');
    const open = document.createElement('a');
    open.textContent = 'Open in gradlab ↗';
    open.dataset.i18n = 'share.open';
    open.target = '_blank';
    open.rel = 'noopener';
    open.className = 'open-full';
    // Kept current with the hash, and on any interaction that could follow it.
    refreshOpen = () => (open.href = pageLink(base, state));
    refreshOpen();
    for (const type of ['pointerenter', 'focus', 'click']) open.addEventListener(type, refreshOpen);
    row.querySelector('.share-what').replaceWith(open);
    open.after(fullscreenButton(document.documentElement));
    row.querySelector('button').addEventListener('click', () => copy(embedCode(base, name, state, height()), row));
    section.append(row);
    document.documentElement.dataset.embedReady = '';
    reportHeight(name);
  }

  /** The document's height: html's box (its height is auto, so this is the content's). */
  const height = () => Math.ceil(document.documentElement.getBoundingClientRect().height);

  /**
   * Tell the page around the iframe how tall the widget is, whenever that changes. `'*'`
   * as target: the height says nothing private, and the host may be any origin. The host
   * tells iframes apart by `event.source`; `widget` is for its logs.
   *
   * The height must not feed back into itself. Where scrollbars take room (desktop Chromium
   * and Firefox on Linux and Windows), a widget's own scrollbar narrows its layout, the
   * controls wrap, the content grows, the host grows the iframe, the scrollbar goes, the
   * content shrinks… and the iframe flips between two heights for as long as it is shown.
   * So the width never depends on the scrollbar: until a host is seen to size the iframe,
   * the scrollbar's gutter is always reserved (`scrollbar-gutter: stable` in style.css; a
   * host that never sizes its fixed-height iframe still lets the reader scroll), and once
   * it is (`data-embed-sized`) the widget never scrolls (`overflow: hidden`, no gutter).
   * Reports wait until the height has held for SETTLE_MS: for a new width the charts
   * redraw in the next animation frame, and their canvases' heights follow their widths.
   */
  function reportHeight(name) {
    if (window.parent === window) return;
    const root = document.documentElement;
    const SETTLE_MS = 120;
    let last = -1;
    let timer = 0;
    const send = () => {
      timer = 0;
      const h = height();
      if (h === last || h === 0) return;
      last = h;
      window.parent.postMessage({ type: 'gradlab:height', widget: name, height: h }, '*');
      hooks.reportedHeight = h;
      hooks.heightReports = (hooks.heightReports ?? 0) + 1;
    };
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(send, SETTLE_MS);
    };
    const sized = () => {
      if (!root.hasAttribute('data-embed-sized')) root.setAttribute('data-embed-sized', '');
    };
    new ResizeObserver(soon).observe(document.body);
    // A host that follows the reports — www/embed.js, or any script that sets the iframe's
    // height to the one reported — gives the viewport that height (within a border's
    // width, for a host that forgot its iframes' borders).
    addEventListener('resize', () => {
      if (last > 0 && Math.abs(window.innerHeight - last) <= 2) sized();
    });
    // Chromium pauses rendering — and with it ResizeObserver — in a cross-origin iframe
    // that is off screen; a slow check keeps its height right before it is scrolled to.
    setInterval(() => {
      if (!timer && height() !== last) soon();
    }, 1000);
    addEventListener('message', (e) => {
      if (e.source !== window.parent) return;
      // A host whose listener came late (its script after the iframes) may ask again.
      if (e.data?.type === 'gradlab:ping') {
        last = -1;
        soon();
      }
      // embed.js says so when it has sized the iframe.
      if (e.data?.type === 'gradlab:sized') sized();
    });
    addEventListener('load', () => {
      last = -1;
      soon();
    });
  }

  // ------------------------------------------------------------ copying
  function shareRow(label, what) {
    const row = document.createElement('div');
    row.className = 'share-row';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'share-button';
    button.textContent = label;
    button.dataset.i18n = 'share.embed';
    const span = document.createElement('span');
    span.className = 'share-what';
    span.textContent = what;
    const status = document.createElement('span');
    status.className = 'share-status';
    status.setAttribute('role', 'status');
    const field = document.createElement('input');
    field.className = 'share-text';
    field.readOnly = true;
    field.hidden = true;
    field.setAttribute('aria-label', `${label}: the text to copy`);
    field.dataset.i18nAttr = 'aria-label:share.embedField';
    row.append(button, span, status, field);
    return row;
  }

  /**
   * Copy `text` with the asynchronous clipboard API; where it is missing or refused (an
   * insecure origin, an iframe without `allow="clipboard-write"`), show it in a read-only
   * field, selected, for the reader to copy by hand.
   */
  async function copy(text, row) {
    write.flush();
    const field = row.querySelector('.share-text');
    const status = row.querySelector('.share-status');
    field.value = text;
    hooks.copied = text;
    let ok = false;
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch {
      ok = false;
    }
    field.hidden = ok;
    status.classList.toggle('by-hand', !ok);
    // The key stays on the element, so a language switch can say it again (applyLanguage).
    status.dataset.said = ok ? 'share.copied' : 'share.byHand';
    status.textContent = t(status.dataset.said);
    if (!ok) {
      field.focus();
      field.select();
    }
    row.dataset.copied = ok ? 'clipboard' : 'field';
  }

  function notice(text) {
    const el = $('url-notice');
    if (!el) return;
    el.hidden = !text;
    el.textContent = text;
  }

  /** After a language switch (main.js): the copy buttons' "Copied." in the new language. */
  function applyLanguage() {
    for (const status of document.querySelectorAll('.share-status[data-said]')) status.textContent = t(status.dataset.said);
    for (const button of document.querySelectorAll('.fullscreen-button')) button.textContent = t(button.dataset.key);
  }

  return { changed: write, flush: write.flush, notice, applyLanguage };
}
