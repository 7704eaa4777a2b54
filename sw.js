// The service worker: keeps the lab working offline once it has been loaded. It lives at
// the root so its scope covers index.html, www/ and examples/ (www/offline.js registers it).
//
// Network first, cache as the fallback: every same-origin GET goes to the network as if
// there were no service worker, and a good answer is stored; only when the network fails
// (offline, server down) is the stored copy served. So during development an edited file
// shows on the next reload, never a stale one, and no version has to be bumped by hand.
// The price is that the cache saves no time online — the files are small and local hosts
// fast, and being right matters more here.
//
// VERSION names the cache. In the repository it is 'dev'; scripts/dist.sh writes a hash of
// the built files into it, so a new deployment is a new sw.js: it installs, precaches the
// new files and deletes the old cache.

const VERSION = 'dev';
const CACHE = `gradlab-${VERSION}`;

/**
 * Stored at install, relative to this file: the page, its modules, the wasm core and the
 * digits (which only the training worker fetches). A module missing here is still cached,
 * from the list of loaded resources the page sends (offline.js), or when next fetched.
 */
const PRECACHE = [
  './',
  'index.html',
  'www/style.css',
  'www/favicon.svg',
  'www/embed-boot.js',
  'www/file-boot.js',
  'www/inline.js',
  'www/main.js',
  'www/ui.js',
  'www/state.js',
  'www/format.js',
  'www/export.js',
  'www/chartdata.js',
  'www/stamp.js',
  'www/url.js',
  'www/share.js',
  'www/offline.js',
  'www/embed.js',
  'www/worker.js',
  'www/worker/slices.js',
  'www/worker/data.js',
  'www/worker/panel.js',
  'www/worker/chapter.js',
  'www/worker/compare.js',
  'www/ui/canvas.js',
  'www/ui/chain.js',
  'www/ui/choices.js',
  'www/ui/tables.js',
  'www/ui/compare.js',
  'www/app/report.js',
  'www/app/charts.js',
  'www/app/chain.js',
  'www/app/chain-band.js',
  'www/app/network.js',
  'www/app/network-file.js',
  'www/app/network-faults.js',
  'www/app/chapter.js',
  'www/app/compare.js',
  'www/app/compare-data.js',
  'www/app/inside.js',
  'www/app/inside-data.js',
  'www/app/worker-client.js',
  'www/recovery.js',
  'www/limits.js',
  'www/i18n.js',
  'www/i18n/en.js',
  'www/i18n/zh.js',
  'www/pkg/gradlab.js',
  'www/pkg/gradlab_bg.wasm',
  // The view inside the network and its own wasm module (loaded only when the view opens,
  // stored here so that it opens offline too).
  'www/worker/inside.js',
  'www/pkg-inside/gradlab_inside.js',
  'www/pkg-inside/gradlab_inside_bg.wasm',
  // The subset's files: data::SUBSET_FILES in the core (the worker asks it for the names);
  // tests/js/precache.test.mjs checks this list against that one.
  'www/data/train-images-idx3-ubyte.gz',
  'www/data/train-labels-idx1-ubyte.gz',
  'www/data/validation-images-idx3-ubyte.gz',
  'www/data/validation-labels-idx1-ubyte.gz',
  'www/data/test-images-idx3-ubyte.gz',
  'www/data/test-labels-idx1-ubyte.gz',
  'examples/course-notes.html',
  'examples/course-notes.css',
];

/** Store each URL (fresh from the network); one that fails is skipped, not fatal. */
async function store(urls) {
  const cache = await caches.open(CACHE);
  await Promise.allSettled(
    urls.map(async (u) => {
      const req = new Request(new URL(u, self.location.href), { cache: 'no-cache' });
      if (new URL(req.url).origin !== self.location.origin) return;
      const res = await fetch(req);
      if (res.ok) await cache.put(req, res);
    }),
  );
}

self.addEventListener('install', (event) => {
  // Network first means an old page and a new worker agree on every file: no need to wait.
  self.skipWaiting();
  event.waitUntil(store(PRECACHE));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith('gradlab-') && k !== CACHE).map((k) => caches.delete(k)))),
  );
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'cache' && Array.isArray(event.data.urls)) {
    event.waitUntil(store(event.data.urls.slice(0, 200).map(String)));
  }
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  // Only our own GETs; a range request (media) or another origin goes straight through.
  if (req.method !== 'GET' || req.headers.has('range') || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith(networkFirst(req, event));
});

async function networkFirst(req, event) {
  try {
    const res = await fetch(req);
    if (res.ok && res.type === 'basic') {
      const copy = res.clone();
      event.waitUntil(caches.open(CACHE).then((c) => c.put(req, copy)).catch(() => {}));
    }
    return res;
  } catch (err) {
    // Offline. A page opened with another query (?embed=chain) is the same file.
    const hit = (await caches.match(req, { cacheName: CACHE })) ?? (req.mode === 'navigate' ? await caches.match(req, { cacheName: CACHE, ignoreSearch: true }) : undefined);
    if (hit) return hit;
    throw err;
  }
}
