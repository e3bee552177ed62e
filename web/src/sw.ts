/**
 * The console's service worker: once the console has been opened, it opens again with no network.
 *
 * - The files of the build are precached when the worker installs, all or nothing, under a cache
 *   named after the build; an older build's cache is deleted once the new worker takes over.
 * - Navigations are answered with the cached app shell (`/`), so a weak network never delays the
 *   first screen; the files are content-hashed, so a cached one is never stale.
 * - `/config.json` is answered from the cache and refreshed in the background (stale while
 *   revalidate), so a new configuration reaches the console on the load after it was deployed.
 * - The API (`/v1/`, `/local/`) is never touched: reports are kept and retried by the app's outbox,
 *   which is the only place that knows what was sent.
 */
declare const __PRECACHE__: readonly string[];
declare const __VERSION__: string;

const worker = self as unknown as ServiceWorkerGlobalScope;
const SHELL_CACHE = `console-shell-${__VERSION__}`;
const CONFIG_CACHE = 'console-config';

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // `reload`: straight from the server, never from an HTTP cache that may hold an older build.
      await cache.addAll(__PRECACHE__.map((url) => new Request(url, { cache: 'reload' })));
      // The page that installs the worker read its configuration before the worker could keep it.
      await (await caches.open(CONFIG_CACHE)).add(new Request('/config.json', { cache: 'reload' }));
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('console-shell-') && name !== SHELL_CACHE) await caches.delete(name);
      }
      await worker.clients.claim();
    })(),
  );
});

const fromCache = async (request: Request | string): Promise<Response | undefined> =>
  (await caches.open(SHELL_CACHE)).match(request);

/**
 * Stale while revalidate: the kept copy at once (a weak network never delays the first screen),
 * refreshed in the background for the next load; from the network only the first time.
 */
const configStaleWhileRevalidate = async (event: FetchEvent): Promise<Response> => {
  const cache = await caches.open(CONFIG_CACHE);
  const refreshed = fetch(event.request).then(async (response) => {
    if (response.ok) await cache.put(event.request, response.clone());
    return response;
  });
  const cached = await cache.match(event.request);
  if (cached) {
    event.waitUntil(refreshed.catch(() => undefined));
    return cached;
  }
  return refreshed;
};

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;
  if (url.pathname.startsWith('/v1/') || url.pathname.startsWith('/local/') || url.pathname === '/health') return;
  if (url.pathname === '/config.json') {
    event.respondWith(configStaleWhileRevalidate(event));
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith((async () => (await fromCache('/')) ?? fetch(request))());
    return;
  }
  event.respondWith((async () => (await fromCache(request)) ?? fetch(request))());
});
