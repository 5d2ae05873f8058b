"""Review texts: the sentence builders, one paragraph per indicator and the revision notes."""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from indicators.figures.formatting import as_printed, rounded, unit_text
from indicators.progress import maths
from indicators.progress.maths import finite as _num
from indicators.reviews.wording import (
    LAGGING_STATUSES,
    Fmt,
    Scope,
    as_decimal,
    decimals_of,
    higher_is_better,
    indicator_name,
    is_count_unit,
    is_percent,
    lcfirst,
    light_badge,
    light_word,
    pct_of_fraction,
    pct_value_decimal,
    period_text,
    rate_subject,
    reason_text,
    shown_target,
    source_citation,
    status_label,
    target_share,
    verdict,
)

# ------------------------------------------------------------------------------------------------ one indicator


@dataclass(frozen=True)
class Paragraph:
    indicator_id: Any
    number: int
    name: str
    status: str
    status_label: str
    light: str | None
    light_badge: str
    title: str
    sentence: str
    conclusion: str
    year: int | None
    quarter: int | None
    lagging: bool
    gap_points: Decimal | None  # displayed time share − displayed completion (positive: behind schedule)
    value_text: str
    target_text: str
    completion_text: str
    time_share_text: str
    final: bool = False  # the plan's final verdict (已完成 / 基本完成 / 未完成), or a final review's row without one
    baseline_text: str = "—"  # the plan's baseline, or 未给出 / not given
    value_mark: str = ""  # 演示 / demo, 公布 / published: the assessed figure's own mark
    source_note: str = ""  # 数据来源：乐山市统计局《…》。 (publisher and document, never an address)
    target_share_text: str = "—"  # final rows: the share of the target reached
    shortfall_text: str = "—"  # final rows: how far short of the target, in the indicator's unit
    citations: tuple[str, ...] = ()  # a published figure's documents, publisher first

    @property
    def text(self) -> str:
        return self.sentence + self.conclusion


def _row_get(row: Mapping | None, key: str):
    if row is None:
        return None
    value = row.get(key)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def row_dict(row) -> dict | None:
    if row is None:
        return None
    if isinstance(row, pd.Series):
        row = row.to_dict()
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in dict(row).items()}


def _progress_clause(f: Fmt, c, tau, note: str = "") -> list[str]:
    """完成目标进度51.2%，低于时间进度8.8个百分点 (note: what a substitute baseline was, right after completion)."""
    if c is None or tau is None:
        return []
    cd, td = pct_of_fraction(c), pct_of_fraction(tau)
    if f.zh:
        if cd < td:
            rel = f"低于时间进度{f.points(td, cd)}个百分点"
        elif cd > td:
            rel = f"快于时间进度{f.points(cd, td)}个百分点"
        else:
            rel = "与时间进度持平"
        return [f"完成目标进度{f.pct(c)}{note}", rel]
    if cd < td:
        rel = f"{f.points(td, cd)} percentage points behind the time elapsed ({f.pct(tau)})"
    elif cd > td:
        rel = f"{f.points(cd, td)} percentage points ahead of the time elapsed ({f.pct(tau)})"
    else:
        rel = f"in line with the time elapsed ({f.pct(tau)})"
    return [f"completion stood at {f.pct(c)}{note}, {rel}"]


def _achieved_clause(f: Fmt, T: int, target_text: str, *, ahead: bool, provisional: bool) -> str:
    if provisional:  # a within-year estimate: say so, never "achieved" outright
        return f"预计全年可达到{T}年目标（{target_text}）" if f.zh else f"on course to meet the {T} target ({target_text})"
    if ahead:
        return f"已提前达到{T}年目标（{target_text}）" if f.zh else f"already meeting the {T} target ({target_text})"
    return f"完成{T}年目标（{target_text}）" if f.zh else f"meeting the {T} target ({target_text})"


def _missed_clause(f: Fmt, T: int, *, provisional: bool) -> str:
    if provisional:
        return f"按预计全年值难以完成{T}年目标" if f.zh else f"on this estimate the {T} target will be missed"
    return f"未完成{T}年目标" if f.zh else f"missing the {T} target"


def _meets(value, target, ind: Mapping, thresholds: maths.Thresholds) -> bool:
    """Would this value reach the target (the engine's own rule, tolerance of 左右 included)?"""
    tol = _num(ind.get("tolerance"))
    tol = thresholds.default_tolerance if tol is None else tol
    return maths.is_achieved(value, target, 1 if higher_is_better(ind) else -1, ind.get("target_kind") or "at_least", tol)


