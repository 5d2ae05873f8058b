from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators, figures and progress")

    def ready(self):
        from indicators.dashboards import warming  # noqa: F401  (warms the pages after a recompute: its receiver)
