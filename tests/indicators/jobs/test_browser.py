"""The progress page in a real browser (Debian's chromium), under the Content-Security-Policy: a job still in a
worker's hands shows its percent and step; static/js/jobs.js polls the JSON (connect-src 'self'), moves the bar to
100 % when the worker finishes, and shows the download, which gives the file. No policy violation, no error."""
import json
import re
from pathlib import Path

import pytest

from indicators.jobs import services
from indicators.models import BackgroundJob
from tests.conftest import PASSWORD
from tests.test_csp import WATCH_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PUBLISHED = Path(__file__).resolve().parents[3] / "fixtures" / "published_figures.json"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "accept_downloads": True}


def test_the_progress_bar_follows_the_job_and_offers_the_file(plan, official, live_server, page):
    from indicators.loaders.published import published_load

    published_load(json.loads(PUBLISHED.read_text(encoding="utf-8")))
    job = BackgroundJob.objects.create(id="00000000-0000-4000-8000-000000000018", owner=official,
                                       kind=BackgroundJob.Kind.FIGURES_XLSX, params={"plan": plan.code, "scope": "all"})
    services.job_progress(job_id=job.pk, percent=40, step="document")
    problems = []
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "official")
    page.fill("#id_password", PASSWORD)
    page.click(".login-box button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    assert page.get_by_test_id("job-progress").get_attribute("value") == "40"
    assert page.get_by_test_id("job-step").inner_text() == "写入文件"
    assert not page.get_by_test_id("job-download").is_visible()

    assert services.job_run(job_id=job.pk) == "done"  # the worker finishes; the page learns it by polling
    page.get_by_test_id("job-download").wait_for(state="visible", timeout=10_000)
    assert page.evaluate("() => document.getElementById('job-progress').value") == 100
    assert page.get_by_test_id("job-percent").inner_text() == "100%"
    assert page.get_by_test_id("job-step").inner_text() == "已完成"
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click()
    assert download.value.suggested_filename == "figures-all.xlsx"
    assert page.evaluate("() => window.__csp") == []

    # started from its page (the button in the page, its form with the CSRF token after <main>): in-process
    # without a broker, so the progress page opens finished
    page.goto(f"{live_server.url}/completeness/")
    with page.expect_navigation():
        page.get_by_test_id("export-xlsx-job").click()
    assert re.search(r"/jobs/[0-9a-f-]{36}/$", page.url), page.url
    assert page.get_by_test_id("job-percent").inner_text() == "100%"
    assert page.get_by_test_id("job-download").is_visible()
    assert page.evaluate("() => window.__csp") == []
    assert problems == []
