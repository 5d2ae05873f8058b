from django.http import Http404
from django.shortcuts import render

from districts import access, selectors
from indicators.selectors import current_plan
from projects.selectors import projects_of_district


def _plan():
    plan = current_plan()
    if plan is None:
        raise Http404("no plan loaded")
    return plan


def district_list(request):
    plan = _plan()
    return render(request, "districts/district_list.html", {
        "plan": plan, "districts": selectors.district_list(plan), "layout": selectors.spatial_layout(plan),
        "own_code": access.user_district_code(request.user), "is_official": access.is_official(request.user)})


def district_detail(request, code):
    plan = _plan()
    district = selectors.district_get(plan, code)
    access.require_view(request.user, district.code)
    return render(request, "districts/district_detail.html", {
        "plan": plan, "district": district, "projects": projects_of_district(district),
        "areas": district.spatial_areas.order_by("order")})
