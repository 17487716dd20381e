// Charts of the support reports; the same figures are in the tables next to them.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("support-chart-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var set = data[canvas.dataset.chart];
      if (!set) { return; }
      new Chart(canvas, {
        type: "bar",
        data: { labels: set.labels, datasets: [{ label: set.label, data: set.values }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
