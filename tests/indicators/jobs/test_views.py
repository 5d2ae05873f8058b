"""Background jobs (issue 17): the Word review and the figures workbook, started from their pages, run as a Celery
task with a progress record (in-process under the embedded defaults: the job is finished before the progress page
opens, which then shows 100 % and the download); the progress JSON the page polls; the file only for the user
who started the job, or an official; nobody starts a job for a district they may not see."""
import json
import re
import uuid
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from indicators.models import BackgroundJob

pytestmark = pytest.mark.django_db
PUBLISHED = Path(__file__).resolve().parents[3] / "fixtures" / "published_figures.json"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JOB_PAGE = re.compile(r"^/jobs/([0-9a-f-]{36})/$")


@pytest.fixture
def published(plan):
    from indicators.loaders.published import published_load
    from indicators.progress.services import progress_recompute

    published_load(json.loads(PUBLISHED.read_text(encoding="utf-8")))
    progress_recompute(plan=plan)


def _start(client, path, query, on_commit) -> str:
    """POST the start; the task is queued when the transaction commits (the test's own transaction: its
    on-commit callbacks run here), and runs in-process (no broker)."""
    with on_commit(execute=True):
        response = client.post(f"{path}?{query}")
    assert response.status_code == 302, response.status_code
    job_url = response["Location"]
    assert JOB_PAGE.match(job_url), job_url
    return job_url


def test_the_word_review_runs_as_a_job_and_its_page_offers_the_file(client, official, published,
                                                                   django_capture_on_commit_callbacks):
    client.force_login(official)
    page = client.get("/reviews/", {"scope": "city", "year": 2024, "quarter": 4, "lang": "zh"}).content.decode()
    assert 'action="/reviews/report.docx/job/?scope=city&amp;year=2024&amp;quarter=4&amp;lang=zh' in page
    job_url = _start(client, "/reviews/report.docx/job/", "scope=city&year=2024&quarter=4&lang=zh",
                     django_capture_on_commit_callbacks)

    html = client.get(job_url).content.decode()  # eager: the job finished during the POST
    assert 'value="100"' in html and "100%" in html and "已完成" in html
    assert 'src="/static/js/jobs.js"' in html and "<script>" not in html  # CSP: the polling is static JS
    status = client.get(job_url + "status.json").json()
    assert status == {"state": "done", "percent": 100, "step": "已完成", "download_url": job_url + "download",
                      "filename": "review-city-2024Q4-zh.docx"}
    assert f'href="{status["download_url"]}"' in html

    response = client.get(status["download_url"])
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert 'filename="review-city-2024Q4-zh.docx"' in response["Content-Disposition"]
    doc = Document(BytesIO(response.content))
    assert doc.paragraphs[0].text == "乐山市“十四五”现代服务业发展规划实施情况2024年度评估报告"
    assert any("全市服务业增加值完成1152.40亿元" in p.text for p in doc.paragraphs)


def test_the_progress_json_follows_the_job(client, official, published):
    """A job still in a worker's hands: the page and the JSON show its percent and step, no link yet."""
    from indicators.jobs import services

    job = BackgroundJob.objects.create(id="00000000-0000-4000-8000-000000000017", owner=official,
                                       kind=BackgroundJob.Kind.REVIEW_DOCX,
                                       params={"plan": "leshan-14th-fyp-services", "scope": "city", "year": 2024,
                                               "quarter": 4, "lang": "zh"})
    client.force_login(official)
    url = f"/jobs/{job.pk}/"
    assert client.get(url + "status.json").json()["state"] == "queued"
    services.job_progress(job_id=job.pk, percent=30, step="charts")
    assert client.get(url + "status.json").json() == {"state": "running", "percent": 30, "step": "绘制图表",
                                                       "download_url": None, "filename": None}
    html = client.get(url).content.decode()
    assert 'value="30"' in html and "绘制图表" in html and 'http-equiv="refresh"' in html
    assert client.get(url + "download").status_code == 404
    assert services.job_run(job_id=job.pk) == "done"
    assert client.get(url + "status.json").json()["percent"] == 100


