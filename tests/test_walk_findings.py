"""What the fresh-eye browser walk of issue 13 found, each pinned: a figure's history shows the versions that count
(a published figure read "未知用户 数值 — —"); an entry form whose quarter holds only demo figures says so rather
than 未开始 / 已逾期; a quarter before the base year shows no completion or time share; on English pages departments
are named in English and lists are joined with commas, not 、; Chinese labels take the full-width colon."""
import json
import re
from pathlib import Path

import pytest

PUBLISHED = Path(__file__).resolve().parent.parent / "fixtures" / "published_figures.json"

pytestmark = pytest.mark.django_db


def _english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def test_a_published_figures_history_shows_its_version_and_document(client, plan, official):
    from indicators.loaders.published import published_load

    published_load(json.loads(PUBLISHED.read_text(encoding="utf-8")))
    client.force_login(official)
    page = client.get("/entry/city/2024-Q4/history/1/").content.decode()
    rows = re.findall(r'<tr data-kind="(\w+)">(.*?)</tr>', page, re.DOTALL)
    versions = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cells)) for kind, cells in rows if kind == "version"]
    assert versions, page
    assert "1,152.40" in versions[0] and "乐山市统计局《2024年乐山市国民经济和社会发展统计公报》" in versions[0]
    assert "未知用户" not in page and "有效数据" in page


def test_an_entry_form_holding_only_demo_figures_says_so(client, plan, staff_shizhong):
    from indicators.loaders import demo

    demo.demo_load(plan=plan, district_codes=["shizhong"], recompute=False)
    client.force_login(staff_shizhong)
    page = client.get("/entry/shizhong/2025-Q4/").content.decode()
    status = re.search(r'data-testid="status">(.*?)</div>', page, re.DOTALL).group(1)
    assert "演示数据（非填报，未经审核）" in status and "未开始" not in status and "已逾期" not in status
    assert "状态：" in status  # a Chinese label takes the full-width colon
    # the figures shown beside the fields for comparison are demo ones too, and say so
    previous = re.search(r'data-testid="previous"[^>]*>(.*?)</td>', page, re.DOTALL).group(1)
    assert 'data-testid="demo-mark"' in previous, previous


def test_no_completion_or_time_share_before_the_base_year(client, plan, official):
    from indicators.loaders import demo

    demo.demo_load(plan=plan)
    client.force_login(official)
    page = client.get("/indicators/1/").content.decode()
    row = re.search(r"<tr><td>2020年第一季度(.*?)</tr>", page, re.DOTALL)
    assert row, "the 2020 Q1 row of the city table"
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(1))
    assert not [c for c in cells if c.strip().startswith("-") and c.strip().endswith("%")], cells


def test_departments_are_named_in_english_and_lists_joined_with_commas(client, plan, official, departments):
    import json as _json

    from projects.models import Task
    from projects.tasks import services
    from projects.tasks.services import tasks_document_load
    from tests.conftest import ROOT

    tasks_document_load(_json.loads((ROOT / "fixtures" / "leshan_14th_fyp_tasks.json").read_text(encoding="utf-8")))
    task = Task.objects.get(plan=plan, number=16)
    services.task_assign(task=task, user=official, lead="department:commerce",
                         supporting=["district:shizhong", "district:emeishan"], milestones_text="")
    client.force_login(official)
    _english(client)
    listing = client.get("/departments/").content.decode()
    assert "市商务局" not in listing and "Commerce" in listing
    detail = client.get(f"/tasks/{task.number}/").content.decode()
    supporting = re.search(r'data-testid="supporting">(.*?)</dd>', detail, re.DOTALL).group(1)
    assert "、" not in supporting and ", " in supporting, supporting
    assert "Shizhong District" in supporting and "市中区" not in supporting, supporting  # English names too
    lead = re.search(r'data-testid="lead">(.*?)</dd>', detail, re.DOTALL).group(1)
    assert lead == "Municipal Bureau of Commerce", lead
    ledger = client.get("/tasks/").content.decode()
    row = re.search(rf'<tr[^>]*data-task="{task.number}"[^>]*>(.*?)</tr>', ledger, re.DOTALL)
    assert row and "Municipal Bureau of Commerce" in row.group(1) and "市商务局" not in row.group(1)
    # the assignment's history row names the units in English as well (the stored reason keeps what was typed)
    assert "→ Municipal Bureau of Commerce / " in detail and "→ 市商务局 / " not in detail


