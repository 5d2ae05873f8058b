"""Dashboard reads: pandas DataFrames from the stored progress rows, each page with a fixed number of queries.

Nothing here computes a progress figure: completion, time share, status, light, projection and growth still
needed are read from Progress (written by services.progress_recompute from indicators.progress). What is
done here is selecting (newest row per indicator and scope, as of a period), joining with the plan's
indicators, and arranging (ranking a scorecard, grouping by pillar). The review reports of issue 8 read the
same frames (``status_table``), so a sentence never disagrees with a chart.
"""
from __future__ import annotations

import math
from collections import Counter

import pandas as pd
from django.db.models import Count, F, Max, Q
from django.utils.translation import gettext as _

from districts.models import District, Plan
from indicators.dashboards import charts
from indicators.figures import formatting
from indicators.models import Indicator, Observation, Progress, SeriesPoint, Submission
from indicators.progress import maths
from indicators.progress.selectors import last_recompute
from indicators.templatetags.plan_format import status_label

STATUS_ORDER = list(maths.STATUSES)
INDICATOR_COLUMNS = [
    "indicator_id", "number", "name", "name_en", "unit", "measure", "decimals", "higher_is_better", "target_text",
    "target_kind", "target_value", "target_year", "tolerance", "baseline_value", "baseline_year", "baseline_text",
    "by_district", "quarterly", "pillar_id", "pillar_code", "pillar_name", "pillar_order",
]
PROGRESS_COLUMNS = [
    "indicator_id", "scope", "district_id", "year", "quarter", "value", "quarter_value", "annual_value",
    "is_provisional", "baseline_year", "baseline_value", "target_value", "target_source", "t", "completion",
    "time_share", "cagr_actual", "cagr_required", "ratio", "achieved", "status", "reason", "light", "projection",
    "still_needed", "computed_at",
]
_FLOATS = ["value", "quarter_value", "annual_value", "baseline_value", "target_value", "t", "completion",
           "time_share", "cagr_actual", "cagr_required", "ratio", "projection", "still_needed"]


# ------------------------------------------------------------------------------------------------ frames (1 query each)


def indicator_frame(plan: Plan) -> pd.DataFrame:
    rows = list(Indicator.objects.filter(plan=plan).order_by("pillar__order", "number").values(
        "number", "name", "name_en", "unit", "measure", "decimals", "higher_is_better", "target_text", "target_kind",
        "target_value", "target_year", "tolerance", "baseline_value", "baseline_year", "baseline_text",
        "by_district", "quarterly", "pillar_id", indicator_id=F("id"), pillar_code=F("pillar__code"),
        pillar_name=F("pillar__name"), pillar_order=F("pillar__order")))
    df = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    if _english():  # English pages name indicators in English where the plan data gives a translation
        df["name"] = df["name_en"].where(df["name_en"].fillna("") != "", df["name"])
    for column in ("target_value", "tolerance", "baseline_value"):
        df[column] = pd.to_numeric(df[column], errors="coerce").astype(float)
    return df


def progress_frame(plan: Plan, *, scope: str | None = None, districts_only: bool = False,
                   indicator_id: int | None = None, basis: str = Progress.Basis.LATEST, up_to=None,
                   with_inputs: bool = False) -> pd.DataFrame:
    """Stored progress rows. scope: "city" or a district code (None: every scope); up_to: (year, quarter).

    basis "first": the rows as first published, which are stored only where a revision makes them differ from the
    newest figures' rows; elsewhere the newest row stands for them."""
    first = basis == Progress.Basis.FIRST
    qs = Progress.objects.filter(indicator__plan=plan,
                                 basis__in=[Progress.Basis.FIRST, Progress.Basis.LATEST] if first else [basis])
    if scope is not None:
        qs = qs.filter(scope=scope)
    if districts_only:
        qs = qs.exclude(scope="city")
    if indicator_id is not None:
        qs = qs.filter(indicator_id=indicator_id)
    if up_to is not None:
        year, quarter = up_to
        qs = qs.filter(year__lte=year).exclude(year=year, quarter__gt=quarter)
    columns = PROGRESS_COLUMNS + (["inputs"] if with_inputs else []) + ["basis"]
    df = pd.DataFrame(list(qs.values(*columns)), columns=columns)
    if first:  # "first" sorts before "latest": keep the first-published row of a key where there is one
        df = df.sort_values("basis", kind="mergesort").drop_duplicates(["indicator_id", "scope", "year", "quarter"])
    return _typed(df.drop(columns="basis"))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Progress rows as read: numbers as floats (NaN when missing), no light as None, in a stable order."""
    for column in (c for c in _FLOATS if c in df):
        df[column] = pd.to_numeric(df[column], errors="coerce").astype(float)
    df["light"] = df["light"].where(df["light"].astype(bool), None) if len(df) else df["light"]
    return df.sort_values(["indicator_id", "scope", "year", "quarter"]).reset_index(drop=True)


def newest(frame: pd.DataFrame, keys=("indicator_id", "scope")) -> pd.DataFrame:
    """The newest period's row of each group."""
    if not len(frame):
        return frame
    return frame.sort_values(["year", "quarter"]).drop_duplicates(list(keys), keep="last").reset_index(drop=True)


