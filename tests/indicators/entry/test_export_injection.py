"""Exports never carry a formula: text a spreadsheet would run (= + - @, tab, CR first) is escaped with an
apostrophe in every CSV and xlsx the site writes; numbers stay numbers, a negative one too (issue 14)."""
import csv
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from districts.models import District
from indicators.entry import spreadsheets
from indicators.models import Indicator, Observation, Submission

pytestmark = pytest.mark.django_db

EVIL_DISTRICT = '=HYPERLINK("http://evil.example/","点我")'
EVIL_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
EVIL_EN = "-2+3+cmd|' /C calc'!A0"
EVIL_COMMENT = "=1+1"
NUMBER_TEXT = re.compile(r"[+-]?\d[\d,]*(\.\d+)?(%| ?[^\W\d_]{1,8})?")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client

NUMBERS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15)
COMMENTS = {f"i{n}_comment": "" for n in NUMBERS}  # a browser posts every field of the form (an incomplete one is refused)
BLANK = {**{f"i{n}_{f}": "" for n in NUMBERS for f in (("numerator", "denominator") if n in (3, 4, 9, 12) else ("value",))},
         **COMMENTS}


@pytest.fixture
def evil(plan, staff_shizhong, official, django_capture_on_commit_callbacks):
    """市中区 and indicator 1 renamed to formulas; 2023 Q3 approved with a negative growth rate (indicator 2) and
    a comment that is a formula."""
    District.objects.filter(code="shizhong").update(name=EVIL_DISTRICT)
    Indicator.objects.filter(plan=plan, number=1).update(name=EVIL_NAME, name_en=EVIL_EN)
    staff = client_for(staff_shizhong)
    response = staff.post("/entry/shizhong/2023-Q3/", {
        "revision": 0, "action": "submit", "i1_value": "420.5", "i2_value": "-3.5",
        "i3_numerator": "120", "i3_denominator": "400", "i4_numerator": "30", "i4_denominator": "60",
        "i5_value": "310", "i6_value": "7.1", "i7_value": "550", "i8_value": "60", "i9_numerator": "20",
        "i9_denominator": "900", "i12_numerator": "45", "i12_denominator": "900", "i13_value": "8",
        "i14_value": "3", "i15_value": "70", **COMMENTS, "i1_comment": EVIL_COMMENT})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):  # the progress recompute the approval queues
        revision = Submission.objects.get(district__code="shizhong", year=2023, quarter=3).revision
        assert client_for(official).post("/entry/shizhong/2023-Q3/approve/", {"revision": revision}).status_code == 302
    assert Observation.objects.get(indicator__number=2, district__code="shizhong").value == Decimal("-3.5")
    return {"staff": staff, "official": client_for(official)}


def _csv_cells(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))


def _assert_no_formula_text(cells):
    for cell in cells:
        if isinstance(cell, str) and cell[:1] in spreadsheets.FORMULA_START:
            assert NUMBER_TEXT.fullmatch(cell), f"unescaped formula text: {cell!r}"


def _xlsx_cells(response):
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell"
    return cells


def test_entry_csv_export_escapes_formula_text_and_keeps_negative_numbers(evil):
    rows = _csv_cells(evil["official"].get("/exports/figures.csv"))
    _assert_no_formula_text(cell for row in rows for cell in row)
    header = rows[0]
    records = [dict(zip(header, row)) for row in rows[1:]]
    first = next(r for r in records if r["指标序号"] == "1")
    assert first["指标"] == "'" + EVIL_NAME
    assert first["地区"] == "'" + EVIL_DISTRICT
    assert first["地区代码"] == "shizhong"
    growth = next(r for r in records if r["指标序号"] == "2")
    assert growth["数值"] == "-3.5"  # a number: not escaped
    evil["official"].cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the English export names it in English
    rows = _csv_cells(evil["official"].get("/exports/figures.csv"))
    _assert_no_formula_text(cell for row in rows for cell in row)
    first = next(dict(zip(rows[0], row)) for row in rows[1:] if row[0] == "1")
    assert first["Indicator"] == "'" + EVIL_EN


def test_entry_xlsx_export_escapes_formula_text_and_keeps_negative_numbers(evil):
    cells = _xlsx_cells(evil["official"].get("/exports/figures.xlsx"))
    _assert_no_formula_text(c.value for c in cells)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert {"'" + EVIL_NAME, "'" + EVIL_DISTRICT} <= texts
    assert -3.5 in {c.value for c in cells if c.data_type == "n"}  # stored as a number, negative
    evil["official"].cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    cells = _xlsx_cells(evil["official"].get("/exports/figures.xlsx"))
    _assert_no_formula_text(c.value for c in cells)
    assert "'" + EVIL_EN in {c.value for c in cells if isinstance(c.value, str)}


def test_template_escapes_formula_text_and_reads_its_own_escape_back(plan, staff_shizhong):
    Indicator.objects.filter(plan=plan, number=1).update(name=EVIL_NAME)
    staff = client_for(staff_shizhong)
    assert staff.post("/entry/shizhong/2023-Q3/", {"revision": 0, "action": "save", **BLANK, "i1_value": "1",
                                                   "i1_comment": EVIL_COMMENT}).status_code == 302
    response = staff.get("/entry/shizhong/2023-Q3/template.xlsx")
    cells = _xlsx_cells(response)
    _assert_no_formula_text(c.value for c in cells)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + EVIL_NAME in texts and "'" + EVIL_COMMENT in texts
    # uploaded back unchanged, the comment is what was typed, not the escape
    from indicators.entry import validation

    result = spreadsheets.parse_upload(
        response.content, "t.xlsx", district_code="shizhong", year=2023, quarter=3,
        indicators=validation.form_indicators(plan, District.objects.get(code="shizhong"), 3))
    assert not result.file_errors
    assert result.values()[Indicator.objects.get(plan=plan, number=1).id]["comment"] == EVIL_COMMENT


def test_dashboard_csv_downloads_escape_formula_text(evil):
    for url in ("/indicators/1/data.csv", "/indicators/2/data.csv", "/districts/shizhong/data.csv"):
        rows = _csv_cells(evil["official"].get(url))
        assert len(rows) > 1, url
        _assert_no_formula_text(cell for row in rows for cell in row)
    rows = _csv_cells(evil["official"].get("/indicators/1/data.csv"))
    records = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert {r["指标"] for r in records} == {"'" + EVIL_NAME}  # the page's language: Chinese headers
    assert "'" + EVIL_DISTRICT in {r["县（市、区）"] for r in records}
    growth = [dict(zip(rows[0], row)) for row in _csv_cells(evil["official"].get("/indicators/2/data.csv"))[1:]]
    shizhong = next(r for r in growth if r["县（市、区）"] == "'" + EVIL_DISTRICT and r["年份"] == "2023"
                    and r["季度"] == "3")
    assert float(shizhong["填报值"]) == -3.5 and not shizhong["填报值"].startswith("'")


def test_report_xlsx_escapes_formula_text(evil):
    cells = _xlsx_cells(evil["official"].get("/reports/2023.xlsx"))
    _assert_no_formula_text(c.value for c in cells)
    assert "'" + EVIL_NAME in {c.value for c in cells}


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-", "'-"), ("-1e5", "'-1e5"),
    ("-3.5", "-3.5"), ("+7", "+7"), ("-3.2%", "-3.2%"), ("-1,234.50 亿元", "-1,234.50 亿元"), ("市中区", "市中区"),
    (-3.5, -3.5), (Decimal("-3.5"), Decimal("-3.5")), (None, None),
])
def test_csv_safe(value, expected):
    assert spreadsheets.csv_safe(value) == expected
