"""Administrators' plan pages (issue 15): the plans and their lifecycle, the plan-definition template, and the
upload → preview (every row, every problem) → all-or-nothing import of a new plan.

The confirmation never trusts the browser: the uploaded file is kept in a server-side temporary file named by a
random token held in the session, and read again (checked whole) when the import is confirmed.
"""
from __future__ import annotations

import functools
import re
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from districts import access
from districts.models import Plan
from indicators.jobs import services as jobs
from indicators.loaders import definition_sheets as sheets
from indicators.loaders.plan_definition import (
    MAX_BYTES,
    PlanDefinitionError,
    parse_definition,
    plan_definition_import,
    write_template,
)
from indicators.models import BackgroundJob
from indicators.plans import services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "plan-definition-upload"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600


class DefinitionForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("规划定义文件（xlsx）"))


def admin_only(view):
    """Staff pages (the admin's gate), and among staff the administrators only (districts.access)."""
    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        access.require_admin(request.user)
        return view(request, *args, **kwargs)
    return staff_member_required(checked)


# ------------------------------------------------------------------------------------------ the stored upload

def _folder() -> Path:
    folder = Path(settings.PLAN_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep(content: bytes) -> str:
    folder = _folder()
    for old in folder.glob("*.xlsx"):  # uploads never confirmed
        if old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.xlsx").write_bytes(content)
    return token


def _kept(token) -> Path | None:
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    path = _folder() / f"{token}.xlsx"
    return path if path.is_file() else None


def _forget(request) -> None:
    stored = request.session.pop(SESSION_KEY, None)
    path = _kept((stored or {}).get("token"))
    if path is not None:
        path.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------ pages

@admin_only
@require_GET
def plan_list(request):
    """Every plan with its status and the moves it allows; the template and the upload."""
    plans = (Plan.objects.order_by("-start_year", "-id").select_related("previous")
             .annotate(indicator_count=Count("indicators", distinct=True),
                       district_count=Count("districts", distinct=True)))
    return render(request, "indicators/plans/list.html", {"plans": plans})


@admin_only
@require_GET
def template_download(request):
    """The empty plan-definition workbook, or ?plan=<code>: that plan exported in it."""
    code = request.GET.get("plan")
    plan = get_object_or_404(Plan, code=code) if code else None
    response = HttpResponse(write_template(plan), content_type=XLSX)
    name = f"plan-definition-{plan.code}.xlsx" if plan else "plan-definition-template.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _preview(request, definition, problems, token=None):
    shown = {sheet: rows for sheet, rows in definition.rows.items() if rows}
    columns = {sheet: [(c.code, c.label) for c in sheets.TABLES[sheet]] for sheet in shown if sheet in sheets.TABLES}
    columns[sheets.PLAN] = [("field", _("字段")), ("value", _("值"))]
    tables = [(sheet, [label for _code, label in columns[sheet]],
               [{"line": r.line, "cells": [r.shown.get(code, "") for code, _label in columns[sheet]],
                 "problems": r.problems} for r in rows]) for sheet, rows in shown.items()]
    return render(request, "indicators/plans/upload.html", {
        "form": DefinitionForm(), "definition": definition, "problems": problems,
        "sheets": tables, "token": token,
        "max_mb": MAX_BYTES // (1024 * 1024)})


@admin_only
@require_http_methods(["GET", "POST"])
def definition_upload(request):
    """Upload → preview; confirm → the plan stored as a draft (all of it or nothing)."""
    if request.method == "GET":
        return render(request, "indicators/plans/upload.html", {"form": DefinitionForm(),
                                                                "max_mb": MAX_BYTES // (1024 * 1024)})
    if "confirm" in request.POST:
        stored = request.session.get(SESSION_KEY) or {}
        path = _kept(stored.get("token"))
        if path is None or not secrets.compare_digest(str(stored.get("token")), request.POST.get("token", "")):
            messages.error(request, _("上传已失效，请重新上传文件。"))
            return redirect("plans:upload")
        definition, problems = parse_definition(path.read_bytes())
        if not problems:
            try:
                plan = plan_definition_import(definition=definition, user=request.user)
            except PlanDefinitionError as exc:
                problems = exc.problems
            else:
                _forget(request)
                messages.success(request, _("已导入“%(name)s”，状态为草稿：核对无误后可“施行”。") % {"name": plan.name})
                return redirect("plans:list")
        _forget(request)
        return _preview(request, definition, problems)

    form = DefinitionForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "indicators/plans/upload.html", {"form": form, "max_mb": MAX_BYTES // (1024 * 1024)})
    upload = form.cleaned_data["file"]
    # never read more than the parser accepts: it reports the size of a larger file
    content = upload.read() if upload.size <= MAX_BYTES else b"x" * (MAX_BYTES + 1)
    definition, problems = parse_definition(content)
    _forget(request)
    token = None
    if not problems:
        token = _keep(content)
        request.session[SESSION_KEY] = {"token": token, "name": upload.name}
    return _preview(request, definition, problems, token)


def _move(request, code, service, done: str):
    plan = get_object_or_404(Plan, code=code)
    try:
        service(plan=plan, user=request.user)
    except services.PlanLifecycleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done % {"name": plan.name})
    return redirect("plans:list")


@admin_only
@require_POST
def put_in_force(request, code):
    return _move(request, code, services.plan_put_in_force, _("“%(name)s”已施行：各县（市、区）现为其填报数据。"))


@admin_only
@require_POST
def end(request, code):
    return _move(request, code, services.plan_end, _("“%(name)s”已结束：不再填报，页面与评估仍可查看。"))


@admin_only
@require_POST
def recompute(request, code):
    """Every progress row of the plan recomputed now, as a background job with its progress page."""
    plan = get_object_or_404(Plan, code=code)
    job = jobs.job_start(owner=request.user, kind=BackgroundJob.Kind.RECOMPUTE, params={"plan": plan.code})
    return redirect("jobs:page", job_id=job.pk)
