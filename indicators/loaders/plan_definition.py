"""A plan as an .xlsx an administrator fills in: the next five-year plan is new data, not new code (DESIGN.md).

``write_template(plan=None)`` writes the workbook (empty, or filled with a plan: the export), with the sheets
规划, 目标领域, 指标, 区县目标, 项目, 区县, 空间布局 and an instructions sheet (columns:
indicators/loaders/definition_sheets.py). ``parse_definition(content)`` reads a whole workbook — bounded in
size, rows and columns before anything is read — and returns ``(definition, problems)``: every problem named by
sheet, row and column, in Chinese. ``plan_definition_import(definition=…, user=…)`` stores a definition without
problems as a draft plan in one transaction: all of it or nothing.

An empty 区县 sheet carries the previous plan's districts over (and, with an empty 空间布局, its spatial layout);
an indicator may continue an indicator of the previous plan, and take its baseline ("沿用上期") from that
indicator's final approved figure: the city's figure of the previous plan's last year.
"""
from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from districts.models import District, Membership, Plan, SpatialArea
from indicators.loaders import definition_sheets as S
from indicators.models import (
    DistrictTarget,
    Indicator,
    Observation,
    Pillar,
    Progress,
    Submission,
)
from projects.models import Project, Task

logger = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024
MAX_SHEETS = 20
MAX_ROWS = 3000
MAX_COLUMNS = 60
YEARS = (1949, 2100)
SUM_MEASURES = ("flow", "stock")
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
REQUIRED_FILL = PatternFill("solid", fgColor="FFF7D6")


class PlanDefinitionError(Exception):
    """The definition cannot be stored; ``problems`` say why. Nothing was stored."""

    def __init__(self, problems):
        self.problems = [p if isinstance(p, S.Problem) else S.Problem(str(p)) for p in problems]
        super().__init__("；".join(str(p) for p in self.problems))


