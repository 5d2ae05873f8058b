"""Issue 13's small truths about words: the review table prints the city's targets as the plan prints them (as the
dashboards do), in each language; the entry home and completeness tell a quarter holding only demo figures (loaded
without a submission) apart from a missing one instead of calling it 未开始 / 已逾期."""
import json
import re
from pathlib import Path

import pytest

PUBLISHED = Path(__file__).resolve().parent.parent / "fixtures" / "published_figures.json"


def _row(page: str, number: int) -> str:
    match = re.search(rf'<tr data-indicator="{number}">(.*?)</tr>', page, re.DOTALL)
    assert match, number
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


@pytest.mark.django_db
def test_review_table_prints_the_plans_targets_as_printed(client, plan, official):
    from indicators.loaders.published import published_load
    from indicators.progress.services import progress_recompute

    published_load(json.loads(PUBLISHED.read_text(encoding="utf-8")))
    progress_recompute(plan=plan)
    client.force_login(official)
    page = client.get("/reviews/?scope=city&year=2025&quarter=4").content.decode()
    assert " 1300亿元 " in _row(page, 1) and "1300.00" not in _row(page, 1)
    assert " 8%左右 " in _row(page, 2) and "8.0%左右" not in _row(page, 2)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/reviews/?scope=city&year=2025&quarter=4").content.decode()
    assert " 1300 CNY 100 million " in _row(page, 1)
    assert " about 8% " in _row(page, 2) and "左右" not in page


@pytest.mark.django_db
def test_quarters_holding_only_demo_figures_are_not_called_missing(client, plan, staff_shizhong, official):
    from indicators.loaders import demo

    demo.demo_load(plan=plan, district_codes=["shizhong"], recompute=False)
    client.force_login(staff_shizhong)
    page = client.get("/entry/?year=2025").content.decode()
    rows = re.findall(r'<tr data-quarter="\d"[^>]*>(.*?)</tr>', page, re.DOTALL)
    assert len(rows) == 4
    for row in rows:
        assert "演示数据（非填报，未经审核）" in row and "未开始" not in row and "已逾期" not in row
    client.force_login(official)
    grid = client.get("/completeness/?year=2025").content.decode()
    shizhong = re.search(r'<tr data-district="shizhong">(.*?)</tr>', grid, re.DOTALL).group(1)
    emeishan = re.search(r'<tr data-district="emeishan">(.*?)</tr>', grid, re.DOTALL).group(1)
    assert shizhong.count("演示数据（非填报，未经审核）") == 4 and "未开始" not in shizhong and "已逾期" not in shizhong
    assert emeishan.count("未开始") == 4 and emeishan.count("已逾期") == 4  # nothing there: still missing
