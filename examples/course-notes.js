// Size each embedded gradlab widget to its content. A widget posts
// {type: 'gradlab:height', widget, height} whenever its height changes (www/share.js);
// the iframe it came from is found by `event.source`. These are the lines the README gives
// for any page that embeds a widget. (A file, not an inline script: this page has a CSP.)
addEventListener('message', (e) => {
  if (e.data?.type !== 'gradlab:height' || !Number.isFinite(e.data.height)) return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === e.source) frame.style.height = `${Math.min(20000, Math.max(50, e.data.height))}px`;
  }
});
// A widget that reported before this script ran is asked again.
for (const frame of document.querySelectorAll('iframe')) frame.contentWindow?.postMessage({ type: 'gradlab:ping' }, '*');
