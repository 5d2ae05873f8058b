"""Data entry pages (issue 4): thin views — resolve the scope, ask districts.access, call entry/spreadsheets."""
from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from districts import access
from districts.models import District
from indicators.dashboards import page_cache
from indicators.entry import reminders, spreadsheets, validation
from indicators.entry import selectors as entry_reads
from indicators.entry import services as entry
from indicators.entry.forms import (
    ApproveForm,
    QuarterForm,
    ReasonForm,
    ReturnForm,
    UploadForm,
)
from indicators.figures import selectors as figures_selectors
from indicators.figures.formatting import quarter_label
from indicators.figures.selectors import display_name, plan_in_force
from indicators.jobs import services as jobs
from indicators.models import BackgroundJob, Indicator
from indicators.plans import schedule

Status = validation.Status


def _plan():
    """Figures are entered for the plan in force only; an ended plan is read-only (its pages stay)."""
    plan = plan_in_force()
    if plan is None:
        raise Http404(_("当前没有施行中的规划。"))
    return plan


def _scope(code: str, year: int, quarter: int):
    """(plan, district or None for "city", access code) of a URL; 404 outside the plan's quarters."""
    plan = _plan()
    district = None if code == validation.CITY else get_object_or_404(District, plan=plan, code=code)
    if not validation.period_allowed(plan, year, quarter):
        raise Http404(_("该季度不在可填报范围内。"))
    return plan, district, (district.code if district else None)


def _form_url(code, year, quarter) -> str:
    return reverse("entry:form", kwargs={"code": code, "year": year, "quarter": quarter})


def _deadline(plan, year, quarter) -> dict:
    deadline = reminders.deadlines(plan, [year])[(year, quarter)]
    days_left = (deadline - reminders.today()).days
    return {"deadline": deadline, "days_left": days_left, "overdue_days": max(0, -days_left)}


@require_GET
def entry_home(request):
    """The user's own entry home: their district's (officials: the city's) quarters, deadlines and reminders, the
    quarter due now and the decisions on their figures."""
    plan = _plan()
    user = request.user
    if access.is_official(user):
        district, code = None, validation.CITY
    else:
        own = access.user_district_code(user)
        access.require_view(user, own)  # users without a district are refused here
        district = get_object_or_404(District, plan=plan, code=own)
        code = own
    today = reminders.today()
    years = schedule.entry_years(plan)
    due = schedule.due_quarter(plan, on=today, deadlines=reminders.deadlines(plan, years))
    year = _year_param(request, plan, due.year if due else max(years[0], min(today.year, plan.end_year)))
    notices = reminders.due_reminders(plan, on=today, district_codes=None if district is None else [code])
    return render(request, "indicators/entry/home.html", {
        "plan": plan, "district": district, "code": code, "year": year, "years": years,
        "quarters": entry_reads.home_quarters(plan, district, year, on=today), "notices": notices,
        "decisions": entry_reads.decision_notices(plan, district, on=today),
        "due": entry_reads.due_quarter(plan, district, on=today),
        "is_official": access.is_official(user), "reminder_days": settings.ENTRY_REMINDER_DAYS})


@require_GET
def inbox(request):
    """Officials: the submissions waiting for a decision, oldest first."""
    plan = _plan()
    access.require_official(request.user)
    today = reminders.today()
    items = [{"submission": sub, "code": sub.district.code if sub.district_id else validation.CITY,
              "waiting_days": (today - timezone.localdate(sub.submitted_at)).days if sub.submitted_at else None}
             for sub in entry_reads.awaiting_review(plan)]
    return render(request, "indicators/entry/inbox.html", {"plan": plan, "items": items})


