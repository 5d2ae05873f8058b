"""Dashboard views (issue 5): thin — check access, call a selector, draw with charts, render.

Access (districts.access, the one home): city figures need ``can_view_district(user, None)``; a district's
figures need ``can_view_district(user, code)``. Pages that mix both show each user only what they may see.
"""
import functools
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from districts import access
from districts import selectors as district_selectors
from districts.models import District
from indicators.dashboards import charts, exports, page_cache
from indicators.dashboards import selectors as dashboard
from indicators.figures import formatting
from indicators.figures import selectors as figures
from indicators.models import Indicator, Progress
from projects import work_cache
from projects.selectors import district_projects
from projects.tasks import selectors as task_selectors

MEASURES = ("light", "completion", "value")


def _plan(request):
    """The plan the page shows: ?plan=<code>, else the plan in force (figures.plan_for_request)."""
    plan = figures.plan_for_request(request)
    if plan is None:
        raise Http404(_("尚未加载规划数据。"))
    return plan


def _visible_codes(user, plan) -> set[str]:
    return dashboard.visible_district_codes(user, plan)


def _chart(fig) -> str:
    return charts.to_json(fig)


@functools.lru_cache(maxsize=1)
def _geo() -> tuple[dict, dict]:
    with open(finders.find("geo/leshan_counties.geojson"), encoding="utf-8") as f:
        counties = json.load(f)
    with open(finders.find("geo/leshan_points.json"), encoding="utf-8") as f:
        points = json.load(f)
    return counties, points


# ------------------------------------------------------------------------------------------------ overview


@require_safe
def overview(request):
    """The ten-second page: headline counts, the warning list (预警), 16 cards in 专栏6's order."""
    plan = _plan(request)
    if not access.can_view_district(request.user, None):
        own = access.user_district_code(request.user)
        if own:
            response = redirect("districts:detail", code=own)
            if "plan" in request.GET:
                response["Location"] += "?" + urlencode({"plan": plan.code})
            return response
        department = access.user_department_code(request.user)
        if department:  # a department's staff land on their department's tasks (issue 16)
            return redirect("tasks:department", code=department)
        raise PermissionDenied(_("您无权查看全市数据。"))
    # The overview changes only when progress is recomputed: its rendered body is cached until the next recompute
    # run (the page around it, with the user's name and forms, is rendered for each request).
    body = page_cache.body(request, plan, "overview", lambda: _overview_body(plan))
    return render(request, "indicators/dashboards/overview.html", {"body": body})


def _overview_body(plan) -> tuple[str, dict]:
    data = dashboard.overview(plan)
    for card in data["cards"]:
        card["spark_json"] = _chart(card.pop("spark"))
        card["chart_id"] = f"spark-{card['number']}"
    _mark_published(data["cards"], Progress.Basis.LATEST)
    return "indicators/dashboards/_overview_body.html", {
        "plan": plan, "cards": data["cards"], "counts": data["counts"], "warnings": data["warnings"],
        "as_of_label": dashboard.period_label(*data["as_of"]) if data["as_of"] else "",
        "last_recompute": data["last_recompute"], "total": len(data["table"])}


# ------------------------------------------------------------------------------------------------ indicator


def _indicator(plan, number) -> Indicator:
    return get_object_or_404(Indicator.objects.select_related("pillar"), plan=plan, number=number)


def _basis(request) -> str:
    return Progress.Basis.FIRST if request.GET.get("basis") == Progress.Basis.FIRST else Progress.Basis.LATEST


def _indicator_scopes(request, plan) -> tuple[bool, set[str]]:
    """Whether the user sees the city's figures, and which districts'; refused when neither."""
    city_visible = access.can_view_district(request.user, None)
    codes = _visible_codes(request.user, plan)
    if not city_visible and not codes:
        raise PermissionDenied(_("您无权查看该指标。"))
    return city_visible, codes


@require_safe
def indicator_detail(request, number):
    plan = _plan(request)
    indicator = _indicator(plan, number)
    city_visible, codes = _indicator_scopes(request, plan)
    basis = _basis(request)
    body = page_cache.body(request, plan, "indicator", lambda: _indicator_body(plan, indicator, city_visible, codes,
                                                                               basis), vary=(indicator.id, basis))
    return render(request, "indicators/dashboards/indicator_detail.html",
                  {"plan": plan, "indicator": indicator, "body": body})