def figure_mark(row: Mapping | None, lang: str) -> str:
    """The assessed figure's own mark: 演示 / demo for demo data, 公布 / published for a published figure."""
    kind = ((row or {}).get("figure_mark") or {}).get("kind")
    if kind == "demo":
        return "演示" if lang == "zh" else "demo"
    if kind == "published":
        return "公布" if lang == "zh" else "published"
    return ""


def _target_mark(f: Fmt, row: Mapping | None) -> str:
    """（演示） after a province-assigned amount that is demo data (load_demo enters one where none is recorded)."""
    return ("（演示）" if f.zh else " (demo)") if (row or {}).get("target_demo") else ""


def _inline_mark(f: Fmt, row: Mapping) -> str:
    """（演示） right after a demo figure in a sentence, so that a copied sentence keeps it."""
    if ((row.get("figure_mark") or {}).get("kind")) != "demo":
        return ""
    return "（演示）" if f.zh else " (demo)"


def baseline_given(row: Mapping, ind: Mapping, scope: Scope) -> bool:
    """Is the row's baseline the plan's own? inputs.baseline_source says so ("indicator") or not ("observed": the
    scope's own base-year figure stood in); rows without it are judged by the indicator's printed baseline."""
    source = (row.get("inputs") or {}).get("baseline_source")
    if source in ("indicator", "observed"):
        return source == "indicator"
    if scope.is_city and "baseline_value" in ind:
        return _num(ind.get("baseline_value")) is not None
    return True


_BASELINE_KINDS = {"demo": ("演示", "demo figure"), "published": ("公布", "published figure"),
                   "district": ("填报", "entered figure")}


def baseline_note(f: Fmt, row: Mapping, ind: Mapping, scope: Scope) -> str:
    """（以2020年演示数据为基期）: what a figure computed from a baseline the plan does not give used instead."""
    b, baseline = _num(row.get("baseline_year")), _num(row.get("baseline_value"))
    if b is None or baseline is None or baseline_given(row, ind, scope):
        return ""
    kind = ((row.get("baseline_mark") or {}).get("kind"))
    zh, en = _BASELINE_KINDS.get(kind, ("", "figure"))
    return f"（以{int(b)}年{zh}数据为基期）" if f.zh else f" (baseline: the {int(b)} {en})"


