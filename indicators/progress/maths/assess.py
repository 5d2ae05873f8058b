"""One figure judged: the method's constants, thresholds and ``assess`` / ``assess_arrays``.

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
from dataclasses import dataclass, fields
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


def jsonable(obj: Any) -> Any:
    """Recursively turn numpy scalars / NaN into JSON-friendly Python values (no rounding)."""
    kind = type(obj)  # exact-type fast paths first: this runs for every key of every row's inputs
    if kind is float:
        return obj if math.isfinite(obj) else None
    if kind is str or kind is int or kind is bool or obj is None:
        return obj
    if kind is dict:
        return {str(k): jsonable(v) for k, v in obj.items()}
    if kind is list:
        if all(type(v) is int for v in obj):
            return obj[:]
        return [jsonable(v) for v in obj]
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
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
# figures judged against their targets, over arrays (PROGRESS.md §2–§3); ``assess`` is one element of it


def _close_arr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) elementwise; False where either is NaN."""
    return np.abs(a - b) <= np.maximum(_EPS * np.maximum(np.abs(a), np.abs(b)), _EPS)


def _ge_arr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a >= b) | _close_arr(a, b)


def _achieved_arr(v, target, d, kind, tol) -> np.ndarray:
    dv, dt = d * v, d * target
    with np.errstate(invalid="ignore"):
        reached = np.select(
            [kind == "at_least", kind == "about", kind == "more_than"],
            [_ge_arr(dv, dt), _ge_arr(dv, dt - tol * np.abs(target)), (dv > dt) & ~_close_arr(v, target)], False)
    return reached & ~np.isnan(v) & ~np.isnan(target)


def is_achieved(v: float, target: float, d: int, kind: str, tol: float) -> bool:
    if kind not in ("at_least", "about", "more_than"):
        raise ValueError(f"unknown target kind {kind!r}")
    one = lambda x: np.array([x], dtype="float64")  # noqa: E731
    return bool(_achieved_arr(one(v), one(target), one(d), np.array([kind], dtype=object), one(tol))[0])


def _status_from_ratio_arr(r: np.ndarray, th: Thresholds) -> np.ndarray:
    return np.select([_ge_arr(r, th.on_track), _ge_arr(r, th.acceleration), _ge_arr(r, 0.0)],
                     ["on_track", "acceleration_needed", "limited"], "deterioration").astype(object)


def _elapsed_arr(b, tt) -> tuple[np.ndarray, np.ndarray]:
    """Years since the base year and the reason they cannot be used: no_years, before_base_year,
    fewer_than_two_points (t = b: elapsed 0), or ""."""
    no_years = np.isnan(b) | np.isnan(tt)
    same = _close_arr(tt, b)
    before = ~no_years & (tt - b < 0) & ~same
    reason = np.select([no_years, before, ~no_years & same], ["no_years", "before_base_year", "fewer_than_two_points"],
                       "").astype(object)
    return np.where(no_years, np.nan, np.where(same, 0.0, tt - b)), reason


def _level_arr(v, vb, vT, b, T, tt, d, elapsed, e_reason):
    """Figures of a level (flow, stock, share, index): completion, growths, ratio, projection, still needed."""
    has = lambda x: ~np.isnan(x)  # noqa: E731
    completion = np.where(has(v) & has(vb) & has(vT) & (vT != vb), (v - vb) / (vT - vb), np.nan)
    reason = e_reason.copy()
    checked = (reason != "before_base_year")
    open_ = checked & has(vb) & (reason == "")
    reason[checked & np.isnan(vb)] = "no_baseline"
    reason[open_ & (vb == 0)] = "zero_baseline"
    reason[open_ & (vb != 0) & ((has(v) & (v * vb < 0)) | (has(vT) & (vT * vb < 0)))] = "sign_change"
    ok = reason == ""
    cagr_actual = np.where(ok & has(v), (v / vb) ** (1 / elapsed) - 1, np.nan)
    projection = np.where(ok & has(v) & has(T), v * (1 + cagr_actual) ** (T - tt), np.nan)
    cagr_required = np.where(has(vb) & (vb != 0) & has(vT) & (vT * vb >= 0) & has(b) & has(T) & (T > b),
                             (vT / vb) ** (1 / (T - b)) - 1, np.nan)
    reason[ok & np.isnan(v)] = "no_data"
    reason[ok & has(v) & np.isnan(vT)] = "no_target"
    reason[ok & has(v) & has(vT) & np.isnan(cagr_required)] = "no_years"
    reason[ok & has(v) & has(vT) & (cagr_required == 0)] = "target_equals_baseline"
    rated = ok & has(v) & has(vT) & has(cagr_required) & (cagr_required != 0)
    ratio = np.where(rated, np.where(vb < 0, -1.0, 1.0) * d * cagr_actual / np.abs(cagr_required), np.nan)
    still_needed = np.where(has(v) & has(vT) & (v != 0) & has(tt) & has(T) & (T > tt) & (vT / v >= 0),
                            (vT / v) ** (1 / (T - tt)) - 1, np.nan)
    return (completion, cagr_actual, cagr_required, ratio, projection, still_needed), reason


