/* Draws the Trends charts from the JSON the page carries (json_script). When Chart.js did
   not load, the table of the same numbers stays open instead. Re-runs after htmx swaps. */
(function () {
  "use strict";

  const COLORS = {
    pain: "#c0392b", mood: "#1f7a4d", fatigue: "#7d5ba6", dose: "#1f5f8b",
    headache: "#d35400", nausea: "#8e8e00", hours: "#1f5f8b", quality: "#16a085",
    baseline: "rgba(120, 120, 120, 0.14)", evaluation: "rgba(31, 95, 139, 0.14)",
  };

  // Shades the baseline and review windows and marks dose changes behind the data.
  const windowsPlugin = {
    id: "ldnWindows",
    beforeDatasetsDraw(chart, _args, options) {
      const { ctx, chartArea, scales } = chart;
      const labels = chart.data.labels;
      const x = scales.x;
      const at = (iso) => labels.indexOf(iso);
      ctx.save();
      for (const w of options.windows || []) {
        let a = at(w.from), b = at(w.to);
        if (a === -1 && w.from < labels[0] && w.to >= labels[0]) a = 0;
        if (b === -1 && w.to > labels[labels.length - 1] && w.from <= labels[labels.length - 1]) b = labels.length - 1;
        if (a === -1 || b === -1) continue;
        const half = labels.length > 1 ? (x.getPixelForValue(1) - x.getPixelForValue(0)) / 2 : 10;
        ctx.fillStyle = COLORS[w.kind] || COLORS.baseline;
        ctx.fillRect(x.getPixelForValue(a) - half, chartArea.top, x.getPixelForValue(b) - x.getPixelForValue(a) + 2 * half, chartArea.bottom - chartArea.top);
      }
      ctx.strokeStyle = COLORS.dose;
      ctx.setLineDash([4, 4]);
      for (const iso of options.changes || []) {
        const i = at(iso);
        if (i === -1) continue;
        const px = x.getPixelForValue(i);
        ctx.beginPath(); ctx.moveTo(px, chartArea.top); ctx.lineTo(px, chartArea.bottom); ctx.stroke();
      }
      const review = at(options.review || "");
      if (review !== -1) {
        ctx.setLineDash([]);
        ctx.lineWidth = 2;
        ctx.strokeStyle = "#a4262c";
        const px = x.getPixelForValue(review);
        ctx.beginPath(); ctx.moveTo(px, chartArea.top); ctx.lineTo(px, chartArea.bottom); ctx.stroke();
      }
      ctx.restore();
    },
  };

  function doseDataset(s) {
    return { type: "line", label: "Dose (mg)", data: s.dose, yAxisID: "dose", stepped: true,
             borderColor: COLORS.dose, borderWidth: 2, pointRadius: 0, spanGaps: false };
  }

  function doseAxis() {
    return { position: "right", min: 0, suggestedMax: 6, title: { display: true, text: "mg" }, grid: { drawOnChartArea: false } };
  }

  function configs(data) {
    const s = data.series;
    const shared = {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: "index", intersect: false },
      plugins: { ldnWindows: { windows: data.windows, changes: data.dose_changes, review: data.review }, legend: { position: "bottom" } },
    };
    const x = { ticks: { maxTicksLimit: 8, maxRotation: 0 } };
    const points = (label, key, color) => ({ type: "line", label: label + " (daily)", data: s[key], showLine: false,
      pointRadius: 2.5, borderColor: color, backgroundColor: color, yAxisID: "y" });
    const rolling = (label, key, color) => ({ type: "line", label: label + " (7-day average)", data: s[key + "_avg"],
      borderColor: color, borderWidth: 2, pointRadius: 0, tension: 0.3, yAxisID: "y", spanGaps: true });
    return {
      outcomes: { type: "line", data: { labels: data.labels, datasets: [
        points("Pain", "pain", COLORS.pain), rolling("Pain", "pain", COLORS.pain),
        points("Mood", "mood", COLORS.mood), rolling("Mood", "mood", COLORS.mood),
        points("Fatigue", "fatigue", COLORS.fatigue), rolling("Fatigue", "fatigue", COLORS.fatigue),
        doseDataset(s) ] },
        options: { ...shared, scales: { x, y: { min: 0, max: 10, title: { display: true, text: "0–10" } }, dose: doseAxis() } } },
      symptoms: { type: "bar", data: { labels: data.labels, datasets: [
        { label: "Headache", data: s.headache, backgroundColor: COLORS.headache, yAxisID: "y" },
        { label: "Nausea", data: s.nausea, backgroundColor: COLORS.nausea, yAxisID: "y" },
        doseDataset(s) ] },
        options: { ...shared, scales: { x, y: { min: 0, max: 3, ticks: { stepSize: 1 } }, dose: doseAxis() } } },
      sleep: { type: "line", data: { labels: data.labels, datasets: [
        { label: "Hours", data: s.sleep_hours, borderColor: COLORS.hours, pointRadius: 1.5, yAxisID: "y" },
        { label: "Quality (1–5)", data: s.sleep_quality, borderColor: COLORS.quality, pointRadius: 1.5, yAxisID: "quality" } ] },
        options: { ...shared, scales: { x, y: { min: 0, suggestedMax: 10, title: { display: true, text: "hours" } },
          quality: { position: "right", min: 1, max: 5, grid: { drawOnChartArea: false } } } } },
      dreams: { type: "line", data: { labels: data.labels, datasets: [
        { label: "Dreams", data: s.dreams, showLine: false, pointRadius: 3, borderColor: COLORS.fatigue, backgroundColor: COLORS.fatigue } ] },
        options: { ...shared, plugins: { ...shared.plugins, legend: { display: false } }, scales: { x, y: { min: 0, max: 3,
          ticks: { stepSize: 1, callback: (v) => ["none", "normal", "vivid", "nightmares"][v] } } } } },
    };
  }

  function draw(section) {
    const data = JSON.parse(section.querySelector("#trends-data").textContent);
    const status = section.querySelector(".chart-status");
    if (typeof window.Chart === "undefined") {
      status.textContent = "The charts could not load here, so the numbers are shown as a table.";
      status.hidden = false;
      return;
    }
    const built = configs(data);
    section.querySelector(".charts").hidden = false;
    for (const canvas of section.querySelectorAll("canvas[data-chart]")) {
      const existing = window.Chart.getChart(canvas);
      if (existing) existing.destroy();
      const config = built[canvas.dataset.chart];
      config.plugins = [windowsPlugin];
      new window.Chart(canvas, config);
    }
    const numbers = section.querySelector("details.numbers");
    if (numbers) numbers.open = false;
  }

  function init(root) {
    const sections = root.matches && root.matches("section[data-trends]") ? [root] : root.querySelectorAll("section[data-trends]");
    sections.forEach(draw);
  }

  // Printing lays the page out at paper width: redraw the charts to fit it, then back.
  function resizeAll() {
    if (typeof window.Chart === "undefined") return;
    for (const chart of Object.values(window.Chart.instances)) chart.resize();
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);

  if (window.htmx) {
    window.htmx.onLoad(init);
  } else {
    document.addEventListener("DOMContentLoaded", () => init(document));
  }
})();
