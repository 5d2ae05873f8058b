from django.conf import settings
from django.utils.functional import SimpleLazyObject

from districts import access


def site(request):
    """Site title, the viewer's role (for the navigation), the demo banner flag and, for officials, how many
    submissions await their decision (one query, made only when a page shows it) on every page."""
    from indicators.entry.selectors import awaiting_review_count
    from indicators.figures.selectors import demo_data_present

    user = getattr(request, "user", None)
    role = access.role_of(user) if user is not None else "anonymous"
    demo = getattr(request, "demo_data_present", None)  # a view that has already asked sets it
    official = role in ("official", "admin")
    return {"SITE_TITLE": settings.SITE_TITLE, "DEMO_DATA": demo_data_present() if demo is None else demo,
            "ROLE": role,
            "IS_OFFICIAL": official, "OWN_DISTRICT": access.user_district_code(user)
            if user is not None else None,
            "INBOX_COUNT": SimpleLazyObject(awaiting_review_count) if official else 0}