def _rate_arr(v, vT, b, T, tt, d, elapsed, e_reason):
    """Figures of a rate: ``v`` the actual average growth since b in percent, ``vT`` the target rate."""
    has = lambda x: ~np.isnan(x)  # noqa: E731
    reason = e_reason.copy()
    ok = reason == ""
    cagr_actual = np.where(ok & has(v), v / 100, np.nan)
    projection = np.where(ok & has(v), v, np.nan)
    cagr_required = np.where(ok & has(vT), vT / 100, np.nan)
    reason[ok & np.isnan(v)] = "no_data"
    reason[ok & has(v) & np.isnan(vT)] = "no_target"
    reason[ok & has(v) & has(vT) & np.isnan(T)] = "no_years"
    full = ok & has(v) & has(vT) & has(T)
    index_t = (1 + v / 100) ** elapsed
    index_T = (1 + vT / 100) ** (T - b)
    completion = np.where(full & (index_T != 1), (index_t - 1) / (index_T - 1), np.nan)
    still_needed = np.where(full & (T > tt) & (index_t > 0), (index_T / index_t) ** (1 / (T - tt)) - 1, np.nan)
    reason[full & (vT == 0)] = "zero_target"
    ratio = np.where(full & (vT != 0), d * v / np.abs(vT), np.nan)
    return (completion, cagr_actual, cagr_required, ratio, projection, still_needed), reason


