"""Pages served from their cached bodies (issue 17): a constant number of queries whatever the number of districts,
a body never shown to a viewer it was not rendered for, a body renewed when what it shows changes, and a province's
scorecard sent as a matrix of codes, not as a cell's text each."""
import json
import re

import pandas as pd
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import District, Plan
from indicators.dashboards import charts
from indicators.loaders import demo
from indicators.loaders.synthetic import SyntheticSpec, synthetic_load
from indicators.models import Indicator, Submission
from indicators.progress.services import progress_recompute


def _figure(page: str, chart_id: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{chart_id}-json">(.*?)</script>', page, re.DOTALL)
    return json.loads(found.group(1))


def _synthetic_in_force(districts: int, indicators: int) -> Plan:
    result = synthetic_load(spec=SyntheticSpec(districts=districts, indicators=indicators, years=2))
    plan = Plan.objects.get(code=result.code)
    progress_recompute(plan=plan)
    Plan.objects.update(status=Plan.Status.DRAFT)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_FORCE)
    return plan


def _pages(plan: Plan) -> dict[str, str]:
    district = District.objects.filter(plan=plan).order_by("order").values_list("code", flat=True).first()
    return {"overview": "/", "indicator": reverse("indicator_page", args=[1]),
            "district": reverse("districts:detail", args=[district]), "map": reverse("map_page"),
            "report": reverse("report_annual", args=[plan.start_year]), "review": reverse("review:page"),
            "projects": reverse("projects:list"), "ledger": reverse("tasks:ledger"),
            "completeness": reverse("entry:completeness")}


def _counts(client, plan: Plan) -> dict[str, tuple[int, int]]:
    """Queries of each page rendered from nothing (cache emptied) and served from its cached body."""
    counts = {}
    for name, url in _pages(plan).items():
        client.get(url)  # per-process caches (translations, geometry, content types)
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url).status_code == 200, url
        counts[name] = (len(cold), len(warm))
    return counts


@pytest.mark.django_db
def test_queries_per_page_do_not_grow_with_the_number_of_districts(client, make_user):
    """12 districts and 40, each with every figure: every page issues the same number of queries, rendered or
    cached (a query per district would add 28)."""
    client.force_login(make_user("official_count", "official"))
    small = _counts(client, _synthetic_in_force(12, 6))
    large = _counts(client, _synthetic_in_force(40, 6))
    assert large == small
    assert all(warm <= cold for cold, warm in small.values())


@pytest.mark.django_db
def test_a_province_sized_district_and_indicator_page_stay_small(client, make_user):
    """60 districts × 40 indicators. The scorecard alone has 2,400 cells: as text per cell (mark, district, indicator,
    light, status, completion: ~110 bytes each) it was 256 KB; as codes it is ~8 bytes a cell (~20 KB). With the
    40-row figure table (~1 KB a row) and the frame of the page, the district page stays under 100 KB; the indicator
    page (a chart of 60 bars and a 60-row district table) under 100 KB. At 183 × 100 `make bench` reports the sizes."""
    plan = _synthetic_in_force(60, 40)
    client.force_login(make_user("official_size", "official"))
    district = District.objects.filter(plan=plan).order_by("order").first()
    page = client.get(reverse("districts:detail", args=[district.code])).content
    assert len(page) < 100_000
    heat = _figure(page.decode(), "district-heat")["data"][0]
    # every district with a light at each indicator's newest period (every eighth has that quarter still awaiting
    # approval), every indicator reported by district
    assert len(heat["y"]) == 60 - 60 // 8 and "hovertext" not in heat
    assert len(heat["x"]) == Indicator.objects.filter(plan=plan, by_district=True).count()
    assert len(client.get(reverse("indicator_page", args=[1])).content) < 100_000