@dataclass
class Definition:
    """A workbook as read: the plan, its rows per sheet (for the preview) and what the import stores."""

    plan: dict = field(default_factory=dict)
    previous_code: str | None = None
    pillars: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    district_targets: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    districts: list[dict] = field(default_factory=list)
    areas: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    districts_carried: bool = False
    areas_carried: bool = False
    rows: dict[str, list[S.Row]] = field(default_factory=dict)
    problems: list[S.Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ reading

def _open(content: bytes, problems: list):
    if not content:
        problems.append(S.Problem(_("文件为空。")))
        return None
    if len(content) > MAX_BYTES:
        problems.append(S.Problem(_("文件过大（最大 %(mb)s MB）。") % {"mb": MAX_BYTES // (1024 * 1024)}))
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        problems.append(S.Problem(_("文件不是有效的 xlsx 工作簿，请使用下载的模板。")))
        return None
    if unzipped > MAX_UNZIPPED_BYTES:
        problems.append(S.Problem(_("工作簿解压后过大（超过 %(mb)s MB）。") % {"mb": MAX_UNZIPPED_BYTES // (1024 * 1024)}))
        return None
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for damaged files; the person needs one clear message
        problems.append(S.Problem(_("无法读取该 xlsx 文件（文件可能已损坏）。")))
        return None
    if len(wb.sheetnames) > MAX_SHEETS:
        problems.append(S.Problem(_("工作表过多（最多 %(n)s 个）。") % {"n": MAX_SHEETS}))
        wb.close()
        return None
    return wb


def _cells(wb, name: str, problems: list) -> list[tuple[int, list]] | None:
    """The rows of a sheet (line, [(value, is_formula)…]) with content, bounded; None (and a problem) when too big."""
    ws = wb[name]
    too_big = S.Problem(_("工作表过大（最多 %(rows)s 行、%(cols)s 列）。") % {"rows": MAX_ROWS, "cols": MAX_COLUMNS},
                        name)
    if (ws.max_row or 0) > MAX_ROWS or (ws.max_column or 0) > MAX_COLUMNS:
        problems.append(too_big)
        return None
    lines = []
    for number, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS + 1), start=1):
        if number > MAX_ROWS or len(row) > MAX_COLUMNS and row[MAX_COLUMNS].value is not None:
            problems.append(too_big)
            return None
        cells = [(c.value, getattr(c, "data_type", None) == "f") for c in row[:MAX_COLUMNS]]
        if any(v is not None and str(v).strip() for v, _f in cells):
            lines.append((number, cells))
    return lines


def _table(wb, sheet: str, cols: list[S.Col], problems: list) -> list[S.Row]:
    """A table sheet's data rows, each cell read for its column; header problems make it empty."""
    if sheet not in wb.sheetnames:
        return []
    lines = _cells(wb, sheet, problems)
    if not lines:
        return []
    header_line, header = lines[0]
    at = {}
    for i, (value, _f) in enumerate(header):
        code = S.header_code(value, cols)
        if code and code not in at:
            at[code] = i
    missing = [c.header for c in cols if c.required and c.code not in at]
    if missing:
        problems.append(S.Problem(_("第%(row)s行表头缺少列：%(cols)s") % {"row": header_line, "cols": "、".join(missing)},
                                  sheet))
        return []
    rows = []
    for line, cells in lines[1:]:
        row = S.Row(sheet, line, letters={code: get_column_letter(i + 1) for code, i in at.items()})
        for col in cols:
            value, formula = cells[at[col.code]] if col.code in at and at[col.code] < len(cells) else (None, False)
            row.shown[col.code] = S.shown(value)
            if formula:
                row.problem(_("单元格含有公式，请复制后“粘贴为数值”"), col.code, cols)
                continue
            try:
                row.values[col.code] = S.read_cell(value, col)
            except ValueError as exc:
                row.problem(str(exc), col.code, cols)
                continue
            if col.required and row.values[col.code] in (None, ""):
                row.problem(_("必填，不能为空"), col.code, cols)
        rows.append(row)
    return rows


def _plan_rows(wb, problems: list) -> list[S.Row]:
    """The 规划 sheet: one field a row (label in column A, value in B)."""
    if S.PLAN not in wb.sheetnames:
        problems.append(S.Problem(_("缺少工作表「%(sheet)s」，请使用下载的模板。") % {"sheet": S.PLAN}))
        return []
    rows, seen = [], set()
    for line, cells in _cells(wb, S.PLAN, problems) or []:
        code = S.header_code(cells[0][0], S.PLAN_ROWS) if cells else None
        if code is None or code in seen:
            continue
        seen.add(code)
        col = next(c for c in S.PLAN_ROWS if c.code == code)
        value, formula = cells[1] if len(cells) > 1 else (None, False)
        row = S.Row(S.PLAN, line, letters={code: "B"})
        row.shown = {"field": col.label, "value": S.shown(value)}
        if formula:
            row.problem(_("单元格含有公式，请复制后“粘贴为数值”"), code, S.PLAN_ROWS)
        else:
            try:
                row.values[code] = S.read_cell(value, col)
            except ValueError as exc:
                row.problem(str(exc), code, S.PLAN_ROWS)
            if col.required and row.values.get(code) in (None, ""):
                row.problem(_("必填，不能为空"), code, S.PLAN_ROWS)
        rows.append(row)
    for col in S.PLAN_ROWS:
        if col.required and col.code not in seen:
            problems.append(S.Problem(_("缺少字段「%(field)s」") % {"field": col.header}, S.PLAN))
    return rows


def _duplicates(rows: list[S.Row], key, code: str, cols, what: str) -> None:
    first: dict = {}
    for row in rows:
        k = key(row.values)
        if k is None or any(part in (None, "") for part in (k if isinstance(k, tuple) else (k,))):
            continue
        if k in first:
            row.problem(_("%(what)s与第%(line)s行重复") % {"what": what, "line": first[k]}, code, cols)
        else:
            first[k] = row.line


def _model_check(row: S.Row, obj, cols, exclude) -> None:
    """Lengths and formats the model enforces, named by column (empty cells are checked before, once)."""
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as exc:
        named = {p.column for p in row.problems}
        for name, messages in exc.message_dict.items():
            if getattr(obj, name, None) is None or row.column(name, cols) in named:
                continue
            row.problem(" ".join(messages), name if any(c.code == name for c in cols) else None, cols)


# ------------------------------------------------------------------------------------------ checks

def _check_plan(rows: list[S.Row], d: Definition) -> None:
    v = {code: value for row in rows for code, value in row.values.items()}
    at = {code: row for row in rows for code in row.values}
    p = d.plan = {"code": v.get("code") or "", "name": v.get("name") or "", "start_year": v.get("start_year"),
                  "end_year": v.get("end_year"), "base_year": v.get("base_year"), "issuer": v.get("issuer") or "",
                  "source": v.get("source") or "", "is_example": bool(v.get("is_example"))}
    p["target_year"] = v.get("target_year") or p["end_year"]

    def bad(code, message):
        if code in at:
            at[code].problem(message, code, S.PLAN_ROWS)

    if p["code"] and not S.SLUG.match(p["code"]):
        bad("code", _("只能使用字母、数字、连字符和下划线"))
    for code in ("start_year", "end_year", "base_year", "target_year"):
        if p[code] is not None and not YEARS[0] <= p[code] <= YEARS[1]:
            bad(code, _("年份应在 %(a)s—%(b)s 之间") % {"a": YEARS[0], "b": YEARS[1]})
    start, end, base, target = p["start_year"], p["end_year"], p["base_year"], p["target_year"]
    if start and end and end < start:
        bad("end_year", _("终止年份（%(end)s）早于起始年份（%(start)s）") % {"end": end, "start": start})
    if start and base and base >= start:
        bad("base_year", _("基期年份（%(base)s）应早于规划起始年份（%(start)s）") % {"base": base, "start": start})
    if target and base and target < base:
        bad("target_year", _("目标年份（%(target)s）早于基期年份（%(base)s）") % {"target": target, "base": base})
    elif target and start and end and not start <= target <= end:
        bad("target_year", _("目标年份（%(target)s）不在规划期 %(start)s—%(end)s 内") % {"target": target, "start": start,
                                                                                  "end": end})
    try:
        Plan(**{k: x for k, x in p.items() if k != "target_year"}).clean_fields(exclude=["previous", "status"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if p.get(name) not in (None, "") and name in at and not at[name].problems:
                bad(name, " ".join(messages))
    existing = Plan.objects.filter(code=p["code"]).first() if p["code"] else None
    if existing is not None and existing.status != Plan.Status.DRAFT:
        bad("code", _("规划代码已被“%(name)s”使用（%(status)s），请换一个代码") % {
            "name": existing.name, "status": existing.get_status_display()})
    previous = (v.get("previous") or "").strip()
    if previous in S.NOT_GIVEN_WORDS:
        d.previous_code = None
    elif previous:
        found = Plan.objects.filter(code=previous).exclude(code=p["code"]).first()
        if found is None:
            bad("previous", _("没有代码为“%(code)s”的规划") % {"code": previous})
        elif start and found.start_year >= start:
            bad("previous", _("上一规划（%(start)s年起）不早于本规划") % {"start": found.start_year})
        else:
            d.previous_code = found.code
    elif start:
        found = (Plan.objects.exclude(status=Plan.Status.DRAFT).exclude(code=p["code"])
                 .filter(end_year__lt=start).order_by("-end_year", "-id").first())
        d.previous_code = found.code if found else None


def _carry_districts(d: Definition, previous: Plan | None, problems: list) -> None:
    if d.districts:
        return
    if previous is None:
        problems.append(S.Problem(_("工作表为空，且没有可沿用的上一规划：请填写区县"), S.DISTRICTS))
        return
    d.districts_carried = True
    d.districts = list(District.objects.filter(plan=previous).order_by("order").values(
        "code", "name", "name_en", "adcode", "order", "is_administrative", "function_positioning",
        "development_focus"))
    d.notes.append(_("「区县」为空：沿用“%(plan)s”的 %(n)s 个区县") % {"plan": previous.name, "n": len(d.districts)})


def _check_districts(rows: list[S.Row], d: Definition) -> None:
    cols = S.DISTRICT_COLS
    _duplicates(rows, lambda v: v.get("code"), "code", cols, _("区县代码"))
    _duplicates(rows, lambda v: v.get("name"), "name", cols, _("区县名称"))
    for i, row in enumerate(rows, start=1):
        v = row.values
        if v.get("code") and not S.SLUG.match(v["code"]):
            row.problem(_("只能使用字母、数字、连字符和下划线"), "code", cols)
        adcode = v.get("adcode") or ""
        if adcode and not re.fullmatch(r"\d{6}", adcode):
            row.problem(_("应为 6 位数字，或留空"), "adcode", cols)
        entry = {"code": v.get("code") or "", "name": v.get("name") or "", "name_en": v.get("name_en") or "",
                 "adcode": adcode, "order": v.get("order") if v.get("order") is not None else i,
                 "is_administrative": v["is_administrative"] if v.get("is_administrative") is not None
                 else bool(adcode),
                 "function_positioning": v.get("function_positioning") or "",
                 "development_focus": v.get("development_focus") or ""}
        _model_check(row, District(**entry), cols, ["plan"])
        d.districts.append(entry)


def _check_pillars(rows: list[S.Row], indicator_rows: list[S.Row], d: Definition) -> dict[str, str]:
    """Pillars from their sheet, or from the names in the indicators' pillar column. Returns name/code → code."""
    cols = S.PILLAR_COLS
    _duplicates(rows, lambda v: v.get("code"), "code", cols, _("领域代码"))
    _duplicates(rows, lambda v: v.get("name"), "name", cols, _("领域名称"))
    for i, row in enumerate(rows, start=1):
        v = row.values
        if v.get("code") and not S.SLUG.match(v["code"]):
            row.problem(_("只能使用字母、数字、连字符和下划线"), "code", cols)
        entry = {"code": v.get("code") or "", "name": v.get("name") or "",
                 "order": v.get("order") if v.get("order") is not None else i, "description": v.get("description") or ""}
        _model_check(row, Pillar(**entry), cols, ["plan"])
        d.pillars.append(entry)
    if not rows:
        for row in indicator_rows:
            name = row.values.get("pillar")
            if name and name not in {p["name"] for p in d.pillars}:
                d.pillars.append({"code": f"p{len(d.pillars) + 1}", "name": name, "order": len(d.pillars) + 1,
                                  "description": ""})
    return {**{p["name"]: p["code"] for p in d.pillars}, **{p["code"]: p["code"] for p in d.pillars}}


def _short_name(plan: Plan) -> str:
    match = re.search(r"“([^”]+)”", plan.name)
    return f"{match.group(1)}规划" if match else plan.name


def _final_figure(old: Indicator, previous: Plan) -> tuple[Decimal, bool] | None:
    """The city's approved figure of the previous plan's last year (its fourth quarter, as the progress rows hold
    it) and whether demo figures went into it; None when there is none."""
    value = (Progress.objects.filter(indicator=old, scope="city", basis=Progress.Basis.LATEST,
                                     year=previous.end_year, quarter=4).values_list("value", flat=True).first())
    if value is None:
        return None
    demo = Observation.objects.filter(indicator=old, year=previous.end_year, is_demo=True).exists()
    exact = Decimal(repr(value)).quantize(Decimal("0.000001")).normalize()
    return (exact.quantize(Decimal(1)) if exact.as_tuple().exponent > 0 else exact), demo


def _target_text(kind, value, unit) -> str:
    if kind == "qualitative" or value is None:
        return "完成省下达目标任务"
    number = f"{S.plain(value)}{unit}"
    return {"about": f"{number}左右", "more_than": f"＞{number}"}.get(kind, number)


def _check_indicators(rows: list[S.Row], pillars: dict, previous: Plan | None, d: Definition) -> None:
    cols, p = S.INDICATOR_COLS, d.plan
    _duplicates(rows, lambda v: v.get("number"), "number", cols, _("指标序号"))
    old = {i.number: i for i in Indicator.objects.filter(plan=previous)} if previous else {}
    demo_baselines: list[str] = []
    for row in rows:
        v, bad = row.values, (lambda message, code, row=row: row.problem(message, code, cols))
        measure, kind, unit = v.get("measure"), v.get("target_kind"), v.get("unit") or ""
        target, baseline = v.get("target_value"), v.get("baseline_value")
        if v.get("pillar") and v["pillar"] not in pillars:
            bad(_("未知的目标领域“%(p)s”（应为「目标领域」表中的代码或名称）") % {"p": v["pillar"]}, "pillar")
        if kind == "qualitative" and target is not None:
            bad(_("定性目标（完成省下达目标任务）不填目标值"), "target_value")
        elif kind and kind != "qualitative" and target is None and row.column("target_value", cols) not in {
                pr.column for pr in row.problems}:
            bad(_("必填，不能为空（定性目标除外）"), "target_value")
        share = measure == "share" and unit in ("%", "％")
        if share and target is not None and not 0 <= target <= 100:
            bad(_("比重指标的目标值应在 0—100%% 之间，而不是 %(v)s%%") % {"v": S.plain(target)}, "target_value")
        if share and isinstance(baseline, Decimal) and not 0 <= baseline <= 100:
            bad(_("比重指标的基期值应在 0—100%% 之间，而不是 %(v)s%%") % {"v": S.plain(baseline)}, "baseline_value")
        tolerance = v.get("tolerance")
        if tolerance is not None and not 0 < tolerance < 1:
            bad(_("容差是目标值的比例，应大于 0 小于 1（如 0.05）"), "tolerance")
        baseline_year = v.get("baseline_year") or (p["base_year"] if baseline is not None else None)
        target_year = v.get("target_year") or p.get("target_year")
        base_for_target = v.get("baseline_year") or p["base_year"]
        if target_year and base_for_target and target_year < base_for_target:
            bad(_("目标年份（%(t)s）早于基期年份（%(b)s）") % {"t": target_year, "b": base_for_target}, "target_year")
        elif target_year and p["start_year"] and p["end_year"] and not p["start_year"] <= target_year <= p["end_year"]:
            bad(_("目标年份（%(t)s）不在规划期 %(a)s—%(b)s 内") % {"t": target_year, "a": p["start_year"],
                                                          "b": p["end_year"]}, "target_year")
        if v.get("baseline_year") and p["start_year"] and v["baseline_year"] >= p["start_year"]:
            bad(_("基期值年份（%(b)s）应早于规划起始年份（%(s)s）") % {"b": v["baseline_year"], "s": p["start_year"]},
                "baseline_year")
        continues = None
        if v.get("continues") is not None:
            continues = old.get(v["continues"])
            if previous is None:
                bad(_("没有上一规划可接续（见「规划」表“上一规划代码”）"), "continues")
            elif continues is None:
                bad(_("上一规划“%(plan)s”没有序号为 %(n)s 的指标") % {"plan": previous.name, "n": v["continues"]},
                    "continues")
            elif measure and (continues.measure != measure or continues.unit != unit):
                bad(_("与所接续的上期指标“%(name)s”（%(measure)s，%(unit)s）口径不一致") % {
                    "name": continues.name, "measure": continues.measure, "unit": continues.unit}, "continues")
                continues = None
        baseline_text = v.get("baseline_text") or ""
        if baseline == "carry":
            baseline = None
            if measure in ("rate", "qualitative"):
                bad(_("增速和定性指标不能沿用上期期末数作基期值"), "baseline_value")
            elif continues is None:
                if v.get("continues") is None:
                    bad(_("“沿用上期”须在「延续上期指标序号」列注明所接续的上期指标"), "baseline_value")
            else:
                final = _final_figure(continues, previous)
                if final is None:
                    bad(_("上一规划“%(plan)s”尚无指标“%(name)s”%(year)s年的审核数，不能沿用上期；请填写基期值或“未给出”") % {
                        "plan": previous.name, "name": continues.name, "year": previous.end_year}, "baseline_value")
                else:
                    baseline, demo = final
                    baseline_year = previous.end_year
                    baseline_text = _("沿用上期：%(plan)s期末（%(year)s年）审核数") % {
                        "plan": _short_name(previous), "year": previous.end_year} + (_("（演示数据）") if demo else "")
                    row.shown["baseline_value"] = f"{S.plain(baseline)}（{row.shown['baseline_value']}）"
                    if demo:
                        demo_baselines.append(str(v.get("number")))
        if not baseline_text:
            baseline_text = "未给出" if baseline is None else f"{baseline_year}年{S.plain(baseline)}{unit}"
        decimals = v.get("decimals")
        if decimals is None:
            decimals = 0 if unit in S.COUNT_UNITS else 2
        elif not 0 <= decimals <= 6:
            bad(_("应在 0—6 之间"), "decimals")
        entry = {
            "number": v.get("number"), "pillar": pillars.get(v.get("pillar")), "name": v.get("name") or "",
            "name_en": v.get("name_en") or "", "unit": unit, "measure": measure,
            "higher_is_better": v.get("direction") != "lower", "target_year": target_year,
            "target_value": target, "target_text": v.get("target_text") or _target_text(kind, target, unit),
            "target_kind": kind, "tolerance": tolerance, "baseline_year": baseline_year,
            "baseline_value": baseline if isinstance(baseline, Decimal) else None, "baseline_text": baseline_text,
            "by_district": v.get("entry_level") != "city", "quarterly": v.get("frequency") != "annual",
            "decimals": decimals, "note": v.get("note") or "",
            "continues_id": continues.pk if continues else None}
        model = {k: val for k, val in entry.items() if k not in ("pillar", "continues_id")}
        _model_check(row, Indicator(**model), cols, ["plan", "pillar", "continues", "measure", "target_kind"])
        d.indicators.append(entry)
    if demo_baselines:
        d.notes.append(_("指标%(numbers)s的基期值沿用上期期末数，其中含演示数据（基期原文已注明）") % {
            "numbers": "、".join(demo_baselines)})


def _check_targets(rows: list[S.Row], d: Definition, district_codes: set) -> None:
    cols = S.TARGET_COLS
    indicators = {i["number"]: i for i in d.indicators if i["number"] is not None}
    _duplicates(rows, lambda v: (v.get("indicator"), v.get("district")), "district", cols, _("该指标的区县目标"))
    groups: dict[int, list[S.Row]] = {}
    for row in rows:
        v = row.values
        ind = indicators.get(v.get("indicator"))
        if v.get("indicator") is not None and ind is None:
            row.problem(_("「指标」表中没有序号为 %(n)s 的指标") % {"n": v["indicator"]}, "indicator", cols)
        elif ind is not None and not ind["by_district"]:
            row.problem(_("指标%(n)s为全市填报，不分解到区县") % {"n": v["indicator"]}, "indicator", cols)
        if v.get("district") and v["district"] not in district_codes:
            row.problem(_("未知的区县代码“%(c)s”") % {"c": v["district"]}, "district", cols)
        value = v.get("target_value")
        if ind is not None and value is not None and ind["measure"] == "share" and ind["unit"] in ("%", "％") \
                and not 0 <= value <= 100:
            row.problem(_("比重指标的目标值应在 0—100%% 之间，而不是 %(v)s%%") % {"v": S.plain(value)}, "target_value",
                        cols)
        if ind is not None and value is not None:
            groups.setdefault(ind["number"], []).append(row)
        d.district_targets.append({"indicator": v.get("indicator"), "district": v.get("district"),
                                   "target_value": value, "source": v.get("source") or ""})
    for number, group in groups.items():
        ind = indicators[number]
        if ind["measure"] not in SUM_MEASURES or ind["target_value"] is None:
            continue
        total = sum(r.values["target_value"] for r in group)
        if total > ind["target_value"] * (1 + Decimal("1e-9")):
            group[0].problem(_("指标%(n)s为加总型指标，各区县目标之和 %(sum)s%(unit)s（第%(lines)s行）超过全市目标 "
                               "%(city)s%(unit)s") % {
                "n": number, "sum": S.plain(total), "unit": ind["unit"], "city": S.plain(ind["target_value"]),
                "lines": "、".join(str(r.line) for r in group)}, "target_value", cols)


def _check_projects(rows: list[S.Row], d: Definition, district_codes: set) -> None:
    cols = S.PROJECT_COLS
    _duplicates(rows, lambda v: (v.get("kind"), v.get("number")), "number", cols, _("同类项目的序号"))
    for row in rows:
        v = row.values
        unknown = [c for c in v.get("districts") or [] if c not in district_codes]
        if unknown:
            row.problem(_("未知的区县代码：%(c)s") % {"c": "、".join(unknown)}, "districts", cols)
        for code in ("planned_investment", "completed_investment"):
            if v.get(code) is not None and v[code] < 0:
                row.problem(_("不能为负数"), code, cols)
        entry = {k: v.get(k) or "" for k in ("kind", "name", "category", "positioning", "leading_industries",
                                              "supporting_industries", "remark", "region_text",
                                              "source_text")}
        entry.update(number=v.get("number"), status=v.get("status") or Project.Status.NOT_GIVEN,
                     planned_investment=v.get("planned_investment"),
                     completed_investment=v.get("completed_investment"))
        _model_check(row, Project(**entry), cols, ["plan", "kind", "status"])
        d.projects.append({**entry, "districts": list(dict.fromkeys(v.get("districts") or []))})


def _check_areas(rows: list[S.Row], d: Definition, district_codes: set, previous: Plan | None) -> None:
    cols = S.AREA_COLS
    if not rows:
        if previous is not None and d.districts_carried:
            d.areas_carried = True
            for area in SpatialArea.objects.filter(plan=previous).order_by("order").select_related("parent") \
                    .prefetch_related("districts"):
                d.areas.append({"code": area.code, "kind": area.kind, "name": area.name, "order": area.order,
                                "parent": area.parent.code if area.parent else None,
                                "description": area.description, "districts_note": area.districts_note,
                                "districts": [x.code for x in area.districts.all() if x.code in district_codes]})
            if d.areas:
                d.notes.append(_("「空间布局」为空：沿用“%(plan)s”的空间布局") % {"plan": previous.name})
        return
    _duplicates(rows, lambda v: v.get("code"), "code", cols, _("布局代码"))
    before = set()
    for i, row in enumerate(rows, start=1):
        v = row.values
        if v.get("parent") and v["parent"] not in before:
            row.problem(_("上级布局“%(p)s”须列在本行之前") % {"p": v["parent"]}, "parent", cols)
        unknown = [c for c in v.get("districts") or [] if c not in district_codes]
        if unknown:
            row.problem(_("未知的区县代码：%(c)s") % {"c": "、".join(unknown)}, "districts", cols)
        entry = {"code": v.get("code") or "", "kind": v.get("kind") or "", "name": v.get("name") or "",
                 "order": v.get("order") if v.get("order") is not None else i, "parent": v.get("parent") or None,
                 "description": v.get("description") or "", "districts_note": v.get("districts_note") or ""}
        _model_check(row, SpatialArea(**{k: x for k, x in entry.items() if k != "parent"}), cols, ["plan", "kind"])
        d.areas.append({**entry, "districts": list(dict.fromkeys(v.get("districts") or []))})
        before.add(entry["code"])


def _check_tasks(rows: list[S.Row], d: Definition) -> None:
    cols = S.TASK_COLS
    _duplicates(rows, lambda v: v.get("number"), "number", cols, _("任务序号"))
    for row in rows:
        v = row.values
        entry = {"number": v.get("number"), "chapter": v.get("chapter"), "section": v.get("section"),
                 **{k: v.get(k) or "" for k in ("chapter_title", "section_title", "subsection", "title", "text")}}
        _model_check(row, Task(**entry), cols, ["plan", "lead_department", "lead_district"])
        d.tasks.append(entry)


def parse_definition(content: bytes) -> tuple[Definition, list[S.Problem]]:
    """Read and check a whole plan-definition workbook. Nothing is stored; the problems (empty when it can be
    imported) name sheet, row and column. Reads the database only for what the definition refers to (the previous
    plan, its districts, indicators and final figures, the plan code)."""
    d = Definition()
    problems = d.problems
    wb = _open(content, problems)
    if wb is None:
        return d, problems
    try:
        plan_rows = _plan_rows(wb, problems)
        if S.INDICATORS not in wb.sheetnames:
            problems.append(S.Problem(_("缺少工作表「%(sheet)s」，请使用下载的模板。") % {"sheet": S.INDICATORS}))
        tables = {sheet: _table(wb, sheet, cols, problems) for sheet, cols in S.TABLES.items()}
    finally:
        wb.close()
    d.rows = {S.PLAN: plan_rows, **tables}
    _check_plan(plan_rows, d)
    previous = Plan.objects.filter(code=d.previous_code).first() if d.previous_code else None
    _check_districts(tables[S.DISTRICTS], d)
    _carry_districts(d, previous, problems)
    codes = {x["code"] for x in d.districts}
    pillars = _check_pillars(tables[S.PILLARS], tables[S.INDICATORS], d)
    _check_indicators(tables[S.INDICATORS], pillars, previous, d)
    if not tables[S.INDICATORS] and S.INDICATORS in wb.sheetnames:
        problems.append(S.Problem(_("没有任何指标"), S.INDICATORS))
    _check_targets(tables[S.TARGETS], d, codes)
    _check_projects(tables[S.PROJECTS], d, codes)
    _check_areas(tables[S.AREAS], d, codes, previous)
    _check_tasks(tables[S.TASKS], d)
    problems.extend(p for rows in d.rows.values() for row in rows for p in row.problems)
    return d, problems


# ------------------------------------------------------------------------------------------ storing

def _saved(obj, where: str):
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise PlanDefinitionError([S.Problem(f"{where}：{'；'.join(exc.messages)}")]) from None
    obj.save()
    return obj


def _replaceable(existing: Plan) -> None:
    """A draft may be replaced by a corrected definition, unless something already hangs off it."""
    used = (existing.status != Plan.Status.DRAFT
            or Submission.objects.filter(plan=existing).exists()
            or Observation.objects.filter(indicator__plan=existing).exists()
            or Membership.objects.filter(district__plan=existing).exists())
    if used:
        raise PlanDefinitionError([S.Problem(_("规划代码“%(code)s”已被使用，且已有数据或账号关联，不能替换") % {
            "code": existing.code}, S.PLAN)])


@transaction.atomic
def plan_definition_import(*, definition: Definition, user=None) -> Plan:
    """Store a checked definition as a draft plan (replacing a draft of the same code that nothing hangs off):
    plan, districts, spatial layout, pillars, indicators, district targets and projects, in one transaction.
    Raises PlanDefinitionError (nothing stored) when the definition has problems."""
    if definition.problems:
        raise PlanDefinitionError(definition.problems)
    p = definition.plan
    existing = Plan.objects.select_for_update().filter(code=p["code"]).first()
    if existing is not None:
        _replaceable(existing)
        Indicator.objects.filter(plan=existing).delete()  # before the plan: an indicator protects its pillar
        existing.delete()
    previous = Plan.objects.get(code=definition.previous_code) if definition.previous_code else None
    plan = _saved(Plan(code=p["code"], name=p["name"], start_year=p["start_year"], end_year=p["end_year"],
                       base_year=p["base_year"], issuer=p["issuer"], source=p["source"], is_example=p["is_example"],
                       previous=previous, status=Plan.Status.DRAFT), S.PLAN)
    districts = {x["code"]: _saved(District(plan=plan, **x), S.DISTRICTS) for x in definition.districts}
    areas: dict[str, SpatialArea] = {}
    for a in definition.areas:
        fields = {k: v for k, v in a.items() if k not in ("parent", "districts")}
        area = _saved(SpatialArea(plan=plan, parent=areas.get(a["parent"]), **fields), S.AREAS)
        area.districts.set([districts[c] for c in a["districts"]])
        areas[a["code"]] = area
    pillars = {x["code"]: _saved(Pillar(plan=plan, **x), S.PILLARS) for x in definition.pillars}
    indicators = {}
    for x in definition.indicators:
        fields = {k: v for k, v in x.items() if k != "pillar"}
        indicators[x["number"]] = _saved(Indicator(plan=plan, pillar=pillars[x["pillar"]], **fields), S.INDICATORS)
    for t in definition.district_targets:
        _saved(DistrictTarget(indicator=indicators[t["indicator"]], district=districts[t["district"]],
                              target_value=t["target_value"], source=t["source"]), S.TARGETS)
    for x in definition.projects:
        project = _saved(Project(plan=plan, **{k: v for k, v in x.items() if k != "districts"}), S.PROJECTS)
        project.districts.set([districts[c] for c in x["districts"]])
    for x in definition.tasks:
        _saved(Task(plan=plan, **x), S.TASKS)
    logger.info("plan definition imported: plan=%s indicators=%d districts=%d user=%s", plan.code, len(indicators),
                len(districts), getattr(user, "username", None))
    return plan


# ------------------------------------------------------------------------------------------ writing

def _put(cell, value) -> None:
    """Numbers as numbers (text when a double would round them); text always as text, never a formula."""
    if isinstance(value, Decimal):
        value = value.normalize()
        if len(value.as_tuple().digits) <= 15:
            cell.value = value
            cell.number_format = "General"
            return
        value = S.plain(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _sheet(wb, title: str, cols: list[S.Col], rows: list[dict]) -> None:
    ws = wb.create_sheet(title)
    for i, col in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font, cell.fill = Font(bold=True), REQUIRED_FILL if col.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(i)].width = col.width
        if col.choices:
            letter = get_column_letter(i)
            check = DataValidation(type="list", formula1='"' + ",".join(c for c, _w in col.choices) + '"',
                                   allow_blank=True, showErrorMessage=False)
            check.add(f"{letter}2:{letter}{max(len(rows) + 200, 500)}")
            ws.add_data_validation(check)
    for r, row in enumerate(rows, start=2):
        for i, col in enumerate(cols, start=1):
            _put(ws.cell(row=r, column=i), row.get(col.code))
    ws.freeze_panes = "A2"


def _readme(wb, exported_from: str) -> None:
    ws = wb.active
    ws.title = S.README
    lines = [_("规划定义模板（乐山市现代服务业发展规划目标进度跟踪系统）"),
             _("填写后在“规划管理 → 上传规划定义”上传，或运行 manage.py load_plan_definition 文件名。"),
             _("先预览：每一处问题都标明工作表、行和列；全部改正后才会导入，导入的规划为草稿，管理员核对后“施行”。"),
             _("表头“*”为必填列；可选值写代码（如 flow），也可写括号中的中文。不要改动表头，不要使用公式。")]
    if exported_from:
        lines.append(_("本文件导出自：%(plan)s") % {"plan": exported_from})
    for text in lines:
        ws.append([text])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append([_("工作表"), _("列"), _("字段代码"), _("必填"), _("可选值"), _("说明")])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for sheet, cols in [(S.PLAN, S.PLAN_ROWS), *S.TABLES.items()]:
        ws.append([sheet, S.SHEET_NOTES[sheet]])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        for col in cols:
            ws.append(["", col.label, col.code, _("是") if col.required else "", col.allowed(), col.help])
    for letter, width in zip("ABCDEF", (10, 18, 20, 6, 48, 60)):
        ws.column_dimensions[letter].width = width


def _plan_values(plan: Plan) -> dict:
    return {"code": plan.code, "name": plan.name, "start_year": plan.start_year, "end_year": plan.end_year,
            "base_year": plan.base_year, "target_year": plan.end_year, "issuer": plan.issuer,
            "source": plan.source, "previous": plan.previous.code if plan.previous_id else "",
            "is_example": "是" if plan.is_example else "否"}


def _indicator_rows(plan: Plan) -> list[dict]:
    out = []
    for i in Indicator.objects.filter(plan=plan).select_related("pillar", "continues").order_by("number"):
        out.append({
            "number": i.number, "name": i.name, "name_en": i.name_en, "unit": i.unit, "measure": i.measure,
            "direction": "higher" if i.higher_is_better else "lower", "target_kind": i.target_kind,
            "target_value": i.target_value, "target_text": i.target_text, "tolerance": i.tolerance,
            "target_year": i.target_year,
            "baseline_value": i.baseline_value if i.baseline_value is not None else "未给出",
            "baseline_year": i.baseline_year, "baseline_text": i.baseline_text, "pillar": i.pillar.code,
            "entry_level": "district" if i.by_district else "city",
            "frequency": "quarterly" if i.quarterly else "annual", "decimals": i.decimals,
            "continues": i.continues.number if i.continues_id else None, "note": i.note})
    return out


def write_workbook(*, plan: dict, pillars=(), indicators=(), targets=(), projects=(), districts=(), areas=(),
                   tasks=(), exported_from: str = "") -> bytes:
    """The plan-definition workbook with these rows (dicts keyed by field code, as the sheets' columns)."""
    wb = Workbook()
    _readme(wb, exported_from)
    plan_sheet = wb.create_sheet(S.PLAN)
    plan_sheet.append([_("字段"), _("值"), _("说明")])
    for cell in plan_sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for col in S.PLAN_ROWS:
        plan_sheet.append([col.header, None, col.help or col.allowed()])
        _put(plan_sheet.cell(row=plan_sheet.max_row, column=2), plan.get(col.code))
    for letter, width in zip("ABC", (24, 44, 60)):
        plan_sheet.column_dimensions[letter].width = width
    for sheet, rows in ((S.PILLARS, pillars), (S.INDICATORS, indicators), (S.TARGETS, targets),
                        (S.PROJECTS, projects), (S.DISTRICTS, districts), (S.AREAS, areas), (S.TASKS, tasks)):
        _sheet(wb, sheet, S.TABLES[sheet], list(rows))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_template(plan: Plan | None = None) -> bytes:
    """The plan-definition workbook: empty (the 区县 sheet left empty carries the previous plan's districts over),
    or filled with ``plan`` — which parse_definition reads back as the same plan."""
    if plan is None:
        return write_workbook(plan={})
    return write_workbook(
        plan=_plan_values(plan), exported_from=f"{plan.name}（{plan.code}）",
        pillars=Pillar.objects.filter(plan=plan).order_by("order").values("code", "name", "order", "description"),
        indicators=_indicator_rows(plan),
        targets=[{"indicator": t.indicator.number, "district": t.district.code, "target_value": t.target_value,
                  "source": t.source}
                 for t in DistrictTarget.objects.filter(indicator__plan=plan, is_demo=False)
                 .select_related("indicator", "district").order_by("indicator__number", "district__order")],
        projects=[{**{c.code: getattr(p, c.code) for c in S.PROJECT_COLS if c.code != "districts"},
                   "districts": "、".join(d.code for d in sorted(p.districts.all(), key=lambda d: d.order))}
                  for p in Project.objects.filter(plan=plan).prefetch_related("districts").order_by("kind", "number")],
        districts=[{**x, "is_administrative": "是" if x["is_administrative"] else "否"}
                   for x in District.objects.filter(plan=plan).order_by("order")
                   .values(*[c.code for c in S.DISTRICT_COLS])],
        areas=[{"code": a.code, "kind": a.kind, "name": a.name, "parent": a.parent.code if a.parent else None,
                "order": a.order,
                "districts": "、".join(d.code for d in sorted(a.districts.all(), key=lambda d: d.order)),
                "districts_note": a.districts_note, "description": a.description}
               for a in SpatialArea.objects.filter(plan=plan).select_related("parent")
               .prefetch_related("districts").order_by("order")],
        tasks=Task.objects.filter(plan=plan).order_by("number").values(*[c.code for c in S.TASK_COLS]))
