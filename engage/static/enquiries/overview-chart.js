// The enquiry response-time chart: reads its figures from the page (json_script) and draws
// a bar chart with Chart.js. The same figures are in the table beside it.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("enquiry-chart-data");
    var canvas = document.getElementById("enquiry-chart");
    if (!source || !canvas || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: "First responses on time (%)",
            data: data.on_time,
            backgroundColor: "#1d70b8",
          },
        ],
      },
      options: {
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { min: 0, max: 100, title: { display: true, text: "%" } } },
        plugins: { legend: { display: false } },
      },
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
