"""The sheets and columns of the plan-definition workbook (indicators/loaders/plan_definition.py), and how a cell
is read: one table, so the template, the parser and the instructions sheet can never disagree.

Every header is the Chinese label with the field code in brackets, e.g. "计量类型* [measure]" (* = required);
the parser finds a column by its code, or by its label. Choices are written as their codes (flow, at_least …);
the Chinese words listed beside each code are accepted too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.figures.parsing import ParseError, normalise, parse_number
from projects.models import Project

README, PLAN, PILLARS, INDICATORS, TARGETS, PROJECTS, DISTRICTS, AREAS, TASKS = (
    "说明", "规划", "目标领域", "指标", "区县目标", "项目", "区县", "空间布局", "任务")
NOT_GIVEN_WORDS = ("未给出", "无", "-", "—")
CARRY_WORDS = ("沿用上期", "沿用", "上期期末", "上期期末数", "carry")
COUNT_UNITS = ("户", "家", "个", "人", "座", "项")
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
HEADER_CODE = re.compile(r"\[([a-z_]+)\]\s*$")

MEASURES = (("flow", ("流量", "累计")), ("stock", ("存量", "期末数")), ("share", ("比重", "占比")),
            ("rate", ("增速", "增长率")), ("index", ("指数",)), ("qualitative", ("定性", "省下达")))
DIRECTIONS = (("higher", ("越高越好", "正向")), ("lower", ("越低越好", "逆向")))
TARGET_KINDS = (("at_least", ("不低于", "达到")), ("about", ("左右",)), ("more_than", ("超过", "大于", "＞", ">")),
                ("qualitative", ("定性", "完成省下达目标任务")))
LEVELS = (("district", ("区县", "分区县", "县（市、区）")), ("city", ("全市", "市级")))
FREQUENCIES = (("quarterly", ("季度", "按季")), ("annual", ("年度", "按年")))
YES_NO = (("是", ("yes", "y", "true", "1")), ("否", ("no", "n", "false", "0")))
PROJECT_KINDS = (("zone", ("集聚区",)), ("street", ("特色街区", "街区")), ("building", ("商务楼宇", "楼宇")),
                 ("park", ("合作园区", "园区")), ("opening", ("开放项目",)), ("platform", ("信息平台", "平台")),
                 ("text", ("文中所列项目", "文中项目")))
PROJECT_STATUSES = (("not_given", ("未载明",)), ("planned", ("规划",)), ("under_construction", ("在建",)),
                    ("upgrading", ("持续提升",)), ("completed", ("建成",)))
AREA_KINDS = (("core", ("核",)), ("core_part", ("片区",)), ("belt", ("带",)), ("area", ("片",)))
assert {c for c, _w in PROJECT_KINDS} == set(Project.Kind.values)
assert {c for c, _w in PROJECT_STATUSES} == set(Project.Status.values)


@dataclass(frozen=True)
class Col:
    """A column (or, on the 规划 sheet, a row): field code, Chinese label, how its cells are read."""

    code: str
    label: str
    kind: str = "text"  # text | int | decimal | choice | yes_no | codes | baseline
    required: bool = False
    choices: tuple = ()
    width: int = 14
    help: str = ""

    @property
    def header(self) -> str:
        return f"{self.label}{'*' if self.required else ''} [{self.code}]"

    def allowed(self) -> str:
        return "；".join(f"{code}（{'、'.join(words)}）" for code, words in self.choices)


C = Col
PLAN_ROWS = [
    C("code", "规划代码", required=True, help="小写字母、数字和连字符，如 leshan-15th-fyp-services；导入后不可重复"),
    C("name", "规划名称", required=True, width=40),
    C("start_year", "规划起始年份", "int", True), C("end_year", "规划终止年份", "int", True),
    C("base_year", "基期年份", "int", True, help="通常为起始年份的前一年"),
    C("target_year", "目标年份", "int", help="留空即终止年份；指标的目标年份留空时用此年份"),
    C("issuer", "发布机关"), C("source", "来源文件", help="规划文件名称、文号"),
    C("previous", "上一规划代码", help="留空：自动取结束年份早于本规划的最近一个规划；填“无”：不接续任何规划"),
    C("is_example", "示例规划", "yes_no", choices=YES_NO, help="是：页面标注“示例规划，非本市正式规划”"),
]
PILLAR_COLS = [
    C("code", "领域代码", required=True, help="小写字母、数字和连字符"), C("name", "领域名称", required=True, width=24),
    C("order", "顺序", "int", width=8), C("description", "原文表述", width=60),
]
INDICATOR_COLS = [
    C("number", "指标序号", "int", True, width=8), C("name", "指标名称", required=True, width=30),
    C("name_en", "英文名称", width=30), C("unit", "单位", required=True, width=8, help="亿元、%、户 …"),
    C("measure", "计量类型", "choice", True, MEASURES, 12),
    C("direction", "方向", "choice", False, DIRECTIONS, 10, "留空即越高越好"),
    C("target_kind", "目标类型", "choice", True, TARGET_KINDS, 12),
    C("target_value", "目标值", "decimal", help="定性目标（完成省下达目标任务）不填"),
    C("target_text", "目标原文", width=20, help="留空则按目标值和类型生成，如“1300亿元”“8%左右”"),
    C("tolerance", "“左右”容差", "decimal", width=10, help="目标值的比例，如 0.05；留空用系统默认值"),
    C("target_year", "目标年份", "int", width=10, help="留空即规划的目标年份"),
    C("baseline_value", "基期值", "baseline",
      help="数字；或“未给出”；或“沿用上期”：取所接续上期指标的期末（上期终止年份）审核数"),
    C("baseline_year", "基期值年份", "int", width=10, help="留空即规划基期年份"),
    C("baseline_text", "基期原文", width=30, help="留空则自动生成"),
    C("pillar", "目标领域", required=True, width=16, help="「目标领域」表中的领域代码或名称"),
    C("entry_level", "填报层级", "choice", False, LEVELS, 10, "district：区县填报、全市汇总（默认）；city：全市填报"),
    C("frequency", "填报频率", "choice", False, FREQUENCIES, 10, "留空即按季度"),
    C("decimals", "显示小数位", "int", width=8, help="留空：计数单位（户、家、个…）0 位，其余 2 位"),
    C("continues", "延续上期指标序号", "int", width=10,
      help="上一规划中统计口径相同的指标序号：历史数据跨规划接续显示"),
    C("note", "备注", width=40),
]
TARGET_COLS = [
    C("indicator", "指标序号", "int", True, width=8), C("district", "区县代码", required=True),
    C("target_value", "区县目标值", "decimal", True), C("source", "来源", width=30),
]
PROJECT_COLS = [
    C("kind", "项目类别", "choice", True, PROJECT_KINDS, 12), C("number", "表内序号", "int", True, width=8),
    C("name", "项目名称", required=True, width=30), C("category", "类别或领域"), C("positioning", "定位或主题", width=24),
    C("leading_industries", "主导产业", width=24), C("supporting_industries", "配套产业", width=24),
    C("remark", "备注"), C("region_text", "所在区域（原文）"),
    C("districts", "所在区县代码", "codes", help="多个代码以顿号或逗号分隔"),
    C("status", "状态", "choice", False, PROJECT_STATUSES, 12, "留空即未载明"),
    C("planned_investment", "计划投资（亿元）", "decimal"), C("completed_investment", "已完成投资（亿元）", "decimal"),
    C("source_text", "出处（规划原文）", width=40, help="文中所列项目：规划原句"),
]
DISTRICT_COLS = [
    C("code", "区县代码", required=True, help="小写字母、数字和连字符；沿用上期的代码，填报账号随之沿用"),
    C("name", "区县名称", required=True), C("name_en", "英文名称", width=20),
    C("adcode", "行政区划代码", width=12, help="6 位数字；非行政区（如高新区）留空"),
    C("order", "顺序", "int", width=8),
    C("is_administrative", "行政区", "yes_no", choices=YES_NO, width=8, help="留空：有行政区划代码即为“是”"),
    C("function_positioning", "功能定位", width=24), C("development_focus", "发展重点", width=40),
]
AREA_COLS = [
    C("code", "布局代码", required=True), C("kind", "布局类型", "choice", True, AREA_KINDS, 12),
    C("name", "名称", required=True, width=20), C("parent", "上级布局代码", help="须列在本行之前"),
    C("order", "顺序", "int", width=8), C("districts", "覆盖区县代码", "codes", help="多个代码以顿号或逗号分隔"),
    C("districts_note", "覆盖范围（原文）", width=24), C("description", "原文表述", width=40),
]
TASK_COLS = [
    C("number", "任务序号", "int", True, width=8, help="按规划原文顺序编号，不可重复"),
    C("chapter", "章", "int", True, width=6, help="第几章，如 3"), C("chapter_title", "章名", required=True, width=24),
    C("section", "节", "int", width=6, help="第几节；章的开篇段落留空"), C("section_title", "节名", width=24),
    C("subsection", "小标题", width=16, help="如“2.现代金融”"),
    C("title", "任务名称", required=True, width=20, help="段首的标题句（不含句号），无标题句时填所在小标题或节名"),
    C("text", "规划原文", required=True, width=80, help="整段原文，一字不改"),
]
TABLES = {PILLARS: PILLAR_COLS, INDICATORS: INDICATOR_COLS, TARGETS: TARGET_COLS, PROJECTS: PROJECT_COLS,
          DISTRICTS: DISTRICT_COLS, AREAS: AREA_COLS, TASKS: TASK_COLS}
SHEET_NOTES = {
    PLAN: "每行一个字段：在 B 列填写。",
    PILLARS: "规划“主要目标”的各个方面；留空则按「指标」表中的领域名称自动建立。",
    INDICATORS: "规划的目标指标，每行一项。",
    TARGETS: "规划分解到区县的目标（可选）。加总型指标（流量、存量）的区县目标之和不得超过全市目标。",
    PROJECTS: "规划的集聚区、街区、楼宇、园区、开放项目与信息平台（可选）。",
    DISTRICTS: "留空则沿用上一规划的区县；填写则以本表为准（可新增或撤销区县）。",
    AREAS: "空间布局（可选）；「区县」与本表均留空时沿用上一规划的空间布局。",
    TASKS: "规划的重点任务（可选）：每段一行，原文照录；牵头、配合单位导入后在“任务台账”中分配。",
}


# ------------------------------------------------------------------------------------------ problems

@dataclass
class Problem:
    """Something that keeps the definition from being stored, named by sheet, row and column (Chinese first)."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # e.g. "E列「计量类型」"

    def __str__(self) -> str:
        if self.sheet and self.row and self.column:
            return _("「%(sheet)s」第%(row)s行 %(column)s：%(message)s") % self.__dict__
        if self.sheet and self.row:
            return _("「%(sheet)s」第%(row)s行：%(message)s") % self.__dict__
        if self.sheet:
            return _("「%(sheet)s」：%(message)s") % self.__dict__
        return self.message