def _year_param(request, plan, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except (TypeError, ValueError):
        return default
    return year if year in schedule.entry_years(plan) else default


def _stored_form(plan, district, year, quarter, submission, rows) -> tuple[QuarterForm, str]:
    """The form as stored, with the typed text (and the messages) of fields a draft could not take as numbers."""
    form = QuarterForm.for_stored(rows=rows, revision=submission.revision if submission else 0)
    if not form.is_bound:
        return form, ""
    form.is_valid()
    typed = {row.indicator.id: form.raw_values()[row.indicator.id] for row in rows if row.typed}
    errors, _warnings = entry.check_values(plan=plan, district=district, year=year, quarter=quarter, values=typed)
    form.add_entry_errors(validation.EntryValidationError(errors))
    return form, _("有 %(n)s 项输入未通过校验，尚未保存为数值；您输入的内容已保留在下方，请修改后保存。") % {"n": len(typed)}


def _again(request, rows, **data) -> QuarterForm:
    """The posted form shown again on other terms (a newer revision, the conflict's revision)."""
    posted = request.POST.copy()
    for key, value in data.items():
        if value is None:
            posted.pop(key, None)
        else:
            posted[key] = str(value)
    form = QuarterForm(posted, rows=rows)
    form.is_valid()
    return form


@require_http_methods(["GET", "POST"])
def entry_form(request, code, year, quarter):
    plan, district, scope = _scope(code, year, quarter)
    access.require_view(request.user, scope)
    submission = entry_reads.submission_find(plan, district, year, quarter)
    rows = entry_reads.form_rows(plan, district, year, quarter, submission=submission)
    status = 200
    conflict = None
    partial_message = ""
    if request.method == "POST":
        access.require_edit(request.user, scope)
        form = QuarterForm(request.POST, rows=rows)
        submit = request.POST.get("action") == "submit"
        form.is_valid()
        if form.missing or "revision" in form.errors or "resolve_revision" in form.errors:
            status = 400  # an incomplete or out-of-date form is not read at all: nothing blanked, nothing stored
        else:
            revision, resolve = form.cleaned_data["revision"], form.cleaned_data.get("resolve_revision")
            try:
                if resolve is None:
                    result = entry.quarter_save(plan=plan, district=district, year=year, quarter=quarter,
                                                user=request.user, expected_revision=revision,
                                                values=form.raw_values(), submit=submit, partial=True)
                else:
                    result = entry.quarter_resolve(plan=plan, district=district, year=year, quarter=quarter,
                                                   user=request.user, base_revision=revision,
                                                   resolve_revision=resolve, values=form.raw_values(),
                                                   picks=form.picks(), submit=submit)
            except validation.ConflictError as exc:
                conflict = exc.message
                status = 409
                submission = entry_reads.submission_find(plan, district, year, quarter)
                rows = entry_reads.form_rows(plan, district, year, quarter, submission=submission)
                form = _again(request, rows, resolve_revision=exc.current_revision)
                form.show_conflicts(exc.conflicts, exc.unpicked)
            except validation.EntryValidationError as exc:
                form.add_entry_errors(exc)
            except (validation.LockedError, validation.WorkflowError) as exc:
                form.add_error(None, exc.message)
            except validation.BusyError as exc:  # the typed values stay on the form, to be saved again
                form.add_error(None, exc.message)
                status = 503
            else:
                for warning in result.warnings:
                    messages.warning(request, warning)
                if result.errors:  # the valid fields are saved; the others are shown with what was typed
                    submission = entry_reads.submission_find(plan, district, year, quarter)
                    rows = entry_reads.form_rows(plan, district, year, quarter, submission=submission)
                    form = _again(request, rows, revision=submission.revision, resolve_revision=None)
                    form.add_entry_errors(validation.EntryValidationError(result.errors))
                    partial_message = _(
                        "未提交：部分字段有错误。其余有效数据已保存为草稿，有错误字段的输入已保留，请修改后再提交。") if submit else _(
                        "有效数据已保存为草稿；部分字段有错误，其输入已保留但尚未保存为数值，请修改后再保存。")
                else:
                    if result.duplicate:
                        messages.info(request, _("这些数据已保存，重复提交已忽略。"))
                    elif submit:
                        messages.success(request, _("已提交，等待市级部门审核。"))
                    else:
                        messages.success(request, _("草稿已保存。"))
                    return redirect(_form_url(code, year, quarter))
        submission = entry_reads.submission_find(plan, district, year, quarter)
    else:
        form, partial_message = _stored_form(plan, district, year, quarter, submission, rows)

    current_status = submission.status if submission else None
    # without a submission, figures may still stand for the quarter (loaded approved ones, or demo ones): the page
    # says so, as the entry home and completeness do, rather than 未开始 and overdue
    shown_status = current_status or figures_selectors.quarter_state(None, figures_selectors.figure_counts(
        plan, year, district).get((district.id if district else None, quarter)))
    can_edit = access.can_edit_district(request.user, scope) and current_status in (None, Status.DRAFT,
                                                                                    Status.RETURNED)
    can_decide = access.can_decide(request.user) and current_status == Status.SUBMITTED
    approve_blocked = can_decide and district is None and not access.can_approve(
        request.user, None, entry.submission_authors(submission))
    return render(request, "indicators/entry/form.html", {
        "plan": plan, "district": district, "code": code, "year": year, "quarter": quarter,
        "label": quarter_label(year, quarter), "submission": submission, "form": form, "conflict": conflict,
        "partial_message": partial_message,
        "status": shown_status, "status_label": entry_reads.status_label(current_status),
        "can_edit": can_edit, "can_decide": can_decide, "approve_blocked": approve_blocked,
        "can_reopen": access.is_admin(request.user) and current_status == Status.APPROVED,
        "locked_message": entry._locked_message(submission) if current_status == Status.APPROVED else "",
        "submitted_message": entry._submitted_message() if current_status == Status.SUBMITTED else "",
        "approve_form": ApproveForm(), "reason_form": ReasonForm(), **_deadline(plan, year, quarter),
    }, status=status)


def _decision(request, code, year, quarter, action):
    plan, district, scope = _scope(code, year, quarter)
    access.require_view(request.user, scope)
    if action == "reopen":
        access.require_admin(request.user)
    else:
        access.require_official(request.user)
    submission = entry_reads.submission_find(plan, district, year, quarter)
    if submission is None:
        raise Http404(_("该季度尚无填报数据。"))
    form = {"approve": ApproveForm, "return": ReturnForm, "reopen": ReasonForm}[action](request.POST)
    form.is_valid()
    if "revision" in form.errors:  # a decision names the revision it was taken on
        messages.error(request, form.errors["revision"][0])
        return redirect(_form_url(code, year, quarter))
    revision = form.cleaned_data.get("revision")
    try:
        if action == "approve":
            entry.submission_approve(submission=submission, user=request.user, expected_revision=revision,
                                     comment=form.cleaned_data.get("comment", ""))
            messages.success(request, _("已审核通过，数据已锁定并计入进度。"))
        else:
            reason = request.POST.get("reason", "")
            service = entry.submission_return if action == "return" else entry.submission_reopen
            service(submission=submission, user=request.user, reason=reason, expected_revision=revision)
            messages.success(request, _("已退回。") if action == "return" else _("已重新开放。"))
    except validation.EntryValidationError as exc:
        messages.error(request, " ".join(exc.general) or exc.message)
    except validation.EntryError as exc:
        messages.error(request, exc.message)
    return redirect(_form_url(code, year, quarter))


@require_POST
def entry_approve(request, code, year, quarter):
    return _decision(request, code, year, quarter, "approve")


@require_POST
def entry_return(request, code, year, quarter):
    return _decision(request, code, year, quarter, "return")


@require_POST
def entry_reopen(request, code, year, quarter):
    return _decision(request, code, year, quarter, "reopen")


@require_GET
def entry_history(request, code, year, quarter, number):
    plan, district, scope = _scope(code, year, quarter)
    access.require_view(request.user, scope)
    indicator = get_object_or_404(Indicator, plan=plan, number=number)
    return render(request, "indicators/entry/history.html", {
        "plan": plan, "district": district, "code": code, "year": year, "quarter": quarter,
        "label": quarter_label(year, quarter), "indicator": indicator,
        "events": entry_reads.value_history(plan, district, year, quarter, indicator)})


@require_GET
def entry_template(request, code, year, quarter):
    plan, district, scope = _scope(code, year, quarter)
    access.require_view(request.user, scope)
    content = spreadsheets.write_template(
        district_code=code, district_name=display_name(district) if district else _("全市"), year=year, quarter=quarter,
        rows=entry_reads.form_rows(plan, district, year, quarter,
                                   submission=entry_reads.submission_find(plan, district, year, quarter)),
        quarter_label=quarter_label)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="entry-{code}-{year}-Q{quarter}.xlsx"'
    return response


def _session_key(code, year, quarter) -> str:
    return f"entry-upload:{code}:{year}:{quarter}"


def _parse_and_check(plan, district, code, year, quarter, content: bytes, filename: str):
    result = spreadsheets.parse_upload(content, filename, district_code=code, year=year, quarter=quarter,
                                       indicators=validation.form_indicators(plan, district, quarter))
    warnings = []
    if not result.file_errors and result.rows and not any(r.errors for r in result.rows):
        errors, warnings = entry.check_values(plan=plan, district=district, year=year, quarter=quarter,
                                              values=result.values())
        for row in result.rows:
            for messages_ in errors.get(row.indicator_id, {}).values():
                row.errors.extend(spreadsheets._row_prefix(row.line) + m for m in messages_)
    return result, warnings


@require_http_methods(["GET", "POST"])
def entry_upload(request, code, year, quarter):
    """Upload → preview of every row with its errors → confirm stores all rows in one transaction (as a draft).

    The confirmation never trusts the browser: the file is kept in the session at upload and parsed again.
    """
    plan, district, scope = _scope(code, year, quarter)
    access.require_edit(request.user, scope)
    submission = entry_reads.submission_find(plan, district, year, quarter)
    key = _session_key(code, year, quarter)
    context = {"plan": plan, "district": district, "code": code, "year": year, "quarter": quarter,
               "label": quarter_label(year, quarter), "submission": submission, "form": UploadForm(),
               "result": None, "token": None}
    blocked = None
    if submission is not None and submission.status == Status.APPROVED:
        blocked = entry._locked_message(submission)
    elif submission is not None and submission.status == Status.SUBMITTED:
        blocked = entry._submitted_message()
    context["blocked"] = blocked
    if request.method == "GET":
        return render(request, "indicators/entry/upload.html", context)

    if "confirm" in request.POST:
        stored = request.session.get(key)
        if not stored or not secrets.compare_digest(str(stored.get("token")), request.POST.get("token", "")):
            messages.error(request, _("上传已失效，请重新上传文件。"))
            return redirect(reverse("entry:upload", kwargs={"code": code, "year": year, "quarter": quarter}))
        content = base64.b64decode(stored["data"])
        result, warnings = _parse_and_check(plan, district, code, year, quarter, content, stored["name"])
        if result.ok and not blocked:
            try:
                saved = entry.quarter_save(plan=plan, district=district, year=year, quarter=quarter,
                                           user=request.user, expected_revision=stored["revision"],
                                           values=result.values(), submit=False, uploaded=True)
            except validation.EntryError as exc:  # a conflict, a lock or a rule: nothing stored, say why
                context["save_error"] = exc.message
            else:
                del request.session[key]
                messages.success(request, _("已导入 %(n)s 行，保存为草稿；请核对后提交。") % {"n": len(result.rows)})
                for warning in saved.warnings:
                    messages.warning(request, warning)
                return redirect(_form_url(code, year, quarter))
        context.update(result=result, warnings=warnings, token=stored["token"] if result.ok else None)
        return render(request, "indicators/entry/upload.html", context, status=200)

    form = UploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "indicators/entry/upload.html", context)
    upload = form.cleaned_data["file"]
    if upload.size > spreadsheets.MAX_BYTES:
        content = b"x" * (spreadsheets.MAX_BYTES + 1)  # parse_upload reports the size; never read a huge file
    else:
        content = upload.read()
    result, warnings = _parse_and_check(plan, district, code, year, quarter, content, upload.name)
    token = None
    if result.ok and not blocked:
        token = secrets.token_urlsafe(16)
        request.session[key] = {"token": token, "name": upload.name, "data": base64.b64encode(content).decode(),
                                "revision": submission.revision if submission else 0}
    else:
        request.session.pop(key, None)
    context.update(result=result, warnings=warnings, token=token)
    return render(request, "indicators/entry/upload.html", context)


