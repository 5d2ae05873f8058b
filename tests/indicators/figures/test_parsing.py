"""indicators.parsing: every typed number is read exactly or refused with a message naming the field."""
import re
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.figures.parsing import (
    MAX_ABS,
    MAX_SIGNIFICANT,
    ParseError,
    parse_number,
    significant_digits,
)

LABEL = "1. 服务业增加值"
LABEL_EN = "1. Value added of services"


def parse(text, unit="亿元", **kw):
    return parse_number(text, unit=unit, label=LABEL, label_en=LABEL_EN, **kw)


@pytest.mark.parametrize("text, unit, expected", [
    ("123.5", "亿元", "123.5"),
    ("１２３．５", "亿元", "123.5"),
    ("－５", "%", "-5"),
    ("−2.5", "%", "-2.5"),
    ("+7", "%", "7"),
    ("1,234.5", "亿元", "1234.5"),
    ("1，234.5", "亿元", "1234.5"),
    ("1,234,567.25", "亿元", "1234567.25"),
    ("1,234.5亿元", "亿元", "1234.5"),
    (" 1，234．5 亿元 ", "亿元", "1234.5"),
    ("45.6%", "%", "45.6"),
    ("45.6％", "%", "45.6"),
    ("45.6 ％", "%", "45.6"),
    ("15户", "户", "15"),
    ("15家", "户", "15"),
    ("\u300012\u3000", "户", "12"),
    ("0.000001", "亿元", "0.000001"),
    ("2.5000000000", "亿元", "2.5"),  # trailing zeros are not decimals that matter
    ("1000000000000", "亿元", "1000000000000"),
    ("123456789.123456", "亿元", "123456789.123456"),  # 15 significant digits: what every database keeps exactly
    ("999999999999.999", "亿元", "999999999999.999"),
    ("100000000000.0000", "亿元", "100000000000"),  # zeros after the last non-zero digit do not count
    ("-0", "%", "0"),
    ("0", "户", "0"),
    (1234, "亿元", "1234"),
    (1234.5, "亿元", "1234.5"),
    (0.00001, "亿元", "0.00001"),
    (Decimal("12.50"), "亿元", "12.5"),
])
def test_accepted_forms(text, unit, expected):
    assert parse(text, unit) == Decimal(expected)


