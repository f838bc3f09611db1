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

// Live workshops (issue 8): the big screen, the control view and the phones
// follow the workshop's event stream (server-sent events). Without
// JavaScript every page still works: a link fetches what is happening now.
(function () {
  "use strict";

  function setBars(root) {
    root.querySelectorAll(".ws-bar[data-pct]").forEach(function (bar) {
      var pct = parseInt(bar.getAttribute("data-pct"), 10) || 0;
      bar.style.width = Math.max(0, Math.min(100, pct)) + "%";
    });
  }

  // Tells, in a status line, when the stream is lost and when it is back.
  function watchConnection(source, section) {
    var line = section.querySelector("[data-ws-conn]");
    if (!line) return;
    var lost = false;
    source.addEventListener("error", function () {
      if (source.readyState !== EventSource.OPEN && !lost) {
        lost = true;
        line.textContent = section.getAttribute("data-ws-lost") || "";
      }
    });
    source.addEventListener("open", function () {
      if (lost) line.textContent = section.getAttribute("data-ws-back") || "";
      lost = false;
    });
  }

  function screen(section) {
    var live = document.getElementById("ws-live");
    var source = new EventSource(section.getAttribute("data-ws-screen"));
    source.addEventListener("results", function (e) {
      var data = JSON.parse(e.data);
      live.innerHTML = data.html;
      setBars(live);
    });
    source.addEventListener("gone", function () { source.close(); });
    watchConnection(source, section);
  }

  // The control view fetches its own part again (it has the facilitator's
  // forms), at most twice a second, and never while focus is inside it.
  function control(section) {
    var target = document.getElementById("ws-control-live");
    var href = section.getAttribute("data-ws-fragment");
    var busy = false;
    var again = false;
    var waiting = false;
    function refresh() {
      if (target.contains(document.activeElement) && document.activeElement !== document.body) {
        if (!waiting) {
          waiting = true;
          target.addEventListener("focusout", function later() {
            target.removeEventListener("focusout", later);
            waiting = false;
            setTimeout(refresh, 50);
          });
        }
        return;
      }
      if (busy) { again = true; return; }
      busy = true;
      fetch(href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html !== null) { target.innerHTML = html; setBars(target); }
        })
        .catch(function () {})
        .then(function () {
          setTimeout(function () {
            busy = false;
            if (again) { again = false; refresh(); }
          }, 500);
        });
    }
    var source = new EventSource(section.getAttribute("data-ws-control"));
    source.addEventListener("results", refresh);
    source.addEventListener("gone", function () { source.close(); });
    watchConnection(source, section);
  }

  // A phone shows the current activity: when the facilitator moves on (or
  // opens or closes answering), the page loads again, after a short random
  // pause so a room full of phones does not ask at the same instant. A
  // half-written answer is never thrown away: the phone says what happened
  // and waits for the participant.
  function phone(section) {
    var activity = section.getAttribute("data-ws-activity") || "";
    var open = section.getAttribute("data-ws-open") === "1";
    var note = section.querySelector("[data-ws-follow]");
    var form = section.querySelector("form.ws-answer__form");
    var dirty = false;
    if (form) form.addEventListener("input", function () { dirty = true; });
    var source = new EventSource(section.getAttribute("data-ws-phone"));
    source.addEventListener("state", function (e) {
      var s = JSON.parse(e.data);
      if (s.activity === activity && s.open === open && !s.ended) return;
      if (dirty && note) {
        note.textContent = section.getAttribute("data-ws-moved") || "";
        var link = document.createElement("a");
        link.href = window.location.pathname;
        link.className = "button button--quiet";
        link.textContent = section.getAttribute("data-ws-go") || "";
        note.appendChild(document.createTextNode(" "));
        note.appendChild(link);
        note.hidden = false;
        return;
      }
      source.close();
      setTimeout(function () { window.location.replace(window.location.pathname); },
                 Math.floor(Math.random() * 1200));
    });
    source.addEventListener("gone", function () { source.close(); });
  }

  function start() {
    setBars(document);
    if (typeof window.EventSource !== "function") return;
    document.querySelectorAll("[data-ws-screen]").forEach(screen);
    document.querySelectorAll("[data-ws-control]").forEach(control);
    document.querySelectorAll("[data-ws-phone]").forEach(phone);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
