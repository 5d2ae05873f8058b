"""Numbers as people type them into a form or a spreadsheet cell, turned into exact Decimals or refused.

Pure: no database, no request. Understood: full-width digits, signs and points (１２３．５, －5), thousands
separators in valid groups (1,234.5 and 1，234.5), a trailing unit the field expects (亿元, %, ％, 户/家) and
surrounding spaces. Refused, with a message naming the field (Chinese first, then English): empty when
required, NaN, Infinity, exponents (1e5), letters, other scripts' digits, more than 6 decimals, magnitudes
above 10^12 and more than 15 significant digits (what every database keeps exactly: SQLite stores a decimal
as a double, so 1234567890.123456 would come back as 1234567890.12346).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators.figures.formatting import in_language

MAX_DECIMALS = 6
MAX_ABS = Decimal(10) ** 12
MAX_SIGNIFICANT = 15  # digits a double (SQLite's storage for decimals) holds exactly

# Explicit map: unicodedata's NFKC would also turn ² or ① into digits, and Decimal() itself accepts the
# digits of every script (Decimal("٣") == 3), so only these characters are ever read as part of a number.
_FULL_WIDTH = {ord("０") + i: ord("0") + i for i in range(10)}
_FULL_WIDTH.update({
    ord("．"): ".", ord("，"): ",", ord("－"): "-", ord("−"): "-", ord("＋"): "+", ord("％"): "%",
    ord("\u3000"): " ", ord("\u00a0"): " ", ord("\u2009"): " ", ord("\u202f"): " ", ord("\t"): " ",
})
_NUMBER = re.compile(r"(?P<sign>[+-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?", re.ASCII)
_UNIT_SYNONYMS = {"户": ("户", "家"), "家": ("家", "户"), "%": ("%",)}
# Units someone might type by mistake: named in the message instead of a generic refusal.
KNOWN_UNITS = ("万亿元", "亿元", "万元", "元", "%", "户", "家", "个", "人", "万人次", "亿人次", "人次", "亿", "万")
_EXPONENT = re.compile(r"^[+-]?[\d.,]+e[+-]?\d+$", re.ASCII)
_NOT_FINITE = re.compile(r"^[+-]?(nan|snan|inf|infinity)$")


class ParseError(ValueError):
    """A number could not be read; `message` is for the person who typed it (中文。 English.)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _fail(key: str, label: str, label_en: str, **extra) -> ParseError:
    names = {"field": in_language(label, label_en) or _("该项"), **extra}
    messages = {
        "required": _("「%(field)s」请填写数字。"),
        "not_finite": _("「%(field)s」不是有效数字（不接受 NaN 或无穷大）。"),
        "exponent": _("「%(field)s」请直接填写数字，不接受科学计数法（如 1e5）。"),
        "grouping": _("「%(field)s」千分位分隔符位置不正确（应为 1,234.5）。"),
        "decimals": _("「%(field)s」最多保留 %(max)s 位小数。"),
        "too_large": _("「%(field)s」数值过大（绝对值不能超过 10^12）。"),
        "precision": _("「%(field)s」有效数字过多（最多 %(max)s 位，超出部分无法准确保存）。"),
        "wrong_unit": _("「%(field)s」单位应为「%(unit)s」，而不是「%(typed)s」。"),
        "no_unit": _("「%(field)s」不带单位，请只填数字（不是「%(typed)s」）。"),
        "invalid": _("「%(field)s」无法识别为数字：%(typed)s。"),
    }
    return ParseError(messages[key] % names)


def _shown(text: str) -> str:
    """The typed text, shortened for a message."""
    return text if len(text) <= 30 else text[:30] + "…"


def normalise(text: str) -> str:
    """Full-width digits, signs, points, commas and spaces → their ASCII forms; surrounding spaces removed."""
    return text.translate(_FULL_WIDTH).strip()


def _strip_unit(text: str, unit: str, label: str, label_en: str) -> str:
    unit = normalise(unit or "")
    accepted = _UNIT_SYNONYMS.get(unit, (unit,) if unit else ())
    for suffix in sorted(accepted, key=len, reverse=True):
        if suffix and text.endswith(suffix):
            return text[: -len(suffix)].rstrip()
    for other in KNOWN_UNITS:
        if text.endswith(other) and _NUMBER.fullmatch(text[: -len(other)].rstrip()):
            key = "wrong_unit" if unit else "no_unit"
            raise _fail(key, label, label_en, unit=unit, typed=other)
    return text


def parse_number(text, *, unit: str = "", label: str = "", label_en: str = "",
                 required: bool = True) -> Decimal | None:
    """Read one number typed for a field whose unit is `unit`; `label` names the field in messages.

    Returns None for an empty optional field. Ints and Decimals (spreadsheet cells) pass through the same
    limits; floats are read from their shortest repr, so 1234.5 stays 1234.5.
    """
    if isinstance(text, bool):
        raise _fail("invalid", label, label_en, typed=str(text))
    if isinstance(text, float):
        text = repr(text) if text != text or text in (float("inf"), float("-inf")) else Decimal(repr(text))
    if isinstance(text, Decimal):
        text = format(text, "f") if text.is_finite() else str(text)
    elif isinstance(text, int):
        text = str(text)
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise _fail("invalid", label, label_en, typed=_shown(str(text)))
    cleaned = normalise(text)
    if not cleaned:
        if required:
            raise _fail("required", label, label_en)
        return None
    lowered = cleaned.lower()
    if _NOT_FINITE.match(lowered):
        raise _fail("not_finite", label, label_en)
    if _EXPONENT.match(lowered):
        raise _fail("exponent", label, label_en)
    body = _strip_unit(cleaned, unit, label, label_en)
    match = _NUMBER.fullmatch(body)
    if match is None:
        if re.fullmatch(r"[+-]?[\d,]+(\.\d+)?", body, re.ASCII):
            raise _fail("grouping", label, label_en)
        raise _fail("invalid", label, label_en, typed=_shown(cleaned))
    fraction = (match["frac"] or "").rstrip("0")
    if len(fraction) > MAX_DECIMALS:
        raise _fail("decimals", label, label_en, max=MAX_DECIMALS)
    digits = match["int"].replace(",", "")
    try:
        value = Decimal(f"{match['sign'] or ''}{digits}.{fraction or '0'}")
    except InvalidOperation:  # unreachable with the pattern above; kept so no other exception escapes
        raise _fail("invalid", label, label_en, typed=_shown(cleaned)) from None
    if abs(value) > MAX_ABS:
        raise _fail("too_large", label, label_en)
    if significant_digits(value) > MAX_SIGNIFICANT:
        raise _fail("precision", label, label_en, max=MAX_SIGNIFICANT)
    value = value.normalize() if value else Decimal(0)
    # normalize() writes 1200 as 1.2E+3; quantize back to a plain exponent ≥ 0 for whole numbers
    if value.as_tuple().exponent > 0:
        value = value.quantize(Decimal(1))
    return value


def significant_digits(value: Decimal) -> int:
    """Digits from the first non-zero one to the last non-zero one: 1200 → 2, 0.0012 → 2, 1234.5 → 5."""
    if not value.is_finite():
        return 0
    return len("".join(map(str, value.as_tuple().digits)).strip("0"))
