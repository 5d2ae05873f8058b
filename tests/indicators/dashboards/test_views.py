"""Dashboard pages: each renders for an official with numbers read from the stored Progress rows, issues a fixed
number of SQL queries whatever the number of indicators, districts and projects, and shows county staff only
their own district (403 on another district's page and downloads)."""
import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.access import CITY_OFFICIAL, COUNTY_STAFF
from districts.models import District, Membership
from indicators.dashboards import charts, verdicts
from indicators.figures import formatting
from indicators.loaders import demo
from indicators.models import Indicator, Progress
from projects.models import Milestone, Project

pytestmark = pytest.mark.django_db
EVIL = '<script>alert("x")</script>'


def _user(username, group, district=None):
    user = get_user_model().objects.create_user(username=username, password="Test-password-2025")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    if district:
        Membership.objects.create(user=user, district=District.objects.get(code=district))
    return user


@pytest.fixture(scope="class")
def demo_site(django_db_setup, django_db_blocker):
    """Plan + demo data + users, loaded once per class (read-only tests), flushed afterwards."""
    from indicators.figures.selectors import current_plan
    from indicators.loaders.plan import load_plan
    from tests.conftest import PLAN_FIXTURE

    with django_db_blocker.unblock():
        load_plan(json.loads(PLAN_FIXTURE.read_text(encoding="utf-8")))
        plan = current_plan()
        demo.demo_load(plan=plan)
        users = {"official": _user("official_pages", CITY_OFFICIAL),
                 "shizhong": _user("staff_pages_shizhong", COUNTY_STAFF, "shizhong"),
                 "emeishan": _user("staff_pages_emeishan", COUNTY_STAFF, "emeishan")}
    yield plan, users
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _newest(number, scope="city", up_to=None):
    rows = Progress.objects.filter(indicator__number=number, scope=scope, basis="latest")
    if up_to:
        rows = rows.filter(year__lte=up_to)
    return rows.order_by("-year", "-quarter").first()


def _text(row, attr="annual_value"):
    return charts.value_text(getattr(row, attr), row.indicator.unit, row.indicator.decimals)


def _card(page: str, number: int) -> str:
    start = page.index(f'data-indicator="{number}"', page.index('data-testid="indicator-card"'))
    return page[start:page.index("</article>", start)]


