from django.urls import include, path

from indicators import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("indicators.urls_entry")),
    path("", include("indicators.urls_dashboard")),
    path("", include("indicators.urls_review")),
]