def _level_sentence(f: Fmt, ind: Mapping, row: Mapping, scope: Scope, th: maths.Thresholds) -> str:
    measure = ind["measure"]
    year, quarter = int(row["year"]), int(row["quarter"])
    T = int(_num(ind.get("target_year")) or 0)
    b = _num(row.get("baseline_year"))
    value, annual = _num(row.get("value")), _num(row.get("annual_value"))
    target, baseline = _num(shown_target(row.get("target_value"), ind)), _num(row.get("baseline_value"))
    c, tau = _num(row.get("completion")), _num(row.get("time_share"))
    projection, still = _num(row.get("projection")), _num(row.get("still_needed"))
    status = row.get("status") or "cannot_assess"
    provisional = measure == "flow" and quarter < 4
    percent = is_percent(ind)
    name, where = indicator_name(ind, f.lang), scope.name(f.lang)
    cumulative = measure == "flow"
    period = period_text(year, quarter, f.lang, cumulative=cumulative)
    assessed = annual if annual is not None else value
    mark = _inline_mark(f, row)
    # the stored t: flows are annualised (t = year), stocks, shares and index values read at the period's end
    t_year = _num(row.get("t"))
    t_year = maths.period_time(year, quarter, measure) if t_year is None else t_year
    # a baseline the plan does not give: the first figure computed from it says what stood in
    pending = [baseline_note(f, row, ind, scope)]

    def noted() -> str:
        note, pending[0] = pending[0], ""
        return note

    # what was reached
    if f.zh:
        if measure == "flow":
            reached = (f"累计完成{f.amount(value, ind)}{mark}" + (f"，预计全年{f.amount(annual, ind)}"
                                                                if annual is not None else "")
                       ) if provisional else f"完成{f.amount(assessed, ind)}{mark}"
        elif measure == "stock":
            reached = f"达到{f.amount(assessed, ind)}{mark}"
        else:
            reached = f"为{f.amount(assessed, ind)}{mark}"
        parts = [f"{period}，{where}{name}{reached}"]
    else:
        if measure == "flow" and provisional:
            reached = f"reached {f.amount(value, ind)}{mark}" + (
                f", an estimated {f.amount(annual, ind)} for the full year" if annual is not None else "")
        elif is_count_unit(ind):
            reached = f"numbered {f.amount(assessed, ind)}{mark}"
        elif measure in ("flow", "stock"):
            reached = f"reached {f.amount(assessed, ind)}{mark}"
        else:
            reached = f"was {f.amount(assessed, ind)}{mark}"
        parts = [f"{period}, {name} in {where} {reached}"]

    if status == "cannot_assess" or assessed is None:
        return _join(f, parts)

    # against the target and the baseline
    if not percent and target and higher_is_better(ind):
        share = rounded(as_decimal(assessed) / as_decimal(target) * 100, 1)
        parts.append(f"为{T}年目标的{f.n(share, 1)}%" if f.zh else f"{f.n(share, 1)}% of the {T} target")
    if percent and baseline is not None and b is not None and baseline_is_approximate(ind, baseline):
        # the plan gives the baseline only as 约30%: the change is stated no finer than the baseline is known
        vd, bd = rounded(assessed, 0), rounded(baseline, 0)
        base = plan_baseline_printed(f, ind, baseline)
        if f.zh:
            parts.append((f"比{int(b)}年（{base}）{'提高' if vd > bd else '下降'}约{f.n(abs(vd - bd), 0)}个百分点"
                          if vd != bd else f"与{int(b)}年（{base}）大致持平") + noted())
        else:
            parts.append((f"{'up' if vd > bd else 'down'} about {f.n(abs(vd - bd), 0)} percentage points on "
                          f"{int(b)} ({base})" if vd != bd else f"about the same as in {int(b)} ({base})") + noted())
    elif percent and baseline is not None and b is not None:
        vd, bd = pct_value_decimal(assessed), pct_value_decimal(baseline)
        if f.zh:
            parts.append((f"比{int(b)}年{'提高' if vd > bd else '下降'}{f.points(vd, bd)}个百分点" if vd != bd
                          else f"与{int(b)}年持平") + noted())
        else:
            parts.append((f"{'up' if vd > bd else 'down'} {f.points(vd, bd)} percentage points on {int(b)}"
                          if vd != bd else f"unchanged on {int(b)}") + noted())
    if not percent and status == "deterioration" and baseline is not None and b is not None:
        diff = abs(as_decimal(assessed) - as_decimal(baseline))
        more = assessed > baseline
        if f.zh:
            parts.append(f"比{int(b)}年{'增加' if more else '减少'}{f.amount(diff, ind)}{noted()}")
        else:
            parts.append(f"{f.amount(diff, ind)} {'more' if more else 'less'} than in {int(b)}{noted()}")

    if status == "achieved":
        parts.append(_achieved_clause(f, T, f.target(target, ind) if target is not None else "",
                                      ahead=t_year < T, provisional=provisional))
        return _join(f, parts)

    if percent and target is not None:
        vd, td = pct_value_decimal(assessed), pct_value_decimal(target)
        if f.zh:
            parts.append(f"距{T}年目标（{f.target(target, ind)}）尚差{f.points(td, vd)}个百分点")
        else:
            parts.append(f"{f.points(td, vd)} percentage points short of the {T} target ({f.target(target, ind)})")
    if c is not None and tau is not None:
        parts += _progress_clause(f, c, tau, noted())

    if t_year >= T:
        parts.append(_missed_clause(f, T, provisional=provisional))
    elif projection is not None and target is not None:
        falling = (projection < assessed) if higher_is_better(ind) else (projection > assessed)
        basis = ("按当前趋势" if percent else "按当前增速") if f.zh else (
            "on the current trend" if percent else "at the current growth rate")
        if f.zh:
            outlook = (f"{basis}预计{T}年{'降至' if falling and higher_is_better(ind) else '达到'}"
                       f"{f.amount(projection, ind)}{noted()}")
        else:
            verb = "fall to" if falling and higher_is_better(ind) else "reach"
            outlook = f"{basis} it is projected to {verb} {f.amount(projection, ind)} in {T}{noted()}"
        if _meets(projection, target, ind, th):
            outlook += "，可完成目标" if f.zh else ", enough to meet the target"
        elif percent:
            pd_, td = pct_value_decimal(projection), pct_value_decimal(target)
            outlook += (f"，距目标仍差{f.points(td, pd_)}个百分点" if f.zh
                        else f", still {f.points(td, pd_)} percentage points short of the target")
        elif still is not None:
            outlook += (f"，需年均增长{f.pct(still)}方可完成目标" if f.zh
                        else f", and average annual growth of {f.pct(still)} is needed to meet the target")
        parts.append(outlook)
    return _join(f, parts)


_FINAL_ENDINGS = {"achieved": ("完成规划目标", "target achieved"),
                  "largely_achieved": ("基本完成规划目标", "target largely achieved"),
                  "not_achieved": ("未完成规划目标", "target not achieved")}


