/* Loaded by the pages shown to a visitor who is not logged in (templates/base.html), e.g.
 * right after logging out or when the session has expired: the offline copies of
 * back-office pages (Cache Storage "civitas-offline-*", kept by the service worker of the
 * check-in pages) are deleted and those service workers unregistered. What a page keeps
 * in localStorage (the check-in queue not sent yet) is left alone. */
(function () {
  "use strict";
  if (window.caches && window.caches.keys) {
    window.caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n.indexOf("civitas-offline-") === 0;
      }).map(function (n) { return window.caches.delete(n); }));
    }).catch(function () { /* storage not available */ });
  }
  if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
    navigator.serviceWorker.getRegistrations().then(function (registrations) {
      registrations.forEach(function (r) {
        if (r.scope.indexOf("/backoffice/") !== -1) { r.unregister(); }
      });
    }).catch(function () { /* not allowed here */ });
  }
}());
