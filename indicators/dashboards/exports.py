"""Downloads people can open and use: the progress rows of an indicator or a district as CSV, and the annual review
as xlsx.

Headers in the page's language; numbers rounded as the pages show them (values to the indicator's decimals,
percentages to one decimal), empty where there is none; statuses and lights in words; times in the site's time zone
(2026-12-02 14:05). A text cell that a spreadsheet would read as a formula (= + - @, tab, carriage return) is
escaped with a leading apostrophe; numbers are never touched.
"""
from __future__ import annotations

import csv
import io

import pandas as pd
from django.http import HttpResponse
from django.utils.translation import gettext as _

from indicators.dashboards import charts, verdicts
from indicators.dashboards import selectors as dashboard
from indicators.figures import formatting
from indicators.figures.selectors import name_in_language


def safe_text(value) -> str:
    """A text cell as a spreadsheet will show it, never run (formatting.csv_safe: '=HYPERLINK(…) → \'=HYPERLINK(…))."""
    return formatting.csv_safe("" if value is None else str(value))


def _number(value, decimals: int) -> str:
    v = charts._num(value)
    return "" if v is None else f"{formatting.rounded(v, decimals):.{decimals}f}"


def _percent(fraction) -> str:
    v = charts._num(fraction)
    return "" if v is None else formatting.percent(v, 1)


def progress_columns() -> list[tuple[str, str, bool]]:
    """(key, header, is text) of the progress CSV, in the page's language."""
    return [
        ("number", _("序号"), False), ("name", _("指标"), True), ("district", _("县（市、区）"), True),
        ("year", _("年份"), False), ("quarter", _("季度"), False), ("period", _("期别"), True),
        ("unit", _("单位"), True), ("value", _("填报值"), False), ("quarter_value", _("当季值"), False),
        ("annual_value", _("评估值"), False), ("provisional", _("全年暂估"), True),
        ("figure", _("数据性质"), True), ("baseline_year", _("基期年"), False),
        ("baseline_value", _("基期值"), False), ("baseline_source", _("基期值来源"), True),
        ("target_value", _("目标值"), False), ("target_text", _("目标（按规划原文）"), True),
        ("completion", _("完成进度"), False),
        ("time_share", _("时间进度"), False), ("cagr_actual", _("实际年均增速"), False),
        ("cagr_required", _("目标所需年均增速"), False), ("status", _("状态"), True), ("light", _("灯号"), True),
        ("final", _("与目标差距"), True), ("projection", _("预计目标年"), False),
        ("still_needed", _("尚需年均增速"), False), ("reason", _("说明"), True), ("computed_at", _("计算时间"), True),
    ]


def _figure_kind(row: dict, published: set[int]) -> str:
    """演示, 公布 (a published version of the city's figure) or 审核 (approved district figures)."""
    if row.get("demo"):
        return _("演示")
    return _("公布") if any(v in published for v in dashboard.version_ids(row.get("inputs"))) else _("审核")


def _baseline_source(row: dict, ind: dict | None = None) -> str:
    """Where the baseline came from; the plan's own as the plan prints it (规划（约30%）), since the number column
    cannot say 约."""
    source = row.get("baseline_source")
    if source == "plan" and ind and charts._num(ind.get("baseline_value")) is not None:
        printed = formatting.as_printed(ind["baseline_value"], ind.get("unit") or "", ind.get("baseline_text") or "")
        return _("规划（%(printed)s）") % {"printed": printed}
    return {"plan": _("规划"), "demo": _("演示"), "observed": _("基期年数据")}.get(source, "")


def progress_rows(frame: pd.DataFrame, indicators: dict, names: dict, *, rows: pd.DataFrame | None = None,
                  demo_ids: set[int] | None = None, published: set[int] | None = None) -> list[list[str]]:
    """The header and one line per progress row (frame: progress rows with inputs; indicators: id -> record;
    published: the ids of published versions)."""
    published = published or set()
    columns = progress_columns()
    words = dashboard.with_verdicts(frame, indicators, rows=rows if rows is not None else frame, demo_ids=demo_ids)
    out = [[header for _key, header, _text in columns]]
    for r in words.sort_values(["scope", "indicator_id", "year", "quarter"]).to_dict("records"):
        ind = indicators[r["indicator_id"]]
        decimals = int(ind["decimals"])
        shows = r["show_projection"]
        cells = {
            "number": str(ind["number"]), "name": ind["name"], "unit": formatting.unit_text(ind["unit"]),
            "district": name_in_language(names.get(r["scope"], _("全市") if r["scope"] == "city" else r["scope"])),
            "year": str(int(r["year"])), "quarter": str(int(r["quarter"])),
            "period": dashboard.period_label(r["year"], r["quarter"]),
            "value": _number(r["value"], decimals), "quarter_value": _number(r["quarter_value"], decimals),
            "annual_value": _number(r["annual_value"], decimals),
            "provisional": _("是") if r["is_provisional"] else _("否"), "figure": _figure_kind(r, published),
            "baseline_year": "" if charts._num(r["baseline_year"]) is None else str(int(r["baseline_year"])),
            "baseline_value": _number(r["baseline_value"], decimals), "baseline_source": _baseline_source(r, ind),
            "target_value": _number(r["target_value"], decimals),
            # the number column cannot say 左右 or 约: the target as the plan prints it (8%左右), a district's as written
            "target_text": "" if charts._num(r["target_value"]) is None else formatting.target_shown(
                r["target_value"], ind.get("unit") or "", decimals, kind=ind.get("target_kind") or "",
                plan_value=ind.get("target_value"), plan_text=ind.get("target_text") or ""),
            "completion": _percent(r["completion_shown"]), "time_share": _percent(r["time_share"]),
            "cagr_actual": _percent(r["cagr_actual"]), "cagr_required": _percent(r["cagr_required"]),
            "status": r["status_label"], "light": charts.light_word(verdicts.light_of(r["status"])),
            "final": r["final_text"], "projection": _number(r["projection"], verdicts.apart_decimals(r["projection"], r["target_value"], decimals))
            if shows else "",
            "still_needed": _percent(r["still_needed"]) if shows else "",
            "reason": r["reason_text"], "computed_at": formatting.local_time(r.get("computed_at")),
        }
        out.append([safe_text(cells[key]) if is_text else cells[key] for key, _header, is_text in columns])
    return out