def final_figures(f: Fmt, ind: Mapping, row: Mapping, status: str) -> tuple[str, str]:
    """(share of the target reached, shortfall in the indicator's unit) of a final row, as displayed: "96.3%",
    "48.44亿元" / "2.4个百分点". The shortfall is the displayed target less the displayed value, so that the
    sentence adds up; none once the target is achieved."""
    measure = ind["measure"]
    annual, value = _num(row.get("annual_value")), _num(row.get("value"))
    assessed = annual if annual is not None else value
    target = _num(shown_target(row.get("target_value"), ind))
    share = target_share(row, ind)
    share_text = "—" if share is None else f.pct(share)
    if assessed is None or target is None or status in ("achieved", "cannot_assess"):
        return share_text, "—"
    d = 1 if higher_is_better(ind) else -1
    if is_percent(ind) or measure == "rate":
        gap = (pct_value_decimal(target) - pct_value_decimal(assessed)) * d
        if gap <= 0:
            return share_text, "—"
        return share_text, f"{f.n(gap, 1)}个百分点" if f.zh else f"{f.n(gap, 1)} percentage points"
    decimals = decimals_of(ind)
    gap = (rounded(target, decimals) - rounded(assessed, decimals)) * d
    if gap <= 0:
        return share_text, "—"
    return share_text, f.amount(gap, ind)


def _final_sentence(f: Fmt, ind: Mapping, row: Mapping, scope: Scope, status: str) -> str:
    """The final review's sentence (PROGRESS.md §3a): the target year's figure, the target, the share of it reached,
    the shortfall in the indicator's unit and the verdict; never a projection or a growth still needed.

    2025年，全市服务业增加值完成1251.56亿元，为目标（1300.00亿元）的96.3%，差48.44亿元，基本完成规划目标。
    """
    measure = ind["measure"]
    year = int(row["year"])
    annual, value = _num(row.get("annual_value")), _num(row.get("value"))
    assessed = annual if annual is not None else value
    target = _num(shown_target(row.get("target_value"), ind))
    name, where = indicator_name(ind, f.lang), scope.name(f.lang)
    mark = _inline_mark(f, row)
    b = _num(row.get("baseline_year"))

    if measure == "rate":
        subject, is_growth = rate_subject(ind, f.lang)
        span = None
        if b is not None and year > int(b):
            first = int(b) + 1
            span = (f"{first}—{year}年" if first < year else f"{year}年") if f.zh else (
                f"{first}–{year}" if first < year else f"{year}")
        if assessed is None:
            head = f"{year}年，{where}{subject}" if f.zh else f"In {year}, {subject} in {where}"
        elif is_growth and span:
            up = assessed >= 0
            if f.zh:
                head = f"{span}，{where}{subject}年均{'增长' if up else '下降'}{f.pct_value(abs(assessed))}{mark}"
            else:
                head = (f"Over {span}, {subject} in {where} {'grew' if up else 'fell'} by an average of "
                        f"{f.pct_value(abs(assessed))} a year{mark}")
        else:
            head = (f"{year}年，{where}{subject}为{f.pct_value(assessed)}{mark}" if f.zh
                    else f"In {year}, {subject} in {where} was {f.pct_value(assessed)}{mark}")
    elif assessed is None:
        head = f"{year}年，{where}{name}" if f.zh else f"In {year}, {name} in {where}"
    elif f.zh:
        verb = {"flow": "完成", "qualitative": "完成", "stock": "达到"}.get(measure, "为")
        head = f"{year}年{'末' if measure == 'stock' else ''}，{where}{name}{verb}{f.amount(assessed, ind)}{mark}"
    else:
        verb = "numbered" if is_count_unit(ind) else "reached" if measure in ("flow", "stock", "qualitative") else "was"
        head = f"{'At the end of' if measure == 'stock' else 'In'} {year}, {name} in {where} {verb} " \
               f"{f.amount(assessed, ind)}{mark}"
    parts = [head]
    if status == "cannot_assess" or assessed is None or target is None:
        return _join(f, parts)

    share_text, shortfall = final_figures(f, ind, row, status)
    if measure == "qualitative":
        assigned = f.amount(target, ind) + _target_mark(f, row)
        if f.zh:
            parts.append(f"为省下达目标任务（{assigned}）的{share_text}")
            if shortfall != "—":
                parts.append(f"差{shortfall}")
            parts.append({"achieved": "完成省下达目标任务", "largely_achieved": "基本完成省下达目标任务"}.get(
                status, "未完成省下达目标任务"))
        else:
            parts.append(f"{share_text} of the amount assigned by the province ({assigned})")
            if shortfall != "—":
                parts.append(f"{shortfall} short")
            parts.append({"achieved": "amount achieved", "largely_achieved": "amount largely achieved"}.get(
                status, "amount not achieved"))
        return _join(f, parts)

    tgt = f.target(target, ind)
    if f.zh:
        parts.append(f"为目标（{tgt}）的{share_text}")
        if shortfall != "—":
            parts.append(f"差{shortfall}")
    else:
        parts.append(f"{share_text} of the target ({tgt})")
        if shortfall != "—":
            parts.append(f"{shortfall} short")
    zh, en = _FINAL_ENDINGS.get(status, _FINAL_ENDINGS["not_achieved"])
    parts.append(zh if f.zh else en)
    return _join(f, parts)