@pytest.mark.parametrize("text, unit, words", [
    ("", "亿元", ["请填写数字", "a number is required"]),
    ("   ", "亿元", ["请填写数字", "a number is required"]),
    (None, "亿元", ["请填写数字"]),
    ("NaN", "亿元", ["NaN", "not numbers"]),
    ("nan", "亿元", ["NaN"]),
    ("Infinity", "亿元", ["无穷大", "infinity"]),
    ("-inf", "亿元", ["无穷大"]),
    (float("nan"), "亿元", ["NaN"]),
    (float("inf"), "亿元", ["无穷大"]),
    (Decimal("NaN"), "亿元", ["NaN"]),
    ("1e309", "亿元", ["科学计数法", "exponents"]),
    ("1E5", "亿元", ["科学计数法"]),
    ("2.5e-3", "亿元", ["科学计数法"]),
    ("abc", "亿元", ["无法识别为数字", "not a number: abc"]),
    ("12a", "亿元", ["无法识别为数字"]),
    ("一百", "亿元", ["无法识别为数字"]),
    ("٣", "亿元", ["无法识别为数字"]),  # Decimal() itself would read Arabic-Indic digits
    ("²", "亿元", ["无法识别为数字"]),  # NFKC would turn it into 2
    ("1,23", "亿元", ["千分位", "thousands separators"]),
    ("12,34.5", "亿元", ["千分位"]),
    ("1.234,5", "亿元", ["无法识别为数字"]),
    ("1..5", "亿元", ["无法识别为数字"]),
    ("--5", "%", ["无法识别为数字"]),
    ("1.1234567", "亿元", ["最多保留 6 位小数", "at most 6 decimals"]),
    ("1000000000000.1", "亿元", ["数值过大", "too large"]),
    ("99999999999999999999999", "亿元", ["数值过大"]),
    # SQLite would store these as 1234567890.12346 and 100000000000: refused on every database
    ("1234567890.123456", "亿元", ["有效数字过多", "最多 15 位", "too many significant digits (at most 15"]),
    ("100000000000.000001", "亿元", ["有效数字过多"]),
    (Decimal("1234567890.123456"), "亿元", ["有效数字过多"]),
    ("5万元", "亿元", ["单位应为「亿元」", "not 万元"]),
    ("5%", "亿元", ["单位应为「亿元」"]),
    ("5亿元", "%", ["单位应为「%」"]),
    ("5%", "", ["不带单位"]),
    (True, "户", ["无法识别为数字"]),
    ("<script>", "亿元", ["无法识别为数字"]),
])
def test_refused_with_a_message_naming_the_field(text, unit, words):
    with pytest.raises(ParseError) as info:
        parse(text, unit)
    message = info.value.message
    assert message.startswith("「1. 服务业增加值」"), message  # in Chinese on a Chinese page, naming the field
    assert LABEL_EN not in message  # one language at a time
    with translation.override("en"), pytest.raises(ParseError) as info_en:
        parse(text, unit)
    english = info_en.value.message
    assert english.startswith(LABEL_EN), english  # in English, naming it in English
    for word in words:  # the Chinese words in the Chinese message, the English ones in the English message
        assert word in (english if re.match(r"[A-Za-z]", word) else message), (word, message, english)
    typed_and_units = re.escape(str(text)) + r"|亿元|万元|户"  # what was typed and the unit as the form shows it
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(typed_and_units, "", english)), english


def test_optional_field_may_be_empty():
    assert parse("", required=False) is None
    assert parse(" \u3000 ", required=False) is None


def test_long_input_is_shortened_in_the_message():
    with pytest.raises(ParseError) as info:
        parse("x" * 5000)
    assert len(info.value.message) < 300


# ------------------------------------------------------------------------------------- property

FULL = str.maketrans("0123456789.,-+%", "０１２３４５６７８９．，－＋％")
UNITS = {"亿元": ["亿元", " 亿元"], "%": ["%", "％", " %"], "户": ["户", "家", " 户"]}


@st.composite
def rendered_numbers(draw):
    """A Decimal within the limits and one way a person could type it."""
    unit = draw(st.sampled_from(sorted(UNITS)))
    whole = draw(st.integers(min_value=0, max_value=10 ** 12 - 1))
    # at most 15 significant digits in all (more are refused: see the property below)
    places = draw(st.integers(min_value=0, max_value=min(6, MAX_SIGNIFICANT - len(str(whole)))))
    fraction = draw(st.integers(min_value=0, max_value=10 ** places - 1)) if places else 0
    negative = draw(st.booleans()) and unit == "%"
    frac_text = str(fraction).rjust(places, "0") if places else ""
    expected = Decimal(f"{'-' if negative else ''}{whole}{'.' + frac_text if frac_text else ''}")
    int_text = f"{whole:,}" if draw(st.booleans()) else str(whole)
    if draw(st.booleans()):
        int_text = int_text.replace(",", "，")
    text = ("-" if negative else draw(st.sampled_from(["", "+"]))) + int_text + ("." + frac_text if frac_text else "")
    if draw(st.booleans()):
        text = text.translate(FULL)
    if draw(st.booleans()):
        text += draw(st.sampled_from(UNITS[unit]))
    text = draw(st.sampled_from(["", " ", "\u3000"])) + text + draw(st.sampled_from(["", " ", "\u3000"]))
    return text, unit, expected


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rendered_numbers())
def test_property_every_valid_rendering_parses_to_exactly_its_value(case):
    text, unit, expected = case
    assert parse(text, unit) == expected


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=1, max_value=10 ** 12 - 1), st.integers(min_value=1, max_value=999_999))
def test_property_more_than_fifteen_significant_digits_are_refused_never_rounded(whole, fraction):
    text = f"{whole}.{fraction:06d}"
    digits = significant_digits(Decimal(text))
    if digits <= MAX_SIGNIFICANT:
        assert parse(text) == Decimal(text)
        return
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.message.startswith("「1. 服务业增加值」有效数字过多")


