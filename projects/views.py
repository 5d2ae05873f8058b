from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from districts import access
from districts.models import District
from indicators.dashboards import charts, page_cache
from indicators.figures import formatting
from indicators.figures.selectors import name_in_language, plan_for_request, plans_visible_to
from projects import exports, selectors, services
from projects.forms import ProjectTrackingForm
from projects.models import Project, ProjectReport, TrackedTarget

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_safe
def project_list(request):
    """Zones, streets, buildings, parks and opening-up projects by district and status, milestones on a time
    line and, where entered, planned vs completed investment with its light."""
    access.require_role(request.user)
    plan = plan_for_request(request)
    kind = request.GET.get("kind") or None
    if kind not in Project.Kind.values:
        kind = None
    districts = list(District.objects.filter(plan=plan).order_by("order").values("code", "name")) if plan else []
    district = request.GET.get("district") or None
    if district not in {d["code"] for d in districts}:
        district = None
    register = access.can_view_register(request.user)  # the body is cached per role, so per this answer
    body = page_cache.body(request, plan, "projects", lambda: _body(plan, kind, district, districts, register),
                           vary=(kind, district), reference=True, dated=True)
    # the reports awaiting a decision change with every submission: around the cached body, for officials only
    pending = list(selectors.pending_reports(plan)) if plan and access.can_decide(request.user) else []
    return render(request, "projects/project_list.html", {"plan": plan, "body": body, "pending": pending})


def _body(plan, kind, district, districts, register: bool) -> tuple[str, dict]:
    today = timezone.localdate()
    data = selectors.project_progress(plan, kind=kind, district_code=district, today=today) if plan else None
    groups = {}
    for row in (data["rows"] if data else []):
        groups.setdefault(row["project"].get_kind_display(), []).append(row)
    context = {"plan": plan, "groups": groups, "kinds": Project.Kind.choices, "kind": kind, "districts": districts,
               "show_register": register,
               "district": district, "sectors": selectors.sectors(plan) if plan and not kind and not district else [],
               "boxes": selectors.plan_boxes(plan) if plan and not kind and not district else {}}
    if data:
        context["by_district_json"] = charts.to_json(charts.projects_by_district(data["by_district"]))
        if len(data["milestones"]):
            context["timeline_json"] = charts.to_json(charts.project_timeline(data["milestones"], today=today))
        if len(data["investment"]):
            context["investment_json"] = charts.to_json(charts.investment_bars(data["investment"]))
    return "projects/_project_list_body.html", context


# ---- project tracking, targets, enterprises

def _project(request, pk: int) -> Project:
    return get_object_or_404(Project.objects.select_related("plan"), pk=pk,
                             plan__in=plans_visible_to(request.user))


def _unit(project: Project) -> dict:
    """The codes access.can_report_project decides on (the districts from the prefetched rows)."""
    return {"responsible_district": project.responsible_district.code if project.responsible_district else None,
            "responsible_department": (project.responsible_department.code if project.responsible_department
                                       else None),
            "district_codes": {d.code for d in project.districts.all()}}


def _period(text: str, plan) -> tuple[int, int]:
    try:
        year, quarter = int(text[:4]), int(text[-1])
    except (ValueError, IndexError):
        raise Http404 from None
    if text[4:6] != "-Q" or len(text) != 7 or not 1 <= quarter <= 4 or not plan.start_year <= year <= max(
            plan.end_year, timezone.localdate().year):
        raise Http404
    return year, quarter


