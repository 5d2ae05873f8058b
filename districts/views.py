from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from districts import access, selectors
from indicators import charts, dashboard
from indicators.selectors import current_plan
from projects.selectors import projects_of_district


def _plan():
    plan = current_plan()
    if plan is None:
        raise Http404("no plan loaded")
    return plan


@require_safe
def district_list(request):
    access.require_role(request.user)
    plan = _plan()
    return render(request, "districts/district_list.html", {
        "plan": plan, "districts": selectors.district_list(plan), "layout": selectors.spatial_layout(plan),
        "own_code": access.user_district_code(request.user), "is_official": access.is_official(request.user)})


@require_safe
def district_detail(request, code):
    """功能定位, 发展重点, the district's figures and share of the city totals, its projects, its reporting
    completeness and the cross-district scorecard (only the districts this user may see)."""
    plan = _plan()
    district = selectors.district_get(plan, code)
    access.require_view(request.user, district.code)
    try:
        year = int(request.GET["year"]) if "year" in request.GET else None
    except ValueError:
        year = None
    if year is not None and not plan.base_year <= year <= plan.end_year:
        year = None
    data = dashboard.district_page(plan, district, visible_codes=dashboard.visible_district_codes(request.user, plan),
                                   year=year)
    table = data["table"]
    table["share_of_city_text"] = [charts.pct_text(s) for s in table["share_of_city"]]
    heat = charts.scorecard_heatmap(data["scorecard"], highlight=district.code) if len(data["scorecard"]) else None
    return render(request, "districts/district_detail.html", {
        "plan": plan, "district": district, "projects": projects_of_district(district),
        "areas": district.spatial_areas.order_by("order"), "rows": table.to_dict("records"),
        "counts": data["counts"], "rank": data["rank"], "ranked": data["ranked"],
        "completeness": data["completeness"], "year": data["year"],
        "years": list(range(plan.start_year, plan.end_year + 1)),
        "as_of_label": dashboard.period_label(*data["as_of"]) if data["as_of"] else "",
        "heat_json": charts.to_json(heat) if heat is not None else None,
        "city_visible": access.can_view_district(request.user, None)})
