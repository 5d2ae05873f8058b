"""The register's quarterly 通报 as an .xlsx an official can print (pure: a frame in, bytes out).

Sheet names and headers in the page's language; numbers rounded as the page shows them (revenue and taxes to two
decimals, people to whole numbers), the unit in the header; names of districts in the page's language.
"""
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from indicators.figures.formatting import csv_safe, rounded
from indicators.figures.selectors import name_in_language


def summary_headers() -> list[str]:
    return [_("企业数（家）"), _("营业收入（亿元）"), _("从业人员（人）"), _("纳税（万元）")]


def _number(x, decimals: int):
    """A figure rounded as the page shows it (half up), or empty."""
    if x is None or x != x:
        return None
    value = rounded(x, decimals)
    return int(value) if decimals == 0 else float(value)


def _figures(row) -> list:
    return [_number(row["revenue"], 2), _number(row["employees"], 0), _number(row["taxes"], 2)]


def _formats(ws, first_column: int) -> None:
    """Two decimals for revenue and taxes, whole people: Excel shows what the page shows."""
    for row in ws.iter_rows(min_row=3):
        for offset, fmt in enumerate(("#,##0.00", "#,##0", "#,##0.00")):
            cell = row[first_column + offset] if len(row) > first_column + offset else None
            if cell is not None and isinstance(cell.value, (int, float)):
                cell.number_format = fmt


def register_bulletin_xlsx(data: dict, *, title: str) -> bytes:
    wb = Workbook()
    for sheet_index, (key, label, first) in enumerate((("by_sector", _("按赛道"), _("赛道")),
                                                       ("by_district", _("按县（市、区）"), _("县（市、区）")))):
        ws = wb.active if sheet_index == 0 else wb.create_sheet()
        ws.title = label[:31]
        ws.append([csv_safe(_("%(title)s（含演示数据）") % {"title": title} if data["has_demo"] else title)])
        ws["A1"].font = Font(bold=True)
        ws.append([first, *summary_headers()])
        column = "sector" if key == "by_sector" else "district"
        for row in data[key].to_dict("records"):
            ws.append([csv_safe(name_in_language(str(row[column]))), int(row["enterprises"]), *_figures(row)])
        _formats(ws, 2)
    ws = wb.create_sheet(_("企业明细")[:31])
    ws.append([_("企业"), _("赛道"), _("县（市、区）"), _("营业收入（亿元）"), _("从业人员（人）"), _("纳税（万元）"),
               _("演示")])
    for row in data["figures"].to_dict("records"):
        ws.append([csv_safe(row["name"]), csv_safe(name_in_language(str(row["sector"]))),
                   csv_safe(name_in_language(str(row["district"]))), *_figures(row),
                   _("演示") if row["is_demo"] else ""])
    _formats(ws, 3)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
