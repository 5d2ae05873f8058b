"""The tasks in the reviews: the review texts page (zh and en) and its .docx, the annual report page and its xlsx."""
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from projects.tasks import services

SENTENCE_ZH = "58项重点任务中，已完成0项，按序时推进0项，滞后1项，未启动0项，未报送0项，尚未分配牵头单位57项；滞后任务：16. 加强金融风险防范化解。"
SENTENCE_EN = ("Of 58 key tasks, 0 are completed, 0 on schedule, 1 behind schedule, 0 not started and 0 not submitted, 57 not yet assigned a lead unit; "
               "behind schedule: 16. 加强金融风险防范化解.")


@pytest.fixture
def lagging(task, official, dept_commerce):
    services.task_assign(task=task, user=official, lead="department:commerce", supporting=["district:shizhong"],
                         milestones_text="")
    report = services.report_get_or_create(task=task, year=2023, half=2)
    services.report_save(report=report, user=dept_commerce, expected_revision=0, progress="lagging",
                         narrative="处置机制尚未建立", submit=True)
    services.report_approve(report=report, user=official, expected_revision=1)
    return task


def test_review_texts_page_and_docx(client, lagging, official):
    client.force_login(official)
    page = client.get("/reviews/?scope=city&year=2023&quarter=4&lang=zh").content.decode()
    assert SENTENCE_ZH in page
    page = client.get("/reviews/?scope=city&year=2023&quarter=4&lang=en").content.decode()
    assert SENTENCE_EN in page
    docx = client.get("/reviews/report.docx?scope=city&year=2023&quarter=4&lang=zh")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "重点任务" in text and SENTENCE_ZH in text
    county = client.get("/reviews/?scope=shizhong&year=2023&quarter=4&lang=zh").content.decode()
    assert "1项重点任务中，已完成0项，按序时推进0项，滞后1项" in county  # the tasks 市中区 leads or supports


def test_annual_midterm_final_reports_and_xlsx(client, lagging, official):
    client.force_login(official)
    assert SENTENCE_ZH in client.get("/reports/2023/").content.decode()
    assert SENTENCE_ZH in client.get("/reports/midterm/").content.decode()
    final = client.get("/reports/final/").content.decode()
    assert "58项重点任务中，已完成0项，按序时推进0项，滞后0项，未启动0项，未报送1项，尚未分配牵头单位57项。" in final  # task 16 owes its 2025 report
    wb = load_workbook(io.BytesIO(client.get("/reports/2023.xlsx").content))
    sheet = wb["重点任务"]
    assert sheet["A1"].value == "2023年下半年：" + SENTENCE_ZH
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows[16] == (16, "加强金融风险防范化解", "市商务局", "市中区", "滞后", "已审核")


def test_the_review_keeps_its_work_sections_until_a_task_changes(client, task, official, dept_commerce):
    """The tasks and projects sections are not read again on every request (issue 17: 0.2 s a review), yet an
    assignment shows on the very next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(official)
    url = "/reviews/?scope=city&year=2023&quarter=4&lang=zh"
    assert "尚未分配牵头单位58项" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert "尚未分配牵头单位58项" in client.get(url).content.decode()
    # (the header's count of reports awaiting a decision is the one read left, on every page)
    read = [q["sql"] for q in queries if ("projects_task" in q["sql"] or "projects_project" in q["sql"])
            and "'submitted'" not in q["sql"]]
    assert read == []
    services.task_assign(task=task, user=official, lead="department:commerce", supporting=[], milestones_text="")
    page = client.get(url).content.decode()
    assert "尚未分配牵头单位57项" in page and "尚未分配牵头单位58项" not in page
    report = client.get("/reports/2023/").content.decode()
    assert "尚未分配牵头单位57项" in report


def test_a_county_page_lists_the_tasks_it_leads_and_supports(client, lagging, official, staff_shizhong):
    """The county's own page tells its staff which tasks are theirs and links to them (issue 16's walk)."""
    client.force_login(staff_shizhong)
    page = client.get("/districts/shizhong/").content.decode()
    assert "牵头 0 项，配合 1 项。" in page and "/tasks/?plan=" in page and "unit=district:shizhong" in page
    ledger = client.get("/tasks/?unit=district:shizhong").content.decode()
    assert "加强金融风险防范化解" in ledger
    client.force_login(official)
    client.cookies["django_language"] = "en"
    assert "Leads 0, supports 1." in client.get("/districts/shizhong/").content.decode()
