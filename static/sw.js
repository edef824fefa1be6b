// Bro's service worker, served at /sw.js so that it controls the whole site.
// Push: shows a notice (title, short text, the page it is about) and opens that page on a tap.
"use strict";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("push", function (event) {
  var notice = {};
  try { notice = event.data ? event.data.json() : {}; } catch (error) { notice = {}; }
  event.waitUntil(self.registration.showNotification(notice.title || "Bro", {
    body: notice.body || "",
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/icon-192.png",
    data: { url: notice.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  // Only pages of Bro itself: a notice never opens another site.
  var url = new URL((event.notification.data && event.notification.data.url) || "/",
                    self.location.origin);
  if (url.origin !== self.location.origin) url = new URL("/", self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true })
    .then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === url.href && "focus" in windows[i]) return windows[i].focus();
      }
      return self.clients.openWindow(url.href);
    }));
});
