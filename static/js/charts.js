/* Draws the Plotly figures the server serialised (indicators/charts.py) with the local plotly.js:
   every <div data-figure="ID"> gets the figure in <script type="application/json" id="ID">.
   No request leaves the server: topojsonURL points at the placeholder shipped in static/geo/topojson/. */
(function () {
  "use strict";

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source || !window.Plotly || el.getAttribute("data-drawn")) { return; }
    var figure = JSON.parse(source.textContent);
    var config = {
      displaylogo: false,
      responsive: true,
      topojsonURL: el.getAttribute("data-topojson-url") || "/static/geo/topojson/"
    };
    if (el.hasAttribute("data-compact")) { config.displayModeBar = false; }
    el.setAttribute("data-drawn", "1");
    window.Plotly.newPlot(el, figure.data || [], figure.layout || {}, config);
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), draw);  // forms: static/js/site.js
  }

  function resizeAll() {
    if (!window.Plotly) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-drawn]"), function (el) {
      window.Plotly.Plots.resize(el);
    });
  }

  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
}());
