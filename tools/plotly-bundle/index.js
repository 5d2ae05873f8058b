// The plotly.js our pages need: the core (scatter is always in it) and the trace types that
// indicators/dashboards/charts.py draws. tests/test_plotly_bundle.py fails when a page uses one not listed here.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo')
]);

module.exports = Plotly;