@dataclass
class Row:
    """A data row of a sheet as read: its line, the cells as shown, the values read and its problems."""

    sheet: str
    line: int
    shown: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    letters: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)

    def column(self, code: str, cols: list[Col]) -> str:
        label = next((c.label for c in cols if c.code == code), code)
        letter = self.letters.get(code)
        return f"{letter}列「{label}」" if letter else f"「{label}」"

    def problem(self, message: str, code: str | None = None, cols: list[Col] | None = None) -> Problem:
        found = Problem(message, self.sheet, self.line, self.column(code, cols or []) if code else "")
        self.problems.append(found)
        return found


# ------------------------------------------------------------------------------------------ cells

def plain(value) -> str:
    """A number as people write it: 1300, 890.02 (no exponent, no trailing zeros)."""
    if value is None:
        return ""
    d = value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = format(d.normalize(), "f")
    return text


def shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return plain(value)
    return str(value).strip()


def _choice(text: str, col: Col):
    key = normalise(text).lower()
    for code, words in col.choices:
        if key == code or key in (w.lower() for w in words):
            return code
    raise ValueError(_("“%(value)s”不是可选值；可选：%(allowed)s") % {"value": text, "allowed": col.allowed()})


def _int(value) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", normalise(value), re.ASCII):
        return int(normalise(value))
    raise ValueError