def test_significant_digits():
    assert [significant_digits(Decimal(t)) for t in ("0", "1200", "0.0012", "1234.5", "-1.50", "1E+12")] == [
        0, 2, 2, 5, 2, 1]


TOKENS = ["0", "1", "7", "9", "０", "５", "９", ",", "，", ".", "．", "-", "－", "−", "+", "e", "E", " ", "\u3000",
          "亿元", "万元", "%", "％", "户", "家", "NaN", "Infinity", "inf", "a", "x", "٣", "一", "²", "①", "\n", "\t",
          "000", "123", "1e309", "'", "=", "\x00"]
ORACLE_MAP = str.maketrans({"０": "0", "５": "5", "９": "9", "，": ",", "．": ".", "－": "-", "−": "-", "％": "%",
                            "\u3000": " ", "\t": " "})


def oracle(text: str, unit: str) -> Decimal:
    """An independent reading of a text the parser accepted: drop spaces, the unit and commas."""
    body = text.translate(ORACLE_MAP).strip()
    for suffix in {"亿元": ["亿元"], "%": ["%"], "户": ["户", "家"]}[unit]:
        if body.endswith(suffix):
            body = body[: -len(suffix)].strip()
    return Decimal(body.replace(",", ""))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=8).map("".join), st.sampled_from(sorted(UNITS)))
def test_property_any_text_is_read_exactly_or_refused_never_another_error(text, unit):
    try:
        value = parse(text, unit, required=False)
    except ParseError as exc:
        assert exc.message.startswith("「1. 服务业增加值」")
        return
    if value is None:
        assert text.translate(ORACLE_MAP).strip() == ""
        return
    assert value.is_finite()
    assert abs(value) <= MAX_ABS
    assert -value.as_tuple().exponent <= 6
    assert value == oracle(text, unit)


# ------------------------------------------------------------------------- the entry form itself

def _form_rows():
    from indicators.entry.selectors import FormRow
    from indicators.models import Indicator

    indicators = [Indicator(id=1, number=1, name="服务业增加值", unit="亿元", measure="flow"),
                  Indicator(id=3, number=3, name="生产性服务业增加值占服务业比重", unit="%", measure="share"),
                  Indicator(id=13, number=13, name="数字经济核心产业规上企业数量", unit="户", measure="stock")]
    return [FormRow(i, "", None, None, (2023, 2), None, (2022, 3), None) for i in indicators]


FORM_TEXT = st.lists(st.sampled_from(TOKENS), max_size=8).map("".join)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORM_TEXT, FORM_TEXT, FORM_TEXT)
def test_property_the_form_reads_exactly_or_shows_an_error_on_that_field(value, numerator, count):
    from indicators.entry.forms import QuarterForm

    data = {"revision": "0", "i1_value": value, "i3_numerator": numerator, "i3_denominator": "100",
            "i13_value": count}
    form = QuarterForm(data, rows=_form_rows())
    form.is_valid()  # never raises
    for name, text, unit in (("i1_value", value, "亿元"), ("i3_numerator", numerator, ""), ("i13_value", count, "户")):
        try:
            expected = parse_number(text, unit=unit, required=False)
        except ParseError:
            assert form.errors.get(name), name
            assert form.errors[name][0].startswith("「"), form.errors[name]
            assert form[name].value() == text  # what was typed comes back
            continue
        assert name not in form.errors
        assert form.cleaned_data[name] == expected
