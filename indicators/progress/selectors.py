"""Reads of the stored progress rows and recompute runs."""

from django.db.models import Case, JSONField, Max, Q, When
from django.db.models.fields.json import KeyTransform

from districts.models import Plan
from indicators.models import (
    Indicator,
    Progress,
    RecomputeRun,
)

STORED_AGGREGATE_COLUMNS = ["indicator_id", "basis", "year", "quarter", "value", "source", "districts",
                            "districts_expected", "numerator", "denominator", "aggregate", "version_ids",
                            "aggregate_version_ids"]


def stored_city_progress(plan: Plan, indicator_ids, since_year: int | None = None, annual_years=(),
                         ids_after: tuple[int, int] | None = None):
    """What the stored city rows of some indicators (both bases) say their district aggregates were: tuples of
    STORED_AGGREGATE_COLUMNS, read from their inputs in SQL. since_year: only rows of that year and later, and
    the Q4 rows of ``annual_years``; ids_after (year, quarter): the version id lists only of later rows."""
    qs = Progress.objects.filter(indicator__plan=plan, indicator_id__in=indicator_ids, scope="city").order_by()
    if since_year is not None:
        qs = qs.filter(Q(year__gte=since_year) | Q(quarter=4, year__in=list(annual_years)))
    lists = {}
    for key in ("version_ids", "aggregate_version_ids"):
        lists[key] = KeyTransform(key, "inputs")
        if ids_after is not None:
            later = Q(year__gt=ids_after[0]) | Q(year=ids_after[0], quarter__gt=ids_after[1])
            lists[key] = Case(When(later, then=KeyTransform(key, "inputs")), default=None,
                              output_field=JSONField())
    return qs.values_list("indicator_id", "basis", "year", "quarter", "value", "inputs__source", "inputs__districts",
                          "inputs__districts_expected", "inputs__numerator", "inputs__denominator",
                          "inputs__aggregate", lists["version_ids"], lists["aggregate_version_ids"])


def last_recompute(plan: Plan):
    return RecomputeRun.objects.filter(plan=plan).aggregate(at=Max("finished_at"))["at"]


def latest_city_progress(plan: Plan, basis: str = Progress.Basis.LATEST) -> dict[int, Progress]:
    """Each indicator's newest city progress row, in one query."""
    rows = (Progress.objects.filter(indicator__plan=plan, scope="city", basis=basis)
            .order_by("indicator_id", "-year", "-quarter"))
    latest: dict[int, Progress] = {}
    for row in rows:
        latest.setdefault(row.indicator_id, row)
    return latest


def overview(plan: Plan) -> list[dict]:
    """The plan's indicators grouped by pillar, each with its newest city progress row (two queries)."""
    indicators = list(Indicator.objects.filter(plan=plan).select_related("pillar").order_by("pillar__order", "number"))
    progress = latest_city_progress(plan)
    pillars: dict[int, dict] = {}
    for indicator in indicators:
        group = pillars.setdefault(indicator.pillar_id, {"pillar": indicator.pillar, "indicators": []})
        group["indicators"].append({"indicator": indicator, "progress": progress.get(indicator.id)})
    return list(pillars.values())
