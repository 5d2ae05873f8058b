"""The plan's tasks are its text, word for word: every paragraph of the task chapters (三, 五, 六) is stored, and
every stored paragraph occurs verbatim in the plan (projects/tasks/text.py says why these chapters)."""
import json
import re
from pathlib import Path

import pytest

from projects.tasks.text import lead_phrase, parse_plan_text, plan_tasks
from tests.projects.tasks.conftest import TASKS_FIXTURE

# the plan's text as published (a Word export), kept in the repository so that this test runs everywhere
PLAN_TEXT = Path(__file__).resolve().parents[3] / "docs" / "plan" / "leshan-14th-fyp-modern-services-plan.txt"
TASK_COUNT = 58  # 32 paragraphs of chapter 三, 22 of chapter 五, 4 of chapter 六


def _plan_text() -> str:
    return PLAN_TEXT.read_text(encoding="utf-8")


def _stored() -> list[dict]:
    return json.loads(TASKS_FIXTURE.read_text(encoding="utf-8"))["tasks"]


def _plain(text: str) -> str:
    return re.sub(r"\[bookmark: [^\]]*\]", "", text)


def test_every_stored_task_occurs_verbatim_in_the_plan():
    text = _plain(_plan_text())
    stored = _stored()
    assert len(stored) == TASK_COUNT
    lines = {line.strip() for line in text.splitlines()}
    for task in stored:
        assert task["text"] in lines, f"task {task['number']} is not a paragraph of the plan: {task['text'][:30]}"
        assert task["title"] in task["text"] or task["title"] in (task["subsection"], task["section_title"],
                                                                  task["chapter_title"]) or \
            task["subsection"].endswith(task["title"])


def test_every_paragraph_of_the_task_chapters_is_stored_in_order():
    parsed = plan_tasks(_plan_text())
    assert [t["text"] for t in parsed] == [t["text"] for t in _stored()]
    assert [t["number"] for t in _stored()] == list(range(1, TASK_COUNT + 1))
    by_chapter = {}
    for t in _stored():
        by_chapter[t["chapter"]] = by_chapter.get(t["chapter"], 0) + 1
    assert by_chapter == {3: 32, 5: 22, 6: 4}


def test_the_other_chapters_are_not_tasks():
    paragraphs = parse_plan_text(_plan_text())
    others = [p for p in paragraphs if not p["is_task"]]
    assert {p["chapter"] for p in others} == {1, 2, 4}
    stored = {t["text"] for t in _stored()}
    assert not stored & {p["text"] for p in others}
    # the review of 十三五 and the 2035 outlook are not tasks
    assert not any(t["text"].startswith("“十三五”期间") or t["text"].startswith("展望2035年") for t in _stored())


def test_titles_sections_and_the_tables_left_out():
    stored = {t["number"]: t for t in _stored()}
    risk = next(t for t in stored.values() if t["text"].startswith("加强金融风险防范化解。"))
    assert (risk["title"], risk["chapter"], risk["section"], risk["subsection"]) == (
        "加强金融风险防范化解", 3, 2, "2.现代金融")
    assert risk["section_title"] == "干支联动，夯实四大产业支撑"
    assert stored[1]["section"] is None and stored[1]["title"] == "优化服务体系，提升产业发展能级"
    trade = next(t for t in stored.values() if t["title"] == "提质发展现代商贸")
    assert trade["section"] == 3 and trade["section_title"] == ""  # the heading is missing from the text
    assert stored[TASK_COUNT]["title"] == "加强统计监测" and stored[TASK_COUNT]["chapter"] == 6
    assert not any(t["text"].startswith("◆") or "\t" in t["text"] for t in stored.values())


def test_lead_phrase():
    assert lead_phrase("加强金融风险防范化解。加强对地方金融风险的监测") == "加强金融风险防范化解"
    assert lead_phrase("以提高创新能力为核心，争创全省数字经济发展创新示范区。") == ""
    assert lead_phrase("没有句号的段落") == ""


@pytest.mark.django_db
def test_loading_twice_writes_nothing_and_keeps_assignments(tasks_plan):
    from projects.models import Task
    from projects.tasks.services import tasks_document_load

    assert Task.objects.filter(plan=tasks_plan).count() == TASK_COUNT
    before = Task.history.count()
    Task.objects.filter(plan=tasks_plan, number=3).update(lead_department_id=None)
    assert tasks_document_load(json.loads(TASKS_FIXTURE.read_text(encoding="utf-8"))) == TASK_COUNT
    assert Task.history.count() == before
    stored = {t.number: t.text for t in Task.objects.filter(plan=tasks_plan)}
    assert stored == {t["number"]: t["text"] for t in _stored()}


@pytest.mark.django_db
def test_load_plan_command_loads_the_companion_tasks(db):
    from django.core.management import call_command

    from projects.models import Task

    call_command("load_plan", verbosity=0)
    assert Task.objects.count() == TASK_COUNT


@pytest.mark.django_db
def test_the_tasks_travel_in_the_plan_definition_workbook(tasks_plan):
    """A next plan carries its tasks in the 任务 sheet: the 14th plan's 58 exported and imported are the same."""
    from openpyxl import load_workbook
    import io

    from indicators.loaders import definition_sheets as S
    from indicators.loaders.plan_definition import parse_definition, plan_definition_import, write_template
    from projects.models import Task

    content = write_template(tasks_plan)
    sheet = load_workbook(io.BytesIO(content))[S.TASKS]
    assert sheet.max_row == TASK_COUNT + 1
    wb = load_workbook(io.BytesIO(content))
    ws = wb[S.PLAN]
    for row in ws.iter_rows(min_row=2):
        if row[0].value and "[code]" in str(row[0].value):
            row[1].value = "leshan-14th-copy"
    out = io.BytesIO()
    wb.save(out)
    definition, problems = parse_definition(out.getvalue())
    assert problems == []
    copy = plan_definition_import(definition=definition, user=None)
    fields = ("number", "chapter", "chapter_title", "section", "section_title", "subsection", "title", "text")
    assert (list(Task.objects.filter(plan=copy).order_by("number").values_list(*fields))
            == list(Task.objects.filter(plan=tasks_plan).order_by("number").values_list(*fields)))
    # a task row without its text is refused, named by sheet, row and column
    ws = wb[S.TASKS]
    ws.cell(row=3, column=8).value = None
    ws2 = wb[S.PLAN]
    for row in ws2.iter_rows(min_row=2):
        if row[0].value and "[code]" in str(row[0].value):
            row[1].value = "leshan-14th-copy2"
    out = io.BytesIO()
    wb.save(out)
    _definition, problems = parse_definition(out.getvalue())
    assert [str(p) for p in problems] == ["「任务」第3行 H列「规划原文」：必填，不能为空"]
