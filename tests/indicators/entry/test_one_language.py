"""One language at a time (issue 13) in what data entry hands out and keeps: the county template is downloaded in the
page's language and read back in either language (or with the bilingual headers of the templates handed out
before); the approved-figures export has its headers and words in the page's language; the history page shows a
reason the system stored (in Chinese) in the page's language and a reason a person typed as typed."""
import csv
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from indicators.entry import services as entry
from indicators.entry import spreadsheets
from indicators.models import Indicator, Observation, Submission
from tests.conftest import approve_shizhong_2023q3

pytestmark = pytest.mark.django_db
D = Decimal
FORM = "/entry/shizhong/2023-Q3/"
UPLOAD = FORM + "upload/"
ZH_HEADERS = ["地区代码", "年份", "季度", "指标序号", "指标", "单位", "口径", "数值", "分子", "分母", "备注",
              "上一季度", "上年同期"]
EN_HEADERS = ["District code", "Year", "Quarter", "Indicator No.", "Indicator name", "Unit", "Convention", "Value",
              "Numerator", "Denominator", "Comment", "Previous quarter", "Same quarter last year"]
LEGACY_HEADERS = ["地区代码 district", "年份 year", "季度 quarter", "指标序号 indicator", "指标 name", "单位 unit",
                  "口径 convention", "数值 value", "分子 numerator", "分母 denominator", "备注 comment",
                  "上一季度 previous quarter", "上年同期 same quarter last year"]
# number: (value, numerator, denominator) of 市中区 2023 Q3
GOOD = {1: ("420.5", "", ""), 2: ("6.8", "", ""), 3: ("", "120", "400"), 4: ("", "30", "60"), 5: ("310", "", ""),
        6: ("7.1", "", ""), 7: ("550", "", ""), 8: ("60", "", ""), 9: ("", "20", "900"), 12: ("", "45", "900"),
        13: ("8", "", ""), 14: ("3", "", ""), 15: ("70", "", "")}


def client_for(user, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _template(client):
    response = client.get(FORM + "template.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _filled(wb, *, headers=None, sheet=None, bad_value=None) -> bytes:
    """The downloaded template filled with GOOD (optionally its header row, its sheet name or one value replaced)."""
    ws = wb.worksheets[0]
    if headers:
        for col, text in enumerate(headers, start=1):
            ws.cell(row=4, column=col, value=text)
    if sheet:
        ws.title = sheet
    for row in ws.iter_rows(min_row=5):
        value, num, den = GOOD[row[3].value]
        row[7].value = float(value) if value else None
        row[8].value = int(num) if num else None
        row[9].value = int(den) if den else None
    if bad_value:
        ws["H6"] = bad_value  # indicator 2's value, on row 6
        ws["H6"].data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, content: bytes) -> str:
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("t.xlsx", content)})
    assert response.status_code == 200
    return response.content.decode()


def _confirm(client, page: str):
    token = page.split('name="token" value="')[1].split('"')[0]
    return client.post(UPLOAD, {"confirm": "1", "token": token})


# ------------------------------------------------------------------------------------------ the template

def test_template_downloads_in_chinese_by_default(plan, staff_shizhong):
    wb = _template(client_for(staff_shizhong))
    assert wb.sheetnames == ["填报"]
    ws = wb["填报"]
    assert [c.value for c in ws[4]] == ZH_HEADERS
    assert ws["A1"].value == "市中区 2023年第三季度 规划指标填报表"
    first = [c.value for c in ws[5]]
    assert first[:7] == ["shizhong", 2023, 3, 1, "服务业增加值", "亿元", "1—9月累计"]


def test_template_downloads_in_english_on_an_english_page(plan, staff_shizhong):
    wb = _template(client_for(staff_shizhong, "en"))
    assert wb.sheetnames == ["Entry"]
    ws = wb["Entry"]
    assert [c.value for c in ws[4]] == EN_HEADERS
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    chinese = [t for t in texts if any("\u4e00" <= ch <= "\u9fff" for ch in t)]
    assert not chinese, chinese
    first = [c.value for c in ws[5]]
    indicator = Indicator.objects.get(plan=plan, number=1)
    assert first[:6] == ["shizhong", 2023, 3, 1, indicator.name_en, "CNY 100 million"]
    assert ws["A1"].value.startswith("Shizhong") and "Q3 2023" in ws["A1"].value


