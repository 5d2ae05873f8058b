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

import json
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


def _is_achieved(v: float, target: float, d: int, kind: str, tol: float) -> bool:
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
    versions = pd.to_numeric(dist["version_id"], errors="coerce").to_numpy(dtype="float64")
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
        ids_ = versions[at][np.isfinite(versions[at])].astype("int64").tolist()
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


def _json_numbers(values: np.ndarray) -> np.ndarray:
    finite = np.isfinite(values)
    out = np.full(len(values), "null", dtype=object)
    out[finite] = [repr(v) for v in values[finite].tolist()]
    return out


def _city_periods(ind: Mapping, obs: Mapping[str, np.ndarray], aggregates) -> dict[tuple[int, int], _Period]:
    """The city's periods of one indicator: its own figures and, for indicators reported by district, the
    aggregates of the district figures (a published city figure wins over the aggregate)."""
    measure = ind["measure"]
    is_city = np.isnan(obs["district_id"])
    columns = [obs[c][is_city].tolist() for c in ("year", "quarter", "value", "numerator", "denominator", "version_id")]
    city = _own_periods(*columns, measure, "observation")
    if _num(ind.get("by_district")) not in (None, 0.0) and measure in _AGGREGATED and (
            aggregates is not None or not is_city.all()):
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
    return city


def _period_frame(indicators: list[dict], obs: pd.DataFrame, given: Mapping) -> pd.DataFrame:
    """One row per indicator × scope × (year, quarter) with the period's value, the reason it cannot be used and
    the start of its ``inputs`` as JSON text (without the closing brace); scope −1 is the city. Sorted by
    indicator, city first, district, year, quarter. City periods (a few per indicator) are built one by one;
    district periods, the bulk, as columns."""
    arrays = {c: obs[c].to_numpy() for c in ("indicator_id", "district_id", "year", "quarter", "value", "numerator",
                                             "denominator", "version_id")}
    positions = obs.groupby("indicator_id", sort=False).indices
    empty = {c: a[:0] for c, a in arrays.items()}
    # the district aggregates of every indicator that has them, in one pass
    measures = {i["indicator_id"]: i["measure"] for i in indicators}
    aggregated = [i["indicator_id"] for i in indicators if i["indicator_id"] not in given and i["measure"] in _AGGREGATED
                  and _num(i.get("by_district")) not in (None, 0.0)]
    rows = obs[obs["district_id"].notna() & obs["indicator_id"].isin(aggregated)]
    if len(rows):
        frame = aggregate_district_rows(rows, measures)
        columns = {c: frame[c].to_numpy() for c in AGGREGATE_COLUMNS[1:]}
        given = {**given, **{k: {c: column[at] for c, column in columns.items()}
                             for k, at in frame.groupby("indicator_id", sort=False).indices.items()}}
    city_rows = []
    for ind in indicators:
        at = positions.get(ind["indicator_id"])
        periods = _city_periods(ind, {c: a[at] for c, a in arrays.items()} if at is not None else empty,
                                given.get(ind["indicator_id"]))
        for (year, quarter), p in sorted(periods.items()):
            # the inputs of a period are flat (numbers, text, lists of version ids): NaN → null at the top level
            head = json.dumps({k: None if type(v) is float and not math.isfinite(v) else v
                               for k, v in (p.inputs or {}).items()}, ensure_ascii=False)[:-1]
            city_rows.append((ind["indicator_id"], -1, year, quarter, p.value, p.reason, head))
    city = pd.DataFrame.from_records(city_rows, columns=["indicator_id", "scope", "year", "quarter", "value",
                                                         "reason", "head"])
    city["value"] = pd.to_numeric(city["value"], errors="coerce").astype("float64")

    dist = obs[obs["district_id"].notna()]
    measure = dist["indicator_id"].map({i["indicator_id"]: i["measure"] for i in indicators}).to_numpy()
    value, num, den = (dist[c].to_numpy(dtype="float64") for c in ("value", "numerator", "denominator"))
    share = measure == "share"
    with np.errstate(all="ignore"):
        value = np.where(share & np.isnan(value) & ~np.isnan(num) & ~np.isnan(den) & (den != 0), num / den * 100,
                         value)
    version = pd.to_numeric(dist["version_id"], errors="coerce").to_numpy(dtype="float64")
    head = np.full(len(dist), '{"source": "district"', dtype=object)
    has_version = ~np.isnan(version)
    head[has_version] += np.array([f', "version_id": {int(v)}' for v in version[has_version].tolist()], dtype=object)
    nd = share & (~np.isnan(num) | ~np.isnan(den))
    if nd.any():
        head[nd] += (', "numerator": ' + _json_numbers(num[nd]) + ', "denominator": ' + _json_numbers(den[nd]))
    district = pd.DataFrame({"indicator_id": dist["indicator_id"].to_numpy(),
                             "scope": dist["district_id"].to_numpy().astype("int64"),
                             "year": dist["year"].to_numpy(), "quarter": dist["quarter"].to_numpy(),
                             "value": value, "reason": "", "head": head})
    frame = pd.concat([city, district], ignore_index=True)
    return frame.sort_values(["indicator_id", "scope", "year", "quarter"], kind="mergesort").reset_index(drop=True)


