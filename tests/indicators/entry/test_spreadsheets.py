"""Excel/CSV upload: crafted bad files each get a clear error and store nothing; a good upload stores every row."""
import csv
import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from indicators.entry import spreadsheets
from indicators.figures.parsing import ParseError, parse_number
from indicators.models import Indicator, Measure, Observation, Submission

D = Decimal
URL = "/entry/shizhong/2023-Q3/upload/"
HEADER = [zh for _k, zh, _en, _legacy in spreadsheets.COLUMNS]
HEADER_EN = [en for _k, _zh, en, _legacy in spreadsheets.COLUMNS]
HEADER_LEGACY = [legacy for _k, _zh, _en, legacy in spreadsheets.COLUMNS]
GOOD = [(1, "420.5", "", ""), (2, "6.8", "", ""), (3, "", "120", "400"), (4, "", "30", "60"), (5, "310", "", ""),
        (6, "7.1", "", ""), (7, "550", "", ""), (8, "60", "", ""), (9, "", "20", "900"), (12, "", "45", "900"),
        (13, "8", "", ""), (14, "3", "", ""), (15, "70", "", "")]


def table(rows=GOOD, *, district="shizhong", year=2023, quarter=3, header=HEADER):
    """The template's table: title rows, header, one row per (number, value, numerator, denominator)."""
    out = [["市中区 2023年第三季度"], ["只填写黄色列"], [], list(header)]
    for number, value, num, den in rows:
        out.append([district, year, quarter, number, f"指标{number}", "", "", value, num, den, "", "", ""])
    return out


