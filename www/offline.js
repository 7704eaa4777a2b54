// Offline: register the service worker (sw.js, at the site's root so its scope covers
// index.html, www/ and examples/), once the page is up — so its precaching never
// competes with the first load of the wasm core and the digits.
//
// The worker serves from the network first and from its cache only when the network
// fails (see sw.js), so during development an edited file shows on reload as before.

/**
 * Register ../sw.js; then hand it the URLs this page loaded (its modules, stylesheet,
 * wasm), so they are cached even if sw.js's own list misses a module added later.
 * Resolves to the registration, or null where there can be none (file://, no support).
 */
export async function registerOffline(hooks = {}) {
  if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return null;
  try {
    const registration = await navigator.serviceWorker.register(new URL('../sw.js', import.meta.url), { scope: new URL('../', import.meta.url).pathname });
    const sw = await navigator.serviceWorker.ready;
    const urls = performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((u) => new URL(u).origin === location.origin);
    sw.active?.postMessage({ type: 'cache', urls: [location.href, ...urls] });
    hooks.offline = 'registered';
    return registration;
  } catch (e) {
    // No offline copy, nothing else lost: say so in the console only.
    hooks.offline = `failed: ${e?.message ?? e}`;
    console.info(`gradlab: no offline copy (${e?.message ?? e})`);
    return null;
  }
}
