"""Task writes: assignment with history, the report workflow (save, submit, parts, approve, return, resubmit),
stale revisions refused, locking, evidence limits, nothing half-written."""
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import TaskEvidence, TaskReport
from projects.tasks import selectors, services

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def assigned(task, official):
    return services.task_assign(task=task, user=official, lead="department:commerce",
                                supporting=["district:shizhong", "department:financial-affairs"],
                                milestones_text="2023：建立风险监测台账\n2024：完成处置机制", reason="分工")


@pytest.fixture
def staff(make_user, dept_commerce, staff_shizhong, staff_emeishan):
    return {"dept": dept_commerce, "county": staff_shizhong, "other_county": staff_emeishan,
            "other_dept": make_user("dept_science", "department", department_code="science")}


def test_assignment_is_kept_with_its_history(assigned, official):
    assert str(assigned.lead) == "市商务局"
    assert {str(d) for d in assigned.supporting_districts.all()} == {"市中区"}
    assert [(m.year, m.text) for m in assigned.milestones.all()] == [
        (2023, "建立风险监测台账"), (2024, "完成处置机制")]
    events = selectors.task_history(assigned)
    lead = next(e for e in events if e.what == "牵头 / 配合单位")
    assert lead.who == "official" and lead.change == "— / — → 市商务局 / 市中区、市金融工作局"
    assert "分工" in lead.why


def test_bad_assignment_is_refused_whole(task, official):
    with pytest.raises(services.TaskError) as exc:
        services.task_assign(task=task, user=official, lead="department:commerce", supporting=["department:commerce"],
                             milestones_text="2030：太晚\n不是一行")
    assert set(exc.value.errors) == {"supporting", "milestones"}
    assert "2030年不在规划期 2021—2025 内" in exc.value.message and "第2行" in exc.value.message
    task.refresh_from_db()
    assert task.lead is None and not task.milestones.exists()


def test_only_officials_assign(task, dept_commerce):
    with pytest.raises(PermissionDenied):
        services.task_assign(task=task, user=dept_commerce, lead="department:commerce", supporting=[],
                             milestones_text="")


def test_report_workflow(assigned, staff, official):
    report = services.report_get_or_create(task=assigned, year=2023, half=1)
    report = services.report_save(report=report, user=staff["dept"], expected_revision=0, progress="on_schedule",
                                  narrative="已建立监测台账", files=[SimpleUploadedFile("台账.pdf", PDF)])
    part = services.contribution_save(report=report, user=staff["county"], narrative="市中区已排查",
                                      expected_revision=1)
    assert str(part.unit) == "市中区"
    with pytest.raises(PermissionDenied):
        services.contribution_save(report=report, user=staff["other_county"], narrative="x", expected_revision=2)
    with pytest.raises(PermissionDenied):
        services.report_save(report=report, user=staff["county"], expected_revision=2, progress="done", narrative="x")
    report = services.report_save(report=report, user=staff["dept"], expected_revision=2, progress="on_schedule",
                                  narrative="已建立监测台账", submit=True)
    assert report.state == "submitted"
    with pytest.raises(services.TaskConflict):  # the official's page showed revision 2
        services.report_return(report=report, user=official, reason="请补充", expected_revision=2)
    with pytest.raises(services.TaskError):
        services.report_return(report=report, user=official, reason="  ", expected_revision=3)
    report = services.report_return(report=report, user=official, reason="请补充处置案例", expected_revision=3)
    assert (report.state, report.return_reason) == ("returned", "请补充处置案例")
    report = services.report_save(report=report, user=staff["dept"], expected_revision=4, progress="lagging",
                                  narrative="补充了案例", submit=True)
    report = services.report_approve(report=report, user=official, expected_revision=5)
    assert report.state == "approved"
    with pytest.raises(services.TaskError, match="审核通过并锁定"):
        services.report_save(report=report, user=staff["dept"], expected_revision=6, progress="done", narrative="x")
    with pytest.raises(services.TaskError, match="审核通过并锁定"):
        services.contribution_save(report=report, user=staff["county"], narrative="x", expected_revision=6)
    reasons = list(TaskReport.history.filter(id=report.pk).values_list("history_change_reason", flat=True))
    assert any("退回" in r and "请补充处置案例" in r for r in reasons)
    summary = selectors.review_summary(assigned.plan, 2023, 1)
    assert summary["counts"]["lagging"] == 1 and summary["total"] == 58
    assert summary["sentence"] == ("58项重点任务中，已完成0项，按序时推进0项，滞后1项，未启动0项，未报送0项，尚未分配牵头单位57项；"
                                   "滞后任务：16. 加强金融风险防范化解。")


