"""Progress toward the plan's targets: the method of PROGRESS.md as pure functions.

Numbers in, numbers out: no ORM, no request, no clock, no Django import, so the same figure is
computed identically for a dashboard, an export, a report sentence and a test.

Two layers:

* ``assess`` / ``assess_qualitative`` judge one figure (value, baseline, target, years) and return an
  ``Assessment``; the helpers (``time_share``, ``period_time``, ``quarter_only``, ``provisional_annual``,
  ``chain_index``, ``average_growth``, ``share_of_sums``) form the inputs the way PROGRESS.md §1 says.
* ``compute_progress`` applies them to DataFrames of indicators and approved observations and returns
  one row per indicator × scope (city or district) × period.

Comparisons at a boundary (target reached, light bands, status thresholds) allow for floating-point
noise of 1e-9, so that 7.6 reaches "8%左右" and a chained average of exactly 10% is not "＞10%".
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

STATUSES = ("achieved", "on_track", "acceleration_needed", "limited", "deterioration", "cannot_assess")
STATUS_LABELS_ZH = {
    "achieved": "已达标",
    "on_track": "进度正常",
    "acceleration_needed": "需加快",
    "limited": "进展有限",
    "deterioration": "倒退",
    "cannot_assess": "无法评估",
}
STATUS_LABELS_EN = {
    "achieved": "Target achieved",
    "on_track": "On track",
    "acceleration_needed": "Acceleration needed",
    "limited": "Limited progress",
    "deterioration": "Deterioration",
    "cannot_assess": "Cannot assess",
}
LIGHTS = ("green", "yellow", "red")

MEASURES = ("flow", "stock", "share", "rate", "index", "qualitative")
TARGET_KINDS = ("at_least", "about", "more_than", "qualitative")

# reason code -> (中文, English)
REASON_TEXTS = {
    "": ("", ""),
    "no_data": ("本期无已审核数据", "No approved figure for this period"),
    "no_target": ("未设定目标值", "No target value is set"),
    "no_baseline": ("缺少基期值", "No baseline value yet"),
    "no_years": ("缺少基期年、目标年或当期年份", "Base year, target year or period is missing"),
    "fewer_than_two_points": ("不足两个时点，基期以来尚无变化可比", "Fewer than two points: no time has passed since the base year"),
    "before_base_year": ("该期早于基期，不计入本规划进度", "The period is before the base year"),
    "sign_change": ("基期值与当期值（或目标值）正负相反，无法计算增速", "Baseline and value (or target) have opposite signs: growth cannot be computed"),
    "zero_baseline": ("基期值为零，无法计算增速", "The baseline is zero: growth cannot be computed"),
    "target_equals_baseline": ("目标值等于基期值，所需增速为零", "The target equals the baseline: required growth is zero"),
    "zero_target": ("目标增速为零，无法计算比值", "The target rate is zero: the ratio cannot be computed"),
    "no_provisional_estimate": ("缺少上年全年值或上年同期累计值，无法估算全年值", "Last year's annual value or same-period cumulative is missing: no provisional annual estimate"),
    "no_numerator_denominator": ("区县未填报分子分母，无法汇总比重", "Districts gave no numerator and denominator: the city share cannot be aggregated"),
    "incomplete_districts": ("部分区县数据未审核，汇总值不完整", "Not every district has an approved figure: the city aggregate is incomplete"),
    "incomplete_growth_chain": ("缺少此前某年的全年增速，无法连乘计算年均增速", "An earlier year's annual growth is missing: the average growth cannot be chained"),
    "below_assigned": ("未完成省下达目标任务", "Below the amount assigned by the province"),
    "no_assigned_amount": ("未录入省下达目标任务", "No assigned amount is recorded for this year"),
}
REASON_TEXTS_ZH = {code: zh for code, (zh, _en) in REASON_TEXTS.items()}
REASON_TEXTS_EN = {code: en for code, (_zh, en) in REASON_TEXTS.items()}

_EPS = 1e-9


@dataclass(frozen=True)
class Thresholds:
    on_track: float = 0.95
    acceleration: float = 0.6
    green_margin: float = 0.10
    yellow_margin: float = 0.30
    default_tolerance: float = 0.05  # fraction of the target for 左右


@dataclass(frozen=True)
class Assessment:
    """One figure judged against its target; every float is None when it cannot be computed."""

    value: float | None
    baseline: float | None
    target: float | None
    base_year: float | None
    target_year: float | None
    t: float | None
    completion: float | None
    time_share: float | None
    cagr_actual: float | None
    cagr_required: float | None
    ratio: float | None
    achieved: bool
    status: str
    reason: str
    reason_text_zh: str
    reason_text_en: str
    light: str | None
    projection: float | None
    still_needed: float | None
    behind_schedule: bool | None

    def as_dict(self) -> dict:
        """JSON-serialisable: floats rounded to 6 decimals, NaN/inf as None, numpy scalars as Python."""
        return {f.name: _json_scalar(getattr(self, f.name)) for f in fields(self)}


# ---------------------------------------------------------------------------------------------
# small numeric helpers


def _num(x: Any) -> float | None:
    """A finite float, or None for None/NaN/inf/pd.NA."""
    if x is None or x is pd.NA:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


finite = _num  # public name for the other pure modules (charts, review texts)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_EPS, abs_tol=_EPS)


def _ge(a: float, b: float) -> bool:
    return a >= b or _close(a, b)


def _json_scalar(x: Any) -> Any:
    if x is None or x is pd.NA:
        return None
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return round(f, 6) if math.isfinite(f) else None
    return x


def _jsonable(obj: Any) -> Any:
    """Recursively turn numpy scalars / NaN into JSON-friendly Python values (no rounding)."""
    kind = type(obj)  # exact-type fast paths first: this runs for every key of every row's inputs
    if kind is float:
        return obj if math.isfinite(obj) else None
    if kind is str or kind is int or kind is bool or obj is None:
        return obj
    if kind is dict:
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if kind is list:
        if all(type(v) is int for v in obj):
            return obj[:]
        return [_jsonable(v) for v in obj]
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if obj is None or obj is pd.NA:
        return None
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if math.isfinite(f) else None
    return obj


# ---------------------------------------------------------------------------------------------
# helpers of PROGRESS.md §1 and §3


def time_share(base_year, target_year, t) -> float | None:
    """τ = (t − b)/(T − b); None when a year is missing or T == b. Not clipped to [0, 1]."""
    b, T, tt = _num(base_year), _num(target_year), _num(t)
    if b is None or T is None or tt is None or T == b:
        return None
    return (tt - b) / (T - b)


def period_time(year, quarter, measure_kind: str) -> float:
    """The float year used as t for a (year, quarter) figure.

    Flows, rates and qualitative amounts are turned into an annual (or provisional annual) figure
    first, so t = year. Stocks, shares and index values are end-of-period readings:
    t = year − 1 + quarter/4 (Q4 2023 → 2023.0, Q2 2023 → 2022.5). A missing quarter means Q4.
    """
    q = _num(quarter)
    q = 4 if q is None else int(q)
    if q not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1..4, got {quarter!r}")
    y = _num(year)
    if y is None:
        raise ValueError("year is required")
    if measure_kind in ("flow", "rate", "qualitative"):
        return float(y)
    if measure_kind in ("stock", "share", "index"):
        return y - 1 + q / 4
    raise ValueError(f"unknown measure kind {measure_kind!r}")


def quarter_only(cum_prev, cum_this) -> float | None:
    """Single-quarter value of a cumulative year-to-date flow: this cumulative − the previous one.

    No previous cumulative (first quarter) → the cumulative itself.
    """
    this = _num(cum_this)
    if this is None:
        return None
    prev = _num(cum_prev)
    return this if prev is None else this - prev


def provisional_annual(last_year_annual, ytd_this, ytd_last_year) -> float | None:
    """Provisional annual value = last year's annual × YTD this year / same YTD last year."""
    last, this, prev = _num(last_year_annual), _num(ytd_this), _num(ytd_last_year)
    if last is None or this is None or prev is None or prev == 0:
        return None
    return last * this / prev


