"""One verdict per figure: the light shown is the colour of its status, the status in words, what a final figure
says (shortfall and share of the target reached, never a projection), and when a page warns (预警).

Pure: codes and numbers in, words out; no ORM, no request. Every page, chart and export of the dashboards takes
its light, status words and warning from here, so they cannot disagree with one another.

The engine (indicators/progress) stores the end-of-plan statuses (基本完成, 未完成) and the row fields ``is_final``,
``shortfall`` and ``target_share``; rows stored before them are read by the same rules (docs/progress-method.md §5).
"""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import pandas as pd
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.figures import formatting
from indicators.progress import maths

STATUS_LIGHTS = maths.STATUS_LIGHTS  # the light is the colour of the status

IN_PROGRESS = ("on_track", "acceleration_needed", "limited", "deterioration")
FINAL = ("achieved", "largely_achieved", "not_achieved")
# the order of the status counts; the final statuses are counted only where a row has one
STATUS_ORDER = ("achieved", "on_track", "acceleration_needed", "largely_achieved", "limited", "deterioration",
                "not_achieved", "cannot_assess")
ALWAYS_COUNTED = tuple(maths.STATUSES)

_LABELS_ZH = {"largely_achieved": "基本完成", "not_achieved": "未完成"}
# the engine's English words, one per status (and one per final status), as progress_calc, the reviews and the
# .docx print them: a page never says "completed" where the review says "Achieved"
STATUS_LABELS_EN = dict(maths.STATUS_LABELS_EN)
FINAL_LABELS_EN = dict(maths.FINAL_STATUS_LABELS_EN)
_REASONS = {
    "baseline_meets_target": ("基期已达到目标", "The baseline already meets the target"),
    "after_target_year": ("该期晚于目标年，属下一规划期", "The period is after the target year: it belongs to the next plan"),
}
# reasons worth showing beside a verdict that is not 无法评估
SHOWN_REASONS = (*maths.BASELINE_MET_REASONS, "below_assigned", "after_target_year")


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _num(x) -> float | None:
    return maths.finite(x)


def _flag(x) -> bool | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    try:
        return bool(x)
    except (TypeError, ValueError):  # pd.NA
        return None


def district_ranks(counts: Mapping[str, tuple[int, int, int]]) -> dict[str, int]:
    """The one ranking of districts, used by the district pages, the map, the reports and the reviews alike: most
    green lights (已达标 / 进度正常; at the plan's end 已完成), then most yellow (需加快; 基本完成), then fewest red;
    districts level on all three share a rank (1, 1, 3). counts: code → (green, yellow, red), in the plan's order."""
    key = {code: (-g, -y, r) for code, (g, y, r) in counts.items()}
    ranked = sorted(counts, key=lambda c: key[c])  # stable: level districts keep the plan's order
    ranks, rank, previous = {}, 0, None
    for position, code in enumerate(ranked, start=1):
        if key[code] != previous:
            rank, previous = position, key[code]
        ranks[code] = rank
    return ranks


def light_of(status) -> str | None:
    """The colour of a status: the only light a page may show beside it."""
    return STATUS_LIGHTS.get(status) if isinstance(status, str) else None


def status_label(status, final: bool = False) -> str:
    """The status in words; at the plan's end (a final figure) 已达标 reads 已完成."""
    if not status or not isinstance(status, str):
        return ""
    if _english():
        return FINAL_LABELS_EN[status] if final and status in FINAL_LABELS_EN else STATUS_LABELS_EN.get(status, status)
    if final and status == "achieved":
        return "已完成"
    return maths.STATUS_LABELS_ZH.get(status) or _LABELS_ZH.get(status, status)


def reason_text(code) -> str:
    if not code or not isinstance(code, str):
        return ""
    texts = maths.REASON_TEXTS_EN if _english() else maths.REASON_TEXTS_ZH
    if code in texts:
        return texts[code]
    zh, en = _REASONS.get(code, (code, code))
    return en if _english() else zh


def shows_reason(status, reason) -> bool:
    return bool(reason) and (status == "cannot_assess" or reason in SHOWN_REASONS)


def is_final(row: dict, target_year=None) -> bool:
    """The plan's final verdict: the target year's annual figure is in (the row's ``is_final`` where stored)."""
    stored = _flag(row.get("is_final"))
    if stored is not None:
        return stored
    target_year = _num(target_year if target_year is not None else row.get("target_year"))
    year, quarter = _num(row.get("year")), _num(row.get("quarter"))
    if target_year is None or year is None or row.get("status") in (None, "cannot_assess"):
        return False
    return int(year) == int(target_year) and quarter == 4 and not _flag(row.get("is_provisional"))


