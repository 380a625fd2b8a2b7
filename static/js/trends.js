/* Draws the Trends charts from the JSON the page carries (json_script). When Chart.js did
   not load, the table of the same numbers stays open instead. Re-runs after htmx swaps.
   Every chart gets the same axis widths, so the windows and lines align down the page. */
(function () {
  "use strict";

  const COLORS = {
    pain: "#c0392b", mood: "#1f7a4d", fatigue: "#7d5ba6", dose: "#1f5f8b",
    headache: "#d35400", nausea: "#8e8e00", hours: "#1f5f8b", quality: "#16a085", timing: "#7d5ba6",
    baseline: "rgba(120, 120, 120, 0.16)", evaluation: "rgba(31, 95, 139, 0.16)",
  };
  const AXIS_WIDTH = 38;
  const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short" });

  function shortDate(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return DAY.format(new Date(y, m - 1, d));
  }

  // Shades the baseline and review windows; marks dose changes, timing changes, the review.
  const windowsPlugin = {
    id: "ldnWindows",
    beforeDatasetsDraw(chart, _args, options) {
      const { ctx, chartArea, scales } = chart;
      const labels = chart.data.labels;
      const x = scales.x;
      const at = (iso) => labels.indexOf(iso);
      const line = (index, color, dash, width) => {
        const px = x.getPixelForValue(index);
        ctx.setLineDash(dash); ctx.lineWidth = width; ctx.strokeStyle = color;
        ctx.beginPath(); ctx.moveTo(px, chartArea.top); ctx.lineTo(px, chartArea.bottom); ctx.stroke();
      };
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
      for (const iso of options.changes || []) { const i = at(iso); if (i !== -1) line(i, COLORS.dose, [4, 4], 1); }
      for (const change of options.timing || []) { const i = at(change.date); if (i !== -1) line(i, COLORS.timing, [1, 3], 2); }
      const review = at(options.review || "");
      if (review !== -1) line(review, "#a4262c", [], 2);
      ctx.restore();
    },
  };

  const logged = (values) => values.some((v) => v !== null && v !== undefined);
  // Whole-number ticks on an axis padded by half a step (so the marks are never clipped).
  const ticksAt = (values) => (axis) => { axis.ticks = values.map((value) => ({ value })); };
  const fixedWidth = (axis) => { axis.width = AXIS_WIDTH; };

  function doseDataset(s) {
    return { type: "line", label: "Dose (mg)", data: s.dose, yAxisID: "dose", stepped: true,
             borderColor: COLORS.dose, borderWidth: 2, pointRadius: 0, spanGaps: false };
  }
  // The titration plan's step in force each day: a dashed step line beside the dose taken.
  function plannedDataset(s) {
    return { type: "line", label: "Planned dose (mg)", data: s.planned || [], yAxisID: "dose", stepped: true,
             borderColor: COLORS.dose, borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, spanGaps: false };
  }

  function configs(data, ink, grid) {
    const s = data.series;
    const plugins = {
      ldnWindows: { windows: data.windows, changes: data.dose_changes, timing: data.timing_changes, review: data.review },
      // Only what was logged, and each measure once: the caption says the lines are averages.
      legend: { position: "bottom", labels: { usePointStyle: true, boxHeight: 8, color: ink,
                filter: (item) => !item.text.endsWith("(7-day average)") } },
    };
    const shared = { responsive: true, maintainAspectRatio: false, animation: false,
                     interaction: { mode: "index", intersect: false }, plugins };
    const x = { ticks: { maxTicksLimit: 6, maxRotation: 0, autoSkip: true, color: ink,
                         callback(value) { return shortDate(this.getLabelForValue(value)); } },
                grid: { color: grid } };
    const left = (extra) => ({ afterFit: fixedWidth, grid: { color: grid }, ticks: { color: ink }, ...extra });
    // The dose is a band of its own under the scores (left, stacked below them), so its
    // step line never lies over the pain and mood lines on a narrow phone.
    const doses = [...s.dose, ...(s.planned || [])].filter((v) => typeof v === "number");
    const dose = { position: "left", stack: "band", stackWeight: 1, min: 0, offset: true,
                   max: Math.ceil(Math.max(1, ...doses) * 1.1),
                   afterFit: fixedWidth, ticks: { color: ink },
                   afterBuildTicks: (axis) => { axis.ticks = [{ value: 0 }, { value: axis.max }]; },
                   title: { display: true, text: "mg", color: ink }, grid: { color: grid }, border: { color: ink } };
    const dosed = logged(s.dose) || logged(s.planned || []);
    // The scores' axis, with the dose band under it when a dose was logged or planned.
    const scored = (extra) => dosed
      ? { x, dose, y: left({ stack: "band", stackWeight: 3, offset: true, border: { color: ink }, ...extra }), right: blank }
      : { x, y: left(extra), right: blank };
    const blank = { position: "right", afterFit: fixedWidth, ticks: { display: false }, grid: { drawOnChartArea: false }, border: { display: false } };
    const keep = (datasets) => datasets.filter((d) => logged(d.data));
    const marks = (label, key, color, style) => ({ type: "line", label: label, data: s[key], showLine: false,
      pointStyle: style, pointRadius: 3.5, borderColor: color, backgroundColor: color, yAxisID: "y" });
    const average = (label, key, color, dash) => ({ type: "line", label: label + " (7-day average)", data: s[key + "_avg"],
      borderColor: color, borderDash: dash, borderWidth: 2, pointRadius: 0, tension: 0.3, yAxisID: "y", spanGaps: true });
    return {
      outcomes: { type: "line", data: { labels: data.labels, datasets: keep([
        marks("Pain", "pain", COLORS.pain, "circle"), average("Pain", "pain", COLORS.pain, []),
        marks("Mood", "mood", COLORS.mood, "triangle"), average("Mood", "mood", COLORS.mood, [6, 3]),
        marks("Fatigue", "fatigue", COLORS.fatigue, "rect"), average("Fatigue", "fatigue", COLORS.fatigue, [2, 2]),
        doseDataset(s), plannedDataset(s) ]) },
        options: { ...shared, scales: scored({ min: 0, max: 10, title: { display: true, text: "0–10", color: ink } }) } },
      symptoms: { type: "bar", data: { labels: data.labels, datasets: keep([
        { label: "Headache", data: s.headache, backgroundColor: COLORS.headache, yAxisID: "y" },
        { label: "Nausea", data: s.nausea, backgroundColor: COLORS.nausea, yAxisID: "y" },
        doseDataset(s) ]) },
        options: { ...shared, scales: scored({ min: 0, max: 3, ticks: { stepSize: 1, color: ink } }) } },
      sleep: { type: "line", data: { labels: data.labels, datasets: keep([
        { label: "Hours slept", data: s.sleep_hours, borderColor: COLORS.hours, backgroundColor: COLORS.hours, pointRadius: 2, yAxisID: "y", spanGaps: false } ]) },
        options: { ...shared, plugins: { ...plugins, legend: { display: false } },
          scales: { x, y: left({ min: 0, suggestedMax: 10, title: { display: true, text: "hours", color: ink } }), right: blank } } },
      quality: { type: "line", data: { labels: data.labels, datasets: keep([
        { label: "Sleep quality", data: s.sleep_quality, borderColor: COLORS.quality, backgroundColor: COLORS.quality, pointRadius: 2, showLine: false, yAxisID: "y" } ]) },
        options: { ...shared, plugins: { ...plugins, legend: { display: false } },
          scales: { x, y: left({ min: 0.5, max: 5.5, afterBuildTicks: ticksAt([1, 2, 3, 4, 5]) }), right: blank } } },
      dreams: { type: "line", data: { labels: data.labels, datasets: keep([
        { label: "Dreams", data: s.dreams, showLine: false, pointRadius: 3.5, pointStyle: "rectRot", clip: false,
          borderColor: COLORS.fatigue, backgroundColor: COLORS.fatigue } ]) },
        options: { ...shared, plugins: { ...plugins, legend: { display: false } }, scales: { x,
          y: left({ min: -0.5, max: 3.5, afterBuildTicks: ticksAt([0, 1, 2, 3]) }), right: blank } } },
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
    const style = getComputedStyle(document.body);
    const ink = style.color;
    const grid = style.getPropertyValue("--line").trim() || "rgba(0,0,0,0.1)";
    const built = configs(data, ink, grid);
    section.querySelector(".charts").hidden = false;
    for (const canvas of section.querySelectorAll("canvas[data-chart]")) {
      const existing = window.Chart.getChart(canvas);
      if (existing) existing.destroy();
      const config = built[canvas.dataset.chart];
      if (!config) continue;
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
