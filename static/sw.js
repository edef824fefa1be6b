// Bro's service worker, served at /sw.js so that it controls the whole site.
// Push: shows a notice (title, short text, the page it is about) and opens that page on a tap.
"use strict";

self.addEventListener("install", function () { self.skipWaiting(); });

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

// Offline: Bro's static files, and for the person logged in the last "My calendar" and
// "My plan" pages they opened (only those two; never other pages, never an answer to a form).
// Without a network those pages come from here, with the note the page carries hidden
// ("You are offline — as of <the time the page was made>") shown. Logging out empties it all
// (the server answers Clear-Site-Data).
var STATIC = "bro-static-1";
var PAGES = "bro-pages-1";
var KEPT_PAGES = ["/activities/calendar", "/goals"];

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name !== STATIC && name !== PAGES;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFile(request, url));
  } else if (request.mode === "navigate" && KEPT_PAGES.indexOf(url.pathname) !== -1 &&
             !url.search) {
    event.respondWith(keptPage(request, url));
  }
});

// Static files carry their content's hash in ?v=: one copy of each file is kept, the newest.
function staticFile(request, url) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request).then(function (kept) {
      if (kept) return kept;
      return fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          cache.keys().then(function (old) {
            return Promise.all(old.filter(function (entry) {
              return new URL(entry.url).pathname === url.pathname;
            }).map(function (entry) { return cache.delete(entry); }));
          }).then(function () { return cache.put(request, copy); });
        }
        return response;
      });
    });
  });
}

// From the network when there is one (and kept for later); from the cache when there is not.
function keptPage(request, url) {
  return caches.open(PAGES).then(function (cache) {
    return fetch(request).then(function (response) {
      var page = new URL(response.url || url.href);
      if (response.ok && !response.redirected && page.pathname === url.pathname) {
        cache.put(url.pathname, response.clone());
      } else if (response.redirected) {
        cache.delete(url.pathname);  // logged out elsewhere: nothing of theirs stays
      }
      return response;
    }, function () {
      return cache.match(url.pathname).then(function (kept) {
        if (!kept) return Response.error();
        return kept.text().then(function (html) {
          return new Response(html.replace("data-offline-note hidden", "data-offline-note"), {
            headers: { "Content-Type": "text/html; charset=utf-8" }
          });
        });
      });
    });
  });
}