def _figure(page: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{chart_id}-json">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


class TestPagesForAnOfficial:
    def test_overview_cards_counts_and_warnings_come_from_progress(self, demo_site, client):
        plan, users = demo_site
        client.force_login(users["official"])
        page = client.get(reverse("overview")).content.decode()
        assert page.count('data-testid="indicator-card"') == 16
        cards = re.findall(r'data-testid="indicator-card" data-indicator="(\d+)"', page)
        assert cards == [str(n) for n in range(1, 17)]  # 专栏6's order, no grouping the plan does not print
        assert "服务业规模与结构" not in page
        newest = {i.number: _newest(i.number) for i in Indicator.objects.all()}
        for number, row in newest.items():
            card = _card(page, number)
            assert _text(row) in card, number
            assert f'data-light="{verdicts.light_of(row.status) or "none"}"' in card  # the colour of its status
            assert 'data-testid="demo-mark"' in card, number  # every figure shown is a demo one here
        for status in ("achieved", "on_track", "acceleration_needed", "limited"):
            n = sum(1 for row in newest.values() if row.status == status)
            assert re.search(rf'data-status="{status}"><span class="n">{n}</span>', page), status
        assert "2025年第四季度" in page  # as of which period
        warned = re.findall(r'<li data-indicator="(\d+)">', page.split('data-testid="warnings"')[1].split("</section>")[0])
        # 2025's annual figures are in: nothing is projected any more, so only a red light warns
        assert all((row.year, row.quarter) == (2025, 4) for row in newest.values())
        assert sorted(warned, key=int) == [str(n) for n, row in sorted(newest.items())
                                           if verdicts.light_of(row.status) == "red"]
        assert "按当前增速" not in page

    def test_indicator_page_table_and_csv(self, demo_site, client):
        plan, users = demo_site
        client.force_login(users["official"])
        for number in range(1, 17):
            assert client.get(reverse("indicator_page", args=[number])).status_code == 200
        page = client.get(reverse("indicator_page", args=[1])).content.decode()
        latest = _newest(1)
        assert _text(latest) in page.split('data-testid="indicator-summary"')[1][:2000]
        assert page.count("<tr data-district=") == 12
        assert _text(_newest(1, "emeishan"), "value") in page
        chart = _figure(page, "indicator-chart")
        assert any(t.get("type") == "bar" for t in chart["data"])
        response = client.get(reverse("indicator_csv", args=[1]))
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == Progress.objects.filter(indicator__number=1, basis="latest").count()
        last = next(r for r in rows if r["县（市、区）"] == "全市" and r["年份"] == str(latest.year)
                    and r["季度"] == str(latest.quarter))
        assert last["评估值"] == str(formatting.rounded(latest.annual_value, 2))

    def test_map_reports_xlsx_district_and_projects(self, demo_site, client):
        from openpyxl import load_workbook

        plan, users = demo_site
        client.force_login(users["official"])
        page = client.get(reverse("map_page") + "?indicator=5&measure=completion").content.decode()
        assert page.count("<tr data-district=") == 12
        assert charts.pct_text(_newest(5, "qianwei").completion) in page
        geo = _figure(page, "map-chart")
        assert geo["data"][0]["type"] == "choropleth"
        assert any(t.get("marker", {}).get("symbol") == "star" for t in geo["data"])  # 高新区 as a point

        for url in (reverse("reports"), reverse("report_midterm"), reverse("report_final"),
                    reverse("report_annual", args=[2021])):
            assert client.get(url).status_code == 200
        page = client.get(reverse("report_annual", args=[2023])).content.decode()
        assert page.count('<tr data-indicator="') == 16
        row_2023 = _newest(1, up_to=2023)
        assert (row_2023.year, row_2023.quarter) == (2023, 4) and _text(row_2023) in page
        assert client.get(reverse("report_annual", args=[2030])).status_code == 404

        response = client.get(reverse("report_xlsx", args=[2023]))
        book = load_workbook(io.BytesIO(response.content))
        sheet = book.worksheets[0]
        values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
        assert len(values) == 16 and values[0][0] == 1 and values[0][6] == _text(row_2023)
        assert book.worksheets[1].max_row == 13  # header + 12 districts

        page = client.get(reverse("districts:detail", args=["shizhong"])).content.decode()
        assert _text(_newest(1, "shizhong")) in page
        heat = _figure(page, "district-heat")
        assert len(heat["data"][0]["y"]) == 12
        assert 'data-testid="district-rank"' in page
        # each cell: that district's light at the indicator's newest period with any district row
        rows = list(Progress.objects.filter(basis="latest").exclude(scope="city")
                    .values("indicator__number", "scope", "year", "quarter", "status"))
        newest = {}
        for r in rows:
            newest[r["indicator__number"]] = max(newest.get(r["indicator__number"], (0, 0)), (r["year"], r["quarter"]))
        names = dict(District.objects.values_list("code", "name"))
        expected = {(names[r["scope"]], str(r["indicator__number"])):
                    charts.LIGHT_SCORE[charts.light_key(verdicts.light_of(r["status"]))]
                    for r in rows if (r["year"], r["quarter"]) == newest[r["indicator__number"]]}
        cells = {(re.sub(r"^(▶ )?\d+\. ", "", y), x): z for y, row in zip(heat["data"][0]["y"], heat["data"][0]["z"])
                 for x, z in zip(heat["data"][0]["x"], row)}
        assert {k: v for k, v in cells.items() if k in expected} == expected
        assert len(expected) > 100 and all(v == 0 for k, v in cells.items() if k not in expected)
        assert client.get(reverse("district_csv", args=["shizhong"])).status_code == 200
        page = client.get(reverse("projects:list")).content.decode()
        assert "峨秀湖旅游休闲集聚区" in page and _figure(page, "projects-by-district")["data"]


    def test_one_ranking_on_the_district_pages_the_final_report_and_the_final_review(self, demo_site, client):
        """排名 is the same everywhere (issue 13: 市中区 was 第7 on its page and 8th in the 总结评估): most green,
        then most yellow, then fewest red lights; the review's ranks, its counts and the district pages agree."""
        from indicators.reviews.documents import review_for

        plan, users = demo_site
        client.force_login(users["official"])
        rank = re.compile(r'data-testid="district-rank">排名第(\d+)（共12个）<')
        pages = {code: int(rank.search(client.get(reverse("districts:detail", args=[code])).content.decode())
                           .group(1)) for code in District.objects.values_list("code", flat=True)}
        review, _data = review_for(plan, scope="city", year=2025, quarter=4, lang="zh")
        ranked = {d.code: d.rank for d in review.district_ranking}
        assert ranked == pages
        assert len(set(pages.values())) > 1  # the demo data does tell the districts apart
        # the ranks follow the counts: a better rank never has fewer 已完成, or as many and fewer 基本完成 …
        key = {d.code: (-d.achieved, -d.largely_achieved, d.not_achieved) for d in review.district_ranking}
        for a in key:
            for b in key:
                if key[a] < key[b]:
                    assert ranked[a] < ranked[b], (a, b)
                elif key[a] == key[b]:
                    assert ranked[a] == ranked[b], (a, b)

    def test_targets_on_the_district_page_keep_the_plans_words(self, demo_site, client):
        """The district table prints 8%左右 (the plan's own target, where the district's is the city's), not 8.00%."""
        plan, users = demo_site
        client.force_login(users["official"])
        page = client.get(reverse("districts:detail", args=["emeishan"])).content.decode()
        row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*服务业增加值年均增速(?:(?!</tr>).)*</tr>", page, re.S)
        assert row, "the rate indicator's row"
        assert "8%左右" in row.group(0) and "8.00%" not in row.group(0)

    def test_a_demo_province_assigned_amount_is_marked_on_the_overview(self, demo_site, client):
        from indicators.models import ProvinceAssignment

        plan, users = demo_site
        client.force_login(users["official"])
        assert ProvinceAssignment.objects.filter(indicator__number=16, is_demo=True).exists()
        page = client.get(reverse("overview")).content.decode()
        card = re.search(r"省下达 ([^<·]+?)\s*<span class=\"demo-mark\"", page)
        assert card and "亿元" in card.group(1)


class TestCountyStaff:
    def test_staff_see_only_their_own_district(self, demo_site, client):
        plan, users = demo_site
        client.force_login(users["emeishan"])
        assert client.get(reverse("districts:detail", args=["shizhong"])).status_code == 403
        assert client.get(reverse("district_csv", args=["shizhong"])).status_code == 403
        assert client.get(reverse("reports")).status_code == 403
        assert client.get(reverse("report_xlsx", args=[2023])).status_code == 403
        response = client.get(reverse("overview"))
        assert response.status_code == 302 and response["Location"] == reverse("districts:detail", args=["emeishan"])
        page = client.get(reverse("districts:detail", args=["emeishan"])).content.decode()
        heat = _figure(page, "district-heat")
        assert [y.split(". ")[-1] for y in heat["data"][0]["y"]] == ["峨眉山市"]  # no other district's lights
        rows = list(csv.DictReader(io.StringIO(
            client.get(reverse("indicator_csv", args=[1])).content.decode("utf-8-sig"))))
        assert rows and {r["县（市、区）"] for r in rows} == {"峨眉山市"}
        page = client.get(reverse("map_page")).content.decode()
        assert re.findall(r'<tr data-district="(\w+)"', page) == ["emeishan"]
        csv_rows = list(csv.DictReader(io.StringIO(
            client.get(reverse("district_csv", args=["emeishan"])).content.decode("utf-8-sig"))))
        assert {r["县（市、区）"] for r in csv_rows} == {"峨眉山市"}

    def test_staff_see_their_rank_among_every_district(self, demo_site, client):
        """排名第3（共12个）, not 第1（共1个）: the rank is over all districts, whatever the user may see."""
        plan, users = demo_site
        rank = re.compile(r'data-testid="district-rank">排名第(\d+)（共(\d+)个）<')
        client.force_login(users["official"])
        official = rank.search(client.get(reverse("districts:detail", args=["emeishan"])).content.decode()).groups()
        client.force_login(users["emeishan"])
        page = client.get(reverse("districts:detail", args=["emeishan"])).content.decode()
        assert rank.search(page).groups() == official and official[1] == "12"
        heat = _figure(page, "district-heat")
        assert heat["data"][0]["y"] == [f"▶ {official[0]}. 峨眉山市"]  # their own row only, at its rank of 12
        ranks = {}
        client.force_login(users["official"])
        for code in District.objects.values_list("code", flat=True):
            found = rank.search(client.get(reverse("districts:detail", args=[code])).content.decode())
            ranks[code] = int(found.group(1))
        assert sorted(ranks.values())[0] == 1 and max(ranks.values()) <= 12 and len(ranks) == 12

    def test_anonymous_users_are_sent_to_log_in(self, demo_site, client):
        for url in (reverse("overview"), reverse("indicator_page", args=[1]), reverse("map_page"),
                    reverse("reports"), reverse("report_xlsx", args=[2023])):
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _pages():
    return [reverse("overview"), reverse("indicator_page", args=[1]), reverse("indicator_csv", args=[1]),
            reverse("map_page"), reverse("report_annual", args=[2023]), reverse("report_xlsx", args=[2023]),
            reverse("districts:detail", args=["shizhong"]), reverse("district_csv", args=["shizhong"]),
            reverse("projects:list")]


def _query_counts(client) -> dict[str, int]:
    counts = {}
    for url in _pages():
        assert client.get(url).status_code == 200, url  # warm caches (content types, sessions) first
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_each_page_issues_a_fixed_number_of_queries(plan, official, client, django_assert_num_queries):
    client.force_login(official)
    demo.demo_load(plan=plan, indicator_numbers=[1, 3], district_codes=["shizhong", "emeishan"])
    small = _query_counts(client)

    # more of everything: indicators, districts, projects with milestones and investment, all with figures
    pillar = Indicator.objects.get(number=1).pillar
    for n in (17, 18, 19):
        Indicator.objects.create(plan=plan, pillar=pillar, number=n, name=f"测试指标{n}", unit="亿元", measure="flow",
                                 target_year=2025, target_value=Decimal("500"), target_text="500亿元",
                                 target_kind="at_least", baseline_year=2020, baseline_value=Decimal("300"),
                                 baseline_text="300亿元")
    for n in (1, 2):
        District.objects.create(plan=plan, code=f"extra{n}", name=f"新区{n}", order=20 + n)
    for project in Project.objects.filter(plan=plan)[:5]:
        project.planned_investment, project.completed_investment = Decimal("10"), Decimal("4")
        project.save()
        project.districts.add(District.objects.get(code="shizhong"))
        for m in range(3):
            Milestone.objects.create(project=project, title=f"节点{m}", due_date=date(2022 + m, 6, 30),
                                     done_date=date(2022 + m, 7, 1) if m == 0 else None)
    demo.demo_load(plan=plan)
    assert Progress.objects.filter(scope="extra1").exists() and Progress.objects.filter(indicator__number=19).exists()
    for url in _pages():
        client.get(url)
        with django_assert_num_queries(small[url]):
            assert client.get(url).status_code == 200, url


def test_user_text_is_escaped_in_pages_and_charts(plan, official, client):
    client.force_login(official)
    project = Project.objects.filter(plan=plan).first()
    project.name = EVIL
    project.planned_investment, project.completed_investment = Decimal("8"), Decimal("2")
    project.save()
    Milestone.objects.create(project=project, title=EVIL, due_date=date(2024, 1, 1))
    District.objects.filter(code="shizhong").update(name=EVIL)
    demo.demo_load(plan=plan, indicator_numbers=[1], district_codes=["shizhong", "emeishan"])
    for url in (reverse("projects:list"), reverse("indicator_page", args=[1]), reverse("map_page"),
                reverse("districts:detail", args=["emeishan"])):
        page = client.get(url).content.decode()
        assert EVIL not in page, url
        assert "<script>alert" not in page, url
    page = client.get(reverse("projects:list")).content.decode()
    timeline = _figure(page, "projects-timeline")
    assert any("&lt;script&gt;" in text for t in timeline["data"] for text in (t.get("hovertext") or []))


def test_the_cached_overview_shows_the_next_recompute_at_once(plan, official, client):
    """The overview's body is cached until the next recompute run: a changed figure shows on the next request."""
    from indicators.models import Observation, ObservationVersion
    from indicators.progress.services import progress_recompute

    indicator = Indicator.objects.get(plan=plan, number=1)
    obs = Observation.objects.create(indicator=indicator, year=2023, quarter=4)
    ObservationVersion.objects.create(observation=obs, kind="preliminary", value=Decimal("1104.76"))
    progress_recompute(plan=plan)
    client.force_login(official)
    card = re.compile(r'data-indicator="1">.*?data-testid="card-value">([^<]*)<', re.S)
    first = client.get(reverse("overview")).content.decode()
    assert card.search(first).group(1) == charts.value_text(1104.76, indicator.unit, indicator.decimals)
    main = re.compile(r"<main>.*</main>", re.S)
    assert main.search(client.get(reverse("overview")).content.decode()).group(0) == main.search(first).group(0)

    ObservationVersion.objects.create(observation=obs, kind="verified", value=Decimal("1120.00"))
    progress_recompute(plan=plan)
    second = client.get(reverse("overview")).content.decode()
    assert card.search(second).group(1) == charts.value_text(1120.0, indicator.unit, indicator.decimals)


def test_completeness_tells_demo_quarters_from_missing_ones(plan, official, client):
    """Demo figures fill a quarter without any submission: 演示数据, never 未报送 beside 13 approved figures."""
    demo.demo_load(plan=plan, indicator_numbers=[1, 3], district_codes=["shizhong"])
    client.force_login(official)
    table = re.compile(r'<tr data-quarter="(\d)" data-state="(\w+)"><td>[^<]*</td><td>([^<]*)<.*?</tr>', re.S)
    shown = table.findall(client.get(reverse("districts:detail", args=["shizhong"]) + "?year=2024").content.decode())
    assert [(q, state) for q, state, _label in shown] == [(str(q), "demo") for q in range(1, 5)]
    assert all(label.startswith("演示数据") for _q, _s, label in shown)
    page = client.get(reverse("districts:detail", args=["shizhong"]) + "?year=2024").content.decode()
    completeness = page.split('data-testid="completeness"')[1].split("</table>")[0]
    assert "0 / 13" in completeness and "2 <span" in completeness  # nothing approved; 2 demo figures a quarter
    missing = table.findall(client.get(reverse("districts:detail", args=["emeishan"]) + "?year=2024").content.decode())
    assert [(q, state, label) for q, state, label in missing] == [(str(q), "missing", "未报送") for q in range(1, 5)]


def test_the_plans_words_and_numbers_as_printed(plan, official, client):
    """约30% as printed, never 30.00%; the column is 2025预测值 (used as the target), never "2025年目标 … 不低于"."""
    demo.demo_load(plan=plan, indicator_numbers=[3, 9], district_codes=["shizhong"])
    client.force_login(official)
    page = client.get(reverse("indicator_page", args=[3])).content.decode()
    baseline = page.split('data-testid="baseline">')[1].split("</dd>")[0]
    assert baseline == "约30%（2020年）"
    target = page.split('data-testid="target">')[1].split("</dd>")[0]
    assert "<strong>40%左右</strong>" in target and "2025预测值" in target and "作为目标值" in target
    assert "2025年预测值" in page and "2025年目标" not in page and "不低于" not in page
    assert "服务业规模与结构" not in page
    one = client.get(reverse("indicator_page", args=[1])).content.decode()
    assert one.split('data-testid="target">')[1].split("</dd>")[0].startswith("<strong>1300亿元</strong>")
    assert "不低于" not in one and "1300亿元 不低于" not in one
    report = client.get(reverse("report_annual", args=[2024])).content.decode()
    row3 = report.split('<tr data-indicator="3"')[1].split("</tr>")[0]
    assert "约30%（2020年）" in row3 and "30.00%" not in row3
    # indicator 9 has no baseline in the plan: the report says so and names the demo figure it used
    row9 = report.split('<tr data-indicator="9"')[1].split("</tr>")[0]
    assert "规划未给出；按2020年演示数据" in row9 and 'data-testid="demo-mark"' in row9
    overview = client.get(reverse("overview")).content.decode()
    card9 = _card(overview, 9)
    assert 'data-testid="baseline-note"' in card9 and "规划未给出；按2020年演示数据" in card9
    nine = client.get(reverse("indicator_page", args=[9])).content.decode()
    assert "未给出" in nine.split('data-testid="baseline">')[1].split("</dd>")[0]
    path = next(t for t in _figure(nine, "indicator-chart")["data"] if "路径" in (t.get("name") or ""))
    assert "演示数据" in path["name"]  # the chart says what its path starts from
    order = re.findall(r'<tr data-indicator="(\d+)"', report)
    assert order == [str(n) for n in range(1, 17)]


def test_sources_name_publisher_and_document_and_link_only_official_addresses(plan, official, client):
    from indicators.loaders.published import published_load, published_version_record
    from indicators.models import Observation
    from indicators.progress.services import progress_recompute
    from tests.conftest import ROOT

    data = json.loads((ROOT / "fixtures" / "published_figures.json").read_text(encoding="utf-8"))
    for source in data["sources"].values():
        assert source["url"] == "" or formatting.official_url(source["url"]) == source["url"], source
    published_load(data)
    repost = Observation.objects.get(indicator__number=1, district=None, year=2023, quarter=4)
    published_version_record(observation=repost, value=Decimal("1104.76"), kind="verified",
                             source_title="2023年乐山统计年鉴", source_url="https://bbthy.net/kb/5600.html")
    official_copy = Observation.objects.get(indicator__number=1, district=None, year=2022, quarter=4)
    published_version_record(observation=official_copy, value=Decimal("1015.64"), kind="verified",
                             source_title="2022年乐山统计年鉴", source_url="https://tjj.leshan.gov.cn/nj/2022.html")
    progress_recompute(plan=plan)
    client.force_login(official)
    page = client.get(reverse("indicator_page", args=[1])).content.decode()
    sources = page.split('data-testid="sources">')[1].split("</ul>")[0]
    assert "乐山市统计局《2024年乐山市国民经济和社会发展统计公报》：2024年第四季度" in sources
    assert "bbthy" not in page and "hongheiku" not in page
    assert '<a href="https://tjj.leshan.gov.cn/nj/2022.html" rel="noopener">2022年乐山统计年鉴</a>' in sources
    assert 'title="乐山市统计局《2024年乐山市国民经济和社会发展统计公报》"' in page


def test_demo_and_published_figures_each_carry_their_own_mark(plan, official, client):
    from indicators.loaders.published import published_load
    from tests.conftest import ROOT

    published_load(json.loads((ROOT / "fixtures" / "published_figures.json").read_text(encoding="utf-8")))
    demo.demo_load(plan=plan, indicator_numbers=[1], district_codes=["shizhong", "emeishan"])
    client.force_login(official)
    page = client.get(reverse("indicator_page", args=[1])).content.decode()
    city = page.split('data-testid="city-table"')[1].split("</table>")[0]
    rows = {re.sub(r"<.*", "", r.split("<td>", 1)[1]).strip(): r for r in city.split("<tr>")[2:]}
    assert 'data-testid="source-mark"' in rows["2024年第四季度"] and 'data-testid="demo-mark"' not in rows["2024年第四季度"]
    assert 'data-testid="demo-mark"' in rows["2025年第四季度"] and 'data-testid="source-mark"' not in rows["2025年第四季度"]
    assert 'data-testid="demo-mark"' in rows["2021年第四季度"]  # 2021: no bulletin, the demo aggregate
    districts = page.split('data-testid="district-table"')[1].split("</table>")[0]
    assert districts.count('data-testid="demo-mark"') == 4  # each district's figure and its base-year figure
    bars = next(t for t in _figure(page, "indicator-chart")["data"] if t.get("type") == "bar")
    hover = dict(zip(bars["x"], bars["hovertext"]))
    assert "演示" in hover["2025-11-15"] and "演示" not in hover["2024-11-15"]  # the published 2024 figure
    district_bars = _figure(page, "district-bars")["data"][0]
    assert all("演示" in h for h in district_bars["hovertext"])
    geo = _figure(client.get(reverse("map_page") + "?indicator=1").content.decode(), "map-chart")
    coloured = next(t for t in geo["data"] if t["type"] == "choropleth" and t.get("showscale") is not False)
    assert all("演示" in h for h in coloured["hovertext"])
