"""Data entry, approval, the officials' inbox, completeness, upload and export URLs (issues 4 and 14)."""
from django.urls import include, path

from indicators.entry import views

quarter_patterns = [
    path("", views.entry_form, name="form"),
    path("approve/", views.entry_approve, name="approve"),
    path("return/", views.entry_return, name="return"),
    path("reopen/", views.entry_reopen, name="reopen"),
    path("history/<int:number>/", views.entry_history, name="history"),
    path("template.xlsx", views.entry_template, name="template"),
    path("upload/", views.entry_upload, name="upload"),
]

app_name = "entry"
urlpatterns = [
    path("entry/", views.entry_home, name="home"),
    path("entry/inbox/", views.inbox, name="inbox"),
    path("entry/<slug:code>/<int:year>-Q<int:quarter>/", include(quarter_patterns)),
    path("completeness/", views.completeness, name="completeness"),
    path("exports/figures.xlsx", views.export_figures_xlsx, name="export_xlsx"),
    path("exports/figures.xlsx/job/", views.export_figures_xlsx_job, name="export_xlsx_job"),
    path("exports/figures.csv", views.export_figures_csv, name="export_csv"),
]
