"""The plan's tasks (重点任务) read from the plan's text: every paragraph of the task chapters, verbatim, with its
chapter (章), section (节), sub-heading and title. Pure functions: text in, dicts out.

Which paragraphs are tasks. The plan has six chapters:
  一 发展基础 (the review of 十三五 and the outlook) and 二 总体要求 (guidance, principles, the targets of 专栏6)
  say where the city stands and what it aims at: no work to assign, so no tasks.
  三 优化服务体系，提升产业发展能级 (品质旅游, the four supporting industries, the lifestyle and new-economy
  services) and 五 着力实施七大行动 (the seven actions) are the plan's main tasks: every paragraph is a task.
  四 构建“一核引领、两带两片”的服务业空间布局 defines where services go (一核, 两带, 两片, the counties' roles of
  专栏8); its paragraphs describe areas, not work, and are already stored as the plan's spatial layout and the
  districts' positioning: no tasks.
  六 保障措施: each of its four paragraphs commits the city's departments to named work (the 统筹推进工作机制,
  市县两级联动招商, 嘉州英才卡, the statistical survey system) that a review must account for: tasks too.
Tables (专栏, tab-indented lines and the ◆ items inside them) are not paragraphs: their rows are projects and
targets, tracked elsewhere.

The text lost its 第X章/第X节 numbering (a Word export): chapters are recognised by their printed titles
(CHAPTERS, the plan's table of contents), every other heading line (one carrying a Word bookmark) is a section,
or a sub-heading when numbered "1." … Two section headings of chapter 三 are missing from the text; their first
paragraphs ("提质发展现代商贸。…", "促进数字经济赋能。…") are the only body lines indented by a space: such a line
opens an untitled section (its number is kept, its title is empty).

A paragraph's title is its bold lead phrase — the first sentence, when it is short and has no comma
("加强金融风险防范化解。" → "加强金融风险防范化解") — else the sub-heading, section or chapter it opens.
"""
from __future__ import annotations

import re

CHAPTERS = (
    "发展基础",
    "总体要求",
    "优化服务体系，提升产业发展能级",
    "构建“一核引领、两带两片”的服务业空间",
    "着力实施七大行动，厚植服务业发展新优势",
    "保障措施",
)
TASK_CHAPTERS = (3, 5, 6)
CN_NUMBERS = "一二三四五六七八九十"
BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
SUBHEADING = re.compile(r"^(\d+)\.\s*(.+)$")
LEAD_MAX = 16
HEADING_MAX = 40


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


def chapter_label(number: int) -> str:
    """第三章 as the plan numbers it; Chapter 3 on English pages."""
    if _english():
        return f"Chapter {number}"
    return f"第{CN_NUMBERS[number - 1]}章" if 1 <= number <= 10 else f"第{number}章"


def section_label(number: int | None) -> str:
    """第一节; Section 1 on English pages."""
    if not number:
        return ""
    if _english():
        return f"Section {number}"
    return f"第{CN_NUMBERS[number - 1]}节" if 1 <= number <= 10 else f"第{number}节"


def lead_phrase(paragraph: str) -> str:
    """The bold lead phrase a paragraph opens with, without its full stop; "" when it has none."""
    first, stop, _rest = paragraph.partition("。")
    if not stop or len(first) > LEAD_MAX or re.search(r"[，、：；,:;“”（）]", first):
        return ""
    return first


def _paragraphs(text: str):
    """(kind, text, indented) of every heading and body line outside tables, in order. A table row is a line with
    a tab; a line right below one (no blank line between: a cell's second line, a ◆ item) belongs to the table."""
    in_table = False
    for raw in text.splitlines():
        if not raw.strip():
            in_table = False
            continue
        if "\t" in raw or (in_table and "_Toc" not in raw):
            in_table = True
            continue
        in_table = False
        line = BOOKMARK.sub("", raw).strip()
        if not line:
            continue
        if "[bookmark: _Toc" in raw and len(line) <= HEADING_MAX:
            yield "heading", line, False
        elif not line.startswith("◆"):
            yield "body", line, raw[:1].isspace()


def parse_plan_text(text: str) -> list[dict]:
    """Every paragraph of the plan's chapters as dicts: chapter (number), chapter_title, section (number or None),
    section_title, subsection (e.g. "1.现代物流", or ""), title, text, is_task (in a TASK_CHAPTER)."""
    out: list[dict] = []
    chapter = 0
    section: int | None = None
    section_title = subsection = ""
    for kind, line, indented in _paragraphs(text):
        if kind == "heading":
            if line in CHAPTERS:
                chapter, section, section_title, subsection = CHAPTERS.index(line) + 1, None, "", ""
            elif chapter and SUBHEADING.match(line):
                subsection = line
            elif chapter:
                section, section_title, subsection = (section or 0) + 1, line, ""
            continue
        if not chapter:
            continue  # the preface
        if indented:
            section, section_title, subsection = (section or 0) + 1, "", ""
        sub_title = SUBHEADING.match(subsection).group(2) if subsection else ""
        title = lead_phrase(line) or sub_title or section_title or CHAPTERS[chapter - 1]
        out.append({"chapter": chapter, "chapter_title": CHAPTERS[chapter - 1], "section": section,
                    "section_title": section_title, "subsection": subsection, "title": title, "text": line,
                    "is_task": chapter in TASK_CHAPTERS})
    return out


def plan_tasks(text: str) -> list[dict]:
    """The task paragraphs, numbered 1… in the plan's order (the fixture's and the 任务 sheet's rows)."""
    tasks = [p for p in parse_plan_text(text) if p["is_task"]]
    return [{"number": i, **{k: v for k, v in p.items() if k != "is_task"}} for i, p in enumerate(tasks, start=1)]
