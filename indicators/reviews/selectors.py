"""Reads for the review reports (issue 8): a fixed number of queries whatever the number of rows.

``review_data`` gathers everything one review needs (10 queries, 8 for a district): the indicators, the districts, the stored
progress rows up to the period (newest figures, and "as first published" for the scope), the versions behind the
figures the review prints (to mark demo data 演示 and name a published figure's source), the figures of the
period that have more than one non-demo version, the indicators' printed history, and whether demo data is
loaded. Nothing here computes a progress figure.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from districts.models import District, Plan
from indicators.dashboards.selectors import chain_years
from indicators.models import (
    Indicator,
    Observation,
    ObservationVersion,
    Progress,
    ProvinceAssignment,
    SeriesPoint,
)
from indicators.reviews.wording import PUBLISHED_KINDS

INDICATOR_FIELDS = ["number", "name", "name_en", "unit", "measure", "higher_is_better", "target_kind", "target_year",
                    "target_value", "target_text", "decimals", "tolerance", "by_district", "baseline_year",
                    "baseline_value", "baseline_text"]
ROW_FIELDS = ["indicator_id", "scope", "year", "quarter", "value", "quarter_value", "annual_value", "is_provisional",
              "baseline_year", "baseline_value", "target_value", "t", "completion", "time_share", "cagr_actual",
              "cagr_required", "ratio", "achieved", "status", "reason", "light", "projection", "still_needed",
              "inputs", "computed_at"]


# the end of the plan: fields the engine adds to progress rows (read where the model has them)
OPTIONAL_ROW_FIELDS = ("is_final", "shortfall", "target_share")


def row_fields() -> list[str]:
    have = {f.name for f in Progress._meta.get_fields()}
    return ROW_FIELDS + [f for f in OPTIONAL_ROW_FIELDS if f in have]


@dataclass
class ReviewData:
    indicators: list[dict]
    districts: list[dict]
    rows: list[dict]  # basis "latest": the scope's rows (and, for the city, every district's)
    first_rows: list[dict]  # basis "first", the scope only
    revision_groups: list[dict]
    history: dict[int, pd.DataFrame] = field(default_factory=dict)  # indicator_id → year, value
    demo: bool = False

    @property
    def district_names(self) -> dict[str, str]:
        return {d["code"]: d["name"] for d in self.districts}


def _up_to(qs, year: int, quarter: int, prefix: str = ""):
    return qs.filter(**{f"{prefix}year__lte": year}).exclude(**{f"{prefix}year": year, f"{prefix}quarter__gt": quarter})


def _floats(d: dict) -> dict:
    from decimal import Decimal

    return {k: float(v) if isinstance(v, Decimal) else v for k, v in d.items()}


def indicators(plan: Plan) -> list[dict]:
    return [_floats(r) for r in Indicator.objects.filter(plan=plan).order_by("number")
            .values(*INDICATOR_FIELDS, indicator_id=F("id"))]


def districts(plan: Plan) -> list[dict]:
    return list(District.objects.filter(plan=plan).order_by("order").values("id", "code", "name", "order"))


def review_periods(plan: Plan, scope: str = "city") -> list[tuple[int, int]]:
    """The (year, quarter) periods that have stored progress rows for a scope, oldest first (1 query)."""
    qs = (Progress.objects.filter(indicator__plan=plan, scope=scope, basis=Progress.Basis.LATEST)
          .values_list("year", "quarter").distinct().order_by("year", "quarter"))
    return [(int(y), int(q)) for y, q in qs]


def revision_groups(plan: Plan, *, scope: str, year: int, quarter: int) -> list[dict]:
    """Figures up to the period with more than one non-demo version, each with its versions oldest first.

    A city review covers the city's figures and every district's (they make up the city totals); a district
    review its own. One query (the figures with several versions are a subquery).
    """
    revised = Observation.objects.filter(indicator__plan=plan).annotate(
        real_versions=Count("versions", filter=~Q(versions__kind=ObservationVersion.Kind.DEMO))
    ).filter(real_versions__gt=1)
    revised = _up_to(revised, year, quarter)
    if scope != "city":
        revised = revised.filter(district__code=scope)
    versions = (ObservationVersion.objects.filter(observation__in=revised.values("id"))
                .exclude(kind=ObservationVersion.Kind.DEMO)
                .order_by("observation_id", "recorded_at", "id")
                .values("observation_id", "kind", "value", "numerator", "denominator", "source_title",
                        "source_date", "recorded_at", indicator_id=F("observation__indicator_id"),
                        district_code=F("observation__district__code"), year=F("observation__year"),
                        quarter=F("observation__quarter")))
    groups: dict[int, dict] = {}
    for v in versions:
        g = groups.setdefault(v["observation_id"], {
            "indicator_id": v["indicator_id"], "scope": v["district_code"] or "city", "year": v["year"],
            "quarter": v["quarter"], "versions": []})
        g["versions"].append(_floats({k: v[k] for k in ("kind", "value", "numerator", "denominator", "source_title",
                                                       "source_date", "recorded_at")}))
    return list(groups.values())


def history(plan: Plan) -> dict[int, pd.DataFrame]:
    """Each indicator's printed history (专栏1/2), the newest point of each year (1 query)."""
    points = (SeriesPoint.objects.filter(series__plan=plan, series__indicator__isnull=False, series__is_context=False)
              .order_by("series__indicator_id", "year", "recorded_at", "id")
              .values("year", "value", indicator_id=F("series__indicator_id")))
    latest: dict[tuple[int, int], float] = {}
    for p in points:
        latest[(p["indicator_id"], p["year"])] = float(p["value"])
    out: dict[int, list] = {}
    for (ind, year), value in latest.items():
        out.setdefault(ind, []).append({"year": year, "value": value})
    return {ind: pd.DataFrame(rows, columns=["year", "value"]) for ind, rows in out.items()}


