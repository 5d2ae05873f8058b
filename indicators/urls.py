from django.urls import include, path

from indicators import views, views_dashboard

urlpatterns = [
    path("", views_dashboard.overview, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("published/upload/", views.bulletin_upload, name="bulletin_upload"),
    path("", include("indicators.urls_entry")),
    path("", include("indicators.urls_dashboard")),
    path("", include("indicators.urls_review")),
]
