"""How officials write numbers and periods: units always, quarters as 2023年第三季度."""
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
