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

# green, yellow, red, no light: the order of the pages' counts
STATUSES = ("achieved", "on_track", "largely_achieved", "acceleration_needed", "limited", "not_achieved",
            "deterioration", "cannot_assess")
# the plan's final verdict (PROGRESS.md §3a): once the target year's annual figure is in
FINAL_STATUSES = ("achieved", "largely_achieved", "not_achieved")
STATUS_LABELS_ZH = {
    "achieved": "已达标",
    "largely_achieved": "基本完成",
    "not_achieved": "未完成",
    "on_track": "进度正常",
    "acceleration_needed": "需加快",
    "limited": "进展有限",
    "deterioration": "倒退",
    "cannot_assess": "无法评估",
}
STATUS_LABELS_EN = {
    "achieved": "Target achieved",
    "largely_achieved": "Largely achieved",
    "not_achieved": "Not achieved",
    "on_track": "On track",
    "acceleration_needed": "Acceleration needed",
    "limited": "Limited progress",
    "deterioration": "Deterioration",
    "cannot_assess": "Cannot assess",
}
# the words of a final verdict (``is_final``): the target reached at the plan's end is 已完成, not 已达标
FINAL_STATUS_LABELS_ZH = {"achieved": "已完成", "largely_achieved": "基本完成", "not_achieved": "未完成"}
FINAL_STATUS_LABELS_EN = {"achieved": "Achieved", "largely_achieved": "Largely achieved", "not_achieved": "Not achieved"}
LIGHTS = ("green", "yellow", "red")
# the light is the colour of the status (PROGRESS.md §3): every page derives it from the status
STATUS_LIGHTS = {
    "achieved": "green",
    "on_track": "green",
    "largely_achieved": "yellow",
    "acceleration_needed": "yellow",
    "not_achieved": "red",
    "limited": "red",
    "deterioration": "red",
    "cannot_assess": None,
}
# units of whole things: a district target apportioned from the city's is rounded up to a whole number (§3a)
COUNT_UNITS = ("户", "个", "家", "人", "座", "项")

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
    "zero_target": ("目标值（或目标增速）为零，无法计算比值", "The target (or target rate) is zero: the ratio cannot be computed"),
    "no_provisional_estimate": ("缺少上年全年值或上年同期累计值，无法估算全年值", "Last year's annual value or same-period cumulative is missing: no provisional annual estimate"),
    "no_numerator_denominator": ("区县未填报分子分母，无法汇总比重", "Districts gave no numerator and denominator: the city share cannot be aggregated"),
    "incomplete_districts": ("部分区县数据未审核，汇总值不完整", "Not every district has an approved figure: the city aggregate is incomplete"),
    "incomplete_growth_chain": ("缺少此前某年的全年增速，无法连乘计算年均增速", "An earlier year's annual growth is missing: the average growth cannot be chained"),
    "below_assigned": ("未完成省下达目标任务", "Below the amount assigned by the province"),
    "no_assigned_amount": ("未录入省下达目标任务", "No assigned amount is recorded for this year"),
    "after_target_year": ("该期晚于目标年，属下一规划期，不作本规划评估", "The period is after the target year: it belongs to the next plan"),
    # informational: the row has a status, the reason says why completion or the ratio is not shown
    "baseline_meets_target": ("基期已达到目标", "The baseline already meets the target"),
    # the same rule where the baseline meets an "about" target only through its tolerance (53.2% against 55%左右,
    # reached from 52.25%): said as it is, so that nobody reads "already 55%"
    "baseline_within_tolerance": ("基期已在“左右”目标的容差范围内，视同已达到目标",
                                  "The baseline is already within the tolerance of the \"about\" target, so it counts "
                                  "as meeting it"),
    "baseline_near_target": ("基期与目标相差不足容差，完成进度无意义", "The baseline is within the tolerance of the target: completion is not meaningful"),
    "judged_on_completion": ("所需增速为零或目标值为零，无法计算比值，按完成进度与时间进度之比评估", "Required growth or the target is zero: judged on completion against time share (C/τ)"),
}
# the reasons of a baseline that already meets its target (§3a): completion "—", 已达标 while met, then 倒退
BASELINE_MET_REASONS = ("baseline_meets_target", "baseline_within_tolerance")
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
    largely_achieved: float = 0.90  # share of the target reached from which a miss at the plan's end is 基本完成


