"""Task ledger, task pages, half-yearly reports and their decisions, evidence files, department pages (#16)."""
from django.urls import include, path

from projects.tasks import views

report_patterns = [
    path("", views.report, name="report"),
    path("contribution/", views.contribution, name="contribution"),
    path("approve/", views.report_approve, name="approve"),
    path("return/", views.report_return, name="return"),
]

app_name = "tasks"
urlpatterns = [
    path("tasks/", views.ledger, name="ledger"),
    path("tasks/inbox/", views.inbox, name="inbox"),
    path("tasks/<int:number>/", views.task_detail, name="detail"),
    path("tasks/<int:number>/assign/", views.task_assign, name="assign"),
    path("tasks/<int:number>/<int:year>-H<int:half>/", include(report_patterns)),
    path("tasks/evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("departments/", views.department_list, name="departments"),
    path("departments/<slug:code>/", views.department_detail, name="department"),
]