def chain_index(growth_by_year: Mapping[int, float], base_year) -> dict[int, float]:
    """Chain reported growths (percent) into an index with I_b = 1: I_y = I_{y−1} · (1 + g_y/100).

    Growths of years ≤ b are not used. The chain stops at the first missing year.
    """
    b = int(_num(base_year))
    growth = {int(y): _num(g) for y, g in growth_by_year.items()}
    out = {b: 1.0}
    idx, y = 1.0, b + 1
    while growth.get(y) is not None:
        idx *= 1 + growth[y] / 100
        out[y] = idx
        y += 1
    return out


def average_growth(index_t, years) -> float | None:
    """Average annual growth, as a fraction, of an index that started at 1: I_t^(1/years) − 1."""
    i, n = _num(index_t), _num(years)
    if i is None or n is None or n <= 0 or i <= 0:
        return None
    return i ** (1 / n) - 1


def share_of_sums(numerators: Iterable, denominators: Iterable) -> float | None:
    """Σnumerator / Σdenominator × 100, over the pairs where both are given; never the mean of shares."""
    nums, dens = list(numerators), list(denominators)
    if len(nums) != len(dens):
        raise ValueError("numerators and denominators differ in length")
    pairs = [(_num(n), _num(d)) for n, d in zip(nums, dens)]
    pairs = [(n, d) for n, d in pairs if n is not None and d is not None]
    total_den = sum(d for _n, d in pairs)
    if not pairs or total_den == 0:
        return None
    return sum(n for n, _d in pairs) / total_den * 100


