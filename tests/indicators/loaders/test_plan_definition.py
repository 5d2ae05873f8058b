"""The plan-definition workbook (issue 15): the template, the whole-file check that names every problem by sheet,
row and column (nothing stored on any), the all-or-nothing import, the round trip of the 14th plan (exported and
imported again: the same indicators, targets, districts, layout and projects, field by field), the carried-over
districts and the baseline taken from the previous plan's final approved figure, and the example plan."""
import io
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from districts.models import District, Plan, SpatialArea
from indicators.loaders import definition_sheets as S
from indicators.loaders.plan_definition import (
    MAX_BYTES,
    MAX_ROWS,
    PlanDefinitionError,
    parse_definition,
    plan_definition_import,
    write_template,
    write_workbook,
)
from indicators.models import DistrictTarget, Indicator, Pillar
from projects.models import Project
from tests.indicators.plans.books import NEW, VA, approve_city_figure, next_plan_book

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "fixtures" / "examples" / "leshan_example_2026_2030.xlsx"
OLD = "leshan-14th-fyp-services"

INDICATOR_FIELDS = ["number", "name", "name_en", "unit", "measure", "higher_is_better", "target_year", "target_value",
                    "target_text", "target_kind", "tolerance", "baseline_year", "baseline_value", "baseline_text",
                    "by_district", "quarterly", "decimals", "note"]
DISTRICT_FIELDS = ["code", "name", "name_en", "order", "function_positioning", "development_focus", "adcode",
                   "is_administrative"]
PROJECT_FIELDS = ["kind", "number", "name", "category", "positioning", "leading_industries", "supporting_industries",
                  "remark", "region_text", "status", "planned_investment", "completed_investment"]


# ------------------------------------------------------------------------------------------ helpers

def book(content: bytes):
    return load_workbook(io.BytesIO(content))


def saved(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def column(ws, code: str) -> int:
    for cell in ws[1]:
        if isinstance(cell.value, str) and cell.value.endswith(f"[{code}]"):
            return cell.column
    raise KeyError(code)


def set_cell(wb, sheet: str, row: int, code: str, value) -> None:
    ws = wb[sheet]
    if sheet == S.PLAN:
        line = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).endswith(f"[{code}]"))
        ws.cell(line, 2).value = value
    else:
        ws.cell(row, column(ws, code)).value = value


def append(wb, sheet: str, values: dict) -> int:
    ws = wb[sheet]
    row = ws.max_row + 1
    for code, value in values.items():
        ws.cell(row, column(ws, code)).value = value
    return row


def plan_state(plan: Plan) -> dict:
    """Everything a definition carries, by natural key, for a field-by-field comparison."""
    return {
        "plan": {f: getattr(plan, f) for f in ("name", "start_year", "end_year", "base_year", "source", "issuer",
                                               "is_example")},
        "pillars": list(Pillar.objects.filter(plan=plan).order_by("order").values("code", "name", "order",
                                                                                  "description")),
        "indicators": [{**{f: getattr(i, f) for f in INDICATOR_FIELDS}, "pillar": i.pillar.code}
                       for i in Indicator.objects.filter(plan=plan).select_related("pillar").order_by("number")],
        "targets": sorted((t.indicator.number, t.district.code, t.target_value, t.source)
                          for t in DistrictTarget.objects.filter(indicator__plan=plan, is_demo=False)
                          .select_related("indicator", "district")),
        "districts": list(District.objects.filter(plan=plan).order_by("order").values(*DISTRICT_FIELDS)),
        "areas": [(a.code, a.kind, a.name, a.parent.code if a.parent else None, a.order, a.description,
                   a.districts_note, sorted(d.code for d in a.districts.all()))
                  for a in SpatialArea.objects.filter(plan=plan).select_related("parent")
                  .prefetch_related("districts").order_by("order")],
        "projects": [({f: getattr(p, f) for f in PROJECT_FIELDS}, sorted(d.code for d in p.districts.all()))
                     for p in Project.objects.filter(plan=plan).prefetch_related("districts")
                     .order_by("kind", "number")],
    }