def _indicator_body(plan, indicator, city_visible, codes, basis) -> tuple[str, dict]:
    data = dashboard.indicator_page(plan, indicator, city_visible=city_visible, district_codes=codes, basis=basis)
    versions = figures.figure_versions([indicator.id]) if city_visible else {}
    latest = data["latest"]
    unit, decimals = indicator.unit, indicator.decimals
    baseline_note = (latest or {}).get("baseline_shown", "") if (latest or {}).get("baseline_substitute") else ""
    chart = charts.indicator_chart(
        data["history"] if city_visible else data["history"].iloc[0:0], data["city"], unit=unit,
        measure=indicator.measure, decimals=decimals, baseline_year=indicator.baseline_year or plan.base_year,
        baseline_value=(latest or {}).get("baseline_value", indicator.baseline_value),
        target_year=indicator.target_year, target_value=(latest or {}).get("target_value", indicator.target_value),
        cagr_required=(latest or {}).get("cagr_required"), latest=latest, baseline_note=baseline_note,
        earlier_plans=figures.continued_history(indicator) if city_visible else [],
        baseline_printed="" if baseline_note or indicator.baseline_value is None else formatting.as_printed(
            indicator.baseline_value, unit, indicator.baseline_text),
        target_printed=formatting.target_shown(
            (latest or {}).get("target_value", indicator.target_value), unit, decimals, kind=indicator.target_kind,
            plan_value=indicator.target_value, plan_text=indicator.target_text))
    bars = data["districts"]
    metric = "completion" if bars["completion"].notna().any() else "value"
    bar_chart = charts.district_bars(bars, metric=metric, unit=unit, decimals=decimals,
                                     time_share=data["district_time_share"]) if len(bars) else None
    city_rows = []
    for r in data["city"].to_dict("records")[::-1]:
        version = versions.get((r.get("inputs") or {}).get("version_id"))
        city_rows.append({
            "source": version, "revised": bool(version and len(version["history"]) > 1), "demo": r["demo"],
            "period": r["label"], "value": charts.value_text(r["value"], unit, decimals),
            "quarter_value": charts.value_text(r["quarter_value"], unit, decimals),
            "annual_value": charts.value_text(r["annual_value"], unit, decimals), "provisional": r["is_provisional"],
            "completion": r["completion_text"],
            "time_share": "—" if r.get("reason") == "before_base_year" else charts.pct_text(r["time_share"]),
            "status": r["status"], "is_final": r["is_final"], "final_text": r["final_text"]})
    district_rows = [{**r, "value_text": charts.value_text(r["value"], unit, decimals),
                      "annual_text": charts.value_text(r["annual_value"], unit, decimals)}
                     for r in bars.sort_values("completion", ascending=False, na_position="last").to_dict("records")]
    summary = None
    if latest:
        summary = {
            "period": latest["label"], "value": charts.value_text(latest["annual_value"], unit, decimals),
            "reported": charts.value_text(latest["value"], unit, decimals), "provisional": latest["is_provisional"],
            "demo": latest["demo"], "completion": latest["completion_text"],
            "time_share": charts.pct_text(latest["time_share"]), "status": latest["status"], "light": latest["light"],
            "is_final": latest["is_final"], "final_text": latest["final_text"],
            "show_projection": latest["show_projection"], "projection": latest["projection_text"],
            "still_needed": latest["still_needed_text"], "reason": latest["reason"],
            "reason_text": latest["reason_text"] if latest["show_reason"] else "",
            "cagr_actual": charts.pct_text(latest["cagr_actual"]),
            "cagr_required": charts.pct_text(latest["cagr_required"]),
            "baseline": latest["baseline_shown"], "baseline_substitute": latest["baseline_substitute"],
            "baseline_demo": latest["baseline_demo"], "warnings": latest["warnings"]}
    return "indicators/dashboards/_indicator_body.html", {
        "plan": plan, "indicator": indicator, "summary": summary, "chart_json": _chart(chart),
        "bars_json": _chart(bar_chart) if bar_chart is not None else None, "city_rows": city_rows,
        "district_rows": district_rows, "city_visible": city_visible,
        "district_period": dashboard.period_label(*data["district_period"]) if data["district_period"] else "",
        "history": data["history"].to_dict("records") if city_visible else [],
        "basis": basis, "revisions": _revisions(versions, unit, decimals), "sources": _sources(city_rows),
        "printed_baseline": (formatting.as_printed(indicator.baseline_value, unit, indicator.baseline_text)
                             if indicator.baseline_value is not None else ""), "target_rule": _target_rule(indicator)}