@pytest.mark.parametrize("language, headers, sheet", [
    ("zh-hans", None, None),  # the Chinese template as downloaded
    ("en", None, None),  # the English template as downloaded
    ("zh-hans", EN_HEADERS, None),  # English headers on a Chinese sheet name
    ("zh-hans", LEGACY_HEADERS, "填报 entry"),  # a template handed out before: bilingual headers and sheet name
], ids=["zh", "en", "en-headers", "legacy-bilingual"])
def test_upload_reads_either_language_and_the_old_bilingual_headers(plan, staff_shizhong, language, headers,
                                                                     sheet):
    client = client_for(staff_shizhong, language)
    page = _upload(client, _filled(_template(client), headers=headers, sheet=sheet))
    assert 'name="confirm"' in page
    assert not Observation.objects.exists()  # the preview stores nothing
    assert _confirm(client, page).status_code == 302
    stored = {o.indicator.number: o for o in Observation.objects.select_related("indicator")}
    assert len(stored) == 13 and stored[1].value == D("420.5")
    assert (stored[3].numerator, stored[3].denominator) == (D("120"), D("400"))
    assert Submission.objects.get().status == Submission.Status.DRAFT


@pytest.mark.parametrize("language, words", [
    ("zh-hans", ["第6行：", "无法识别为数字：abc"]),
    ("en", ["Row 6: ", "abc"]),
])
def test_a_bad_row_names_its_row_in_the_page_language_and_nothing_is_stored(plan, staff_shizhong, language, words):
    client = client_for(staff_shizhong, language)
    page = _upload(client, _filled(_template(client), bad_value="abc"))
    for word in words:
        assert word in page, word
    assert 'name="confirm"' not in page
    if language == "en":
        assert "第6行" not in page
    assert not Observation.objects.exists()
    # confirming anyway (a forged token) stores nothing either
    assert client.post(UPLOAD, {"confirm": "1", "token": "forged"}).status_code == 302
    assert not Observation.objects.exists() and not Submission.objects.filter(revision__gt=0).exists()


def test_every_header_in_each_language_names_its_own_column():
    """No English header of one column is the old English part of another ("indicator" was the number column)."""
    for key, zh, en, legacy in spreadsheets.COLUMNS:
        for text in (key, zh, en, legacy, legacy.split(" ", 1)[1], en.upper(), f" {zh}  "):
            assert spreadsheets._header_key(text) == key, (text, key)
    assert [spreadsheets._header_key(h) for h in ZH_HEADERS] == [spreadsheets._header_key(h) for h in EN_HEADERS]


def test_a_missing_column_is_named_in_the_page_language():
    def parse(headers, sheet="填报"):
        from openpyxl import Workbook

        wb = Workbook()
        wb.active.title = sheet
        wb.active.append(headers)
        out = io.BytesIO()
        wb.save(out)
        return spreadsheets.parse_upload(out.getvalue(), "t.xlsx", district_code="shizhong", year=2023, quarter=3,
                                         indicators=[])

    from django.utils import translation

    headers = [h for h in EN_HEADERS if h != "Value"]
    assert parse(headers).file_errors == ["缺少列：数值。"]
    with translation.override("en"):
        assert parse(headers, "Entry").file_errors == ["Missing columns: Value."]
        (message,) = parse(headers, "Sheet1").file_errors
        assert "Entry" in message and "Sheet1" in message and "填报" not in message


# ------------------------------------------------------------------------------------- approved-figures export

@pytest.fixture
def approved(plan, staff_shizhong, official):
    return approve_shizhong_2023q3(plan, staff_shizhong, official, comment="核对无误")


EXPORT_ZH = ["指标序号", "指标", "单位", "口径", "地区代码", "地区", "年份", "季度", "数值", "分子", "分母",
             "数据性质", "来源", "记录时间"]
EXPORT_EN = ["Indicator No.", "Indicator", "Unit", "Measure", "District code", "District", "Year", "Quarter", "Value",
             "Numerator", "Denominator", "Figure kind", "Source", "Recorded at"]


def _csv(response) -> list[dict]:
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [lines[0]] + [dict(zip(lines[0], line)) for line in lines[1:]]


