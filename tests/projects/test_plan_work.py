"""Every project, box entry and target outside 专栏6 is stored with its source, word for word from the plan; the
missing columns of 专栏9 and 专栏12 and the boxes 专栏4, 13 and 14 are shown; loading twice writes nothing."""
import json
import re

import pytest
from django.urls import reverse

from projects.models import PlanBoxEntry, Project, RegisterEnterprise, TrackedTarget
from tests.projects.conftest import PLAN_TEXT, WORK_FIXTURE

pytestmark = pytest.mark.django_db


def plan_text() -> str:
    return re.sub(r"\[bookmark: [^\]]*\]", "", PLAN_TEXT.read_text(encoding="utf-8"))


def test_every_text_project_and_target_cites_a_sentence_of_the_plan_verbatim(plan_work):
    text = plan_text()
    projects = list(Project.objects.filter(plan=plan_work, kind=Project.Kind.TEXT))
    assert len(projects) == 65
    for p in projects:
        assert p.source_text in text, p.name
        assert p.name in p.source_text, p.name
    for name in ("乐山机场", "乐山火车北站（吴场）交通枢纽", "乐山（犍为）水港物流园", "乐山智慧物流园",
                 "沐川南向临港物流园", "春华路综合金融示范区", "城北商圈", "乐活中心城市综合体", "乐山特色美食主题博物馆"):
        assert any(p.name == name for p in projects), name
    targets = {t.code: t for t in TrackedTarget.objects.filter(plan=plan_work)}
    assert len(targets) == 8
    for t in targets.values():
        assert t.source_text in text and t.baseline_source_text in text, t.code
    high_tech = targets["high-tech-enterprises"]
    assert (high_tech.baseline_value, high_tech.baseline_year, high_tech.target_value) == (109, 2020, 218)
    assert "翻一番" in high_tech.source_text and "国家高新技术企业109家" in high_tech.baseline_source_text
    assert [targets[c].target_value for c in ("rd-platforms", "transfer-platforms", "tech-service-zones",
                                              "new-business-district")] == [10, 3, 5, 1]
    assert all(targets[c].kind == "assigned" and targets[c].assigned_value is None
               for c in ("three-hundred", "provincial-zones", "strong-counties"))


def test_boxes_4_13_14_are_stored_verbatim(plan_work):
    text = plan_text()
    entries = list(PlanBoxEntry.objects.filter(plan=plan_work))
    assert {b: sum(1 for e in entries if e.box == b) for b in (4, 13, 14)} == {4: 5, 13: 4, 14: 4}
    box4 = {e.heading: e.text for e in entries if e.box == 4}
    assert box4 == {"综合排名": "2", "国际教育": "5", "国际旅游": "4", "国际经贸": "8", "城市外交": "2"}
    for e in entries:
        if e.box in (13, 14):
            assert f"◆{e.heading}。{e.text}" in text


def test_table_projects_name_their_table_and_the_register_starts_from_box_12(plan_work):
    zone = Project.objects.get(plan=plan_work, kind="zone", number=1)
    assert zone.source_text == "专栏9 乐山市服务业集聚区发展重点 序号1"
    assert RegisterEnterprise.objects.filter(plan=plan_work, source="专栏12").count() == 35
    assert not RegisterEnterprise.objects.filter(is_demo=True).exists()


def test_loading_twice_writes_nothing(plan_work):
    from projects.loaders import load_plan_work

    before = (Project.history.count(), TrackedTarget.history.count(), RegisterEnterprise.objects.count())
    load_plan_work(json.loads(WORK_FIXTURE.read_text(encoding="utf-8")))
    assert (Project.history.count(), TrackedTarget.history.count(), RegisterEnterprise.objects.count()) == before


def test_the_projects_page_shows_the_missing_columns_the_boxes_and_not_given(plan_work, official, client):
    client.force_login(official)
    page = client.get(reverse("projects:list")).content.decode()
    assert "特色美食、精品住宿、旅游伴手礼创意零售" in page  # 专栏9 关联及配套产业
    assert "中百集团（武汉）" in page  # 专栏12 全国重点企业
    assert "时尚新锐潮流场景" in page and "积极开发地方特色文创品牌" in page and "综合排名" in page
    assert "推进建设乐山机场、市中区通用航空机场、峨眉通用机场" in page
    assert "未载明" in page
    detail = client.get(reverse("projects:detail", args=[Project.objects.get(name="乐山机场").pk])).content.decode()
    assert detail.count("未载明") >= 4 and "未验收" in detail
