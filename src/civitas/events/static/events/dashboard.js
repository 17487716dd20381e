/* Event dashboard: each table.chart-source is drawn as a Chart.js chart placed before it;
 * the table stays, as the accessible version of the chart. No inline script (CSP). */
(function () {
  "use strict";
  if (!window.Chart) { return; }
  document.querySelectorAll("table.chart-source").forEach(function (table) {
    var labelCol = parseInt(table.dataset.labelCol || "0", 10);
    var valueCol = parseInt(table.dataset.valueCol || "1", 10);
    var labels = [];
    var values = [];
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var cells = tr.querySelectorAll("td, th");
      if (cells.length <= Math.max(labelCol, valueCol)) { return; }
      var v = parseFloat(cells[valueCol].textContent.replace(/\s/g, "").replace(",", "."));
      if (isNaN(v)) { return; }
      labels.push(cells[labelCol].textContent.trim());
      values.push(v);
    });
    if (!values.length) { return; }
    var caption = table.querySelector("caption");
    var box = document.createElement("div");
    box.className = "dash-chart";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", caption ? caption.textContent.trim() : "");
    box.appendChild(canvas);
    table.parentNode.insertBefore(box, table);
    new window.Chart(canvas, {
      type: table.dataset.chart || "bar",
      data: { labels: labels, datasets: [{ label: caption ? caption.textContent.trim() : "", data: values, backgroundColor: "#000091", borderColor: "#000091" }] },
      options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
    });
  });
}());
