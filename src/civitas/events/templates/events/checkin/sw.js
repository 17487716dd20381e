/* Service worker of the check-in pages of one event (static/events/checkin.js registers it;
 * its scope is {{ scope }}, the address it is served from).
 *
 * It keeps a copy of the check-in screens (plain GET, no search) and of the files they
 * load from {{ static_url }} (scripts, styles, the barcode-detector polyfill and its
 * WebAssembly file), so that a screen reopened or reloaded without network still shows;
 * the list and the queued scans come from the page's own localStorage.
 * Network first, the copy only when the network fails. The list (liste.json), the scans
 * (scans.json) and every other page go straight to the network and are never copied.
 * The copies are forgotten when nobody is logged in any more (static/civitas/offline.js,
 * loaded by the pages of an anonymous visitor, e.g. right after logging out).
 */
"use strict";
var CACHE = "civitas-offline-checkin-{{ event_pk }}";
var SCOPE = new URL("{{ scope|escapejs }}", self.location.origin).pathname;
var STATIC = "{{ static_url|escapejs }}";
var SCREEN = /^\d+\/$/;

function kept(url) {
  if (url.origin !== self.location.origin) { return false; }
  if (url.pathname.indexOf(STATIC) === 0) { return true; }
  return url.pathname.indexOf(SCOPE) === 0 && !url.search &&
    SCREEN.test(url.pathname.slice(SCOPE.length));
}

function keep(cache, request, response) {
  if (response && response.ok && !response.redirected && response.type === "basic") {
    return cache.put(request, response);
  }
  return Promise.resolve();
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

// The page names what it needs offline (itself and the files it loaded); only what
// kept() allows is copied.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  if (data.type !== "keep" || !Array.isArray(data.urls)) { return; }
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(data.urls.map(function (u) {
      var url;
      try { url = new URL(u, self.location.origin); } catch (e) { return null; }
      if (!kept(url)) { return null; }
      return fetch(url.href, { credentials: "same-origin" })
        .then(function (response) { return keep(cache, url.href, response); })
        .catch(function () { return null; });
    }));
  }).then(function () { if (port) { port.postMessage("kept"); } }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (!kept(url)) { return; }
  event.respondWith(fetch(request).then(function (response) {
    var copy = response.clone();
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return keep(cache, url.href, copy);
    }));
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(url.href, { ignoreVary: true });
    }).then(function (cached) { return cached || Response.error(); });
  }));
});
