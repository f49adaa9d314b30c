// Draws each maturity trend chart from the JSON beside it ({{ data|json_script }}). The table next
// to the chart holds the same figures, so nothing depends on this script.
(function () {
  "use strict";
  // Distinct colours and line patterns, so that the lines differ without colour too.
  var STYLES = [
    { colour: "#0b0c0c", dash: [], width: 4, point: "circle" },
    { colour: "#1d70b8", dash: [], width: 2, point: "rect" },
    { colour: "#00703c", dash: [6, 4], width: 2, point: "triangle" },
    { colour: "#d4351c", dash: [2, 3], width: 2, point: "rectRot" },
    { colour: "#6f72af", dash: [10, 4, 2, 4], width: 2, point: "star" },
    { colour: "#b58840", dash: [12, 6], width: 2, point: "crossRot" }
  ];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-maturity-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var datasets = data.series.map(function (series, index) {
      var style = STYLES[index % STYLES.length];
      return {
        label: series.label,
        data: series.values,
        borderColor: style.colour,
        backgroundColor: style.colour,
        borderDash: style.dash,
        borderWidth: style.width,
        pointStyle: style.point,
        pointRadius: 4,
        tension: 0
      };
    });
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          y: { min: 1, max: 4, ticks: { stepSize: 1 }, title: { display: true, text: "Score" } }
        },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } }
      }
    });
  }

  document.querySelectorAll("canvas[data-maturity-chart]").forEach(draw);
})();
