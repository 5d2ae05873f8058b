"""Task pages: thin views — resolve the task and the half-year, ask districts.access, call services/selectors."""
from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from districts import access
from districts.models import Department
from indicators.dashboards import page_cache
from indicators.figures.selectors import display_name, plan_for_request
from projects import work_cache
from projects.models import Task, TaskEvidence, TaskProgress
from projects.tasks import selectors, services
from projects.tasks.forms import AssignForm, ContributionForm, DecisionForm, ReportForm

VIEWS = ("chapter", "department", "district")


def _plan(request):
    plan = plan_for_request(request)
    if plan is None:
        raise Http404(_("当前没有施行中的规划。"))
    return plan


def _task(request, number: int) -> Task:
    access.require_role(request.user)
    task = get_object_or_404(Task.objects.select_related("plan", "lead_department", "lead_district"),
                             plan=_plan(request), number=number)
    access.require_view_task(request.user, task)
    return task


def _half(request, plan) -> tuple[int, int]:
    halves = selectors.plan_halves(plan)
    default = selectors.latest_half(plan) or (halves[-1] if halves else (plan.start_year, 1))
    try:
        year, half = int(request.GET.get("year", default[0])), int(request.GET.get("half", default[1]))
    except (TypeError, ValueError):
        return default
    return (year, half) if (year, half) in halves else default


def _report_url(task, year, half) -> str:
    return reverse("tasks:report", kwargs={"number": task.number, "year": year, "half": half})


@require_GET
def ledger(request):
    """任务台账: the tasks the user may see, by chapter, department or county, with their lights and filters.

    The ledger is cached between changes of what it shows (``projects.work_cache``: every save of a task, a report,
    a unit), per viewer (what each role and unit may see), language, filter and day (the half-years offered)."""
    access.require_role(request.user)
    plan = _plan(request)
    year, half = _half(request, plan)
    by = request.GET.get("by") if request.GET.get("by") in VIEWS else "chapter"
    unit, status = request.GET.get("unit"), request.GET.get("status")
    try:
        chapter = int(request.GET.get("chapter") or 0) or None
    except ValueError:
        chapter = None
    parts = (plan.pk, year, half, by, unit, status, chapter, get_language(), page_cache.viewer(request.user),
             access.user_unit(request.user), timezone.localdate().isoformat())
    body = work_cache.cached("ledger", parts, lambda: render_to_string(
        "projects/tasks/_ledger_body.html", _ledger_context(request, plan, year, half, by, unit, status, chapter),
        request=request))
    # the body is the output of our own template, every value escaped when it was rendered
    return render(request, "projects/tasks/ledger.html", {"plan": plan, "body": mark_safe(body)})


def _ledger_context(request, plan, year: int, half: int, by: str, unit: str | None, status: str | None,
                    chapter: int | None) -> dict:
    units = services.units_of(plan)
    unit = unit if unit in units else None
    status = status if status in selectors.ALL_STATUSES else None
    data = selectors.ledger(plan, request.user, year, half, chapter=chapter, unit=unit, status=status)
    all_rows = selectors.ledger(plan, request.user, year, half).rows if (chapter or unit or status) else data.rows
    return {
        "plan": plan, "ledger": data, "groups": selectors.group_rows(data.rows, by), "by": by,
        "halves": [(y, h, selectors.half_label(y, h)) for y, h in selectors.plan_halves(plan)],
        "year": year, "half": half, "units": [(k, display_name(u.obj)) for k, u in units.items()], "unit": unit,
        "status": status, "statuses": [*TaskProgress.choices, (selectors.NOT_REPORTED, _("未报送")),
                                                (selectors.NOT_ASSIGNED, _("未分配"))],
        "chapters": sorted({(r.task.chapter, f"{r.task.chapter_label} {r.task.chapter_title}") for r in all_rows}),
        "chapter": chapter, "counts": data.counts(), "can_assign": access.is_official(request.user)}


@require_GET
def task_detail(request, number):
    """A task: its text, lead and supporting units, milestones, its reports by half-year and its history."""
    task = _task(request, number)
    reports = {(r.year, r.half): r for r in task.reports.all()}
    halves = [(y, h, selectors.half_label(y, h), reports.get((y, h))) for y, h in selectors.plan_halves(task.plan)]
    return render(request, "projects/tasks/task_detail.html", {
        "plan": task.plan, "task": task, "halves": halves, "milestones": task.milestones.all(),
        "supporting": [display_name(u) for u in (*task.supporting_departments.all(), *task.supporting_districts.all())],
        "history": selectors.task_history(task), "can_assign": access.is_official(request.user),
        "can_report": access.can_report_task(request.user, task)})