def stored_counts() -> tuple:
    return (Plan.objects.count(), Indicator.objects.count(), District.objects.count(), Project.objects.count(),
            DistrictTarget.objects.count(), SpatialArea.objects.count(), Pillar.objects.count())


@pytest.fixture
def real_targets(plan):
    """Two district targets entered by an admin (not demo) and one project's investment: more for the round trip."""
    ind = Indicator.objects.get(plan=plan, number=1)
    for code, value in (("shizhong", "380.5"), ("emeishan", "260")):
        DistrictTarget.objects.create(indicator=ind, district=District.objects.get(plan=plan, code=code),
                                      target_value=Decimal(value), source="市发改委分解")
    District.objects.filter(plan=plan, code="shizhong").update(name_en="Shizhong District")
    project = Project.objects.filter(plan=plan).order_by("kind", "number").first()
    project.planned_investment, project.completed_investment = Decimal("12.5"), Decimal("3.25")
    project.save()
    return plan


# ------------------------------------------------------------------------------------------ the template

def test_the_empty_template_has_every_sheet_and_field_code(db):
    wb = book(write_template())
    assert wb.sheetnames == [S.README, S.PLAN, S.PILLARS, S.INDICATORS, S.TARGETS, S.PROJECTS, S.DISTRICTS, S.AREAS,
                             S.TASKS]
    for sheet, cols in S.TABLES.items():
        assert [c.value for c in wb[sheet][1]] == [c.header for c in cols]
        assert wb[sheet].max_row == 1  # empty
    assert "计量类型* [measure]" in [c.value for c in wb[S.INDICATORS][1]]
    assert [wb[S.PLAN].cell(r, 1).value for r in range(2, 12)] == [c.header for c in S.PLAN_ROWS]
    instructions = " ".join(str(c.value) for row in wb[S.README].iter_rows() for c in row if c.value)
    assert "沿用上期" in instructions and "flow（流量、累计）" in instructions


def test_user_text_is_written_as_text_never_as_a_formula(plan):
    Indicator.objects.filter(plan=plan, number=1).update(note="=HYPERLINK(\"http://x\")")
    ws = book(write_template(plan))[S.INDICATORS]
    cell = ws.cell(2, column(ws, "note"))
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"


# ------------------------------------------------------------------------------------------ the round trip

def test_the_14th_plan_exported_and_imported_into_an_empty_database_is_the_same(real_targets):
    plan = real_targets
    before = plan_state(plan)
    content = write_template(plan)
    Indicator.objects.all().delete()  # an indicator protects its pillar
    Plan.objects.all().delete()
    assert stored_counts() == (0, 0, 0, 0, 0, 0, 0)

    definition, problems = parse_definition(content)
    assert problems == []
    imported = plan_definition_import(definition=definition, user=None)
    assert imported.code == OLD and imported.status == Plan.Status.DRAFT and imported.previous is None
    after = plan_state(imported)
    for key in before:
        assert after[key] == before[key], key
    assert len(after["indicators"]) == 16 and len(after["districts"]) == 12 and len(after["projects"]) == 38
    assert len(after["areas"]) == 9 and len(after["targets"]) == 2


def test_the_14th_plan_imported_again_under_a_new_code_is_the_same(real_targets):
    plan = real_targets
    wb = book(write_template(plan))
    set_cell(wb, S.PLAN, 0, "code", "leshan-14th-copy")
    definition, problems = parse_definition(saved(wb))
    assert problems == []
    copy = plan_definition_import(definition=definition, user=None)
    assert copy.pk != plan.pk
    assert plan_state(copy) == plan_state(plan)
    assert Plan.objects.get(code=OLD).status == Plan.Status.IN_FORCE  # the original is untouched