def after_target(row: dict, target_year=None) -> bool:
    """A period after the target year belongs to the next plan: no verdict, projection or need under this one."""
    target_year = _num(target_year if target_year is not None else row.get("target_year"))
    year = _num(row.get("year"))
    return target_year is not None and year is not None and year > target_year


def shows_projection(row: dict, target_year=None) -> bool:
    """A projection and the growth still needed are given only while the target year is still ahead."""
    if is_final(row, target_year) or after_target(row, target_year):
        return False
    t, T = _num(row.get("t")), _num(target_year if target_year is not None else row.get("target_year"))
    return _num(row.get("projection")) is not None and (t is None or T is None or t < T)


def baseline_meets_target(row: dict, indicator: dict | None = None) -> bool:
    """The baseline already meets the target (PROGRESS.md §3a): the row's reason says so, or, for rows written
    before the engine gave that reason, its baseline reaches its target by the indicator's own test."""
    if row.get("reason") in maths.BASELINE_MET_REASONS:
        return True
    if not indicator or indicator.get("measure") in ("rate", "qualitative"):
        return False
    baseline, target = _num(row.get("baseline_value")), _num(row.get("target_value"))
    kind = indicator.get("target_kind")
    if baseline is None or target is None or kind not in ("at_least", "about", "more_than"):
        return False
    tolerance = _num(indicator.get("tolerance"))
    tolerance = maths.Thresholds().default_tolerance if tolerance is None else tolerance
    return maths.is_achieved(baseline, target, 1 if indicator.get("higher_is_better", True) else -1, kind, tolerance)


def completion_shown_column(rows, indicators) -> list:
    """``completion_shown`` of many rows at once, the baselines judged with one call of the maths (a province's
    scorecard has tens of thousands of cells: one call per cell took seconds).

    rows: a DataFrame with indicator_id, reason, baseline_value, target_value, completion; indicators: a DataFrame
    with indicator_id, measure, target_kind, tolerance, higher_is_better."""
    if not len(rows):
        return []
    ind = indicators.set_index("indicator_id")
    ids = rows["indicator_id"]

    def column(name, default=None):
        return ids.map(ind[name]) if name in ind else pd.Series(default, index=rows.index)

    def floats(series):
        return pd.to_numeric(series, errors="coerce").astype(float).to_numpy()

    kind = column("target_kind").to_numpy(dtype=object)
    tolerance = floats(column("tolerance"))
    tolerance = np.where(np.isnan(tolerance), maths.Thresholds().default_tolerance, tolerance)
    higher = column("higher_is_better", True).map(bool)  # as the one-row test reads it
    direction = np.where(higher.to_numpy(dtype=bool), 1.0, -1.0)
    judged = ~column("measure").isin(["rate", "qualitative"]).to_numpy(dtype=bool) \
        & np.isin(kind, ["at_least", "about", "more_than"])
    meets = np.array(rows["reason"].isin(maths.BASELINE_MET_REASONS), dtype=bool) if "reason" in rows \
        else np.zeros(len(rows), dtype=bool)
    meets = meets | judged & maths.achieved_array(floats(rows["baseline_value"]), floats(rows["target_value"]), direction,
                                           np.where(judged, kind, "none"), tolerance)
    completion = floats(rows["completion"])
    return [None if m or math.isnan(c) else float(c) for m, c in zip(meets, completion)]


def completion_shown(row: dict, indicator: dict | None = None):
    """Completion, or None where it is undefined (the baseline already meets the target: shown as "—")."""
    if baseline_meets_target(row, indicator):
        return None
    return _num(row.get("completion"))


def final_numbers(row: dict, *, higher_is_better: bool = True) -> tuple[float | None, float | None]:
    """(shortfall in the unit, share of the target reached) of a final figure: stored, or from value and target."""
    shortfall, share = _num(row.get("shortfall")), _num(row.get("target_share"))
    if shortfall is not None or share is not None:
        return shortfall, share
    value = _num(row.get("annual_value"))
    value = value if value is not None else _num(row.get("value"))
    target = _num(row.get("target_value"))
    if value is None or target is None:
        return None, None
    if higher_is_better:
        return max(0.0, target - value), (value / target if target else None)
    return max(0.0, value - target), (target / value if value else None)