def visible_district_codes(user, plan: Plan) -> set[str]:
    """The districts whose figures this user may see (districts.access decides; 1 query)."""
    from districts import access

    codes = District.objects.filter(plan=plan).values_list("code", flat=True)
    return {c for c in codes if access.can_view_district(user, c)}


def district_frame(plan: Plan) -> pd.DataFrame:
    rows = list(District.objects.filter(plan=plan).order_by("order").values(
        "id", "code", "name", "order", "is_administrative"))
    return pd.DataFrame(rows, columns=["id", "code", "name", "order", "is_administrative"])


# ------------------------------------------------------------------------------------------------ pure helpers


def _num(x) -> float | None:
    return charts._num(x)


def period_label(year, quarter) -> str:
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return ""
    return formatting.quarter_label(int(year), int(quarter))


def warning_reasons(row: dict) -> list[str]:
    """预警 (PROGRESS.md §3): the light is red, or the projection to the target year misses the target."""
    reasons = []
    if row.get("light") == "red":
        reasons.append(_("严重滞后"))
    if row.get("status") == "achieved" or row.get("status") is None:
        return reasons
    projection, target = _num(row.get("projection")), _num(row.get("target_value"))
    kind = row.get("target_kind")
    if row.get("measure") == "qualitative":
        if row.get("light") != "red" and row.get("reason") == "below_assigned":
            reasons.append(_("未完成省下达目标任务"))
        return reasons
    t, target_year = _num(row.get("t")), _num(row.get("target_year"))
    if t is not None and target_year is not None and t >= target_year:
        reasons.append(_("到期未达标"))
        return reasons
    if projection is not None and target is not None and kind in ("at_least", "about", "more_than"):
        tolerance = _num(row.get("tolerance"))
        if tolerance is None:
            tolerance = maths.Thresholds().default_tolerance
        direction = 1 if row.get("higher_is_better", True) else -1
        if not maths.is_achieved(projection, target, direction, kind, tolerance):
            reasons.append(_("预计%(year)s年达不到目标") % {"year": int(row.get("target_year") or 2025)})
    return reasons


