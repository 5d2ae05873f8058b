"""The indicators app's pages, one package per part of the road a figure travels (see README → Where things are)."""
from django.urls import include, path

urlpatterns = [
    path("", include("indicators.dashboards.urls")),
    path("", include("indicators.entry.urls")),
    path("", include("indicators.reviews.urls")),
    path("", include("indicators.loaders.urls")),
    path("", include("indicators.plans.urls")),
    path("", include("indicators.jobs.urls")),
]
