from django.conf import settings


def site(request):
    """Site title and the demo banner flag for every page (one cheap query)."""
    from indicators.selectors import demo_data_present

    return {"SITE_TITLE": settings.SITE_TITLE, "DEMO_DATA": demo_data_present()}