def _rate_sentence(f: Fmt, ind: Mapping, row: Mapping, scope: Scope, th: maths.Thresholds) -> str:
    year, quarter = int(row["year"]), int(row["quarter"])
    T = int(_num(ind.get("target_year")) or 0)
    b = _num(row.get("baseline_year"))
    value, annual, target = _num(row.get("value")), _num(row.get("annual_value")), _num(row.get("target_value"))
    c, tau, still = _num(row.get("completion")), _num(row.get("time_share")), _num(row.get("still_needed"))
    status = row.get("status") or "cannot_assess"
    subject, is_growth = rate_subject(ind, f.lang)
    where = scope.name(f.lang)
    period = period_text(year, quarter, f.lang, cumulative=True)
    span = None
    if b is not None and year > int(b):
        first = int(b) + 1
        span = (f"{first}—{year}年" if first < year else f"{year}年") if f.zh else (
            f"{first}–{year}" if first < year else f"{year}")

    def grew(v, *, average: bool) -> str:
        up = v >= 0
        if f.zh:
            return f"{'年均' if average else '同比'}{'增长' if up else '下降'}{f.pct_value(abs(v))}"
        if average:
            return f"{'grew' if up else 'fell'} by an average of {f.pct_value(abs(v))} a year"
        return f"{'grew' if up else 'fell'} {f.pct_value(abs(v))} year on year"

    if f.zh:
        if not is_growth:
            head = f"{period}，{where}{subject}为{f.pct_value(annual if annual is not None else value)}" \
                if (annual if annual is not None else value) is not None else f"{period}，{where}{subject}"
        elif quarter < 4 or annual is None:
            head = f"{period}，{where}{subject}{grew(value, average=False)}" if value is not None \
                else f"{period}，{where}{subject}"
            if quarter < 4 and annual is not None and span:
                head += f"，预计{span}{grew(annual, average=True)}"
        else:
            head = f"{period}，{where}{subject}{span or ''}{grew(annual, average=True)}"
    else:
        v_any = annual if annual is not None else value
        if not is_growth:
            head = f"{period}, {subject} in {where} was {f.pct_value(v_any)}" if v_any is not None \
                else f"{period}, {subject} in {where}"
        elif quarter < 4 or annual is None:
            head = f"{period}, {subject} in {where} {grew(value, average=False)}" if value is not None \
                else f"{period}, {subject} in {where}"
            if quarter < 4 and annual is not None and span:
                head += f", putting growth over {span} at an estimated {f.pct_value(annual)} a year"
        else:
            head = f"{period}, {subject} in {where} {grew(annual, average=True)}" + (f" over {span}" if span else "")
    parts = [head + _inline_mark(f, row)]
    if status == "cannot_assess" or annual is None:
        return _join(f, parts)

    tgt = f.target(target, ind) if target is not None else ""
    if status == "achieved":
        if quarter < 4:
            parts.append(_achieved_clause(f, T, tgt, ahead=False, provisional=True))
        else:
            parts.append(f"达到{T}年目标（{tgt}）" if f.zh else f"meeting the {T} target ({tgt})")
        return _join(f, parts)
    if target is not None:
        ad, td = pct_value_decimal(annual), pct_value_decimal(target)
        if f.zh:
            parts.append(f"{'低于' if ad < td else '高于'}{T}年目标（{tgt}）{f.points(ad, td)}个百分点" if ad != td
                         else f"与{T}年目标（{tgt}）持平")
        else:
            side = "below" if ad < td else "above"
            parts.append(f"{f.points(ad, td)} percentage points {side} the {T} target ({tgt})"
                         if ad != td else f"level with the {T} target ({tgt})")
    parts += _progress_clause(f, c, tau)
    if year >= T:
        parts.append(_missed_clause(f, T, provisional=quarter < 4))
    elif still is not None:
        rest = (f"{year + 1}—{T}年" if year + 1 < T else f"{T}年") if f.zh else (
            f"{year + 1}–{T}" if year + 1 < T else f"{T}")
        if f.zh:
            parts.append(f"{rest}需{'年均' if year + 1 < T else ''}增长{f.pct(still)}方可完成目标")
        else:
            parts.append(f"growth of {f.pct(still)}{' a year' if year + 1 < T else ''} is needed in {rest} "
                         f"to meet the target")
    return _join(f, parts)


