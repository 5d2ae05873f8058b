"""Review reports (issue 8): a page officials copy from, and the same review as a .docx download.

Thin views: parse the query, ask districts.access, read with selectors_review, write with review / review_docx.
"""
from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from districts import access
from districts.models import Plan
from indicators.dashboards import page_cache
from indicators.figures import selectors as figures
from indicators.jobs import services as jobs
from indicators.models import BackgroundJob
from indicators.reviews import documents, report, wording
from indicators.reviews import selectors as selectors_review
from indicators.reviews.documents import review_for, tasks_for
from projects import selectors as project_selectors
from projects import work_cache


def _int(value, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be a whole number") from None


def _params(request, plan: Plan, codes: dict[str, str]) -> dict:
    """scope, year, quarter, lang from the query, with defaults; 404 for an unknown district, 403 for one the user
    may not see (districts.access decides), 400 for a malformed period."""
    user = request.user
    scope = request.GET.get("scope") or ("city" if access.is_official(user) else access.user_district_code(user)
                                         or "city")
    if scope != "city" and scope not in codes:
        raise Http404("unknown district")
    access.require_view(user, None if scope == "city" else scope)
    periods = selectors_review.review_periods(plan, scope) or selectors_review.review_periods(plan, "city")
    default_year, default_quarter = periods[-1] if periods else (plan.start_year, 4)
    year = _int(request.GET.get("year") or default_year, "year")
    quarter = _int(request.GET.get("quarter") or (default_quarter if "year" not in request.GET else 4), "quarter")
    if not plan.base_year <= year <= plan.end_year or quarter not in (1, 2, 3, 4):
        raise BadRequest("year or quarter outside the plan")
    lang = request.GET.get("lang") or ("en" if (get_language() or "").startswith("en") else "zh")
    if lang not in wording.LANGS:
        raise BadRequest("lang must be zh or en")
    return {"scope": scope, "year": year, "quarter": quarter, "lang": lang}


def _plan(request) -> Plan:
    plan = figures.plan_for_request(request)
    if plan is None:
        raise Http404("no plan loaded")
    return plan


@require_GET
def review_page(request):
    plan = _plan(request)
    districts = selectors_review.districts(plan)
    codes = {d["code"]: d["name"] for d in districts}
    p = _params(request, plan, codes)
    body = page_cache.body(request, plan, "review", lambda: _review_body(request, plan, districts, p),
                           vary=sorted(p.items()))
    return render(request, "indicators/reviews/review.html", {
        "plan": plan, "title": documents.review_title(plan, p), "body": body, "params": p,
        "docx_job_url": f"{reverse('review:docx_job')}?{urlencode({**p, 'plan': plan.code})}",
        "work_html": _work_html(request, plan, p)})


def _work_html(request, plan: Plan, p: dict) -> str:
    """The projects', targets' and tasks' sections: drafted from approved project, target and task reports, which
    change without a recompute, so not in the body; kept as their text between changes of those reports (one
    string per request, not their objects: unpickling lists of model objects on every request fed the garbage
    collector's pauses)."""
    def render_sections():
        work = project_selectors.review_section(plan, year=p["year"], quarter=p["quarter"], lang=p["lang"])
        return mark_safe(render_to_string("indicators/reviews/_work.html", {
            "params": p, "tasks": tasks_for(plan, **p), "work": work}, request=request))

    return work_cache.cached("review-work-html", (plan.pk, tuple(sorted(p.items())), get_language()),
                             render_sections)


def _review_body(request, plan: Plan, districts: list[dict], p: dict) -> tuple[str, dict]:
    review, data = review_for(plan, **p)
    scopes = ([("city", _("全市"))] if access.can_view_district(request.user, None) else []) + [
        (d["code"], d["name"]) for d in districts if access.can_view_district(request.user, d["code"])]
    context = {
        "plan": plan, "params": p, "review": review, "title": documents.review_title(plan, p), "scopes": scopes,
        "years": list(range(plan.start_year, plan.end_year + 1)), "quarters": [1, 2, 3, 4],
        "langs": [("zh", "中文"), ("en", "English")], "demo": data.demo,
        "docx_url": f"{reverse('review:docx')}?{urlencode({**p, 'plan': plan.code})}",
        "plain_text": review.plain_text(),
        "columns": report.table_columns(review), "table": report.table_rows(review),
        "table_note": report.table_note(review), "ranking_columns": report.ranking_columns(review),
        "ranking": report.ranking_rows(review),
    }
    return "indicators/reviews/_review_body.html", context


@require_GET
def review_docx(request):
    plan = _plan(request)
    codes = {d["code"]: d["name"] for d in selectors_review.districts(plan)}
    p = _params(request, plan, codes)
    response = HttpResponse(documents.review_docx(plan, p), content_type=documents.DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{documents.docx_filename(p)}"'
    return response


@require_POST
def review_docx_job(request):
    """The same .docx built in the background: a progress page, then the file (the query as for review_docx)."""
    plan = _plan(request)
    codes = {d["code"]: d["name"] for d in selectors_review.districts(plan)}
    p = _params(request, plan, codes)
    job = jobs.job_start(owner=request.user, kind=BackgroundJob.Kind.REVIEW_DOCX, params={**p, "plan": plan.code})
    return redirect("jobs:page", job_id=job.pk)