def _version_ids(row: dict) -> list[int]:
    """The versions a row's figure was computed from: its own figure's, or the districts' it adds up."""
    inputs = row.get("inputs") or {}
    if inputs.get("version_id") is not None:
        return [int(inputs["version_id"])]
    return [int(v) for v in inputs.get("version_ids") or () if v is not None]


def _mark(versions: list[dict]) -> dict | None:
    """demo (any demo figure in it), published (every figure published: their documents), district (entered)."""
    if not versions:
        return None
    kinds = {v["kind"] for v in versions}
    if ObservationVersion.Kind.DEMO in kinds:
        return {"kind": "demo"}
    if kinds <= set(PUBLISHED_KINDS):
        return {"kind": "published", "titles": list(dict.fromkeys(v["source_title"] for v in versions
                                                                  if v["source_title"]))}
    return {"kind": "district"}


def mark_figures(rows: list[dict], *, scope: str, year: int, quarter: int) -> None:
    """Give the rows a review prints (each indicator's newest row of the scope at or before the period) the mark
    of their figure (figure_mark) and, where the plan gives no baseline, of the base-year figure that stood in
    (baseline_mark), and whether a province-assigned target is demo data (target_demo). Two queries."""
    own = [r for r in rows if r["scope"] == scope]
    key = (int(year), int(quarter))
    newest: dict = {}
    for r in own:
        period = (int(r["year"]), int(r["quarter"]))
        prev = newest.get(r["indicator_id"])
        if period <= key and (prev is None or period > (int(prev["year"]), int(prev["quarter"]))):
            newest[r["indicator_id"]] = r
    by_period = {(r["indicator_id"], int(r["year"]), int(r["quarter"])): r for r in own}
    wanted = []
    for r in newest.values():
        # a rate's average rests on every earlier year's growth it is chained from, not only this year's
        chained = [by_period[k] for k in ((r["indicator_id"], y, 4) for y in chain_years(r)) if k in by_period]
        wanted.append((r, "figure_mark", [r, *chained]))
        b = r.get("baseline_year")
        base = by_period.get((r["indicator_id"], int(b), 4)) if b is not None else None
        if base is not None and (r.get("inputs") or {}).get("baseline_source") == "observed":
            wanted.append((r, "baseline_mark", [base]))
    ids = {i for _r, _k, sources in wanted for source in sources for i in _version_ids(source)}
    versions = {v["id"]: v for v in ObservationVersion.objects.filter(id__in=ids).order_by()
                .values("id", "kind", "source_title")}  # no default ordering: it joins up to the plan
    for r, name, sources in wanted:
        r[name] = _mark([versions[i] for source in sources for i in _version_ids(source) if i in versions])
    # a province-assigned amount entered as demo data (load_demo) is marked 演示 wherever it is printed
    demo_targets = set(ProvinceAssignment.objects.filter(
        indicator_id__in={r["indicator_id"] for r in newest.values()}, is_demo=True).order_by()
        .values_list("indicator_id", "year"))
    for r in newest.values():
        r["target_demo"] = (r["indicator_id"], int(r["year"])) in demo_targets


def review_data(plan: Plan, *, scope: str, year: int, quarter: int) -> ReviewData:
    """Everything one review reads: 10 queries for the city, 8 for a district, whatever the number of rows."""
    rows = _up_to(Progress.objects.filter(indicator__plan=plan, basis=Progress.Basis.LATEST), year, quarter)
    # as first published: stored only where a revision makes it differ; the newest row stands for the rest
    first = _up_to(Progress.objects.filter(indicator__plan=plan, scope=scope,
                                           basis__in=[Progress.Basis.FIRST, Progress.Basis.LATEST]), year, quarter)
    first_rows: dict = {}
    fields = row_fields()
    for row in first.order_by("indicator_id", "year", "quarter", "basis").values(*fields, "basis"):
        first_rows.setdefault((row["indicator_id"], row["year"], row["quarter"]), row)  # "first" < "latest"
    latest = list(rows.filter(scope=scope).order_by("indicator_id", "year", "quarter").values(*fields))
    mark_figures(latest, scope=scope, year=year, quarter=quarter)
    if scope == "city":
        # the districts' rows serve their verdicts only (lags, ranking): each district's newest row of each indicator
        # at or before the period, without the inputs (a province's review read 360,000 rows with their JSON for
        # the 18,300 it words)
        lean = [f for f in fields if f != "inputs"]
        newest = Window(RowNumber(), partition_by=[F("indicator_id"), F("scope")],
                        order_by=[F("year").desc(), F("quarter").desc()])
        latest += rows.exclude(scope="city").annotate(newest=newest).filter(newest=1).order_by(
            "indicator_id", "scope").values(*lean)
    return ReviewData(
        indicators=indicators(plan),
        districts=districts(plan),
        rows=latest,
        first_rows=[{k: v for k, v in row.items() if k != "basis"} for row in first_rows.values()],
        revision_groups=revision_groups(plan, scope=scope, year=year, quarter=quarter),
        history=history(plan) if scope == "city" else {},
        demo=Observation.objects.filter(indicator__plan=plan, is_demo=True).exists(),
    )
