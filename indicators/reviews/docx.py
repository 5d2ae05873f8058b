"""The review report as a Word document (python-docx): title, scope and period, the summary, a table of every
indicator with its light (symbol and word, not colour alone), the districts' ranking (final review), one chart per
lagging indicator, the paragraphs with their sources, and the revisions.

The page is A4 (21.0 × 29.7 cm) with the margins of 公文 (top 3.7 cm, bottom 3.5 cm, left 2.8 cm, right 2.6 cm);
the fonts are those of 公文 where this machine has them (title 方正小标宋简体, else 黑体; headings 黑体; body
仿宋_GB2312 or 仿宋), otherwise a named CJK font that it has (fc-list): the East Asian font is set on every style
(w:eastAsia) and the choice is recorded in the document's properties (comments) and the log.

The charts are the dashboards' own (``charts.indicator_chart``) drawn from the same stored rows, exported to PNG
with kaleido, which drives a local Chromium (Debian's ``chromium`` here). Where kaleido or a browser is missing
the document is still built and says, in place of each chart, why it is not there.
"""
from __future__ import annotations

import asyncio
import functools
import io
import logging
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go
from django.utils import translation
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from indicators.dashboards import charts
from indicators.reviews.report import (
    Review,
    ranking_columns,
    ranking_rows,
    table_columns,
    table_note,
    table_rows,
)
from indicators.reviews.selectors import ReviewData
from indicators.reviews.sentences import Paragraph, baseline_given
from indicators.reviews.wording import is_final_row, period_label

logger = logging.getLogger(__name__)

CHART_WIDTH, CHART_HEIGHT, CHART_SCALE = 900, 430, 2
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# A4 and the margins of 公文 (GB/T 9704)
PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7
MARGINS_CM = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
TEXT_WIDTH_CM = PAGE_WIDTH_CM - MARGINS_CM["left"] - MARGINS_CM["right"]
# the fonts of 公文, best first, and the CJK fonts that stand in where a machine has none of them
FONT_ROLES = {"title": ("方正小标宋简体", "方正小标宋_GBK", "黑体", "SimHei"),
              "heading": ("黑体", "SimHei"),
              "body": ("仿宋_GB2312", "仿宋", "FangSong_GB2312", "FangSong")}
FALLBACK_FONTS = {"title": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei"),
                  "heading": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei"),
                  "body": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN", "Noto Sans CJK SC",
                           "WenQuanYi Micro Hei", "WenQuanYi Zen Hei")}
LATIN_FONT = "Times New Roman"
SIZES_PT = {"title": 22, "heading": 16, "body": 16, "table": 9}  # 二号, 三号, 三号, 小五

LABELS = {
    "zh": {"scope": "评估范围", "period": "数据截至", "basis": "数据口径",
           "basis_text": "各项数据取最新修订数；完成目标进度、时间进度、红黄绿灯均取自系统存储的进度计算结果",
           "basis_text_final": "各项数据取最新修订数；评估结论、红黄绿灯均取自系统存储的进度计算结果",
           "generated": "生成时间", "demo": "注意：系统中含演示数据（程序生成，非官方统计），正式报送前请核实。",
           "h_summary": "总体情况", "h_table": "指标完成情况一览", "h_districts": "各县（市、区）完成情况",
           "h_charts": "滞后指标走势图", "h_charts_final": "未完成及基本完成指标走势图",
           "h_paragraphs": "分指标评估", "h_revisions": "数据修订情况", "no_revisions": "本期无数据修订。",
           "no_lagging": "本期无需加快、进展有限或倒退的指标。",
           "no_lagging_final": "可评估的指标均已完成。",
           "caption": "图{n}　{name}：基期→目标路径、实际值与按当前增速的预测",
           "caption_final": "图{n}　{name}：基期→目标路径与实际值",
           "caption_no_path": "图{n}　{name}：实际值、目标与按当前增速的预测（规划未给出基期值）",
           "caption_final_no_path": "图{n}　{name}：实际值与目标（规划未给出基期值）",
           "caption_rate": "图{n}　{name}：规划期年均增速与目标",
           "caption_qualitative": "图{n}　{name}：实际完成与省下达目标任务",
           "no_chart": "（图表未能生成：服务器需安装 kaleido 与 Chromium 浏览器。）"},
    "en": {"scope": "Scope", "period": "Data up to", "basis": "Basis",
           "basis_text": "newest (revised) figures; completion, time elapsed and lights are the stored progress "
                         "results",
           "basis_text_final": "newest (revised) figures; verdicts and lights are the stored progress results",
           "generated": "Generated", "demo": "Note: the system holds demo data (generated, not official statistics); "
                                             "verify before submitting.",
           "h_summary": "Overview", "h_table": "Indicators at a glance", "h_districts": "Districts",
           "h_charts": "Lagging indicators", "h_charts_final": "Indicators short of their targets",
           "h_paragraphs": "Indicator by indicator", "h_revisions": "Revisions",
           "no_revisions": "No figure of the period was revised.",
           "no_lagging": "No indicator needs acceleration, shows limited progress or deteriorates.",
           "no_lagging_final": "Every indicator that can be assessed achieved its target.",
           "caption": "Figure {n}. {name}: path from baseline to target, actual values and projection at the "
                      "current growth rate",
           "caption_final": "Figure {n}. {name}: path from baseline to target and actual values",
           "caption_no_path": "Figure {n}. {name}: actual values, the target and the projection at the current "
                              "growth rate (the plan gives no baseline)",
           "caption_final_no_path": "Figure {n}. {name}: actual values and the target (the plan gives no baseline)",
           "caption_rate": "Figure {n}. {name}: average annual growth over the plan period and the target",
           "caption_qualitative": "Figure {n}. {name}: actual amount and the amount assigned by the province",
           "no_chart": "(Chart not drawn: the server needs kaleido and a Chromium browser.)"},
}
NUMERALS_ZH = "一二三四五六七八九十"


