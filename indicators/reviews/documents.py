"""One review as a finished document: read its stored rows, build its texts, and write the .docx — for the page's
direct download and for the background job (indicators/jobs) alike."""
from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone, translation

from districts.models import Plan
from indicators.figures import selectors as figures
from indicators.progress.services import thresholds
from indicators.reviews import report, wording
from indicators.reviews import selectors as selectors_review
from indicators.reviews.docx import build_docx
from projects import selectors as project_selectors
from projects.tasks import selectors as task_selectors

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def review_for(plan: Plan, *, scope: str, year: int, quarter: int, lang: str):
    """The review of one scope and period, built from the stored rows: (Review, ReviewData)."""
    data = selectors_review.review_data(plan, scope=scope, year=year, quarter=quarter)
    names = data.district_names
    scope_obj = wording.Scope.city() if scope == "city" else wording.Scope.district(scope, names[scope])
    own = [r for r in data.rows if r["scope"] == scope]
    district_rows = [r for r in data.rows if r["scope"] != "city"] if scope == "city" else None
    review = report.build_review(
        data.indicators, own, scope=scope_obj, year=year, quarter=quarter,
        lang=lang, district_rows=district_rows, district_names=names, revision_groups=data.revision_groups,
        first_rows=data.first_rows, start_year=plan.start_year, end_year=plan.end_year, thresholds=thresholds())
    return review, data


def tasks_for(plan: Plan, *, scope: str, year: int, quarter: int, lang: str) -> dict | None:
    """The tasks' standing for the review: the half-year the period ends in (Q1–Q2: 上半年, Q3–Q4: 下半年), every task
    for the city, a county's own (it leads or supports) for a county; the sentence in the review's language."""
    if not task_selectors.has_tasks(plan):
        return None
    with translation.override("en" if lang == "en" else "zh-hans"):
        return task_selectors.review_summary(plan, year, 1 if quarter <= 2 else 2,
                                             unit=None if scope == "city" else f"district:{scope}")


def review_title(plan: Plan, p: dict) -> str:
    """The review's title in its own language (the plan's name from the catalogue on English reviews)."""
    with translation.override("en" if p["lang"] == "en" else "zh-hans"):
        name = figures.name_in_language(plan.name)
    return wording.review_title(name, plan.start_year, plan.end_year, p["year"], p["quarter"], p["lang"])


def docx_filename(p: dict) -> str:
    return f"review-{p['scope']}-{p['year']}Q{p['quarter']}-{p['lang']}.docx"


def review_docx(plan: Plan, p: dict, *, progress: Callable[[int, str], None] | None = None) -> bytes:
    """The .docx of the review p (scope, year, quarter, lang), already checked against the user's access."""
    progress = progress or (lambda percent, step: None)
    progress(10, "reading")
    review, data = review_for(plan, **p)
    work = project_selectors.review_section(plan, year=p["year"], quarter=p["quarter"], lang=p["lang"])
    progress(20, "texts")
    return build_docx(review, data, title=review_title(plan, p), generated_at=timezone.localtime(),
                      work=[work["projects_text"], work["targets_text"]], tasks=tasks_for(plan, **p),
                      progress=progress)
