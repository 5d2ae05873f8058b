"""Content-Security-Policy (issue 14) in a real browser: every response carries the policy, and the pages work
under it: an official opens the overview, an indicator page, the map and the other pages that had inline
script; no policy violation is reported (securitypolicyviolation events, console), no JavaScript error occurs,
the Plotly charts are drawn and the behaviours moved to static/js/site.js still work."""
import pytest

from indicators.loaders import demo
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
          "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
# recorded from the first script of every document, before any page script runs
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber, e.sample].join(" | "));
});
"""
CHARTS_DRAWN = """() => {
  const charts = Array.from(document.querySelectorAll('[data-figure]'));
  return charts.length > 0 && charts.every(c => c.querySelector('.js-plotly-plot .main-svg, svg.main-svg'));
}"""
CHART_PAGES = ["/overview/", "/indicators/1/", "/map/?indicator=1&measure=light"]
OTHER_PAGES = ["/reports/final/", "/reviews/?scope=city&year=2024&quarter=4&lang=zh", "/completeness/?year=2023",
               "/entry/", "/districts/shizhong/", "/projects/"]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def official_with_demo(plan, make_user):
    demo.demo_load(plan=plan)
    return make_user("official", "official")


def _policy(header: str) -> set[str]:
    return {" ".join(part.split()) for part in header.split(";") if part.strip()}


def test_every_response_carries_the_policy(official_with_demo, client):
    expected = _policy(POLICY)
    assert _policy(client.get("/accounts/login/")["Content-Security-Policy"]) == expected
    assert _policy(client.get("/healthz")["Content-Security-Policy"]) == expected
    client.force_login(official_with_demo)
    for path in CHART_PAGES + ["/exports/figures.csv"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _policy(response["Content-Security-Policy"]) == expected, path


def test_pages_work_under_the_policy(official_with_demo, live_server, page):
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
            and not m.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.add_init_script(WATCH_VIOLATIONS)
    headers = {}
    page.on("response", lambda r: headers.setdefault(r.url, r.headers.get("content-security-policy"))
            if r.request.resource_type == "document" else None)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "official")
    page.fill("#id_password", PASSWORD)
    page.click(".login-box button[type=submit]")
    page.wait_for_load_state("networkidle")

    for path in CHART_PAGES:
        page.goto(live_server.url + path)
        page.wait_for_function(CHARTS_DRAWN, timeout=20_000)
        page.wait_for_load_state("networkidle")
        assert page.locator(".js-plotly-plot .main-svg").count() >= 1, path
        assert page.evaluate("() => window.__csp") == [], path
        if path.startswith("/map/"):
            assert page.locator("#map-chart .choroplethlocation").count() == 11  # topojson/geojson drawn
    for path in OTHER_PAGES:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => window.__csp") == [], path

    # the behaviours that were inline handlers: a year select submits its form, the print link, the copy button
    page.goto(live_server.url + "/completeness/?year=2023")
    with page.expect_navigation():
        page.select_option("#year", "2024")
    assert page.url.endswith("year=2024")
    page.goto(live_server.url + "/reviews/?scope=city&year=2024&quarter=4&lang=zh")
    page.click("#review-copy-button")
    assert page.evaluate("() => document.activeElement.id") == "review-plain"
    page.goto(live_server.url + "/reports/final/")
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.click("a[data-print]")
    assert page.evaluate("() => window.__printed") == 1 and page.url.endswith("/reports/final/")
    assert page.evaluate("() => window.__csp") == []

    assert problems == []
    documents = {url: value for url, value in headers.items() if url.startswith(live_server.url)}
    assert documents and all(value and _policy(value) == _policy(POLICY) for value in documents.values()), documents
