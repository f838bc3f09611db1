// Samskap's own scripts (no inline scripts: strict CSP).

// ---------------------------------------------------------------- charts
// A chart is a <canvas data-chart="ID"> next to <script type="application/json"
// id="ID"> holding a spec written by the server (src/web/charts.hpp):
//   {"type": "line"|"bar", "labels": [...], "datasets": [{"label", "data"}],
//    "stacked": bool, "y_min": n, "y_max": n, "percent": bool}
// Every chart has a data table beside it as its text alternative, so the
// page is complete without JavaScript; Chart.js is loaded only on pages
// that have a chart.
(function () {
  "use strict";
  var palette = ["#0b5c7a", "#b4531b", "#2f7d32", "#6a3d9a", "#8c6d00", "#a61e4d"];
  var dashes = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 2], [8, 8]];

  function draw() {
    var canvases = document.querySelectorAll("canvas[data-chart]");
    canvases.forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source || !window.Chart) return;
      var spec;
      try {
        spec = JSON.parse(source.textContent);
      } catch (e) {
        return;
      }
      var datasets = (spec.datasets || []).map(function (ds, i) {
        var colour = palette[i % palette.length];
        return {
          label: ds.label,
          data: ds.data,
          borderColor: colour,
          backgroundColor: spec.type === "line" ? colour : colour + "cc",
          borderDash: spec.type === "line" ? dashes[i % dashes.length] : [],
          pointStyle: ["circle", "rect", "triangle", "rectRot", "cross", "star"][i % 6],
          pointRadius: 4,
          spanGaps: true
        };
      });
      var y = { stacked: !!spec.stacked, beginAtZero: true };
      if (typeof spec.y_min === "number") y.min = spec.y_min;
      if (typeof spec.y_max === "number") y.max = spec.y_max;
      var whole = (spec.datasets || []).every(function (ds) {
        return (ds.data || []).every(function (v) { return v === null || Math.round(v) === v; });
      });
      y.ticks = whole ? { precision: 0 } : {};
      if (spec.percent) y.ticks.callback = function (v) { return v + " %"; };
      // eslint-disable-next-line no-new
      new window.Chart(canvas, {
        type: spec.type === "bar" ? "bar" : "line",
        data: { labels: spec.labels || [], datasets: datasets },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: { x: { stacked: !!spec.stacked }, y: y },
          plugins: { legend: { position: "bottom" } }
        }
      });
    });
  }

  function start() {
    if (!document.querySelector("canvas[data-chart]")) return;
    if (window.Chart) return draw();
    var meta = document.querySelector('meta[name="samskap-chart-src"]');
    if (!meta) return;
    var s = document.createElement("script");
    s.src = meta.getAttribute("content");
    s.onload = draw;
    document.head.appendChild(s);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
