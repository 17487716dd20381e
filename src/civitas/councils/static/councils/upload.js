/* Resumable chunked upload of council documents (progressive enhancement of the form).
   Protocol: POST data-start-url (kind, title, file_name, size) -> {url, chunk};
   PUT url?offset=N with the bytes; on error, GET url gives the offset to resume from. */
(function () {
  "use strict";
  function csrf(form) { return form.querySelector("input[name=csrfmiddlewaretoken]").value; }
  async function send(form, file) {
    const status = form.querySelector(".upload-status");
    const bar = form.querySelector(".upload-progress");
    const body = new FormData();
    body.append("kind", form.querySelector("[name=kind]").value);
    body.append("title", form.querySelector("[name=title]").value);
    body.append("file_name", file.name);
    body.append("size", String(file.size));
    let r = await fetch(form.dataset.startUrl, { method: "POST", body: body, headers: { "X-CSRFToken": csrf(form) }, credentials: "same-origin" });
    let info = await r.json();
    if (!r.ok) { status.textContent = info.error; return; }
    const chunk = info.chunk || parseInt(form.dataset.chunk, 10);
    let offset = 0, failures = 0;
    bar.hidden = false;
    while (offset < file.size) {
      try {
        r = await fetch(info.url + "?offset=" + offset, { method: "PUT", body: file.slice(offset, offset + chunk), headers: { "X-CSRFToken": csrf(form) }, credentials: "same-origin" });
        const answer = await r.json();
        if (r.status === 409 && answer.offset !== null) { offset = answer.offset; continue; }
        if (!r.ok) { status.textContent = answer.error; return; }
        offset = answer.offset; failures = 0;
        bar.value = Math.round(100 * offset / file.size);
        status.textContent = bar.value + " %";
      } catch (e) {
        failures += 1;
        if (failures > 20) { status.textContent = String(e); return; }
        await new Promise(function (ok) { setTimeout(ok, 1000 * failures); });
        const state = await (await fetch(info.url, { credentials: "same-origin" })).json();
        offset = state.offset;
      }
    }
    window.location.reload();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.upload-form").forEach(function (form) {
      if (!window.fetch || !form.dataset.startUrl) { return; }
      form.addEventListener("submit", function (event) {
        const input = form.querySelector("input[type=file]");
        if (!input.files.length) { return; }
        event.preventDefault();
        send(form, input.files[0]);
      });
    });
  });
})();
