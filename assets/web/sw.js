// Offline: the first visit caches the page's files, the full build the lighter one hands
// over to included (fetched in the background once the page has loaded, so that Docker
// works offline too); later visits are served from the cache first and refreshed from the
// network when it answers. The cache name changes with every build (scripts/build-web.sh
// fills in __BUILD__).
const CACHE = "container-playground-__BUILD__";
const FILES = [
  "./", "./index.html", "./style.css",
  "./pkg/frontend.js", "./pkg/frontend_bg.wasm",
  "./pkg/full/frontend.js", "./pkg/full/frontend_bg.wasm",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(event.request, { ignoreSearch: url.pathname.endsWith("/") || url.pathname.endsWith("index.html") });
      const fresh = fetch(event.request)
        .then((resp) => { if (resp.ok) cache.put(event.request, resp.clone()); return resp; })
        .catch(() => cached);
      return cached || fresh;
    })
  );
});
