from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Zones and projects")

    def ready(self):
        from projects import work_cache

        work_cache.connect()