@dataclass(frozen=True)
class Assessment:
    """One figure judged against its target; every float is None when it cannot be computed. ``is_final``: the plan's
    final verdict (achieved / largely_achieved / not_achieved); ``shortfall`` in the indicator's unit (0 when
    achieved); ``target_share`` the share of the target reached."""

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
    is_final: bool = False
    shortfall: float | None = None
    target_share: float | None = None

    def as_dict(self, rounded: bool = True) -> dict:
        """JSON-serialisable: NaN/inf as None, numpy scalars as Python; floats rounded to 6 decimals unless
        ``rounded`` is False."""
        convert = _json_scalar if rounded else jsonable
        return {f.name: convert(getattr(self, f.name)) for f in fields(self)}


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


def achieved_array(v, target, d, kind, tol) -> np.ndarray:
    """``is_achieved`` of many figures at once (arrays of equal length; kind an object array of target kinds, an
    unknown kind is never achieved): what a page judging tens of thousands of baselines calls once."""
    return _achieved_arr(np.asarray(v, dtype="float64"), np.asarray(target, dtype="float64"),
                         np.asarray(d, dtype="float64"), np.asarray(kind, dtype=object),
                         np.asarray(tol, dtype="float64"))


def is_achieved(v: float, target: float, d: int, kind: str, tol: float) -> bool:
    if kind not in ("at_least", "about", "more_than"):
        raise ValueError(f"unknown target kind {kind!r}")
    one = lambda x: np.array([x], dtype="float64")  # noqa: E731
    return bool(_achieved_arr(one(v), one(target), one(d), np.array([kind], dtype=object), one(tol))[0])


# statuses are computed as small integer codes (positions in STATUSES) and named once at the end: string arrays
# are what a column-wise engine pays for
_CODE = {status: code for code, status in enumerate(STATUSES)}
_STATUS_NAMES = np.array(STATUSES, dtype=object)
_STATUS_LIGHTS = np.array([STATUS_LIGHTS[s] for s in STATUSES], dtype=object)


def _band_codes(r: np.ndarray, th: Thresholds) -> np.ndarray:
    """The status bands of R (or of C/τ in its place): on track, acceleration needed, limited, deterioration."""
    return np.select([_ge_arr(r, th.on_track), _ge_arr(r, th.acceleration), _ge_arr(r, 0.0)],
                     [_CODE["on_track"], _CODE["acceleration_needed"], _CODE["limited"]], _CODE["deterioration"])


def _final_codes(share: np.ndarray, th: Thresholds) -> np.ndarray:
    """A target missed at the plan's end: 基本完成 from ``th.largely_achieved`` of the target reached, else 未完成."""
    return np.where(_ge_arr(share, th.largely_achieved), _CODE["largely_achieved"], _CODE["not_achieved"])


def status_lights(status) -> np.ndarray:
    """``STATUS_LIGHTS`` over an array of statuses: "green" / "yellow" / "red", or None (no verdict)."""
    status = np.asarray(status, dtype=object)
    light = np.full(status.shape, None, dtype=object)
    for name, colour in STATUS_LIGHTS.items():
        if colour:
            light[status == name] = colour
    return light