def test_the_commands_export_and_import(plan, tmp_path):
    path = tmp_path / "plan.xlsx"
    call_command("export_plan_definition", str(path), "--plan", OLD, stdout=StringIO())
    wb = load_workbook(path)
    set_cell(wb, S.PLAN, 0, "code", "leshan-14th-copy")
    wb.save(path)
    out = StringIO()
    call_command("load_plan_definition", str(path), stdout=out)
    assert "已导入草稿规划 leshan-14th-copy" in out.getvalue()
    assert plan_state(Plan.objects.get(code="leshan-14th-copy")) == plan_state(plan)

    set_cell(wb, S.INDICATORS, 2, "measure", "flux")
    set_cell(wb, S.PLAN, 0, "code", "leshan-14th-other")
    wb.save(path)
    counts, err = stored_counts(), StringIO()
    with pytest.raises(CommandError, match="1 处问题"):
        call_command("load_plan_definition", str(path), stdout=StringIO(), stderr=err)
    assert "「指标」第2行 E列「计量类型」" in err.getvalue() and "flux" in err.getvalue()
    assert stored_counts() == counts


# ------------------------------------------------------------------------------------------ refused, named

def _unknown_measure(wb):
    set_cell(wb, S.INDICATORS, 2, "measure", "flux")


def _target_year_before_base_year(wb):
    set_cell(wb, S.INDICATORS, 3, "target_year", 2019)


def _duplicate_number(wb):
    set_cell(wb, S.INDICATORS, 5, "number", 1)


def _share_over_100(wb):
    set_cell(wb, S.INDICATORS, 4, "target_value", 140)


def _district_sum_over_city(wb):
    append(wb, S.TARGETS, {"indicator": 1, "district": "shizhong", "target_value": 800})
    append(wb, S.TARGETS, {"indicator": 1, "district": "emeishan", "target_value": 600})


def _missing_name(wb):
    set_cell(wb, S.INDICATORS, 6, "name", None)


def _text_for_a_number(wb):
    set_cell(wb, S.INDICATORS, 2, "target_value", "一千三百")


def _unknown_district(wb):
    set_cell(wb, S.PROJECTS, 3, "districts", "shizhong、nowhere")


def _end_before_start(wb):
    set_cell(wb, S.PLAN, 0, "end_year", 2019)


def _unknown_pillar(wb):
    set_cell(wb, S.INDICATORS, 7, "pillar", "没有这个领域")


def _unknown_area_parent(wb):
    set_cell(wb, S.AREAS, 3, "parent", "nowhere")


BAD = [
    (_unknown_measure, "「指标」第2行 E列「计量类型」", "“flux”不是可选值"),
    (_target_year_before_base_year, "「指标」第3行 K列「目标年份」", "目标年份（2019）早于基期年份（2020）"),
    (_duplicate_number, "「指标」第5行 A列「指标序号」", "指标序号与第2行重复"),
    (_share_over_100, "「指标」第4行 H列「目标值」", "比重指标的目标值应在 0—100% 之间，而不是 140%"),
    (_district_sum_over_city, "「区县目标」第2行 C列「区县目标值」", "各区县目标之和 1400亿元（第2、3行）超过全市目标 1300亿元"),
    (_missing_name, "「指标」第6行 B列「指标名称」", "必填，不能为空"),
    (_text_for_a_number, "「指标」第2行 H列", "无法识别为数字：一千三百"),
    (_unknown_district, "「项目」第3行 J列「所在区县代码」", "未知的区县代码：nowhere"),
    (_end_before_start, "「规划」第5行 B列「规划终止年份」", "终止年份（2019）早于起始年份（2021）"),
    (_unknown_pillar, "「指标」第7行 O列「目标领域」", "未知的目标领域“没有这个领域”"),
    (_unknown_area_parent, "「空间布局」第3行 D列「上级布局代码」", "上级布局“nowhere”须列在本行之前"),
]


@pytest.mark.parametrize("spoil, where, message", BAD, ids=[b[0].__name__.strip("_") for b in BAD])
def test_a_bad_definition_is_refused_naming_sheet_row_and_column_and_nothing_is_stored(plan, spoil, where, message):
    wb = book(write_template(plan))
    set_cell(wb, S.PLAN, 0, "code", NEW)
    assert parse_definition(saved(wb))[1] == []  # the file is good before it is spoiled
    spoil(wb)
    counts = stored_counts()
    definition, problems = parse_definition(saved(wb))
    texts = [str(p) for p in problems]
    assert any(t.startswith(where) and message in t for t in texts), texts
    with pytest.raises(PlanDefinitionError):
        plan_definition_import(definition=definition, user=None)
    assert stored_counts() == counts