def final_text(row: dict, *, unit: str, decimals: int = 2, higher_is_better: bool = True) -> str:
    """差 48.44 亿元，达到目标的 96.3%; a target reached says only the share."""
    shortfall, share = final_numbers(row, higher_is_better=higher_is_better)
    parts = []
    if shortfall is not None and shortfall > 0 and row.get("status") != "achieved":
        gap = _("%(n)s 个百分点") % {"n": formatting.number(shortfall, decimals)} if unit == "%" \
            else formatting.with_unit(shortfall, unit, decimals)
        parts.append(_("差 %(gap)s") % {"gap": gap})
    if share is not None:
        parts.append(_("达到目标的 %(share)s") % {"share": formatting.percent(share, 1)})
    return "，".join(parts) if not _english() else ", ".join(parts)


def apart_from_target(value, target, unit: str, decimals: int = 2) -> str:
    """A value with its unit, given one or two more decimals where rounding would show it equal to the target it
    misses (a projection of 14.97户 against 15户 reads 14.97 户, never "15 户 misses 15户")."""
    value = _num(value)
    return "—" if value is None else formatting.with_unit(value, unit, apart_decimals(value, target, decimals))


def apart_decimals(value, target, decimals: int = 2) -> int:
    """The decimals that show a value apart from a target it differs from (at most two more than usual)."""
    value, target = _num(value), _num(target)
    shown = decimals
    while value is not None and target is not None and value != target and shown < decimals + 2 and \
            formatting.rounded(value, shown) == formatting.rounded(target, shown):
        shown += 1
    return shown


def projection_misses(row: dict, *, measure: str, target_kind: str, tolerance=None,
                      higher_is_better: bool = True, target_year=None) -> bool:
    """The projection to the target year falls short of the target (only while a projection is given)."""
    if row.get("status") not in IN_PROGRESS or measure == "qualitative":
        return False
    if not shows_projection(row, target_year):
        return False
    projection, target = _num(row.get("projection")), _num(row.get("target_value"))
    if projection is None or target is None or target_kind not in ("at_least", "about", "more_than"):
        return False
    tolerance = _num(tolerance)
    tolerance = maths.Thresholds().default_tolerance if tolerance is None else tolerance
    return not maths.is_achieved(projection, target, 1 if higher_is_better else -1, target_kind, tolerance)


def warning_reasons(row: dict, *, measure: str, target_kind: str, tolerance=None, higher_is_better: bool = True,
                    target_year=None, unit: str = "", decimals: int = 2) -> list[str]:
    """预警 (PROGRESS.md §3): a red light, in the words of its status, or a projection that misses the target."""
    reasons = []
    final = is_final(row, target_year)
    if light_of(row.get("status")) == "red":
        reasons.append(status_label(row.get("status"), final))
    if projection_misses(row, measure=measure, target_kind=target_kind, tolerance=tolerance,
                         higher_is_better=higher_is_better, target_year=target_year):
        year = int(_num(target_year if target_year is not None else row.get("target_year")) or 0)
        projected = apart_from_target(row.get("projection"), row.get("target_value"), unit, decimals) if unit else ""
        reasons.append(_("预计%(year)s年达不到目标（预计 %(value)s）") % {"year": year, "value": projected}
                       if projected else _("预计%(year)s年达不到目标") % {"year": year})
    return reasons


# the legend of the lights: every status a page can show, under the light it is the colour of (the target reached
# at the plan's end, 已完成, with 已达标; 无法评估 under no light)
LEGEND = (("green", (("achieved", False), ("achieved", True), ("on_track", False))),
          ("yellow", (("acceleration_needed", False), ("largely_achieved", False))),
          ("red", (("limited", False), ("deterioration", False), ("not_achieved", False))),
          (None, (("cannot_assess", False),)))


def legend_text() -> str:
    """灯号即状态的颜色：● 绿灯 已达标、已完成、进度正常；▲ 黄灯 需加快、基本完成；■ 红灯 进展有限、倒退、未完成；
    ○ 无灯 无法评估。 In English with the same words the pages print: ● green Target achieved, Achieved, On track; …"""
    from indicators.dashboards.charts import light_badge

    english = _english()
    parts = [f"{light_badge(light or 'none')} " + (", " if english else "、").join(
        status_label(status, final) for status, final in statuses) for light, statuses in LEGEND]
    lead = _("灯号即状态的颜色：")
    return lead + ("; " if english else "；").join(parts) + ("." if english else "。")