def status_table(indicators: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Every indicator with its newest progress row (from ``rows``), labels and warnings added.

    An indicator without any row is "cannot assess" for want of data.
    """
    latest = newest(rows, keys=("indicator_id",))
    table = indicators.merge(latest.drop(columns=["target_value"], errors="ignore")
                             .rename(columns={"baseline_value": "row_baseline_value",
                                              "baseline_year": "row_baseline_year"}),
                             on="indicator_id", how="left")
    # the assessed target (a district's implied or decomposed target, the year's assigned amount) wins
    assessed_target = latest.set_index("indicator_id")["target_value"] if len(latest) else pd.Series(dtype=float)
    table["assessed_target"] = table["indicator_id"].map(assessed_target).astype(float)
    table["has_data"] = table["status"].notna()
    table["status"] = table["status"].fillna("cannot_assess")
    table["reason"] = table["reason"].fillna("")
    table.loc[~table["has_data"], "reason"] = "no_data"
    table["light"] = table["light"].where(table["light"].notna(), None)
    records = table.to_dict("records")
    table["status_label"] = [status_label(s) for s in table["status"]]
    table["reason_text"] = [maths.REASON_TEXTS_EN.get(r, r) if _english() else maths.REASON_TEXTS_ZH.get(r, r)
                            for r in table["reason"]]
    table["light_badge"] = [charts.light_badge(x) for x in table["light"]]
    table["period_label"] = [period_label(y, q) if h else "" for y, q, h in
                             zip(table["year"], table["quarter"], table["has_data"])]
    warnings = [warning_reasons({**r, "target_value": r["assessed_target"]}) if r["has_data"] else []
                for r in records]
    units, decimals = table["unit"], table["decimals"]
    table["value_text"] = [charts.value_text(a if _num(a) is not None else v, u, d) for a, v, u, d in
                           zip(table["annual_value"], table["value"], units, decimals)]
    table["reported_text"] = [charts.value_text(v, u, d) for v, u, d in zip(table["value"], units, decimals)]
    table["target_value_text"] = [charts.value_text(t, u, d) for t, u, d in
                                  zip(table["assessed_target"], units, decimals)]
    table["baseline_value_text"] = [charts.value_text(b, u, d) for b, u, d in
                                    zip(table["row_baseline_value"].where(table["has_data"], table["baseline_value"]),
                                        units, decimals)]
    table["projection_text"] = [charts.value_text(p, u, d) for p, u, d in zip(table["projection"], units, decimals)]
    table["completion_text"] = [charts.pct_text(c) for c in table["completion"]]
    table["time_share_text"] = [charts.pct_text(t) for t in table["time_share"]]
    table["still_needed_text"] = [charts.pct_text(n) for n in table["still_needed"]]
    table["base_year"] = pd.Series([int(b) if _num(b) is not None else (int(i) if _num(i) is not None else None)
                                    for b, i in zip(table["row_baseline_year"], table["baseline_year"])],
                                   index=table.index, dtype=object)
    table["completion_pct"] = pd.Series([None if _num(c) is None else max(0.0, min(100.0, c * 100))
                                         for c in table["completion"]], index=table.index, dtype=object)
    table["time_share_pct"] = pd.Series([None if _num(t) is None else max(0.0, min(100.0, t * 100))
                                         for t in table["time_share"]], index=table.index, dtype=object)
    table["warnings"] = warnings
    table["warning"] = [bool(w) for w in warnings]
    return table


def _english() -> bool:
    return charts._english()


def status_counts(table: pd.DataFrame) -> list[dict]:
    counts = Counter(table["status"])
    return [{"status": s, "label": status_label(s), "count": counts.get(s, 0)} for s in STATUS_ORDER]


def as_of(frame: pd.DataFrame):
    """The newest (year, quarter) in a frame, or None."""
    if not len(frame):
        return None
    row = frame.sort_values(["year", "quarter"]).iloc[-1]
    return int(row["year"]), int(row["quarter"])


def spark_points(rows: pd.DataFrame, indicator: dict) -> pd.DataFrame:
    """A card's trend: the baseline, each year's assessed value and the newest (provisional) one."""
    r = rows.sort_values(["year", "quarter"])
    measure = indicator["measure"]
    if measure in ("flow", "rate", "qualitative"):
        last = r.tail(1)
        r = pd.concat([r[r["quarter"] == 4], last[last["quarter"] != 4]])
        xs = [float(y) if q == 4 else charts.period_x(y, q) for y, q in zip(r["year"], r["quarter"])]
    else:
        xs = [charts.period_x(y, q) for y, q in zip(r["year"], r["quarter"])]
    points = pd.DataFrame({"x": xs, "y": list(r["annual_value"]),
                           "label": [period_label(y, q) for y, q in zip(r["year"], r["quarter"])],
                           "provisional": list(r["is_provisional"])})
    b, vb = _num(indicator.get("baseline_year")), _num(indicator.get("baseline_value"))
    if measure not in ("rate", "qualitative") and b is not None and vb is not None and \
            not (len(points) and (points["x"] == b).any()):
        points = pd.concat([pd.DataFrame({"x": [b], "y": [vb], "label": [_("%(y)s年（基期）") % {"y": int(b)}],
                                          "provisional": [False]}), points])
    return points.dropna(subset=["y"]).sort_values("x").reset_index(drop=True)


def scorecard(rows: pd.DataFrame, indicators: pd.DataFrame, districts: pd.DataFrame) -> pd.DataFrame:
    """Indicator × district lights, each indicator at its newest period with district rows, and a rank.

    Rank by the mean light score (green 2, yellow 1, red 0) over the indicators a district has a light for;
    ties by the number of green lights, then by the mean of completion − time share. Districts without any
    light share the last rank.
    """
    columns = ["district_code", "district_name", "district_order", "indicator_id", "indicator_number",
               "indicator_name", "light", "status", "status_label", "completion", "time_share", "year", "quarter",
               "rank", "score"]
    if not len(rows) or not len(districts):
        return pd.DataFrame(columns=columns)
    d = rows[rows["scope"] != "city"]
    if not len(d):
        return pd.DataFrame(columns=columns)
    period = d.groupby("indicator_id")[["year", "quarter"]].apply(
        lambda g: tuple(g.sort_values(["year", "quarter"]).iloc[-1])).rename("period")
    d = d.assign(_period=list(zip(d["year"], d["quarter"])))
    d = d[[p == period[i] for p, i in zip(d["_period"], d["indicator_id"])]]
    names = indicators.set_index("indicator_id")
    dist = districts.set_index("code")
    d = d[d["scope"].isin(dist.index)]
    labels = {s: status_label(s) for s in d["status"].unique()}
    out = pd.DataFrame({
        "district_code": d["scope"].values, "district_name": d["scope"].map(dist["name"]).values,
        "district_order": d["scope"].map(dist["order"]).values, "indicator_id": d["indicator_id"].values,
        "indicator_number": d["indicator_id"].map(names["number"]).values,
        "indicator_name": d["indicator_id"].map(names["name"]).values, "light": d["light"].values,
        "status": d["status"].values, "status_label": d["status"].map(labels).values,
        "completion": d["completion"].values, "time_share": d["time_share"].values,
        "year": d["year"].values, "quarter": d["quarter"].values})
    points = {"green": 2, "yellow": 1, "red": 0}
    out["_points"] = out["light"].map(points)
    out["_gap"] = out["completion"] - out["time_share"]
    agg = out.groupby("district_code").agg(score=("_points", "mean"), greens=("light", lambda s: (s == "green").sum()),
                                           gap=("_gap", "mean"))
    agg = agg.reindex(districts["code"])
    agg["_s"] = agg["score"].fillna(-1)
    agg["_g"] = agg["greens"].fillna(0)
    agg["_gap"] = agg["gap"].fillna(-99)
    agg = agg.sort_values(["_s", "_g", "_gap"], ascending=False)
    keys = list(zip(agg["_s"].round(9), agg["_g"], agg["_gap"].round(9)))
    ranks, previous, rank = {}, None, 0
    for position, (code, key) in enumerate(zip(agg.index, keys), start=1):
        if key != previous:
            rank, previous = position, key
        ranks[code] = rank
    out["rank"] = out["district_code"].map(ranks)
    out["score"] = out["district_code"].map(agg["score"])
    return out.drop(columns=["_points", "_gap"])[columns].sort_values(["rank", "district_order", "indicator_number"])


# ------------------------------------------------------------------------------------------------ pages


def overview(plan: Plan) -> dict:
    """The overview page (3 queries): status counts, the cards by pillar with sparklines, the warning list."""
    indicators = indicator_frame(plan)
    rows = progress_frame(plan, scope="city")
    table = status_table(indicators, rows)
    by_indicator = {i: g for i, g in rows.groupby("indicator_id")} if len(rows) else {}
    cards = []
    for record in table.to_dict("records"):
        spark = spark_points(by_indicator[record["indicator_id"]], record) \
            if record["indicator_id"] in by_indicator else pd.DataFrame(columns=["x", "y", "label", "provisional"])
        record["spark"] = charts.sparkline(spark, unit=record["unit"], decimals=record["decimals"],
                                           light=record["light"])
        cards.append(record)
    pillars: list[dict] = []
    for card in cards:
        if not pillars or pillars[-1]["pillar_id"] != card["pillar_id"]:
            pillars.append({"pillar_id": card["pillar_id"], "name": card["pillar_name"], "cards": []})
        pillars[-1]["cards"].append(card)
    return {"indicators": indicators, "table": table, "pillars": pillars, "counts": status_counts(table),
            "as_of": as_of(rows), "last_recompute": last_recompute(plan),
            "warnings": [c for c in cards if c["warning"]]}


def indicator_page(plan: Plan, indicator: Indicator, *, city_visible: bool, district_codes: set[str],
                   basis: str = Progress.Basis.LATEST) -> dict:
    """One indicator (3 queries besides the indicator itself): history, city periods, districts' newest rows."""
    history = pd.DataFrame(list(SeriesPoint.objects.filter(
        series__indicator=indicator, series__is_context=False).order_by("year").values("year", "value")),
        columns=["year", "value"])
    history["value"] = pd.to_numeric(history["value"], errors="coerce").astype(float)
    rows = progress_frame(plan, indicator_id=indicator.id, with_inputs=True, basis=basis)
    districts = district_frame(plan)
    city = rows[rows["scope"] == "city"].copy() if city_visible else rows.iloc[0:0].copy()
    city["label"] = [period_label(y, q) for y, q in zip(city["year"], city["quarter"])]
    latest = city.iloc[-1].to_dict() if len(city) else None
    dist_rows = rows[rows["scope"].isin(district_codes)]
    period = as_of(dist_rows)
    dist_latest = dist_rows[(dist_rows["year"] == period[0]) & (dist_rows["quarter"] == period[1])] \
        if period else dist_rows
    names = dict(zip(districts["code"], districts["name"]))
    order = dict(zip(districts["code"], districts["order"]))
    bars = pd.DataFrame({"code": dist_latest["scope"].values,
                         "name": [names.get(c, c) for c in dist_latest["scope"]],
                         "value": dist_latest["value"].values, "completion": dist_latest["completion"].values,
                         "light": dist_latest["light"].values, "status": dist_latest["status"].values,
                         "annual_value": dist_latest["annual_value"].values,
                         "order": [order.get(c, 99) for c in dist_latest["scope"]]})
    bars["status_label"] = [status_label(s) for s in bars["status"]]
    bars["light_badge"] = [charts.light_badge(x) for x in bars["light"]]
    time_share = _num(dist_latest["time_share"].dropna().iloc[0]) if len(dist_latest["time_share"].dropna()) else None
    return {"history": history, "city": city, "latest": latest, "districts": bars.sort_values("order"),
            "district_period": period, "district_time_share": time_share, "rows": rows, "district_names": names}


def district_page(plan: Plan, district: District, *, visible_codes: set[str], year: int | None = None) -> dict:
    """A district's figures, shares of the city totals, reporting completeness and the scorecard (8 queries).

    Reads the district's own rows, the city's rows and, for the scorecard, only each indicator's newest district
    rows: never every district's history (at a province's scale that is hundreds of thousands of rows).
    """
    indicators = indicator_frame(plan)
    own = progress_frame(plan, scope=district.code, with_inputs=True)
    city_rows = progress_frame(plan, scope="city", with_inputs=True)
    districts = district_frame(plan)
    table = status_table(indicators[indicators["by_district"]], own)
    city = city_rows.set_index(["indicator_id", "year", "quarter"])
    shares = []
    for r in table.to_dict("records"):
        share = None
        if r["has_data"] and (r["indicator_id"], r["year"], r["quarter"]) in city.index:
            c = city.loc[(r["indicator_id"], r["year"], r["quarter"])]
            if r["measure"] in ("flow", "stock"):
                mine, total = _num(r["value"]), _num(c["value"])
            elif r["measure"] == "share":
                mine = _num((r.get("inputs") or {}).get("numerator"))
                total = _num((c["inputs"] or {}).get("numerator"))
            else:
                mine = total = None
            if mine is not None and total:
                share = mine / total
        shares.append(share)
    table["share_of_city"] = shares
    newest_rows = newest_district_rows(plan)
    score = scorecard(newest_rows, indicators, districts[districts["code"].isin(visible_codes)])
    mine = score[score["district_code"] == district.code]
    rank = int(mine["rank"].iloc[0]) if len(mine) and not pd.isna(mine["rank"].iloc[0]) else None
    year = year or (as_of(own) or as_of(city_rows) or as_of(newest_rows) or (plan.end_year, 4))[0]
    return {"table": table, "scorecard": score, "rank": rank, "ranked": score["district_code"].nunique(),
            "completeness": reporting_completeness(plan, district, year, indicators), "year": year,
            "as_of": as_of(own), "counts": status_counts(table)}


def newest_district_rows(plan: Plan, basis: str = Progress.Basis.LATEST) -> pd.DataFrame:
    """Every district's light, status and completion at each indicator's newest period with district rows: what
    the scorecard needs (2 queries, one an aggregate)."""
    district_rows = Progress.objects.filter(indicator__plan=plan, basis=basis).exclude(scope="city")
    newest_period = (district_rows.values("indicator_id")
                     .annotate(period=Max(F("year") * 10 + F("quarter"))).values_list("indicator_id", "period"))
    wanted = Q(pk__in=[])
    for indicator_id, period in newest_period:
        wanted |= Q(indicator_id=indicator_id, year=period // 10, quarter=period % 10)
    columns = ["indicator_id", "scope", "year", "quarter", "light", "status", "completion", "time_share"]
    return _typed(pd.DataFrame(list(district_rows.filter(wanted).values_list(*columns)), columns=columns))


def reporting_completeness(plan: Plan, district: District, year: int, indicators: pd.DataFrame) -> list[dict]:
    """Each quarter of the year: the submission's status and how many of the district's figures count (2 queries)."""
    submissions = {s["quarter"]: s for s in Submission.objects.filter(plan=plan, district=district, year=year)
                   .values("quarter", "status", "submitted_at", "decided_at")}
    counted = dict(Observation.objects.filter(district=district, year=year, indicator__plan=plan,
                                              versions__isnull=False)
                   .values("quarter").annotate(n=Count("indicator", distinct=True)).values_list("quarter", "n"))
    reported = indicators[indicators["by_district"]]
    labels = dict(Submission.Status.choices)
    out = []
    for quarter in range(1, 5):
        expected = int(((reported["quarterly"]) | (quarter == 4)).sum()) if len(reported) else 0
        sub = submissions.get(quarter)
        out.append({"quarter": quarter, "label": period_label(year, quarter),
                    "status": sub["status"] if sub else "", "status_label": labels.get(sub["status"]) if sub else
                    _("未报送 not started"), "submitted_at": sub["submitted_at"] if sub else None,
                    "counted": counted.get(quarter, 0), "expected": expected,
                    "complete": counted.get(quarter, 0) >= expected > 0})
    return out


def map_page(plan: Plan, indicator_id: int, *, visible_codes: set[str]) -> pd.DataFrame:
    """Each district's newest row of one indicator at the newest period any district has (2 queries)."""
    rows = progress_frame(plan, indicator_id=indicator_id, districts_only=True)
    rows = rows[rows["scope"].isin(visible_codes)]
    districts = district_frame(plan)
    period = as_of(rows)
    if period:
        rows = rows[(rows["year"] == period[0]) & (rows["quarter"] == period[1])]
    names = dict(zip(districts["code"], districts["name"]))
    df = pd.DataFrame({"code": rows["scope"].values, "name": [names.get(c, c) for c in rows["scope"]],
                       "value": rows["value"].values, "annual_value": rows["annual_value"].values,
                       "completion": rows["completion"].values, "light": rows["light"].values,
                       "status": rows["status"].values})
    df["status_label"] = [status_label(s) for s in df["status"]]
    df["light_badge"] = [charts.light_badge(x) for x in df["light"]]
    order = dict(zip(districts["code"], districts["order"]))
    df["order"] = [order.get(c, 99) for c in df["code"]]
    df.attrs["period"] = period
    return df.sort_values("order").reset_index(drop=True)


def review(plan: Plan, *, year: int, quarter: int = 4, basis: str = Progress.Basis.LATEST,
           visible_codes: set[str] | None = None) -> dict:
    """Every indicator's status as of the end of a year (annual, mid-term, final review) (4 queries)."""
    indicators = indicator_frame(plan)
    rows = progress_frame(plan, basis=basis, up_to=(year, quarter))
    districts = district_frame(plan)
    city = rows[rows["scope"] == "city"]
    table = status_table(indicators, city).sort_values("number").reset_index(drop=True)
    if visible_codes is not None:
        districts = districts[districts["code"].isin(visible_codes)]
    return {"table": table, "counts": status_counts(table), "as_of": as_of(city),
            "scorecard": scorecard(rows, indicators, districts), "last_recompute": last_recompute(plan),
            "warnings": table[table["warning"]].to_dict("records")}


def review_years(plan: Plan) -> list[int]:
    return list(range(plan.start_year, plan.end_year + 1))
