"""Access matrix (issue 6, OWASP ASVS L2 V4): every URL the project serves × every role × GET/POST → the
expected status, in ONE table (TABLE below). Nothing outside the table is reachable: a test walks Django's URL
resolver and fails on any pattern the table does not cover with both a GET and a POST row.

Roles: anonymous, county staff of the district in the URL (市中区), county staff of another district (峨眉山市),
city official, administrator, a signed-in user with no role, and a department's staff (市商务局, issue 16).
Data: the plan, the published city figures (recomputed into progress rows) and 市中区's 2023 quarters in every
workflow state (Q1 returned, Q2 approved,
Q3 submitted, Q4 draft). Each cell runs in its own savepoint, so a POST that changes state (an approval, a save)
is rolled back before the next cell; the database is compared before and after every request: a refused
request (403, 405, a redirect to log in) changes nothing, an allowed one makes exactly the change named in
its row. Tasks (issue 16): task 16 led by 市商务局 with 市中区 supporting, its 2023 first-half report submitted
with an evidence file. `pytest -s` prints the table as it runs.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve

from tests.conftest import PASSWORD, PLAN_FIXTURE

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "fixtures" / "published_figures.json"
ROLES = ("anonymous", "staff_own", "staff_other", "official", "admin", "no_role", "department")
SHORT = {"anonymous": "anon", "staff_own": "own", "staff_other": "other", "official": "official",
         "admin": "admin", "no_role": "none", "department": "dept"}
LOGIN = "login"              # 302 to /accounts/login/?next=…
ADMIN_LOGIN = "admin-login"  # 302 to /admin/login/?next=…
OWN, OTHER = "shizhong", "emeishan"
Q = {1: f"/entry/{OWN}/2023-Q1/", 2: f"/entry/{OWN}/2023-Q2/", 3: f"/entry/{OWN}/2023-Q3/",
     4: f"/entry/{OWN}/2023-Q4/"}
CITY_Q = "/entry/city/2023-Q3/"
VALID = {"i1_value": "420.5", "i2_value": "6.8", "i3_numerator": "120", "i3_denominator": "400",
         "i4_numerator": "30", "i4_denominator": "60", "i5_value": "310", "i6_value": "7.1", "i7_value": "550",
         "i8_value": "60", "i9_numerator": "20", "i9_denominator": "900", "i12_numerator": "45",
         "i12_denominator": "900", "i13_value": "8", "i14_value": "3", "i15_value": "70",
         # a form is posted whole: every comment too (an absent field is refused, not blanked)
         **{f"i{n}_comment": "" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15)}}


_AS_OTHER = object()


def E(anonymous, staff_own, staff_other, official, admin, no_role, department=_AS_OTHER) -> dict:
    """One row's expected outcome per role, in the order of ROLES. A department's staff (市商务局) act for no
    district: unless the row says otherwise, they fare as county staff of another district."""
    return dict(zip(ROLES, (anonymous, staff_own, staff_other, official, admin, no_role,
                            staff_other if department is _AS_OTHER else department)))


def same_for_signed_in(status, anonymous=LOGIN) -> dict:
    return E(anonymous, status, status, status, status, status, status)


# Expected-status profiles shared by many rows.
OWN_DISTRICT = E(LOGIN, 200, 403, 200, 200, 403)        # 市中区's figures: its staff, officials, admins
CITY_ONLY = E(LOGIN, 403, 403, 200, 200, 403)           # city-wide figures: officials and admins
ANY_ROLE = E(LOGIN, 200, 200, 200, 200, 403)            # each role sees its own part; no role sees nothing
DECIDE = E(LOGIN, 403, 403, 302, 302, 403)              # approve / return: officials and admins
GET_ONLY = same_for_signed_in(405)                      # @require_GET / @require_safe views refuse POST
POST_ONLY = same_for_signed_in(405)
PUBLIC = same_for_signed_in(200, anonymous=200)
NOT_ROUTED = same_for_signed_in(404, anonymous=404)
TO_OWN_DISTRICT = E(LOGIN, (302, f"/districts/{OWN}/"), (302, f"/districts/{OTHER}/"), 200, 200, 403)
ADMIN_PAGE = same_for_signed_in(ADMIN_LOGIN, anonymous=ADMIN_LOGIN) | {"admin": 200}  # the admin's gate, admins only
PLAN = "leshan-14th-fyp-services"
JOB = "/jobs/00000000-0000-4000-8000-000000000017/"  # a finished job of 市中区's staff (the figures workbook)


# ------------------------------------------------------------------------------------------ effects
# An allowed POST makes exactly this change (checked on the snapshot after the request); every other cell of
# the table leaves the snapshot unchanged.

def _sub(snap, code, year, quarter):
    return next((s for s in snap["submissions"] if s[:3] == (code, year, quarter)), None)


def draft_saved(before, after):
    old, new = _sub(before, OWN, 2023, 4), _sub(after, OWN, 2023, 4)
    comments = {o[7] for o in after["observations"] if o[1:4] == (OWN, 2023, 4)}
    return new[3] == "draft" and new[4] == old[4] + 1 and "口径说明 access-matrix" in comments


def city_draft_saved(before, after):
    return _sub(before, None, 2023, 3) is None and _sub(after, None, 2023, 3)[3] == "draft"


def approved(before, after):
    return (_sub(before, OWN, 2023, 3)[3] == "submitted" and _sub(after, OWN, 2023, 3)[3] == "approved"
            and after["versions"] > before["versions"])


def returned(before, after):
    new = _sub(after, OWN, 2023, 3)
    return new[3] == "returned" and new[5] == "请核实第5项 access-matrix"


def reopened(before, after):
    return _sub(before, OWN, 2023, 2)[3] == "approved" and _sub(after, OWN, 2023, 2)[3] == "returned"


def bulletin_recorded(before, after):
    return after["versions"] == before["versions"] + 1


def plan_ended(before, after):
    return before["plans"] == [(PLAN, "in_force")] and after["plans"] == [(PLAN, "ended")]


def _report(snap, period):
    return next((r for r in snap["project_reports"] if r[:2] == period), None)


def project_draft_saved(before, after):
    return _report(after, (2023, 4))[2:5] == ("draft", 2, Decimal("1.25"))


def project_approved(before, after):
    return _report(after, (2023, 3))[2] == "approved" and after["projects"] != before["projects"]


def project_returned(before, after):
    return _report(after, (2023, 3))[2] == "returned"


def target_value_saved(before, after):
    return after["target_values"] == before["target_values"] + [(2023, Decimal("150"))]


def enterprise_figures_saved(before, after):
    return after["enterprise_figures"] == [(2023, 3, Decimal("1.5"), 12, Decimal("3"))]


def _task_report(snap, year, half):
    return next((r for r in snap["task_reports"] if r[:3] == (TASK, year, half)), None)


def task_assigned(before, after):
    return before["tasks"] != after["tasks"] and (TASK, "science", None) in after["tasks"]


def task_report_saved(before, after):
    return _task_report(before, 2023, 2) is None and _task_report(after, 2023, 2)[3:5] == ("draft", "done")


def task_part_saved(before, after):
    return after["task_parts"] == before["task_parts"] + [(TASK, 2023, 1, "shizhong", "市中区配合 access-matrix")]


def task_approved(before, after):
    return _task_report(before, 2023, 1)[3] == "submitted" and _task_report(after, 2023, 1)[3] == "approved"


def task_returned(before, after):
    return _task_report(after, 2023, 1)[3] == "returned" and _task_report(after, 2023, 1)[6] == REASON["reason"]


def job_started(before, after):
    return after["jobs"] == before["jobs"] + 1


EFFECTS = {f.__name__: f for f in (draft_saved, city_draft_saved, approved, returned, reopened, bulletin_recorded,
                                   plan_ended, project_draft_saved, project_approved, project_returned,
                                   target_value_saved, enterprise_figures_saved, task_assigned, task_report_saved,
                                   task_part_saved, task_approved, task_returned, job_started)}


# ------------------------------------------------------------------------------------------ the table

@dataclass
class Row:
    method: str
    path: str
    expect: dict
    data: Callable[[Site, str], dict] | dict | None = None
    effect: dict[str, str] = field(default_factory=dict)  # role → name of the allowed change
    note: str = ""

    @property
    def id(self):
        return f"{self.method} {self.path}"


def draft_post(quarter):
    def data(site, role):
        return {"revision": site.revision[quarter], "action": "save", **VALID, "i1_comment": "口径说明 access-matrix"}
    return data


def city_post(site, role):
    return {"revision": 0, "action": "save", **site.city_form, site.city_field: "12.5"}


def decision(quarter, **extra):
    """An approval or a return names the revision the official's page showed."""
    def data(site, role):
        return {"revision": site.revision[quarter], **extra}
    return data


