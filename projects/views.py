from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from districts import access
from districts.models import District
from indicators.dashboards import charts, page_cache
from indicators.figures.selectors import plan_for_request
from projects import selectors
from projects.models import Project


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
    body = page_cache.body(request, plan, "projects", lambda: _body(plan, kind, district, districts),
                           vary=(kind, district), reference=True, dated=True)
    return render(request, "projects/project_list.html", {"plan": plan, "body": body})


def _body(plan, kind, district, districts) -> tuple[str, dict]:
    today = timezone.localdate()
    data = selectors.project_progress(plan, kind=kind, district_code=district, today=today) if plan else None
    groups = {}
    for row in (data["rows"] if data else []):
        groups.setdefault(row["project"].get_kind_display(), []).append(row)
    context = {"plan": plan, "groups": groups, "kinds": Project.Kind.choices, "kind": kind, "districts": districts,
               "district": district, "sectors": selectors.sectors(plan) if plan and not kind and not district else []}
    if data:
        context["by_district_json"] = charts.to_json(charts.projects_by_district(data["by_district"]))
        if len(data["milestones"]):
            context["timeline_json"] = charts.to_json(charts.project_timeline(data["milestones"], today=today))
        if len(data["investment"]):
            context["investment_json"] = charts.to_json(charts.investment_bars(data["investment"]))
    return "projects/_project_list_body.html", context
