"""Reads for zones and projects."""
from django.db.models import Prefetch

from districts.models import District, Plan
from projects.models import Enterprise, Project, Sector


def project_list(plan: Plan, kind: str | None = None, district_code: str | None = None):
    qs = Project.objects.filter(plan=plan)
    if kind:
        qs = qs.filter(kind=kind)
    if district_code:
        qs = qs.filter(districts__code=district_code)
    return qs.order_by("kind", "number").prefetch_related(
        Prefetch("districts", queryset=District.objects.order_by("order")), "milestones")


def projects_of_district(district: District):
    return district.projects.order_by("kind", "number")


def sectors(plan: Plan):
    return Sector.objects.filter(plan=plan).order_by("order").prefetch_related(
        Prefetch("enterprises", queryset=Enterprise.objects.order_by("order")))