def heading_text(n: int, text: str, lang: str) -> str:
    return f"{NUMERALS_ZH[n - 1]}、{text}" if lang == "zh" else f"{n}. {text}"


# ------------------------------------------------------------------------------------------------ charts


def chart_periods(data: ReviewData, indicator_id, scope: str, lang: str) -> pd.DataFrame:
    rows = [r for r in data.rows if r["indicator_id"] == indicator_id and r["scope"] == scope]
    frame = pd.DataFrame(rows, columns=["year", "quarter", "value", "annual_value", "is_provisional", "target_value"])
    frame["label"] = [period_label(y, q, lang) for y, q in zip(frame["year"], frame["quarter"])]
    for column in ("value", "annual_value", "target_value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def lagging_figures(review: Review, data: ReviewData) -> list[tuple[Paragraph, go.Figure]]:
    """One figure per lagging indicator: the dashboards' indicator chart from the same stored rows."""
    indicators = {i["indicator_id"]: i for i in data.indicators}
    rows = {(r["indicator_id"], r["year"], r["quarter"]): r for r in data.rows if r["scope"] == review.scope.code}
    out = []
    with translation.override("en" if review.lang == "en" else "zh-hans"):
        for p in review.lagging:
            ind = indicators[p.indicator_id]
            latest = dict(rows.get((p.indicator_id, p.year, p.quarter)) or {})
            # a baseline the plan does not give draws no path to the target; a final row has no projection
            baseline = latest.get("baseline_value") if baseline_given(latest, ind, review.scope) else None
            if latest and is_final_row(latest, ind):
                latest["projection"] = None
            fig = charts.indicator_chart(
                data.history.get(p.indicator_id), chart_periods(data, p.indicator_id, review.scope.code, review.lang),
                unit=ind["unit"], measure=ind["measure"], decimals=int(ind["decimals"]),
                baseline_year=latest.get("baseline_year"), baseline_value=baseline,
                target_year=ind["target_year"], target_value=latest.get("target_value"),
                cagr_required=latest.get("cagr_required"), latest=latest, height=CHART_HEIGHT)
            fig.update_layout(width=CHART_WIDTH, title=dict(text=charts.esc(p.name), x=0.01, font=dict(size=16)),
                              margin=dict(t=50))
            out.append((p, fig))
    return out


def png_available() -> bool:
    """kaleido is installed and a Chromium/Chrome it can drive is on this machine."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return bool(os.environ.get("BROWSER_PATH") or any(shutil.which(b) for b in BROWSERS))


def figures_png(figures: list[go.Figure], *, timeout: float = 120) -> list[bytes | None]:
    """Every figure as PNG bytes, drawn in one browser session; [None, …] when kaleido cannot run."""
    if not figures:
        return []
    if not png_available():
        return [None] * len(figures)
    import kaleido

    async def draw():
        opts = {"format": "png", "width": CHART_WIDTH, "height": CHART_HEIGHT, "scale": CHART_SCALE}
        async with kaleido.Kaleido(n=1, mathjax=False) as k:
            return [await k.calc_fig(fig.to_dict(), opts=opts) for fig in figures]

    pool = ThreadPoolExecutor(max_workers=1)  # a thread of its own: the caller may run an event loop (ASGI)
    try:
        return pool.submit(asyncio.run, draw()).result(timeout=timeout)
    except Exception:  # a report without pictures beats no report: say so in the document instead
        logger.warning("kaleido could not draw the review charts", exc_info=True)
        return [None] * len(figures)
    finally:
        pool.shutdown(wait=False)


# ------------------------------------------------------------------------------------------------ document


@functools.lru_cache(maxsize=1)
def installed_fonts() -> frozenset[str]:
    """The font families fc-list knows on this machine (empty where there is no fc-list)."""
    fc = shutil.which("fc-list")
    if fc is None:
        return frozenset()
    try:
        out = subprocess.run([fc, ":", "family"], capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


@dataclass(frozen=True)
class DocxFonts:
    """The East Asian font of each role, and whether it is the 公文 font or one that stands in for it."""
    title: str
    heading: str
    body: str
    standing_in: tuple[str, ...] = ()  # the roles set in a fallback font

    def note(self) -> str:
        text = f"fonts: title={self.title}; heading={self.heading}; body={self.body}"
        if self.standing_in:
            text += f" (fallback for {', '.join(self.standing_in)}: the 公文 fonts are not installed here)"
        return text


def choose_fonts(installed: Iterable[str]) -> DocxFonts:
    """The first 公文 font of each role this machine has, else the first fallback it has; with no CJK font known
    (no fc-list), the 公文 font itself, which the reader's Word will have."""
    have = set(installed)
    chosen, standing_in = {}, []
    for role in ("title", "heading", "body"):
        name = next((f for f in FONT_ROLES[role] if f in have), None)
        if name is None:
            name = next((f for f in FALLBACK_FONTS[role] if f in have), None)
            if name is not None:
                standing_in.append(role)
        chosen[role] = name or FONT_ROLES[role][0]
    return DocxFonts(**chosen, standing_in=tuple(standing_in))


def _style_font(style, east_asia: str, size_pt: int, *, bold: bool | None = None) -> None:
    """Latin and East Asian font of a style (w:rFonts w:ascii/w:hAnsi and w:eastAsia), black, no theme font."""
    style.font.name = LATIN_FONT
    style.font.size = Pt(size_pt)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)  # a theme font would win over the names set here
    for attr in ("w:ascii", "w:hAnsi"):
        rfonts.set(qn(attr), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _page(doc: Document) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
        section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
        section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])


