from django.conf import settings
from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from leshan_plan import health

# Password reset only where mail is delivered (settings.PASSWORD_RESET_ENABLED); login, logout, password change always.
PASSWORD_RESET_NAMES = {"password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}
account_patterns = [p for p in auth_urls.urlpatterns
                    if settings.PASSWORD_RESET_ENABLED or p.name not in PASSWORD_RESET_NAMES]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include(account_patterns)),
    path("", include("indicators.urls")),
    path("projects/", include("projects.urls")),
    path("", include("projects.tasks.urls")),
]

admin.site.site_header = _("乐山市“十四五”现代服务业发展规划 · 管理后台")
admin.site.site_title = _("规划跟踪管理后台")
admin.site.index_title = _("数据与账号管理")
