"""Review texts: numbers and words (units, periods, statuses, names) in zh and en."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from indicators.dashboards.charts import LIGHT_ICONS, LIGHT_WORDS
from indicators.figures.formatting import rounded
from indicators.progress import maths
from indicators.progress.maths import finite as _num

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
        unit, decimals = (ind.get("unit") or "").strip(), decimals_of(ind)
        if self.zh:
            return f"{self.n(value, decimals)}{unit}"
        if unit == "亿元":  # 1 亿 = 100 million: 1100.00亿元 = 110.000 billion yuan, exactly
            return f"{self.n(as_decimal(value) / 10, decimals + 1)} billion yuan"
        if unit == "万元":
            return f"{self.n(as_decimal(value) / 100, decimals + 2)} million yuan"
        if is_count_unit(ind):
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


def pct_value_decimal(value) -> Decimal:
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
