/* Draws the Plotly figures the server serialised (indicators/charts.py) with the local plotly.js:
   every <div data-figure="ID"> gets the figure in <script type="application/json" id="ID">.
   No request leaves the server: topojsonURL points at the placeholder shipped in static/geo/topojson/. */
(function () {
  "use strict";

  /* A province's scorecard arrives as codes (indicators/dashboards/charts.py, _compact_heatmap): each cell's light
     (z), the index of its words and its completion in tenths of a percent. Rebuild the mark and hover text of each
     cell from them: the same words the full form carries. */
  function expandScorecard(trace) {
    var s = trace.meta && trace.meta.scorecard;
    if (!s) { return; }
    trace.text = trace.z.map(function (row) {
      return row.map(function (z) { return s.marks[String(z)]; });
    });
    trace.hovertext = s.codes.map(function (row, i) {
      return row.map(function (code, j) {
        var words = s.words[code], tenths = s.completion[i][j], tail = "";
        if (words.slice(-s.done.length) === s.done) {
          tail = tenths === null ? "—" : (tenths / 10).toFixed(1) + "%";
        }
        return s.districts[i] + " · " + s.indicators[j] + "<br>" + words + tail;
      });
    });
    trace.texttemplate = "%{text}";
    trace.textfont = {color: "#ffffff", size: 9};
    delete trace.meta;
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source || !window.Plotly || el.getAttribute("data-drawn")) { return; }
    var figure = JSON.parse(source.textContent);
    (figure.data || []).forEach(expandScorecard);
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