def test_with_only_published_figures_no_page_shows_a_baseline_the_plan_does_not_give(client, plan, official):
    """Issue 13, done when: the demo data cleared and Leshan's published figures loaded, the indicator pages, the
    annual and final reports and the reviews print 未给出 for the baselines the plan does not give (indicators 2, 6
    and 9–16) — or, where a base-year figure stood in, say so — never a bare number."""
    from indicators.loaders.published import published_load
    from indicators.models import Indicator, Observation
    from indicators.progress.services import progress_recompute

    published_load(json.loads(PUBLISHED.read_text(encoding="utf-8")))
    progress_recompute(plan=plan)
    assert not Observation.objects.filter(is_demo=True).exists()
    not_given = list(Indicator.objects.filter(plan=plan, baseline_value__isnull=True).values_list("number", flat=True))
    assert sorted(not_given) == [2, 6, 9, 10, 11, 12, 13, 14, 15, 16]
    client.force_login(official)
    for number in not_given:
        page = client.get(f"/indicators/{number}/").content.decode()
        baseline = re.sub(r"<[^>]+>", "", re.search(r'data-testid="baseline">(.*?)</dd>', page, re.DOTALL).group(1))
        # the plan's own words (未给出, or 未给出 with the plan's note: 2015—2020年年均增长8.9%，见发展成效)
        assert baseline.strip().startswith("未给出"), (number, baseline)
        note = re.search(r'data-testid="baseline-note">(.*?)</li>', page, re.DOTALL)
        assert note is None or "规划未给出" in note.group(1), (number, note and note.group(1))
    for url in ("/reports/2024/", "/reports/final/", "/reviews/?scope=city&year=2024&quarter=4",
                "/reviews/?scope=city&year=2025&quarter=4"):
        page = client.get(url).content.decode()
        rows = {n: re.search(rf'<tr data-indicator="{n}"[^>]*>(.*?)</tr>', page, re.DOTALL) for n in not_given}
        assert sum(r is not None for r in rows.values()) >= 6, url  # the table is there and read
        for number, row in rows.items():
            if row is None:
                continue
            cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1),
                                                                             re.DOTALL)]
            assert cells[2] in ("未给出", "—"), (url, number, cells[2])


def test_a_district_target_apportioned_from_a_demo_baseline_is_marked_demo(client, plan, official):
    """市中区's 服务业增加值 target is the city's 1300亿元 shared by its 2020 figure, a demo one: the target is marked."""
    from indicators.loaders import demo
    from indicators.models import Progress

    demo.demo_load(plan=plan)
    row = Progress.objects.filter(indicator__number=1, scope="shizhong", basis="latest").order_by("-year",
                                                                                                   "-quarter").first()
    assert row.target_source == "implied_proportional"
    client.force_login(official)
    page = client.get("/districts/shizhong/").content.decode()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", re.search(r'<tr data-indicator="1">(.*?)</tr>', page, re.DOTALL).group(1),
                       re.DOTALL)
    # number, name, period, value, share of the city, baseline, target, …
    assert "亿元" in cells[6] and 'data-testid="demo-mark"' in cells[6], cells[6]


def test_the_indicator_16_chart_marks_demo_province_assigned_amounts(client, plan, official):
    """The chart of 进出口总额 drew the demo assigned amounts unmarked (the overview and the reviews mark them)."""
    from indicators.loaders import demo

    demo.demo_load(plan=plan)
    client.force_login(official)
    page = client.get("/indicators/16/").content.decode()
    name = "省下达目标（演示）"
    assert name in page or json.dumps(name)[1:-1] in page
