// Offline support: precache the whole built app on install, serve it cache-first, and drop
// old caches on activate. The file list and version are written in by scripts/sw-manifest.js.
const VERSION = '__VERSION__';
const PRECACHE = '__PRECACHE__';
const CACHE = `trialbench-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(Array.isArray(PRECACHE) ? PRECACHE : []))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith(
    caches
      // ignoreVary: a static server may answer with "Vary: Origin" (vite preview does), and
      // module scripts are fetched with an Origin header the precache requests lacked.
      .match(event.request, { ignoreSearch: true, ignoreVary: true })
      .then(
        (hit) =>
          hit ||
          fetch(event.request).catch(() =>
            event.request.mode === 'navigate' ? caches.match('./') : Response.error(),
          ),
      ),
  );
});