def _qualitative_sentence(f: Fmt, ind: Mapping, row: Mapping, scope: Scope) -> str:
    year, quarter = int(row["year"]), int(row["quarter"])
    value, target, c = _num(row.get("value")), _num(row.get("target_value")), _num(row.get("completion"))
    status = row.get("status") or "cannot_assess"
    name, where = indicator_name(ind, f.lang), scope.name(f.lang)
    period = period_text(year, quarter, f.lang, cumulative=True)
    within = quarter < 4
    mark = _inline_mark(f, row)
    if f.zh:
        parts = [f"{period}，{where}{name}{'累计' if within else ''}完成{f.amount(value, ind)}{mark}"]
    else:
        parts = [f"{period}, {name} in {where} reached {f.amount(value, ind)}{mark}"]
    if status == "cannot_assess" or value is None or target is None:
        return _join(f, parts)
    assigned = f.amount(target, ind) + _target_mark(f, row)
    if f.zh:
        if status == "achieved":
            parts.append(f"{'已' if within else ''}完成省下达{'全年' if within else ''}目标任务（{assigned}）")
        elif within:
            parts.append(f"为省下达全年目标任务（{assigned}）的{f.pct(c)}")
        else:
            parts.append(f"未完成省下达目标任务（{assigned}），完成率{f.pct(c)}")
    else:
        if status == "achieved":
            parts.append(f"meeting the amount assigned by the province{' for the year' if within else ''} ({assigned})")
        elif within:
            parts.append(f"{f.pct(c)} of the amount assigned by the province for the year ({assigned})")
        else:
            parts.append(f"below the amount assigned by the province ({assigned}), {f.pct(c)} of it")
    return _join(f, parts)


def _join(f: Fmt, parts: list[str]) -> str:
    if f.zh:
        return "，".join(parts) + "。"
    text = parts[0]
    for part in parts[1:]:
        text += ("; " if part.startswith(_EN_CLAUSE_STARTS) else ", ") + part
    return text[0].upper() + text[1:] + "."


_EN_CLAUSE_STARTS = ("completion stood", "at the current", "on the current", "growth of", "missing the",
                     "on this estimate", "target achieved", "target largely", "target not", "amount achieved",
                     "amount largely", "amount not")


def _no_data_sentence(f: Fmt, ind: Mapping, scope: Scope, year: int, quarter: int) -> str:
    cumulative = ind["measure"] in ("flow", "rate", "qualitative")
    period = period_text(year, quarter, f.lang, cumulative=cumulative)
    if f.zh:
        return f"{period}，{scope.name_zh}{ind['name']}暂无数据。"
    return f"{period}, there is no figure yet for {indicator_name(ind, 'en')} in {scope.name_en}."


def conclusion_text(status: str, reason: str, light, lang: str, *, final: bool = False) -> str:
    """评估结论：需加快（黄灯）。 · 评估结论：无法评估（缺少基期值）。 · at the end of the plan 评估结论：基本完成（黄灯）。"""
    label = status_label(status, lang, final=final)
    if status == "cannot_assess":
        why = reason_text(reason or "no_data", lang)
        if lang == "zh":
            return f"评估结论：{label}（{why}）。"
        return f" Assessment: {label.lower()} ({lcfirst(why)})."
    # completion is undefined when the baseline already met the target: say why it is shown as "—"
    extra = ""
    if reason == "baseline_meets_target":
        extra = "；基期已达到目标，完成目标进度不适用" if lang == "zh" else (
            "; the baseline already met the target, so completion does not apply")
    elif reason == "baseline_within_tolerance":
        extra = "；基期已在“左右”目标的容差范围内，视同已达到目标，完成目标进度不适用" if lang == "zh" else (
            "; the baseline was already within the tolerance of the \"about\" target, so completion does not apply")
    if lang == "zh":
        return f"评估结论：{label}（{light_word(light, 'zh')}{extra}）。" if light else (
            f"评估结论：{label}（{extra[1:]}）。" if extra else f"评估结论：{label}。")
    if light:
        return f" Assessment: {label.lower()} ({light_word(light, 'en')}{extra})."
    return f" Assessment: {label.lower()} ({extra[2:]})." if extra else f" Assessment: {label.lower()}."


