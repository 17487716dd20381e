/* Check-in screen (events/checkin/screen.html). No inline script (CSP).
 *
 * - The list of the point of entry is cached in localStorage, so the screen answers
 *   from the device when the network drops.
 * - Every scan gets its own id (device id + counter) and goes into a queue kept in
 *   localStorage; the queue is sent to the server when it can be, and sent again after a
 *   failure: the server records a scan id once, and the first entry of a person wins.
 * - The cached list says who is on the list and the refusal each person would get at the
 *   entry (unpaid registration): the device gives the server's answer offline, and does not
 *   queue those scans (after a refusal it fetches the list again, so that a person who has
 *   just paid at the desk is let in at the next scan).
 * - The queue is shown on screen.
 * - Input: the camera (BarcodeDetector, with the local barcode-detector polyfill and its
 *   local WebAssembly file), a hand scanner (keyboard wedge: the code field, Enter), or a
 *   search by name or company and a "Check in" button.
 * - Reopening without network: a service worker (events/checkin/sw.js, served from the
 *   check-in address of the event so that its scope is limited to it) keeps a copy of this
 *   screen and of the files it loads; the page asks it to, once loaded. The list and the
 *   queue still live in localStorage only.
 * Without JavaScript the same forms post to the server, which answers with the page.
 */
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) { return; }
  var d = root.dataset;
  var listId = d.list;
  var KEY_LIST = "civitas.checkin.list." + listId;
  var KEY_QUEUE = "civitas.checkin.queue." + listId;
  var KEY_DEVICE = "civitas.checkin.device";
  var KEY_COUNTER = "civitas.checkin.counter";
  var FLUSH_EVERY_MS = 4000;

  var form = document.getElementById("checkin-form");
  var codeInput = form ? form.querySelector("input[name=code]") : null;
  var resultBox = document.getElementById("checkin-result");
  var netBox = document.getElementById("checkin-net");
  var queueBox = document.getElementById("checkin-queue-box");
  var queueList = document.getElementById("checkin-queue");
  var queueCount = document.getElementById("checkin-queue-count");
  var searchForm = document.getElementById("checkin-search-form");
  var searchInput = document.getElementById("checkin-q");
  var found = document.getElementById("checkin-found");
  var csrf = form ? form.querySelector("input[name=csrfmiddlewaretoken]").value : "";

  function load(key, fallback) {
    try {
      var v = window.localStorage.getItem(key);
      return v ? JSON.parse(v) : fallback;
    } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full */ }
  }

  function deviceId() {
    var id = load(KEY_DEVICE, null);
    if (!id) {
      var bytes = new Uint8Array(6);
      window.crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      save(KEY_DEVICE, id);
    }
    return id;
  }
  var device = deviceId();
  function nextClientId() {
    var n = (load(KEY_COUNTER, 0) || 0) + 1;
    save(KEY_COUNTER, n);
    return device + "-" + Date.now().toString(36) + "-" + n;
  }

  // ---------------------------------------------------------------- the cached list
  var people = [];
  var byToken = {};
  var byRep = {};
  var notRegistered = d.msgNotRegistered;
  function index(snapshot) {
    people = (snapshot && snapshot.people) || [];
    notRegistered = (snapshot && snapshot.list && snapshot.list.not_registered) || d.msgNotRegistered;
    byToken = {};
    byRep = {};
    people.forEach(function (p) { byToken[p.token] = p; byRep[p.rep] = p; });
  }
  index(load(KEY_LIST, null));

  function refreshList() {
    return fetch(d.snapshotUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (snapshot) {
        // Scans still queued on this device stay marked as in.
        queue.forEach(function (q) {
          var p = findIn(snapshot.people, q);
          if (p && q.direction === "entry" && !p.in_at) { p.in_at = q.time; p.in_by = ""; }
        });
        save(KEY_LIST, snapshot);
        index(snapshot);
        setOnline(true);
      })
      .catch(function () { setOnline(false); });
  }
  function findIn(list, q) {
    for (var i = 0; i < list.length; i++) {
      if ((q.rep && list[i].rep === q.rep) || (q.token && list[i].token === q.token)) { return list[i]; }
    }
    return null;
  }

  // ---------------------------------------------------------------- display
  function setOnline(online) {
    netBox.textContent = online ? d.msgOnline : d.msgOffline;
    netBox.className = "checkin-net " + (online ? "net-online" : "net-offline");
  }
  function label(status) { return d["label-" + status] || root.getAttribute("data-label-" + status) || status; }
  function show(status, person, company, message) {
    resultBox.className = "checkin-result result-" + status;
    resultBox.textContent = "";
    var lines = [["checkin-status", label(status)], ["checkin-person", person],
      ["checkin-company", company], ["checkin-message", message]];
    lines.forEach(function (l) {
      if (!l[1]) { return; }
      var p = document.createElement("p");
      p.className = l[0];
      p.textContent = l[1];
      resultBox.appendChild(p);
    });
  }

  // ---------------------------------------------------------------- the queue
  var queue = load(KEY_QUEUE, []);
  function saveQueue() { save(KEY_QUEUE, queue); renderQueue(); }
  function renderQueue() {
    queueCount.textContent = String(queue.length);
    queueBox.hidden = queue.length === 0;
    queueList.textContent = "";
    queue.forEach(function (q) {
      var li = document.createElement("li");
      li.textContent = q.time + " · " + (q.label || q.code || "") + " · " + d.msgQueued;
      li.setAttribute("data-client-id", q.client_id);
      queueList.appendChild(li);
    });
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function hhmm(date) { return pad(date.getHours()) + ":" + pad(date.getMinutes()); }

  function direction() {
    var checked = form ? form.querySelector("input[name=direction]:checked") : null;
    return checked ? checked.value : "entry";
  }

  var lastClientId = null;
  function enqueue(item) {
    var now = new Date();
    item.client_id = nextClientId();
    item.at = now.toISOString();
    item.time = hhmm(now);
    item.direction = direction();
    queue.push(item);
    lastClientId = item.client_id;
    saveQueue();
    flush();
  }

  function tokenOf(code) {
    code = (code || "").trim();
    var m = /\/checkin\/([A-Za-z0-9_-]{16,64})\/?(?:[?#].*)?$/.exec(code);
    if (m) { return m[1]; }
    return /^[A-Za-z0-9_-]{16,64}$/.test(code) ? code : null;
  }

  // The device's own answer, shown at once; the server's answer replaces it when it comes.
  function localAnswer(p) {
    if (!p) { show("unknown", "", "", d.msgUnknown); return; }
    if (!p.registered) { show("not_registered", p.name, p.company, notRegistered); return; }
    if (direction() === "exit") { show("exit", p.name, p.company, d.msgPending); return; }
    if (p.refused) {
      show("refused", p.name, p.company, p.refused);
      if (netBox.classList.contains("net-online")) { refreshList(); }
      return;
    }
    if (p.in_at) {
      show("already", p.name, p.company, d.msgAlready + " " + p.in_at + (p.in_by ? " (" + p.in_by + ")" : ""));
      return;
    }
    p.in_at = hhmm(new Date());
    p.in_by = "";
    show("valid", p.name, p.company, d.msgPending);
  }

  function handleCode(code) {
    var token = tokenOf(code);
    var p = token ? byToken[token] : null;
    var known = p && (p.in_at || p.refused) && direction() === "entry";
    localAnswer(p);
    // Unknown codes, people not on the list, refused and already in are answered by the
    // device and not queued when the device knows the list; with no cached list, the
    // server decides.
    if (people.length && (!p || !p.registered || known)) { return; }
    enqueue({ code: code, token: token, label: p ? p.name : code });
  }
  function handleRep(rep) {
    var p = byRep[rep];
    var known = p && (p.in_at || p.refused) && direction() === "entry";
    localAnswer(p);
    if (!p || !p.registered || known) { return; }
    enqueue({ rep: rep, label: p.name });
  }

  var flushing = false;
  function flush() {
    if (flushing || queue.length === 0) { return Promise.resolve(); }
    flushing = true;
    var batch = queue.slice(0, 100);
    var body = JSON.stringify({
      device: device,
      scans: batch.map(function (q) {
        var s = { client_id: q.client_id, at: q.at, direction: q.direction };
        if (q.rep) { s.rep = q.rep; } else { s.code = q.code; }
        return s;
      })
    });
    return fetch(d.syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: body
    })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var done = {};
        (data.results || []).forEach(function (res) {
          done[res.client_id] = true;
          var p = res.rep ? byRep[res.rep] : null;
          if (p && res.status === "already") { p.in_at = p.in_at || ""; }
          if (res.client_id === lastClientId) {
            show(res.status, res.person, res.company, res.message);
          }
        });
        queue = queue.filter(function (q) { return !done[q.client_id]; });
        saveQueue();
        setOnline(true);
      })
      .catch(function () { setOnline(false); })
      .then(function () {
        flushing = false;
        if (queue.length && navigator.onLine !== false && netBox.classList.contains("net-online")) {
          return flush();
        }
      });
  }

  // ---------------------------------------------------------------- inputs
  if (form && codeInput) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var code = codeInput.value;
      codeInput.value = "";
      if (code.trim()) { handleCode(code); }
      codeInput.focus();
    });
  }

  function renderFound(words) {
    found.textContent = "";
    if (!words.length) { return; }
    var hits = people.filter(function (p) {
      var text = (p.name + " " + p.company).toLowerCase();
      return words.every(function (w) { return text.indexOf(w) !== -1; });
    }).slice(0, 20);
    hits.forEach(function (p) {
      var li = document.createElement("li");
      var span = document.createElement("span");
      span.textContent = p.name + " · " + p.company + (p.in_at ? " · " + p.in_at : "");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = d.msgCheckIn;
      button.addEventListener("click", function () { handleRep(p.rep); renderFound(words); });
      li.appendChild(span);
      li.appendChild(button);
      found.appendChild(li);
    });
  }
  if (searchForm && searchInput) {
    var words = function () {
      return searchInput.value.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5);
    };
    searchForm.addEventListener("submit", function (ev) {
      if (!people.length) { return; } // no cached list: the server searches
      ev.preventDefault();
      renderFound(words());
    });
    searchInput.addEventListener("input", function () { if (people.length) { renderFound(words()); } });
  }

  // The camera: BarcodeDetector (native, or the local polyfill with its local wasm file).
  var startButton = document.getElementById("checkin-camera-start");
  var video = document.getElementById("checkin-video");
  if (window.BarcodeDetectionAPI && window.BarcodeDetectionAPI.setZXingModuleOverrides) {
    window.BarcodeDetectionAPI.setZXingModuleOverrides({
      locateFile: function (path, prefix) { return path.endsWith(".wasm") ? d.wasmUrl : prefix + path; }
    });
  }
  if (startButton && video && navigator.mediaDevices && window.BarcodeDetector) {
    startButton.hidden = false;
    startButton.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      var lastValue = "";
      var lastAt = 0;
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (stream) {
          video.srcObject = stream;
          video.hidden = false;
          startButton.hidden = true;
          return video.play();
        })
        .then(function () {
          var tick = function () {
            detector.detect(video).then(function (codes) {
              var now = Date.now();
              if (codes.length) {
                var value = codes[0].rawValue;
                if (value !== lastValue || now - lastAt > 3000) {
                  lastValue = value;
                  lastAt = now;
                  handleCode(value);
                }
              }
            }).catch(function () { /* frame not ready */ })
              .then(function () { window.setTimeout(tick, 250); });
          };
          tick();
        })
        .catch(function () { show("unknown", "", "", d.msgNoCamera); });
    });
  }

  // ---------------------------------------------------------------- reopening offline
  function keepForOffline() {
    if (!d.swUrl || !("serviceWorker" in navigator) || !window.MessageChannel) { return; }
    var urls = [window.location.pathname];
    Array.prototype.forEach.call(
      document.querySelectorAll("script[src], link[rel=stylesheet][href]"),
      function (el) { urls.push(el.src || el.href); }
    );
    if (d.wasmUrl) { urls.push(d.wasmUrl); }
    navigator.serviceWorker.register(d.swUrl)
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function () { root.setAttribute("data-offline-ready", "true"); };
        registration.active.postMessage({ type: "keep", urls: urls }, [channel.port2]);
      })
      .catch(function () { /* no copy: the open page still works offline */ });
  }

  window.addEventListener("online", function () { flush(); });
  window.setInterval(function () { flush(); }, FLUSH_EVERY_MS);
  window.setInterval(function () { if (!queue.length) { refreshList(); } }, 60000);
  renderQueue();
  refreshList().then(flush);
  keepForOffline();
}());