class _Lookup:
    """Usable values of the same indicator and scope at other periods, by integer key (one hash lookup per row)."""

    def __init__(self, frame: pd.DataFrame, usable_value: np.ndarray):
        self.ind = pd.factorize(frame["indicator_id"])[0].astype("int64")
        self.scope = pd.factorize(frame["scope"])[0].astype("int64")
        self.n_scopes = int(self.scope.max()) + 1 if len(frame) else 1
        self.index = pd.Index(self.key(frame["year"].to_numpy(), frame["quarter"].to_numpy()))
        self.values = usable_value

    def key(self, year, quarter, rows=slice(None)) -> np.ndarray:
        return ((self.ind[rows] * self.n_scopes + self.scope[rows]) * 10_000 + year) * 10 + quarter

    def get(self, year, quarter, rows=slice(None)) -> np.ndarray:
        """The usable value at (year, quarter) (NaN year → missing) of the indicator and scope of each row (of
        ``rows``, positions; default every row)."""
        year = np.asarray(year, dtype="float64")
        known = ~np.isnan(year)
        keys = self.key(np.where(known, year, 0).astype("int64"), np.broadcast_to(quarter, year.shape).astype("int64"),
                        rows)
        at = self.index.get_indexer(keys)
        out = np.where(at >= 0, self.values[np.maximum(at, 0)], np.nan)
        return np.where(known, out, np.nan)


def _fragment(name: str, values: np.ndarray) -> np.ndarray:
    return f', "{name}": ' + _json_numbers(values)