def target_decomposition_gap(city_target, district_targets: list, measure: str) -> dict | None:
    """Sum of district targets vs the city target, for flows and stocks (None for other measures).

    gap = Σ district targets − city target (negative: the districts' targets do not cover the city's);
    gap_pct = gap / city target × 100. Missing district targets are skipped; with none, all are None.
    """
    if measure not in ("flow", "stock"):
        return None
    vals = [v for v in (_num(x) for x in district_targets) if v is not None]
    city = _num(city_target)
    total = sum(vals) if vals else None
    gap = total - city if total is not None and city is not None else None
    gap_pct = gap / city * 100 if gap is not None and city not in (None, 0) else None
    return {"sum": total, "gap": gap, "gap_pct": gap_pct, "districts": len(vals)}


# ---------------------------------------------------------------------------------------------
# one figure


def _is_achieved(v: float, target: float, d: int, kind: str, tol: float) -> bool:
    if kind == "at_least":
        return _ge(d * v, d * target)
    if kind == "about":
        return _ge(d * v, d * target - tol * abs(target))
    if kind == "more_than":
        return d * v > d * target and not _close(v, target)
    raise ValueError(f"unknown target kind {kind!r}")


def _light(achieved: bool, completion, tau, th: Thresholds) -> str | None:
    if achieved:
        return "green"
    if completion is None or tau is None:
        return None
    if _ge(completion, tau - th.green_margin):
        return "green"
    if _ge(completion, tau - th.yellow_margin):
        return "yellow"
    return "red"


def _status_from_ratio(r: float, th: Thresholds) -> str:
    if _ge(r, th.on_track):
        return "on_track"
    if _ge(r, th.acceleration):
        return "acceleration_needed"
    if _ge(r, 0.0):
        return "limited"
    return "deterioration"


def _elapsed_reason(b, tt) -> tuple[float | None, str]:
    if b is None or tt is None:
        return None, "no_years"
    elapsed = tt - b
    if elapsed < 0 and not _close(tt, b):
        return elapsed, "before_base_year"
    if _close(tt, b):
        return 0.0, "fewer_than_two_points"
    return elapsed, ""


def _level_figures(v, vb, vT, b, T, tt, d):
    out = dict.fromkeys(("completion", "cagr_actual", "cagr_required", "ratio", "projection", "still_needed"))
    if v is not None and vb is not None and vT is not None and vT != vb:
        out["completion"] = (v - vb) / (vT - vb)

    elapsed, reason = _elapsed_reason(b, tt)
    if reason != "before_base_year":
        if vb is None:
            reason = "no_baseline"
        elif reason:
            pass  # no_years, fewer_than_two_points
        elif vb == 0:
            reason = "zero_baseline"
        elif (v is not None and v * vb < 0) or (vT is not None and vT * vb < 0):
            reason = "sign_change"

    if not reason and v is not None:
        out["cagr_actual"] = (v / vb) ** (1 / elapsed) - 1
        if T is not None:
            out["projection"] = v * (1 + out["cagr_actual"]) ** (T - tt)
    if (vb is not None and vb != 0 and vT is not None and vT * vb >= 0
            and b is not None and T is not None and T > b):
        out["cagr_required"] = (vT / vb) ** (1 / (T - b)) - 1

    if not reason:
        if v is None:
            reason = "no_data"
        elif vT is None:
            reason = "no_target"
        elif out["cagr_required"] is None:
            reason = "no_years"
        elif out["cagr_required"] == 0:
            reason = "target_equals_baseline"
        else:
            sign = -1 if vb < 0 else 1
            out["ratio"] = sign * d * out["cagr_actual"] / abs(out["cagr_required"])

    if v is not None and vT is not None and v != 0 and tt is not None and T is not None and T > tt:
        if vT / v >= 0:
            out["still_needed"] = (vT / v) ** (1 / (T - tt)) - 1
    return out, reason


def _rate_figures(v, vT, b, T, tt, d):
    out = dict.fromkeys(("completion", "cagr_actual", "cagr_required", "ratio", "projection", "still_needed"))
    elapsed, reason = _elapsed_reason(b, tt)
    if reason:
        return out, reason
    if v is not None:
        out["cagr_actual"] = v / 100
        out["projection"] = v
    if vT is not None:
        out["cagr_required"] = vT / 100
    if v is None or vT is None or T is None:
        return out, ("no_data" if v is None else "no_target" if vT is None else "no_years")
    i_t = (1 + v / 100) ** elapsed
    i_T = (1 + vT / 100) ** (T - b)
    if i_T != 1:
        out["completion"] = (i_t - 1) / (i_T - 1)
    if T > tt and i_t > 0:
        out["still_needed"] = (i_T / i_t) ** (1 / (T - tt)) - 1
    if vT == 0:
        return out, "zero_target"
    out["ratio"] = d * v / abs(vT)
    return out, ""


def _with_reason(a: Assessment, reason: str, *, status: str | None = None) -> Assessment:
    zh, en = REASON_TEXTS.get(reason, (reason, reason))
    return replace(a, reason=reason, reason_text_zh=zh, reason_text_en=en,
                   status=status or a.status)