def upload_post(site, role):
    return {"file": SimpleUploadedFile("shizhong-2023-Q4.xlsx", site.template_q4,
                                       content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def login_post(site, role):
    username = site.users[role].username if role in site.users else "official"
    return {"username": username, "password": PASSWORD if role in site.users else "wrong-password"}


def bulletin_post(site, role):
    return {"source_title": "乐山市统计公报 access-matrix", "kind": "verified",
            "file": SimpleUploadedFile("bulletin.csv", "指标序号,年份,季度,数值\n1,2023,4,2345.6\n".encode(),
                                       content_type="text/csv")}


def definition_post(site, role):
    return {"file": SimpleUploadedFile("plan.xlsx", site.definition,
                                       content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


REASON = {"reason": "请核实第5项 access-matrix"}
PROJECT = 9001  # created with this id by the site fixture (a project, a tracked target, a register enterprise)


def project_post(site, role):
    return {"revision": 1, "action": "save", "investment": "1.25", "milestone": "", "milestone_done_date": "",
            "problems": "", "change_reason": ""}


def register_post(site, role):
    return {f"e{PROJECT}_revenue": "1.5", f"e{PROJECT}_employees": "12", f"e{PROJECT}_taxes": "3"}
S1, S2, S3, S4 = Q[1], Q[2], Q[3], Q[4]
TASK = 16  # led by 市商务局, 市中区 supporting
T, T_OTHER, TH1, TH2 = f"/tasks/{TASK}/", "/tasks/1/", f"/tasks/{TASK}/2023-H1/", f"/tasks/{TASK}/2023-H2/"
EVIDENCE_PK = 4242
TASK_VIEW = E(LOGIN, 200, 403, 200, 200, 403, 200)      # task 16: the units that lead or support it, officials
TASK_OFFICIALS = E(LOGIN, 403, 403, 200, 200, 403, 403)


def task_decision(**extra):
    def data(site, role):
        return {"revision": site.task_revision, **extra}
    return data


def assign_post(site, role):
    return {"lead": "department:science", "supporting": ["district:shizhong"], "milestones": "2024：完成"}


def task_report_post(site, role):
    return {"revision": 0, "progress": "done", "narrative": "access-matrix", "action": "save"}


def task_part_post(site, role):
    return {"revision": site.task_revision, "narrative": "市中区配合 access-matrix"}

TABLE: list[Row] = [
    # ---- data entry (indicators/urls_entry.py)
    Row("GET", "/entry/", ANY_ROLE | {"department": 403}, note="own district's quarters; officials the city's"),
    Row("POST", "/entry/", GET_ONLY),
    Row("GET", S3, OWN_DISTRICT, note="a submitted quarter: read-only for everyone, decision box for officials"),
    Row("GET", S1, OWN_DISTRICT, note="a returned quarter shows the reason"),
    Row("GET", f"/entry/{OTHER}/2023-Q3/", E(LOGIN, 403, 200, 200, 200, 403, 403)),
    Row("GET", CITY_Q, CITY_ONLY),
    Row("POST", S4, E(LOGIN, 302, 403, 403, 302, 403), draft_post(4),
        {"staff_own": "draft_saved", "admin": "draft_saved"}, "save a draft with the revision token"),
    Row("POST", S3, E(LOGIN, 200, 403, 403, 200, 403), draft_post(3),
        note="a submitted quarter: the form answers 'awaiting a decision' and stores nothing"),
    Row("POST", S2, E(LOGIN, 200, 403, 403, 200, 403), draft_post(2), note="an approved quarter is locked"),
    Row("POST", CITY_Q, E(LOGIN, 403, 403, 302, 302, 403), city_post,
        {"official": "city_draft_saved", "admin": "city_draft_saved"}),
    Row("GET", S3 + "approve/", POST_ONLY),
    Row("POST", S3 + "approve/", DECIDE, decision(3, comment=""), {"official": "approved", "admin": "approved"}),
    Row("POST", S4 + "approve/", DECIDE, note="a draft cannot be approved: message, nothing changes"),
    Row("GET", S3 + "return/", POST_ONLY),
    Row("POST", S3 + "return/", DECIDE, decision(3, **REASON), {"official": "returned", "admin": "returned"}),
    Row("POST", S3 + "return/", DECIDE, decision(3, reason="  "), note="a reason is required"),
    Row("POST", S3 + "return/", DECIDE, REASON, note="no revision named: refused, nothing changes"),
    Row("GET", S2 + "reopen/", POST_ONLY),
    Row("POST", S2 + "reopen/", E(LOGIN, 403, 403, 403, 302, 403), decision(2, **REASON), {"admin": "reopened"}),
    Row("GET", S1 + "history/1/", OWN_DISTRICT),
    Row("GET", S1 + "history/99/", E(LOGIN, 404, 403, 404, 404, 403), note="unknown indicator"),
    Row("POST", S1 + "history/1/", GET_ONLY),
    Row("GET", S4 + "template.xlsx", OWN_DISTRICT),
    Row("POST", S4 + "template.xlsx", GET_ONLY),
    Row("GET", S4 + "upload/", E(LOGIN, 200, 403, 403, 200, 403)),
    Row("GET", CITY_Q + "upload/", CITY_ONLY),
    Row("POST", S4 + "upload/", E(LOGIN, 200, 403, 403, 200, 403), upload_post,
        note="a file → the preview; nothing is stored before the confirmation"),
    Row("GET", "/entry/shizhong/2031-Q1/", same_for_signed_in(404), note="outside the plan"),
    Row("GET", "/entry/nowhere/2023-Q1/", same_for_signed_in(404), note="unknown district"),
    Row("GET", "/entry/inbox/", CITY_ONLY, note="the submissions awaiting a decision: officials and admins"),
    Row("POST", "/entry/inbox/", GET_ONLY),
    Row("GET", "/completeness/?year=2023", CITY_ONLY),
    Row("POST", "/completeness/", GET_ONLY),
    Row("GET", "/exports/figures.xlsx", ANY_ROLE | {"department": 403},
        note="staff: their own district's approved figures; a department has none"),
    Row("GET", f"/exports/figures.xlsx?district={OWN}", OWN_DISTRICT),
    Row("POST", "/exports/figures.xlsx", GET_ONLY),
    Row("GET", "/exports/figures.csv", ANY_ROLE | {"department": 403}),
    Row("GET", f"/exports/figures.csv?district={OWN}", OWN_DISTRICT),
    Row("GET", "/exports/figures.csv?district=city", CITY_ONLY),
    Row("POST", "/exports/figures.csv", GET_ONLY),
    # ---- dashboards (indicators/urls.py, urls_dashboard.py): read-only pages refuse POST (@require_safe)
    Row("GET", "/", TO_OWN_DISTRICT | {"department": (302, "/departments/commerce/")},
        note="staff are sent to their own district's page, a department's staff to its page"),
    Row("POST", "/", GET_ONLY),
    Row("GET", "/overview/", TO_OWN_DISTRICT | {"department": (302, "/departments/commerce/")}),
    Row("POST", "/overview/", GET_ONLY),
    Row("GET", "/indicators/1/", ANY_ROLE | {"department": 403},
        note="staff see their own district's bars only; departments enter no figures"),
    Row("GET", "/indicators/99/", same_for_signed_in(404)),
    Row("POST", "/indicators/1/", GET_ONLY),
    Row("GET", "/indicators/1/data.csv", ANY_ROLE | {"department": 403}, note="staff: their own district's rows only"),
    Row("POST", "/indicators/1/data.csv", GET_ONLY),
    Row("GET", f"/districts/{OWN}/data.csv", OWN_DISTRICT),
    Row("POST", f"/districts/{OWN}/data.csv", GET_ONLY),
    Row("GET", "/map/", ANY_ROLE | {"department": 403}, note="staff: their own district only"),
    Row("POST", "/map/", GET_ONLY),
    Row("GET", "/reports/", CITY_ONLY),
    Row("POST", "/reports/", GET_ONLY),
    Row("GET", "/reports/midterm/", CITY_ONLY),
    Row("POST", "/reports/midterm/", GET_ONLY),
    Row("GET", "/reports/final/", CITY_ONLY),
    Row("POST", "/reports/final/", GET_ONLY),
    Row("GET", "/reports/2023/", CITY_ONLY),
    Row("GET", "/reports/2030/", E(LOGIN, 403, 403, 404, 404, 403), note="outside the plan"),
    Row("POST", "/reports/2023/", GET_ONLY),
    Row("GET", "/reports/2023.xlsx", CITY_ONLY),
    Row("POST", "/reports/2023.xlsx", GET_ONLY),
    # ---- review texts (indicators/urls_review.py)
    Row("GET", "/reviews/", ANY_ROLE | {"department": 403},
        note="default scope: the city for officials, the own district for staff"),
    Row("GET", "/reviews/?scope=city", CITY_ONLY),
    Row("GET", f"/reviews/?scope={OWN}&year=2023&quarter=4", OWN_DISTRICT),
    Row("GET", "/reviews/?scope=nowhere", same_for_signed_in(404)),
    Row("POST", "/reviews/", GET_ONLY),
    Row("GET", f"/reviews/report.docx?scope={OWN}&year=2023&quarter=4", OWN_DISTRICT),
    Row("GET", "/reviews/report.docx?scope=city&year=2023&quarter=4", CITY_ONLY),
    Row("POST", "/reviews/report.docx", GET_ONLY),
    # ---- background jobs (indicators/jobs): started by POST from their pages; the job only for its owner and officials
    Row("POST", f"/reviews/report.docx/job/?scope={OWN}&year=2023&quarter=4", E(LOGIN, 302, 403, 302, 302, 403),
        effect={"staff_own": "job_started", "official": "job_started", "admin": "job_started"}),
    Row("POST", "/reviews/report.docx/job/?scope=city&year=2023&quarter=4", E(LOGIN, 403, 403, 302, 302, 403),
        effect={"official": "job_started", "admin": "job_started"}),
    Row("GET", "/reviews/report.docx/job/", POST_ONLY),
    Row("POST", "/exports/figures.xlsx/job/", E(LOGIN, 302, 302, 302, 302, 403, 403),
        effect={r: "job_started" for r in ("staff_own", "staff_other", "official", "admin")},
        note="staff: their own district's workbook"),
    Row("POST", f"/exports/figures.xlsx/job/?district={OWN}", E(LOGIN, 302, 403, 302, 302, 403),
        effect={"staff_own": "job_started", "official": "job_started", "admin": "job_started"}),
    Row("GET", "/exports/figures.xlsx/job/", POST_ONLY),
    Row("GET", JOB, E(LOGIN, 200, 403, 200, 200, 403), note="the progress page: its owner and officials"),
    Row("POST", JOB, GET_ONLY),
    Row("GET", JOB + "status.json", E(LOGIN, 200, 403, 200, 200, 403)),
    Row("POST", JOB + "status.json", GET_ONLY),
    Row("GET", JOB + "download", E(LOGIN, 200, 403, 200, 200, 403)),
    Row("POST", JOB + "download", GET_ONLY),
    Row("GET", "/jobs/00000000-0000-4000-8000-000000000404/", same_for_signed_in(404), note="no such job"),
    # ---- districts and projects
    Row("GET", "/districts/", ANY_ROLE),
    Row("POST", "/districts/", GET_ONLY),
    Row("GET", f"/districts/{OWN}/", OWN_DISTRICT),
    Row("GET", "/districts/nowhere/", same_for_signed_in(404)),
    Row("POST", f"/districts/{OWN}/", GET_ONLY),
    Row("GET", "/projects/", ANY_ROLE),
    Row("GET", "/projects/?kind=zone&district=shizhong", ANY_ROLE),
    Row("POST", "/projects/", GET_ONLY),
    # ---- project tracking, targets, the key-enterprise register (issue 16); project 9001: 市中区 responsible,
    # 2023 Q3 submitted, Q4 a draft
    Row("GET", f"/projects/{PROJECT}/", ANY_ROLE, note="a project's tracking page: any role reads it"),
    Row("POST", f"/projects/{PROJECT}/", GET_ONLY),
    Row("GET", f"/projects/{PROJECT}/edit/", CITY_ONLY),
    Row("POST", f"/projects/{PROJECT}/edit/", E(LOGIN, 403, 403, 400, 400, 403), {"start_year": "2023"},
        note="no reason given: the form again, nothing changed"),
    Row("GET", f"/projects/{PROJECT}/2023-Q4/", POST_ONLY),
    Row("POST", f"/projects/{PROJECT}/2023-Q4/", E(LOGIN, 302, 403, 403, 302, 403), project_post,
        {"staff_own": "project_draft_saved", "admin": "project_draft_saved"},
        "the responsible county reports; officials decide, they do not report"),
    Row("GET", f"/projects/{PROJECT}/2023-Q3/approve/", POST_ONLY),
    Row("POST", f"/projects/{PROJECT}/2023-Q3/approve/", DECIDE, {"revision": 1},
        {"official": "project_approved", "admin": "project_approved"}),
    Row("GET", f"/projects/{PROJECT}/2023-Q3/return/", POST_ONLY),
    Row("POST", f"/projects/{PROJECT}/2023-Q3/return/", DECIDE, {"revision": 1, **REASON},
        {"official": "project_returned", "admin": "project_returned"}),
    Row("GET", "/projects/targets/", ANY_ROLE),
    Row("POST", "/projects/targets/", GET_ONLY),
    Row("GET", f"/projects/targets/{PROJECT}/", POST_ONLY),
    Row("POST", f"/projects/targets/{PROJECT}/", DECIDE, {"action": "value", "year": "2023", "value": "150"},
        {"official": "target_value_saved", "admin": "target_value_saved"}),
    Row("GET", "/projects/register/", ANY_ROLE | {"department": 403},
        note="county staff see their district's enterprises; departments report no enterprise figures"),
    Row("POST", "/projects/register/", GET_ONLY),
    Row("GET", f"/projects/register/{OWN}/2023-Q3/", OWN_DISTRICT),
    Row("POST", f"/projects/register/{OWN}/2023-Q3/", E(LOGIN, 302, 403, 302, 302, 403), register_post,
        {r: "enterprise_figures_saved" for r in ("staff_own", "official", "admin")}),
    Row("GET", "/projects/register/bulletin/2023-Q3/", CITY_ONLY),
    Row("POST", "/projects/register/bulletin/2023-Q3/", GET_ONLY),
    Row("GET", "/projects/register/bulletin/2023-Q3.xlsx", CITY_ONLY),
    Row("POST", "/projects/register/bulletin/2023-Q3.xlsx", GET_ONLY),
    # ---- published figures (bulletins): administrators only
    Row("GET", "/published/upload/", E(LOGIN, 403, 403, 403, 200, 403)),
    Row("POST", "/published/upload/", E(LOGIN, 403, 403, 403, 302, 403), bulletin_post,
        {"admin": "bulletin_recorded"}, "a bulletin's figures → new versions with their source"),
    # ---- plan administration (indicators/plans/urls.py): the admin's gate (is_staff), then administrators only
    Row("GET", "/plans/", ADMIN_PAGE),
    Row("POST", "/plans/", ADMIN_PAGE | {"admin": 405}),
    Row("GET", "/plans/template.xlsx", ADMIN_PAGE),
    Row("GET", f"/plans/template.xlsx?plan={PLAN}", ADMIN_PAGE, note="a plan exported into the template"),
    Row("POST", "/plans/template.xlsx", ADMIN_PAGE | {"admin": 405}),
    Row("GET", "/plans/upload/", ADMIN_PAGE),
    Row("POST", "/plans/upload/", ADMIN_PAGE, definition_post,
        note="a definition → the preview with its problems (the code is in use); nothing is stored"),
    Row("GET", f"/plans/{PLAN}/in-force/", ADMIN_PAGE | {"admin": 405}),
    Row("POST", f"/plans/{PLAN}/in-force/", ADMIN_PAGE | {"admin": 302},
        note="already in force: refused with a message, nothing changes"),
    Row("GET", f"/plans/{PLAN}/recompute/", ADMIN_PAGE | {"admin": 405}),
    Row("POST", f"/plans/{PLAN}/recompute/", ADMIN_PAGE | {"admin": 302}, effect={"admin": "job_started"},
        note="a full recompute as a background job (queued: run after commit)"),
    Row("GET", f"/plans/{PLAN}/end/", ADMIN_PAGE | {"admin": 405}),
    Row("POST", f"/plans/{PLAN}/end/", ADMIN_PAGE | {"admin": 302},
        effect={"admin": "plan_ended"}),
    Row("GET", "/?plan=nowhere", same_for_signed_in(404), note="a plan that does not exist"),
    # ---- health, accounts, language, admin
    # ---- tasks (projects/tasks/urls.py, issue 16): units see what they lead or support
    Row("GET", "/tasks/", E(LOGIN, 200, 200, 200, 200, 403, 200), note="each unit: its own tasks only"),
    Row("GET", "/tasks/?by=district&unit=district:shizhong&status=not_reported", E(LOGIN, 200, 200, 200, 200, 403,
                                                                                     200)),
    Row("POST", "/tasks/", GET_ONLY),
    Row("GET", "/tasks/inbox/", TASK_OFFICIALS),
    Row("POST", "/tasks/inbox/", GET_ONLY),
    Row("GET", T, TASK_VIEW),
    Row("GET", T_OTHER, TASK_OFFICIALS, note="a task no unit of these users leads or supports"),
    Row("GET", "/tasks/999/", E(LOGIN, 404, 404, 404, 404, 403, 404)),
    Row("POST", T, GET_ONLY),
    Row("GET", T + "assign/", TASK_OFFICIALS),
    Row("POST", T + "assign/", E(LOGIN, 403, 403, 302, 302, 403, 403), assign_post,
        {"official": "task_assigned", "admin": "task_assigned"}),
    Row("GET", TH1, TASK_VIEW, note="a submitted report: read-only, decision box for officials"),
    Row("GET", "/tasks/16/2031-H1/", E(LOGIN, 404, 403, 404, 404, 403, 404), note="outside the plan"),
    Row("POST", TH2, E(LOGIN, 403, 403, 403, 403, 403, 302), task_report_post, {"department": "task_report_saved"},
        "the lead unit's staff only"),
    Row("POST", TH1, E(LOGIN, 403, 403, 403, 403, 403, 409), task_report_post,
        note="a submitted report cannot be changed (nor is it the revision shown): message, nothing stored"),
    Row("GET", TH1 + "contribution/", POST_ONLY),
    Row("POST", TH1 + "contribution/", E(LOGIN, 302, 403, 403, 403, 403, 403), task_part_post,
        {"staff_own": "task_part_saved"}, "a supporting unit's part"),
    Row("GET", TH1 + "approve/", POST_ONLY),
    Row("POST", TH1 + "approve/", TASK_OFFICIALS | {"official": 302, "admin": 302}, task_decision(comment=""),
        {"official": "task_approved", "admin": "task_approved"}),
    Row("GET", TH1 + "return/", POST_ONLY),
    Row("POST", TH1 + "return/", TASK_OFFICIALS | {"official": 302, "admin": 302}, task_decision(**REASON),
        {"official": "task_returned", "admin": "task_returned"}),
    Row("POST", TH1 + "return/", TASK_OFFICIALS | {"official": 302, "admin": 302}, task_decision(reason=" "),
        note="a reason is required"),
    Row("GET", f"/tasks/evidence/{EVIDENCE_PK}/", TASK_VIEW, note="evidence: whoever may see the task"),
    Row("POST", f"/tasks/evidence/{EVIDENCE_PK}/", GET_ONLY),
    Row("GET", "/departments/", TASK_OFFICIALS),
    Row("POST", "/departments/", GET_ONLY),
    Row("GET", "/departments/commerce/", E(LOGIN, 403, 403, 200, 200, 403, 200), note="officials and its own staff"),
    Row("GET", "/departments/nowhere/", E(LOGIN, 404, 404, 404, 404, 403, 404)),
    Row("POST", "/departments/commerce/", GET_ONLY),
    Row("GET", "/healthz", PUBLIC),
    Row("POST", "/healthz", PUBLIC),
    Row("GET", "/accounts/login/", PUBLIC),
    Row("POST", "/accounts/login/", E(200, 302, 302, 302, 302, 302), login_post,
        note="own credentials → signed in; anonymous: a wrong password → the form again"),
    Row("GET", "/accounts/logout/", same_for_signed_in(405), note="logout is POST-only"),
    Row("POST", "/accounts/logout/", same_for_signed_in(302, anonymous=302)),
    Row("GET", "/accounts/password_change/", same_for_signed_in(200)),
    Row("POST", "/accounts/password_change/", same_for_signed_in(200),
        {"old_password": "wrong", "new_password1": "Another-pass-2025", "new_password2": "Another-pass-2025"},
        note="a wrong old password: the form again, nothing changed"),
    Row("GET", "/accounts/password_change/done/", same_for_signed_in(200)),
    Row("POST", "/accounts/password_change/done/", same_for_signed_in(405)),
    # password reset mails a link: not routed unless PASSWORD_RESET_ENABLED (off by default, see test_security)
    Row("GET", "/accounts/password_reset/", NOT_ROUTED, note="PASSWORD_RESET_ENABLED off: not routed"),
    Row("POST", "/accounts/password_reset/", NOT_ROUTED, {"email": "x@example.org"}),
    Row("GET", "/accounts/password_reset/done/", NOT_ROUTED),
    Row("POST", "/accounts/password_reset/done/", NOT_ROUTED),
    Row("GET", "/accounts/reset/MQ/invalid-token/", NOT_ROUTED),
    Row("POST", "/accounts/reset/MQ/invalid-token/", NOT_ROUTED, {"new_password1": "x", "new_password2": "x"}),
    Row("GET", "/accounts/reset/done/", NOT_ROUTED),
    Row("POST", "/accounts/reset/done/", NOT_ROUTED),
    Row("GET", "/i18n/setlang/?next=/", same_for_signed_in(302, anonymous=302)),
    Row("POST", "/i18n/setlang/", same_for_signed_in(302, anonymous=302), {"language": "en", "next": "/"}),
    Row("GET", "/admin/", E(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, ADMIN_LOGIN),
        note="the admin needs is_staff: administrators only"),
    Row("POST", "/admin/", E(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, ADMIN_LOGIN)),
    Row("GET", "/admin/indicators/districttarget/", E(LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, ADMIN_LOGIN),
        note="a model page behind the admin gate"),
    Row("POST", "/admin/indicators/districttarget/", E(LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, ADMIN_LOGIN),
        {"action": "delete_selected", "_selected_action": ["1"]},
        note="a bulk delete without confirmation: the confirmation page, nothing deleted"),
    Row("GET", "/no-such-page/", same_for_signed_in(404, anonymous=404), note="unknown URLs: 404, even anonymous"),
]

# URL patterns deliberately left out of the table, each with the reason (a prefix ending in * covers a namespace;
# a pattern the table does cover is never excluded).
EXCLUDED = {
    "admin:*": "Django admin's own pages behind the index: AdminSite.has_permission (active + is_staff) and model "
               "permissions guard every one; the /admin/ rows prove the gate, the district-target rows a model page",
}


# ------------------------------------------------------------------------------------------ data

@dataclass
class Site:
    plan: object
    users: dict
    revision: dict
    city_field: str
    city_form: dict
    template_q4: bytes
    definition: bytes
    task_revision: int = 0


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(scope="class")
def site(django_db_setup, django_db_blocker):
    """The plan, published figures with their progress rows, users per role and 市中区's 2023 quarters in every
    state; loaded once for the test class that uses it (committed), flushed afterwards."""
    from django.contrib.auth.models import Group

    from districts.access import ADMIN, CITY_OFFICIAL, COUNTY_STAFF, DEPARTMENT_STAFF
    from districts.models import District, Membership
    from indicators.entry import validation
    from indicators.figures.selectors import current_plan
    from indicators.jobs import services as jobs
    from indicators.loaders.plan import load_plan
    from indicators.loaders.published import published_load
    from indicators.models import BackgroundJob, Submission
    from indicators.progress import services

    quiet = {name: logging.getLogger(name).level for name in ("django.request", "axes", "kaleido", "choreographer")}
    for name in quiet:  # the refusals are the point here: keep the printed table readable
        logging.getLogger(name).setLevel(logging.ERROR)
    with django_db_blocker.unblock():
        load_plan(json.loads(PLAN_FIXTURE.read_text(encoding="utf-8")))
        plan = current_plan()
        counts = published_load(json.loads(PUBLISHED.read_text(encoding="utf-8")))
        services.progress_recompute(plan=plan, indicator_ids=counts["indicators"])
        User = get_user_model()

        def user(name, group=None, district=None, **extra):
            u = User.objects.create_user(username=name, password=PASSWORD, **extra)
            if group:
                u.groups.add(Group.objects.get_or_create(name=group)[0])
            if district:
                Membership.objects.create(user=u, district=District.objects.get(plan=plan, code=district))
            return u

        users = {"staff_own": user("matrix_staff_own", COUNTY_STAFF, OWN),
                 "staff_other": user("matrix_staff_other", COUNTY_STAFF, OTHER),
                 "official": user("matrix_official", CITY_OFFICIAL),
                 "admin": user("matrix_admin", ADMIN, is_staff=True, is_superuser=True),
                 "no_role": user("matrix_no_role"),
                 "department": user("matrix_department", DEPARTMENT_STAFF)}
        task_revision = _tasks(plan, users)
        staff, official = _client(users["staff_own"]), _client(users["official"])
        for quarter in (1, 2, 3):
            assert staff.post(Q[quarter], {"revision": 0, "action": "submit", **VALID}).status_code == 302
        assert official.post(S1 + "return/", {"reason": "第1项口径有误", "revision": 1}).status_code == 302
        assert official.post(S2 + "approve/", {"comment": "", "revision": 1}).status_code == 302
        assert staff.post(S4, {"revision": 0, "action": "save", **VALID}).status_code == 302
        states = dict(Submission.objects.filter(district__code=OWN, year=2023).values_list("quarter", "status"))
        assert states == {1: "returned", 2: "approved", 3: "submitted", 4: "draft"}, states
        revision = dict(Submission.objects.filter(district__code=OWN, year=2023).values_list("quarter", "revision"))
        city = validation.form_indicators(plan, None, 3)
        city_field = f"i{city[0].number}_{'numerator' if city[0].measure == 'share' else 'value'}"
        city_form = {f"i{i.number}_{part}": "" for i in city for part in (
            ("numerator", "denominator", "comment") if i.measure == "share" else ("value", "comment"))}
        _project_site(plan, users["staff_own"])
        template_q4 = staff.get(S4 + "template.xlsx").content
        definition = _client(users["admin"]).get(f"/plans/template.xlsx?plan={PLAN}").content
        job = BackgroundJob.objects.create(id=JOB.split("/")[2], owner=users["staff_own"], params={
            "plan": PLAN, "scope": OWN}, kind=BackgroundJob.Kind.FIGURES_XLSX)
        assert jobs.job_run(job_id=job.pk) == "done"
    yield Site(plan, users, revision, city_field, city_form, template_q4, definition, task_revision)
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)


def _project_site(plan, staff_user):
    """Project 9001 (市中区 responsible) with 2023 Q3 submitted and Q4 a draft; target 9001; enterprise 9001 of
    市中区 in the register."""
    from projects.models import Project, ProjectReport, RegisterEnterprise, TrackedTarget

    shizhong = plan.districts.get(code=OWN)
    project = Project.objects.create(pk=PROJECT, plan=plan, kind="text", number=900, name="矩阵测试项目",
                                     responsible_district=shizhong)
    ProjectReport.objects.create(project=project, year=2023, quarter=3, status="submitted", revision=1,
                                 investment=Decimal("2"), entered_by=staff_user)
    ProjectReport.objects.create(project=project, year=2023, quarter=4, status="draft", revision=1,
                                 entered_by=staff_user)
    TrackedTarget.objects.create(pk=PROJECT, plan=plan, code="matrix", order=99, name="矩阵测试目标", unit="家",
                                 kind="level", target_text="10家", target_value=10, target_year=2025,
                                 source_text="—")
    RegisterEnterprise.objects.create(pk=PROJECT, plan=plan, name="矩阵测试企业", district=shizhong)


def _tasks(plan, users) -> int:
    """Task 16 led by 市商务局 (the department user's), 市中区 supporting; its 2023 first-half report submitted with
    an evidence file (pk EVIDENCE_PK). Returns the report's revision."""
    from districts.models import Department, DepartmentMembership
    from districts.services import load_departments
    from projects.models import Task, TaskEvidence
    from projects.tasks import services as tasks

    load_departments(json.loads((ROOT / "fixtures" / "departments.json").read_text(encoding="utf-8")))
    DepartmentMembership.objects.create(user=users["department"], department=Department.objects.get(code="commerce"))
    tasks.tasks_document_load(json.loads((ROOT / "fixtures" / "leshan_14th_fyp_tasks.json").read_text(
        encoding="utf-8")))
    task = tasks.task_assign(task=Task.objects.get(plan=plan, number=TASK), user=users["official"],
                             lead="department:commerce", supporting=["district:shizhong"], milestones_text="")
    report = tasks.report_get_or_create(task=task, year=2023, half=1)
    report = tasks.report_save(report=report, user=users["department"], expected_revision=0, progress="on_schedule",
                               narrative="按序时推进", submit=True,
                               files=[SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 access-matrix")])
    TaskEvidence.objects.filter(report=report).update(id=EVIDENCE_PK)
    return report.revision


def snapshot() -> dict:
    """What a request must not change unless its row says so: workflow, figures, versions, accounts."""
    from districts.models import Plan
    from indicators.models import (
        BackgroundJob,
        DistrictTarget,
        Observation,
        ObservationVersion,
        Submission,
    )
    from projects.models import (EnterpriseFigure, Project, ProjectReport, Task, TaskContribution, TaskReport,
                                 TrackedTargetValue)

    return {
        "project_reports": list(ProjectReport.objects.order_by("id").values_list(
            "year", "quarter", "status", "revision", "investment", "return_reason")),
        "target_values": list(TrackedTargetValue.objects.order_by("id").values_list("year", "value")),
        "enterprise_figures": list(EnterpriseFigure.objects.order_by("id").values_list(
            "year", "quarter", "revenue", "employees", "taxes")),
        "tasks": list(Task.objects.order_by("number").values_list("number", "lead_department__code",
                                                                  "lead_district__code")),
        "task_reports": list(TaskReport.objects.order_by("id").values_list(
            "task__number", "year", "half", "state", "progress", "revision", "return_reason")),
        "task_parts": list(TaskContribution.objects.order_by("id").values_list(
            "report__task__number", "report__year", "report__half", "district__code", "narrative")),
        "plans": list(Plan.objects.order_by("id").values_list("code", "status")),
        "submissions": list(Submission.objects.order_by("id").values_list(
            "district__code", "year", "quarter", "status", "revision", "return_reason")),
        "observations": list(Observation.objects.order_by("id").values_list(
            "indicator__number", "district__code", "year", "quarter", "value", "numerator", "denominator",
            "comment")),
        "versions": ObservationVersion.objects.count(),
        "targets": list(DistrictTarget.objects.order_by("id").values_list("target_value", "source")),
        "projects": list(Project.objects.order_by("id").values_list("name", "status", "completed_investment")),
        "users": list(get_user_model().objects.order_by("id").values_list(
            "username", "password", "is_active", "is_staff", "is_superuser")),
        "jobs": BackgroundJob.objects.count(),
    }


class _Rollback(Exception):
    pass


def _shown(expected) -> str:
    if isinstance(expected, tuple):
        return f"{expected[0]}→{expected[1]}"
    return {LOGIN: "302→login", ADMIN_LOGIN: "302→adm-login"}.get(expected, str(expected))


def _outcome(response, expected):
    """(as shown, matches expected?)"""
    status, location = response.status_code, response.get("Location", "")
    if expected == LOGIN:
        return ("302→login" if status == 302 and location.startswith("/accounts/login/?next=") else
                f"{status}→{location}" if location else str(status)), None
    if expected == ADMIN_LOGIN:
        return ("302→adm-login" if status == 302 and location.startswith("/admin/login/?next=") else
                f"{status}→{location}" if location else str(status)), None
    if isinstance(expected, tuple):
        return (f"{status}→{location}" if location else str(status)), None
    return str(status), None


def run_cell(site: Site, row: Row, role: str) -> tuple[str, list[str]]:
    """One request as one role, inside a savepoint that is rolled back; returns what it got and any problem."""
    problems: list[str] = []
    shown = ""
    try:
        with transaction.atomic():
            client = _client(site.users.get(role))
            data = row.data(site, role) if callable(row.data) else (row.data or {})
            before = snapshot()
            response = client.post(row.path, data) if row.method == "POST" else client.get(row.path)
            after = snapshot()
            expected = row.expect[role]
            shown, _ = _outcome(response, expected)
            if shown != _shown(expected):
                problems.append(f"expected {_shown(expected)}, got {shown}")
            effect = row.effect.get(role)
            if effect:
                if not EFFECTS[effect](before, after):
                    problems.append(f"expected the change '{effect}'")
                shown += f" {effect.split('_')[0]}"
            elif before != after:
                changed = [k for k in before if before[k] != after[k]]
                problems.append(f"changed {changed} though the row allows no change")
            if response.status_code >= 500:
                problems.append("server error")
            raise _Rollback
    except _Rollback:
        pass
    return shown, problems


@pytest.mark.django_db
class TestAccessMatrix:
    @pytest.mark.parametrize("row", TABLE, ids=[r.id for r in TABLE])
    def test_access_matrix(self, site, row):
        check_row(site, row)


def check_row(site, row):
    if row is TABLE[0]:
        print(f"\naccess matrix: {len(TABLE)} rows × {len(ROLES)} roles = {len(TABLE) * len(ROLES)} requests")
        print(f"{'method':6} {'path':58} " + " ".join(f"{SHORT[r]:>13}" for r in ROLES))
    results = {role: run_cell(site, row, role) for role in ROLES}
    print(f"{row.method:6} {row.path[:58]:58} " + " ".join(f"{results[r][0]:>13}" for r in ROLES)
          + (f"   # {row.note}" if row.note else ""))
    problems = {role: p for role, (_s, p) in results.items() if p}
    assert not problems, f"{row.id}: {problems}"


# ------------------------------------------------------------------------------------------ coverage

def _patterns(resolvers=None, prefix="", namespace=""):
    """(namespaced view name — or namespace + route for an unnamed pattern —, route) of every URL pattern."""
    for p in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            route = prefix + str(p.pattern)
            yield f"{namespace}{p.name or route}", route


def _excluded(name: str, covered) -> bool:
    return name not in covered and any(name.startswith(rule[:-1]) if rule.endswith("*") else name == rule
                                       for rule in EXCLUDED)


def test_every_url_the_project_serves_is_in_the_table():
    covered: dict[str, set[str]] = {}
    for row in TABLE:
        path = row.path.split("?")[0]
        try:
            match = resolve(path)
        except Resolver404:
            assert row.expect["admin"] == 404, f"{row.id} resolves to nothing but is not a 404 row"
            continue
        covered.setdefault(match.view_name, set()).add(row.method)
    served = dict(_patterns())
    missing = {name: route for name, route in served.items()
               if not _excluded(name, covered) and covered.get(name, set()) != {"GET", "POST"}}
    kept_in = [name for name in served if not _excluded(name, covered)]
    methods = sum(len(covered.get(name, ())) for name in kept_in)
    print(f"\n{len(served)} URL patterns served: {len(kept_in)} in the table, {len(served) - len(kept_in)} excluded "
          f"({', '.join(EXCLUDED)}); {methods} pattern × method pairs; {len(TABLE)} rows × {len(ROLES)} roles = "
          f"{len(TABLE) * len(ROLES)} cells")
    assert not missing, f"URLs served but missing from the access table (need a GET and a POST row): {missing}"
    assert not [n for n in covered if n not in served], "table rows for URLs the project does not serve"


@pytest.mark.django_db
def test_setting_the_language_touches_no_data(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
