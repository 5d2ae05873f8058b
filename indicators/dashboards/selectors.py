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
from django.db.models import F, Max, Q
from django.utils.translation import gettext as _

from districts.models import District, Plan
from indicators.dashboards import charts, verdicts
from indicators.figures import formatting
from indicators.figures import selectors as figures
from indicators.models import (
    Indicator,
    ObservationVersion,
    Progress,
    SeriesPoint,
    Submission,
)
from indicators.progress.selectors import last_recompute

status_label = verdicts.status_label
STATUS_ORDER = list(verdicts.STATUS_ORDER)
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
# the end-of-plan fields the engine is adding (verdicts.py falls back where a row does not store them)
FINAL_COLUMNS = [c for c in ("is_final", "shortfall", "target_share")
                 if c in {f.name for f in Progress._meta.get_fields()}]
_FLOATS = ["value", "quarter_value", "annual_value", "baseline_value", "target_value", "t", "completion",
           "time_share", "cagr_actual", "cagr_required", "ratio", "projection", "still_needed", "shortfall",
           "target_share"]


# ------------------------------------------------------------------------------------------------ frames (1 query each)


def indicator_frame(plan: Plan) -> pd.DataFrame:
    rows = list(Indicator.objects.filter(plan=plan).order_by("number").values(  # 专栏6's order
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
    columns = PROGRESS_COLUMNS + FINAL_COLUMNS + (["inputs"] if with_inputs else []) + ["basis"]
    df = pd.DataFrame(list(qs.values(*columns)), columns=columns)
    if first:  # "first" sorts before "latest": keep the first-published row of a key where there is one
        df = df.sort_values("basis", kind="mergesort").drop_duplicates(["indicator_id", "scope", "year", "quarter"])
    return _typed(df.drop(columns="basis"))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Progress rows as read: numbers as floats (NaN when missing), in a stable order, and the light the colour
    of the status (PROGRESS.md §3): every page reads its rows through here, so none shows another light."""
    for column in (c for c in _FLOATS if c in df):
        df[column] = pd.to_numeric(df[column], errors="coerce").astype(float)
    if "status" in df:
        df["light"] = pd.Series([verdicts.light_of(s) for s in df["status"]], index=df.index, dtype=object)
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
    """The plan's districts; name_en is each one's English name (its own, else the pinyin of its code with the kind
    of unit, 峨眉山市 → Emeishan City), which the charts show on English pages."""
    from indicators.reviews.wording import district_name_en

    columns = ["id", "code", "name", "name_en", "order", "is_administrative"]
    rows = list(District.objects.filter(plan=plan).order_by("order").values(*columns))
    df = pd.DataFrame(rows, columns=columns)
    df["name_en"] = [en or district_name_en(code, name)
                     for code, name, en in zip(df["code"], df["name"], df["name_en"])]
    return df


# ------------------------------------------------------------------------------------------------ pure helpers


def _num(x) -> float | None:
    return charts._num(x)


def period_label(year, quarter) -> str:
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return ""
    return formatting.quarter_label(int(year), int(quarter))


def warning_reasons(row: dict) -> list[str]:
    """预警 (PROGRESS.md §3): the light is red, or the projection to the target year misses the target.
    row: a progress row with its indicator's measure, target_kind, tolerance, higher_is_better, target_year."""
    return verdicts.warning_reasons(
        row, measure=row.get("measure", ""), target_kind=row.get("target_kind", ""), tolerance=row.get("tolerance"),
        higher_is_better=bool(row.get("higher_is_better", True)), target_year=row.get("target_year"),
        unit=row.get("unit") or "", decimals=int(row.get("decimals") if _num(row.get("decimals")) is not None else 2))


def demo_versions(plan: Plan, indicator_ids=None) -> set[int]:
    """The ids of the demo versions (演示数据) of some indicators' figures (1 query)."""
    qs = ObservationVersion.objects.filter(kind=ObservationVersion.Kind.DEMO, observation__indicator__plan=plan)
    if indicator_ids is not None:
        qs = qs.filter(observation__indicator_id__in=list(indicator_ids))
    return set(qs.values_list("id", flat=True))


def version_ids(inputs) -> list[int]:
    """The figure versions a progress row used: its own figure's, or the districts' it adds up."""
    inputs = inputs if isinstance(inputs, dict) else {}
    if inputs.get("version_id") is not None:
        return [inputs["version_id"]]
    return list(inputs.get("version_ids") or [])


def is_demo(inputs, demo_ids: set[int]) -> bool:
    """A figure is marked 演示 when any version it rests on is a demo one."""
    return bool(demo_ids) and any(v in demo_ids for v in version_ids(inputs))


def chain_years(row: dict) -> list[int]:
    """The earlier years whose annual growths a rate's average is chained from (its inputs' ``growths``)."""
    growths = (row.get("inputs") or {}).get("growths") if isinstance(row.get("inputs"), dict) else None
    year = _num(row.get("year"))
    return [int(y) for y in (growths or {}) if year is None or int(y) != int(year)]


def rests_on_demo(row: dict, demo_ids: set[int], base_rows: dict) -> bool:
    """Its own figure, or for a rate any earlier year's growth it is chained from, is demo data: a 2021–2023
    average chained from a demo 2021 growth is demo, however official its 2023 figure."""
    if is_demo(row.get("inputs"), demo_ids):
        return True
    return any(is_demo(base_rows.get((row.get("indicator_id"), row.get("scope"), y)), demo_ids)
               for y in chain_years(row))


def baseline_facts(row: dict, indicator: dict, base_rows: dict, demo_ids: set[int]) -> dict:
    """What a row's completion was measured from, in words: the plan's printed baseline (约30%), or, where the plan
    gives none, the figure used in its place with its year and whether it is a demo one.

    base_rows: (indicator_id, scope, year) -> the inputs of that year's Q4 row (the base-year figure)."""
    unit, decimals = indicator["unit"], int(indicator["decimals"])
    scope = row.get("scope") if isinstance(row.get("scope"), str) else "city"
    plan_value = indicator.get("baseline_value")
    printed = (formatting.as_printed(plan_value, unit, indicator.get("baseline_text") or "")
               if _num(plan_value) is not None else "")
    none = {"text": "—", "demo": False, "substitute": False, "source": ""}
    if indicator["measure"] in ("rate", "qualitative"):
        return none
    inputs = row.get("inputs") if isinstance(row.get("inputs"), dict) else {}
    source = inputs.get("baseline_source")
    value, year = _num(row.get("baseline_value")), _num(row.get("baseline_year"))
    if scope == "city" and printed and source in ("indicator", None):
        b = _num(indicator.get("baseline_year"))
        return {**none, "text": printed + (_("（%(y)s年）") % {"y": int(b)} if b is not None else ""),
                "source": "plan"}
    if value is None or year is None:
        return {**none, "text": _("未给出")} if scope == "city" else none
    base = base_rows.get((row["indicator_id"], scope, int(year)))
    demo = is_demo(base, demo_ids) if base is not None else False
    shown = charts.value_text(value, unit, decimals)
    if scope == "city":
        text = (_("规划未给出；按%(y)s年演示数据 %(v)s 计算") if demo else _("规划未给出；按%(y)s年数据 %(v)s 计算")) \
            % {"y": int(year), "v": shown}
    else:
        text = _("%(v)s（%(y)s年）") % {"y": int(year), "v": shown}
    return {"text": text, "demo": demo, "substitute": True, "source": "demo" if demo else "observed"}


def _base_rows(rows: pd.DataFrame) -> dict:
    if not len(rows) or "inputs" not in rows:
        return {}
    q4 = rows[rows["quarter"] == 4]
    return {(i, s, int(y)): inputs for i, s, y, inputs in
            zip(q4["indicator_id"], q4["scope"], q4["year"], q4["inputs"])}


def verdict_columns(table: pd.DataFrame, indicators: dict, *, rows: pd.DataFrame | None = None,
                    demo_ids: set[int] | None = None) -> dict[str, list]:
    """The words of each progress row's verdict beside its numbers: one home for them (tables, cards, exports).

    table: progress rows (a row without a status has no data); indicators: indicator_id -> the indicator's
    columns (indicator_frame records); rows: the frame the base-year rows are looked up in (default: table).
    Returns columns: is_final, status_label, light_badge, reason_text, show_reason, completion_shown, completion_text,
    show_projection, projection_text, still_needed_text, final_text, warnings, warning, warning_detail, demo,
    baseline_shown,
    baseline_demo, baseline_substitute, baseline_source."""
    demo_ids = demo_ids or set()
    base_rows = _base_rows(rows if rows is not None else table)
    out = {k: [] for k in ("is_final", "status_label", "light_badge", "reason_text", "show_reason",
                           "completion_shown", "completion_text",
                           "show_projection", "projection_text", "still_needed_text", "final_text", "warnings",
                           "warning", "warning_detail", "demo", "baseline_shown", "baseline_demo",
                           "baseline_substitute", "baseline_source")}
    for r in table.to_dict("records"):
        ind = indicators[r["indicator_id"]]
        unit, decimals, target_year = ind["unit"], int(ind["decimals"]), ind.get("target_year")
        status = r.get("status") if isinstance(r.get("status"), str) else None
        final = status is not None and verdicts.is_final(r, target_year)
        shows = status is not None and verdicts.shows_projection(r, target_year)
        warnings = warning_reasons({**ind, **{k: v for k, v in r.items() if k not in ind}, "status": status,
                                    "target_value": r.get("target_value")}) if status else []
        facts = baseline_facts(r if status else {"scope": r.get("scope")}, ind, base_rows if status else {}, demo_ids)
        out["is_final"].append(final)
        out["status_label"].append(verdicts.status_label(status or "cannot_assess", final))
        out["light_badge"].append(charts.light_badge(verdicts.light_of(status)))
        meets = status is not None and verdicts.baseline_meets_target(r, ind)
        reason = "baseline_meets_target" if meets and not r.get("reason") else r.get("reason")
        out["reason_text"].append(verdicts.reason_text(reason))
        out["show_reason"].append(verdicts.shows_reason(status or "cannot_assess", reason))
        # before the base year there is no verdict (PROGRESS.md §3a), nor a completion to show beside it
        early = r.get("reason") == "before_base_year"
        out["completion_shown"].append(None if meets or early else _num(r.get("completion")))
        out["completion_text"].append(charts.pct_text(out["completion_shown"][-1]))
        out["show_projection"].append(shows)
        out["projection_text"].append(verdicts.apart_from_target(r.get("projection"), r.get("target_value"), unit, decimals)
                                      if shows else "—")
        out["still_needed_text"].append(charts.pct_text(r.get("still_needed")) if shows else "—")
        out["final_text"].append(verdicts.final_text(r, unit=unit, decimals=decimals,
                                                     higher_is_better=bool(ind.get("higher_is_better", True)))
                                 if final else "")
        out["warnings"].append(warnings)
        out["warning"].append(bool(warnings))
        # beside a verdict already in words, only what the words do not say (the projection's miss)
        out["warning_detail"].append([w for w in warnings if w != out["status_label"][-1]])
        out["demo"].append(bool(status) and rests_on_demo(r, demo_ids, base_rows))
        out["baseline_shown"].append(facts["text"])
        out["baseline_demo"].append(facts["demo"])
        out["baseline_substitute"].append(facts["substitute"])
        out["baseline_source"].append(facts["source"])
    return out


def indicator_records(indicators: pd.DataFrame) -> dict:
    return {r["indicator_id"]: r for r in indicators.to_dict("records")}


def status_table(indicators: pd.DataFrame, rows: pd.DataFrame, demo_ids: set[int] | None = None) -> pd.DataFrame:
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
    progress_view = pd.DataFrame({c: table[c] for c in latest.columns if c in table and c not in (
        "baseline_value", "baseline_year", "target_value")})
    progress_view = progress_view.assign(indicator_id=table["indicator_id"],
                                         baseline_value=table["row_baseline_value"],
                                         baseline_year=table["row_baseline_year"],
                                         target_value=table["assessed_target"])
    if "status" not in progress_view:
        progress_view["status"] = None
    words = verdict_columns(progress_view, indicator_records(indicators), rows=rows, demo_ids=demo_ids)
    table["status"] = table["status"].fillna("cannot_assess")
    table["reason"] = table["reason"].fillna("")
    table.loc[~table["has_data"], "reason"] = "no_data"
    table["light"] = [verdicts.light_of(s) if h else None for s, h in zip(table["status"], table["has_data"])]
    for column, values in words.items():
        table[column] = pd.Series(values, index=table.index, dtype=object)
    no_data = ~table["has_data"]
    table.loc[no_data, "reason_text"] = [verdicts.reason_text(r) for r in table.loc[no_data, "reason"]]
    table.loc[no_data, "show_reason"] = True
    table["warning"] = table["warning"].astype(bool)
    table["period_label"] = [period_label(y, q) if h else "" for y, q, h in
                             zip(table["year"], table["quarter"], table["has_data"])]
    units, decimals = table["unit"], table["decimals"]
    table["value_text"] = [charts.value_text(a if _num(a) is not None else v, u, d) for a, v, u, d in
                           zip(table["annual_value"], table["value"], units, decimals)]
    table["reported_text"] = [charts.value_text(v, u, d) for v, u, d in zip(table["value"], units, decimals)]
    table["target_value_text"] = [
        "—" if _num(t) is None else formatting.target_shown(t, u, d, kind=k, plan_value=_num(pv), plan_text=pt or "")
        for t, u, d, k, pv, pt in zip(table["assessed_target"], units, decimals, table["target_kind"],
                                      table["target_value"], table["target_text"])]
    table["baseline_value_text"] = table["baseline_shown"]
    table["time_share_text"] = [charts.pct_text(t) for t in table["time_share"]]
    table["base_year"] = pd.Series([int(b) if _num(b) is not None else (int(i) if _num(i) is not None else None)
                                    for b, i in zip(table["row_baseline_year"], table["baseline_year"])],
                                   index=table.index, dtype=object)
    shown = [_num(c) for c in table["completion_shown"]]
    table["completion_pct"] = pd.Series([None if c is None else max(0.0, min(100.0, c * 100)) for c in shown],
                                        index=table.index, dtype=object)
    table["time_share_pct"] = pd.Series([None if _num(t) is None else max(0.0, min(100.0, t * 100))
                                         for t in table["time_share"]], index=table.index, dtype=object)
    return table


def _english() -> bool:
    return charts._english()


def status_counts(table: pd.DataFrame) -> list[dict]:
    """How many indicators have each status: the plan's in-progress statuses always, the end-of-plan ones where
    any row has one; 已达标 reads 已完成 when every achieved figure is final."""
    counts = Counter(table["status"])
    finals = table["is_final"] if "is_final" in table else pd.Series(False, index=table.index)
    achieved = finals[table["status"] == "achieved"]
    all_final = bool(len(achieved)) and bool(achieved.astype(bool).all())
    return [{"status": s, "label": status_label(s, s == "achieved" and all_final), "count": counts.get(s, 0)}
            for s in STATUS_ORDER if s in verdicts.ALWAYS_COUNTED or counts.get(s)]


def as_of(frame: pd.DataFrame):
    """The newest (year, quarter) in a frame, or None."""
    if not len(frame):
        return None
    row = frame.sort_values(["year", "quarter"]).iloc[-1]
    return int(row["year"]), int(row["quarter"])


def spark_points(rows: pd.DataFrame, indicator: dict, demo_ids: set[int] | None = None) -> pd.DataFrame:
    """A card's trend: the plan's baseline, each year's assessed value and the newest (provisional) one, each
    marked demo where it rests on demo figures."""
    r = rows.sort_values(["year", "quarter"])
    measure = indicator["measure"]
    if measure in ("flow", "rate", "qualitative"):
        last = r.tail(1)
        r = pd.concat([r[r["quarter"] == 4], last[last["quarter"] != 4]])
        xs = [float(y) if q == 4 else charts.period_x(y, q) for y, q in zip(r["year"], r["quarter"])]
    else:
        xs = [charts.period_x(y, q) for y, q in zip(r["year"], r["quarter"])]
    demo = [is_demo(i, demo_ids or set()) for i in r["inputs"]] if "inputs" in r else [False] * len(r)
    points = pd.DataFrame({"x": xs, "y": list(r["annual_value"]),
                           "label": [period_label(y, q) for y, q in zip(r["year"], r["quarter"])],
                           "provisional": list(r["is_provisional"]), "demo": demo})
    b, vb = _num(indicator.get("baseline_year")), _num(indicator.get("baseline_value"))
    if measure not in ("rate", "qualitative") and b is not None and vb is not None and \
            not (len(points) and (points["x"] == b).any()):
        points = pd.concat([pd.DataFrame({"x": [b], "y": [vb], "label": [_("%(y)s年（基期）") % {"y": int(b)}],
                                          "provisional": [False], "demo": [False]}), points])
    return points.dropna(subset=["y"]).sort_values("x").reset_index(drop=True)


def scorecard(rows: pd.DataFrame, indicators: pd.DataFrame, districts: pd.DataFrame) -> pd.DataFrame:
    """Indicator × district lights, each indicator at its newest period with district rows, and a rank.

    Ranked as everywhere (``verdicts.district_ranks``): most green lights, then most yellow, then fewest red.
    """
    columns = ["district_code", "district_name", "district_name_en", "district_order", "indicator_id",
               "indicator_number", "indicator_name", "light", "status", "status_label", "completion", "time_share",
               "year", "quarter", "rank"]
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
    target_years = d["indicator_id"].map(names["target_year"])
    finals = [verdicts.is_final(r, ty) for r, ty in zip(d.to_dict("records"), target_years)]
    out = pd.DataFrame({
        "district_code": d["scope"].values, "district_name": d["scope"].map(dist["name"]).values,
        "district_name_en": d["scope"].map(dist["name_en" if "name_en" in dist else "name"]).values,
        "district_order": d["scope"].map(dist["order"]).values, "indicator_id": d["indicator_id"].values,
        "indicator_number": d["indicator_id"].map(names["number"]).values,
        "indicator_name": d["indicator_id"].map(names["name"]).values, "light": d["light"].values,
        "status": d["status"].values, "status_label": [status_label(s, f) for s, f in zip(d["status"], finals)],
        "completion": verdicts.completion_shown_column(d, indicators),
        "time_share": d["time_share"].values,
        "year": d["year"].values, "quarter": d["quarter"].values})
    lights = pd.crosstab(out["district_code"], out["light"]).reindex(
        index=districts["code"], columns=["green", "yellow", "red"], fill_value=0)
    ranks = verdicts.district_ranks({code: (int(g), int(y), int(r)) for code, g, y, r in zip(
        lights.index, lights["green"], lights["yellow"], lights["red"])})
    out["rank"] = out["district_code"].map(ranks)
    return out[columns].sort_values(["rank", "district_order", "indicator_number"])


# ------------------------------------------------------------------------------------------------ pages


def overview(plan: Plan) -> dict:
    """The overview page (4 queries, 5 with a province-assigned target): status counts, the 16 cards in 专栏6's
    order with sparklines, the warnings."""
    indicators = indicator_frame(plan)
    rows = progress_frame(plan, scope="city", with_inputs=True)
    demo_ids = demo_versions(plan)
    table = status_table(indicators, rows, demo_ids)
    by_indicator = {i: g for i, g in rows.groupby("indicator_id")} if len(rows) else {}
    demo_targets = figures.demo_assignments(plan) if (table["measure"] == "qualitative").any() else set()
    cards = []
    for record in table.to_dict("records"):
        record["target_demo"] = record["has_data"] and (
            record["indicator_id"], int(record["year"])) in demo_targets
        spark = spark_points(by_indicator[record["indicator_id"]], record, demo_ids) \
            if record["indicator_id"] in by_indicator else pd.DataFrame(columns=["x", "y", "label", "provisional"])
        record["spark"] = charts.sparkline(spark, unit=record["unit"], decimals=record["decimals"],
                                           light=record["light"])
        cards.append(record)
    return {"indicators": indicators, "table": table, "cards": cards, "counts": status_counts(table),
            "as_of": as_of(rows), "last_recompute": last_recompute(plan),
            "warnings": [c for c in cards if c["warning"]]}


def with_verdicts(frame: pd.DataFrame, indicators: dict, *, rows: pd.DataFrame | None = None,
                  demo_ids: set[int] | None = None) -> pd.DataFrame:
    """A copy of some progress rows with the words of their verdicts (``verdict_columns``) added."""
    frame = frame.copy()
    words = verdict_columns(frame, indicators, rows=rows, demo_ids=demo_ids)
    for column, values in words.items():
        frame[column] = pd.Series(values, index=frame.index, dtype=object)
    return frame


def _indicator_record(indicator: Indicator) -> dict:
    return {"indicator_id": indicator.id, "number": indicator.number, "name": indicator.name,
            "unit": indicator.unit, "measure": indicator.measure, "decimals": indicator.decimals,
            "higher_is_better": indicator.higher_is_better, "target_kind": indicator.target_kind,
            "target_year": indicator.target_year, "target_text": indicator.target_text,
            "tolerance": _num(indicator.tolerance), "baseline_value": _num(indicator.baseline_value),
            "baseline_year": indicator.baseline_year, "baseline_text": indicator.baseline_text}


def indicator_page(plan: Plan, indicator: Indicator, *, city_visible: bool, district_codes: set[str],
                   basis: str = Progress.Basis.LATEST) -> dict:
    """One indicator (4 queries besides the indicator itself): history, every period's rows, districts, demo ids."""
    history = pd.DataFrame(list(SeriesPoint.objects.filter(
        series__indicator=indicator, series__is_context=False).order_by("year").values("year", "value")),
        columns=["year", "value"])
    history["value"] = pd.to_numeric(history["value"], errors="coerce").astype(float)
    rows = progress_frame(plan, indicator_id=indicator.id, with_inputs=True, basis=basis)
    districts = district_frame(plan)
    demo_ids = demo_versions(plan, [indicator.id])
    info = {indicator.id: _indicator_record(indicator)}
    city = rows[rows["scope"] == "city"].copy() if city_visible else rows.iloc[0:0].copy()
    city["label"] = [period_label(y, q) for y, q in zip(city["year"], city["quarter"])]
    city = with_verdicts(city, info, rows=rows, demo_ids=demo_ids)
    if indicator.measure == "qualitative" and len(city):  # a province-assigned amount entered as demo data (1 query)
        demo_targets = figures.demo_assignments(plan)
        city["target_demo"] = [(indicator.id, int(y)) in demo_targets for y in city["year"]]
    latest = city.iloc[-1].to_dict() if len(city) else None
    dist_rows = rows[rows["scope"].isin(district_codes)]
    period = as_of(dist_rows)
    dist_latest = dist_rows[(dist_rows["year"] == period[0]) & (dist_rows["quarter"] == period[1])] \
        if period else dist_rows
    dist_latest = with_verdicts(dist_latest, info, rows=rows, demo_ids=demo_ids)
    names = dict(zip(districts["code"], districts["name"]))
    order = dict(zip(districts["code"], districts["order"]))
    names_en = dict(zip(districts["code"], districts["name_en"]))
    bars = pd.DataFrame({"code": dist_latest["scope"].values,
                         "name": [names.get(c, c) for c in dist_latest["scope"]],
                         "name_en": [names_en.get(c, c) for c in dist_latest["scope"]],
                         "value": dist_latest["value"].values,
                         "completion": dist_latest["completion_shown"].values if len(dist_latest) else [],
                         "light": dist_latest["light"].values, "status": dist_latest["status"].values,
                         "annual_value": dist_latest["annual_value"].values,
                         "order": [order.get(c, 99) for c in dist_latest["scope"]]})
    for column in ("status_label", "light_badge", "is_final", "completion_text", "final_text", "demo",
                   "baseline_shown", "baseline_demo", "reason_text", "show_reason"):
        bars[column] = dist_latest[column].values if len(dist_latest) else pd.Series(dtype=object)
    bars["completion"] = pd.to_numeric(bars["completion"], errors="coerce").astype(float)
    time_share = _num(dist_latest["time_share"].dropna().iloc[0]) if len(dist_latest["time_share"].dropna()) else None
    return {"history": history, "city": city, "latest": latest, "districts": bars.sort_values("order"),
            "district_period": period, "district_time_share": time_share, "rows": rows, "district_names": names}


def district_page(plan: Plan, district: District, *, visible_codes: set[str], year: int | None = None) -> dict:
    """A district's figures, shares of the city totals, reporting completeness and the scorecard (9 queries).

    Reads the district's own rows, the city's rows and, for the scorecard, only each indicator's newest district
    rows: never every district's history (at a province's scale that is hundreds of thousands of rows). The rank
    is over every district of the plan; the scorecard shows only the districts this user may see.
    """
    indicators = indicator_frame(plan)
    own = progress_frame(plan, scope=district.code, with_inputs=True)
    city_rows = progress_frame(plan, scope="city", with_inputs=True)
    districts = district_frame(plan)
    table = status_table(indicators[indicators["by_district"]], own, demo_versions(plan))
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
    everyone = scorecard(newest_rows, indicators, districts)
    score = everyone[everyone["district_code"].isin(visible_codes)]
    mine = everyone[everyone["district_code"] == district.code]
    rank = int(mine["rank"].iloc[0]) if len(mine) and not pd.isna(mine["rank"].iloc[0]) else None
    year = year or (as_of(own) or as_of(city_rows) or as_of(newest_rows) or (plan.end_year, 4))[0]
    return {"table": table, "scorecard": score, "rank": rank, "ranked": len(districts),
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
    columns = ["indicator_id", "scope", "year", "quarter", "light", "status", "reason", "completion", "time_share",
               "is_provisional", "baseline_value", "target_value"] + FINAL_COLUMNS
    return _typed(pd.DataFrame(list(district_rows.filter(wanted).values_list(*columns)), columns=columns))


def reporting_completeness(plan: Plan, district: District, year: int, indicators: pd.DataFrame) -> list[dict]:
    """Each quarter of the year: the submission's status and how many of the district's figures count, approved
    figures told apart from demo ones (演示数据, never reported) and from missing ones (2 queries)."""
    submissions = {s["quarter"]: s for s in Submission.objects.filter(plan=plan, district=district, year=year)
                   .values("quarter", "status", "submitted_at", "decided_at")}
    from indicators.figures.selectors import figure_counts

    counts = figure_counts(plan, year, district)
    counted = {quarter: real for (_district, quarter), (real, _demo) in counts.items() if real}
    demo = {quarter: n for (_district, quarter), (_real, n) in counts.items() if n}
    reported = indicators[indicators["by_district"]]
    labels = dict(Submission.Status.choices)
    out = []
    for quarter in range(1, 5):
        expected = int(((reported["quarterly"]) | (quarter == 4)).sum()) if len(reported) else 0
        sub = submissions.get(quarter)
        real, shown_demo = counted.get(quarter, 0), demo.get(quarter, 0)
        if sub:
            state, label = sub["status"], labels.get(sub["status"])
        elif real:
            state, label = "figures", _("已有审核数据（无报送记录）")
        elif shown_demo:
            state, label = "demo", _("演示数据（非填报，未经审核）")
        else:
            state, label = "missing", _("未报送")
        out.append({"quarter": quarter, "label": period_label(year, quarter), "status": sub["status"] if sub else "",
                    "state": state, "status_label": label, "submitted_at": sub["submitted_at"] if sub else None,
                    "counted": real, "demo": shown_demo, "expected": expected, "complete": real >= expected > 0})
    return out


def map_page(plan: Plan, indicator_id: int, *, visible_codes: set[str]) -> pd.DataFrame:
    """Each district's newest row of one indicator at the newest period any district has (3 queries)."""
    rows = progress_frame(plan, indicator_id=indicator_id, districts_only=True, with_inputs=True)
    rows = rows[rows["scope"].isin(visible_codes)]
    districts = district_frame(plan)
    indicator = indicator_records(indicator_frame(plan))
    period = as_of(rows)
    latest = rows[(rows["year"] == period[0]) & (rows["quarter"] == period[1])] if period else rows
    latest = with_verdicts(latest, indicator, rows=rows, demo_ids=demo_versions(plan, [indicator_id]))
    names = dict(zip(districts["code"], districts["name"]))
    names_en = dict(zip(districts["code"], districts["name_en"]))
    df = pd.DataFrame({"code": latest["scope"].values, "name": [names.get(c, c) for c in latest["scope"]],
                       "name_en": [names_en.get(c, c) for c in latest["scope"]],
                       "value": latest["value"].values, "annual_value": latest["annual_value"].values,
                       "completion": latest["completion_shown"].values if len(latest) else [],
                       "light": latest["light"].values, "status": latest["status"].values})
    df["completion"] = pd.to_numeric(df["completion"], errors="coerce").astype(float)
    for column in ("status_label", "light_badge", "is_final", "completion_text", "final_text", "demo",
                   "baseline_shown", "baseline_demo", "reason_text", "show_reason"):
        df[column] = latest[column].values if len(latest) else pd.Series(dtype=object)
    order = dict(zip(districts["code"], districts["order"]))
    df["order"] = [order.get(c, 99) for c in df["code"]]
    df.attrs["period"] = period
    # every district's name in the page's language, for the map's districts without a row and its points
    df.attrs["names"] = dict(zip(districts["code"], charts.local_names(districts)))
    return df.sort_values("order").reset_index(drop=True)


def review(plan: Plan, *, year: int, quarter: int = 4, basis: str = Progress.Basis.LATEST,
           visible_codes: set[str] | None = None) -> dict:
    """Every indicator's status as of the end of a year (annual, mid-term, final review) (6 queries)."""
    indicators = indicator_frame(plan)
    rows = progress_frame(plan, basis=basis, up_to=(year, quarter), districts_only=True)
    districts = district_frame(plan)
    city = progress_frame(plan, scope="city", basis=basis, up_to=(year, quarter), with_inputs=True)
    table = status_table(indicators, city, demo_versions(plan)).sort_values("number").reset_index(drop=True)
    everyone = scorecard(rows, indicators, districts)
    if visible_codes is not None:
        everyone = everyone[everyone["district_code"].isin(visible_codes)]
    return {"table": table, "counts": status_counts(table), "as_of": as_of(city),
            "scorecard": everyone, "last_recompute": last_recompute(plan),
            "warnings": table[table["warning"]].to_dict("records")}


def review_years(plan: Plan) -> list[int]:
    return list(range(plan.start_year, plan.end_year + 1))