def test_every_problem_of_a_file_is_reported_at_once(plan):
    wb = book(write_template(plan))
    set_cell(wb, S.PLAN, 0, "code", NEW)
    for spoil in (_unknown_measure, _duplicate_number, _share_over_100, _unknown_district):
        spoil(wb)
    assert len(parse_definition(saved(wb))[1]) == 4


def test_a_code_in_use_by_a_plan_in_force_is_refused(plan):
    problems = parse_definition(write_template(plan))[1]
    assert [str(p) for p in problems] == [
        "「规划」第2行 B列「规划代码」：规划代码已被“乐山市“十四五”现代服务业发展规划”使用（施行中），请换一个代码"]


def test_a_draft_is_replaced_by_its_corrected_definition(plan):
    wb = book(write_template(plan))
    set_cell(wb, S.PLAN, 0, "code", NEW)
    first = plan_definition_import(definition=parse_definition(saved(wb))[0])
    set_cell(wb, S.INDICATORS, 2, "name", "服务业增加值（修订）")
    second = plan_definition_import(definition=parse_definition(saved(wb))[0])
    assert not Plan.objects.filter(pk=first.pk).exists()
    assert Indicator.objects.get(plan=second, number=1).name == "服务业增加值（修订）"
    assert Plan.objects.filter(code=NEW).count() == 1


# ------------------------------------------------------------------------------------------ bounded

def test_files_too_large_damaged_or_with_formulas_are_refused(db):
    assert [str(p) for p in parse_definition(b"x" * (MAX_BYTES + 1))[1]] == ["文件过大（最大 2 MB）。"]
    assert [str(p) for p in parse_definition(b"not a workbook")[1]] == ["文件不是有效的 xlsx 工作簿，请使用下载的模板。"]
    assert [str(p) for p in parse_definition(b"")[1]] == ["文件为空。"]

    wb = book(write_template())
    wb[S.INDICATORS].cell(MAX_ROWS + 5, 1).value = 1
    assert "「指标」：工作表过大（最多 3000 行、60 列）。" in [str(p) for p in parse_definition(saved(wb))[1]]
    wb = book(write_template())
    wb[S.PROJECTS].cell(2, 200).value = "x"
    assert "「项目」：工作表过大（最多 3000 行、60 列）。" in [str(p) for p in parse_definition(saved(wb))[1]]

    wb = book(write_template())
    set_cell(wb, S.PLAN, 0, "start_year", "=2020+6")
    assert "「规划」第4行 B列「规划起始年份」：单元格含有公式，请复制后“粘贴为数值”" in [
        str(p) for p in parse_definition(saved(wb))[1]]


def test_a_workbook_without_the_plan_sheets_is_refused(db):
    wb = Workbook()
    wb.active.title = "Sheet1"
    texts = [str(p) for p in parse_definition(saved(wb))[1]]
    assert "缺少工作表「规划」，请使用下载的模板。" in texts and "缺少工作表「指标」，请使用下载的模板。" in texts


# ------------------------------------------------------------------------------------------ continuity

def test_the_next_plan_carries_districts_and_layout_over_and_takes_its_baseline_from_the_final_figure(plan):
    approve_city_figure(plan, 1, 2025, "1251.56")
    definition, problems = parse_definition(next_plan_book(indicators=[VA]))
    assert problems == []
    assert definition.previous_code == OLD and definition.districts_carried and definition.areas_carried
    new = plan_definition_import(definition=definition, user=None)

    va = Indicator.objects.get(plan=new, number=1)
    old = Indicator.objects.get(plan=plan, number=1)
    assert va.continues == old and new.previous == plan
    assert (va.baseline_value, va.baseline_year) == (Decimal("1251.56"), 2025)
    assert va.baseline_text == "沿用上期：十四五规划期末（2025年）审核数"
    assert (list(District.objects.filter(plan=new).order_by("order").values_list("code", "name", "adcode"))
            == list(District.objects.filter(plan=plan).order_by("order").values_list("code", "name", "adcode")))
    assert SpatialArea.objects.filter(plan=new).count() == 9
    assert va.target_text == "1900亿元" and va.target_year == 2030 and va.quarterly and va.by_district


