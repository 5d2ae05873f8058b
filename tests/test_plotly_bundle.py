"""The partial plotly.js bundle (static/vendor/plotly.min.js, built by tools/plotly-bundle/build.sh) draws every
chart the pages send: with the demo data loaded, an official opens every page that carries a chart (the overview,
each indicator, the map of each indicator (and of one in every measure), each district, the reports, the projects), the trace
types of the figures embedded in them are collected, and the committed bundle, run in chromium, must have each
one registered (Plotly.PlotSchema.get().traces). A chart of a type left out of tools/plotly-bundle/index.js fails
here, not in an official's browser. The pages themselves are drawn in tests/indicators/dashboards/test_browser.py."""
import json
import re
from pathlib import Path

import pytest

from districts.models import District
from indicators.loaders import demo
from indicators.models import Indicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUNDLE = Path(__file__).resolve().parent.parent / "static" / "vendor" / "plotly.min.js"
FIGURE_ID = re.compile(r'data-figure="([^"]+)"')
JSON_BLOCK = re.compile(r'<script type="application/json" id="([^"]+)">(.*?)</script>', re.DOTALL)


def _trace_types(html: str) -> set[str]:
    blocks = dict(JSON_BLOCK.findall(html))
    types = set()
    for figure_id in FIGURE_ID.findall(html):
        figure = json.loads(blocks[figure_id])
        types |= {trace.get("type", "scatter") for trace in figure.get("data", [])}
    return types


def _chart_pages(plan) -> list[str]:
    indicators = list(Indicator.objects.filter(plan=plan).values_list("number", "by_district"))
    pages = ["/overview/", "/reports/midterm/", "/reports/final/", "/reports/2023/", "/projects/"]
    pages += [f"/indicators/{number}/" for number, _ in indicators]
    mapped = [number for number, by_district in indicators if by_district]
    pages += [f"/map/?indicator={mapped[0]}&measure={measure}" for measure in ("completion", "value")]
    pages += [f"/map/?indicator={number}&measure=light" for number in mapped]
    pages += [f"/districts/{code}/" for code in District.objects.filter(plan=plan).values_list("code", flat=True)]
    return pages


@pytest.fixture
def used_trace_types(plan, make_user, client):
    demo.demo_load(plan=plan)
    client.force_login(make_user("official", "official"))
    used = {}
    for path in _chart_pages(plan):
        response = client.get(path)
        assert response.status_code == 200, path
        for trace_type in _trace_types(response.content.decode()):
            used.setdefault(trace_type, path)
    return used


def test_every_trace_type_a_page_uses_is_in_the_committed_bundle(used_trace_types, page):
    page.set_content("<!doctype html><title>bundle</title>")
    page.add_script_tag(path=str(BUNDLE))
    registered = set(page.evaluate("() => Object.keys(window.Plotly.PlotSchema.get().traces)"))

    # the pages really draw these five: a check that the collection above found the charts at all
    assert {"scatter", "bar", "heatmap", "choropleth", "scattergeo"} <= set(used_trace_types)
    missing = {t: path for t, path in used_trace_types.items() if t not in registered}
    assert not missing, f"used on these pages but not in tools/plotly-bundle/index.js: {missing}"
    # and it is a partial bundle: the trace types nobody draws are not shipped
    assert not {"pie", "scatter3d", "scattermap", "sankey"} & registered
    assert page.evaluate("() => window.Plotly.version") == "4.1.1"
