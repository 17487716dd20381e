/* Registration form: add and remove representatives and offers without reloading the page
   (the formset "empty form" pattern). Without JavaScript the same buttons submit the form,
   which comes back with one block more or less and everything typed kept. */
(function () {
  "use strict";

  function status(form, text) {
    var box = form.querySelector("#formset-status");
    if (box) { box.textContent = ""; window.setTimeout(function () { box.textContent = text; }, 50); }
  }

  function totalInput(form, prefix) {
    return form.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
  }

  // Give the blocks of a list their numbers again: names, ids, labels and legends.
  function renumber(list, prefix) {
    var pattern = new RegExp("^(" + prefix + "-)(\\d+|__prefix__)(-)");
    var attrs = ["name", "id", "for", "aria-describedby", "href"];
    var items = list.querySelectorAll("[data-formset-item]");
    items.forEach(function (item, index) {
      item.querySelectorAll("*").forEach(function (el) {
        attrs.forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value === null) { return; }
          var parts = value.split(" ").map(function (v) {
            var idPattern = new RegExp("^(id_" + prefix + "-)(\\d+|__prefix__)(-)");
            return v.replace(pattern, "$1" + index + "$3").replace(idPattern, "$1" + index + "$3");
          });
          el.setAttribute(attr, parts.join(" "));
        });
      });
      item.querySelectorAll("[data-formset-number]").forEach(function (n) { n.textContent = index + 1; });
      var remove = item.querySelector("[data-formset-remove]");
      if (remove) { remove.value = index; }
    });
    var min = parseInt(list.getAttribute("data-min") || "1", 10);
    items.forEach(function (item) {
      var holder = item.querySelector(".formset-remove");
      if (holder) { holder.hidden = items.length <= min; }
    });
    return items.length;
  }

  function addBlock(form, prefix, button) {
    var list = form.querySelector("[data-formset='" + prefix + "']");
    var template = form.querySelector("template[data-formset-template='" + prefix + "']");
    var total = totalInput(form, prefix);
    if (!list || !template || !total) { return false; }
    var max = parseInt(list.getAttribute("data-max") || "20", 10);
    var count = list.querySelectorAll("[data-formset-item]").length;
    if (count >= max) { return true; }
    var html = template.innerHTML.replace(/__prefix__/g, String(count)).replace(/__num__/g, String(count + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var block = holder.querySelector("[data-formset-item]");
    list.appendChild(block);
    total.value = renumber(list, prefix);
    var first = block.querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); }
    var legend = block.querySelector("legend");
    status(form, (legend ? legend.textContent.trim() : "") + " " + (form.getAttribute("data-added-text") || "+"));
    if (window.htmx) { window.htmx.process(block); }
    return true;
  }

  function removeBlock(form, button) {
    var item = button.closest("[data-formset-item]");
    var list = item && item.closest("[data-formset]");
    if (!list) { return false; }
    var prefix = list.getAttribute("data-formset");
    var min = parseInt(list.getAttribute("data-min") || "1", 10);
    if (list.querySelectorAll("[data-formset-item]").length <= min) { return true; }
    var legend = item.querySelector("legend");
    var label = legend ? legend.textContent.trim() : "";
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-formset-item]"));
    var position = items.indexOf(item);
    item.remove();
    totalInput(form, prefix).value = renumber(list, prefix);
    var rest = list.querySelectorAll("[data-formset-item]");
    var next = rest[Math.min(position, rest.length - 1)];
    var focus = next && next.querySelector("input:not([type=hidden]), select, textarea");
    if (focus) { focus.focus(); }
    status(form, label + " " + (form.getAttribute("data-removed-text") || "−"));
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      // A link of the summary puts the cursor in its field (a plain anchor only scrolls).
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        var field = link && document.getElementById(link.getAttribute("href").slice(1));
        if (field) { event.preventDefault(); field.scrollIntoView({block: "center"}); field.focus(); }
      });
    }
    var form = document.querySelector("form.regform");
    if (!form) { return; }
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var prefix = button.getAttribute("data-formset-add");
      if (prefix && addBlock(form, prefix, button)) { event.preventDefault(); return; }
      if (button.hasAttribute("data-formset-remove") && removeBlock(form, button)) { event.preventDefault(); }
    });
  });
})();
