from django.conf import settings

from districts import access


def site(request):
    """Site title, the viewer's role (for the navigation) and the demo banner flag on every page."""
    from indicators.figures.selectors import demo_data_present

    user = getattr(request, "user", None)
    role = access.role_of(user) if user is not None else "anonymous"
    demo = getattr(request, "demo_data_present", None)  # a view that has already asked sets it
    return {"SITE_TITLE": settings.SITE_TITLE, "DEMO_DATA": demo_data_present() if demo is None else demo,
            "ROLE": role,
            "IS_OFFICIAL": role in ("official", "admin"), "OWN_DISTRICT": access.user_district_code(user)
            if user is not None else None}
