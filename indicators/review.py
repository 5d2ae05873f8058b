"""Review-report texts (年度评估, 中期评估, 总结评估) written from the stored progress rows (issue 8).

Pure functions: Progress rows (dicts or a DataFrame) and the indicators' descriptions in, sentences out; no ORM,
no request, no clock, and the language is an argument ("zh" or "en"), so the same rows always give the same text.

Every number in a sentence is a stored figure of the row, formatted: the value assessed, completion, time
share, projection, growth still needed, the target and the baseline. The only arithmetic done here is on what
a sentence shows: a difference of two displayed percentages ("低于时间进度8.8个百分点" is the displayed time
share minus the displayed completion, so the sentence always adds up), the value as a share of the target
("为2025年目标的84.6%") and the size of a revision. Status, light, projection and growth still needed come
from indicators.progress through the rows, never from here.

Rounding is half-up (四舍五入) on the shortest decimal form of the stored float: amounts to the indicator's
decimals, percentages and 个百分点 to one decimal.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Mapping

import pandas as pd

from indicators import progress as maths
from indicators.charts import LIGHT_ICONS, LIGHT_WORDS
from indicators.formatting import rounded
from indicators.progress import finite as _num

LANGS = ("zh", "en")
LAGGING_STATUSES = ("acceleration_needed", "limited", "deterioration")
QUARTERS_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}
MONTHS_EN = {1: "January–March", 2: "January–June", 3: "January–September", 4: "January–December"}
REVIEW_KINDS = {"annual": ("年度评估", "Annual review"), "mid_term": ("中期评估", "Mid-term review"),
                "final": ("总结评估", "Final review"), "quarterly": ("季度进展评估", "Quarterly progress review")}
VERSION_KINDS = {"district": ("区县填报", "entered by a district"), "preliminary": ("初步核算", "preliminary"),
                 "verified": ("最终核实", "verified"), "census": ("普查修订", "census-revised"),
                 "demo": ("演示数据", "demo data")}
_RATE_SUFFIXES_ZH = ("年均增速", "增速", "增长率")
_RATE_PREFIXES_EN = ("average annual growth of ", "annual growth of ", "growth of ")
_DISTRICT_SUFFIXES_EN = (("彝族自治县", "Yi Autonomous County"), ("自治县", "Autonomous County"),
                         ("高新区", "High-tech Zone"), ("区", "District"), ("市", "City"), ("县", "County"))


# ------------------------------------------------------------------------------------------------ numbers




def _dec(x: float) -> Decimal:
    """The shortest decimal that reads back as the float (1152.4, not 1152.40000000000009094947)."""
    return Decimal(repr(float(x)))


def number_text(x, decimals: int, lang: str = "zh") -> str:
    """1100 → "1100.00" (zh) / "1,100.00" (en); Chinese review texts print no thousands separators."""
    q = rounded(x, decimals)
    return f"{q:,.{decimals}f}" if lang == "en" else f"{q:.{decimals}f}"


def pct_of_fraction(fraction) -> Decimal:
    """A stored fraction as a displayed percentage: 0.51216 → 51.2."""
    return rounded(_dec(fraction) * 100, 1)


def _d(ind: Mapping) -> int:
    d = _num(ind.get("decimals"))
    return 2 if d is None else int(d)


def is_percent(ind: Mapping) -> bool:
    return (ind.get("unit") or "").strip() == "%"


def _count_unit(ind: Mapping) -> bool:
    return (ind.get("unit") or "").strip() in ("户", "个", "家")


def _higher(ind: Mapping) -> bool:
    h = ind.get("higher_is_better")
    return True if h is None else bool(h)


class _Fmt:
    """Number, unit and percentage wording in one language."""

    def __init__(self, lang: str):
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
        self.lang = lang
        self.zh = lang == "zh"

    def n(self, x, decimals: int) -> str:
        return number_text(x, decimals, self.lang)

    def pct(self, fraction) -> str:
        """A stored fraction (completion, time share, growth) as a percentage: "51.2%"."""
        return f"{self.n(pct_of_fraction(fraction), 1)}%"

    def pct_value(self, value) -> str:
        """A value already in percent (a share, a rate): "54.5%"."""
        return f"{self.n(rounded(value, 1), 1)}%"

    def points(self, a: Decimal, b: Decimal) -> str:
        """|a − b| of two displayed percentages, in 个百分点 / percentage points."""
        return self.n(abs(a - b), 1)

    def amount(self, value, ind: Mapping) -> str:
        """A value with its unit: 1100亿元 / 110.0 billion yuan; 28户 / 28; 54.5%."""
        if is_percent(ind):
            return self.pct_value(value)
        unit, decimals = (ind.get("unit") or "").strip(), _d(ind)
        if self.zh:
            return f"{self.n(value, decimals)}{unit}"
        if unit == "亿元":  # 1 亿 = 100 million: 1100.00亿元 = 110.000 billion yuan, exactly
            return f"{self.n(_dec(value) / 10, decimals + 1)} billion yuan"
        if unit == "万元":
            return f"{self.n(_dec(value) / 100, decimals + 2)} million yuan"
        if _count_unit(ind):
            return self.n(value, decimals)
        return f"{self.n(value, decimals)} {unit}".rstrip()

    def target(self, value, ind: Mapping) -> str:
        text = self.amount(value, ind)
        kind = ind.get("target_kind")
        if kind == "about":
            return f"{text}左右" if self.zh else f"about {text}"
        if kind == "more_than":
            return f"高于{text}" if self.zh else f"more than {text}"
        return text


def _pct_value_dec(value) -> Decimal:
    return rounded(value, 1)


# ------------------------------------------------------------------------------------------------ words


def district_name_en(code: str, name: str) -> str:
    """An English name from the code (pinyin) and the Chinese suffix: emeishan/峨眉山市 → Emeishan City."""
    if code in ("city", "", None):
        return "Leshan"
    for suffix, english in _DISTRICT_SUFFIXES_EN:
        if name.endswith(suffix):
            if suffix == "高新区":
                return "Leshan High-tech Zone"
            return f"{code.replace('_', ' ').title()} {english}"
    return code.replace("_", " ").title()


@dataclass(frozen=True)
class Scope:
    code: str  # "city" or a district code
    name_zh: str
    name_en: str

    @classmethod
    def city(cls) -> "Scope":
        return cls("city", "全市", "Leshan")

    @classmethod
    def district(cls, code: str, name: str) -> "Scope":
        return cls(code, name, district_name_en(code, name))

    @property
    def is_city(self) -> bool:
        return self.code == "city"

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


def period_text(year: int, quarter: int, lang: str, *, cumulative: bool = False) -> str:
    """截至2023年底 · 截至2024年三季度末 · 2024年1—9月 (cumulative figures within a year)."""
    year, quarter = int(year), int(quarter)
    if lang == "zh":
        if quarter == 4:
            return f"截至{year}年底"
        if cumulative:
            return f"{year}年1—{3 * quarter}月"
        return f"截至{year}年{QUARTERS_ZH[quarter]}季度末"
    if quarter == 4:
        return f"By the end of {year}"
    if cumulative:
        return f"In {MONTHS_EN[quarter]} {year}"
    return f"By the end of Q{quarter} {year}"


def period_label(year: int, quarter: int, lang: str) -> str:
    """2023年 / 2024年第三季度 · 2023 / Q3 2024 (a figure's own period, in notes and tables)."""
    year, quarter = int(year), int(quarter)
    if lang == "zh":
        return f"{year}年" if quarter == 4 else f"{year}年第{QUARTERS_ZH[quarter]}季度"
    return f"{year}" if quarter == 4 else f"Q{quarter} {year}"


def review_kind(start_year: int, end_year: int, year: int, quarter: int) -> str:
    """annual / mid_term (the middle year, 2023 for 2021–2025) / final (the target year) / quarterly."""
    if int(quarter) != 4:
        return "quarterly"
    if int(year) >= int(end_year):
        return "final"
    if int(year) == (int(start_year) + int(end_year)) // 2:
        return "mid_term"
    return "annual"


def review_title(plan_name: str, start_year: int, end_year: int, year: int, quarter: int, lang: str) -> str:
    kind = review_kind(start_year, end_year, year, quarter)
    zh, en = REVIEW_KINDS[kind]
    if lang == "zh":
        if kind == "annual":
            return f"{plan_name}实施情况{year}年度评估报告"
        if kind == "quarterly":
            return f"{plan_name}实施情况{period_label(year, quarter, 'zh')}进展评估报告"
        return f"{plan_name}实施情况{zh}报告"
    when = f"{year}" if kind == "annual" else period_label(year, quarter, "en") if kind == "quarterly" else ""
    return f"{en}{' ' + when if when else ''} of the {start_year}–{end_year} plan {plan_name}"


def status_label(status: str, lang: str) -> str:
    labels = maths.STATUS_LABELS_ZH if lang == "zh" else maths.STATUS_LABELS_EN
    return labels.get(status or "cannot_assess", status)


def reason_text(reason: str, lang: str) -> str:
    zh, en = maths.REASON_TEXTS.get(reason or "", (reason, reason))
    return zh if lang == "zh" else en


def light_word(light, lang: str) -> str:
    zh, en = LIGHT_WORDS[light if light in ("green", "yellow", "red") else "none"]
    return zh if lang == "zh" else f"{en} light" if light in ("green", "yellow", "red") else en


def light_badge(light, lang: str) -> str:
    """Symbol and word, never colour alone: "▲ 黄灯" / "▲ yellow light"."""
    key = light if light in ("green", "yellow", "red") else "none"
    return f"{LIGHT_ICONS[key]} {light_word(light, lang)}"


def _lcfirst(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _name(ind: Mapping, lang: str) -> str:
    if lang == "zh":
        return ind["name"]
    return _lcfirst(ind.get("name_en") or ind["name"])


def _rate_subject(ind: Mapping, lang: str) -> tuple[str, bool]:
    """服务业增加值年均增速 → (服务业增加值, True); a name that is no growth rate → (name, False)."""
    if lang == "zh":
        for suffix in _RATE_SUFFIXES_ZH:
            if ind["name"].endswith(suffix) and len(ind["name"]) > len(suffix):
                return ind["name"][: -len(suffix)], True
        return ind["name"], False
    name = ind.get("name_en") or ind["name"]
    for prefix in _RATE_PREFIXES_EN:
        if name.lower().startswith(prefix):
            return name[len(prefix):], True
    return _lcfirst(name), False


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


def _rowdict(row) -> dict | None:
    if row is None:
        return None
    if isinstance(row, pd.Series):
        row = row.to_dict()
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in dict(row).items()}


def _progress_clause(f: _Fmt, c, tau) -> list[str]:
    """完成目标进度51.2%，低于时间进度8.8个百分点."""
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
        return [f"完成目标进度{f.pct(c)}", rel]
    if cd < td:
        rel = f"{f.points(td, cd)} percentage points behind the time elapsed ({f.pct(tau)})"
    elif cd > td:
        rel = f"{f.points(cd, td)} percentage points ahead of the time elapsed ({f.pct(tau)})"
    else:
        rel = f"in line with the time elapsed ({f.pct(tau)})"
    return [f"completion stood at {f.pct(c)}, {rel}"]


def _achieved_clause(f: _Fmt, T: int, target_text: str, *, ahead: bool, provisional: bool) -> str:
    if provisional:  # a within-year estimate: say so, never "achieved" outright
        return f"预计全年可达到{T}年目标（{target_text}）" if f.zh else f"on course to meet the {T} target ({target_text})"
    if ahead:
        return f"已提前达到{T}年目标（{target_text}）" if f.zh else f"already meeting the {T} target ({target_text})"
    return f"完成{T}年目标（{target_text}）" if f.zh else f"meeting the {T} target ({target_text})"


def _missed_clause(f: _Fmt, T: int, *, provisional: bool) -> str:
    if provisional:
        return f"按预计全年值难以完成{T}年目标" if f.zh else f"on this estimate the {T} target will be missed"
    return f"未完成{T}年目标" if f.zh else f"missing the {T} target"


def _meets(value, target, ind: Mapping, thresholds: maths.Thresholds) -> bool:
    """Would this value reach the target (the engine's own rule, tolerance of 左右 included)?"""
    tol = _num(ind.get("tolerance"))
    tol = thresholds.default_tolerance if tol is None else tol
    return maths._is_achieved(value, target, 1 if _higher(ind) else -1, ind.get("target_kind") or "at_least", tol)


def _level_sentence(f: _Fmt, ind: Mapping, row: Mapping, scope: Scope, th: maths.Thresholds) -> str:
    measure = ind["measure"]
    year, quarter = int(row["year"]), int(row["quarter"])
    T = int(_num(ind.get("target_year")) or 0)
    b = _num(row.get("baseline_year"))
    value, annual = _num(row.get("value")), _num(row.get("annual_value"))
    target, baseline = _num(row.get("target_value")), _num(row.get("baseline_value"))
    c, tau = _num(row.get("completion")), _num(row.get("time_share"))
    projection, still = _num(row.get("projection")), _num(row.get("still_needed"))
    status = row.get("status") or "cannot_assess"
    provisional = measure == "flow" and quarter < 4
    percent = is_percent(ind)
    name, where = _name(ind, f.lang), scope.name(f.lang)
    cumulative = measure == "flow"
    period = period_text(year, quarter, f.lang, cumulative=cumulative)
    assessed = annual if annual is not None else value
    # the stored t: flows are annualised (t = year), stocks, shares and index values read at the period's end
    t_year = _num(row.get("t"))
    t_year = maths.period_time(year, quarter, measure) if t_year is None else t_year

    # what was reached
    if f.zh:
        if measure == "flow":
            reached = (f"累计完成{f.amount(value, ind)}" + (f"，预计全年{f.amount(annual, ind)}" if annual is not None
                                                         else "")) if provisional else f"完成{f.amount(assessed, ind)}"
        elif measure == "stock":
            reached = f"达到{f.amount(assessed, ind)}"
        else:
            reached = f"为{f.amount(assessed, ind)}"
        parts = [f"{period}，{where}{name}{reached}"]
    else:
        if measure == "flow" and provisional:
            reached = f"reached {f.amount(value, ind)}" + (
                f", an estimated {f.amount(annual, ind)} for the full year" if annual is not None else "")
        elif _count_unit(ind):
            reached = f"numbered {f.amount(assessed, ind)}"
        elif measure in ("flow", "stock"):
            reached = f"reached {f.amount(assessed, ind)}"
        else:
            reached = f"was {f.amount(assessed, ind)}"
        parts = [f"{period}, {name} in {where} {reached}"]

    if status == "cannot_assess" or assessed is None:
        return _join(f, parts)

    # against the target and the baseline
    if not percent and target and _higher(ind):
        share = rounded(_dec(assessed) / _dec(target) * 100, 1)
        parts.append(f"为{T}年目标的{f.n(share, 1)}%" if f.zh else f"{f.n(share, 1)}% of the {T} target")
    if percent and baseline is not None and b is not None:
        vd, bd = _pct_value_dec(assessed), _pct_value_dec(baseline)
        if f.zh:
            parts.append(f"比{int(b)}年{'提高' if vd > bd else '下降'}{f.points(vd, bd)}个百分点" if vd != bd
                         else f"与{int(b)}年持平")
        else:
            parts.append(f"{'up' if vd > bd else 'down'} {f.points(vd, bd)} percentage points on {int(b)}"
                         if vd != bd else f"unchanged on {int(b)}")
    if not percent and status == "deterioration" and baseline is not None and b is not None:
        diff = abs(_dec(assessed) - _dec(baseline))
        more = assessed > baseline
        if f.zh:
            parts.append(f"比{int(b)}年{'增加' if more else '减少'}{f.amount(diff, ind)}")
        else:
            parts.append(f"{f.amount(diff, ind)} {'more' if more else 'less'} than in {int(b)}")

    if status == "achieved":
        parts.append(_achieved_clause(f, T, f.target(target, ind) if target is not None else "",
                                      ahead=t_year < T, provisional=provisional))
        return _join(f, parts)

    if percent and target is not None:
        vd, td = _pct_value_dec(assessed), _pct_value_dec(target)
        if f.zh:
            parts.append(f"距{T}年目标（{f.target(target, ind)}）尚差{f.points(td, vd)}个百分点")
        else:
            parts.append(f"{f.points(td, vd)} percentage points short of the {T} target ({f.target(target, ind)})")
    parts += _progress_clause(f, c, tau)

    if t_year >= T:
        parts.append(_missed_clause(f, T, provisional=provisional))
    elif projection is not None and target is not None:
        falling = (projection < assessed) if _higher(ind) else (projection > assessed)
        basis = ("按当前趋势" if percent else "按当前增速") if f.zh else (
            "on the current trend" if percent else "at the current growth rate")
        if f.zh:
            outlook = f"{basis}预计{T}年{'降至' if falling and _higher(ind) else '达到'}{f.amount(projection, ind)}"
        else:
            verb = "fall to" if falling and _higher(ind) else "reach"
            outlook = f"{basis} it is projected to {verb} {f.amount(projection, ind)} in {T}"
        if _meets(projection, target, ind, th):
            outlook += "，可完成目标" if f.zh else ", enough to meet the target"
        elif percent:
            pd_, td = _pct_value_dec(projection), _pct_value_dec(target)
            outlook += (f"，距目标仍差{f.points(td, pd_)}个百分点" if f.zh
                        else f", still {f.points(td, pd_)} percentage points short of the target")
        elif still is not None:
            outlook += (f"，需年均增长{f.pct(still)}方可完成目标" if f.zh
                        else f", and average annual growth of {f.pct(still)} is needed to meet the target")
        parts.append(outlook)
    return _join(f, parts)


def _rate_sentence(f: _Fmt, ind: Mapping, row: Mapping, scope: Scope, th: maths.Thresholds) -> str:
    year, quarter = int(row["year"]), int(row["quarter"])
    T = int(_num(ind.get("target_year")) or 0)
    b = _num(row.get("baseline_year"))
    value, annual, target = _num(row.get("value")), _num(row.get("annual_value")), _num(row.get("target_value"))
    c, tau, still = _num(row.get("completion")), _num(row.get("time_share")), _num(row.get("still_needed"))
    status = row.get("status") or "cannot_assess"
    subject, is_growth = _rate_subject(ind, f.lang)
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
    parts = [head]
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
        ad, td = _pct_value_dec(annual), _pct_value_dec(target)
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


def _qualitative_sentence(f: _Fmt, ind: Mapping, row: Mapping, scope: Scope) -> str:
    year, quarter = int(row["year"]), int(row["quarter"])
    value, target, c = _num(row.get("value")), _num(row.get("target_value")), _num(row.get("completion"))
    status = row.get("status") or "cannot_assess"
    name, where = _name(ind, f.lang), scope.name(f.lang)
    period = period_text(year, quarter, f.lang, cumulative=True)
    within = quarter < 4
    if f.zh:
        parts = [f"{period}，{where}{name}{'累计' if within else ''}完成{f.amount(value, ind)}"]
    else:
        parts = [f"{period}, {name} in {where} reached {f.amount(value, ind)}"]
    if status == "cannot_assess" or value is None or target is None:
        return _join(f, parts)
    assigned = f.amount(target, ind)
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


def _join(f: _Fmt, parts: list[str]) -> str:
    if f.zh:
        return "，".join(parts) + "。"
    text = parts[0]
    for part in parts[1:]:
        text += ("; " if part.startswith(_EN_CLAUSE_STARTS) else ", ") + part
    return text[0].upper() + text[1:] + "."


_EN_CLAUSE_STARTS = ("completion stood", "at the current", "on the current", "growth of", "missing the",
                     "on this estimate")


def _no_data_sentence(f: _Fmt, ind: Mapping, scope: Scope, year: int, quarter: int) -> str:
    cumulative = ind["measure"] in ("flow", "rate", "qualitative")
    period = period_text(year, quarter, f.lang, cumulative=cumulative)
    if f.zh:
        return f"{period}，{scope.name_zh}{ind['name']}暂无数据。"
    return f"{period}, there is no figure yet for {_name(ind, 'en')} in {scope.name_en}."


def conclusion_text(status: str, reason: str, light, lang: str) -> str:
    """评估结论：需加快（黄灯）。 · 评估结论：无法评估（缺少基期值）。"""
    label = status_label(status, lang)
    if status == "cannot_assess":
        why = reason_text(reason or "no_data", lang)
        if lang == "zh":
            return f"评估结论：{label}（{why}）。"
        return f" Assessment: {label.lower()} ({_lcfirst(why)})."
    if lang == "zh":
        return f"评估结论：{label}（{light_word(light, 'zh')}）。" if light else f"评估结论：{label}。"
    return f" Assessment: {label.lower()} ({light_word(light, 'en')})." if light else f" Assessment: {label.lower()}."


def indicator_paragraph(ind: Mapping, row: Mapping | None, scope: Scope, *, lang: str = "zh",
                        year: int | None = None, quarter: int | None = None,
                        thresholds: maths.Thresholds = maths.Thresholds()) -> Paragraph:
    """One indicator's paragraph from its stored progress row (None: no row up to the period).

    ind: number, name, name_en, unit, measure, higher_is_better, target_kind, target_year, decimals, tolerance.
    row: a Progress row as a dict (year, quarter, value, annual_value, baseline_year, baseline_value,
    target_value, completion, time_share, projection, still_needed, status, reason, light …).
    year, quarter: the review period, used only to word a missing row.
    """
    f = _Fmt(lang)
    row = _rowdict(row)
    has_row = row is not None and row.get("year") is not None
    status = (row.get("status") if has_row else None) or "cannot_assess"
    reason = (row.get("reason") if has_row else "") or ""
    if status == "cannot_assess" and not reason:
        reason = "no_data"
    # the stored light, as the dashboards show it (after a sign change there is a light but no status)
    light = _row_get(row, "light") or None
    measure = ind["measure"]
    if not has_row:
        sentence = _no_data_sentence(f, ind, scope, year or 0, quarter or 4)
    elif measure == "rate":
        sentence = _rate_sentence(f, ind, row, scope, thresholds)
    elif measure == "qualitative":
        sentence = _qualitative_sentence(f, ind, row, scope)
    else:
        sentence = _level_sentence(f, ind, row, scope, thresholds)

    c, tau = _num(_row_get(row, "completion")), _num(_row_get(row, "time_share"))
    gap = None
    if status not in ("achieved", "cannot_assess") and c is not None and tau is not None:
        gap = pct_of_fraction(tau) - pct_of_fraction(c)
    annual = _num(_row_get(row, "annual_value"))
    value = annual if annual is not None else _num(_row_get(row, "value"))
    target = _num(_row_get(row, "target_value"))
    provisional = bool(_row_get(row, "is_provisional")) and measure in ("flow", "rate")
    value_text = "—" if value is None else (
        f.amount(value, ind) if measure != "rate" else f.pct_value(value))
    if provisional and value is not None:
        value_text += "（预计全年）" if f.zh else " (full-year estimate)"
    label = status_label(status, lang)
    name = ind["name"] if lang == "zh" else (ind.get("name_en") or ind["name"])
    badge = light_badge(light, lang)
    title = (f"{ind['number']}. {name}（{label}，{badge}）" if lang == "zh"
             else f"{ind['number']}. {name} ({label}, {badge})")
    return Paragraph(
        indicator_id=ind.get("indicator_id"), number=int(ind["number"]), name=name, status=status,
        status_label=label, light=light, light_badge=badge, title=title, sentence=sentence,
        conclusion=conclusion_text(status, reason, light, lang),
        year=int(row["year"]) if has_row else None, quarter=int(row["quarter"]) if has_row else None,
        lagging=status in LAGGING_STATUSES, gap_points=gap, value_text=value_text,
        target_text=("—" if target is None else f.target(target, ind)) if measure != "qualitative" else (
            "—" if target is None else f.amount(target, ind)),
        completion_text="—" if c is None else f.pct(c), time_share_text="—" if tau is None else f.pct(tau))


# ------------------------------------------------------------------------------------------------ rows


def _records(rows) -> list[dict]:
    if rows is None:
        return []
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    return [_rowdict(r) for r in rows]


def newest_rows(rows, *, scope: str, year: int, quarter: int) -> dict[Any, dict]:
    """Each indicator's newest row of one scope at or before (year, quarter); an annual-only indicator thus
    reports its last year-end figure in a quarterly review."""
    out: dict[Any, dict] = {}
    key = (int(year), int(quarter))
    for r in _records(rows):
        if r.get("scope") != scope:
            continue
        period = (int(r["year"]), int(r["quarter"]))
        if period > key:
            continue
        prev = out.get(r["indicator_id"])
        if prev is None or period > (int(prev["year"]), int(prev["quarter"])):
            out[r["indicator_id"]] = r
    return out


# ------------------------------------------------------------------------------------------------ revisions


@dataclass(frozen=True)
class Revision:
    indicator_id: Any
    scope: str
    year: int
    quarter: int
    text: str


def _version_value(f: _Fmt, version: Mapping, ind: Mapping) -> str | None:
    v = _num(version.get("value"))
    if v is not None:
        return f.amount(v, ind)
    n, d = _num(version.get("numerator")), _num(version.get("denominator"))
    if n is not None and d is not None:
        return f"{f.n(n, _d(ind))}/{f.n(d, _d(ind))}"
    return None


def _version_source(version: Mapping, lang: str) -> str:
    kind = VERSION_KINDS.get(version.get("kind"), (version.get("kind"), version.get("kind")))
    kind = kind[0] if lang == "zh" else kind[1]
    source = (version.get("source_title") or "").strip()
    sep = "，" if lang == "zh" else ", "
    return f"{kind}{sep}{source}" if source else kind


def revision_notes(groups: Iterable[Mapping], indicators: Mapping[Any, Mapping], assessed: Mapping[Any, Mapping],
                   scope: Scope, *, lang: str = "zh", district_names: Mapping[str, str] | None = None,
                   first_rows: Mapping[Any, Mapping] | None = None) -> list[Revision]:
    """Which figures of the period were revised, from what to what and by how much.

    groups: one per figure with more than one non-demo version: indicator_id, scope (city or a district code),
    year, quarter, versions (oldest first: kind, value, numerator, denominator, source_title).
    assessed: {indicator_id: the row the review uses}; only figures of that row's period count.
    first_rows: {indicator_id: the same period's "as first published" row}, to say how completion moved.
    A re-based baseline (inputs.rebased_from of the row) is reported too.
    """
    f = _Fmt(lang)
    names = district_names or {}
    notes: list[Revision] = []
    for g in groups:
        ind_id = g["indicator_id"]
        ind, row = indicators.get(ind_id), assessed.get(ind_id)
        if ind is None or row is None:
            continue
        if (int(g["year"]), int(g["quarter"])) != (int(row["year"]), int(row["quarter"])):
            continue
        versions = [v for v in g["versions"] if v.get("kind") != "demo"]
        if len(versions) < 2:
            continue
        old, new = versions[0], versions[-1]
        old_text, new_text = _version_value(f, old, ind), _version_value(f, new, ind)
        if old_text is None or new_text is None:
            continue
        code = g.get("scope") or "city"
        if code == "city":
            where = scope.name(lang) if scope.is_city else ("全市" if lang == "zh" else "Leshan")
        else:
            zh_name = names.get(code, code)
            where = zh_name if lang == "zh" else district_name_en(code, zh_name)
        name = ind["name"] if lang == "zh" else _lcfirst(ind.get("name_en") or ind["name"])
        when = period_label(g["year"], g["quarter"], lang)
        if lang == "zh":
            text = (f"{where}{name}{when}数据由{old_text}（{_version_source(old, 'zh')}）修订为{new_text}"
                    f"（{_version_source(new, 'zh')}）")
        else:
            text = (f"The {when} figure of {name} in {where} was revised from {old_text} "
                    f"({_version_source(old, 'en')}) to {new_text} ({_version_source(new, 'en')})")
        ov, nv = _num(old.get("value")), _num(new.get("value"))
        if ov is not None and nv is not None:
            diff = _dec(nv) - _dec(ov)
            if diff != 0:
                change = f.amount(abs(diff), ind) if not is_percent(ind) else f"{f.n(rounded(abs(diff), 1), 1)}个百分点" \
                    if lang == "zh" else f"{f.n(rounded(abs(diff), 1), 1)} percentage points"
                rel = f"{f.n(rounded(abs(diff) / abs(_dec(ov)) * 100, 1), 1)}%" if ov != 0 else None
                if lang == "zh":
                    text += f"，调{'增' if diff > 0 else '减'}{change}" + (f"（{rel}）" if rel else "")
                else:
                    text += f", {'up' if diff > 0 else 'down'} {change}" + (f" ({rel})" if rel else "")
        if len(versions) > 2:
            text += f"（共{len(versions)}个版本）" if lang == "zh" else f" ({len(versions)} versions in all)"
        first = (first_rows or {}).get(ind_id)
        if code == scope.code and first is not None:
            c_first, c_new = _num(first.get("completion")), _num(row.get("completion"))
            if c_first is not None and c_new is not None and pct_of_fraction(c_first) != pct_of_fraction(c_new):
                if lang == "zh":
                    text += f"；完成目标进度由{f.pct(c_first)}（按初次公布数）调整为{f.pct(c_new)}"
                else:
                    text += f"; completion moves from {f.pct(c_first)} (as first published) to {f.pct(c_new)}"
        notes.append(Revision(ind_id, code, int(g["year"]), int(g["quarter"]), text + ("。" if lang == "zh" else ".")))

    for ind_id, row in assessed.items():
        inputs = row.get("inputs") or {}
        old, new, b = _num(inputs.get("rebased_from")), _num(row.get("baseline_value")), _num(row.get("baseline_year"))
        ind = indicators.get(ind_id)
        if old is None or new is None or ind is None:
            continue
        name = ind["name"] if lang == "zh" else _lcfirst(ind.get("name_en") or ind["name"])
        year = f"{int(b)}年" if lang == "zh" and b is not None else f"{int(b)}" if b is not None else ""
        if lang == "zh":
            text = (f"{name}基期（{year}）值由{f.amount(old, ind)}修订为{f.amount(new, ind)}，"
                    f"完成目标进度按修订后的基期计算。")
        else:
            text = (f"The baseline ({year}) of {name} was revised from {f.amount(old, ind)} to "
                    f"{f.amount(new, ind)}; completion is computed on the revised baseline.")
        notes.append(Revision(ind_id, scope.code, int(row["year"]), int(row["quarter"]), text))
    return notes


# ------------------------------------------------------------------------------------------------ the review


@dataclass(frozen=True)
class DistrictLag:
    code: str
    name: str
    red: int
    yellow: int
    lagging: int


@dataclass(frozen=True)
class Review:
    lang: str
    scope: Scope
    year: int
    quarter: int
    kind: str
    kind_label: str
    period_text: str
    paragraphs: list[Paragraph]
    summary: str
    counts: dict[str, int]
    largest_gaps: list[Paragraph]
    lagging_districts: list[DistrictLag]
    revisions: list[Revision] = field(default_factory=list)
    excluded: int = 0  # indicators published only for the whole city, left out of a district's review

    @property
    def lagging(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.lagging]

    def plain_text(self) -> str:
        lines = [self.summary, ""] + [f"{p.title}\n{p.text}" for p in self.paragraphs]
        if self.revisions:
            lines += ["", *(r.text for r in self.revisions)]
        return "\n".join(lines)


def district_lags(rows, indicators: Mapping[Any, Mapping], district_names: Mapping[str, str], *, year: int,
                  quarter: int, limit: int = 3) -> list[DistrictLag]:
    """The districts that lag most: most red lights, then yellow, then indicators rated below on track
    (each indicator's newest district row at or before the period)."""
    newest: dict[tuple, dict] = {}
    key = (int(year), int(quarter))
    for r in _records(rows):
        scope = r.get("scope")
        if scope in (None, "city") or scope not in district_names or r.get("indicator_id") not in indicators:
            continue
        period = (int(r["year"]), int(r["quarter"]))
        if period > key:
            continue
        k = (scope, r["indicator_id"])
        if k not in newest or period > (int(newest[k]["year"]), int(newest[k]["quarter"])):
            newest[k] = r
    red, yellow, lagging = Counter(), Counter(), Counter()
    for (scope, _ind), r in newest.items():
        if r.get("status") == "cannot_assess":
            continue
        red[scope] += r.get("light") == "red"
        yellow[scope] += r.get("light") == "yellow"
        lagging[scope] += r.get("status") in LAGGING_STATUSES
    order = list(district_names)
    ranked = sorted((c for c in district_names if red[c] or yellow[c]),
                    key=lambda c: (-red[c], -yellow[c], -lagging[c], order.index(c)))
    return [DistrictLag(c, district_names[c], red[c], yellow[c], lagging[c]) for c in ranked[:limit]]


_EN_COUNTS = {"achieved": "{n} achieved", "on_track": "{n} on track", "acceleration_needed": "{n} needing acceleration",
              "limited": "{n} with limited progress", "deterioration": "{n} deteriorating",
              "cannot_assess": "{n} that cannot be assessed"}


def summary_text(paragraphs: list[Paragraph], scope: Scope, year: int, quarter: int, lang: str, *,
                 lags: list[DistrictLag] = (), revisions: int = 0, gaps_limit: int = 3, excluded: int = 0) -> str:
    f = _Fmt(lang)
    counts = Counter(p.status for p in paragraphs)
    gaps = sorted((p for p in paragraphs if p.gap_points is not None and p.gap_points > 0),
                  key=lambda p: (-p.gap_points, p.number))[:gaps_limit]
    period = period_text(year, quarter, lang)
    n = len(paragraphs)
    assessable = any(p.status != "cannot_assess" for p in paragraphs)
    if lang == "zh":
        listed = "、".join(f"{maths.STATUS_LABELS_ZH[s]}{counts[s]}项" for s in maths.STATUSES if counts[s])
        text = f"{period}，{scope.name_zh}{n}项目标指标中，{listed}。"
        if excluded:
            text += f"另有{excluded}项指标仅统计全市数据，不在本县（市、区）评估之列。"
        if gaps:
            text += "完成目标进度落后时间进度较多的指标是：" + "、".join(
                f"{p.name}（落后{f.n(p.gap_points, 1)}个百分点）" for p in gaps) + "。"
        elif assessable:
            text += "可评估的指标完成目标进度均未落后于时间进度。"
        if scope.is_city and lags:
            text += "各县（市、区）中，进度滞后较多的是：" + "、".join(
                f"{d.name}（" + "、".join(x for x in (f"红灯{d.red}项" if d.red else "",
                                                     f"黄灯{d.yellow}项" if d.yellow else "") if x) + "）"
                for d in lags) + "。"
        elif scope.is_city:
            text += "各县（市、区）均无亮红灯、黄灯的指标。"
        if revisions:
            text += f"本期有{revisions}项数据经过修订，详见“数据修订情况”。"
        return text
    listed = ", ".join(_EN_COUNTS[s].format(n=counts[s]) for s in maths.STATUSES if counts[s])
    text = f"{period}, of the {n} target indicators for {scope.name_en}: {listed}."
    if excluded:
        text += f" {excluded} more indicators are published only for the whole city and are not reviewed here."
    if gaps:
        text += " Furthest behind the time elapsed: " + "; ".join(
            f"{p.name} ({f.n(p.gap_points, 1)} percentage points behind)" for p in gaps) + "."
    elif assessable:
        text += " No assessable indicator is behind the time elapsed."
    if scope.is_city and lags:
        text += " The districts lagging most: " + "; ".join(
            f"{district_name_en(d.code, d.name)} (" + ", ".join(x for x in (
                f"{d.red} red light{'s' if d.red > 1 else ''}" if d.red else "",
                f"{d.yellow} yellow light{'s' if d.yellow > 1 else ''}" if d.yellow else "") if x) + ")"
            for d in lags) + "."
    elif scope.is_city:
        text += " No district has a red or yellow light."
    if revisions:
        text += f" {revisions} figures of the period were revised (see “Revisions”)."
    return text


def build_review(indicators: Iterable[Mapping], rows, *, scope: Scope, year: int, quarter: int, lang: str = "zh",
                 district_rows=None, district_names: Mapping[str, str] | None = None,
                 revision_groups: Iterable[Mapping] = (), first_rows=None, start_year: int | None = None,
                 end_year: int | None = None, thresholds: maths.Thresholds = maths.Thresholds()) -> Review:
    """The whole review for one scope and period: a paragraph per indicator, the summary, the revisions.

    indicators: the plan's indicators (dicts with indicator_id and the fields of ``indicator_paragraph``, plus
    by_district). rows: stored Progress rows (basis "latest") of the scope; district_rows: the districts' rows
    (city reviews name the districts that lag most); first_rows: rows of basis "first" of the scope.
    """
    inds = sorted((dict(i) for i in indicators), key=lambda i: int(i["number"]))
    excluded = 0
    if not scope.is_city:
        kept = [i for i in inds if i.get("by_district", True) not in (False, 0)]
        excluded, inds = len(inds) - len(kept), kept
    by_id = {i["indicator_id"]: i for i in inds}
    assessed = newest_rows(rows, scope=scope.code, year=year, quarter=quarter)
    assessed = {k: v for k, v in assessed.items() if k in by_id}
    paragraphs = [indicator_paragraph(i, assessed.get(i["indicator_id"]), scope, lang=lang, year=year,
                                      quarter=quarter, thresholds=thresholds) for i in inds]
    names = dict(district_names or {})
    lags = district_lags(district_rows, by_id, names, year=year, quarter=quarter) if scope.is_city else []
    first = {}
    for ind_id, r in newest_rows(first_rows, scope=scope.code, year=year, quarter=quarter).items():
        a = assessed.get(ind_id)
        if a is not None and (int(r["year"]), int(r["quarter"])) == (int(a["year"]), int(a["quarter"])):
            first[ind_id] = r
    revisions = revision_notes(revision_groups, by_id, assessed, scope, lang=lang, district_names=names,
                               first_rows=first)
    counts = Counter(p.status for p in paragraphs)
    kind = review_kind(start_year or year, end_year or year, year, quarter) if start_year and end_year else (
        "quarterly" if int(quarter) != 4 else "annual")
    summary = summary_text(paragraphs, scope, year, quarter, lang, lags=lags, revisions=len(revisions),
                           excluded=excluded)
    gaps = sorted((p for p in paragraphs if p.gap_points is not None and p.gap_points > 0),
                  key=lambda p: (-p.gap_points, p.number))[:3]
    return Review(lang=lang, scope=scope, year=int(year), quarter=int(quarter), kind=kind,
                  kind_label=REVIEW_KINDS[kind][0 if lang == "zh" else 1],
                  period_text=period_text(year, quarter, lang), paragraphs=paragraphs, summary=summary,
                  counts={s: counts.get(s, 0) for s in maths.STATUSES}, largest_gaps=gaps,
                  lagging_districts=lags, revisions=revisions, excluded=excluded)