@require_http_methods(["GET", "POST"])
def task_assign(request, number):
    """Officials: the lead unit, the supporting units and the yearly milestones."""
    access.require_assign_tasks(request.user)
    task = _task(request, number)
    units = services.units_of(task.plan)
    if request.method == "POST":
        form = AssignForm(request.POST, units=units)
        if form.is_valid():
            try:
                services.task_assign(task=task, user=request.user, lead=form.cleaned_data["lead"],
                                     supporting=form.cleaned_data["supporting"],
                                     milestones_text=form.cleaned_data["milestones"],
                                     reason=form.cleaned_data["reason"])
            except services.TaskError as exc:
                for name, msgs in exc.errors.items():
                    for msg in msgs:
                        form.add_error(name if name in form.fields else None, msg)
                if not exc.errors:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存任务分工。"))
                return redirect("tasks:detail", number=task.number)
        status = 400
    else:
        lead = (f"department:{task.lead_department.code}" if task.lead_department_id else
                f"district:{task.lead_district.code}" if task.lead_district_id else "")
        supporting = ([f"department:{d.code}" for d in task.supporting_departments.all()]
                      + [f"district:{d.code}" for d in task.supporting_districts.all()])
        milestones = "\n".join(f"{m.year}：{m.text}" for m in task.milestones.all())
        form = AssignForm(initial={"lead": lead, "supporting": supporting, "milestones": milestones}, units=units)
        status = 200
    return render(request, "projects/tasks/task_assign.html", {"plan": task.plan, "task": task, "form": form},
                  status=status)


def _report_page(request, task, year, half, *, report_form=None, part_form=None, status=200):
    report = selectors.task_report(task, year, half)
    revision = report.revision if report else 0
    unit = access.user_unit(request.user)
    can_report = access.can_report_task(request.user, task)
    supporting = {("department", d.code) for d in task.supporting_departments.all()} | {
        ("district", d.code) for d in task.supporting_districts.all()}
    can_contribute = unit is not None and unit in supporting
    own_part = next((c for c in (report.contributions.all() if report else ())
                     if unit and (c.department or c.district).code == unit[1]
                     and (("department" if c.department_id else "district") == unit[0])), None)
    state = report.state if report else "draft"
    editable = state in ("draft", "returned")
    return render(request, "projects/tasks/report.html", {
        "plan": task.plan, "task": task, "year": year, "half": half, "label": selectors.half_label(year, half),
        "report": report, "state": state, "editable": editable,
        "milestone": task.milestones.filter(year=year).first(),
        "can_report": can_report and editable, "can_contribute": can_contribute and state != "approved",
        "can_decide": access.is_official(request.user) and state == "submitted",
        "report_form": report_form or ReportForm(initial={
            "revision": revision, "progress": report.progress if report else "",
            "narrative": report.narrative if report else ""}),
        "part_form": part_form or ContributionForm(initial={"revision": revision,
                                                            "narrative": own_part.narrative if own_part else ""}),
        "decision_form": DecisionForm(initial={"revision": revision}), "revision": revision}, status=status)


def _scope(request, number, year, half):
    task = _task(request, number)
    if not services.half_allowed(task.plan, year, half):
        raise Http404(_("该半年不在可报送范围内。"))
    return task


@require_http_methods(["GET", "POST"])
def report(request, number, year, half):
    """A half-year's report: the lead unit writes and submits it, with evidence files; everyone who may see the
    task reads it; officials decide on it."""
    task = _scope(request, number, year, half)
    if request.method == "GET":
        return _report_page(request, task, year, half)
    access.require_report_task(request.user, task)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _report_page(request, task, year, half, report_form=form, status=400)
    data = form.cleaned_data
    try:
        current = services.report_get_or_create(task=task, year=year, half=half)
        services.report_save(report=current, user=request.user, expected_revision=data["revision"],
                             progress=data["progress"], narrative=data["narrative"], files=data["files"] or [],
                             submit=data["action"] == "submit")
    except services.TaskError as exc:
        for name, msgs in exc.errors.items():
            for msg in msgs:
                form.add_error(name if name in form.fields else None, msg)
        if not exc.errors:
            form.add_error(None, exc.message)
        return _report_page(request, task, year, half, report_form=form, status=400 if exc.errors else 409)
    messages.success(request, _("已报送，等待市级部门审核。") if data["action"] == "submit" else _("已保存草稿。"))
    return redirect(_report_url(task, year, half))


