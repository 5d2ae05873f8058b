"""One verdict per figure (issue 13): on every page the light shown is the colour of the status beside it; a final
figure (the target year's annual figure is in) reads 已完成 / 基本完成 / 未完成 with its shortfall in the unit and
the share of the target reached, never a projection or a growth still needed; 预警 lists a figure only for a red
light or a projection that misses the target. Checked on the worked examples 5–7 of PROGRESS.md."""
import csv
import io
import json
from datetime import datetime, timezone
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.urls import reverse

from districts.models import District
from indicators.dashboards import charts, verdicts
from indicators.models import Indicator, Observation, ObservationVersion, Progress

pytestmark = pytest.mark.django_db
PROGRESS_FIELDS = {f.name for f in Progress._meta.get_fields()}
COMPUTED = datetime(2026, 12, 2, 6, 5, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def fresh_overview_cache():
    """The overview's body is cached by recompute run: rows written here without a run must not meet a stale body."""
    cache.clear()
    yield
    cache.clear()


def progress_row(number: int, scope: str = "city", *, year: int = 2025, quarter: int = 4, status: str,
                 light: str = "", final: dict | None = None, **fields) -> Progress:
    """A stored progress row as the engine writes it (the end-of-plan fields only where the model has them: a
    2025 annual figure is final)."""
    indicator = Indicator.objects.get(number=number)
    district = None if scope == "city" else District.objects.get(code=scope)
    final = {"is_final": (year, quarter) == (2025, 4), **(final or {})}
    extra = {k: v for k, v in final.items() if k in PROGRESS_FIELDS}
    return Progress.objects.create(indicator=indicator, district=district, scope=scope, basis="latest", year=year,
                                   quarter=quarter, status=status, light=light, computed_at=COMPUTED,
                                   **fields, **extra)


class Verdicts(HTMLParser):
    """Every light on a page, with the verdict (status) it stands in and the status words beside it."""

    def __init__(self):
        super().__init__()
        self.stack, self.lights, self.words, self._in_words = [], [], {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag != "span":
            return
        verdict = a.get("data-status") if a.get("data-testid") == "verdict" else None
        self.stack.append(verdict)
        enclosing = next((s for s in reversed(self.stack) if s), None)
        if "data-light" in a:
            self.lights.append((a["data-light"], enclosing, len(self.lights)))
        if a.get("class") == "status" and enclosing:
            self._in_words = len(self.lights) - 1
            self.words[self._in_words] = ""

    def handle_endtag(self, tag):
        if tag == "span" and self.stack:
            self.stack.pop()
            self._in_words = None

    def handle_data(self, data):
        if self._in_words is not None:
            self.words[self._in_words] += data


def verdicts_of(page: str) -> list[tuple[str, str, str]]:
    """(light, status, words) of every light badge on the page; fails on a light outside a verdict."""
    parser = Verdicts()
    parser.feed(page)
    out = []
    for light, status, i in parser.lights:
        assert status is not None, f"a light ({light}) stands outside a verdict"
        out.append((light, status, parser.words.get(i, "").strip()))
    return out


def assert_one_verdict(page: str) -> list[tuple[str, str, str]]:
    found = verdicts_of(page)
    for light, status, words in found:
        assert light == (verdicts.light_of(status) or "none"), (light, status, words)
        assert words, (light, status)
    return found


def section(page: str, marker: str, end: str) -> str:
    start = page.index(marker)
    return page[start:page.index(end, start)]


# ------------------------------------------------------------------------------------------------ the rules


@pytest.mark.parametrize("status, light", [
    ("achieved", "green"), ("on_track", "green"), ("acceleration_needed", "yellow"), ("largely_achieved", "yellow"),
    ("limited", "red"), ("deterioration", "red"), ("not_achieved", "red"), ("cannot_assess", None)])
def test_the_light_is_the_colour_of_the_status(status, light):
    assert verdicts.light_of(status) == light


def test_status_words_at_the_plans_end():
    assert verdicts.status_label("achieved") == "已达标"
    assert verdicts.status_label("achieved", final=True) == "已完成"
    assert verdicts.status_label("largely_achieved", final=True) == "基本完成"
    assert verdicts.status_label("not_achieved", final=True) == "未完成"
    assert verdicts.reason_text("baseline_meets_target") == "基期已达到目标"


def test_example_5_final_words_shortfall_and_share_never_a_projection():
    row = {"year": 2025, "quarter": 4, "is_provisional": False, "status": "largely_achieved", "t": 2025.0,
           "annual_value": 1251.56, "target_value": 1300.0, "projection": 1251.56, "target_year": 2025}
    assert verdicts.is_final(row)
    assert verdicts.final_text(row, unit="亿元", decimals=2) == "差 48.44 亿元，达到目标的 96.3%"
    assert not verdicts.shows_projection(row)
    assert verdicts.warning_reasons(row, measure="flow", target_kind="at_least", target_year=2025) == []
    provisional = {**row, "quarter": 3, "is_provisional": True, "status": "acceleration_needed"}
    assert not verdicts.is_final(provisional) and verdicts.shows_projection(provisional) is False  # t = T
    later = {**row, "year": 2026, "status": "acceleration_needed"}
    assert verdicts.after_target(later) and not verdicts.shows_projection(later)


def test_warnings_follow_the_light_or_the_projection_only():
    base = {"year": 2023, "quarter": 4, "t": 2023.0, "target_value": 1300.0, "target_year": 2025}
    kwargs = dict(measure="flow", target_kind="at_least", target_year=2025)
    assert verdicts.warning_reasons({**base, "status": "limited", "projection": 1400.0}, **kwargs) == ["进展有限"]
    assert verdicts.warning_reasons({**base, "status": "acceleration_needed", "projection": 1250.0}, **kwargs) == [
        "预计2025年达不到目标"]
    assert verdicts.warning_reasons({**base, "status": "acceleration_needed", "projection": 1310.0}, **kwargs) == []
    assert verdicts.warning_reasons({**base, "status": "not_achieved", "year": 2025, "t": 2025.0}, **kwargs) == [
        "未完成"]


# ------------------------------------------------------------------------------------------------ example 5 on pages


def test_example_5_through_the_recompute_reads_as_a_final_figure_on_every_page(plan, official, client):
    """服务业增加值 890.02 → 1300; the 2025 annual figure 1251.56 is in: shortfall and share, no projection."""
    from openpyxl import load_workbook

    from indicators.progress.services import progress_recompute

    obs = Observation.objects.create(indicator=Indicator.objects.get(number=1), year=2025, quarter=4)
    ObservationVersion.objects.create(observation=obs, kind="preliminary", value=Decimal("1251.56"),
                                      source_title="2025年乐山市国民经济和社会发展统计公报")
    progress_recompute(plan=plan)
    row = Progress.objects.get(indicator__number=1, scope="city", basis="latest", year=2025, quarter=4)
    client.force_login(official)
    light, words = verdicts.light_of(row.status) or "none", verdicts.status_label(row.status, True)
    pages = {"overview": client.get(reverse("overview")).content.decode(),
             "indicator": client.get(reverse("indicator_page", args=[1])).content.decode(),
             "report": client.get(reverse("report_final")).content.decode()}
    for name, page in pages.items():
        shown = assert_one_verdict(page)
        assert (light, row.status, words) in shown, name
        assert "差 48.44 亿元，达到目标的 96.3%" in page, name
    summary = section(pages["indicator"], 'data-testid="indicator-summary"', "</section>")
    assert "按当前增速" not in summary and "At the current pace" not in summary and "from now on" not in summary
    assert "时间进度" not in summary
    chart = json.loads(section(pages["indicator"], 'id="indicator-chart-json">', "</script>").split(">", 1)[1])
    assert not any("预测" in (t.get("name") or "") for t in chart["data"])
    report_row = section(pages["report"], '<tr data-indicator="1"', "</tr>")
    assert report_row.count(">—</td>") >= 2  # no projection, no growth still needed
    book = load_workbook(io.BytesIO(client.get(reverse("report_xlsx", args=[2025])).content))
    first = [c.value for c in book.worksheets[0][4]]
    assert first[12] == "差 48.44 亿元，达到目标的 96.3%" and first[13] == "—" and first[14] == "—"
    assert (first[10], first[11]) == (charts.light_badge(light), words)


def test_example_5_largely_achieved_is_yellow_wherever_it_shows_whatever_light_was_stored(plan, official, client):
    """A row the engine writes at the plan's end (基本完成): even a stale stored light never reaches a page."""
    progress_row(1, status="largely_achieved", light="green", value=1251.56, annual_value=1251.56,
                 baseline_year=2020, baseline_value=890.02, target_value=1300.0, target_source="city", t=2025.0,
                 completion=0.882, time_share=1.0, projection=1251.56, inputs={"baseline_source": "indicator"},
                 final={"is_final": True, "shortfall": 48.44, "target_share": 0.963})
    client.force_login(official)
    for url in (reverse("overview"), reverse("indicator_page", args=[1]), reverse("report_final")):
        page = client.get(url).content.decode()
        shown = assert_one_verdict(page)
        assert ("yellow", "largely_achieved", "基本完成") in shown, url
        assert "差 48.44 亿元，达到目标的 96.3%" in page, url
    overview = client.get(reverse("overview")).content.decode()
    card = section(overview, 'data-testid="indicator-card" data-indicator="1"', "</article>")
    assert 'edge-yellow" data-testid="indicator-card" data-indicator="1"' in overview and "绿灯" not in card
    warned = section(overview, 'data-testid="warnings"', "</section>")
    assert 'data-indicator="1"' not in warned  # yellow, and a final figure has no projection to miss
    lines = client.get(reverse("indicator_csv", args=[1])).content.decode("utf-8-sig").splitlines()
    assert "基本完成" in lines[1] and "黄灯" in lines[1] and "绿灯" not in lines[1]


def test_not_achieved_is_red_and_warned_in_its_own_words(plan, official, client):
    progress_row(5, status="not_achieved", value=1072.99, annual_value=1072.99, baseline_year=2020,
                 baseline_value=748.31, target_value=1250.0, t=2025.0, completion=0.647, time_share=1.0,
                 inputs={"baseline_source": "indicator"})
    client.force_login(official)
    page = client.get(reverse("overview")).content.decode()
    assert ("red", "not_achieved", "未完成") in assert_one_verdict(page)
    warned = section(page, 'data-testid="warnings"', "</section>")
    assert 'data-indicator="5"' in warned and "差 177.01 亿元，达到目标的 85.8%" in warned
    assert "严重滞后" not in page


# ------------------------------------------------------------------------------------------------ example 6


def test_example_6_baseline_above_the_target_completion_is_a_dash(plan, official, client):
    """A district's share of 62.0% (2020) against the city's 55%左右: 60.0% → 已达标, 50.0% → 倒退, red; completion
    undefined ("—", 基期已达到目标), whatever number an older engine stored."""
    common = dict(year=2025, quarter=4, baseline_year=2020, baseline_value=62.0, target_value=55.0,
                  target_source="city", t=2025.0, time_share=1.0, reason="baseline_meets_target",
                  inputs={"source": "district", "baseline_source": "observed"})
    progress_row(4, "shizhong", status="achieved", value=60.0, annual_value=60.0, completion=None, **common)
    progress_row(4, "emeishan", status="deterioration", light="green", value=50.0, annual_value=50.0,
                 completion=1.71, **common)
    # a row written before the engine gave the reason: its baseline meets its target all the same
    progress_row(4, "jiajiang", status="achieved", value=60.0, annual_value=60.0, completion=-0.29,
                 **{**common, "reason": ""})
    client.force_login(official)
    indicator = client.get(reverse("indicator_page", args=[4])).content.decode()
    table = section(indicator, 'data-testid="district-table"', "</table>")
    for code, light, status, words in (("shizhong", "green", "achieved", "已完成"),
                                       ("emeishan", "red", "deterioration", "倒退"),
                                       ("jiajiang", "green", "achieved", "已完成")):
        row = section(table, f'<tr data-district="{code}"', "</tr>")
        assert (light, status, words) in assert_one_verdict(row)
        assert '<td class="num">—</td>' in row and "基期已达到目标" in row
        assert "171.0%" not in row and "-29.0%" not in row
    map_page = client.get(reverse("map_page") + "?indicator=4&measure=completion").content.decode()
    assert ("red", "deterioration", "倒退") in assert_one_verdict(map_page)
    assert "171.0%" not in map_page
    district = client.get(reverse("districts:detail", args=["emeishan"])).content.decode()
    row = section(district, '<tr data-indicator="4"', "</tr>")
    assert ("red", "deterioration", "倒退") in assert_one_verdict(row) and "基期已达到目标" in row


# ------------------------------------------------------------------------------------------------ example 7


def test_example_7_apportioned_count_target_and_the_final_shortfall(plan, official, client):
    """City 35户; a district holding 12% of the baseline count: target 35 × 0.12 = 4.2 → 5户; 4户 in 2025."""
    progress_row(13, "jiajiang", status="not_achieved", value=4.0, annual_value=4.0, baseline_year=2020,
                 baseline_value=3.0, target_value=5.0, target_source="implied_proportional", t=2025.0,
                 completion=0.5, time_share=1.0, inputs={"source": "district", "baseline_source": "observed"})
    client.force_login(official)
    page = client.get(reverse("districts:detail", args=["jiajiang"])).content.decode()
    row = section(page, '<tr data-indicator="13"', "</tr>")
    assert '<td class="num">5 户</td>' in row
    assert ("red", "not_achieved", "未完成") in assert_one_verdict(row)
    assert "差 1 户，达到目标的 80.0%" in row
    map_page = client.get(reverse("map_page") + "?indicator=13").content.decode()
    assert ("red", "not_achieved", "未完成") in assert_one_verdict(map_page) and "差 1 户，达到目标的 80.0%" in map_page
    lines = list(csv.reader(io.StringIO(client.get(reverse("district_csv", args=["jiajiang"]))
                                        .content.decode("utf-8-sig"))))
    exported = dict(zip(lines[0], lines[1]))
    assert (exported["目标值"], exported["状态"], exported["灯号"]) == ("5", "未完成", "红灯")


# ------------------------------------------------------------------------------------------------ every page


@pytest.fixture
def demo_pages(plan, official, client):
    from indicators.loaders import demo

    demo.demo_load(plan=plan, indicator_numbers=[1, 2, 3, 4, 9, 13, 16], district_codes=["shizhong", "emeishan"])
    client.force_login(official)
    return client


@pytest.mark.parametrize("url", [
    reverse("overview"), reverse("indicator_page", args=[1]), reverse("indicator_page", args=[3]),
    reverse("indicator_page", args=[16]), reverse("districts:detail", args=["shizhong"]),
    reverse("map_page") + "?indicator=1&measure=light", reverse("map_page") + "?indicator=9&measure=completion",
    reverse("report_annual", args=[2023]), reverse("report_final"), reverse("report_midterm"),
], ids=["overview", "indicator-1", "indicator-3", "indicator-16", "district", "map-light", "map-completion",
        "report-2023", "report-final", "report-midterm"])
def test_no_page_shows_a_light_that_differs_from_its_status(demo_pages, url):
    page = demo_pages.get(url).content.decode()
    shown = assert_one_verdict(page)
    assert len(shown) >= 2
    assert "严重滞后" not in page and "（完成进度对比时间进度）" not in page


def test_the_scorecard_and_map_colours_are_those_of_the_statuses(demo_pages):
    page = demo_pages.get(reverse("districts:detail", args=["shizhong"])).content.decode()
    heat = json.loads(section(page, 'id="district-heat-json">', "</script>").split(">", 1)[1])["data"][0]
    rows = {(r.scope, str(r.indicator.number)): r.status for r in Progress.objects.filter(basis="latest", year=2025,
                                                                                            quarter=4)
            .exclude(scope="city").select_related("indicator")}
    score = {"none": 0, "red": 1, "yellow": 2, "green": 3}
    names = dict(District.objects.values_list("name", "code"))
    for label, z_row, hover_row in zip(heat["y"], heat["z"], heat["hovertext"]):
        code = names[label.split(". ")[-1]]
        for number, z, hover in zip(heat["x"], z_row, hover_row):
            if (code, number) in rows:
                status = rows[(code, number)]
                assert z == score[verdicts.light_of(status) or "none"], (code, number)
                assert verdicts.status_label(status, True) in hover


def test_a_projection_that_misses_never_reads_as_the_target_itself():
    row = {"year": 2023, "quarter": 4, "t": 2023.0, "status": "acceleration_needed", "projection": 14.97,
           "target_value": 15.0, "target_year": 2025}
    assert verdicts.warning_reasons(row, measure="stock", target_kind="at_least", target_year=2025, unit="户",
                                    decimals=0) == ["预计2025年达不到目标（预计 14.97 户）"]
    assert verdicts.apart_from_target(16.2, 15.0, "户", 0) == "16 户"
