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


@pytest.mark.django_db
def test_a_rate_chained_from_a_demo_growth_is_marked_demo_not_published(client, plan, official):
    """服务业增加值年均增速 2021—2023 chains the 2021, 2022 and 2023 growths: with 2021's a demo figure and the others
    published, the average is demo data (the walk found it marked 公布 with the 2023 bulletin as its source)."""
    from indicators.loaders import demo
    from indicators.loaders.published import published_load
    from indicators.models import ObservationVersion
    from indicators.reviews.documents import review_for

    published_load(json.loads(PUBLISHED.read_text(encoding="utf-8")))
    demo.demo_load(plan=plan)
    kinds = {y: set(ObservationVersion.objects.filter(observation__indicator__number=2, observation__district=None,
                                                      observation__year=y, observation__quarter=4)
                    .values_list("kind", flat=True)) for y in (2021, 2022, 2023)}
    assert "demo" in kinds[2021] and "demo" not in kinds[2023], kinds
    review, _data = review_for(plan, scope="city", year=2023, quarter=4, lang="zh")
    rate = next(p for p in review.paragraphs if p.number == 2)
    assert rate.value_mark == "演示" and rate.citations == () and "公布" not in rate.text
    assert "（演示）" in rate.text
    client.force_login(official)
    page = client.get("/indicators/2/").content.decode()
    row = re.search(r"<tr><td>2023年第四季度(.*?)</tr>", page, re.DOTALL)
    assert row and 'data-testid="demo-mark"' in row.group(1) and 'data-testid="source-mark"' not in row.group(1)


@pytest.mark.django_db
def test_the_final_review_prints_the_approximate_baseline_as_the_plan_does(plan):
    """生产性服务业占服务业比重: the plan gives 2020 as 约30%; the 总结评估 printed 30%（2020年）."""
    from indicators.loaders import demo
    from indicators.reviews.documents import review_for

    demo.demo_load(plan=plan)
    for lang, text in (("zh", "约30%（2020年）"), ("en", "about 30% (2020)")):
        review, _data = review_for(plan, scope="city", year=2025, quarter=4, lang=lang)
        share = next(p for p in review.paragraphs if p.number == 3)
        assert share.baseline_text == text