def progress_table(indicators: pd.DataFrame, observations: pd.DataFrame, district_targets: pd.DataFrame,
                   assignments: pd.DataFrame, thresholds: Thresholds = Thresholds(),
                   city_aggregates: pd.DataFrame | None = None,
                   from_period: tuple[int, int] | None = None) -> pd.DataFrame:
    """The progress rows as one frame, computed column-wise (OUTPUT_COLUMNS but ``scope``; ``district_id`` NaN for
    the city, ``inputs`` as JSON text): what a writer streaming many rows to the database needs.

    ``city_aggregates`` (columns AGGREGATE_COLUMNS, see ``aggregate_district_rows``): for the indicators it
    names, the city's district aggregates are taken from it instead of from the district rows, so an
    incremental recompute can pass only the districts it recomputes.

    ``from_period`` (year, quarter): only rows of that period and later — all that a change of figures of that
    period can alter (a row uses its own period, earlier ones and the base-year figure; a change at or before the
    base-year figure gives every period, as without from_period).
    """
    if indicators["indicator_id"].duplicated().any():
        raise ValueError("indicator_id must be unique in indicators")
    inds = indicators.sort_values("indicator_id", kind="mergesort").to_dict("records")
    for ind in inds:
        if ind["measure"] not in MEASURES:
            raise ValueError(f"indicator {ind['indicator_id']}: unknown measure {ind['measure']!r}")
    obs = _clean_observations(observations)
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

    P = _period_frame(inds, obs, given)
    if not len(P):
        return pd.DataFrame(columns=[c for c in OUTPUT_COLUMNS if c != "scope"])
    # the indicator's attributes on every row
    by_id = pd.DataFrame(inds).set_index("indicator_id")

    def attr(name, default=np.nan):
        column = by_id[name] if name in by_id else pd.Series(default, index=by_id.index)
        return P["indicator_id"].map(column).to_numpy()

    f = lambda x: pd.to_numeric(pd.Series(x), errors="coerce").to_numpy(dtype="float64")  # noqa: E731
    measure = attr("measure").astype(object)
    base_year, T = f(attr("base_year")), f(attr("target_year"))
    b = f(attr("baseline_year"))
    b = np.where(np.isnan(b), base_year, b)
    b_int = np.where(np.isnan(b), np.nan, np.floor(b))
    city_target, given_baseline = f(attr("target_value")), f(attr("baseline_value"))
    direction = np.where(f(attr("direction")) == -1, -1.0, 1.0)
    kind, tolerance = attr("target_kind").astype(object), f(attr("tolerance"))
    ind_ids, scope = P["indicator_id"].to_numpy(), P["scope"].to_numpy()
    year, quarter = P["year"].to_numpy().astype("int64"), P["quarter"].to_numpy().astype("int64")
    value, reason = P["value"].to_numpy(dtype="float64"), P["reason"].to_numpy().astype(object)
    is_city = scope == -1
    usable = ~np.isnan(value) & (reason == "")
    look = _Lookup(P, np.where(usable, value, np.nan))
    n = len(P)

    # baselines: the scope's own base-year annual figure; the city's as given, else observed
    own_baseline = look.get(b_int, 4)
    city_own = pd.Series(own_baseline[is_city], index=ind_ids[is_city])
    observed_city = pd.Series(ind_ids).map(city_own[~city_own.index.duplicated()]).to_numpy(dtype="float64")
    city_baseline = np.where(np.isnan(given_baseline), observed_city, given_baseline)
    baseline = np.where(is_city, city_baseline, own_baseline)
    baseline_source = np.where(is_city & ~np.isnan(given_baseline), "indicator",
                               np.where(~np.isnan(baseline), "observed", None)).astype(object)

    # targets: the city's; a district's own (指标分解), else the city's rate or share, else implied in proportion
    own_target = np.full(n, np.nan)
    if dt:
        keys = pd.MultiIndex.from_tuples(list(dt), names=["i", "s"])
        at = keys.get_indexer(pd.MultiIndex.from_arrays([ind_ids, scope]))
        own_target = np.where(at >= 0, np.array(list(dt.values()), dtype="float64")[np.maximum(at, 0)], np.nan)
    target = np.where(is_city, city_target, own_target)
    target_source = np.where(is_city, np.where(np.isnan(city_target), None, "city"),
                             np.where(np.isnan(own_target), None, "district")).astype(object)
    open_ = ~is_city & np.isnan(own_target)
    same = open_ & np.isin(measure, ["share", "rate", "index"]) & ~np.isnan(city_target)
    target[same], target_source[same] = city_target[same], "city"
    with np.errstate(all="ignore"):
        implied = (open_ & np.isin(measure, ["flow", "stock"]) & ~np.isnan(baseline) & ~np.isnan(city_baseline)
                   & (city_baseline != 0) & ~np.isnan(city_target))
        target[implied] = (baseline * city_target / city_baseline)[implied]
    target_source[implied] = "implied_proportional"
    rate = measure == "rate"
    baseline = np.where(rate, np.where(is_city, given_baseline, np.nan), baseline)
    baseline_source = np.where(rate, np.where(is_city, "indicator", None), baseline_source).astype(object)

    # each measure's value to assess (annual, provisional annual, average growth) and why it cannot be
    forced = np.where((reason == "") & np.isnan(value), "no_data", reason).astype(object)
    t = np.where(np.isin(measure, ["stock", "share", "index"]), year - 1 + quarter / 4, year).astype("float64")
    annual = np.where(usable, value, np.nan)
    quarter_value = np.full(n, np.nan)
    provisional = np.zeros(n, dtype=bool)
    extra = np.full(n, "", dtype=object)

    flow = measure == "flow"
    if flow.any():
        prev = look.get(year, quarter - 1)
        first = flow & usable & (quarter == 1)
        later = flow & usable & (quarter > 1) & ~np.isnan(prev)
        quarter_value[first] = value[first]
        quarter_value[later] = value[later] - prev[later]
        extra[later] += _fragment("cumulative_prev", prev[later])
        ytd = flow & (quarter < 4)
        provisional |= ytd
        last_annual, ytd_last = look.get(year - 1, 4), look.get(year - 1, quarter)
        extra[ytd] += _fragment("last_year_annual", last_annual[ytd]) + _fragment("ytd_last_year", ytd_last[ytd])
        with np.errstate(all="ignore"):
            estimate = np.where(~np.isnan(last_annual) & ~np.isnan(ytd_last) & (ytd_last != 0),
                                last_annual * value / ytd_last, np.nan)
        annual = np.where(ytd, np.where(usable, estimate, np.nan), annual)
        forced[ytd & usable & np.isnan(estimate)] = "no_provisional_estimate"

    if rate.any():
        provisional |= rate & (quarter < 4)
        chained = rate & usable & ~np.isnan(b_int) & (year > b_int)
        # I_y = Π (1 + g/100) over b+1 … y−1 (annual growths) × (1 + this period's growth/100), in that order
        index = np.where(chained, 1.0, np.nan)
        span = int(np.nanmax(np.where(chained, year - b_int, 0))) if chained.any() else 0
        growths = np.full(n, "", dtype=object)  # the JSON members "year": growth, year by year
        rows = np.flatnonzero(chained)
        for j in range(1, span):
            at = rows[(year[rows] - b_int[rows]) > j]
            if len(at):
                g = look.get(b_int[at] + j, 4, at)
                index[at] = index[at] * (1 + g / 100)
                growths[at] += '"' + (b_int[at] + j).astype("int64").astype(str).astype(object) + '": ' \
                    + _json_numbers(g) + ", "
        index[rows] = index[rows] * (1 + value[rows] / 100)
        complete = rows[~np.isnan(index[rows])]
        with np.errstate(all="ignore"):
            years_since = (year - b_int)[complete]
            average = np.where(index[complete] > 0, (index[complete] ** (1 / years_since) - 1) * 100, np.nan)
        annual = np.where(rate, np.nan, annual)
        annual[complete] = average
        extra[rows] += (', "growths": {' + growths[rows] + '"' + year[rows].astype(str).astype(object) + '": '
                        + _json_numbers(value[rows]) + "}")
        extra[complete] += _fragment("index", index[complete])
        forced[rows[np.isnan(index[rows])]] = "incomplete_growth_chain"
        early = rate & usable & ~np.isnan(b_int) & (year <= b_int)
        forced[early] = np.where(year[early] == b_int[early], "fewer_than_two_points", "before_base_year")

    a = assess_arrays(value=annual, baseline=baseline, target=target, base_year=b, target_year=T, t=t,
                      direction=direction, target_kind=np.where(measure == "qualitative", "at_least", kind),
                      tolerance=tolerance, rate=rate, thresholds=thresholds)
    blank = forced != ""
    a["achieved"] = a["achieved"] & ~blank
    a["light"] = np.where(blank, None, a["light"]).astype(object)
    a["status"] = np.where(blank, "cannot_assess", a["status"]).astype(object)
    a["reason"] = np.where(blank, forced, a["reason"]).astype(object)
    extra += np.select([baseline_source == "indicator", baseline_source == "observed"],
                       [', "baseline_source": "indicator"', ', "baseline_source": "observed"'],
                       ', "baseline_source": null').astype(object)

    qualitative = measure == "qualitative"
    if qualitative.any():
        assigned = np.array([asg.get((i, y), np.nan) if s == -1 else dt.get((i, s), np.nan)
                             for i, s, y in zip(ind_ids[qualitative].tolist(), scope[qualitative].tolist(),
                                                year[qualitative].tolist())], dtype="float64")
        q = assess_qualitative_arrays(actual=value[qualitative], assigned=assigned)
        for name in ("achieved", "status", "reason", "light", "completion"):
            a[name][qualitative] = q[name]
        for name in ("time_share", "cagr_actual", "cagr_required", "ratio", "projection", "still_needed"):
            a[name][qualitative] = np.nan
        annual[qualitative], target[qualitative], baseline[qualitative] = value[qualitative], assigned, np.nan
        provisional[qualitative] = quarter[qualitative] < 4
        b = np.where(qualitative, np.nan, b)
        quarter_value[qualitative] = np.nan
        target_source[qualitative] = np.where(
            np.isnan(assigned), None, np.where(is_city[qualitative], "assignment", "district")).astype(object)
        extra[qualitative] = _fragment("assigned", assigned)

    out = pd.DataFrame({
        "indicator_id": ind_ids, "district_id": np.where(is_city, np.nan, scope).astype("float64"),
        "year": year, "quarter": quarter,
        "value": value, "quarter_value": quarter_value, "annual_value": annual, "is_provisional": provisional,
        "baseline_year": b, "baseline_value": baseline, "target_value": target,
        "target_source": np.where(np.isnan(target), None, target_source).astype(object), "t": t,
        "completion": a["completion"], "time_share": a["time_share"], "cagr_actual": a["cagr_actual"],
        "cagr_required": a["cagr_required"], "ratio": a["ratio"], "achieved": a["achieved"].astype(bool),
        "status": a["status"], "reason": a["reason"], "light": a["light"], "projection": a["projection"],
        "still_needed": a["still_needed"], "inputs": P["head"].to_numpy() + extra + "}"})
    for column in _FLOAT_COLUMNS:  # NaN, never ±inf
        out[column] = out[column].where(np.isfinite(out[column]), np.nan)
    if from_period is not None:
        applies = ~np.isnan(b_int) & (b_int * 10 + 4 < from_period[0] * 10 + from_period[1])
        before = (year * 10 + quarter) < (from_period[0] * 10 + from_period[1])
        out = out[~(applies & before)].reset_index(drop=True)
    return out


def progress_rows(indicators: pd.DataFrame, observations: pd.DataFrame, district_targets: pd.DataFrame,
                  assignments: pd.DataFrame, thresholds: Thresholds = Thresholds(),
                  city_aggregates: pd.DataFrame | None = None,
                  from_period: tuple[int, int] | None = None) -> list[dict]:
    """The rows of ``progress_table`` as plain dicts (None where the frame holds NaN, ``inputs`` a dict)."""
    table = progress_table(indicators, observations, district_targets, assignments, thresholds, city_aggregates,
                           from_period)
    rows = []
    for r in table.to_dict("records"):
        r = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
        r["district_id"] = None if r["district_id"] is None else int(r["district_id"])
        r["scope"] = "city" if r["district_id"] is None else f"d{r['district_id']}"
        r["inputs"] = json.loads(r["inputs"])
        rows.append(r)
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