def test_the_compact_scorecard_reads_as_the_full_one(monkeypatch):
    """What static/js/charts.js rebuilds from the codes (marks and hover texts) is what the full form carries."""
    rows = []
    for d in range(40):
        for i in range(1, 31):
            light = [None, "red", "yellow", "green"][(d + i) % 4]
            rows.append({"district_code": f"d{d}", "district_name": f"区<{d}>", "rank": d + 1,
                         "indicator_number": i, "indicator_name": f"指标{i}", "light": light,
                         "status_label": f"状态{(d * i) % 5}",
                         "completion": None if (d + i) % 7 == 0 else (d * 31 + i) / 997 - 0.2})
    df = pd.DataFrame(rows).iloc[:-3]  # a few cells without a row: 无数据
    compact = charts.scorecard_heatmap(df, highlight="d3").to_plotly_json()["data"][0]
    monkeypatch.setattr(charts, "COMPACT_CELLS", 10**9)
    full = charts.scorecard_heatmap(df, highlight="d3").to_plotly_json()["data"][0]
    s = compact["meta"]["scorecard"]
    assert "hovertext" not in compact and list(compact["y"]) == list(full["y"]) and list(compact["x"]) == list(full["x"])
    assert [list(r) for r in compact["z"]] == [list(r) for r in full["z"]]
    for i, (z_row, code_row, done_row) in enumerate(zip(compact["z"], s["codes"], s["completion"])):
        for j, (z, code, tenths) in enumerate(zip(z_row, code_row, done_row)):
            words = s["words"][code]
            tail = ("—" if tenths is None else f"{tenths / 10:.1f}%") if words.endswith(s["done"]) else ""
            assert s["districts"][i] + " · " + s["indicators"][j] + "<br>" + words + tail == full["hovertext"][i][j]
            assert s["marks"][str(z)] == full["text"][i][j]
    assert len(json.dumps(compact)) < len(json.dumps(full)) / 3


@pytest.fixture
def pages_site(plan, make_user):
    demo.demo_load(plan=plan, indicator_numbers=[1, 3, 5], district_codes=["shizhong", "emeishan", "shawan"])
    return {"official": make_user("official_c", "official"),
            "shizhong": make_user("staff_c_shizhong", "staff", "shizhong"),
            "emeishan": make_user("staff_c_emeishan", "staff", "emeishan")}


def test_a_cached_body_is_never_served_to_another_viewer(client, pages_site):
    """The official's district page (every district in the scorecard) is cached first; each district's staff
    then get their own row only, and another district's staff member gets no body at all (403)."""
    url = reverse("districts:detail", args=["emeishan"])
    client.force_login(pages_site["official"])
    assert len(_figure(client.get(url).content.decode(), "district-heat")["data"][0]["y"]) == 3
    client.force_login(pages_site["emeishan"])
    heat = _figure(client.get(url).content.decode(), "district-heat")["data"][0]
    assert [re.sub(r"^(▶ )?\d+\. ", "", y) for y in heat["y"]] == ["峨眉山市"]
    client.force_login(pages_site["shizhong"])
    assert client.get(url).status_code == 403
    page = client.get(reverse("indicator_page", args=[1])).content.decode()
    assert "峨眉山市" not in page and "市中区" in page


def test_a_cached_body_is_renewed_when_what_it_shows_changes(client, pages_site):
    client.force_login(pages_site["official"])
    district_url, indicator_url = reverse("districts:detail", args=["shizhong"]), reverse("indicator_page", args=[1])
    assert "新的名称" not in client.get(indicator_url).content.decode()
    Indicator.objects.filter(number=1).update(name="新的名称")  # renamed in the admin: no recompute
    assert "新的名称" in client.get(indicator_url).content.decode()

    page = client.get(district_url).content.decode()
    District.objects.filter(code="shizhong").update(development_focus="重点：新的发展重点")
    assert "新的发展重点" not in page and "新的发展重点" in client.get(district_url).content.decode()

    year = int(re.search(r'<option value="(\d+)" selected>', client.get(district_url).content.decode()).group(1))
    plan = Plan.objects.get(status=Plan.Status.IN_FORCE)
    Submission.objects.create(plan=plan, district=District.objects.get(code="shizhong"), year=year, quarter=2,
                              status=Submission.Status.SUBMITTED)
    row = re.search(r'<tr data-quarter="2" data-state="(\w+)"', client.get(district_url).content.decode())
    assert row.group(1) == Submission.Status.SUBMITTED
    # a status moved by an update() alone (neither updated_at nor the revision moves) renews the body too
    Submission.objects.filter(plan=plan, district__code="shizhong", year=year, quarter=2).update(
        status=Submission.Status.RETURNED)
    row = re.search(r'<tr data-quarter="2" data-state="(\w+)"', client.get(district_url).content.decode())
    assert row.group(1) == Submission.Status.RETURNED

    before = client.get(indicator_url).content.decode()
    demo.demo_load(plan=plan, indicator_numbers=[1], district_codes=["shizhong", "emeishan", "shawan", "jiajiang"])
    after = client.get(indicator_url).content.decode()  # a recompute run: the districts' table has a fourth row
    assert "夹江县" not in before and "夹江县" in after
