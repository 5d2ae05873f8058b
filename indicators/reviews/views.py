"""Review reports (issue 8): a page officials copy from, and the same review as a .docx download.

Thin views: parse the query, ask districts.access, read with selectors_review, write with review / review_docx.
"""
from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from districts import access
from districts.models import Plan
from indicators.figures import selectors as figures
from indicators.progress.services import thresholds
from indicators.reviews import report, wording
from indicators.reviews import selectors as selectors_review
from indicators.reviews.docx import build_docx

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


def _title(plan: Plan, p: dict) -> str:
    with translation.override("en" if p["lang"] == "en" else "zh-hans"):
        name = figures.name_in_language(plan.name)
    return wording.review_title(name, plan.start_year, plan.end_year, p["year"], p["quarter"], p["lang"])


@require_GET
def review_page(request):
    plan = _plan(request)
    districts = selectors_review.districts(plan)
    codes = {d["code"]: d["name"] for d in districts}
    p = _params(request, plan, codes)
    review, data = review_for(plan, **p)
    scopes = ([("city", _("全市"))] if access.can_view_district(request.user, None) else []) + [
        (d["code"], d["name"]) for d in districts if access.can_view_district(request.user, d["code"])]
    context = {
        "plan": plan, "params": p, "review": review, "title": _title(plan, p), "scopes": scopes,
        "years": list(range(plan.start_year, plan.end_year + 1)), "quarters": [1, 2, 3, 4],
        "langs": [("zh", "中文"), ("en", "English")], "demo": data.demo,
        "docx_url": f"{reverse('review:docx')}?{urlencode({**p, 'plan': plan.code})}", "plain_text": review.plain_text(),
        "columns": report.table_columns(review), "table": report.table_rows(review),
        "table_note": report.table_note(review), "ranking_columns": report.ranking_columns(review),
        "ranking": report.ranking_rows(review),
    }
    return render(request, "indicators/reviews/review.html", context)


@require_GET
def review_docx(request):
    plan = _plan(request)
    codes = {d["code"]: d["name"] for d in selectors_review.districts(plan)}
    p = _params(request, plan, codes)
    review, data = review_for(plan, **p)
    content = build_docx(review, data, title=_title(plan, p), generated_at=timezone.localtime())
    response = HttpResponse(content, content_type=DOCX_TYPE)
    filename = f"review-{p['scope']}-{p['year']}Q{p['quarter']}-{p['lang']}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
