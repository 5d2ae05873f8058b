"""Time the long jobs of issue 17 on the demo data, as a request from the browser would run them (the test client,
logged in, through every middleware): the Word review, the xlsx exports, the bulk spreadsheet uploads and a full
recompute (with its rows in place, then into an empty table: this deletes and rewrites the progress rows).
Prints one line per job; anything over 2 s runs as a background job with a progress page.

    DEBUG=true .venv/bin/python tools/time_long_jobs.py     # after `make setup` (plan, demo data, accounts)
"""
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leshan_plan.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.test import Client

from indicators.figures.selectors import current_plan
from indicators.models import Progress
from indicators.progress import services


def timed(label, fn, runs=1):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    best = min(times)
    print(f"{label:<58} {best:6.2f} s{'  > 2 s' if best > 2 else ''}", flush=True)
    return out


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response


def main():
    plan = current_plan()
    User = get_user_model()
    official, admin, staff = (Client(HTTP_HOST="127.0.0.1") for _ in range(3))
    official.force_login(User.objects.get(username="official"))
    admin.force_login(User.objects.get(username="admin"))
    staff.force_login(User.objects.get(username="staff_shizhong"))
    get(official, "/overview/")  # warm the imports

    timed("Word review (city, 2025Q4, zh) /reviews/report.docx",
          lambda: get(official, "/reviews/report.docx?scope=city&year=2025&quarter=4&lang=zh"))
    timed("xlsx: annual review /reports/2024.xlsx", lambda: get(official, "/reports/2024.xlsx"), runs=2)
    timed("xlsx: every figure /exports/figures.xlsx", lambda: get(official, "/exports/figures.xlsx"), runs=2)
    timed("xlsx: plan definition /plans/template.xlsx?plan=…",
          lambda: get(admin, f"/plans/template.xlsx?plan={plan.code}"), runs=2)
    template = timed("xlsx: entry template (shizhong 2025Q3)",
                     lambda: get(staff, "/entry/shizhong/2025-Q3/template.xlsx"), runs=2).content
    upload = Path("/tmp/entry-upload.xlsx")
    upload.write_bytes(template)

    def entry_upload():
        with upload.open("rb") as f:
            return staff.post("/entry/shizhong/2025-Q3/upload/", {"file": f})
    timed("upload: entry workbook → preview (shizhong 2025Q3)", entry_upload, runs=2)

    example = ROOT / "fixtures" / "examples" / "leshan_example_2026_2030.xlsx"

    def plan_upload():
        with example.open("rb") as f:
            return admin.post("/plans/upload/", {"file": f})
    timed("upload: plan definition → preview (2026–2030 example)", plan_upload, runs=2)
    timed("full recompute of the plan, rows in place", lambda: services.progress_recompute(plan=plan), runs=2)

    def into_empty_table():  # progress rows are derived: deleting them all and recomputing gives the same rows
        Progress.objects.filter(indicator__plan=plan).delete()
        return services.progress_recompute(plan=plan)
    timed("full recompute of the plan, into an empty table", into_empty_table)


if __name__ == "__main__":
    main()
