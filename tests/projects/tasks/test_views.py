"""Task pages as each role sees them: the ledger and its filters, the department page, assignment and reporting
forms (bad input: a clear message, the typed text kept, nothing stored), evidence downloads, the inbox."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import TaskReport
from projects.tasks import services

PDF = b"%PDF-1.4\n%evidence\n"


@pytest.fixture
def assigned(task, official):
    return services.task_assign(task=task, user=official, lead="department:commerce",
                                supporting=["district:shizhong"], milestones_text="2023：建立风险监测台账")


def _client(client, user):
    client.force_login(user)
    return client


def test_ledger_for_officials_by_chapter_department_and_county(client, assigned, official):
    c = _client(client, official)
    page = c.get("/tasks/?year=2023&half=1").content.decode()
    assert page.count('<tr data-task="') == 58
    assert "第三章 优化服务体系，提升产业发展能级" in page and "第六章 保障措施" in page
    assert "未报送 1" in page and "未分配 57" in page  # only task 16 has a lead unit
    by_dept = c.get("/tasks/?by=department&year=2023&half=1").content.decode()
    assert "<h2>市商务局</h2>" in by_dept
    by_county = c.get("/tasks/?by=district&year=2023&half=1").content.decode()
    assert "<h2>市中区</h2>" in by_county
    only = c.get("/tasks/?unit=department:commerce&year=2023&half=1").content.decode()
    assert re.findall(r'<tr data-task="(\d+)"', only) == ["16"]
    assert "建立风险监测台账" in only
    assert 'data-testid="tasks-link"' in page



def test_the_cached_ledger_is_each_viewers_own_and_follows_an_approval(client, assigned, official, dept_commerce):
    """The ledger is kept between changes (projects.work_cache): the official's ledger is never served to a
    department's staff, and an approved report shows on the next request, not after the cache expires."""
    official_page = _client(client, official).get("/tasks/?year=2023&half=1").content.decode()
    assert official_page.count('<tr data-task="') == 58 and "未报送 1" in official_page
    staff_page = _client(client, dept_commerce).get("/tasks/?year=2023&half=1").content.decode()
    assert re.findall(r'<tr data-task="(\d+)"', staff_page) == ["16"]
    report = services.report_get_or_create(task=assigned, year=2023, half=1)
    report = services.report_save(report=report, user=dept_commerce, expected_revision=0, progress="on_schedule",
                                  narrative="已建立监测台账", submit=True)
    services.report_approve(report=report, user=official, expected_revision=report.revision)
    page = _client(client, official).get("/tasks/?year=2023&half=1").content.decode()
    assert "未报送 0" in page and "按序时推进 1" in page

def test_department_staff_see_only_their_tasks(client, assigned, dept_commerce, make_user):
    c = _client(client, dept_commerce)
    page = c.get("/tasks/").content.decode()
    assert re.findall(r'<tr data-task="(\d+)"', page) == ["16"]
    assert c.get("/tasks/16/").status_code == 200
    assert c.get("/tasks/1/").status_code == 403
    assert c.get("/tasks/1/2023-H1/").status_code == 403
    assert c.get("/tasks/16/assign/").status_code == 403
    assert c.get("/departments/commerce/").status_code == 200
    assert c.get("/departments/science/").status_code == 403
    other = make_user("dept_science", "department", department_code="science")
    c.force_login(other)
    assert c.get("/tasks/16/").status_code == 403
    assert c.post("/tasks/16/2023-H1/", {"revision": 0, "progress": "done", "narrative": "x"}).status_code == 403
    assert not TaskReport.objects.exists()