def assess(*, value, baseline, target, base_year, target_year, t, higher_is_better=True,
           target_kind="at_least", tolerance=None, measure="level", thresholds=Thresholds()) -> Assessment:
    """Judge one figure against its target (PROGRESS.md §2–§3).

    measure="level" (flows, stocks, shares, index values): C = (v_t − v_b)/(v_T − v_b),
    CAGR_a = (v_t/v_b)^(1/(t−b)) − 1, CAGR_r = (v_T/v_b)^(1/(T−b)) − 1, R = sign·d·CAGR_a/|CAGR_r|,
    projection v_t·(1+CAGR_a)^(T−t), still needed (v_T/v_t)^(1/(T−t)) − 1.

    measure="rate": ``value`` is the actual average annual growth over b..t in percent (7.2 = 7.2 %),
    ``target`` the target rate in percent; ``baseline`` is ignored (only echoed). R = d·value/|target|
    (= actual 年均增速 / target rate; the level formula applied to an index with I_b = 1).
    Completion is cumulative growth achieved vs cumulative growth required:
    C = (I_t − 1)/(I_T − 1) with I_t = (1+value/100)^(t−b), I_T = (1+target/100)^(T−b).
    cagr_actual = value/100, cagr_required = target/100, projection = value (the rate itself),
    still_needed = (I_T / I_t)^(1/(T−t)) − 1, the yearly growth (fraction) needed in the remaining
    years for the average over b..T to reach the target. A rate at t ≤ b is no average over the plan
    period, so it cannot be assessed (not even as achieved).

    Status order: no value → cannot_assess "no_data"; no target → "no_target"; achieved; R not
    computable → cannot_assess with the reason; else by R thresholds. Completion and the light are
    shown whenever computable, also when the status is cannot_assess (e.g. a sign change).
    """
    if measure not in ("level", "rate"):
        raise ValueError(f"measure must be 'level' or 'rate', got {measure!r}")
    if target_kind not in ("at_least", "about", "more_than"):
        raise ValueError(f"target kind {target_kind!r}: use assess_qualitative for qualitative targets")
    v, vb, vT = _num(value), _num(baseline), _num(target)
    b, T, tt = _num(base_year), _num(target_year), _num(t)
    d = 1 if higher_is_better else -1
    tol = _num(tolerance)
    tol = thresholds.default_tolerance if tol is None else tol
    tau = time_share(b, T, tt)

    if measure == "rate":
        figs, r_reason = _rate_figures(v, vT, b, T, tt, d)
        period_unassessable = r_reason in ("no_years", "before_base_year", "fewer_than_two_points")
    else:
        figs, r_reason = _level_figures(v, vb, vT, b, T, tt, d)
        period_unassessable = r_reason == "before_base_year"

    achieved = False
    if v is None:
        status, reason = "cannot_assess", "no_data"
    elif period_unassessable:
        status, reason = "cannot_assess", r_reason
    elif vT is None:
        status, reason = "cannot_assess", "no_target"
    elif _is_achieved(v, vT, d, target_kind, tol):
        achieved, status, reason = True, "achieved", ""
    elif figs["ratio"] is None:
        status, reason = "cannot_assess", r_reason or "no_data"
    else:
        status, reason = _status_from_ratio(figs["ratio"], thresholds), ""

    completion = figs["completion"]
    behind = None if completion is None or tau is None else not _ge(completion, tau)
    zh, en = REASON_TEXTS.get(reason, (reason, reason))
    return Assessment(
        value=v, baseline=vb, target=vT, base_year=b, target_year=T, t=tt,
        completion=completion, time_share=tau,
        cagr_actual=figs["cagr_actual"], cagr_required=figs["cagr_required"], ratio=figs["ratio"],
        achieved=achieved, status=status, reason=reason, reason_text_zh=zh, reason_text_en=en,
        light=_light(achieved, completion, tau, thresholds),
        projection=figs["projection"], still_needed=figs["still_needed"], behind_schedule=behind,
    )


def assess_qualitative(*, actual, assigned, year) -> Assessment:
    """A year of a qualitative target (完成省下达目标任务): achieved when actual ≥ the assigned amount.

    Below → acceleration_needed ("below_assigned"), red; achieved → green. No assigned amount →
    cannot_assess ("no_assigned_amount"). completion = actual / assigned (share of the task done).
    """
    v, a, y = _num(actual), _num(assigned), _num(year)
    achieved, light = False, None
    if a is None:
        status, reason = "cannot_assess", "no_assigned_amount"
    elif v is None:
        status, reason = "cannot_assess", "no_data"
    elif _ge(v, a):
        achieved, status, reason, light = True, "achieved", "", "green"
    else:
        status, reason, light = "acceleration_needed", "below_assigned", "red"
    completion = v / a if v is not None and a not in (None, 0) else None
    zh, en = REASON_TEXTS[reason]
    return Assessment(
        value=v, baseline=None, target=a, base_year=None, target_year=None, t=y,
        completion=completion, time_share=None, cagr_actual=None, cagr_required=None, ratio=None,
        achieved=achieved, status=status, reason=reason, reason_text_zh=zh, reason_text_en=en,
        light=light, projection=None, still_needed=None, behind_schedule=None,
    )


