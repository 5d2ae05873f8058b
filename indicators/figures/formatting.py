"""How officials write numbers and periods: units always, quarters as 2023年第三季度."""
import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

QUARTERS_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}


def english() -> bool:
    """Is the page (or the message being built) in English? Chinese otherwise (the default language)."""
    return bool(get_language() and get_language().startswith("en"))


def in_language(zh: str, en: str | None) -> str:
    """The Chinese or the English of a pair, by the active language; Chinese when there is no English."""
    return en if english() and en else zh


def listed(items) -> str:
    """Items joined as a list is written in the page's language: 市中区、高新区 / Shizhong District, Gaoxin."""
    return (", " if english() else "、").join(str(i) for i in items)


def quarter_label(year, quarter, *, annual: bool = False) -> str:
    if year is None:
        return ""
    if get_language() and get_language().startswith("en"):
        return f"{year}" if annual else f"Q{quarter} {year}"
    return f"{year}年" if annual else f"{year}年第{QUARTERS_ZH[int(quarter)]}季度"


def rounded(x, decimals: int) -> Decimal:
    """Half-up rounding (四舍五入) of a float or Decimal, the same everywhere (pages, exports, review texts)."""
    d = x if isinstance(x, Decimal) else Decimal(repr(float(x)))
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return q.copy_abs() if q == 0 else q


def number(value, decimals: int = 2) -> str:
    if value is None:
        return "—"
    return f"{rounded(value, decimals):,.{decimals}f}"


# Units in English: 亿元 is a hundred million yuan; counts of 户/家 are enterprises (or units, the plan's 户).
UNITS_EN = {"亿元": "CNY 100 million", "万元": "CNY 10,000", "元": "CNY", "户": "enterprises", "家": "enterprises",
            "个": "", "人": "persons", "项": "items", "座": ""}
# ... and of one: 1 enterprise, 1 person (English counts agree in number; Chinese units never change)
UNITS_EN_ONE = {"户": "enterprise", "家": "enterprise", "人": "person", "项": "item"}
# The plan's printed words that are not numbers, so that makemessages lists them for translation
PRINTED_WORDS = (gettext_noop("完成省下达目标任务"), gettext_noop("乐山市“十四五”现代服务业发展规划"), gettext_noop("乐山市"))


def unit_text(unit: str, count: str | None = None) -> str:
    """The unit in the page's language: 亿元 / CNY 100 million; of a count as written ("1"), singular where English
    wants it: 1 enterprise, 2 enterprises, 1.50 enterprises."""
    unit = (unit or "").strip()
    if not english():
        return unit
    if count is not None and count.lstrip("-−") == "1" and unit in UNITS_EN_ONE:
        return UNITS_EN_ONE[unit]
    return UNITS_EN.get(unit, unit)


def singular(unit_en: str) -> str:
    """enterprises → enterprise, counties → county, business districts → business district."""
    if unit_en.endswith("ies"):
        return unit_en[:-3] + "y"
    return unit_en[:-1] if unit_en.endswith("s") and not unit_en.endswith("ss") else unit_en


def count_unit(unit: str, unit_en: str = "", count=None) -> str:
    """A unit of a count in the page's language, with an English unit of its own where the row gives one
    (家 of platforms: platforms), singular for one: 1 platform, 161 enterprises, 1.5 platforms."""
    if not english():
        return unit
    if not unit_en:
        return unit_text(unit, None if count is None else str(count))
    shown = None if count is None else (number(count, 0) if float(count) == int(float(count)) else str(count))
    return singular(unit_en) if shown is not None and shown.lstrip("-−") == "1" else unit_en


def with_unit(value, unit: str, decimals: int = 2) -> str:
    if value is None:
        return _("未给出")
    text = number(value, decimals)
    return f"{text}%" if unit == "%" else f"{text} {unit_text(unit, text)}".rstrip()


_PRINTED = re.compile(r"^(?P<more>[＞>])?(?P<about>约)?(?P<num>\d+(?:\.\d+)?)(?P<unit>%|[^\W\d_]{1,4}?)?(?P<around>左右)?$")


def printed(text: str) -> str:
    """A target or baseline as the plan prints it (8%左右, 约30%, ＞10%, 1300亿元), in the page's language:
    Chinese as printed; on English pages about 8%, about 30%, more than 10%, 1300 CNY 100 million."""
    text = (text or "").strip()
    if not english() or not text:
        return text
    m = _PRINTED.match(text)
    if not m:
        return _(text)
    unit = m["unit"] or ""
    shown = f"{m['num']}%" if unit == "%" else f"{m['num']} {unit_text(unit, m['num'])}".rstrip()
    if m["more"]:
        return f"more than {shown}"
    return f"about {shown}" if (m["about"] or m["around"]) else shown


