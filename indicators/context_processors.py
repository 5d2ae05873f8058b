from urllib.parse import quote

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from districts import access


def site(request):
    """Site title, the viewer's role (for the navigation), the demo banner flag and the plan shown on every page.

    SHOWN_PLAN is the plan the page resolved (figures.plan_for_request; None on pages about no plan): its links
    carry it as PLAN_Q ("?plan=<code>") or PLAN_AMP ("&plan=<code>"), so a link keeps showing the same plan after
    another one is put in force. PLANS: the plans the viewer may switch to (read only if the header shows them).
    """
    from districts.selectors import user_label
    from indicators.entry.selectors import awaiting_review_count
    from indicators.figures.selectors import demo_data_present, plans_visible_to
    from projects.tasks.selectors import awaiting_reports_count

    user = getattr(request, "user", None)
    role = access.role_of(user) if user is not None else "anonymous"
    demo = getattr(request, "demo_data_present", None)  # a view that has already asked sets it
    shown = getattr(request, "shown_plan", None)
    official = role in ("official", "admin")
    code = quote(shown.code) if shown is not None else ""
    return {"SITE_TITLE": settings.SITE_TITLE, "DEMO_DATA": demo_data_present() if demo is None else demo,
            "ROLE": role,
            "IS_OFFICIAL": official, "OWN_DISTRICT": access.user_district_code(user)
            if user is not None else None,
            "SHOWN_PLAN": shown, "PLAN_CODE": shown.code if shown is not None else "",
            "PLAN_Q": f"?plan={code}" if code else "", "PLAN_AMP": f"&plan={code}" if code else "",
            "PLANS": SimpleLazyObject(lambda: list(plans_visible_to(user).only(
                "code", "name", "status", "start_year", "end_year", "is_example")))
            if user is not None and user.is_authenticated else [],
            "INBOX_COUNT": SimpleLazyObject(awaiting_review_count) if official else 0,
            "TASK_INBOX_COUNT": SimpleLazyObject(awaiting_reports_count) if official else 0,
            "OWN_DEPARTMENT": access.user_department_code(user) if user is not None else None,
            "USER_LABEL": SimpleLazyObject(lambda: user_label(user))
            if user is not None and user.is_authenticated else ""}