@require_POST
def contribution(request, number, year, half):
    """A supporting unit's part of the report."""
    task = _scope(request, number, year, half)
    access.require_contribute_task(request.user, task)
    form = ContributionForm(request.POST)
    if not form.is_valid():
        return _report_page(request, task, year, half, part_form=form, status=400)
    try:
        current = services.report_get_or_create(task=task, year=year, half=half)
        services.contribution_save(report=current, user=request.user, narrative=form.cleaned_data["narrative"],
                                   expected_revision=form.cleaned_data["revision"])
    except services.TaskError as exc:
        form.add_error("narrative" if "narrative" in exc.errors else None, exc.message)
        return _report_page(request, task, year, half, part_form=form, status=400 if exc.errors else 409)
    messages.success(request, _("已保存本单位的配合进展。"))
    return redirect(_report_url(task, year, half))


def _decide(request, number, year, half, action):
    task = _scope(request, number, year, half)
    access.require_decide_tasks(request.user)
    current = selectors.task_report(task, year, half)
    if current is None:
        raise Http404(_("该半年尚无报告。"))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("页面已过期，请刷新后再操作。"))
        return redirect(_report_url(task, year, half))
    try:
        if action == "approve":
            services.report_approve(report=current, user=request.user, expected_revision=form.cleaned_data["revision"],
                                    comment=form.cleaned_data["comment"])
            messages.success(request, _("已审核通过，报告已锁定。"))
        else:
            services.report_return(report=current, user=request.user, reason=form.cleaned_data["reason"],
                                   expected_revision=form.cleaned_data["revision"])
            messages.success(request, _("已退回牵头单位。"))
    except services.TaskError as exc:
        messages.error(request, exc.message)
    return redirect(_report_url(task, year, half))


@require_POST
def report_approve(request, number, year, half):
    return _decide(request, number, year, half, "approve")


@require_POST
def report_return(request, number, year, half):
    return _decide(request, number, year, half, "return")


@require_GET
def evidence_download(request, pk):
    """An evidence file, for whoever may see its task; always as an attachment under its original name."""
    access.require_role(request.user)
    evidence = get_object_or_404(TaskEvidence.objects.select_related("report__task__plan",
                                                                     "report__task__lead_department",
                                                                     "report__task__lead_district"), pk=pk)
    access.require_view_task(request.user, evidence.report.task)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件不存在。")) from None
    content_type = services.EVIDENCE_TYPES.get(PurePath(evidence.name).suffix.lower(), (None,))[0] or \
        mimetypes.guess_type(evidence.name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=evidence.name, content_type=content_type)


@require_GET
def inbox(request):
    """Officials: task reports waiting for a decision, oldest first."""
    access.require_decide_tasks(request.user)
    plan = _plan(request)
    reports = selectors.awaiting_reports(plan)
    for report in reports:
        report.half_label = selectors.half_label(report.year, report.half)
    return render(request, "projects/tasks/inbox.html", {"plan": plan, "reports": reports})


@require_GET
def department_detail(request, code):
    """A department's page: the tasks it leads and supports, their latest status, the reports it owes."""
    access.require_role(request.user)
    department = get_object_or_404(Department, code=code)
    access.require_view_department(request.user, department.code)
    plan = _plan(request)
    year, half = _half(request, plan)
    data = selectors.department_tasks(plan, department, year, half)
    return render(request, "projects/tasks/department_detail.html", {
        "plan": plan, "department": department, "year": year, "half": half,
        "label": selectors.half_label(year, half), **data,
        "returned": selectors.returned_reports(plan, request.user) if not access.is_official(request.user) else []})


@require_GET
def department_list(request):
    """Officials: every department with how many tasks it leads and supports."""
    access.require_assign_tasks(request.user)
    plan = _plan(request)
    return render(request, "projects/tasks/department_list.html", {
        "plan": plan, "departments": selectors.department_counts(plan)})