def test_figures_csv_and_xlsx_in_chinese(plan, approved, official):
    client = client_for(official)
    header, *rows = _csv(client.get("/exports/figures.csv"))
    assert header == EXPORT_ZH
    first = next(r for r in rows if r["指标序号"] == "1")
    assert (first["指标"], first["单位"], first["口径"], first["地区"], first["数值"]) == (
        "服务业增加值", "亿元", "流量（年初至今累计）", "市中区", "420.5")
    assert first["数据性质"] == "县（市、区）填报，已审核"
    assert first["来源"].endswith("审核通过的填报数据")
    wb = load_workbook(io.BytesIO(client.get("/exports/figures.xlsx").content))
    assert wb.sheetnames == ["已审核数据"]
    assert [c.value for c in wb["已审核数据"][1]] == EXPORT_ZH


def test_figures_csv_and_xlsx_in_english(plan, approved, official):
    client = client_for(official, "en")
    header, *rows = _csv(client.get("/exports/figures.csv"))
    assert header == EXPORT_EN
    first = next(r for r in rows if r["Indicator No."] == "1")
    indicator = Indicator.objects.get(plan=plan, number=1)
    assert (first["Indicator"], first["Unit"], first["Measure"], first["Value"]) == (
        indicator.name_en, "CNY 100 million", "Flow (cumulative year to date)", "420.5")
    assert first["Figure kind"] == "Entered by a district, approved"
    assert first["Source"].startswith("figures approved by ")
    assert first["District"] == "Shizhong District"
    for row in rows:
        assert not any("\u4e00" <= ch <= "\u9fff" for value in row.values() for ch in value), row
    wb = load_workbook(io.BytesIO(client.get("/exports/figures.xlsx").content))
    assert wb.sheetnames == ["Approved figures"]
    assert [c.value for c in wb["Approved figures"][1]] == EXPORT_EN


def test_the_figures_job_makes_the_workbook_in_the_language_of_the_page_that_asked(
        plan, approved, official, django_capture_on_commit_callbacks):
    client = client_for(official, "en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/figures.xlsx/job/")
    assert response.status_code == 302
    status = client.get(response["Location"] + "status.json").json()
    assert status["state"] == "done"
    wb = load_workbook(io.BytesIO(client.get(status["download_url"]).content))
    assert [c.value for c in wb["Approved figures"][1]] == EXPORT_EN


# ------------------------------------------------------------------------------------------- history reasons

def _history(client) -> str:
    """The history table of 市中区 2023 Q3, indicator 1."""
    response = client.get(FORM + "history/1/")
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index('<table class="history-table">'):page.index("</table>")]


def test_system_reasons_are_stored_in_chinese_and_shown_in_the_page_language(plan, approved, official):
    reasons = set(approved.history.values_list("history_change_reason", flat=True))
    assert reasons == {"提交：草稿→已报送"}
    submission = approved.submission
    stored = list(submission.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert stored[-1] == "审核通过：已报送→已审核 · 核对无误"  # the official's comment, as typed
    assert not [r for r in stored if r and any(ch.isascii() and ch.isalpha() for ch in r)], stored
    zh = _history(client_for(official))
    assert "提交：草稿→已报送" in zh and "审核通过：已报送→已审核 · 核对无误" in zh
    assert "Submit" not in zh and "approved" not in zh
    en = _history(client_for(official, "en"))
    assert "Submit: draft→submitted" in en and "Approve: submitted→approved · 核对无误" in en
    assert "审核通过" not in en and "草稿" not in en


def test_reasons_stored_bilingual_before_are_shown_in_one_language(plan, approved, official):
    approved.history.update(history_change_reason="提交 submit: draft→submitted")
    assert "提交：草稿→已报送" in _history(client_for(official))
    en = _history(client_for(official, "en"))
    assert "Submit: draft→submitted" in en and "提交 submit" not in en


def test_an_administrators_revision_reason_is_translated_around_the_typed_reason(plan, approved, admin_user):
    entry.observation_revise(observation=approved, user=admin_user, values={"value": "430"}, reason="统计局核定数更正")
    record = approved.history.order_by("-history_date", "-history_id").first()
    assert record.history_change_reason == "管理员修订：420.50 亿元 → 430.00 亿元 · 原因：统计局核定数更正"
    en = _history(client_for(admin_user, "en"))
    assert ("Revised by an administrator: 420.50 CNY 100 million → 430.00 CNY 100 million · reason: 统计局核定数更正"
            in en)
