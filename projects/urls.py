from django.urls import path, re_path

from projects import views

app_name = "projects"
PERIOD = r"(?P<period>\d{4}-Q[1-4])"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    re_path(rf"^(?P<pk>\d+)/{PERIOD}/$", views.project_report, name="report"),
    re_path(rf"^(?P<pk>\d+)/{PERIOD}/(?P<decision>approve|return)/$", views.project_report_decide, name="decide"),
    path("targets/", views.targets_page, name="targets"),
    path("targets/<int:pk>/", views.target_enter, name="target_enter"),
    path("register/", views.register_page, name="register"),
    re_path(rf"^register/bulletin/{PERIOD}/$", views.register_bulletin, name="register_bulletin"),
    re_path(rf"^register/bulletin/{PERIOD}\.xlsx$", views.register_bulletin_xlsx, name="register_bulletin_xlsx"),
    re_path(rf"^register/(?P<code>[-a-z0-9]+)/{PERIOD}/$", views.register_entry, name="register_entry"),
]
