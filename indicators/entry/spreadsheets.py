"""Excel and CSV: the filled entry template, the upload parser and the export of approved figures.

The parser is pure (bytes in, rows and errors out): it names the row number and the column of every error,
and refuses, with a clear message, wrong sheets, missing columns, merged cells, formulas, rows of another
district or quarter, unknown or duplicate indicators, and files that are too large or have too many rows.
"""
from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from indicators.figures.formatting import (  # noqa: F401
    FORMULA_START,
    csv_safe,
    in_language,
    safe_row,
    unit_text,
)
from indicators.figures.parsing import MAX_DECIMALS, ParseError, parse_number
from indicators.models import Indicator, Measure

# The sheet and its columns are written in the page's language, one language at a time; an upload is read whatever
# the language of its headers, and the bilingual headers of the templates handed out before are still accepted.
SHEET, SHEET_EN, SHEET_LEGACY = "填报", "Entry", "填报 entry"
SHEETS = (SHEET, SHEET_EN, SHEET_LEGACY)
MAX_BYTES = 1024 * 1024
# Bounds of a workbook, from the template's shape (13 columns; a title, a header and one row per indicator):
# generous, but small enough that no upload can make the server build millions of cells.
MAX_UNZIPPED_BYTES = 5 * 1024 * 1024
MAX_COLUMNS = 50
MAX_SHEET_ROWS = 500
MAX_ROWS = 200
HEADER_SEARCH_ROWS = 10
# key, Chinese header, English header, header of the bilingual templates before
COLUMNS = [
    ("district", "地区代码", "District code", "地区代码 district"), ("year", "年份", "Year", "年份 year"),
    ("quarter", "季度", "Quarter", "季度 quarter"), ("indicator", "指标序号", "Indicator No.", "指标序号 indicator"),
    ("name", "指标", "Indicator name", "指标 name"), ("unit", "单位", "Unit", "单位 unit"),
    ("convention", "口径", "Convention", "口径 convention"), ("value", "数值", "Value", "数值 value"),
    ("numerator", "分子", "Numerator", "分子 numerator"), ("denominator", "分母", "Denominator", "分母 denominator"),
    ("comment", "备注", "Comment", "备注 comment"),
    ("previous", "上一季度", "Previous quarter", "上一季度 previous quarter"),
    ("last_year", "上年同期", "Same quarter last year", "上年同期 same quarter last year"),
]
REQUIRED = ("district", "year", "quarter", "indicator", "value", "numerator", "denominator", "comment")
INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_HEADER_TEXTS = {text.lower(): key for key, zh, en, legacy in COLUMNS
                 for text in (key, zh, en, legacy, legacy.split(" ", 1)[1])}


def header(key: str) -> str:
    """A column's header in the page's language: 数值 / Value."""
    _key, zh, en, _legacy = next(c for c in COLUMNS if c[0] == key)
    return in_language(zh, en)


def headers() -> list[str]:
    """The template's header row in the page's language."""
    return [in_language(zh, en) for _key, zh, en, _legacy in COLUMNS]


def sheet_name() -> str:
    return in_language(SHEET, SHEET_EN)


def _header_key(text) -> str | None:
    """The column a header cell names, in Chinese, in English or as the bilingual header of the old templates."""
    if not isinstance(text, str):
        return None
    return _HEADER_TEXTS.get(" ".join(text.split()).lower())


# ------------------------------------------------------------------------------------------ writing

