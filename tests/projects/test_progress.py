"""A project's quarterly progress: the responsible county or department reports it, an official approves or
returns it, and the project's light and the district page follow the approved figures only."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from districts.models import Department, District
from projects.models import Milestone, Project, ProjectReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_qianwei(plan, make_user):
    return make_user("staff_qianwei", "staff", "qianwei")


def tracked_project(plan, official, client, **extra):
    """乐山（犍为）水港物流园, as an official sets it up: 犍为县 responsible, 2021—2025, 10亿元 planned."""
    project = Project.objects.get(plan=plan, name="乐山（犍为）水港物流园")
    client.force_login(official)
    data = {"responsible_district": District.objects.get(plan=plan, code="qianwei").pk, "districts": [
        District.objects.get(plan=plan, code="qianwei").pk], "start_year": 2021, "end_year": 2025,
        "planned_investment": "10", "reason": "市发改委项目调度会", **{f"year_{y}": "2" for y in range(2021, 2026)},
        **extra}
    response = client.post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return Project.objects.get(pk=project.pk)


def report(client, project, period, revision=0, action="submit", **fields):
    data = {"revision": revision, "action": action, "investment": "", "milestone": "", "milestone_done_date": "",
            "problems": "", "change_reason": "", **fields}
    return client.post(reverse("projects:report", args=[project.pk, period]), data)


def test_a_county_reports_quarterly_investment_and_after_approval_the_light_and_district_page_follow(
        plan_work, official, staff_qianwei, client):
    project = tracked_project(plan_work, official, client)
    detail = reverse("projects:detail", args=[project.pk])
    district_page = reverse("districts:detail", args=["qianwei"])
    client.force_login(staff_qianwei)
    page = client.get(district_page).content.decode()
    assert "乐山（犍为）水港物流园" in page and "0.00 / 10.00" in page
    assert report(client, project, "2023-Q4", investment="7.5", problems="用地指标待落实").status_code == 302
    assert ProjectReport.objects.get(project=project).status == "submitted"
    # not approved yet: nothing counts
    assert Project.objects.get(pk=project.pk).completed_investment is None
    client.force_login(official)
    inbox = client.get(reverse("projects:list")).content.decode()
    assert "待审核的季度进展" in inbox and "乐山（犍为）水港物流园 · 2023年第四季度" in inbox
    r = client.post(reverse("projects:decide", args=[project.pk, "2023-Q4", "approve"]), {"revision": 1})
    assert r.status_code == 302
    project.refresh_from_db()
    assert project.completed_investment == Decimal("7.5")
    page = client.get(detail).content.decode()
    assert "75.0%" in page
    # the project's years (2021—2025) are over, τ = 1: 75% done is below τ − 0.10 but not below τ − 0.30 → yellow
    assert 'data-light="yellow"' in page
    client.force_login(staff_qianwei)
    page = client.get(district_page).content.decode()
    assert "7.50 / 10.00" in page
    row = page[page.index('data-project="text-27"'):][:1500]
    assert "yellow" in row


def test_bad_input_is_refused_whole_with_the_typed_values_kept(plan_work, official, staff_qianwei, client):
    project = tracked_project(plan_work, official, client)
    client.force_login(staff_qianwei)
    r = report(client, project, "2024-Q1", investment="七点五", problems="拆迁进度慢")
    assert r.status_code == 400
    page = r.content.decode()
    assert "七点五" in page and "拆迁进度慢" in page and "无法识别为数字" in page
    assert not ProjectReport.objects.exists()
    r = report(client, project, "2024-Q1", investment="-1")
    assert r.status_code == 400 and "不能为负数" in r.content.decode()


def test_a_stale_form_is_refused_and_a_return_needs_a_reason_then_history_shows_who_old_new_why(
        plan_work, official, staff_qianwei, client):
    project = tracked_project(plan_work, official, client)
    client.force_login(staff_qianwei)
    assert report(client, project, "2024-Q2", action="save", investment="1").status_code == 302
    r = report(client, project, "2024-Q2", revision=0, action="save", investment="2")
    assert r.status_code == 409 and "已被他人修改" in r.content.decode()
    assert report(client, project, "2024-Q2", revision=1, investment="1.2").status_code == 302
    client.force_login(official)
    url = reverse("projects:decide", args=[project.pk, "2024-Q2", "return"])
    client.post(url, {"revision": 2, "reason": "  "})
    assert ProjectReport.objects.get().status == "submitted"
    client.post(url, {"revision": 2, "reason": "投资口径有误"})
    assert ProjectReport.objects.get().status == "returned"
    client.force_login(staff_qianwei)
    r = report(client, project, "2024-Q2", revision=3, investment="1.0")
    assert r.status_code == 400 and "修改原因" in r.content.decode()
    r = report(client, project, "2024-Q2", revision=3, investment="1.0", change_reason="按统计口径更正")
    assert r.status_code == 302
    page = client.get(reverse("projects:detail", args=[project.pk]) + "?period=2024-Q2").content.decode()
    assert "1.2000 → 1.0000" in page and "按统计口径更正" in page and "staff_qianwei" in page


def test_a_milestone_reported_is_done_once_approved(plan_work, official, staff_qianwei, client):
    project = tracked_project(plan_work, official, client)
    m = Milestone.objects.create(project=project, title="一期开港", due_date=timezone.localdate().replace(year=2024))
    client.force_login(staff_qianwei)
    assert report(client, project, "2024-Q3", investment="1", milestone=str(m.pk),
                  milestone_done_date="2024-08-01").status_code == 302
    client.force_login(official)
    client.post(reverse("projects:decide", args=[project.pk, "2024-Q3", "approve"]), {"revision": 1})
    m.refresh_from_db()
    assert m.done_date.isoformat() == "2024-08-01"


def test_only_the_responsible_unit_reports(plan_work, official, staff_qianwei, staff_shizhong, dept_commerce,
                                           make_user, client):
    project = tracked_project(plan_work, official, client)
    for user in (staff_shizhong, dept_commerce, official):
        client.force_login(user)
        assert report(client, project, "2024-Q1", investment="1").status_code == 403
    # a project the 市商务局 leads: its staff report, another department's staff may not
    project.responsible_district = None
    project.responsible_department = Department.objects.get(code="commerce")
    project.save()
    other = make_user("dept_science", "department", department_code="science")
    client.force_login(other)
    assert report(client, project, "2024-Q1", investment="1").status_code == 403
    client.force_login(staff_qianwei)  # no longer responsible, though the project lies in 犍为县
    assert report(client, project, "2024-Q1", investment="1").status_code == 403
    client.force_login(dept_commerce)
    assert report(client, project, "2024-Q1", investment="1").status_code == 302
    assert not ProjectReport.objects.exclude(project=project).exists()
    # county staff cannot change the tracking data, nor decide
    client.force_login(staff_qianwei)
    assert client.post(reverse("projects:edit", args=[project.pk]), {}).status_code == 403
    assert client.post(reverse("projects:decide", args=[project.pk, "2024-Q1", "approve"]),
                       {"revision": 1}).status_code == 403


def test_the_district_page_projects_block_is_query_constant(plan_work, official, staff_qianwei, client):
    tracked_project(plan_work, official, client)
    client.force_login(staff_qianwei)
    url = reverse("districts:detail", args=["qianwei"])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from django.core.cache import cache

    cache.clear()  # both renders uncached (the page body is cached per state): the block itself is measured
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for project in Project.objects.filter(plan=plan_work, kind="text")[:20]:
        project.districts.add(District.objects.get(plan=plan_work, code="qianwei"))
        Milestone.objects.create(project=project, title="节点", due_date=timezone.localdate())
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