def test_a_plan_may_add_and_retire_districts(plan):
    districts = [{"code": "shizhong", "name": "市中区", "adcode": "511102"},
                 {"code": "newzone", "name": "新区", "name_en": "New Zone"}]
    new = plan_definition_import(definition=parse_definition(next_plan_book(
        indicators=[{**VA, "baseline_value": "未给出", "continues": None}], districts=districts))[0])
    assert list(District.objects.filter(plan=new).values_list("code", "name_en", "is_administrative", "order")) == [
        ("shizhong", "", True, 1), ("newzone", "New Zone", False, 2)]
    assert not SpatialArea.objects.filter(plan=new).exists()  # a new district list: the old layout does not fit


@pytest.mark.parametrize("indicator, message", [
    ({**VA, "continues": None}, "「指标」第2行 L列「基期值」：“沿用上期”须在「延续上期指标序号」列注明所接续的上期指标"),
    (VA, "「指标」第2行 L列「基期值」：上一规划“乐山市“十四五”现代服务业发展规划”尚无指标“服务业增加值”2025年的审核数，"
         "不能沿用上期；请填写基期值或“未给出”"),
    ({**VA, "continues": 99}, "「指标」第2行 S列「延续上期指标序号」：上一规划“乐山市“十四五”现代服务业发展规划”没有序号为 99 的指标"),
    ({**VA, "continues": 3}, "「指标」第2行 S列「延续上期指标序号」：与所接续的上期指标“生产性服务业增加值占服务业比重”（share，%）口径不一致"),
])
def test_continuity_mistakes_are_named(plan, indicator, message):
    texts = [str(p) for p in parse_definition(next_plan_book(indicators=[indicator]))[1]]
    assert message in texts, texts


def test_without_a_previous_plan_nothing_can_be_carried(plan):
    texts = [str(p) for p in parse_definition(next_plan_book(indicators=[VA], previous="无"))[1]]
    assert "「区县」：工作表为空，且没有可沿用的上一规划：请填写区县" in texts
    assert "「指标」第2行 S列「延续上期指标序号」：没有上一规划可接续（见「规划」表“上一规划代码”）" in texts


# ------------------------------------------------------------------------------------------ the example

def test_the_example_plan_is_what_the_tool_writes_and_loads_marked_as_an_example(plan):
    import json

    from indicators.loaders import demo
    from tools.make_example_plan import FIXTURE, workbook_rows

    committed = book(EXAMPLE.read_bytes())
    regenerated = book(write_workbook(**workbook_rows(json.loads(FIXTURE.read_text(encoding="utf-8")))))
    for sheet in committed.sheetnames[1:]:
        assert ([[c.value for c in r] for r in committed[sheet].iter_rows()]
                == [[c.value for c in r] for r in regenerated[sheet].iter_rows()]), sheet

    demo.demo_load(plan=plan)  # the 14th plan's 2025 figures, which the example's baselines continue
    definition, problems = parse_definition(EXAMPLE.read_bytes())
    assert problems == []
    example = plan_definition_import(definition=definition, user=None)
    assert example.is_example and "示例" in example.name and example.previous == plan
    indicators = Indicator.objects.filter(plan=example)
    assert indicators.count() == 19
    assert all("示例" in i.target_text for i in indicators)
    assert indicators.filter(continues__isnull=False).count() == 16
    assert set(indicators.filter(continues__isnull=True).values_list("by_district", flat=True)) == {True, False}
    carried = indicators.get(number=1)
    assert carried.baseline_year == 2025 and carried.baseline_text == "沿用上期：十四五规划期末（2025年）审核数（演示数据）"
    assert District.objects.filter(plan=example).count() == 12