def test_only_the_user_who_started_it_or_an_official_gets_the_file(client, make_user, published,
                                                                  django_capture_on_commit_callbacks):
    staff = make_user("staff_sz", "staff", "shizhong")
    other = make_user("staff_em", "staff", "emeishan")
    same_district = make_user("staff_sz2", "staff", "shizhong")
    official = make_user("official2", "official")
    client.force_login(staff)
    job_url = _start(client, "/reviews/report.docx/job/", "scope=shizhong&year=2024&quarter=4&lang=zh",
                     django_capture_on_commit_callbacks)
    assert client.get(job_url + "download").status_code == 200

    for intruder in (other, same_district):
        client.force_login(intruder)
        for suffix in ("", "status.json", "download"):
            response = client.get(job_url + suffix)
            assert response.status_code == 403, (intruder.username, suffix)
            assert b"PK" not in response.content[:2]
    client.logout()
    assert client.get(job_url + "download").status_code == 302  # to the login page
    client.force_login(official)
    assert client.get(job_url + "download").status_code == 200


def test_no_job_for_a_district_the_user_may_not_see(client, make_user, published):
    client.force_login(make_user("staff_sz", "staff", "shizhong"))
    assert client.post("/reviews/report.docx/job/?scope=emeishan&year=2024&quarter=4").status_code == 403
    assert client.post("/reviews/report.docx/job/?scope=city&year=2024&quarter=4").status_code == 403
    assert client.post("/exports/figures.xlsx/job/?district=emeishan").status_code == 403
    assert client.get("/reviews/report.docx/job/?scope=shizhong").status_code == 405
    assert not BackgroundJob.objects.exists()


def test_the_figures_workbook_runs_as_a_job_for_the_staffs_own_district(client, make_user, published,
                                                                       django_capture_on_commit_callbacks):
    staff = make_user("staff_sz", "staff", "shizhong")
    client.force_login(staff)
    job_url = _start(client, "/exports/figures.xlsx/job/", "", django_capture_on_commit_callbacks)
    status = client.get(job_url + "status.json").json()
    assert status["state"] == "done" and status["filename"] == "figures-shizhong.xlsx"
    direct = load_workbook(BytesIO(client.get("/exports/figures.xlsx").content))["已审核数据"]
    made = load_workbook(BytesIO(client.get(status["download_url"]).content))["已审核数据"]
    assert [[c.value for c in row] for row in made.iter_rows()] == [[c.value for c in row] for row in direct.iter_rows()]


def test_a_new_job_clears_the_files_of_jobs_older_than_a_day(client, official, published,
                                                              django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    old = BackgroundJob.objects.create(id="00000000-0000-4000-8000-000000000001", owner=official,
                                       kind=BackgroundJob.Kind.FIGURES_XLSX, params={}, state="done", content=b"x")
    BackgroundJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    client.force_login(official)
    job_url = _start(client, "/exports/figures.xlsx/job/", "district=city", django_capture_on_commit_callbacks)
    assert list(BackgroundJob.objects.values_list("id", flat=True)) == [uuid.UUID(job_url[6:42])]
    assert client.get(f"/jobs/{old.pk}/").status_code == 404


def test_an_administrator_recomputes_a_plan_as_a_job(client, admin_user, official, published,
                                                      django_capture_on_commit_callbacks):
    """Every progress row deleted, then the plan page's 重新计算进度: the job page opens at 100 % (no file to
    download) and the rows are back. Officials are not administrators: the admin's gate sends them to log in."""
    from indicators.models import Progress

    rows = sorted(Progress.objects.values_list("indicator_id", "scope", "basis", "year", "quarter", "status"))
    Progress.objects.all().delete()
    client.force_login(official)
    response = client.post("/plans/leshan-14th-fyp-services/recompute/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not BackgroundJob.objects.exists() and not Progress.objects.exists()

    client.force_login(admin_user)
    assert 'action="/plans/leshan-14th-fyp-services/recompute/"' in client.get("/plans/").content.decode()
    job_url = _start(client, "/plans/leshan-14th-fyp-services/recompute/", "", django_capture_on_commit_callbacks)
    assert client.get(job_url + "status.json").json() == {"state": "done", "percent": 100, "step": "已完成",
                                                           "download_url": None, "filename": None}
    html = client.get(job_url).content.decode()
    assert 'value="100"' in html and "重新计算进度" in html
    assert client.get(job_url + "download").status_code == 404
    assert sorted(Progress.objects.values_list("indicator_id", "scope", "basis", "year", "quarter", "status")) == rows