def _baseline_meets_target(row: Mapping, ind: Mapping, th: maths.Thresholds) -> bool:
    """A row stored before the engine gave the reason: the baseline itself reaches the target."""
    if ind["measure"] in ("rate", "qualitative"):
        return False
    baseline, target = _num(row.get("baseline_value")), _num(shown_target(row.get("target_value"), ind))
    return baseline is not None and target is not None and _meets(baseline, target, ind, th)


def baseline_text(f: Fmt, ind: Mapping, row: Mapping | None, scope: Scope) -> str:
    """The plan's baseline with its year (890.02亿元（2020年）); 未给出 / not given where the plan gives none, whatever
    figure stood in for it; — for the province-assigned amounts, which have no baseline."""
    if ind["measure"] == "qualitative":
        return "—"
    not_given = "未给出" if f.zh else "not given"
    if row is not None and row.get("year") is not None:
        b, baseline = _num(row.get("baseline_year")), _num(row.get("baseline_value"))
        if baseline is None or not baseline_given(row, ind, scope):
            return not_given
    else:
        b, baseline = _num(ind.get("baseline_year")), _num(ind.get("baseline_value"))
        if baseline is None or not scope.is_city:
            return not_given
    text = plan_baseline_printed(f, ind, baseline) or f.amount(baseline, ind)
    if b is None:
        return text
    return f"{text}（{int(b)}年）" if f.zh else f"{text} ({int(b)})"


def plan_baseline_printed(f: Fmt, ind: Mapping, baseline) -> str:
    """The plan's own baseline as the plan prints it (约30%, 890.02亿元; about 30%), or "" when the figure is not
    the plan's baseline (a district's, a substitute)."""
    plan_value, v = _num(ind.get("baseline_value")), _num(baseline)
    if plan_value is None or v is None or abs(v - plan_value) > 1e-9:
        return ""
    from django.utils import translation

    with translation.override("zh-hans" if f.zh else "en"):
        return as_printed(Decimal(str(ind.get("baseline_value"))), ind.get("unit") or "",
                          ind.get("baseline_text") or "")


def baseline_is_approximate(ind: Mapping, baseline) -> bool:
    """Is this the plan's baseline printed as 约 (about) a number (生产性服务业占服务业比重约30%)?"""
    return plan_baseline_printed(Fmt("zh"), ind, baseline).startswith("约")


def citations(row: Mapping | None, lang: str) -> tuple[str, ...]:
    mark = (row or {}).get("figure_mark") or {}
    if mark.get("kind") != "published":
        return ()
    return tuple(dict.fromkeys(source_citation(t, lang) for t in mark.get("titles") or () if t))


def source_note(row: Mapping | None, lang: str, scope: Scope) -> str:
    """数据来源：乐山市统计局《2024年乐山市国民经济和社会发展统计公报》。 The publisher and the document of a published
    figure (never an address), 演示数据 for demo data, the districts' entries for the rest."""
    mark = (row or {}).get("figure_mark") or {}
    kind = mark.get("kind")
    if kind == "demo":
        return ("数据来源：演示数据（程序生成，非官方统计）。" if lang == "zh"
                else "Source: demo data (generated, not official statistics).")
    if kind == "published":
        cited = citations(row, lang)
        if not cited:
            return ""
        return ("数据来源：" + "；".join(cited) + "。") if lang == "zh" else ("Source: " + "; ".join(cited) + ".")
    if kind == "district":
        if lang == "zh":
            return "数据来源：各县（市、区）填报并经审核的数据。" if scope.is_city else "数据来源：本县（市、区）填报并经审核的数据。"
        return "Source: figures entered by the districts and approved." if scope.is_city else (
            "Source: figures entered by the district and approved.")
    return ""


