"""How officials write numbers and periods: units always, quarters as 2023年第三季度."""
import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

QUARTERS_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}


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


def with_unit(value, unit: str, decimals: int = 2) -> str:
    if value is None:
        return _("未给出 not given")
    text = number(value, decimals)
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def percent(fraction, decimals: int = 1) -> str:
    """0.625 → 62.5%"""
    if fraction is None:
        return "—"
    return f"{rounded(Decimal(repr(float(fraction))) * 100, decimals):.{decimals}f}%"


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