def test_assign_form_keeps_what_was_typed(client, task, official):
    c = _client(client, official)
    response = c.post("/tasks/16/assign/", {"lead": "department:commerce", "supporting": ["department:commerce"],
                                            "milestones": "2023 建成\n二〇二四：错"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "牵头单位不能同时是配合单位" in page and "第2行：应为“年份：内容”" in page
    assert "二〇二四：错" in page
    task.refresh_from_db()
    assert task.lead is None


def test_report_form_bad_input_and_evidence_download(client, assigned, dept_commerce, staff_shizhong,
                                                     staff_emeishan, official):
    c = _client(client, dept_commerce)
    response = c.post("/tasks/16/2023-H1/", {"revision": 0, "progress": "", "narrative": "已建立台账（草）",
                                             "action": "submit",
                                             "files": [SimpleUploadedFile("x.exe", b"MZ")]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "报送前请选择进展状态" in page and "只接受 pdf、docx、xlsx、jpg、png 文件" in page
    assert "已建立台账（草）" in page
    assert not TaskReport.objects.filter(revision__gt=0).exists()
    response = c.post("/tasks/16/2023-H1/", {"revision": 0, "progress": "on_schedule", "narrative": "已建立台账",
                                             "action": "save", "files": [SimpleUploadedFile("台账.pdf", PDF)]})
    assert response.status_code == 302
    report = TaskReport.objects.get()
    evidence = report.evidence.get()
    assert evidence.name == "台账.pdf" and "台账" not in evidence.file.name
    url = f"/tasks/evidence/{evidence.pk}/"
    download = c.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    c.force_login(staff_shizhong)  # a supporting county may see the task and its files
    assert c.get(url).status_code == 200
    c.force_login(staff_emeishan)
    assert c.get(url).status_code == 403
    c.force_login(official)
    assert c.get(url).status_code == 200
    # a stale page: the revision it showed is gone
    c.force_login(dept_commerce)
    response = c.post("/tasks/16/2023-H1/", {"revision": 0, "progress": "done", "narrative": "覆盖", "action": "save"})
    assert response.status_code == 409 and "现为第 1 版" in response.content.decode()
    report.refresh_from_db()
    assert report.narrative == "已建立台账"


def test_inbox_and_menu_count(client, assigned, dept_commerce, official):
    report = services.report_get_or_create(task=assigned, year=2023, half=1)
    services.report_save(report=report, user=dept_commerce, expected_revision=0, progress="done", narrative="完成",
                         submit=True)
    c = _client(client, official)
    page = c.get("/tasks/inbox/").content.decode()
    assert "16. 加强金融风险防范化解" in page
    assert re.search(r'data-testid="task-inbox-count">1<', page)


def test_walk_findings_a_report_awaiting_approval_county_led_tasks_and_english_names(
        client, assigned, official, dept_commerce, staff_shizhong):
    """Found in a browser walk: a submitted report read "未报送（已报送）"; a task led by a county sat under "no lead
    department"; the report page named units in Chinese on English pages; the inbox wrote "2023下半年"."""
    report = services.report_get_or_create(task=assigned, year=2023, half=1)
    report = services.report_save(report=report, user=dept_commerce, expected_revision=0, progress="on_schedule",
                                  narrative="已建立监测台账", submit=True)
    services.contribution_save(report=report, user=staff_shizhong, narrative="市中区已排查", expected_revision=1)
    c = _client(client, official)
    row = c.get("/tasks/?year=2023&half=1").content.decode().split('<tr data-task="16">')[1].split("</tr>")[0]
    assert "已报送，待审核" in row and "未报送" not in row
    assert "2023年上半年" in c.get("/tasks/inbox/").content.decode()
    other = services.task_assign(task=assigned.plan.tasks.get(number=8), user=official, lead="district:shizhong",
                                 supporting=[], milestones_text="")
    by_dept = c.get("/tasks/?by=department&year=2023&half=1").content.decode()
    county_group = by_dept.split("<h2>县（市、区）牵头</h2>")[1].split("<h2>")[0]
    assert f'<tr data-task="{other.number}">' in county_group
    assert f'<tr data-task="{other.number}">' not in by_dept.split("<h2>未分配牵头部门</h2>")[1].split("<h2>")[0]
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = c.get("/tasks/16/2023-H1/").content.decode()
    assert "Municipal Bureau of Commerce" in page and "市商务局" not in page
    assert "Shizhong District" in c.get("/tasks/16/2023-H1/").content.decode().split('data-testid="contributions"')[1]
    ledger = c.get("/tasks/?year=2023&half=1").content.decode()
    assert "Submitted, awaiting approval" in ledger
    # one word for one status: the legend names it as the rows do
    assert "marked “Not submitted”" in ledger and "Not reported" not in ledger
    # a state on its own is a label (capitalised); inside a change in the history it is a word of the sentence
    assert '<strong data-testid="report-state">Submitted</strong>' in page
    history = c.get("/tasks/16/").content.decode()
    assert "Submitted: draft→submitted" in history and "Submitted · " in history
    assert "市商务局" not in history  # the assignment's reason does not repeat the units in Chinese


def test_second_walk_english_words_of_the_task_pages(client, assigned, official, dept_commerce):
    """Found in the second browser walk, English pages: the inbox's button read "approved" and the report page's
    submit button "Submitted" (one word for the action and the state); the link to a report form read "Entered";
    the history's columns "Projects" and "reason"; a draft saved again showed "Save: draft→draft"; the assignment
    form offered the units in Chinese; and, in Chinese, the history's colon was half-width."""
    report = services.report_get_or_create(task=assigned, year=2023, half=1)
    report = services.report_save(report=report, user=dept_commerce, expected_revision=0, progress="on_schedule",
                                  narrative="草稿")
    report = services.report_save(report=report, user=dept_commerce, expected_revision=1, progress="on_schedule",
                                  narrative="已建立监测台账", submit=True)
    c = _client(client, dept_commerce)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    form = c.get("/tasks/16/2023-H2/").content.decode()
    assert 'data-testid="report-submit">Submit</button>' in form
    assert '">Enter report</a></td>' in c.get("/tasks/16/").content.decode()
    official_client = _client(client, official)
    official_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '">Review</a></td>' in official_client.get("/tasks/inbox/").content.decode()
    assign = official_client.get("/tasks/16/assign/").content.decode()  # the units offered in the page's language
    assert "Municipal Bureau of Commerce" in assign and "Shizhong District" in assign
    assert "市商务局" not in assign and "市中区" not in assign
    history = official_client.get("/tasks/16/").content.decode().split('data-testid="history"')[1]
    assert "<th>Item</th><th>Change</th><th>Reason</th>" in history
    assert "<td>Saved</td>" in history and "draft→draft" not in history
    assert "Submitted: draft→submitted" in history
    official_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    chinese = official_client.get("/tasks/16/").content.decode().split('data-testid="history"')[1]
    assert "报送：草稿→已报送" in chinese and "<td>保存</td>" in chinese


def test_the_english_inbox_names_its_submitters_without_a_query_per_report(client, assigned, official, dept_commerce,
                                                                            make_user):
    """Each submitter is named by their unit on English pages: read with the reports, not a query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    science = make_user("dept_science", "department", department_code="science")

    def submit(task_number, lead, user, half):
        task = services.task_assign(task=assigned.plan.tasks.get(number=task_number), user=official, lead=lead,
                                    supporting=[], milestones_text="")
        report = services.report_get_or_create(task=task, year=2023, half=half)
        services.report_save(report=report, user=user, expected_revision=0, progress="done", narrative="完成",
                             submit=True)

    c = _client(client, official)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    submit(16, "department:commerce", dept_commerce, 1)
    c.get("/tasks/inbox/")  # the session's first page after the language change does its own once
    with CaptureQueriesContext(connection) as one:
        c.get("/tasks/inbox/")
    submit(8, "department:science", science, 1)
    submit(16, "department:commerce", dept_commerce, 2)
    with CaptureQueriesContext(connection) as three:
        page = c.get("/tasks/inbox/").content.decode()
    assert page.count('">Review</a></td>') == 3
    assert "Municipal Bureau of Commerce</td>" in page and "Municipal Bureau of Science and Technology</td>" in page
    extra = [q["sql"][:160] for q in three.captured_queries[len(one.captured_queries):]]
    assert len(three.captured_queries) == len(one.captured_queries), extra