# ---------------------------------------------------------------------------------------------
# the engine over DataFrames

OUTPUT_COLUMNS = [
    "indicator_id", "district_id", "scope", "year", "quarter", "value", "quarter_value", "annual_value",
    "is_provisional", "baseline_year", "baseline_value", "target_value", "target_source", "t",
    "completion", "time_share", "cagr_actual", "cagr_required", "ratio", "achieved", "status", "reason",
    "light", "projection", "still_needed", "inputs",
]
_FLOAT_COLUMNS = [
    "value", "quarter_value", "annual_value", "baseline_year", "baseline_value", "target_value", "t",
    "completion", "time_share", "cagr_actual", "cagr_required", "ratio", "projection", "still_needed",
]
_AGGREGATED = ("flow", "stock", "share")


@dataclass
class _Period:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    reason: str = ""  # why the value cannot be used (incomplete aggregate, no numerator/denominator)
    inputs: dict | None = None

    @property
    def usable(self) -> bool:
        return self.value is not None and not self.reason


def _clean_observations(observations: pd.DataFrame) -> pd.DataFrame:
    columns = ["indicator_id", "district_id", "year", "quarter", "value", "numerator", "denominator"]
    if "version_id" in observations.columns:  # optional: recorded in ``inputs`` for traceability
        columns.append("version_id")
    obs = observations.loc[:, columns].copy()
    if "version_id" not in obs.columns:
        obs["version_id"] = None
    for col in ("district_id", "year", "quarter", "value", "numerator", "denominator"):
        obs[col] = pd.to_numeric(obs[col], errors="coerce").astype("float64")
    obs["quarter"] = obs["quarter"].fillna(4)
    obs = obs[obs["year"].notna()]
    obs["year"] = obs["year"].astype("int64")
    obs["quarter"] = obs["quarter"].astype("int64")
    obs["_d"] = obs["district_id"].fillna(-1)
    keys = ["indicator_id", "_d", "year", "quarter"]
    dup = obs.duplicated(keys, keep=False)
    if dup.any():
        raise ValueError("more than one observation per indicator × scope × year × quarter: "
                         + obs.loc[dup, keys].drop_duplicates().to_string(index=False))
    # canonical order, so that sums are added in the same order whatever the input order was
    return obs.sort_values(keys, kind="mergesort").reset_index(drop=True)


def _own_periods(years, quarters, values, numerators, denominators, versions, measure: str,
                 source: str) -> dict[tuple[int, int], _Period]:
    periods = {}
    for year, quarter, value, num, den, version in zip(years, quarters, values, numerators, denominators, versions):
        v, n, d = _num(value), _num(num), _num(den)
        inputs: dict = {"source": source}
        if _num(version) is not None:
            inputs["version_id"] = int(_num(version))
        if measure == "share" and (n is not None or d is not None):
            inputs.update(numerator=n, denominator=d)
            if v is None and n is not None and d not in (None, 0):
                v = n / d * 100
        periods[(int(year), int(quarter))] = _Period(v, n, d, "", inputs)
    return periods


AGGREGATE_COLUMNS = ["indicator_id", "year", "quarter", "value", "numerator", "denominator", "districts",
                     "districts_expected", "version_ids"]


def aggregate_district_rows(dist: pd.DataFrame, measure) -> pd.DataFrame:
    """City aggregates per (year, quarter) of district rows (in canonical order): the value (the sum, or
    Σnumerator/Σdenominator × 100 for shares), Σnumerator and Σdenominator (shares), the number of districts
    counted, the number expected (every district with a figure of the indicator) and the version ids.

    ``measure``: the measure of the one indicator of ``dist`` (columns AGGREGATE_COLUMNS without indicator_id),
    or {indicator_id: measure} for rows of several indicators (columns AGGREGATE_COLUMNS).
    ``compute_progress`` can be given these rows instead of the district rows (``city_aggregates``): an
    incremental recompute keeps the aggregates of unchanged periods and recomputes only the changed one.
    """
    single = isinstance(measure, str)
    ids = dist["indicator_id"].to_numpy() if "indicator_id" in dist else np.zeros(len(dist), dtype=np.int64)
    expected = pd.Series(dist["district_id"].to_numpy()).groupby(ids).nunique().to_dict() if len(dist) else {}
    values, numerators, denominators = (dist[c].to_numpy(dtype="float64")
                                        for c in ("value", "numerator", "denominator"))
    versions = dist["version_id"].to_numpy()
    groups = pd.DataFrame({"i": ids, "y": dist["year"].to_numpy(), "q": dist["quarter"].to_numpy()}).groupby(
        ["i", "y", "q"], sort=True).indices
    rows = []
    for ind_id, year, quarter in sorted(groups):
        at = groups[(ind_id, year, quarter)]
        # exact sums (math.fsum): the same total whatever the order or grouping of the rows, so an incremental
        # recompute of one quarter gives the city figure a full recompute gives
        if (measure if single else measure[ind_id]) == "share":
            ok = at[~np.isnan(numerators[at]) & ~np.isnan(denominators[at])]
            n = len(ok)
            num, den = math.fsum(numerators[ok]), math.fsum(denominators[ok])
            value = num / den * 100 if n and den != 0 else None
        else:
            present = values[at][~np.isnan(values[at])]
            n = len(present)
            value, num, den = (math.fsum(present) if n else None), None, None
        ids_ = [int(v) for v in versions[at] if _num(v) is not None]
        rows.append((ind_id, int(year), int(quarter), value, num, den, n, int(expected[ind_id]), ids_ or None))
    frame = pd.DataFrame(rows, columns=AGGREGATE_COLUMNS)
    return frame.drop(columns="indicator_id") if single else frame


