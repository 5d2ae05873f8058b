"""Review texts: numbers and words (units, periods, statuses, names) in zh and en."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from indicators.dashboards.charts import LIGHT_ICONS, LIGHT_WORDS
from indicators.figures.formatting import printed, rounded
from indicators.progress import maths
from indicators.progress.maths import finite as _num

LANGS = ("zh", "en")
# the end of the plan (PROGRESS.md §3a): the engine stores these verdicts once the target year's annual figure is in
FINAL_STATUSES = ("achieved", "largely_achieved", "not_achieved", "cannot_assess")
IN_PROGRESS_STATUSES = ("achieved", "on_track", "acceleration_needed", "limited", "deterioration", "cannot_assess")
STATUSES = tuple(dict.fromkeys((*IN_PROGRESS_STATUSES, *maths.STATUSES, "largely_achieved", "not_achieved")))
LAGGING_STATUSES = ("acceleration_needed", "limited", "deterioration", "largely_achieved", "not_achieved")
STATUS_LIGHTS = maths.STATUS_LIGHTS
# what a stored row may lack while the engine is being extended: labels and reasons of the final review
_STATUS_LABELS = {"largely_achieved": ("基本完成", "Largely achieved"), "not_achieved": ("未完成", "Not achieved")}
_FINAL_LABELS = {"achieved": ("已完成", "Achieved")}
_REASONS = {
    "no_final_figure": ("目标年全年数据尚未审核，暂不作总结评估", "The target year's annual figure is not in yet: no final "
                                                                  "verdict"),
}
LARGELY_ACHIEVED_SHARE = 0.90  # share of the target reached from which a missed target is 基本完成 (worked example 5)
QUARTERS_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}
MONTHS_EN = {1: "January–March", 2: "January–June", 3: "January–September", 4: "January–December"}
REVIEW_KINDS = {"annual": ("年度评估", "Annual review"), "mid_term": ("中期评估", "Mid-term review"),
                "final": ("总结评估", "Final review"), "quarterly": ("季度进展评估", "Quarterly progress review")}
VERSION_KINDS = {"district": ("区县填报", "entered by a district"), "preliminary": ("初步核算", "preliminary"),
                 "verified": ("最终核实", "verified"), "census": ("普查修订", "census-revised"),
                 "demo": ("演示数据", "demo data")}
UNITS_EN = {"亿元": "CNY 100 million", "万元": "CNY 10,000", "元": "CNY"}
_RATE_SUFFIXES_ZH = ("年均增速", "增速", "增长率")
_RATE_PREFIXES_EN = ("average annual growth of ", "annual growth of ", "growth of ")
_DISTRICT_SUFFIXES_EN = (("彝族自治县", "Yi Autonomous County"), ("自治县", "Autonomous County"),
                         ("高新区", "High-tech Zone"), ("区", "District"), ("市", "City"), ("县", "County"))


# ------------------------------------------------------------------------------------------------ numbers




def as_decimal(x: float) -> Decimal:
    """The shortest decimal that reads back as the float (1152.4, not 1152.40000000000009094947)."""
    return Decimal(repr(float(x)))


def number_text(x, decimals: int, lang: str = "zh") -> str:
    """1100 → "1100.00" (zh) / "1,100.00" (en); Chinese review texts print no thousands separators."""
    q = rounded(x, decimals)
    return f"{q:,.{decimals}f}" if lang == "en" else f"{q:.{decimals}f}"


def pct_of_fraction(fraction) -> Decimal:
    """A stored fraction as a displayed percentage: 0.51216 → 51.2."""
    return rounded(as_decimal(fraction) * 100, 1)


def decimals_of(ind: Mapping) -> int:
    d = _num(ind.get("decimals"))
    return 2 if d is None else int(d)


def is_percent(ind: Mapping) -> bool:
    return (ind.get("unit") or "").strip() == "%"


def is_count_unit(ind: Mapping) -> bool:
    return (ind.get("unit") or "").strip() in ("户", "个", "家")


def higher_is_better(ind: Mapping) -> bool:
    h = ind.get("higher_is_better")
    return True if h is None else bool(h)


class Fmt:
    """Number, unit and percentage wording in one language."""

    def __init__(self, lang: str):
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
        self.lang = lang
        self.zh = lang == "zh"

    def n(self, x, decimals: int) -> str:
        return number_text(x, decimals, self.lang)

    def printed(self, text: str) -> str:
        """Words of the plan as it prints them (8%左右, 约30%) in this language."""
        from django.utils import translation

        with translation.override("zh-hans" if self.zh else "en"):
            return printed(text)

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
        """A value with its unit: 1100.00亿元 / 1,100.00 CNY 100 million (the English pages' unit); 28户 / 28; 54.5%."""
        if is_percent(ind):
            return self.pct_value(value)
        unit, decimals = (ind.get("unit") or "").strip(), decimals_of(ind)
        if self.zh:
            return f"{self.n(value, decimals)}{unit}"
        if unit in UNITS_EN:
            return f"{self.n(value, decimals)} {UNITS_EN[unit]}"
        if is_count_unit(ind):
            return self.n(value, decimals)
        return f"{self.n(value, decimals)} {unit}".rstrip()

    def target(self, value, ind: Mapping) -> str:
        """The plan's own target as the plan prints it (8%左右, 1300亿元; about 8%, 1300 CNY 100 million); any other
        (a district's apportioned target) written out with its unit and the target's kind."""
        plan_value, plan_text = _num(ind.get("target_value")), (ind.get("target_text") or "").strip()
        v = _num(value)
        if v is not None and plan_value is not None and plan_text and abs(v - plan_value) < 1e-9:
            return self.printed(plan_text)
        text = self.amount(shown_target(value, ind), ind)
        kind = ind.get("target_kind")
        if kind == "about":
            return f"{text}左右" if self.zh else f"about {text}"
        if kind == "more_than":
            return f"高于{text}" if self.zh else f"more than {text}"
        return text


def pct_value_decimal(value) -> Decimal:
    return rounded(value, 1)


def shown_target(value, ind: Mapping):
    """A target of a count (户, 个, 家) is a whole number: an apportioned 4.2户 is shown as 5户 (PROGRESS.md §3a),
    whether or not the stored row has rounded it up yet."""
    v = _num(value)
    if v is None or not is_count_unit(ind) or decimals_of(ind) != 0:
        return value
    whole = rounded(v, 6)
    return float(math.ceil(whole)) if higher_is_better(ind) else float(math.floor(whole))


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
    # the plan's name once, as the Chinese title gives it ("… plan Leshan Development Plan …" said it twice)
    when = f"{year}" if kind == "annual" else period_label(year, quarter, "en") if kind == "quarterly" else ""
    return f"{plan_name}: {en}{' ' + when if when else ''}"


def status_label(status: str, lang: str, *, final: bool = False) -> str:
    """需加快 / Acceleration needed; at the end of the plan (final) 已完成 / 基本完成 / 未完成."""
    status = status or "cannot_assess"
    i = 0 if lang == "zh" else 1
    if final and status in _FINAL_LABELS:
        return _FINAL_LABELS[status][i]
    labels = maths.STATUS_LABELS_ZH if lang == "zh" else maths.STATUS_LABELS_EN
    if status in labels:
        return labels[status]
    return _STATUS_LABELS.get(status, (status, status))[i]


def reason_text(reason: str, lang: str) -> str:
    zh, en = maths.REASON_TEXTS.get(reason or "") or _REASONS.get(reason or "", (reason, reason))
    return zh if lang == "zh" else en


# ------------------------------------------------------------------------------------------------ end of the plan


def _flag(value) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return bool(value)


def target_year_of(ind: Mapping, row: Mapping | None = None) -> int | None:
    T = _num(ind.get("target_year"))
    if T is None and row is not None:
        T = _num(row.get("target_year"))
    return None if T is None else int(T)


def is_final_row(row: Mapping, ind: Mapping) -> bool:
    """The row is the plan's final verdict: the engine's is_final, else the target year's annual, non-provisional
    figure (the fallback of the interface while rows lack the field)."""
    flag = _flag(row.get("is_final"))
    if flag is not None:
        return flag
    T = target_year_of(ind, row)
    return (T is not None and int(row["year"]) == T and int(row["quarter"]) == 4
            and not _flag(row.get("is_provisional")))


def is_after_target(row: Mapping, ind: Mapping) -> bool:
    T = target_year_of(ind, row)
    return T is not None and int(row["year"]) > T


def target_share(row: Mapping, ind: Mapping) -> float | None:
    """The share of the target reached (0.963): the stored target_share, else value / target (target / value when
    lower is better)."""
    stored = _num(row.get("target_share"))
    if stored is not None:
        return stored
    value = _num(row.get("annual_value"))
    value = _num(row.get("value")) if value is None else value
    target = _num(shown_target(row.get("target_value"), ind))
    if value is None or target is None:
        return None
    if higher_is_better(ind):
        return value / target if target > 0 else None
    return target / value if value > 0 else None


def final_status(row: Mapping, ind: Mapping) -> str:
    """已完成 / 基本完成 / 未完成 of a final row. The engine's verdict when it gives one; a row stored before the
    engine gave final verdicts (an in-progress status at t = T) is read as the plan's rule reads it: achieved stays
    achieved, otherwise 基本完成 from 90% of the target reached (worked example 5: 96.3% → 基本完成), else 未完成."""
    status = row.get("status") or "cannot_assess"
    if status in FINAL_STATUSES:
        return status
    share = target_share(row, ind)
    return "largely_achieved" if share is not None and share >= LARGELY_ACHIEVED_SHARE - 1e-9 else "not_achieved"


def verdict(row: Mapping | None, ind: Mapping, *, final_review: bool = False) -> tuple[str, str, str | None, bool]:
    """(status, reason, light, final) of a stored row as a review words it.

    A final row gives 已完成 / 基本完成 / 未完成; a row after the target year gives no verdict; in a final review a row
    that is not the target year's annual figure gives none either (nothing can be accelerated any more). The light
    is the stored one, or the colour of the status where the status had to be read here.
    """
    if row is None or row.get("year") is None:
        return "cannot_assess", "no_data", None, final_review
    status = row.get("status") or "cannot_assess"
    reason = row.get("reason") or ""
    light = row.get("light") or None
    if light not in ("green", "yellow", "red"):
        light = None
    if is_after_target(row, ind):
        return "cannot_assess", "after_target_year", None, False
    if is_final_row(row, ind):
        if status == "cannot_assess":
            return status, reason or "no_data", light, True
        final = final_status(row, ind)
        if final != status:
            light = STATUS_LIGHTS[final]
        return final, reason, light, True
    if final_review:
        return "cannot_assess", "no_final_figure", None, True
    if status == "cannot_assess" and not reason:
        reason = "no_data"
    return status, reason, light, False


# ------------------------------------------------------------------------------------------------ sources

_BULLETIN = re.compile(r"^(?P<year>\d{4})年(?P<place>\S+?[省市州县区])国民经济和社会发展统计公报$")
_YEARBOOK = re.compile(r"^(?P<year>\d{4})年?(?P<place>\S+?)统计年鉴")
_PLACES_EN = {"乐山市": "Leshan", "乐山": "Leshan", "四川省": "Sichuan"}
PUBLISHED_KINDS = ("preliminary", "verified", "census")


def _bureau(place: str) -> str:
    return place + ("统计局" if place.endswith(("省", "市", "州", "县", "区")) else "市统计局")


def source_citation(title: str, lang: str) -> str:
    """A published document as officials cite it, publisher and document, never an address:
    2024年乐山市国民经济和社会发展统计公报 → 乐山市统计局《2024年乐山市国民经济和社会发展统计公报》. A title that
    already names its publisher (《…》) is kept; one of no known kind is printed as it is."""
    title = (title or "").strip()
    if not title or "《" in title:
        return title
    bulletin, yearbook = _BULLETIN.match(title), _YEARBOOK.match(title)
    if bulletin:
        place = bulletin["place"]
        if lang == "en" and place in _PLACES_EN:
            name = _PLACES_EN[place]
            return (f"{name} Municipal Bureau of Statistics, Statistical Communiqué of {name} on the "
                    f"{bulletin['year']} National Economic and Social Development")
        return f"{_bureau(place)}《{title}》"
    if yearbook:
        place, document, rest = yearbook["place"], yearbook.group(0), title[yearbook.end():]
        if lang == "en" and place in _PLACES_EN:
            name = _PLACES_EN[place]
            return f"{name} Municipal Bureau of Statistics, {name} Statistical Yearbook {yearbook['year']}{rest}"
        return f"{_bureau(place)}《{document}》{rest}"
    return title


def light_word(light, lang: str) -> str:
    zh, en = LIGHT_WORDS[light if light in ("green", "yellow", "red") else "none"]
    return zh if lang == "zh" else f"{en} light" if light in ("green", "yellow", "red") else en


def light_badge(light, lang: str) -> str:
    """Symbol and word, never colour alone: "▲ 黄灯" / "▲ yellow light"."""
    key = light if light in ("green", "yellow", "red") else "none"
    return f"{LIGHT_ICONS[key]} {light_word(light, lang)}"


def lcfirst(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def indicator_name(ind: Mapping, lang: str) -> str:
    if lang == "zh":
        return ind["name"]
    return lcfirst(ind.get("name_en") or ind["name"])


def rate_subject(ind: Mapping, lang: str) -> tuple[str, bool]:
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
    return lcfirst(name), False
