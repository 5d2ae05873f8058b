"""A province's scorecard on the district page, in a real browser (Debian's chromium through Playwright): above 1,000
cells it travels as a matrix of codes (indicators/dashboards/charts.py) and static/js/charts.js expands it. What
the official sees for a few cells — the mark in the cell, the words of its hover label and the colour it is painted
in, read from the screen's pixels — is what the progress rows in the database say, computed here without the
pages' code: each indicator's newest period with district rows, the row's light and status (PROGRESS.md §3)."""
import json
import re
import struct
import zlib

import pytest

from districts.models import District, Plan
from indicators.loaders.synthetic import SyntheticSpec, synthetic_load
from indicators.models import Indicator, Progress
from indicators.progress.services import progress_recompute
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 40 districts × 40 indicators: 35 districts with a light at the newest period (every eighth awaits approval) ×
# the indicators reported by district, over 1,000 cells
SPEC = SyntheticSpec(districts=40, indicators=40, years=2)
# the palette of the lights (DESIGN.md; the CSS variables --green, --yellow, --red, --grey)
COLOURS = {"green": (0x1a, 0x7f, 0x37), "yellow": (0x8a, 0x61, 0x00), "red": (0xb4, 0x23, 0x18),
           "none": (0x57, 0x60, 0x6a)}
WORDS = {"green": ("●", "绿灯"), "yellow": ("▲", "黄灯"), "red": ("■", "红灯"), "none": ("○", "无灯")}
STATUS_WORDS = {"achieved": "已达标", "on_track": "进度正常", "acceleration_needed": "需加快",
                "largely_achieved": "基本完成", "limited": "进展有限", "deterioration": "倒退",
                "not_achieved": "未完成", "cannot_assess": "无法评估"}
FINAL_ACHIEVED = "已完成"  # the plan's final verdict on a target reached (PROGRESS.md §3a), where the row is final

CELLS = """([xs, ys]) => {
  const gd = document.getElementById('district-heat');
  const trace = gd.data[0], xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.querySelector('.main-svg').getBoundingClientRect();
  const w = Math.abs(xa.c2p(1) - xa.c2p(0)), h = Math.abs(ya.c2p(1) - ya.c2p(0));
  return xs.map((x, k) => {
    const j = trace.x.indexOf(x), i = trace.y.findIndex(y => y.replace(/^(▶ )?\\d+\\. /, '') === ys[k]);
    if (i < 0 || j < 0) { return null; }
    const cx = box.left + window.scrollX + xa._offset + xa.c2p(j);
    const cy = box.top + window.scrollY + ya._offset + ya.c2p(i);
    return {text: trace.text[i][j], hover: trace.hovertext[i][j], z: trace.z[i][j],
            cx: cx, cy: cy, w: w, h: h, viewX: cx - window.scrollX, viewY: cy - window.scrollY};
  });
}"""


def _pixel(png: bytes) -> tuple[int, int, int]:
    """The colour of a 1 × 1 PNG (8-bit RGB or RGBA): any filter of a single pixel's row leaves it unchanged."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data, colour_type = 8, b"", None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        chunk = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", chunk[:10])
            assert (width, height, depth) == (1, 1, 8) and colour_type in (2, 6)
        elif kind == b"IDAT":
            data += chunk
        pos += 12 + length
    raw = zlib.decompress(data)
    return tuple(raw[1:4])


def _status_word(row: dict) -> str:
    return FINAL_ACHIEVED if row["is_final"] and row["status"] == "achieved" else STATUS_WORDS[row["status"]]


def _expected_cells(plan: Plan) -> dict[tuple[str, int], dict]:
    """(district name, indicator number) → light and status at the indicator's newest period with district rows."""
    rows = list(Progress.objects.filter(indicator__plan=plan, basis="latest").exclude(scope="city")
                .values("indicator__number", "scope", "year", "quarter", "light", "status", "is_final"))
    newest = {}
    for r in rows:
        newest[r["indicator__number"]] = max(newest.get(r["indicator__number"], (0, 0)), (r["year"], r["quarter"]))
    names = dict(District.objects.filter(plan=plan).values_list("code", "name"))
    return {(names[r["scope"]], r["indicator__number"]): r for r in rows
            if (r["year"], r["quarter"]) == newest[r["indicator__number"]]}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def province_plan(make_user):
    plan = Plan.objects.get(code=synthetic_load(spec=SPEC).code)
    progress_recompute(plan=plan)
    Plan.objects.exclude(pk=plan.pk).update(status=Plan.Status.DRAFT)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_FORCE)
    make_user("official", "official")
    return plan


def test_the_compact_scorecard_shows_each_cells_light_and_status_in_the_browser(province_plan, live_server, page):
    expected = _expected_cells(province_plan)
    district = District.objects.filter(plan=province_plan).order_by("order").first()
    by_district = Indicator.objects.filter(plan=province_plan, by_district=True).count()
    assert len({d for d, _n in expected}) * by_district > 1000

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "official")
    page.fill("#id_password", PASSWORD)
    page.click(".login-box button[type=submit]")
    page.wait_for_load_state("networkidle")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/districts/{district.code}/")
    # sent compact: codes, no text per cell
    sent = json.loads(page.locator("#district-heat-json").text_content())["data"][0]
    assert "scorecard" in sent["meta"] and "hovertext" not in sent and "text" not in sent
    heat = page.locator("#district-heat")
    heat.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('#district-heat .hm image')")

    # a few cells of every light there is, spread over the table
    chosen = []
    for light in ("green", "yellow", "red", "none"):
        cells = sorted(k for k, r in expected.items() if (r["light"] or "none") == light)
        chosen += cells[:: max(1, len(cells) // 2)][:2]
    assert {(expected[c]["light"] or "none") for c in chosen} >= {"green", "yellow", "red"}
    found = page.evaluate(CELLS, [[str(n) for _d, n in chosen], [d for d, _n in chosen]])
    for (name, number), cell in zip(chosen, found):
        row = expected[(name, number)]
        light = row["light"] or "none"
        icon, word = WORDS[light]
        assert cell is not None, (name, number)
        assert cell["text"] == icon + word[0]  # the mark in the cell: ●绿
        assert re.match(rf"{re.escape(name)} · {number}\. 合成指标", cell["hover"]), cell["hover"]
        assert f"<br>{icon} {word} · {_status_word(row)}" in cell["hover"], (row, cell["hover"])
        # the colour on the screen, away from the white mark in the cell's middle
        x, y = cell["cx"] - cell["w"] * 0.38, cell["cy"] - cell["h"] * 0.3
        shot = page.screenshot(full_page=True, clip={"x": x, "y": y, "width": 1, "height": 1})
        assert _pixel(shot) == COLOURS[light], (name, number, light, _pixel(shot))

    # the hover label a person reads, for the first chosen cell
    (name, number), cell = chosen[0], found[0]
    page.mouse.move(cell["viewX"], cell["viewY"])
    label = page.locator(".hoverlayer .hovertext").first
    label.wait_for()
    text = label.text_content()
    row = expected[(name, number)]
    assert name in text and WORDS[row["light"] or "none"][1] in text and _status_word(row) in text
    assert errors == []
