"""Projects and the targets outside 专栏6 in the reviews (page and .docx), zh and en, drafted from the data."""
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from projects.models import Project, ProjectReport, TrackedTarget, TrackedTargetValue
from projects.review import projects_summary, targets_summary

pytestmark = pytest.mark.django_db


def test_the_summary_sentences_say_what_the_data_says():
    rows = [{"name": "乐山机场", "light": "red", "planned": Decimal("10"), "completed": Decimal("2")},
            {"name": "城北商圈", "light": None, "planned": None, "completed": None}]
    assert projects_summary(rows, "zh") == (
        "规划共列明项目和设施2个，其中1个已录入计划投资（计划投资10.00亿元，经审核完成2.00亿元，"
        "完成20.0%）。灯号：红灯1个。滞后（红灯）项目：乐山机场。")
    english = projects_summary(rows, "en")
    assert english.startswith("The plan names 2 projects and facilities; 1 has")
    # 亿元 is CNY 100 million (not a billion): the same amounts as the Chinese sentence
    assert "(10.00 CNY 100 million planned, 2.00 completed and approved, 20.0%)" in english
    targets = [{"name": "国家级高新技术企业总量", "unit": "家", "value": 161.0, "year": 2023, "status_zh": "需加快",
                "status_en": "Acceleration needed", "assigned_missing": False},
               {"name": "全省服务业强县", "unit": "个", "value": None, "year": None, "status_zh": "无法评估",
                "status_en": "Cannot assess", "assigned_missing": True}]
    assert targets_summary(targets, "zh") == (
        "专栏6以外的量化目标共2项，已填报1项。国家级高新技术企业总量161家（2023年），需加快。"
        "省尚未下达目标数的：全省服务业强县。")
    # English: the target's English name and unit, never 家; one enterprise is singular (issue 13)
    english = targets_summary(targets, "en")
    assert "国家级高新技术企业总量: 161 enterprises (2023), acceleration needed." in english
    assert "161 家" not in english
    targets[0].update(name_en="National high-tech enterprises (total)", unit_en="enterprises")
    targets[1].update(name_en="Strong service-industry counties of Sichuan", unit_en="counties")
    english = targets_summary(targets, "en")
    assert "National high-tech enterprises (total): 161 enterprises (2023), acceleration needed." in english
    assert english.endswith("Amount not yet assigned by the province: Strong service-industry counties of Sichuan.")
    targets[0]["value"] = 1.0
    assert "(total): 1 enterprise (2023)" in targets_summary(targets, "en")
    assert not re.search(r"[\u3400-\u9fff]", targets_summary(targets, "en"))


def test_the_review_page_and_docx_carry_projects_and_targets(plan_work, official, client):
    project = Project.objects.get(plan=plan_work, name="乐山机场")
    project.planned_investment, project.start_year, project.end_year = Decimal("10"), 2021, 2025
    project.save()
    ProjectReport.objects.create(project=project, year=2023, quarter=2, status="approved", investment=Decimal("2"))
    ProjectReport.objects.create(project=project, year=2023, quarter=4, status="submitted", investment=Decimal("5"))
    TrackedTargetValue.objects.create(target=TrackedTarget.objects.get(code="high-tech-enterprises"), year=2023,
                                      value=Decimal("161"))
    client.force_login(official)
    page = client.get(reverse("review:page"), {"scope": "city", "year": 2023, "quarter": 4, "lang": "zh"})
    text = page.content.decode()
    # only the approved quarter counts: 2 of 10 亿元 by the end of 2023, τ = 0.6 → red
    assert "经审核完成2.00亿元" in text and "滞后（红灯）项目：乐山机场" in text
    assert "国家级高新技术企业总量161家（2023年）" in text
    en = client.get(reverse("review:page"), {"scope": "city", "year": 2023, "quarter": 4, "lang": "en"})
    assert "Behind schedule (red): 乐山机场" in en.content.decode()
    docx = client.get(reverse("review:docx"), {"scope": "city", "year": 2023, "quarter": 4, "lang": "zh"})
    paragraphs = [p.text for p in Document(BytesIO(docx.content)).paragraphs]
    assert any("滞后（红灯）项目：乐山机场" in p for p in paragraphs)
    assert any("国家级高新技术企业总量161家" in p for p in paragraphs)