def test_bad_files_store_nothing(assigned, staff, settings):
    settings.TASK_EVIDENCE_MAX_BYTES = 100
    report = services.report_get_or_create(task=assigned, year=2023, half=1)
    files = [SimpleUploadedFile("ok.pdf", PDF), SimpleUploadedFile("脚本.exe", b"MZ"),
             SimpleUploadedFile("fake.png", b"not a png"), SimpleUploadedFile("big.pdf", PDF + b"x" * 200)]
    with pytest.raises(services.TaskError) as exc:
        services.report_save(report=report, user=staff["dept"], expected_revision=0, progress="done",
                             narrative="说明", files=files)
    problems = exc.value.errors["files"]
    assert problems == ["“脚本.exe”：只接受 pdf、docx、xlsx、jpg、png 文件", "“fake.png”：文件内容与扩展名不符",
                        "“big.pdf”：文件过大（最大 0 MB）"]
    report.refresh_from_db()
    assert (report.revision, report.narrative) == (0, "") and not TaskEvidence.objects.exists()


def test_submit_needs_status_and_narrative(assigned, staff):
    report = services.report_get_or_create(task=assigned, year=2023, half=1)
    with pytest.raises(services.TaskError) as exc:
        services.report_save(report=report, user=staff["dept"], expected_revision=0, progress="", narrative=" ",
                             submit=True)
    assert set(exc.value.errors) == {"progress", "narrative"}


def test_lights_and_not_reported(assigned, staff, official):
    report = services.report_get_or_create(task=assigned, year=2022, half=2)
    services.report_save(report=report, user=staff["dept"], expected_revision=0, progress="not_started",
                         narrative="未启动", submit=True)
    rows = {r.task.number: r for r in selectors.ledger(assigned.plan, official, 2022, 2).rows}
    assert (rows[16].status, rows[16].light) == ("not_reported", "")  # submitted, not approved: does not count
    services.report_approve(report=report, user=official, expected_revision=1)
    rows = {r.task.number: r for r in selectors.ledger(assigned.plan, official, 2022, 2).rows}
    assert (rows[16].status, rows[16].light) == ("not_started", "red")
    assert selectors.LIGHTS == {"done": "green", "on_schedule": "green", "lagging": "yellow",
                                "not_started": "red", "not_reported": "", "not_assigned": ""}


def test_units_see_only_their_tasks(assigned, staff, official):
    plan = assigned.plan
    assert [t.number for t in selectors.visible_tasks(plan, staff["dept"])] == [16]
    assert [t.number for t in selectors.visible_tasks(plan, staff["county"])] == [16]
    assert not selectors.visible_tasks(plan, staff["other_county"]).exists()
    assert not selectors.visible_tasks(plan, staff["other_dept"]).exists()
    assert selectors.visible_tasks(plan, official).count() == 58


def test_history_reads_a_fixed_number_of_queries(assigned, official, django_assert_max_num_queries):
    for n in range(3):
        services.task_assign(task=assigned, user=official, lead="department:commerce",
                             supporting=["district:shizhong"] if n % 2 else ["district:emeishan"],
                             milestones_text=f"2023：第{n}版", reason=f"第{n}次")
    with django_assert_max_num_queries(8):
        events = selectors.task_history(assigned)
    assert len([e for e in events if e.what == "牵头 / 配合单位"]) == 4


def test_task_reasons_are_stored_in_chinese_and_shown_in_the_page_language(assigned, staff, official):
    """One language at a time (issue 13): the action and the states are stored in Chinese, whatever the language
    of the page that wrote them, and shown translated; what the person typed is shown as typed."""
    from django.utils import translation

    report = services.report_get_or_create(task=assigned, year=2023, half=1)
    with translation.override("en"):  # written from an English page
        report = services.report_save(report=report, user=staff["dept"], expected_revision=0,
                                      progress="on_schedule", narrative="已建立监测台账", submit=True)
        report = services.report_return(report=report, user=official, reason="请补充处置案例", expected_revision=1)
    stored = list(TaskReport.history.filter(id=report.pk).order_by("history_date", "history_id")
                  .values_list("history_change_reason", flat=True))
    assert stored[-2:] == ["报送: 草稿→已报送", "退回: 已报送→已退回 · 请补充处置案例"]
    zh = [e.why for e in selectors.task_history(assigned)]
    assert "退回：已报送→已退回 · 请补充处置案例" in zh and any(w.startswith("分配") and "分工" in w for w in zh)
    with translation.override("en"):
        en = [e.why for e in selectors.task_history(assigned)]
    assert "Returned: submitted→returned · 请补充处置案例" in en
    assert "Assigned · 分工" in en  # the units the assignment changed are in the history's own column
    assert not [w for w in en if w.startswith(("退回", "报送", "分配"))]
