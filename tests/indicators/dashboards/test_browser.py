"""In a real browser (Debian's chromium through Playwright): an official logs in and opens every dashboard; each
shows what it should (16 cards on the overview), every chart is actually drawn (Plotly's svg.main-svg inside
each chart div), no JavaScript error occurs and no request leaves the server (plotly.js and the map's
topojson are served locally)."""
import re

import pytest

from indicators.loaders import demo
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_DRAWN = """() => {
  const charts = Array.from(document.querySelectorAll('[data-figure]'));
  return charts.length > 0 && charts.every(c => c.querySelector('svg.main-svg'));
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def official_with_demo(plan, make_user):
    demo.demo_load(plan=plan)
    return make_user("official", "official")


def _watch(page, live_server):
    problems = {"errors": [], "outside": []}

    def on_console(message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems["errors"].append(f"console: {message.text} {message.location}")

    def on_request(request):
        url = request.url
        if not (url.startswith(live_server.url) or url.startswith("data:") or url.startswith("blob:")):
            problems["outside"].append(url)

    page.on("pageerror", lambda error: problems["errors"].append(f"pageerror: {error}"))
    page.on("console", on_console)
    page.on("request", on_request)
    return problems


def _log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "official")
    page.fill("#id_password", PASSWORD)
    page.click(".login-box button[type=submit]")
    page.wait_for_load_state("networkidle")


PAGES = [
    ("/overview/", '[data-testid="indicator-card"]', 16),
    ("/indicators/1/", '[data-testid="indicator-summary"]', 1),
    ("/indicators/16/", '[data-testid="city-table"]', 1),
    ("/map/?indicator=1&measure=light", '[data-testid="map-table"] tbody tr', 12),
    ("/map/?indicator=3&measure=completion", '[data-testid="map-table"] tbody tr', 12),
    ("/reports/midterm/", '[data-testid="report-table"] tbody tr', 16),
    ("/reports/final/", '[data-testid="report-table"] tbody tr', 16),
    ("/districts/shizhong/", '[data-testid="district-figures"] tbody tr', 13),
    ("/projects/", "table.project-table", 6),
]


def test_official_sees_every_dashboard_drawn_without_errors_or_outside_requests(official_with_demo, live_server,
                                                                                page):
    problems = _watch(page, live_server)
    _log_in(page, live_server)
    for path, selector, expected in PAGES:
        page.goto(live_server.url + path)
        page.wait_for_function(ALL_DRAWN, timeout=20_000)
        assert page.locator(selector).count() == expected, path
        charts = page.locator("[data-figure]")
        for i in range(charts.count()):
            assert charts.nth(i).locator("svg.main-svg").count() >= 1, (path, i)
        if path == "/overview/":
            assert page.locator('[data-testid="indicator-card"] .sparkline svg.main-svg').count() >= 16
            assert "2025年第四季度" in page.locator('[data-testid="headline"]').inner_text()
            assert page.locator('[data-testid="demo-banner"]').is_visible()
        if path.startswith("/map/"):
            assert page.locator("#map-chart .choroplethlocation").count() == 11  # the 11 county polygons
    page.wait_for_load_state("networkidle")
    assert problems["errors"] == []
    assert problems["outside"] == []


def test_overview_fits_a_phone(official_with_demo, live_server, page):
    problems = _watch(page, live_server)
    _log_in(page, live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/overview/")
    page.wait_for_function(ALL_DRAWN, timeout=20_000)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    assert page.locator('[data-testid="indicator-card"]').count() == 16
    assert problems["errors"] == [] and problems["outside"] == []


def _pdf_pages(pdf: bytes) -> int:
    return int(re.search(rb"/Type\s*/Pages\b.*?/Count (\d+)", pdf, re.S).group(1))


def test_review_table_prints_on_one_a4_landscape_page(official_with_demo, live_server, page):
    _log_in(page, live_server)
    for path in ("/reports/midterm/", "/reports/final/"):
        page.goto(live_server.url + path)
        page.wait_for_function(ALL_DRAWN, timeout=20_000)
        with_scorecard = _pdf_pages(page.pdf(prefer_css_page_size=True))
        page.evaluate("() => document.querySelectorAll('.print-break').forEach(e => e.remove())")
        assert _pdf_pages(page.pdf(prefer_css_page_size=True)) == 1, path  # the table alone: one A4 page
        assert with_scorecard >= 2  # the district scorecard starts on a page of its own

