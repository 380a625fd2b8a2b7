/* LDN Tracker's service worker. It keeps the static shell (styles, scripts, icons) and one
   offline page, so the app opens on a weak network; it never keeps a page or a response
   with health data. The unsent diary entry waits in IndexedDB, kept by the page
   (static/js/diary.js), not here. Push: shows the reminder it is sent. */
const CACHE = "ldn-shell-{{ version }}";
const FILES = {{ files|safe }};
const OFFLINE = "{{ offline }}";

// The offline page is required; every other file is cached if it loads. One missing file
// (a renamed icon, a proxy's hiccup) must not leave the phone with no service worker.
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all([
    cache.add(OFFLINE),
    ...FILES.filter((f) => f !== OFFLINE).map((f) => cache.add(f).catch(() => null)),
  ])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  const path = new URL(request.url).pathname;
  if (FILES.includes(path)) {
    event.respondWith(caches.match(path).then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate") {
    // Pages always come from the network; without one, the offline page (no health data).
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
  }
});

self.addEventListener("push", (event) => {
  let message = { title: "LDN Tracker", body: "", url: "/diary/" };
  try { message = Object.assign(message, event.data.json()); } catch (e) { /* a bare push */ }
  event.waitUntil(self.registration.showNotification(message.title, {
    body: message.body, icon: FILES.find((f) => f.includes("icon-192")),
    data: { url: message.url }, tag: "ldn-reminder",
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/diary/";
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((open) => {
    for (const client of open) {
      if (new URL(client.url).pathname === url && "focus" in client) return client.focus();
    }
    return self.clients.openWindow(url);
  }));
});