def indicator_paragraph(ind: Mapping, row: Mapping | None, scope: Scope, *, lang: str = "zh",
                        year: int | None = None, quarter: int | None = None,
                        thresholds: maths.Thresholds = maths.Thresholds(), final_review: bool = False) -> Paragraph:
    """One indicator's paragraph from its stored progress row (None: no row up to the period).

    ind: number, name, name_en, unit, measure, higher_is_better, target_kind, target_year, decimals, tolerance
    (and baseline_value, baseline_year: the plan's own).
    row: a Progress row as a dict (year, quarter, value, annual_value, baseline_year, baseline_value,
    target_value, completion, time_share, projection, still_needed, status, reason, light, inputs, and where the
    engine gives them is_final, shortfall, target_share; figure_mark and baseline_mark from the review's reads).
    year, quarter: the review period, used only to word a missing row.
    final_review: the review of the target year (总结评估): a row that is not the target year's annual figure gives
    no verdict, and nothing in it is projected or said to need acceleration.
    A final row (the target year's annual figure) reads 已完成 / 基本完成 / 未完成 in any review.
    """
    f = Fmt(lang)
    row = row_dict(row)
    has_row = row is not None and row.get("year") is not None
    status, reason, light, final = verdict(row if has_row else None, ind, final_review=final_review)
    measure = ind["measure"]
    c = _num(_row_get(row, "completion"))
    if has_row and status != "cannot_assess" and not final:
        if reason in maths.BASELINE_MET_REASONS or (not reason and _baseline_meets_target(row, ind, thresholds)):
            reason, c = reason or "baseline_meets_target", None  # never a negative or a several-hundred-percent completion
    if has_row:
        shown = {**row, "status": status, "reason": reason, "light": light, "completion": c}
        if final and status == "cannot_assess" and bool(_row_get(row, "is_provisional")):
            shown["annual_value"] = None  # a final review words no estimate of a year that is not in yet
    if not has_row:
        sentence = _no_data_sentence(f, ind, scope, year or 0, quarter or 4)
    elif final and status != "cannot_assess":
        sentence = _final_sentence(f, ind, shown, scope, status)
    elif measure == "rate":
        sentence = _rate_sentence(f, ind, shown, scope, thresholds)
    elif measure == "qualitative":
        sentence = _qualitative_sentence(f, ind, shown, scope)
    else:
        sentence = _level_sentence(f, ind, shown, scope, thresholds)

    tau = _num(_row_get(row, "time_share"))
    gap = None
    if not final and status not in ("achieved", "cannot_assess") and c is not None and tau is not None:
        gap = pct_of_fraction(tau) - pct_of_fraction(c)
    annual = _num(_row_get(row, "annual_value"))
    value = annual if annual is not None else _num(_row_get(row, "value"))
    target = _num(shown_target(_row_get(row, "target_value"), ind))
    provisional = bool(_row_get(row, "is_provisional")) and measure in ("flow", "rate")
    value_text = "—" if value is None else (
        f.amount(value, ind) if measure != "rate" else f.pct_value(value))
    if provisional and value is not None:
        value_text += "（预计全年）" if f.zh else " (full-year estimate)"
    share_text, shortfall_text = ("—", "—")
    if final and has_row and status != "cannot_assess":
        share_text, shortfall_text = final_figures(f, ind, shown, status)
    label = status_label(status, lang, final=final)
    name = ind["name"] if lang == "zh" else (ind.get("name_en") or ind["name"])
    badge = light_badge(light, lang)
    title = (f"{ind['number']}. {name}（{label}，{badge}）" if lang == "zh"
             else f"{ind['number']}. {name} ({label}, {badge})")
    return Paragraph(
        indicator_id=ind.get("indicator_id"), number=int(ind["number"]), name=name, status=status,
        status_label=label, light=light, light_badge=badge, title=title, sentence=sentence,
        conclusion=conclusion_text(status, reason, light, lang, final=final),
        year=int(row["year"]) if has_row else None, quarter=int(row["quarter"]) if has_row else None,
        lagging=status in LAGGING_STATUSES, gap_points=gap, value_text=_counted(f, ind, value_text),
        target_text=_counted(f, ind, _target_cell(f, ind, target)) + (_target_mark(f, row) if has_row else ""),
        completion_text="—" if c is None else f.pct(c), time_share_text="—" if tau is None else f.pct(tau),
        final=final, baseline_text=baseline_text(f, ind, row if has_row else None, scope),
        value_mark=figure_mark(row, lang) if has_row else "", source_note=source_note(row, lang, scope) if has_row
        else "", target_share_text=share_text, shortfall_text=_counted(f, ind, shortfall_text),
        citations=citations(row, lang) if has_row else ())


_BARE_NUMBER = re.compile(r"^-?[\d,]+(?:\.\d+)?$")


def _counted(f: Fmt, ind: Mapping, text: str) -> str:
    """A table cell of a count on an English review with its unit (27 enterprises, 1 enterprise): the sentences
    name the enterprises already (…enterprises numbered 27), a cell alone does not."""
    if f.zh or not is_count_unit(ind) or not _BARE_NUMBER.match(text or ""):
        return text
    from django.utils import translation

    with translation.override("en"):
        return f"{text} {unit_text(ind.get('unit') or '', text)}".rstrip()


def _target_cell(f: Fmt, ind: Mapping, target) -> str:
    """The target of the review table: the plan's own as the plan prints it (1300亿元, 8%左右; 1300 CNY 100 million,
    about 8%), as on the dashboards; a district's apportioned target is computed, so it is written out (a count as
    a whole number)."""
    if target is None:
        return "—"
    return f.amount(target, ind) if ind["measure"] == "qualitative" else f.target(target, ind)
