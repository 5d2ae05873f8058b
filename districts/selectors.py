"""Reads for districts and the spatial layout."""
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from districts.models import District, Plan, SpatialArea


def district_list(plan: Plan):
    return District.objects.filter(plan=plan).order_by("order")


def district_get(plan: Plan, code: str) -> District:
    return get_object_or_404(District, plan=plan, code=code)


def spatial_layout(plan: Plan):
    """Top-level areas with their parts and districts (three queries)."""
    return (SpatialArea.objects.filter(plan=plan, parent__isnull=True).order_by("order")
            .prefetch_related(Prefetch("parts", queryset=SpatialArea.objects.order_by("order")),
                              Prefetch("districts", queryset=District.objects.order_by("order"))))
