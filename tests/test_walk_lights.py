"""Issue 13, done when: no page anywhere shows a light whose colour differs from its status. A real browser (Debian's
chromium through Playwright) walks the site as a city official and as county staff, following the links a person can
click from the landing page, and on every page reads each verdict as drawn: the status it carries and the colour
the light is actually painted in (computed style), which must be the colour of that status (PROGRESS.md §3: the
light is the colour of the status)."""
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest

from indicators.loaders import demo
from indicators.progress.maths import STATUS_LIGHTS
from indicators.progress.services import progress_recompute
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# never followed: leaving, switching language, files to download, the admin, forms that change something on GET
SKIP = re.compile(r"^/(accounts/logout|i18n/|admin/|static/|media/)|\.(csv|xlsx|docx|json|geojson)$|/export|/download")
PER_PATTERN = 2       # pages of one shape (e.g. /indicators/<n>/) visited at most this often
MAX_PAGES = 30        # per role: enough for every kind of page, bounded for CI time

READ_VERDICTS = """() => {
  const css = getComputedStyle(document.documentElement);
  const colour = name => {
    const probe = document.createElement('span');
    probe.style.color = css.getPropertyValue('--' + name).trim();
    document.body.appendChild(probe);
    const value = getComputedStyle(probe).color;
    probe.remove();
    return value;
  };
  const palette = {green: colour('green'), yellow: colour('yellow'), red: colour('red'), none: colour('grey')};
  const verdicts = Array.from(document.querySelectorAll('[data-testid="verdict"]')).map(v => {
    const light = v.querySelector('.light');
    return {status: v.dataset.status, drawn: light ? getComputedStyle(light).color : null,
            marker: light ? getComputedStyle(light, '::before').backgroundColor : null,
            text: v.innerText.trim()};
  });
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));
  return {palette, verdicts, links};
}"""

LIGHT_WORDS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}


def _pattern(path: str, query: str) -> str:
    """The shape of a page: numbers and district codes stand for any, query values are ignored."""
    parts = path.split("/")
    shape = ["*" if re.search(r"\d", part) or (i and parts[i - 1] == "districts") else part
             for i, part in enumerate(parts)]
    return "/".join(shape) + "?" + "&".join(sorted(p.split("=")[0] for p in query.split("&") if p))


def _walk(page, live_server, username: str) -> dict:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(".login-box button[type=submit]")
    page.wait_for_load_state("networkidle")
    start = urlsplit(page.url).path
    queue, seen, shapes = deque([start]), {start}, Counter()
    visited, wrong, verdict_count = [], [], Counter()
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        response = page.goto(live_server.url + url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(url)
        found = page.evaluate(READ_VERDICTS)
        palette = found["palette"]
        for verdict in found["verdicts"]:
            expected = STATUS_LIGHTS.get(verdict["status"]) or "none"
            verdict_count[verdict["status"]] += 1
            words = LIGHT_WORDS.get(expected)
            if verdict["drawn"] != palette[expected] or (words and words not in verdict["text"]):
                wrong.append((url, verdict["status"], expected, verdict["drawn"], verdict["text"]))
            for other, word in LIGHT_WORDS.items():
                if other != expected and word in verdict["text"]:
                    wrong.append((url, verdict["status"], expected, f"text says {word}", verdict["text"]))
        for href in found["links"]:
            parts = urlsplit(urljoin(live_server.url + url, href))
            if parts.netloc != urlsplit(live_server.url).netloc or SKIP.search(parts.path):
                continue
            # the plan shown is the one in force with or without ?plan=: the same page, not a new one
            query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("plan="))
            target = parts.path + (f"?{query}" if query else "")
            shape = _pattern(parts.path, query)
            if target in seen or shapes[shape] >= PER_PATTERN:
                continue
            seen.add(target)
            shapes[shape] += 1
            queue.append(target)
    return {"visited": visited, "wrong": wrong, "verdicts": verdict_count}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def walk_site(plan, make_user):
    demo.demo_load(plan=plan)
    progress_recompute(plan=plan)
    make_user("official", "official")
    make_user("staff_emeishan", "staff", "emeishan")


@pytest.mark.parametrize("username", ["official", "staff_emeishan"])
def test_every_light_on_every_page_is_the_colour_of_its_status(walk_site, live_server, page, username):
    walked = _walk(page, live_server, username)
    print(f"\n{username}: {len(walked['visited'])} pages, verdicts by status {dict(walked['verdicts'])}")
    assert walked["wrong"] == []
    # the walk really reached the pages that carry verdicts, with lights of every colour
    assert len(walked["visited"]) >= 8, walked["visited"]
    district_pages = [u for u in walked["visited"] if re.match(r"/districts/[a-z]+/", u)]
    assert district_pages, walked["visited"]
    if username == "staff_emeishan":
        assert {u.split("/")[2] for u in district_pages} == {"emeishan"}
    colours = {STATUS_LIGHTS.get(status) for status in walked["verdicts"]}
    assert {"green", "yellow", "red"} <= colours, walked["verdicts"]
    if username == "official":
        assert any(u.startswith("/indicators/") for u in walked["visited"]), walked["visited"]