def xlsx(lines, *, sheet=spreadsheets.SHEET, edit=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for line in lines:
        ws.append(line)
    if edit:
        edit(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(lines, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    return out.getvalue().encode(encoding)


def upload(client, content: bytes, name: str):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def staff(plan, staff_shizhong):
    client = Client()
    client.force_login(staff_shizhong)
    return client


def _with_big_entry(content: bytes) -> bytes:
    """A valid workbook plus a highly compressible 21 MB entry: small on the wire, huge unpacked."""
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (21 * 1024 * 1024))
    return buffer.getvalue()


def _merge(ws):
    ws.merge_cells("H5:H6")


def _formula(ws):
    ws["H5"] = "=SUM(400,20.5)"


def _date(ws):
    ws["H5"] = datetime(2023, 9, 30)


BAD_FILES = [
    # (id, filename, content builder, words expected on the page)
    ("wrong sheet", "a.xlsx", lambda: xlsx(table(), sheet="Sheet1"), ["找不到工作表「填报」", "Sheet1"]),
    ("missing value column", "a.xlsx", lambda: xlsx(table(header=[h if h != "数值" else "其他" for h in HEADER])),
     ["缺少列：数值。"]),
    ("missing district column", "a.csv",
     lambda: csv_bytes([[c for i, c in enumerate(line) if i != 0] for line in table()]), ["缺少列：地区代码。"]),
    ("merged cells", "a.xlsx", lambda: xlsx(table(), edit=_merge), ["合并单元格（H5:H6）", "请取消合并"]),
    ("formula", "a.xlsx", lambda: xlsx(table(), edit=_formula), ["H5 含有公式", "粘贴为数值"]),
    ("date in a value cell", "a.xlsx", lambda: xlsx(table(), edit=_date), ["第5行", "不是日期或逻辑值"]),
    ("unknown indicator row", "a.csv", lambda: csv_bytes(table(GOOD + [(99, "1", "", "")])),
     ["第18行", "指标序号「99」不在本表中"]),
    ("totals row", "a.csv", lambda: csv_bytes(table() + [["shizhong", 2023, 3, "合计", "", "", "", "1779.5"]]),
     ["第18行", "指标序号「合计」不在本表中"]),
    ("city-only indicator", "a.csv", lambda: csv_bytes(table(GOOD + [(10, "9", "", "")])), ["指标序号「10」不在本表中"]),
    ("wrong district", "a.xlsx", lambda: xlsx(table(district="emeishan")),
     ["地区代码为「emeishan」，本表只接受「shizhong」"]),
    ("wrong year", "a.csv", lambda: csv_bytes(table(year=2022)), ["应为 2023 年第 3 季度"]),
    ("wrong quarter", "a.csv", lambda: csv_bytes(table(quarter=2)), ["应为 2023 年第 3 季度"]),
    ("duplicate indicator", "a.csv", lambda: csv_bytes(table(GOOD + [(1, "421", "", "")])),
     ["第18行", "指标 1 重复（已在第 5 行）"]),
    ("huge file", "a.csv", lambda: csv_bytes(table()) + b"\n" * (1024 * 1024), ["文件过大", "最大"]),
    ("too many rows", "a.csv", lambda: csv_bytes(table(GOOD * 16)), ["行数过多", "最多 200 行"]),
    ("zip bomb", "a.xlsx", lambda: _with_big_entry(xlsx(table())), ["解压后过大"]),
    ("not a workbook", "a.xlsx", lambda: b"PK\x03\x04 this is not really a zip", ["不是有效的 xlsx 工作簿"]),
    ("binary csv", "a.csv", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00", ["不是文本格式的 CSV"]),
    ("unknown encoding", "a.csv", lambda: csv_bytes(table()) + b"\xff\xfe\xff", ["无法识别文件编码"]),
    ("wrong type", "a.pdf", lambda: b"%PDF-1.4 hello", ["只接受 .xlsx 或 .csv 文件"]),
    ("old excel format", "a.xls", lambda: b"\xd0\xcf\x11\xe0 old excel", ["只接受 .xlsx 或 .csv 文件"]),
    ("empty file", "a.csv", lambda: b"", ["文件为空"]),
    ("no header", "a.csv", lambda: csv_bytes([["shizhong", 2023, 3, 1, "420.5"]]), ["找不到表头"]),
    ("header only", "a.csv", lambda: csv_bytes(table([])), ["没有数据行"]),
    ("letters in a number", "a.csv", lambda: csv_bytes(table([(1, "四百二十", "", "")])),
     ["第5行", "「1. 服务业增加值」无法识别为数字：四百二十"]),
    ("NaN", "a.csv", lambda: csv_bytes(table([(1, "NaN", "", "")])), ["不接受 NaN"]),
    ("1e309", "a.xlsx", lambda: xlsx(table([(1, "1e309", "", "")])), ["科学计数法"]),
    ("too many decimals", "a.csv", lambda: csv_bytes(table([(1, "420.1234567", "", "")])), ["最多保留 6 位小数"]),
    ("wrong unit", "a.csv", lambda: csv_bytes(table([(1, "420万元", "", "")])), ["单位应为「亿元」"]),
    ("share as a value", "a.csv", lambda: csv_bytes(table([(3, "30", "", "")])), ["比重指标请填写「分子」「分母」"]),
    ("numerator over denominator", "a.csv", lambda: csv_bytes(table([(3, "", "500", "400")])),
     ["第5行", "分子应在0与分母之间"]),
    ("half a household", "a.csv", lambda: csv_bytes(table([(13, "8.5", "", "")])), ["应为整数"]),
    ("field too long", "a.csv", lambda: csv_bytes(table([(1, "1" * 200_000, "", "")])), ["CSV 格式错误"]),
]


@pytest.mark.parametrize("name, filename, build, words", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_gets_a_clear_error_and_nothing_is_stored(staff, name, filename, build, words):
    response = upload(staff, build(), filename)
    page = response.content.decode()
    assert response.status_code == 200
    for word in words:
        assert word in page, (name, word)
    assert 'name="confirm"' not in page  # no way to store it
    assert "未保存任何数据" in page or "全部改正前不会保存任何数据" in page
    assert not Observation.objects.exists()
    assert not any(k.startswith("entry-upload:") for k in staff.session.keys())
    # and confirming anyway stores nothing
    response = staff.post(URL, {"confirm": "1", "token": "forged"})
    assert response.status_code == 302 and not Observation.objects.exists()


def form_data(revision=0, action="save", **fields):
    """The entry form posted whole (issue 14: a field left out is refused), empty but for the given fields."""
    blank = {}
    for n, value, _num, _den in GOOD:
        parts = ("value",) if value else ("numerator", "denominator")
        blank.update({f"i{n}_{part}": "" for part in (*parts, "comment")})
    return {"revision": revision, "action": action, **blank, **fields}


def test_there_are_at_least_twenty_crafted_bad_files():
    assert len(BAD_FILES) >= 20


def test_a_flow_falling_within_the_year_is_shown_on_its_row(staff):
    staff.post("/entry/shizhong/2023-Q2/", form_data(i1_value="500"))
    page = upload(staff, csv_bytes(table()), "a.csv").content.decode()
    assert "第5行：「1. 服务业增加值」为年内累计数，不能低于上一季度累计（500.00 亿元）" in page
    assert 'name="confirm"' not in page
    assert Observation.objects.filter(quarter=3).count() == 0


def test_good_xlsx_template_round_trip_stores_all_rows_in_one_go(staff, plan):
    template = staff.get("/entry/shizhong/2023-Q3/template.xlsx").content
    wb = load_workbook(io.BytesIO(template))
    ws = wb[spreadsheets.SHEET]
    by_number = {number: (value, num, den) for number, value, num, den in GOOD}
    for row in ws.iter_rows(min_row=5):
        value, num, den = by_number[row[3].value]
        row[7].value = float(value) if value else None
        row[8].value = int(num) if num else None
        row[9].value = int(den) if den else None
    ws["K5"] = "=含高新区"  # a comment that looks like a formula stays text
    ws["K5"].data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    page = upload(staff, out.getvalue(), "市中区.xlsx").content.decode()
    assert page.count("✓ 无误") == 13 and 'name="confirm"' in page
    assert not Observation.objects.exists()  # the preview stores nothing
    token = page.split('name="token" value="')[1].split('"')[0]
    response = staff.post(URL, {"confirm": "1", "token": token, "i1_value": "999"})  # extra fields are ignored
    assert response.status_code == 302
    stored = {o.indicator.number: o for o in Observation.objects.select_related("indicator")}
    assert len(stored) == 13
    assert stored[1].value == D("420.5") and stored[1].comment == "=含高新区"
    assert (stored[3].numerator, stored[3].denominator, stored[3].value) == (D("120"), D("400"), D("30"))
    sub = Submission.objects.get()
    assert sub.revision == 1 and sub.status == Submission.Status.DRAFT
    # the reason is stored in Chinese only (the data language), shown translated on English pages
    assert {o.history.get().history_change_reason for o in stored.values()} == {"上传：草稿→草稿"}
    # the token is used up
    assert staff.post(URL, {"confirm": "1", "token": token}).status_code == 302
    assert Submission.objects.get().revision == 1


def test_excel_float_noise_is_rounded_to_six_decimals_not_refused(staff):
    """Excel keeps doubles: a sum pasted as a value reads back as 296.66999999999996. It is the number Excel
    shows (15 significant digits), rounded to the 6 decimals of entry, and stored as 296.67."""
    noisy = 0.1 * 3  # 0.30000000000000004
    rows = [(1, 296.66999999999996, "", ""), (3, "", 120.00000000000001, 400), (13, 8.000000000000002, "", "")]
    result = _parse(xlsx(table(rows)), "a.xlsx")
    assert not result.file_errors and not any(r.errors for r in result.rows), result.rows
    values = {r.number: r.values for r in result.rows}
    assert values[1]["value"] == D("296.67") and values[3]["numerator"] == D("120")
    assert values[13]["value"] == D("8")  # a count: the noise does not make it "not a whole number"
    assert result.rows[0].shown["value"] == "296.67"  # the preview shows what will be stored
    assert spreadsheets._excel_number(noisy) == D("0.3")
    assert spreadsheets._excel_number(12345678901.500002) == D("12345678901.5")  # 17 digits of double: Excel's 15
    assert spreadsheets._excel_number(1.2345675) == D("1.234568")  # more than 6 real decimals: rounded half up
    assert spreadsheets._excel_number(2023.0) == D("2023")
    # through the page: previewed as 296.67, stored as 296.67
    page = upload(staff, xlsx(table([(1, 296.66999999999996, "", "")])), "a.xlsx").content.decode()
    assert "296.67" in page and "296.669" not in page and "最多保留" not in page
    token = page.split('name="token" value="')[1].split('"')[0]
    assert staff.post(URL, {"confirm": "1", "token": token}).status_code == 302
    assert Observation.objects.get(indicator__number=1).value == D("296.67")


def test_upload_beyond_the_databases_precision_is_refused_on_its_row(staff):
    page = upload(staff, csv_bytes(table([(1, "1234567890.123456", "", "")])), "a.csv").content.decode()
    assert "第5行" in page and "「1. 服务业增加值」有效数字过多" in page and 'name="confirm"' not in page
    # a text cell in a workbook is what was typed: not rounded
    page = upload(staff, xlsx(table([(1, "296.66999999999996", "", "")])), "a.xlsx").content.decode()
    assert "最多保留 6 位小数" in page and 'name="confirm"' not in page
    assert not Observation.objects.exists()


def test_good_csv_in_gbk_is_read(staff):
    page = upload(staff, csv_bytes(table(), encoding="gb18030"), "shizhong.csv").content.decode()
    assert page.count("✓ 无误") == 13
    token = page.split('name="token" value="')[1].split('"')[0]
    staff.post(URL, {"confirm": "1", "token": token})
    assert Observation.objects.count() == 13


def test_confirmation_reparses_the_server_copy_and_refuses_a_stale_upload(staff, plan, make_user):
    page = upload(staff, csv_bytes(table()), "a.csv").content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    colleague = Client()
    colleague.force_login(make_user("staff_shizhong_2", "staff", "shizhong"))
    colleague.post("/entry/shizhong/2023-Q3/", form_data(i7_value="777"))
    page = staff.post(URL, {"confirm": "1", "token": token}).content.decode()
    assert "保存被拒绝" in page
    assert list(Observation.objects.values_list("indicator__number", "value")) == [(7, D("777"))]


def test_upload_is_refused_for_a_locked_quarter(staff, plan, official):
    staff.post("/entry/shizhong/2023-Q3/", form_data(action="submit", **{
        f"i{n}_{'value' if v else 'numerator'}": v or num for n, v, num, den in GOOD},
        **{f"i{n}_denominator": den for n, _v, _num, den in GOOD if den}))
    assert Submission.objects.get().status == Submission.Status.SUBMITTED
    boss = Client()
    boss.force_login(official)
    boss.post("/entry/shizhong/2023-Q3/approve/", {"revision": 1})
    page = upload(staff, csv_bytes(table([(1, "999", "", "")])), "a.csv").content.decode()
    assert "审核通过并锁定" in page and 'name="confirm"' not in page
    assert Observation.objects.get(indicator__number=1).value == D("420.5")


# ------------------------------------------------------------------------------- pure parser

def _indicators():
    return [Indicator(id=100 + n, number=n, name=f"指标{n}", unit=u, measure=m)
            for n, u, m in [(1, "亿元", Measure.FLOW), (3, "%", Measure.SHARE), (13, "户", Measure.STOCK)]]


def _parse(content, name="a.csv"):
    return spreadsheets.parse_upload(content, name, district_code="shizhong", year=2023, quarter=3,
                                     indicators=_indicators())


def test_parser_returns_every_row_with_its_own_errors():
    result = _parse(csv_bytes(table([(1, "abc", "", ""), (3, "", "1", "2"), (13, "5", "", "")])))
    assert [r.line for r in result.rows] == [5, 6, 7]
    assert [bool(r.errors) for r in result.rows] == [True, False, False]
    assert result.rows[0].errors[0].startswith("第5行：「1. 指标1」")
    assert not result.ok
    assert result.rows[1].values == {"comment": "", "numerator": D("1"), "denominator": D("2")}


def test_parser_accepts_bilingual_or_single_language_headers():
    header = ["地区代码", "year", "季度", "indicator", "数值", "numerator", "分母 denominator", "comment"]
    lines = [header, ["shizhong", "2023", "3", "1", "1,234.5", "", "", "ok"]]
    result = _parse(csv_bytes(lines))
    assert result.ok and result.values() == {101: {"comment": "ok", "value": D("1234.5")}}


VALUE_TEXT = st.one_of(
    st.text(alphabet="0123456789０１２３,，.．-－+eE %％亿元万户家NaInfty一٣ ", max_size=14),
    st.decimals(min_value=-10 ** 13, max_value=10 ** 13, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["NaN", "-Infinity", "sNaN", "1E+400", ""]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALUE_TEXT)
def test_property_upload_values_are_read_exactly_or_refused_on_their_row(text):
    content = csv_bytes(table([(1, text, "", "")]))
    result = _parse(content)  # never raises
    assert not result.file_errors
    (row,) = result.rows
    try:
        expected = parse_number(text, unit="亿元", required=False)
    except ParseError:
        assert row.errors and row.errors[0].startswith("第5行：")
        return
    assert not row.errors
    assert row.values["value"] == expected


# ------------------------------------------------------------------- bounds checked before reading

def _filled_template(plan) -> bytes:
    """The real template of 市中区 2023 Q3 (indicators.spreadsheets.write_template), filled with GOOD."""
    from districts.models import District
    from indicators.entry import selectors as entry_reads
    from indicators.figures.formatting import quarter_label

    district = District.objects.get(code="shizhong")
    content = spreadsheets.write_template(district_code="shizhong", district_name=district.name, year=2023,
                                          quarter=3, rows=entry_reads.form_rows(plan, district, 2023, 3),
                                          quarter_label=quarter_label)
    wb = load_workbook(io.BytesIO(content))
    ws = wb[spreadsheets.SHEET]
    by_number = {number: (value, num, den) for number, value, num, den in GOOD}
    for row in ws.iter_rows(min_row=5):
        value, num, den = by_number[row[3].value]
        row[7].value, row[8].value, row[9].value = (float(value) if value else None, int(num) if num else None,
                                                    int(den) if den else None)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _with_cell(content: bytes, coordinate: str, *, sheet=spreadsheets.SHEET) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
    ws[coordinate] = "x"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rewrite_sheet_xml(content: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through change(bytes) → bytes."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, change(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


def _memory_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def _parse_real(plan, content: bytes, name="a.xlsx"):
    from districts.models import District
    from indicators.entry import validation

    return spreadsheets.parse_upload(content, name, district_code="shizhong", year=2023, quarter=3,
                                     indicators=validation.form_indicators(plan, District.objects.get(code="shizhong"), 3))


@pytest.mark.django_db
def test_a_cell_at_xfd200_is_refused_before_any_cell_is_read(plan):
    """One cell at XFD200 declares a 16,384-column sheet: reading it would build 3.3 million cells. Refused from
    the declared range in well under a second, without the process's memory growing."""
    import time

    good = _filled_template(plan)
    assert _parse_real(plan, good).ok  # a normal filled template still parses
    bomb = _with_cell(good, "XFD200")
    assert len(bomb) < 20_000
    try:  # reset the peak resident size (VmHWM) to the current one, so the peak of the parse itself is measured
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        peak_field = "VmHWM"
    except OSError:
        peak_field = "VmRSS"
    before = _memory_kb("VmRSS")
    started = time.perf_counter()
    result = _parse_real(plan, bomb)
    elapsed = time.perf_counter() - started
    grown_mb = (_memory_kb(peak_field) - before) / 1024
    assert elapsed < 1.0, elapsed
    assert grown_mb < 50, grown_mb
    assert not result.rows
    (message,) = result.file_errors
    assert message.startswith("工作表「填报」的使用范围为 A1:XFD200，超出模板的大小（最多 500 行、50 列）")
    assert "请删除多余的单元格，或使用下载的模板" in message


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["range declared too small", "no range declared", "far row, range too small"])
def test_a_sheet_that_misstates_its_range_is_still_bounded_row_by_row(plan, case):
    import time

    good = _filled_template(plan)
    coordinate = "BZ20" if case != "far row, range too small" else "A100000"
    bomb = _with_cell(good, coordinate)
    if case == "no range declared":
        bomb = _rewrite_sheet_xml(bomb, lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    else:
        bomb = _rewrite_sheet_xml(bomb, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:M18"', xml))
    started = time.perf_counter()
    result = _parse_real(plan, bomb)
    assert time.perf_counter() - started < 2.0
    assert not result.rows
    (message,) = result.file_errors
    assert "超出模板的大小" in message and "请删除多余的单元格" in message


@pytest.mark.django_db
def test_another_sheet_too_large_is_refused_by_name(plan, staff):
    bomb = _with_cell(_filled_template(plan), "A600", sheet="说明 notes")
    page = upload(staff, bomb, "a.xlsx").content.decode()
    assert "工作表「说明 notes」的使用范围为 A600:A600" in page and 'name="confirm"' not in page
    assert not Observation.objects.exists()


def test_a_workbook_unpacking_beyond_five_megabytes_is_refused():
    result = _parse(_with_big_entry(xlsx(table())), "a.xlsx")
    assert spreadsheets.MAX_UNZIPPED_BYTES == 5 * 1024 * 1024
    assert result.file_errors and "解压后过大（超过 5 MB）" in result.file_errors[0]
    buffer = io.BytesIO(xlsx(table()))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (6 * 1024 * 1024))
    assert "解压后过大" in _parse(buffer.getvalue(), "a.xlsx").file_errors[0]
