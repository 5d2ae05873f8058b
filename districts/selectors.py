"""Reads for districts and the spatial layout."""
import re

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from districts.models import Department, District, Plan, SpatialArea


def district_list(plan: Plan):
    return District.objects.filter(plan=plan).order_by("order")


def district_get(plan: Plan, code: str) -> District:
    return get_object_or_404(District, plan=plan, code=code)


def spatial_layout(plan: Plan):
    """Top-level areas with their parts and districts (three queries)."""
    return (SpatialArea.objects.filter(plan=plan, parent__isnull=True).order_by("order")
            .prefetch_related(Prefetch("parts", queryset=SpatialArea.objects.order_by("order")),
                              Prefetch("districts", queryset=District.objects.order_by("order"))))


def user_label(user) -> str:
    """The signed-in user as the header names them: the full name (市发改委, 市中区填报员) on Chinese pages; on English
    pages the English name of the unit they act for (their department's or district's, or the department their
    full name is, 市发改委 → Municipal Development and Reform Commission), else a full name without Chinese, else
    the user name (at most 2 queries, on English pages only)."""
    from indicators.figures import formatting
    from indicators.figures.selectors import display_name

    full = user.get_full_name() or ""
    if not formatting.english():
        return full or user.get_username()
    department = getattr(getattr(user, "department_membership", None), "department", None)
    district = getattr(getattr(user, "district_membership", None), "district", None)
    if department is None and district is None and full:
        department = Department.objects.filter(name=full.strip()).first()
    unit = department or district
    if unit is not None:
        return display_name(unit)
    return full if full and not re.search(r"[\u3400-\u9fff]", full) else user.get_username()