def _text(cell, value) -> None:
    """Write user text as text: openpyxl would turn "=…" into a formula (and Excel would run it once the cell is
    edited), so it is also escaped as in a CSV (csv_safe)."""
    value = csv_safe(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def write_template(*, district_code: str, district_name: str, year: int, quarter: int, rows, quarter_label) -> bytes:
    """The quarter's form as an xlsx in the page's language (sheet, headers, names, units): one row per indicator
    with what is stored and the comparison figures."""
    from indicators.entry.forms import plain
    from indicators.figures.selectors import display_name

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name()
    ws["A1"] = _("%(district)s %(quarter)s 规划指标填报表") % {
        "district": district_name, "quarter": quarter_label(year, quarter)}
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = _("只填写黄色的「数值」（比重填「分子」「分母」）和「备注」列；不要改动其他列，不要合并单元格，不要使用公式。")
    header_row = 4
    for col, text in enumerate(headers(), start=1):
        cell = ws.cell(row=header_row, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, row in enumerate(rows, start=1):
        ind = row.indicator
        r = header_row + offset
        stored = row.stored
        share = ind.measure == Measure.SHARE
        values = {
            "district": district_code, "year": year, "quarter": quarter, "indicator": ind.number,
            "name": display_name(ind), "unit": unit_text(ind.unit), "convention": row.convention,
            "value": "" if share or stored is None else plain(stored.value),
            "numerator": plain(stored.numerator) if share and stored else "",
            "denominator": plain(stored.denominator) if share and stored else "",
            "comment": row.comment,  # an earlier comment is not offered again (form_rows)
            "previous": plain(row.previous.value) if row.previous and row.previous.value is not None else "",
            "last_year": plain(row.last_year.value) if row.last_year and row.last_year.value is not None else "",
        }
        for col, (key, *_texts) in enumerate(COLUMNS, start=1):
            value = values[key]
            cell = ws.cell(row=r, column=col)
            if key in ("value", "numerator", "denominator", "previous", "last_year") and value != "":
                cell.value = Decimal(value)
                cell.number_format = "#,##0.######"
            else:
                _text(cell, value if value != "" else None)
            if key in (("numerator", "denominator", "comment") if share else ("value", "comment")):
                cell.fill = INPUT_FILL
    widths = {"name": 30, "convention": 36, "comment": 30}
    for col, (key, *_texts) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(key, 14)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _unescape(text: str) -> str:
    """The inverse of csv_safe for text read back from an upload (a comment written into the template)."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_START else text


def write_figures_csv(rows: list[dict], columns) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for _key, header in columns])
    for row in rows:
        writer.writerow(["" if row.get(key) is None else csv_safe(row.get(key)) if not isinstance(
            row.get(key), Decimal) else plain_decimal(row.get(key)) for key, _header in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Chinese correctly


def plain_decimal(value: Decimal) -> str:
    from indicators.entry.forms import plain

    return plain(value)


def write_figures_xlsx(rows: list[dict], columns, *, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = in_language("已审核数据", "Approved figures")
    for col, (_key, header) in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for r, row in enumerate(rows, start=2):
        for col, (key, _header) in enumerate(columns, start=1):
            value = row.get(key)
            cell = ws.cell(row=r, column=col)
            if isinstance(value, Decimal):
                cell.value = value
                cell.number_format = "#,##0.######"
            else:
                _text(cell, value)
    ws.freeze_panes = "A2"
    wb.properties.title = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------ reading

@dataclass
class UploadRow:
    line: int
    number: int | None
    indicator_id: int | None
    name: str
    values: dict = field(default_factory=dict)
    shown: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class UploadResult:
    rows: list[UploadRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    def values(self) -> dict[int, dict]:
        return {r.indicator_id: r.values for r in self.rows if r.indicator_id is not None}

    def error_count(self) -> int:
        return len(self.file_errors) + sum(len(r.errors) for r in self.rows)


def _row_prefix(line: int) -> str:
    return _("第%(n)s行：") % {"n": line}


EXCEL_DIGITS = 15  # significant digits Excel keeps of a number; the rest of a double is binary noise


def _excel_number(value):
    """A numeric xlsx cell as the number Excel shows, rounded to the entry precision; other values unchanged.

    Excel stores numbers as doubles, so a sum or a pasted result reads back as 296.66999999999996: the double is
    rounded to Excel's 15 significant digits (296.670000000000) and then to 6 decimals (296.67), instead of
    being refused as "at most 6 decimals".
    """
    if not isinstance(value, float) or not math.isfinite(value) or abs(value) >= 1e15:
        return value  # NaN, infinity and huge numbers: parse_number refuses them as they are
    number = Decimal(repr(value))
    if not number:
        return Decimal(0)
    noise_from = number.adjusted() - (EXCEL_DIGITS - 1)
    if number.as_tuple().exponent < noise_from:
        number = number.quantize(Decimal(1).scaleb(noise_from), rounding=ROUND_HALF_EVEN)
    if number.as_tuple().exponent < -MAX_DECIMALS:
        number = number.quantize(Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_HALF_UP)
    return number


def _cell_text(value) -> str:
    if value is None:
        return ""
    value = _excel_number(value)
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return str(value)


def _read_xlsx(content: bytes, result: UploadResult) -> list[tuple[int, list]] | None:
    """The entry sheet's rows, or None with the reason in result.file_errors.

    Everything that bounds the work is checked before a cell is read: the archive's unpacked size, then (the
    workbook opened read-only, which parses no cell) every sheet's declared range against the template's shape.
    The entry sheet is then streamed with the same bounds enforced row by row, since a file may declare no
    range or a wrong one.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        result.file_errors.append(_("文件不是有效的 xlsx 工作簿（可另存为 .xlsx 或 .csv 后重试）。"))
        return None
    if unzipped > MAX_UNZIPPED_BYTES:
        result.file_errors.append(_("工作簿解压后过大（超过 %(mb)s MB）。") % {"mb": MAX_UNZIPPED_BYTES // (1024 * 1024)})
        return None
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for damaged files; the person needs one clear message
        result.file_errors.append(_("无法读取该 xlsx 文件（文件可能已损坏）。"))
        return None
    try:
        return _read_entry_sheet(wb, archive, result)
    except (KeyError, ValueError, TypeError, OSError, SyntaxError, zipfile.BadZipFile):  # a damaged sheet part
        result.file_errors.append(_("无法读取该 xlsx 文件（文件可能已损坏）。"))
        return None
    finally:
        wb.close()


def _too_big_sheet(title: str, dimension: str) -> str:
    return _("工作表「%(sheet)s」的使用范围为 %(range)s，超出模板的大小（最多 %(rows)s 行、%(cols)s 列）；请删除多余的单元格，或使用下载的模板。") % {
        "sheet": title, "range": dimension, "rows": MAX_SHEET_ROWS, "cols": MAX_COLUMNS}


def _read_entry_sheet(wb, archive: zipfile.ZipFile, result: UploadResult) -> list[tuple[int, list]] | None:
    found = [name for name in wb.sheetnames if name.strip() in SHEETS]
    if not found:
        result.file_errors.append(_("找不到工作表「%(sheet)s」（文件中的工作表：%(found)s）；请使用下载的模板。") % {
            "sheet": sheet_name(), "found": "、".join(wb.sheetnames)})
        return None
    for sheet in wb.worksheets:  # declared ranges only: read-only mode has parsed no cell yet
        rows, columns = sheet.max_row, sheet.max_column
        if (rows or 0) > MAX_SHEET_ROWS or (columns or 0) > MAX_COLUMNS:
            declared = sheet.calculate_dimension() if rows and columns else f"{rows or '?'} × {columns or '?'}"
            result.file_errors.append(_too_big_sheet(sheet.title, declared))
            return None
    ws = wb[found[0]]
    if (ws.max_row or 0) > HEADER_SEARCH_ROWS + MAX_ROWS:
        result.file_errors.append(_too_many_rows())
        return None
    merged = _merged_ranges(archive, ws)
    if merged:
        result.file_errors.append(_("工作表中有合并单元格（%(ranges)s），请取消合并。") % {"ranges": ", ".join(merged[:5])})
        return None
    ws.reset_dimensions()  # stream every row the file holds, not only the declared range
    lines = []
    formulas = []
    for number, row in enumerate(ws.iter_rows(), start=1):
        if number > MAX_SHEET_ROWS or len(row) > MAX_COLUMNS:
            result.file_errors.append(_too_big_sheet(ws.title, f"A1:{get_column_letter(max(len(row), 1))}{number}"))
            return None
        if number > HEADER_SEARCH_ROWS + MAX_ROWS:
            if any(cell.value is not None for cell in row):
                result.file_errors.append(_too_many_rows())
                return None
            continue  # empty rows kept by a spreadsheet program below the table
        cells = []
        for cell in row:
            if cell.data_type == "f":
                formulas.append(cell.coordinate)
            cells.append(cell.value)
        lines.append((number, cells))
    if formulas:
        result.file_errors.append(_("单元格 %(cells)s 含有公式，请复制后“粘贴为数值”。") % {"cells": ", ".join(formulas[:8])})
        return None
    return lines


_MERGE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=[\"']([^\"']{1,30})[\"']")


def _merged_ranges(archive: zipfile.ZipFile, ws) -> list[str]:
    """The merged ranges of a read-only sheet, read from its XML part (read-only mode does not parse them).

    The part's unpacked size is already bounded (MAX_UNZIPPED_BYTES)."""
    path = getattr(ws, "_worksheet_path", None)  # openpyxl 3.1: the sheet's part in the archive
    names = [path] if path else [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
    ranges = []
    for name in names:
        ranges += [m.decode("ascii", "replace") for m in _MERGE_CELL.findall(archive.read(name.lstrip("/")))]
    return ranges


def _too_many_rows() -> str:
    return _("行数过多（最多 %(n)s 行数据）。") % {"n": MAX_ROWS}


def _read_csv(content: bytes, result: UploadResult) -> list[tuple[int, list]] | None:
    if b"\x00" in content:
        result.file_errors.append(_("文件不是文本格式的 CSV。"))
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        result.file_errors.append(_("无法识别文件编码（请保存为 UTF-8 或 GBK 编码的 CSV）。"))
        return None
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        lines = []
        for number, cells in enumerate(reader, start=1):
            if number > HEADER_SEARCH_ROWS + MAX_ROWS:
                result.file_errors.append(_too_many_rows())
                return None
            lines.append((number, cells))
    except csv.Error as exc:
        result.file_errors.append(_("CSV 格式错误：%(e)s。") % {"e": exc})
        return None
    return lines


def parse_upload(content: bytes, filename: str, *, district_code: str, year: int, quarter: int,
                 indicators: list[Indicator]) -> UploadResult:
    """Read an uploaded template (xlsx or csv) for one district (or "city") and quarter.

    indicators: the form's indicators. Returns every data row with its values and its errors; file-level
    errors (size, sheet, columns, merged cells, formulas …) mean no row is read.
    """
    result = UploadResult()
    if len(content) > MAX_BYTES:
        result.file_errors.append(_("文件过大（最大 %(kb)s KB）。") % {
            "kb": MAX_BYTES // 1024})
        return result
    if not content:
        result.file_errors.append(_("文件为空。"))
        return result
    name = (filename or "").lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        lines = _read_xlsx(content, result)
    elif name.endswith(".csv") or name.endswith(".txt"):
        lines = _read_csv(content, result)
    else:
        result.file_errors.append(_("只接受 .xlsx 或 .csv 文件。"))
        return result
    if lines is None:
        return result

    header_at, columns = None, {}
    for number, cells in lines[:HEADER_SEARCH_ROWS]:
        keys = {_header_key(c): i for i, c in reversed(list(enumerate(cells))) if _header_key(c)}
        if "indicator" in keys:
            header_at, columns = number, keys
            break
    if header_at is None:
        result.file_errors.append(_("找不到表头（应含「指标序号」等列）；请使用下载的模板。"))
        return result
    missing = [header(k) for k in REQUIRED if k not in columns]
    if missing:
        result.file_errors.append(_("缺少列：%(cols)s。") % {"cols": "、".join(missing)})
        return result

    by_number = {i.number: i for i in indicators}
    seen: dict[int, int] = {}
    data_lines = [(n, cells) for n, cells in lines if n > header_at]
    if sum(1 for _n, cells in data_lines if any(_cell_text(c).strip() for c in cells)) > MAX_ROWS:
        result.file_errors.append(_too_many_rows())
        return result
    for line, cells in data_lines:
        def get(key):
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        if not any(_cell_text(c).strip() for c in cells):
            continue
        row = UploadRow(line=line, number=None, indicator_id=None, name=_cell_text(get("name")))
        row.shown = {key: _cell_text(get(key)) for key in ("indicator", "value", "numerator", "denominator", "comment")}
        result.rows.append(row)
        prefix = _row_prefix(line)
        for key in ("district", "year", "quarter", "indicator", "value", "numerator", "denominator"):
            if isinstance(get(key), (bool, datetime, date, time)):
                row.errors.append(prefix + _("「%(col)s」应为文字或数字，而不是日期或逻辑值。") % {"col": header(key)})
        if row.errors:
            continue
        code = _cell_text(get("district")).strip()
        if code != district_code:
            row.errors.append(prefix + _("地区代码为「%(got)s」，本表只接受「%(want)s」。") % {"got": code or "—", "want": district_code})
        try:
            got_period = (int(parse_number(get("year"), label="年份", label_en="year")),
                          int(parse_number(get("quarter"), label="季度", label_en="quarter")))
        except (ParseError, ValueError, ArithmeticError):
            got_period = None
        if got_period != (year, quarter):
            row.errors.append(prefix + _("年份、季度应为 %(y)s 年第 %(q)s 季度。")
                              % {"y": year, "q": quarter})
        try:
            number = parse_number(get("indicator"), label="指标序号", label_en="indicator number")
            number = int(number) if number == number.to_integral_value() else None
        except ParseError:
            number = None
        indicator = by_number.get(number) if number is not None else None
        if indicator is None:
            row.errors.append(prefix + _("指标序号「%(got)s」不在本表中（本表指标：%(list)s）。") % {
                "got": _cell_text(get("indicator")) or "—", "list": ", ".join(str(n) for n in by_number)})
            continue
        row.number, row.indicator_id, row.name = indicator.number, indicator.id, indicator.name
        if indicator.number in seen:
            row.errors.append(prefix + _("指标 %(n)s 重复（已在第 %(first)s 行）。") % {"n": indicator.number, "first": seen[indicator.number]})
            continue
        seen[indicator.number] = line
        share = indicator.measure == Measure.SHARE
        values = {"comment": _unescape(_cell_text(get("comment")).strip())}
        if len(values["comment"]) > 1000:
            row.errors.append(prefix + _("备注不能超过1000字。"))
        wanted = ("numerator", "denominator") if share else ("value",)
        unwanted = ("value",) if share else ("numerator", "denominator")
        for key in unwanted:
            if _cell_text(get(key)).strip():
                message = (_("比重指标请填写「分子」「分母」，「数值」列留空。") if share else
                           _("此指标只填「数值」，「分子」「分母」列留空。"))
                row.errors.append(prefix + message)
                break
        for key in wanted:
            raw = _excel_number(get(key))
            label = f"{indicator.number}. {indicator.name}" + ({"numerator": "（分子）", "denominator": "（分母）"}.get(key, ""))
            label_en = f"{indicator.number}. {indicator.name_en or indicator.name}" + (
                {"numerator": " (numerator)", "denominator": " (denominator)"}.get(key, ""))
            try:
                values[key] = parse_number(raw, unit="" if share else indicator.unit, label=label, label_en=label_en,
                                           required=False)
            except ParseError as exc:
                row.errors.append(prefix + exc.message)
        row.values = values
    if not result.rows and not result.file_errors:
        result.file_errors.append(_("表中没有数据行。"))
    return result