def _fonts(doc: Document, fonts: DocxFonts) -> None:
    _style_font(doc.styles["Normal"], fonts.body, SIZES_PT["body"])
    title = doc.styles["Title"]
    _style_font(title, fonts.title, SIZES_PT["title"], bold=False)
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):  # the template's rule under the title is no part of 公文
        ppr.remove(border)
    for name in ("Heading 1", "Heading 2"):
        _style_font(doc.styles[name], fonts.heading, SIZES_PT["heading"], bold=False)
    doc.core_properties.comments = fonts.note()


def _light_colour(light) -> RGBColor:
    return RGBColor.from_string(charts.LIGHT_COLOURS[charts.light_key(light)].lstrip("#").upper())


def _small_table(doc: Document, columns: list[str], rows: list[list[str]]):
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, columns):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
    return table


def _table_font(table) -> None:
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(SIZES_PT["table"])


def _table(doc: Document, review: Review) -> None:
    rows = table_rows(review)
    table = _small_table(doc, table_columns(review), [r["cells"] for r in rows])
    for row, r in zip(table.rows[1:], rows):
        run = row.cells[-1].paragraphs[0].add_run(r["badge"])
        run.font.color.rgb = _light_colour(r["light"])
        run.bold = True
    _table_font(table)
    note = table_note(review)
    if note:
        doc.add_paragraph(note)