def assess_arrays(*, value, baseline, target, base_year, target_year, t, direction, target_kind, tolerance, rate,
                  thresholds: Thresholds = Thresholds()) -> dict[str, np.ndarray]:
    """``assess`` over arrays of equal length (NaN where a number is missing): the engine judges every row of a
    plan at once. ``direction`` ±1, ``target_kind`` at_least / about / more_than, ``rate`` True for a rate
    (else a level), ``tolerance`` NaN for the default. Returns completion, time_share, cagr_actual,
    cagr_required, ratio, projection, still_needed (floats with NaN), ``achieved``
    bool, ``status`` / ``reason`` str, ``light`` str or None, ``behind_schedule`` True / False / None."""
    f = lambda x: np.asarray(x, dtype="float64")  # noqa: E731
    v, vb, vT, b, T, tt, d, tol = (f(x) for x in (value, baseline, target, base_year, target_year, t, direction,
                                                   tolerance))
    kind, rate = np.asarray(target_kind, dtype=object), np.asarray(rate, dtype=bool)
    unknown = set(kind.tolist()) - {"at_least", "about", "more_than"}
    if unknown:
        raise ValueError(f"target kind {sorted(unknown)!r}: use assess_qualitative for qualitative targets")
    th = thresholds
    tol = np.where(np.isnan(tol), th.default_tolerance, tol)
    with np.errstate(all="ignore"):
        tau = np.where(~np.isnan(b) & ~np.isnan(T) & ~np.isnan(tt) & (T != b), (tt - b) / (T - b), np.nan)
        elapsed, e_reason = _elapsed_arr(b, tt)
        level, level_reason = _level_arr(v, vb, vT, b, T, tt, d, elapsed, e_reason)
        rated, rate_reason = _rate_arr(v, vT, b, T, tt, d, elapsed, e_reason)
        completion, cagr_actual, cagr_required, ratio, projection, still_needed = (
            np.where(rate, r, lv) for r, lv in zip(rated, level))
        figures_reason = np.where(rate, rate_reason, level_reason)
        unassessable = np.where(rate, np.isin(rate_reason, ["no_years", "before_base_year", "fewer_than_two_points"]),
                                level_reason == "before_base_year")
        reached = _achieved_arr(v, vT, d, kind, tol)
        no_value, no_target, no_ratio = np.isnan(v), np.isnan(vT), np.isnan(ratio)
        cases = [no_value, unassessable, no_target, reached, no_ratio]
        status = np.select(cases, ["cannot_assess"] * 3 + ["achieved", "cannot_assess"], "").astype(object)
        reason = np.select(cases, ["no_data", figures_reason, "no_target", "",
                                   np.where(figures_reason == "", "no_data", figures_reason)], "").astype(object)
        by_ratio = status == ""
        status[by_ratio] = _status_from_ratio_arr(ratio[by_ratio], th)
        achieved = status == "achieved"
        judged = ~np.isnan(completion) & ~np.isnan(tau)
        light = np.select([achieved, ~judged, _ge_arr(completion, tau - th.green_margin),
                           _ge_arr(completion, tau - th.yellow_margin)], ["green", "", "green", "yellow"], "red")
        behind = np.where(judged, ~_ge_arr(completion, tau), False)
    return {"completion": completion, "time_share": tau, "cagr_actual": cagr_actual, "cagr_required": cagr_required,
            "ratio": ratio, "achieved": achieved, "status": status, "reason": reason,
            "light": np.where(light == "", None, light).astype(object), "projection": projection,
            "still_needed": still_needed,
            "behind_schedule": np.where(judged, behind, None).astype(object)}


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
    One element of ``assess_arrays``: the engine and this function cannot disagree.
    """
    if measure not in ("level", "rate"):
        raise ValueError(f"measure must be 'level' or 'rate', got {measure!r}")
    if target_kind not in ("at_least", "about", "more_than"):
        raise ValueError(f"target kind {target_kind!r}: use assess_qualitative for qualitative targets")
    v, vb, vT = _num(value), _num(baseline), _num(target)
    b, T, tt = _num(base_year), _num(target_year), _num(t)
    one = lambda x: np.array([np.nan if x is None else x], dtype="float64")  # noqa: E731
    out = assess_arrays(value=one(v), baseline=one(vb), target=one(vT), base_year=one(b), target_year=one(T),
                        t=one(tt), direction=one(1 if higher_is_better else -1),
                        target_kind=np.array([target_kind], dtype=object), tolerance=one(_num(tolerance)),
                        rate=np.array([measure == "rate"]), thresholds=thresholds)
    x = {k: a[0] for k, a in out.items()}
    reason = x["reason"]
    zh, en = REASON_TEXTS.get(reason, (reason, reason))
    return Assessment(
        value=v, baseline=vb, target=vT, base_year=b, target_year=T, t=tt,
        completion=_num(x["completion"]), time_share=_num(x["time_share"]), cagr_actual=_num(x["cagr_actual"]),
        cagr_required=_num(x["cagr_required"]), ratio=_num(x["ratio"]), achieved=bool(x["achieved"]),
        status=x["status"], reason=reason, reason_text_zh=zh, reason_text_en=en, light=x["light"],
        projection=_num(x["projection"]), still_needed=_num(x["still_needed"]),
        behind_schedule=None if x["behind_schedule"] is None else bool(x["behind_schedule"]),
    )


def assess_qualitative_arrays(*, actual, assigned) -> dict[str, np.ndarray]:
    """``assess_qualitative`` over arrays (NaN where missing): achieved, status, reason, light, completion."""
    v, a = np.asarray(actual, dtype="float64"), np.asarray(assigned, dtype="float64")
    no_assigned, no_value = np.isnan(a), np.isnan(v)
    reached = ~no_assigned & ~no_value & _ge_arr(v, a)
    cases = [no_assigned, no_value, reached]
    with np.errstate(all="ignore"):
        completion = np.where(~no_value & ~no_assigned & (a != 0), v / a, np.nan)
    light = np.select(cases, ["", "", "green"], "red")
    return {"achieved": reached,
            "status": np.select(cases, ["cannot_assess", "cannot_assess", "achieved"], "acceleration_needed")
            .astype(object),
            "reason": np.select(cases, ["no_assigned_amount", "no_data", ""], "below_assigned").astype(object),
            "light": np.where(light == "", None, light).astype(object), "completion": completion}


def assess_qualitative(*, actual, assigned, year) -> Assessment:
    """A year of a qualitative target (完成省下达目标任务): achieved when actual ≥ the assigned amount.

    Below → acceleration_needed ("below_assigned"), red; achieved → green. No assigned amount →
    cannot_assess ("no_assigned_amount"). completion = actual / assigned (share of the task done).
    """
    v, a, y = _num(actual), _num(assigned), _num(year)
    one = lambda x: np.array([np.nan if x is None else x], dtype="float64")  # noqa: E731
    x = {k: arr[0] for k, arr in assess_qualitative_arrays(actual=one(v), assigned=one(a)).items()}
    zh, en = REASON_TEXTS[x["reason"]]
    return Assessment(
        value=v, baseline=None, target=a, base_year=None, target_year=None, t=y,
        completion=_num(x["completion"]), time_share=None, cagr_actual=None, cagr_required=None, ratio=None,
        achieved=bool(x["achieved"]), status=x["status"], reason=x["reason"], reason_text_zh=zh, reason_text_en=en,
        light=x["light"], projection=None, still_needed=None, behind_schedule=None,
    )
