// Charts of the market pages. Each <canvas data-engage-chart="line|bar" data-source="id">
// reads its figures from the <script type="application/json" id="id"> that json_script
// wrote; the same figures are in a table beside every chart.
(function () {
  "use strict";
  var COLOURS = ["#1d70b8", "#00703c", "#4c2c92", "#d4351c", "#f47738"];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var kind = canvas.getAttribute("data-engage-chart");
    var datasets = (data.datasets || [{ label: data.label, values: data.values }]).map(
      function (set, index) {
        return {
          label: set.label,
          data: set.values,
          borderColor: COLOURS[index % COLOURS.length],
          backgroundColor: COLOURS[index % COLOURS.length],
          tension: 0.1,
        };
      }
    );
    new window.Chart(canvas, {
      type: kind === "bar" ? "bar" : "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: kind === "bar" ? { beginAtZero: true, ticks: { callback: function (v) { return v + "%"; } } } : { beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: { legend: { display: datasets.length > 1 } },
      },
    });
  }

  function start() {
    var canvases = document.querySelectorAll("canvas[data-engage-chart]");
    for (var i = 0; i < canvases.length; i++) {
      draw(canvases[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