def _due_period(plan) -> str:
    today = timezone.localdate()
    year, quarter = (today.year, (today.month - 1) // 3) if today.month > 3 else (today.year - 1, 4)
    year = min(max(year, plan.start_year), max(plan.end_year, today.year))
    return f"{year}-Q{quarter}"


def _detail_context(request, project, period: str, *, typed=None, errors=None, stale=None):
    plan = project.plan
    year, quarter = _period(period, plan)
    reports = selectors.project_reports(project)
    report = next((r for r in reports if (r.year, r.quarter) == (year, quarter)), None)
    ms = sorted(project.milestones.all(), key=lambda m: m.due_date)
    light = selectors.project_light(planned=project.planned_investment, completed=project.completed_investment,
                                    milestones=[(m.due_date, m.done_date) for m in ms], plan=plan,
                                    today=timezone.localdate(), start_year=project.start_year,
                                    finish_year=project.end_year)
    can_report = access.can_report_project(request.user, **_unit(project))
    editable = report is None or report.status in services.EDITABLE
    if typed is None:
        typed = {"investment": "" if report is None or report.investment is None else f"{report.investment:f}",
                 "milestone": str(report.milestone_id or "") if report else "",
                 "milestone_done_date": report.milestone_done_date.isoformat() if report and
                 report.milestone_done_date else "", "problems": report.problems if report else "",
                 "change_reason": ""}
    return {"plan": plan, "project": project, "light": light, "milestones": ms, "reports": reports,
            "report": report, "period": period, "period_label": formatting.quarter_label(year, quarter),
            "yearly": sorted(project.year_investments.all(), key=lambda y: y.year),
            "can_report": can_report and editable, "can_decide": access.can_decide(request.user),
            "can_edit": access.is_official(request.user), "typed": typed, "errors": errors or {}, "stale": stale,
            "history": selectors.report_history(report), "revision": report.revision if report else 0}


@require_safe
def project_detail(request, pk: int):
    """A project as officials track it: responsible unit, districts, years, investment, milestones, 验收, its
    source, its quarterly progress (the form for the responsible unit, the decision for officials)."""
    access.require_role(request.user)
    project = _project(request, pk)
    period = request.GET.get("period") or _due_period(project.plan)
    return render(request, "projects/project_detail.html", _detail_context(request, project, period))


@require_POST
def project_report(request, pk, period: str):
    """Save or submit a quarter's progress (the responsible department's or county's staff)."""
    pk = int(pk)
    project = _project(request, pk)
    access.require_report_project(request.user, **_unit(project))
    year, quarter = _period(period, project.plan)
    data = services.ReportInput(**{k: request.POST.get(k, "") for k in (
        "investment", "milestone", "milestone_done_date", "problems", "change_reason")})
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        return HttpResponseBadRequest(_("缺少版本号，请重新打开表单。"))
    try:
        services.project_report_save(project=project, year=year, quarter=quarter, user=request.user,
                                     revision=revision, data=data, submit=request.POST.get("action") == "submit")
    except services.InputError as exc:
        context = _detail_context(request, project, period, typed=vars(data), errors=exc.errors)
        return render(request, "projects/project_detail.html", context, status=400)
    except services.StaleRevision as exc:
        context = _detail_context(request, project, period, typed=vars(data), stale=exc.report)
        return render(request, "projects/project_detail.html", context, status=409)
    except services.WrongState as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('projects:detail', args=[pk])}?period={period}")
    messages.success(request, _("已报送，等待审核。") if request.POST.get("action") == "submit" else _("草稿已保存。"))
    return redirect(f"{reverse('projects:detail', args=[pk])}?period={period}")


@require_POST
def project_report_decide(request, pk, period: str, decision: str):
    pk = int(pk)
    access.require_official(request.user)
    project = _project(request, pk)
    year, quarter = _period(period, project.plan)
    report = get_object_or_404(ProjectReport, project=project, year=year, quarter=quarter)
    try:
        revision = int(request.POST.get("revision", ""))
        if decision == "approve":
            services.project_report_approve(report=report, user=request.user, revision=revision)
            messages.success(request, _("已审核通过。"))
        else:
            services.project_report_return(report=report, user=request.user, revision=revision,
                                           reason=request.POST.get("reason", ""))
            messages.success(request, _("已退回。"))
    except ValueError as exc:  # a missing revision, a stale one, a wrong state or a missing reason
        messages.error(request, getattr(exc, "errors", {}).get("reason") or str(exc) or _("请重新打开页面后再审核。"))
    return redirect(f"{reverse('projects:detail', args=[pk])}?period={period}")


def project_edit(request, pk: int):
    """An official enters how a project is tracked (the plan gives none of it)."""
    access.require_official(request.user)
    project = _project(request, pk)
    plan = project.plan
    years = list(range(plan.start_year, plan.end_year + 1))
    yearly = {y.year: f"{y.planned:f}" for y in project.year_investments.all()}
    form = ProjectTrackingForm(request.POST or None, instance=project, plan=plan)
    errors = {}
    if request.method == "POST":
        typed_years = {year: request.POST.get(f"year_{year}", "") for year in years}
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            try:
                services.project_tracking_update(project=project, user=request.user, values=values,
                                                 yearly=typed_years, reason=form.cleaned_data["reason"])
            except services.InputError as exc:
                errors = exc.errors
            else:
                messages.success(request, _("已保存。"))
                return redirect("projects:detail", pk=pk)
        yearly = typed_years
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "projects/project_edit.html", {
        "plan": plan, "project": project, "form": form, "errors": errors,
        "years": [(y, yearly.get(y, "")) for y in years]}, status=400 if request.method == "POST" else 200)


@require_safe
def targets_page(request):
    """The quantitative targets outside 专栏6: value, target, status and light, each with its sentence."""
    access.require_role(request.user)
    plan = plan_for_request(request)
    rows = selectors.tracked_targets(plan, today=timezone.localdate()) if plan else []
    return render(request, "projects/targets.html", {
        "plan": plan, "rows": rows, "can_enter": access.is_official(request.user),
        "years": list(range(plan.start_year, plan.end_year + 1)) if plan else []})


