#!/bin/sh
# Rebuild static/vendor/plotly.min.js: plotly.js (the version pinned in package-lock.json) with only the trace
# types index.js registers, bundled and minified by esbuild the way plotly.js builds its own dist files
# (its esbuild-config.js: an IIFE named Plotly, `global` as window, no AMD). The only CSS plotly.js imports is
# maplibre-gl's, for the map traces we leave out: it is dropped (empty loader). Run from anywhere:
#   sh tools/plotly-bundle/build.sh
set -eu
cd "$(dirname "$0")"
OUT=../../static/vendor/plotly.min.js
npm ci --ignore-scripts --no-audit --no-fund
VERSION=$(node -p "require('plotly.js/package.json').version")
npx --no-install esbuild index.js \
    --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
    --define:global=window --define:define.amd=false --define:process.env.NODE_DEBUG=false \
    --alias:stream=stream-browserify --alias:regl=@plotly/regl \
    --loader:.css=empty \
    --legal-comments=none --log-level=warning \
    --banner:js="/** plotly.js v$VERSION, partial bundle (core + bar, heatmap, choropleth, scattergeo): tools/plotly-bundle/. Copyright 2012-2026, Plotly, Inc. Licensed under the MIT license */" \
    --outfile="$OUT"
echo "wrote static/vendor/plotly.min.js: $(wc -c < "$OUT") bytes, $(gzip -9 -c "$OUT" | wc -c) gzipped"
