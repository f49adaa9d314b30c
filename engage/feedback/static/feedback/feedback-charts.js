// Charts of the feedback pages. Each <canvas data-feedback-chart="bar|trend|segments" data-source="id">
// reads its figures from the JSON that json_script wrote beside it; a table beside every chart
// holds the same figures, so nothing depends on this script.
(function () {
  "use strict";
  // Lines differ by pattern and point shape as well as colour.
  var TREND = [
    { colour: "#0b0c0c", dash: [], point: "circle", axis: "score" },
    { colour: "#1d70b8", dash: [8, 4], point: "rect", axis: "percent" },
    { colour: "#00703c", dash: [2, 3], point: "triangle", axis: "percent" }
  ];

  function bar(canvas, data) {
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.label, data: data.values, backgroundColor: "#1d70b8" }]
      },
      options: {
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: false } }
      }
    });
  }

  function trend(canvas, data) {
    var datasets = data.datasets.map(function (set, index) {
      var style = TREND[index % TREND.length];
      return {
        label: set.label,
        data: set.values,
        yAxisID: set.axis === "score" ? "score" : "percent",
        borderColor: style.colour,
        backgroundColor: style.colour,
        borderDash: style.dash,
        pointStyle: style.point,
        pointRadius: 4,
        borderWidth: index === 0 ? 3 : 2,
        spanGaps: true,
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
          score: { position: "left", min: 1, max: 5, ticks: { stepSize: 1 }, title: { display: true, text: "Usefulness (1–5)" } },
          percent: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "Per cent" } }
        },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } }
      }
    });
  }

  // One line per segment: colour, dash and point shape all cycle, so no line is told apart
  // by colour alone.
  var SEGMENT_COLOURS = ["#0b0c0c", "#1d70b8", "#00703c", "#d4351c", "#4c2c92", "#b58840", "#912b88", "#505a5f"];
  var SEGMENT_DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3]];
  var SEGMENT_POINTS = ["circle", "rect", "triangle", "rectRot", "star", "crossRot", "rectRounded", "cross"];

  function segments(canvas, data) {
    var datasets = data.datasets.map(function (set, index) {
      var colour = SEGMENT_COLOURS[index % SEGMENT_COLOURS.length];
      return {
        label: set.label,
        data: set.values,
        borderColor: colour,
        backgroundColor: colour,
        borderDash: SEGMENT_DASHES[index % SEGMENT_DASHES.length],
        pointStyle: SEGMENT_POINTS[index % SEGMENT_POINTS.length],
        pointRadius: 4,
        borderWidth: 2,
        spanGaps: true,
        tension: 0
      };
    });
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100, title: { display: true, text: "Attendance rate (%)" } } },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } }
      }
    });
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var kind = canvas.getAttribute("data-feedback-chart");
    if (kind === "trend") {
      trend(canvas, data);
    } else if (kind === "segments") {
      segments(canvas, data);
    } else {
      bar(canvas, data);
    }
  }

  document.querySelectorAll("canvas[data-feedback-chart]").forEach(draw);
})();