def _aggregate_periods(agg, measure: str) -> dict[tuple[int, int], _Period]:
    """_Period per (year, quarter) from aggregate rows (see ``aggregate_district_rows``): a frame, or a mapping
    of its columns to arrays."""
    periods = {}
    for year, quarter, value, num, den, n, expected, version_ids in zip(
            agg["year"], agg["quarter"], agg["value"], agg["numerator"], agg["denominator"], agg["districts"],
            agg["districts_expected"], agg["version_ids"]):
        n, expected = int(n), int(expected)
        inputs: dict = {"source": "district_aggregate", "districts": n, "districts_expected": expected}
        if isinstance(version_ids, list) and version_ids:
            inputs["version_ids"] = version_ids
        reason = ""
        value = _num(value)
        if measure == "share":
            num, den = float(num) if num is not None else math.nan, float(den) if den is not None else math.nan
            inputs.update(numerator=num if n else None, denominator=den if n else None)
            if n == 0:
                reason = "no_numerator_denominator"
        else:
            num = den = None
        if not reason and n < expected:
            reason = "incomplete_districts"
        periods[(int(year), int(quarter))] = _Period(value, num, den, reason, inputs)
    return periods


def _annual(periods: Mapping, year: int) -> float | None:
    p = periods.get((year, 4))
    return p.value if p is not None and p.usable else None


def _blank(a: Assessment, reason: str) -> Assessment:
    return _with_reason(replace(a, achieved=False, light=None), reason, status="cannot_assess")


