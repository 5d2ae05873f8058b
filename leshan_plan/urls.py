from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from leshan_plan import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("indicators.urls")),
    path("projects/", include("projects.urls")),
]

admin.site.site_header = _("乐山市“十四五”现代服务业发展规划 · 管理后台")
admin.site.site_title = _("规划跟踪管理后台")
admin.site.index_title = _("数据与账号管理")