@require_POST
def target_enter(request, pk: int):
    access.require_official(request.user)
    target = get_object_or_404(TrackedTarget.objects.select_related("plan"), pk=pk,
                               plan__in=plans_visible_to(request.user))
    try:
        if request.POST.get("action") == "assign":
            services.tracked_target_assign(target=target, value_text=request.POST.get("assigned", ""),
                                           note=request.POST.get("note", ""), user=request.user)
        else:
            try:
                year = int(request.POST.get("year", ""))
            except ValueError:
                raise services.InputError({"year": _("请选择年份。")}) from None
            services.tracked_target_value_save(target=target, year=year, value_text=request.POST.get("value", ""),
                                               note=request.POST.get("note", ""), user=request.user,
                                               reason=request.POST.get("reason", ""))
    except services.InputError as exc:
        for message in exc.errors.values():
            typed = request.POST.get("value") or request.POST.get("assigned") or ""
            messages.error(request, f"{target.name}：{message}（{_('您填写的')}：{typed}）")
    else:
        messages.success(request, _("已保存。"))
    return redirect(f"{reverse('projects:targets')}?plan={target.plan.code}")


def _register_district(request, plan, code: str):
    district = get_object_or_404(District, plan=plan, code=code)
    access.require_enterprise_figures(request.user, district.code)
    return district


@require_safe
def register_page(request):
    """The key-enterprise register (标杆库) by sector and district with the plan's flags; county staff see their
    district's enterprises, officials all."""
    access.require_role(request.user)
    plan = plan_for_request(request)
    own = access.user_district_code(request.user)
    if not access.can_view_register(request.user):
        raise PermissionDenied(_("标杆库仅对市级部门和县（市、区）填报员开放。"))
    enterprises = selectors.register(plan, district_code=None if access.is_official(request.user) else own)
    return render(request, "projects/register.html", {
        "plan": plan, "enterprises": enterprises, "own": own, "period": _due_period(plan),
        "has_demo": any(e.is_demo for e in enterprises)})


def register_entry(request, code: str, period: str):
    """A quarter's figures of every register enterprise of one district at once (all or nothing)."""
    plan = plan_for_request(request)
    district = _register_district(request, plan, code)
    year, quarter = _period(period, plan)
    enterprises = [e for e in selectors.register(plan, district_code=district.code)]
    stored = selectors.register_figures(plan, year, quarter, district_code=district.code).set_index("enterprise_id")
    errors = {}
    if request.method == "POST":
        typed = {e.pk: {f: request.POST.get(f"e{e.pk}_{f}", "") for f, *_rest in services.FIGURE_FIELDS}
                 for e in enterprises}
        try:
            written = services.enterprise_figures_save(enterprises=enterprises, year=year, quarter=quarter,
                                                       typed=typed, user=request.user)
        except services.InputError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("已保存 %(n)s 家企业的数据。") % {"n": written})
            return redirect(f"{reverse('projects:register_entry', args=[code, period])}?plan={plan.code}")
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    else:
        typed = {e.pk: {f: ("" if e.pk not in stored.index or stored.loc[e.pk, f] is None
                            or stored.loc[e.pk, f] != stored.loc[e.pk, f] else str(stored.loc[e.pk, f]))
                        for f, *_rest in services.FIGURE_FIELDS} for e in enterprises}
    rows = [{"enterprise": e, "typed": typed[e.pk],
             "errors": [errors[k] for k in errors if k.startswith(f"e{e.pk}_")]} for e in enterprises]
    return render(request, "projects/register_entry.html", {
        "plan": plan, "district": district, "period": period, "rows": rows, "errors": errors,
        "period_label": formatting.quarter_label(year, quarter), "fields": services.FIGURE_FIELDS},
        status=400 if errors else 200)


def _bulletin(request, period: str):
    access.require_official(request.user)
    plan = plan_for_request(request)
    year, quarter = _period(period, plan)
    return plan, year, quarter, selectors.register_bulletin(plan, year, quarter)


@require_safe
def register_bulletin(request, period: str):
    """The quarterly 通报 of the register, by sector and by district, to print."""
    plan, year, quarter, data = _bulletin(request, period)
    return render(request, "projects/register_bulletin.html", {
        "plan": plan, "period": period, "period_label": formatting.quarter_label(year, quarter),
        "by_sector": data["by_sector"].to_dict("records"), "by_district": data["by_district"].to_dict("records"),
        "figures": data["figures"].to_dict("records"), "has_demo": data["has_demo"]})


@require_safe
def register_bulletin_xlsx(request, period: str):
    plan, year, quarter, data = _bulletin(request, period)
    content = exports.register_bulletin_xlsx(data, title=_("%(plan)s 服务业标杆库通报 %(period)s") % {
        "plan": name_in_language(plan.name), "period": formatting.quarter_label(year, quarter)})
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="register-{period}.xlsx"'
    return response