def _indicator_rows(ind: Mapping, obs: Mapping[str, np.ndarray], district_targets: Mapping,
                    assignments: Mapping, th: Thresholds, aggregates=None,
                    from_period: tuple[int, int] | None = None) -> list[dict]:
    ind_id = ind["indicator_id"]
    measure = ind["measure"]
    if measure not in MEASURES:
        raise ValueError(f"indicator {ind_id}: unknown measure {measure!r}")
    kind = ind["target_kind"]
    higher = _num(ind.get("direction")) != -1
    tolerance = _num(ind.get("tolerance"))
    by_district = _num(ind.get("by_district")) not in (None, 0.0)
    base_year, T = _num(ind.get("base_year")), _num(ind.get("target_year"))
    b = _num(ind.get("baseline_year"))
    b = base_year if b is None else b
    b_int = None if b is None else int(b)
    city_target = _num(ind.get("target_value"))
    given_baseline = _num(ind.get("baseline_value"))
    if from_period is not None and (b_int is None or from_period <= (b_int, 4)):
        from_period = None  # the base-year figure is every period's baseline (and implied targets)

    is_city = np.isnan(obs["district_id"])
    columns = [obs[c] for c in ("year", "quarter", "value", "numerator", "denominator", "version_id")]
    scopes: dict[int | None, dict] = {}
    city = _own_periods(*(c[is_city].tolist() for c in columns), measure, "observation")
    if by_district and measure in _AGGREGATED and (aggregates is not None or not is_city.all()):
        if aggregates is None:
            aggregates = aggregate_district_rows(pd.DataFrame({c: a[~is_city] for c, a in obs.items()}), measure)
        for key, agg in _aggregate_periods(aggregates, measure).items():
            if key in city and city[key].value is not None:  # a published city figure wins
                city[key].inputs.update(source="published_city_figure", aggregate=agg.value,
                                        districts=agg.inputs["districts"],
                                        districts_expected=agg.inputs["districts_expected"])
                if "version_ids" in agg.inputs:
                    city[key].inputs["aggregate_version_ids"] = agg.inputs["version_ids"]
            else:
                city[key] = agg
    if city:
        scopes[None] = city
    # district rows are contiguous and in district order (canonical sort): slice them instead of a groupby
    district_column = obs["district_id"][~is_city]
    if len(district_column):
        lists = [c[~is_city].tolist() for c in columns]
        starts = np.flatnonzero(np.r_[True, district_column[1:] != district_column[:-1]]).tolist()
        for start, stop in zip(starts, starts[1:] + [len(district_column)]):
            scopes[int(district_column[start])] = _own_periods(*(c[start:stop] for c in lists), measure,
                                                               "district")

    # city baseline (also needed for implied district targets, even without city rows)
    if given_baseline is not None:
        city_baseline, city_baseline_source = given_baseline, "indicator"
    else:
        city_baseline = _annual(city, b_int) if b_int is not None else None
        city_baseline_source = "observed" if city_baseline is not None else None

    out = []
    for did, periods in scopes.items():
        if did is None:
            baseline, baseline_source = city_baseline, city_baseline_source
            target, target_source = city_target, ("city" if city_target is not None else None)
        else:
            baseline = _annual(periods, b_int) if b_int is not None else None
            baseline_source = "observed" if baseline is not None else None
            target, target_source = _num(district_targets.get((ind_id, did))), "district"
            if target is None:
                target_source = None
                if measure in ("share", "rate", "index") and city_target is not None:
                    target, target_source = city_target, "city"
                elif (measure in ("flow", "stock") and baseline is not None and city_baseline
                      and city_target is not None):
                    target = baseline * city_target / city_baseline
                    target_source = "implied_proportional"
        if measure == "rate":
            baseline, baseline_source = (given_baseline, "indicator") if did is None else (None, None)
        growth_q4 = {y: p.value for (y, q), p in periods.items() if q == 4 and p.usable}

        for (year, quarter) in sorted(periods):
            if from_period is not None and (year, quarter) < from_period:
                continue
            p = periods[(year, quarter)]
            inputs = dict(p.inputs or {})
            quarter_value, annual, provisional, forced = None, None, False, p.reason
            if p.value is None and not forced:
                forced = "no_data"
            t = period_time(year, quarter, measure)

            if measure == "qualitative":
                assigned = assignments.get((ind_id, year)) if did is None else district_targets.get((ind_id, did))
                assigned = _num(assigned)
                a = assess_qualitative(actual=p.value, assigned=assigned, year=year)
                inputs["assigned"] = assigned
                out.append(_row(ind_id, did, year, quarter, p.value, None, p.value, quarter < 4, None, a,
                                "assignment" if did is None and assigned is not None
                                else "district" if assigned is not None else None, inputs))
                continue

            if measure == "flow":
                if p.usable:
                    prev = periods.get((year, quarter - 1)) if quarter > 1 else None
                    if quarter == 1:
                        quarter_value = p.value
                    elif prev is not None and prev.usable:
                        quarter_value = quarter_only(prev.value, p.value)
                        inputs["cumulative_prev"] = prev.value
                if quarter == 4:
                    annual = p.value if p.usable else None
                else:
                    provisional = True
                    last_annual = _annual(periods, year - 1)
                    ly = periods.get((year - 1, quarter))
                    ytd_last = ly.value if ly is not None and ly.usable else None
                    inputs.update(last_year_annual=last_annual, ytd_last_year=ytd_last)
                    if p.usable:
                        annual = provisional_annual(last_annual, p.value, ytd_last)
                        if annual is None:
                            forced = "no_provisional_estimate"
            elif measure == "rate":
                provisional = quarter < 4
                if p.usable and b_int is not None and year > b_int:
                    growths = {y: growth_q4.get(y) for y in range(b_int + 1, year)}
                    growths[year] = p.value
                    inputs["growths"] = growths
                    if any(g is None for g in growths.values()):
                        forced = "incomplete_growth_chain"
                    else:
                        index_t = chain_index(growths, b_int)[year]
                        inputs["index"] = index_t
                        annual = average_growth(index_t, year - b_int) * 100
                elif p.usable and b_int is not None:
                    forced = "fewer_than_two_points" if year == b_int else "before_base_year"
            else:  # stock, share, index: the period's own reading
                annual = p.value if p.usable else None

            a = assess(value=annual, baseline=baseline, target=target, base_year=b, target_year=T, t=t,
                       higher_is_better=higher, target_kind=kind, tolerance=tolerance,
                       measure="rate" if measure == "rate" else "level", thresholds=th)
            if forced:
                a = _blank(a, forced)
            inputs["baseline_source"] = baseline_source
            out.append(_row(ind_id, did, year, quarter, p.value, quarter_value, annual, provisional,
                            b, a, target_source, inputs))
    return out


def _row(ind_id, did, year, quarter, value, quarter_value, annual, provisional, b, a: Assessment,
         target_source, inputs) -> dict:
    return {
        "indicator_id": ind_id, "district_id": did, "scope": "city" if did is None else f"d{did}",
        "year": int(year), "quarter": int(quarter), "value": value, "quarter_value": quarter_value,
        "annual_value": annual, "is_provisional": bool(provisional), "baseline_year": b,
        "baseline_value": a.baseline, "target_value": a.target,
        "target_source": target_source if a.target is not None else None, "t": a.t,
        "completion": a.completion, "time_share": a.time_share, "cagr_actual": a.cagr_actual,
        "cagr_required": a.cagr_required, "ratio": a.ratio, "achieved": bool(a.achieved),
        "status": a.status, "reason": a.reason, "light": a.light, "projection": a.projection,
        "still_needed": a.still_needed, "inputs": _jsonable(inputs),
    }