def _share_of_target(v, vT, d) -> np.ndarray:
    """Share of the target reached: v/v_T when higher is better (v_T > 0), v_T/v when lower is better (v > 0,
    v_T ≥ 0); for a rate v/v_T is R. NaN where no share is meaningful (a negative or zero target)."""
    higher = np.where(vT > 0, v / vT, np.nan)
    lower = np.where((v > 0) & (vT >= 0), vT / v, np.nan)
    return np.where(d < 0, lower, higher)


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
    # no constant growth reaches a zero target: it has no required growth (and no growth still needed)
    cagr_required = np.where(has(vb) & (vb != 0) & has(vT) & (vT * vb > 0) & has(b) & has(T) & (T > b),
                             (vT / vb) ** (1 / (T - b)) - 1, np.nan)
    reason[ok & np.isnan(v)] = "no_data"
    reason[ok & has(v) & np.isnan(vT)] = "no_target"
    reason[ok & has(v) & has(vT) & (vT == 0)] = "zero_target"
    reason[ok & has(v) & has(vT) & (vT != 0) & np.isnan(cagr_required)] = "no_years"
    reason[ok & has(v) & has(vT) & (cagr_required == 0)] = "target_equals_baseline"
    rated = ok & has(v) & has(vT) & has(cagr_required) & (cagr_required != 0)
    ratio = np.where(rated, np.where(vb < 0, -1.0, 1.0) * d * cagr_actual / np.abs(cagr_required), np.nan)
    still_needed = np.where(has(v) & has(vT) & (v != 0) & (vT != 0) & has(tt) & has(T) & (T > tt) & (vT / v > 0),
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
                  provisional=False, thresholds: Thresholds = Thresholds()) -> dict[str, np.ndarray]:
    """``assess`` over arrays of equal length (NaN where a number is missing): the engine judges every row of a
    plan at once. ``direction`` ±1, ``target_kind`` at_least / about / more_than, ``rate`` True for a rate
    (else a level), ``tolerance`` NaN for the default, ``provisional`` True for an in-year estimate (never a final
    verdict). Returns completion, time_share, cagr_actual, cagr_required, ratio, projection, still_needed,
    shortfall, target_share (floats with NaN), ``achieved`` / ``is_final`` bool, ``status`` / ``reason`` str,
    ``light`` str or None (the colour of the status), ``behind_schedule`` True / False / None."""
    f = lambda x: np.asarray(x, dtype="float64")  # noqa: E731
    v, vb, vT, b, T, tt, d, tol = (f(x) for x in (value, baseline, target, base_year, target_year, t, direction,
                                                   tolerance))
    kind, rate = np.asarray(target_kind, dtype=object), np.asarray(rate, dtype=bool)
    provisional = np.broadcast_to(np.asarray(provisional, dtype=bool), v.shape)
    unknown = set(kind.tolist()) - {"at_least", "about", "more_than"}
    if unknown:
        raise ValueError(f"target kind {sorted(unknown)!r}: use assess_qualitative for qualitative targets")
    th = thresholds
    has = lambda x: ~np.isnan(x)  # noqa: E731
    tol = np.where(np.isnan(tol), th.default_tolerance, tol)
    with np.errstate(all="ignore"):
        tau = np.where(has(b) & has(T) & has(tt) & (T != b), (tt - b) / (T - b), np.nan)
        elapsed, e_reason = _elapsed_arr(b, tt)
        level, level_reason = _level_arr(v, vb, vT, b, T, tt, d, elapsed, e_reason)
        rated, rate_reason = _rate_arr(v, vT, b, T, tt, d, elapsed, e_reason)
        completion, cagr_actual, cagr_required, ratio, projection, still_needed = (
            np.where(rate, r, lv) for r, lv in zip(rated, level))
        figures_reason = np.where(rate, rate_reason, level_reason)
        unassessable = np.where(rate, (rate_reason == "no_years") | (rate_reason == "before_base_year")
                                | (rate_reason == "fewer_than_two_points"), level_reason == "before_base_year")
        after = has(T) & has(tt) & (tt > T) & ~_close_arr(tt, T)  # the next plan's period
        in_plan = ~unassessable & ~after
        final = in_plan & has(T) & _close_arr(tt, T) & ~provisional  # the target year's annual figure
        reached = _achieved_arr(v, vT, d, kind, tol)
        # a level whose baseline already meets the target has no completion; nor one within the tolerance short of
        # it, where C's tiny denominator would give several hundred percent (PROGRESS.md §3a)
        base_meets = ~rate & _achieved_arr(vb, vT, d, kind, tol)
        base_near = ~rate & ~base_meets & has(vb) & has(vT) & _ge_arr(tol * np.abs(vT), np.abs(vT - vb))
        completion = np.where(base_meets | base_near, np.nan, completion)
        ratio = np.where(base_meets, np.nan, ratio)
        # required growth of zero or a zero target: no R, the status is judged on C/τ with the same bands
        by_completion = (((figures_reason == "zero_target") | (figures_reason == "target_equals_baseline"))
                         & has(completion) & has(tau) & (tau > 0))
        share = np.where(in_plan & has(v) & has(vT), _share_of_target(v, vT, d), np.nan)
        shortfall = np.where(in_plan & has(v) & has(vT), np.where(reached, 0.0, np.maximum(d * (vT - v), 0.0)),
                             np.nan)

        no_value, no_target = np.isnan(v), np.isnan(vT)
        fell_short = base_meets & has(elapsed) & (elapsed > 0)  # not at the base year itself
        # the first rule that applies (PROGRESS.md §3, §3a); 9: none, cannot assess with the figures' reason
        cases = [no_value, unassessable, after, no_target, reached, final, fell_short, has(ratio), by_completion]
        rule = np.select(cases, list(range(len(cases))), len(cases))
        code = np.full(len(v), _CODE["cannot_assess"])
        code[rule == 4] = _CODE["achieved"]
        at = rule == 5
        code[at] = _final_codes(share[at], th)
        # a level that ended further from its target than it started is 未完成 however close it stays: 基本完成 is
        # for a target nearly reached, never for ground lost (a share falling from 52% to 50% against 55%)
        moved_away = at & ~rate & has(vb) & (d * (v - vb) < 0)
        code[moved_away] = _CODE["not_achieved"]
        code[rule == 6] = _CODE["deterioration"]
        at = rule == 7
        code[at] = _band_codes(ratio[at], th)
        at = rule == 8
        code[at] = _band_codes(completion[at] / tau[at], th)
        reason = figures_reason.astype(object, copy=True)
        reason[(rule == 0) | ((rule == 9) & (figures_reason == ""))] = "no_data"
        reason[rule == 2] = "after_target_year"
        reason[rule == 3] = "no_target"
        judged = (rule >= 4) & (rule <= 7)
        reason[judged] = ""
        reason[judged & base_meets] = "baseline_meets_target"
        reason[judged & base_meets & ~_achieved_arr(vb, vT, d, kind, np.zeros(len(v)))] = "baseline_within_tolerance"
        reason[judged & base_near] = "baseline_near_target"
        reason[rule == 8] = "judged_on_completion"
        status = _STATUS_NAMES[code]
        achieved = code == _CODE["achieved"]
        is_final = final & ~no_value & ~no_target
        projection = np.where(in_plan & ~final, projection, np.nan)
        still_needed = np.where(in_plan & ~final, still_needed, np.nan)
        scheduled = in_plan & has(completion) & has(tau)  # completion against time share, beside the light
        behind = np.where(scheduled, ~_ge_arr(completion, tau), False)
    return {"completion": completion, "time_share": tau, "cagr_actual": cagr_actual, "cagr_required": cagr_required,
            "ratio": ratio, "achieved": achieved, "status": status, "reason": reason, "light": _STATUS_LIGHTS[code],
            "projection": projection, "still_needed": still_needed,
            "behind_schedule": np.where(scheduled, behind, None).astype(object), "is_final": is_final,
            "shortfall": shortfall, "target_share": share}