def _target_rule(indicator: Indicator) -> str:
    """How the tracker reads the plan's expected value as a target (PROGRESS.md §2), in the method's words."""
    target = None if indicator.target_value is None else float(indicator.target_value)
    if indicator.target_kind == "at_least" and target is not None:
        return _("达到即视为完成")
    if indicator.target_kind == "more_than" and target is not None:
        return _("须高于该值")
    if indicator.target_kind == "about" and target is not None:
        tolerance = settings.PROGRESS_DEFAULT_TOLERANCE if indicator.tolerance is None \
            else float(indicator.tolerance)
        low = target * (1 - tolerance) if indicator.higher_is_better else target * (1 + tolerance)
        return _("“左右”：达到 %(low)s 即视为完成") % {"low": charts.value_text(low, indicator.unit, indicator.decimals)}
    return ""


def _sources(city_rows: list[dict]) -> list[dict]:
    """The published documents behind the city figures on the page, each with the periods it gave: the publisher and
    the document (乐山市统计局《…》), and an address only where it is an official site's."""
    sources: dict[str, dict] = {}
    for row in city_rows:
        version = row["source"]
        if version and version["kind"] != "district" and version["source_title"]:
            entry = sources.setdefault(version["source_title"], {
                "title": formatting.source_citation(version["source_title"]),
                "url": formatting.official_url(version["source_url"]), "periods": []})
            entry["periods"].append(row["period"])
    return list(sources.values())


def _revisions(versions: dict, unit: str, decimals: int) -> list[dict]:
    """Figures with more than one official version: old → new, with each version's source and date."""
    seen, out = set(), []
    for version in sorted(versions.values(), key=lambda v: (v["year"], v["quarter"]), reverse=True):
        history = version["history"]
        if len(history) < 2 or version["observation_id"] in seen:
            continue
        seen.add(version["observation_id"])
        out.append({"period": dashboard.period_label(version["year"], version["quarter"]), "steps": [
            {**h, "value_text": charts.value_text(None if h["value"] is None else float(h["value"]), unit, decimals),
             "citation": formatting.source_citation(h["source_title"])}
            for h in history]})
    return out


def _published_ids(versions: dict) -> set[int]:
    return {i for i, v in versions.items() if v["kind"] != "district"}


@require_safe
def indicator_csv(request, number):
    plan = _plan(request)
    indicator = _indicator(plan, number)
    city_visible, codes = _indicator_scopes(request, plan)
    rows = dashboard.progress_frame(plan, indicator_id=indicator.id, with_inputs=True)
    allowed = codes | ({"city"} if city_visible else set())
    rows = rows[rows["scope"].isin(allowed)]
    names = dict(District.objects.filter(plan=plan).values_list("code", "name"))
    info = dashboard.indicator_records(dashboard.indicator_frame(plan))
    published = _published_ids(figures.figure_versions([indicator.id])) if city_visible else set()
    lines = exports.progress_rows(rows, {indicator.id: info[indicator.id]}, names, rows=rows,
                                  demo_ids=dashboard.demo_versions(plan, [indicator.id]), published=published)
    return exports.csv_response(f"indicator-{indicator.number}.csv", lines)


# ------------------------------------------------------------------------------------------------ district figures


@require_safe
def district_csv(request, code):
    plan = _plan(request)
    district = get_object_or_404(District, plan=plan, code=code)
    access.require_view(request.user, district.code)
    rows = dashboard.progress_frame(plan, scope=district.code, with_inputs=True)
    info = dashboard.indicator_records(dashboard.indicator_frame(plan))
    lines = exports.progress_rows(rows, info, {district.code: district.name}, rows=rows,
                                  demo_ids=dashboard.demo_versions(plan))
    return exports.csv_response(f"district-{district.code}.csv", lines)


# ------------------------------------------------------------------------------------------------ map


