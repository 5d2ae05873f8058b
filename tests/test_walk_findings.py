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