def assess(*, value, baseline, target, base_year, target_year, t, higher_is_better=True,
           target_kind="at_least", tolerance=None, measure="level", provisional=False,
           thresholds=Thresholds()) -> Assessment:
    """Judge one figure against its target (PROGRESS.md §2–§3a).

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

    Status order: no value → cannot_assess "no_data"; before the base year (a rate also at t = b) or after the
    target year ("after_target_year") → cannot_assess; no target → "no_target"; achieved; the target year's annual
    figure (t = T, not ``provisional``) → largely_achieved when the share of the target reached is at least
    ``thresholds.largely_achieved``, else not_achieved; a baseline that already met the target → deterioration;
    else by R, or by C/τ where the required growth or the target is zero; else cannot_assess with the reason.
    The light is the colour of the status (``STATUS_LIGHTS``); completion against time share is reported beside it
    (``behind_schedule``). One element of ``assess_arrays``: the engine and this function cannot disagree.
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
                        rate=np.array([measure == "rate"]), provisional=np.array([bool(provisional)]),
                        thresholds=thresholds)
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
        is_final=bool(x["is_final"]), shortfall=_num(x["shortfall"]), target_share=_num(x["target_share"]),
    )


def assess_qualitative_arrays(*, actual, assigned, year=np.nan, base_year=np.nan, target_year=np.nan,
                              provisional=False, thresholds: Thresholds = Thresholds()) -> dict[str, np.ndarray]:
    """``assess_qualitative`` over arrays (NaN where missing): achieved, status, reason, light, completion,
    is_final, shortfall, target_share."""
    v, a = np.asarray(actual, dtype="float64"), np.asarray(assigned, dtype="float64")
    y, b, T = (np.broadcast_to(np.asarray(x, dtype="float64"), v.shape) for x in (year, base_year, target_year))
    provisional = np.broadcast_to(np.asarray(provisional, dtype=bool), v.shape)
    has = lambda x: ~np.isnan(x)  # noqa: E731
    before, after = has(y) & has(b) & (y < b), has(y) & has(T) & (y > T)
    final = ~provisional & has(y) & has(T) & (y == T)
    no_assigned, no_value = np.isnan(a), np.isnan(v)
    reached = ~no_assigned & ~no_value & _ge_arr(v, a)
    with np.errstate(all="ignore"):
        completion = np.where(~no_value & ~no_assigned & (a != 0), v / a, np.nan)
        counted = ~before & ~after & ~no_value & ~no_assigned
        share = np.where(counted & (a > 0), v / a, np.nan)
        shortfall = np.where(counted, np.where(reached, 0.0, np.maximum(a - v, 0.0)), np.nan)
    cases = [before, after, no_assigned, no_value, reached, final]
    code = np.select(cases, [_CODE["cannot_assess"]] * 4 + [_CODE["achieved"], _final_codes(share, thresholds)],
                     _CODE["acceleration_needed"])
    status = _STATUS_NAMES[code]
    return {"achieved": status == "achieved", "status": status,
            "reason": np.select(cases, ["before_base_year", "after_target_year", "no_assigned_amount", "no_data", "",
                                        "below_assigned"], "below_assigned").astype(object),
            "light": _STATUS_LIGHTS[code], "completion": completion, "is_final": final & counted,
            "shortfall": shortfall, "target_share": share}


def assess_qualitative(*, actual, assigned, year, base_year=None, target_year=None, provisional=False,
                       thresholds: Thresholds = Thresholds()) -> Assessment:
    """A year of a qualitative target (完成省下达目标任务): achieved when actual ≥ the assigned amount.

    Below → acceleration_needed ("below_assigned", yellow); achieved → green. The target year's annual figure
    (``year`` = ``target_year``, not provisional) is the plan's final verdict: achieved, largely_achieved (at least
    ``thresholds.largely_achieved`` of the assigned amount) or not_achieved. No assigned amount → cannot_assess
    ("no_assigned_amount"); a year before ``base_year`` or after ``target_year`` → cannot_assess.
    completion = actual / assigned (share of the task done).
    """
    v, a, y = _num(actual), _num(assigned), _num(year)
    one = lambda x: np.array([np.nan if x is None else x], dtype="float64")  # noqa: E731
    x = {k: arr[0] for k, arr in assess_qualitative_arrays(
        actual=one(v), assigned=one(a), year=one(y), base_year=one(_num(base_year)),
        target_year=one(_num(target_year)), provisional=np.array([bool(provisional)]), thresholds=thresholds).items()}
    zh, en = REASON_TEXTS[x["reason"]]
    return Assessment(
        value=v, baseline=None, target=a, base_year=_num(base_year), target_year=_num(target_year), t=y,
        completion=_num(x["completion"]), time_share=None, cagr_actual=None, cagr_required=None, ratio=None,
        achieved=bool(x["achieved"]), status=x["status"], reason=x["reason"], reason_text_zh=zh, reason_text_en=en,
        light=x["light"], projection=None, still_needed=None, behind_schedule=None, is_final=bool(x["is_final"]),
        shortfall=_num(x["shortfall"]), target_share=_num(x["target_share"]),
    )


def schedule_light(*, completion, time_share, thresholds: Thresholds = Thresholds()) -> str | None:
    """The light of work done against time — key projects' investment, milestones done against due (PROGRESS.md
    §3) — on bands of its own: green when the work is all done (C ≥ 1) or C ≥ τ − green margin, yellow when
    C ≥ τ − yellow margin, red below; None without C or τ. An indicator's light is the colour of its status instead
    (``STATUS_LIGHTS``): the two rules are kept apart so that one never moves the other."""
    c, tau = _num(completion), _num(time_share)
    if c is None or tau is None:
        return None
    ge = lambda a, b: a >= b or math.isclose(a, b, rel_tol=_EPS, abs_tol=_EPS)  # noqa: E731
    if ge(c, 1.0) or ge(c, tau - thresholds.green_margin):
        return "green"
    return "yellow" if ge(c, tau - thresholds.yellow_margin) else "red"