@require_safe
def map_view(request):
    plan = _plan(request)
    codes = _visible_codes(request.user, plan)
    if not codes:
        raise PermissionDenied(_("您无权查看区县数据。"))
    choices = list(Indicator.objects.filter(plan=plan, by_district=True).order_by("number")
                   .values("id", "number", "name", "unit", "decimals", "measure"))
    if not choices:
        raise Http404(_("没有分区县填报的指标。"))
    try:
        number = int(request.GET.get("indicator", choices[0]["number"]))
    except ValueError:
        number = choices[0]["number"]
    chosen = next((c for c in choices if c["number"] == number), choices[0])
    measure = request.GET.get("measure", "light")
    measure = measure if measure in MEASURES else "light"
    body = page_cache.body(request, plan, "map", lambda: _map_body(plan, codes, choices, chosen, measure),
                           vary=(chosen["id"], measure))
    return render(request, "indicators/dashboards/map.html", {"plan": plan, "body": body})


def _map_body(plan, codes, choices, chosen, measure) -> tuple[str, dict]:
    df = dashboard.map_page(plan, chosen["id"], visible_codes=codes)
    counties, points = _geo()
    visible_points = {c: p for c, p in points.items() if c in codes}
    fig = charts.choropleth(df, counties, color_by=measure, unit=chosen["unit"], decimals=chosen["decimals"],
                            points=visible_points, names=df.attrs.get("names"))
    period = df.attrs.get("period")
    rows = [{**r, "value_text": charts.value_text(r["value"], chosen["unit"], chosen["decimals"])}
            for r in df.to_dict("records")]
    return "indicators/dashboards/_map_body.html", {
        "plan": plan, "choices": choices, "chosen": chosen, "measure": measure,
        "measures": [("light", _("灯号")), ("completion", _("完成进度")), ("value", _("数值"))],
        "map_json": _chart(fig), "rows": rows, "period_label": dashboard.period_label(*period) if period else ""}


# ------------------------------------------------------------------------------------------------ reports

REVIEW_KINDS = {
    "annual": ("年度评估", "Annual review"),
    "midterm": ("中期评估", "Mid-term review"),
    "final": ("总结评估", "Final review"),
}