def read_cell(value, col: Col):
    """The value of a cell for its column (None when empty); ValueError with a message for the person."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return [] if col.kind == "codes" else None
    if col.kind == "int":
        try:
            return _int(value)
        except ValueError:
            raise ValueError(_("应填整数，而不是“%(value)s”") % {"value": shown(value)}) from None
    if col.kind == "decimal":
        try:
            return parse_number(value, label=col.label, required=False)
        except ParseError as exc:
            raise ValueError(exc.message) from None
    if col.kind == "baseline":
        text = normalise(value) if isinstance(value, str) else None
        if text in NOT_GIVEN_WORDS:
            return None
        if text is not None and text.lower() in CARRY_WORDS:
            return "carry"
        try:
            return parse_number(value, label=col.label, required=False)
        except ParseError:
            raise ValueError(_("应填数字、“未给出”或“沿用上期”，而不是“%(value)s”") % {"value": shown(value)}) from None
    text = shown(value)
    if col.kind == "choice":
        return _choice(text, col)
    if col.kind == "yes_no":
        return _choice(text, col) == "是"
    if col.kind == "codes":
        return [c for c in re.split(r"[、,，;；\s]+", text) if c]
    return text


def header_code(text, cols: list[Col]) -> str | None:
    """The field code a header cell names: "[code]" at its end, the bare code or the Chinese label."""
    if not isinstance(text, str):
        return None
    cleaned = text.strip()
    match = HEADER_CODE.search(cleaned)
    codes = {c.code for c in cols}
    if match and match.group(1) in codes:
        return match.group(1)
    bare = cleaned.rstrip("*").strip()
    return next((c.code for c in cols if bare in (c.code, c.label)), None)
