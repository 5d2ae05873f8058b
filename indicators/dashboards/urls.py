"""Dashboard URLs: overview, indicator pages, map, reports, CSV/xlsx downloads (issue 5).

Included at the site root. "/" itself is routed by indicators/urls.py (to views_dashboard.overview);
"overview/" reaches the same view.
"""
from django.urls import include, path

from indicators.dashboards import views

district_patterns = [
    path("", views.district_list, name="list"),
    path("<slug:code>/", views.district_detail, name="detail"),
]

urlpatterns = [
    path("", views.overview, name="home"),
    path("overview/", views.overview, name="overview"),
    path("indicators/<int:number>/", views.indicator_detail, name="indicator_page"),
    path("indicators/<int:number>/data.csv", views.indicator_csv, name="indicator_csv"),
    path("districts/<slug:code>/data.csv", views.district_csv, name="district_csv"),
    path("map/", views.map_view, name="map_page"),
    path("reports/", views.reports, name="reports"),
    path("reports/midterm/", views.report_midterm, name="report_midterm"),
    path("reports/final/", views.report_final, name="report_final"),
    path("reports/<int:year>/", views.report_annual, name="report_annual"),
    path("reports/<int:year>.xlsx", views.report_xlsx, name="report_xlsx"),
    path("districts/", include((district_patterns, "districts"))),
]