def _review_context(request, plan, year, kind):
    access.require_view(request.user, None)
    if not plan.start_year <= year <= plan.end_year:
        raise Http404(_("不在规划期内。"))
    basis = _basis(request)
    data = dashboard.review(plan, year=year, basis=basis, visible_codes=_visible_codes(request.user, plan))
    zh, en = REVIEW_KINDS[kind]
    title = en if charts._english() else zh
    heat = charts.scorecard_heatmap(data["scorecard"]) if len(data["scorecard"]) else None
    rows = data["table"].to_dict("records")
    _mark_published(rows, basis)
    return {"scorecard": data["scorecard"], "plan": plan, "year": year, "kind": kind, "title": title, "rows": rows,
            "counts": data["counts"], "warnings": data["warnings"], "basis": basis,
            "as_of_label": dashboard.period_label(*data["as_of"]) if data["as_of"] else "",
            "last_recompute": data["last_recompute"], "heat_json": _chart(heat) if heat is not None else None,
            "years": dashboard.review_years(plan),
            "largely_share": f"{settings.PROGRESS_LARGELY_ACHIEVED * 100:g}%",
            "midterm_year": plan.start_year + (plan.end_year - plan.start_year) // 2}


def _tasks_summary(plan, year):
    """The tasks' standing at the year's second half (approved task reports change without a recompute)."""
    return work_cache.cached("report-tasks", (plan.pk, year, translation.get_language()), lambda: (
        task_selectors.review_summary(plan, year, 2) if task_selectors.has_tasks(plan) else None))


def _mark_published(rows: list[dict], basis: str) -> None:
    """Give each row the published source of its city figure, where the figure shown is a published one."""
    versions = figures.figure_versions([r["indicator_id"] for r in rows])
    by_figure = {}
    for version in versions.values():
        history = version["history"]
        by_figure[(version["indicator_id"], version["year"], version["quarter"])] = (
            history[0] if basis == Progress.Basis.FIRST else history[-1])
    for row in rows:
        if not row.get("has_data"):
            continue
        shown = by_figure.get((row["indicator_id"], int(row["year"]), int(row["quarter"])))
        row["source"] = shown if shown and shown["kind"] != "district" else None
        row["revised"] = bool(shown and len(versions[shown["id"]]["history"]) > 1)


def _report(request, plan, year, kind):
    """A review page: its body cached per recompute (the context is built only on a miss)."""
    access.require_view(request.user, None)
    if not plan.start_year <= year <= plan.end_year:
        raise Http404(_("不在规划期内。"))
    basis = _basis(request)
    body = page_cache.body(request, plan, "report", lambda: (
        "indicators/dashboards/_report_body.html", _review_context(request, plan, year, kind)), vary=(year, kind, basis))
    zh, en = REVIEW_KINDS[kind]
    # the tasks' section is kept as its text between changes of task reports: one string per request, not the
    # section's objects (unpickling a list of model objects for every request fed the garbage collector's pauses)
    tasks = work_cache.cached("report-tasks-html", (plan.pk, year, translation.get_language()), lambda: mark_safe(
        render_to_string("projects/tasks/_review.html", {"tasks": _tasks_summary(plan, year)}, request=request)))
    return render(request, "indicators/dashboards/report.html",
                  {"plan": plan, "year": year, "title": en if charts._english() else zh, "body": body,
                   "tasks_html": tasks})


@require_safe
def reports(request):
    """The reports index: the most recent annual review, with links to every year, mid-term and final."""
    plan = _plan(request)
    return _report(request, plan, min(max(timezone.localdate().year - 1, plan.start_year), plan.end_year), "annual")


@require_safe
def report_annual(request, year):
    return _report(request, _plan(request), year, "annual")


@require_safe
def report_midterm(request):
    plan = _plan(request)
    return _report(request, plan, plan.start_year + (plan.end_year - plan.start_year) // 2, "midterm")  # 2023


@require_safe
def report_final(request):
    plan = _plan(request)
    return _report(request, plan, plan.end_year, "final")


@require_safe
def report_xlsx(request, year):
    plan = _plan(request)
    context = {**_review_context(request, plan, year, "annual"), "tasks": _tasks_summary(plan, year)}
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="review-{year}.xlsx"'
    exports.review_workbook(context, plan, year).save(response)
    return response


# ---------------------------------------------------------------------------------------------- districts

@require_safe
def district_list(request):
    access.require_role(request.user)
    plan = _plan(request)
    return render(request, "indicators/dashboards/district_list.html", {
        "plan": plan, "districts": district_selectors.district_list(plan), "layout": district_selectors.spatial_layout(plan),
        "own_code": access.user_district_code(request.user), "is_official": access.is_official(request.user)})


@require_safe
def district_detail(request, code):
    """功能定位, 发展重点, the district's figures and share of the city totals, its projects, its reporting
    completeness and the cross-district scorecard (only the districts this user may see)."""
    plan = _plan(request)
    district = district_selectors.district_get(plan, code)
    access.require_view(request.user, district.code)
    try:
        year = int(request.GET["year"]) if "year" in request.GET else None
    except ValueError:
        year = None
    if year is not None and not plan.base_year <= year <= plan.end_year:
        year = None
    body = page_cache.body(request, plan, "district", lambda: _district_body(request, plan, district, year),
                           vary=(district.code, year), entry=True, reference=True, dated=True)
    # the tasks it leads and supports change without a recompute: around the cached body
    tasks = work_cache.cached("district-tasks", (plan.pk, district.code),
                              lambda: task_selectors.district_task_counts(plan, district.code))
    return render(request, "indicators/dashboards/district_detail.html",
                  {"plan": plan, "district": district, "body": body, "tasks": tasks})


def _district_body(request, plan, district, year) -> tuple[str, dict]:
    data = dashboard.district_page(plan, district, visible_codes=dashboard.visible_district_codes(request.user, plan),
                                   year=year)
    table = data["table"]
    table["share_of_city_text"] = [charts.pct_text(s) for s in table["share_of_city"]]
    heat = charts.scorecard_heatmap(data["scorecard"], highlight=district.code) if len(data["scorecard"]) else None
    return "indicators/dashboards/_district_body.html", {
        "plan": plan, "district": district,
        "projects": district_projects(plan, district, today=timezone.localdate()),
        "areas": district.spatial_areas.order_by("order"), "rows": table.to_dict("records"),
        "counts": data["counts"], "rank": data["rank"], "ranked": data["ranked"],
        "completeness": data["completeness"], "year": data["year"],
        "years": list(range(plan.start_year, plan.end_year + 1)),
        "as_of_label": dashboard.period_label(*data["as_of"]) if data["as_of"] else "",
        "heat_json": charts.to_json(heat) if heat is not None else None,
        "city_visible": access.can_view_district(request.user, None)}