def progress_rows(indicators: pd.DataFrame, observations: pd.DataFrame, district_targets: pd.DataFrame,
                  assignments: pd.DataFrame, thresholds: Thresholds = Thresholds(),
                  city_aggregates: pd.DataFrame | None = None,
                  from_period: tuple[int, int] | None = None) -> list[dict]:
    """The rows of ``compute_progress`` as plain dicts, before they are put in a frame (None where the frame
    holds NaN): what a writer streaming many rows to the database needs, without the frame's round trip.

    ``city_aggregates`` (columns AGGREGATE_COLUMNS, see ``aggregate_district_rows``): for the indicators it
    names, the city's district aggregates are taken from it instead of from the district rows, so an
    incremental recompute can pass only the districts it recomputes.

    ``from_period`` (year, quarter): only rows of that period and later — all that a change of figures of that
    period can alter (a row uses its own period, earlier ones and the base-year figure; a change at or before the
    base-year figure gives every period, as without from_period).
    """
    if indicators["indicator_id"].duplicated().any():
        raise ValueError("indicator_id must be unique in indicators")
    obs = _clean_observations(observations)
    # numpy columns sliced per indicator: a DataFrame per indicator costs more than its rows
    arrays = {c: obs[c].to_numpy() for c in ("indicator_id", "district_id", "year", "quarter", "value", "numerator",
                                             "denominator", "version_id")}
    obs_by_ind = {k: {c: a[at] for c, a in arrays.items()}
                  for k, at in obs.groupby("indicator_id", sort=False).indices.items()}
    empty = {c: a[:0] for c, a in arrays.items()}
    given = {}
    if city_aggregates is not None and len(city_aggregates):
        columns = {c: city_aggregates[c].to_numpy() for c in AGGREGATE_COLUMNS[1:]}
        for k, at in city_aggregates.groupby("indicator_id", sort=False).indices.items():
            given[k] = {c: column[at] for c, column in columns.items()}

    dt = {}
    for i, d, v in zip(district_targets["indicator_id"], district_targets["district_id"],
                       district_targets["target_value"]):
        if _num(d) is not None and _num(v) is not None:
            dt[(i, int(_num(d)))] = _num(v)
    asg = {}
    for i, y, v in zip(assignments["indicator_id"], assignments["year"], assignments["assigned_value"]):
        if _num(y) is not None and _num(v) is not None:
            asg[(i, int(_num(y)))] = _num(v)

    rows: list[dict] = []
    for record in indicators.sort_values("indicator_id", kind="mergesort").to_dict("records"):
        rows.extend(_indicator_rows(record, obs_by_ind.get(record["indicator_id"], empty), dt, asg, thresholds,
                                    given.get(record["indicator_id"]), from_period))
    return rows


def compute_progress(indicators: pd.DataFrame, observations: pd.DataFrame, district_targets: pd.DataFrame,
                     assignments: pd.DataFrame, thresholds: Thresholds = Thresholds(),
                     city_aggregates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Progress rows for every indicator × scope (city, each district with data) × (year, quarter).

    Pure: same frames in, identical frame out (rows sorted by indicator_id, city before districts,
    district_id, year, quarter). Float columns hold NaN when not computable; district_id, light and
    target_source hold None; ``inputs`` is a JSON-serialisable dict of what each row used.
    """
    rows = progress_rows(indicators.copy(), observations, district_targets, assignments, thresholds,
                         city_aggregates)
    frame = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    for col in _FLOAT_COLUMNS:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    frame["district_id"] = pd.Series([None if pd.isna(x) else int(x) for x in frame["district_id"]],
                                     index=frame.index, dtype="object")
    for col in ("target_source", "light", "inputs"):
        frame[col] = pd.Series([None if x is None or (isinstance(x, float) and math.isnan(x)) else x
                                for x in frame[col]], index=frame.index, dtype="object")
    frame["year"] = frame["year"].astype("int64")
    frame["quarter"] = frame["quarter"].astype("int64")
    frame["achieved"] = frame["achieved"].astype("bool")
    frame["is_provisional"] = frame["is_provisional"].astype("bool")
    frame["status"] = frame["status"].astype("object")
    frame["reason"] = frame["reason"].astype("object")
    frame["scope"] = frame["scope"].astype("object")

    order = pd.Series([-1 if d is None else d for d in frame["district_id"]], index=frame.index)
    frame = (frame.assign(_order=order)
             .sort_values(["indicator_id", "_order", "year", "quarter"], kind="mergesort")
             .drop(columns="_order").reset_index(drop=True))
    return frame


def progress_records(frame: pd.DataFrame) -> list[dict]:
    """Rows of a compute_progress frame as plain dicts (NaN → None, numpy → Python), e.g. to store them."""
    return [_jsonable(r) for r in frame.to_dict("records")]
