"""Plan administration: /plans/ (administrators only)."""
from django.urls import path

from indicators.plans import views

app_name = "plans"
urlpatterns = [
    path("plans/", views.plan_list, name="list"),
    path("plans/template.xlsx", views.template_download, name="template"),
    path("plans/upload/", views.definition_upload, name="upload"),
    path("plans/<slug:code>/in-force/", views.put_in_force, name="put_in_force"),
    path("plans/<slug:code>/end/", views.end, name="end"),
    path("plans/<slug:code>/recompute/", views.recompute, name="recompute"),
]