def csv_response(filename: str, lines: list[list[str]]) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 Chinese text correctly with a BOM
    csv.writer(buffer).writerows(lines)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def review_workbook(context: dict, plan, year: int):
    """The annual review as an xlsx workbook: the indicator table (printable, A4 landscape) and the district lights."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = safe_text(_("%(y)s年评估") % {"y": year})[:31]
    computed = formatting.local_time(context.get("last_recompute"))
    ws.append([safe_text(_("%(plan)s · %(y)s年度评估 · 截至 %(as_of)s") % {
        "plan": name_in_language(plan.name), "y": year, "as_of": context["as_of_label"]}
        + (" · " + _("进度计算于") + " " + computed if computed else ""))])
    ws.append([])
    header = [_("序号"), _("指标"), _("单位"), _("基期值"), _("%(y)s年预测值（目标）") % {"y": plan.end_year},
              _("期别"), _("实际值"), _("数据性质"), _("完成进度"), _("时间进度"), _("灯号"), _("状态"),
              _("与目标差距"), _("预计目标年"), _("尚需年均增速"), _("预警"), _("说明")]
    ws.append(header)
    fills = {"green": "1A7F37", "yellow": "8A6100", "red": "B42318"}
    for r in context["rows"]:
        figure = (_("演示") if r.get("demo") else _("公布") if r.get("source") else "") if r.get("has_data") else ""
        ws.append([r["number"]] + [safe_text(v) for v in (
            r["name"], formatting.unit_text(r["unit"]), r["baseline_value_text"], formatting.printed(r["target_text"]),
            r["period_label"], r["value_text"],
            figure, r["completion_text"], r["time_share_text"], r["light_badge"], r["status_label"], r["final_text"],
            r["projection_text"], r["still_needed_text"], "；".join(r["warnings"]),
            r["reason_text"] if r["show_reason"] else "")])
        light = verdicts.light_of(r.get("status")) if r.get("has_data") else None
        if light in fills:
            cell = ws.cell(row=ws.max_row, column=11)
            cell.fill = PatternFill("solid", fgColor=fills[light])
            cell.font = Font(color="FFFFFF", bold=True)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    widths = [6, 30, 8, 22, 14, 16, 16, 8, 10, 10, 10, 10, 24, 16, 12, 30, 24]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    heat = wb.create_sheet(safe_text(_("区县灯号"))[:31])
    score = context["scorecard"]
    numbers = sorted(score["indicator_number"].unique()) if len(score) else []
    heat.append([_("排名"), _("县（市、区）")] + [str(n) for n in numbers])
    for _code, group in score.groupby("district_code", sort=False):
        cells = {n: (light, label) for n, light, label in
                 zip(group["indicator_number"], group["light"], group["status_label"])}
        first = group.iloc[0]
        heat.append([int(first["rank"]), safe_text(name_in_language(first["district_name"]))]
                    + [safe_text(f"{charts.light_badge(cells[n][0])} {cells[n][1]}") if n in cells else ""
                       for n in numbers])
    tasks = context.get("tasks")
    if tasks:
        sheet = wb.create_sheet(safe_text(_("重点任务"))[:31])
        sheet.append([safe_text(tasks["label"] + (": " if formatting.english() else "：") + tasks["sentence"])])
        sheet.append([_("序号"), _("任务"), _("牵头单位"), _("配合单位"), _("进展"), _("审核状态")])
        for row in tasks["rows"]:
            sheet.append([row.task.number, safe_text(row.task.title), safe_text(row.lead), safe_text("、".join(
                row.supporting)), safe_text(row.status_text),
                safe_text(row.report.get_state_display() if row.report else "")])
        for letter, width in zip("ABCDEF", (6, 30, 16, 30, 12, 10)):
            sheet.column_dimensions[letter].width = width
    return wb
