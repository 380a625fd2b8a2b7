/* The clinic outcomes chart: each group's shares by verdict, stacked to 100 %. When
   Chart.js did not load, the table above it says the same. */
(function () {
  "use strict";
  const COLORS = ["#1d6b3a", "#7fb069", "#b0b0b0", "#a4262c", "#6c7a89", "#3b4f8f"];

  function draw() {
    const figure = document.getElementById("outcomes-chart");
    if (!figure) return;
    const data = JSON.parse(document.getElementById("outcomes-data").textContent);
    if (typeof window.Chart === "undefined") {
      const status = figure.querySelector(".chart-status");
      status.textContent = "The chart could not load here; the table has the same numbers.";
      status.hidden = false;
      return;
    }
    const ink = getComputedStyle(document.body).color;
    new window.Chart(figure.querySelector("canvas"), {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.verdicts.map((label, i) => ({
          label, data: data.shares.map((row) => row[i]), backgroundColor: COLORS[i],
        })),
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: true, min: 0, max: 100, ticks: { color: ink, callback: (v) => v + " %" } },
                  y: { stacked: true, ticks: { color: ink } } },
        plugins: { legend: { position: "bottom", labels: { color: ink } } },
      },
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