@require_GET
def completeness(request):
    """District × quarter grid of a year (officials only)."""
    plan = _plan()
    access.require_official(request.user)
    today = reminders.today()
    years = schedule.entry_years(plan)
    year = _year_param(request, plan, max(years[0], min(today.year, plan.end_year)))
    # cached until a submission changes, a deadline is moved or the day turns (1 query for the deadlines)
    deadlines = sorted(reminders.deadlines(plan, [year]).items())
    body = page_cache.body(request, plan, "completeness", lambda: ("indicators/entry/_completeness_body.html", {
        "plan": plan, "year": year, "years": years,
        "grid": entry_reads.completeness_grid(plan, year, on=today), "quarters": range(1, 5)}),
        vary=(year, today, deadlines), entry=True)
    return render(request, "indicators/entry/completeness.html", {"plan": plan, "year": year, "body": body})


def _export_scope(request):
    """Officials: every figure (optionally ?district=code or city). County staff: their own district only;
    asking for another district is refused (403). Returns (plan, scope): "all", "city" or a district's code."""
    plan = _plan()
    user = request.user
    requested = request.GET.get("district") or None
    if access.is_official(user):
        if requested is None:
            return plan, "all"
        if requested != validation.CITY:
            get_object_or_404(District, plan=plan, code=requested)
        return plan, requested
    own = access.user_district_code(user)
    access.require_view(user, own)
    if requested is not None and requested != own:
        access.require_view(user, None if requested == validation.CITY else requested)
        raise PermissionDenied  # unreachable for county staff; kept so a change in access never leaks figures
    return plan, own


def _export_rows(request):
    plan, scope = _export_scope(request)
    return plan, entry_reads.export_figures(plan, scope), scope


@require_GET
def export_figures_xlsx(request):
    plan, rows, scope = _export_rows(request)
    content = spreadsheets.write_figures_xlsx(rows, entry_reads.export_columns(), title=plan.name)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="figures-{scope}.xlsx"'
    return response


@require_POST
def export_figures_xlsx_job(request):
    """The same workbook built in the background: a progress page, then the file (the query as for the xlsx)."""
    plan, scope = _export_scope(request)
    job = jobs.job_start(owner=request.user, kind=BackgroundJob.Kind.FIGURES_XLSX,
                         params={"plan": plan.code, "scope": scope, "lang": get_language() or "zh-hans"})
    return redirect("jobs:page", job_id=job.pk)


@require_GET
def export_figures_csv(request):
    plan, rows, scope = _export_rows(request)
    response = HttpResponse(spreadsheets.write_figures_csv(rows, entry_reads.export_columns()),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="figures-{scope}.csv"'
    return response