def percent(fraction, decimals: int = 1) -> str:
    """0.625 → 62.5%"""
    if fraction is None:
        return "—"
    return f"{rounded(Decimal(repr(float(fraction))) * 100, decimals):.{decimals}f}%"


def as_printed(value, unit: str, text: str = "") -> str:
    """A number of the plan as the plan prints it: its own digits, no separators, the unit, and 约 where the
    plan's words say 约 (30, "…比重约30%" → 约30%)."""
    if value is None:
        return ""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    digits = format(d.normalize(), "f")
    about = re.search(rf"约\s*{re.escape(digits)}(?![\d.])", text or "") is not None
    if english():
        shown = f"{digits}%" if unit == "%" else f"{digits} {unit_text(unit, digits)}".rstrip()
        return f"about {shown}" if about else shown
    return f"{'约' if about else ''}{digits}{unit}"


def target_shown(value, unit: str, decimals: int = 2, *, kind: str = "", plan_value=None, plan_text: str = "") -> str:
    """A target as a page shows it. The plan's own target is shown as the plan prints it (8%左右, 1300亿元; about 8%,
    1300 CNY 100 million); any other (a district's apportioned target, a year's assigned amount) is written out
    with its unit and keeps the target's kind: 左右 / about, 高于 / more than."""
    if value is None:
        return "—"
    v, plan = Decimal(str(value)), None if plan_value in (None, "") else Decimal(str(plan_value))
    if plan is not None and (plan_text or "").strip() and abs(v - plan) < Decimal("1e-9"):
        return printed(plan_text)
    text = with_unit(v, unit, decimals)
    if kind == "about":
        return _("%(target)s左右") % {"target": text}
    if kind == "more_than":
        return _("高于%(target)s") % {"target": text}
    return text


# Publishers of the documents the tracker loads figures from, by the document's title
PUBLISHERS = ((re.compile(r"^\d{4}年乐山市国民经济和社会发展统计公报$"), "乐山市统计局"),)
OFFICIAL_DOMAIN = "gov.cn"
_BULLETIN = re.compile(r"^(?:乐山市统计局)?《?(?P<year>\d{4})年乐山市国民经济和社会发展统计公报》?$")


def source_citation(title: str) -> str:
    """Publisher and document, as a citation: 乐山市统计局《2024年乐山市国民经济和社会发展统计公报》.
    A title that already names its document (《…》) or whose publisher is not known is left as it is; one the system
    wrote (demo data, an approval) is shown in the page's language."""
    from indicators.figures.system_texts import shown_source

    title = shown_source(title)
    bulletin = _BULLETIN.match(title.strip("《》"))
    if english() and bulletin:
        return (f"Leshan Municipal Bureau of Statistics, Statistical Communiqué of Leshan on the "
                f"{bulletin['year']} National Economic and Social Development")
    if not title or "《" in title:
        return title
    for pattern, publisher in PUBLISHERS:
        if pattern.match(title):
            return f"{publisher}《{title}》"
    return title


def official_url(url: str) -> str:
    """The address if it is an official government site (http(s), a host under gov.cn), else "": pages never
    link a third-party repost of a document."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if parts.scheme in ("http", "https") and (host == OFFICIAL_DOMAIN or host.endswith("." + OFFICIAL_DOMAIN)):
        return parts.geturl()
    return ""


def local_time(value) -> str:
    """A stored time as Leshan reads it (the site's time zone, Asia/Shanghai): 2026-12-02 14:05."""
    from django.utils import timezone

    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------------------------------------- exports

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# a number as the pages write it, with its unit: -3.2%, -1,234.50 亿元 (a spreadsheet never runs it)
_NUMBER_TEXT = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?(?:%| ?[^\W\d_]{1,8})?")


def csv_safe(value):
    """Text starting with = + - @ (or a tab or CR) is read as a formula by spreadsheet programs: prefix it with an
    apostrophe. Numbers are never touched (a negative number stays a number), nor a number written as text."""
    if isinstance(value, str) and value[:1] in FORMULA_START and not _NUMBER_TEXT.fullmatch(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    """csv_safe of every cell of a row (for csv writers and openpyxl's ws.append)."""
    return [csv_safe(v) for v in values]