def build_docx(review: Review, data: ReviewData, *, title: str, generated_at: datetime | None = None,
               pngs: list[bytes | None] | None = None, fonts: DocxFonts | None = None,
               work: list[str] | None = None, tasks: dict | None = None,
               progress: Callable[[int, str], None] | None = None) -> bytes:
    """The .docx bytes. pngs: the lagging charts already drawn (tests pass them); None: draw them here.
    fonts: the East Asian fonts (default: those of 公文 this machine has, see choose_fonts).
    progress(percent, step): told as the document is built (the background job's progress bar)."""
    progress = progress or (lambda percent, step: None)
    labels = LABELS[review.lang]
    lang = review.lang
    fonts = fonts or choose_fonts(installed_fonts())
    logger.info("review docx %s", fonts.note())
    doc = Document()
    _page(doc)
    _fonts(doc, fonts)

    heading = doc.add_heading(title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sep = "：" if lang == "zh" else ": "
    if lang == "zh":
        period = f"{review.period_text.removeprefix('截至')}（{review.kind_label}）"
    else:
        period = f"{period_label(review.year, review.quarter, 'en')} ({review.kind_label})"
    info = [f"{labels['scope']}{sep}{review.scope.name(lang)}", f"{labels['period']}{sep}{period}",
            f"{labels['basis']}{sep}{labels['basis_text_final' if review.final else 'basis_text']}"]
    if generated_at is not None:
        info.append(f"{labels['generated']}{sep}{generated_at:%Y-%m-%d %H:%M}")
    for line in info:
        doc.add_paragraph(line)
    if data.demo:
        note = doc.add_paragraph()
        run = note.add_run(labels["demo"])
        run.bold = True

    n = iter(range(1, 11))
    doc.add_heading(heading_text(next(n), labels["h_summary"], lang), level=1)
    doc.add_paragraph(review.summary)

    doc.add_heading(heading_text(next(n), labels["h_table"], lang), level=1)
    _table(doc, review)

    if review.district_ranking:
        doc.add_heading(heading_text(next(n), labels["h_districts"], lang), level=1)
        _table_font(_small_table(doc, ranking_columns(review), ranking_rows(review)))

    doc.add_heading(heading_text(next(n), labels["h_charts_final" if review.final else "h_charts"], lang), level=1)
    figures = lagging_figures(review, data)
    if pngs is None:
        progress(30, "charts")
        pngs = figures_png([fig for _p, fig in figures])
    progress(85, "document")
    if not figures:
        doc.add_paragraph(labels["no_lagging_final" if review.final else "no_lagging"])
    measures = {i["indicator_id"]: i["measure"] for i in data.indicators}
    for i, ((p, _fig), png) in enumerate(zip(figures, pngs), start=1):
        key = ("caption_final" if p.final else "caption") + (
            "_no_path" if p.baseline_text in ("未给出", "not given") else "")
        key = {"rate": "caption_rate", "qualitative": "caption_qualitative"}.get(measures.get(p.indicator_id), key)
        caption = doc.add_paragraph(labels[key].format(n=i, name=p.name))
        caption.runs[0].bold = True
        if png:
            doc.add_picture(io.BytesIO(png), width=Cm(TEXT_WIDTH_CM))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            doc.add_paragraph(labels["no_chart"])

    doc.add_heading(heading_text(next(n), labels["h_paragraphs"], lang), level=1)
    for p in review.paragraphs:
        title_para = doc.add_paragraph()
        title_para.add_run(p.title).bold = True
        doc.add_paragraph(p.text)
        if p.source_note:
            doc.add_paragraph(p.source_note)

    if work:  # projects and the targets outside 专栏6 (issue 16)
        doc.add_heading(heading_text(next(n), "项目与专栏6以外的目标" if lang == "zh" else
                                     "Projects and targets outside Box 6", lang), level=1)
        for text in work:
            doc.add_paragraph(text)
    if tasks:  # the plan's tasks (projects.tasks.selectors.review_summary), issue 16
        doc.add_heading(heading_text(next(n), "重点任务" if lang == "zh" else "Key tasks", lang), level=1)
        doc.add_paragraph(f"{tasks['label']}{sep}{tasks['sentence']}")
        _table_font(_small_table(doc, ["序号", "任务", "牵头单位", "进展"] if lang == "zh" else
                                 ["No.", "Task", "Lead unit", "Progress"],
                                 [[str(r.task.number), r.task.title, r.lead or "—", r.status_shown]
                                  for r in tasks["rows"]]))

    doc.add_heading(heading_text(next(n), labels["h_revisions"], lang), level=1)
    for revision in review.revisions:
        doc.add_paragraph(revision.text)
    if not review.revisions:
        doc.add_paragraph(labels["no_revisions"])

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
