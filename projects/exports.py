"""The register's quarterly 通报 as an .xlsx an official can print (pure: a frame in, bytes out)."""
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from indicators.figures.formatting import csv_safe

SUMMARY_HEADERS = ["企业数（家）", "营业收入（亿元）", "从业人员（人）", "纳税（万元）"]


def _number(x):
    return None if x is None or x != x else float(x)


def register_bulletin_xlsx(data: dict, *, title: str) -> bytes:
    wb = Workbook()
    for sheet_index, (key, label, first) in enumerate((("by_sector", "按赛道", "赛道"),
                                                       ("by_district", "按县（市、区）", "县（市、区）"))):
        ws = wb.active if sheet_index == 0 else wb.create_sheet()
        ws.title = label
        ws.append([csv_safe(title + (" （含演示数据）" if data["has_demo"] else ""))])
        ws["A1"].font = Font(bold=True)
        ws.append([first, *SUMMARY_HEADERS])
        column = "sector" if key == "by_sector" else "district"
        for row in data[key].to_dict("records"):
            ws.append([csv_safe(str(row[column])), int(row["enterprises"]), _number(row["revenue"]),
                       _number(row["employees"]), _number(row["taxes"])])
    ws = wb.create_sheet("企业明细")
    ws.append(["企业", "赛道", "县（市、区）", "营业收入（亿元）", "从业人员（人）", "纳税（万元）", "演示"])
    for row in data["figures"].to_dict("records"):
        ws.append([csv_safe(row["name"]), csv_safe(str(row["sector"])), csv_safe(str(row["district"])),
                   _number(row["revenue"]), _number(row["employees"]), _number(row["taxes"]),
                   "演示" if row["is_demo"] else ""])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
