"""The review report as a Word document (python-docx): title, scope and period, the summary, a table of every
indicator with its light (symbol and word, not colour alone), one chart per lagging indicator, the paragraphs
and the revisions.

The charts are the dashboards' own (``charts.indicator_chart``) drawn from the same stored rows, exported to PNG
with kaleido, which drives a local Chromium (Debian's ``chromium`` here). Where kaleido or a browser is missing
the document is still built and says, in place of each chart, why it is not there.
"""
from __future__ import annotations

import asyncio
import io
import logging
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
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
from indicators.reviews.report import Review
from indicators.reviews.selectors import ReviewData
from indicators.reviews.sentences import Paragraph
from indicators.reviews.wording import period_label

logger = logging.getLogger(__name__)

CHART_WIDTH, CHART_HEIGHT, CHART_SCALE = 900, 430, 2
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
LABELS = {
    "zh": {"scope": "评估范围", "period": "数据截至", "basis": "数据口径",
           "basis_text": "各项数据取最新修订数；完成目标进度、时间进度、红黄绿灯均取自系统存储的进度计算结果",
           "generated": "生成时间", "demo": "注意：系统中含演示数据（程序生成，非官方统计），正式报送前请核实。",
           "h_summary": "一、总体情况", "h_table": "二、指标完成情况一览", "h_charts": "三、滞后指标走势图",
           "h_paragraphs": "四、分指标评估", "h_revisions": "五、数据修订情况", "no_revisions": "本期无数据修订。",
           "no_lagging": "本期无需加快、进展有限或倒退的指标。",
           "columns": ["序号", "指标", "目标值", "本期值", "数据期", "完成目标进度", "时间进度", "评估结论", "灯号"],
           "caption": "图{n}　{name}：基期→目标路径、实际值与按当前增速的预测",
           "caption_rate": "图{n}　{name}：规划期年均增速与目标",
           "caption_qualitative": "图{n}　{name}：实际完成与省下达目标任务",
           "no_chart": "（图表未能生成：服务器需安装 kaleido 与 Chromium 浏览器。）"},
    "en": {"scope": "Scope", "period": "Data up to", "basis": "Basis",
           "basis_text": "newest (revised) figures; completion, time elapsed and lights are the stored progress "
                         "results",
           "generated": "Generated", "demo": "Note: the system holds demo data (generated, not official statistics); "
                                             "verify before submitting.",
           "h_summary": "1. Overview", "h_table": "2. Indicators at a glance", "h_charts": "3. Lagging indicators",
           "h_paragraphs": "4. Indicator by indicator", "h_revisions": "5. Revisions",
           "no_revisions": "No figure of the period was revised.",
           "no_lagging": "No indicator needs acceleration, shows limited progress or deteriorates.",
           "columns": ["No.", "Indicator", "Target", "Value", "Period", "Completion", "Time elapsed", "Assessment",
                       "Light"],
           "caption": "Figure {n}. {name}: path from baseline to target, actual values and projection at the "
                      "current growth rate",
           "caption_rate": "Figure {n}. {name}: average annual growth over the plan period and the target",
           "caption_qualitative": "Figure {n}. {name}: actual amount and the amount assigned by the province",
           "no_chart": "(Chart not drawn: the server needs kaleido and a Chromium browser.)"},
}


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
            latest = rows.get((p.indicator_id, p.year, p.quarter)) or {}
            fig = charts.indicator_chart(
                data.history.get(p.indicator_id), chart_periods(data, p.indicator_id, review.scope.code, review.lang),
                unit=ind["unit"], measure=ind["measure"], decimals=int(ind["decimals"]),
                baseline_year=latest.get("baseline_year"), baseline_value=latest.get("baseline_value"),
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


def _fonts(doc: Document) -> None:
    for name, latin, east in (("Normal", "Times New Roman", "宋体"), ("Title", "Times New Roman", "黑体"),
                              ("Heading 1", "Times New Roman", "黑体"), ("Heading 2", "Times New Roman", "黑体")):
        style = doc.styles[name]
        style.font.name = latin
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), east)
    doc.styles["Normal"].font.size = Pt(11)


def _light_colour(light) -> RGBColor:
    return RGBColor.from_string(charts.LIGHT_COLOURS[charts.light_key(light)].lstrip("#").upper())


def _table(doc: Document, review: Review, labels: dict) -> None:
    columns = labels["columns"]
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, columns):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    for p in review.paragraphs:
        cells = table.add_row().cells
        period = period_label(p.year, p.quarter, review.lang) if p.year else "—"
        values = [str(p.number), p.name, p.target_text, p.value_text, period, p.completion_text, p.time_share_text,
                  p.status_label]
        for cell, text in zip(cells, values):
            cell.text = text
        run = cells[-1].paragraphs[0].add_run(p.light_badge)
        run.font.color.rgb = _light_colour(p.light)
        run.bold = True
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(9)


def build_docx(review: Review, data: ReviewData, *, title: str, generated_at: datetime | None = None,
               pngs: list[bytes | None] | None = None) -> bytes:
    """The .docx bytes. pngs: the lagging charts already drawn (tests pass them); None: draw them here."""
    labels = LABELS[review.lang]
    doc = Document()
    _fonts(doc)
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.2)

    heading = doc.add_heading(title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sep = "：" if review.lang == "zh" else ": "
    if review.lang == "zh":
        period = f"{review.period_text.removeprefix('截至')}（{review.kind_label}）"
    else:
        period = f"{period_label(review.year, review.quarter, 'en')} ({review.kind_label})"
    info = [f"{labels['scope']}{sep}{review.scope.name(review.lang)}", f"{labels['period']}{sep}{period}",
            f"{labels['basis']}{sep}{labels['basis_text']}"]
    if generated_at is not None:
        info.append(f"{labels['generated']}{sep}{generated_at:%Y-%m-%d %H:%M}")
    for line in info:
        doc.add_paragraph(line)
    if data.demo:
        note = doc.add_paragraph()
        run = note.add_run(labels["demo"])
        run.bold = True

    doc.add_heading(labels["h_summary"], level=1)
    doc.add_paragraph(review.summary)

    doc.add_heading(labels["h_table"], level=1)
    _table(doc, review, labels)

    doc.add_heading(labels["h_charts"], level=1)
    figures = lagging_figures(review, data)
    if pngs is None:
        pngs = figures_png([fig for _p, fig in figures])
    if not figures:
        doc.add_paragraph(labels["no_lagging"])
    measures = {i["indicator_id"]: i["measure"] for i in data.indicators}
    for n, ((p, _fig), png) in enumerate(zip(figures, pngs), start=1):
        key = {"rate": "caption_rate", "qualitative": "caption_qualitative"}.get(measures.get(p.indicator_id),
                                                                                   "caption")
        caption = doc.add_paragraph(labels[key].format(n=n, name=p.name))
        caption.runs[0].bold = True
        if png:
            doc.add_picture(io.BytesIO(png), width=Cm(16))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            doc.add_paragraph(labels["no_chart"])

    doc.add_heading(labels["h_paragraphs"], level=1)
    for p in review.paragraphs:
        title_para = doc.add_paragraph()
        title_para.add_run(p.title).bold = True
        doc.add_paragraph(p.text)

    doc.add_heading(labels["h_revisions"], level=1)
    for revision in review.revisions:
        doc.add_paragraph(revision.text)
    if not review.revisions:
        doc.add_paragraph(labels["no_revisions"])

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
