"""The deployment's progress thresholds (settings ``PROGRESS_*``): one reading for the engine, the what-if
calculator, the review reports and plan_status, so that none of them judges a figure by other values."""
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from indicators.progress import maths

# Thresholds field -> setting (leshan_plan/settings.py, each from the environment variable of the same name)
SETTINGS = {
    "on_track": "PROGRESS_ON_TRACK",
    "acceleration": "PROGRESS_ACCELERATION",
    "green_margin": "PROGRESS_GREEN_MARGIN",
    "yellow_margin": "PROGRESS_YELLOW_MARGIN",
    "default_tolerance": "PROGRESS_DEFAULT_TOLERANCE",
    "largely_achieved": "PROGRESS_LARGELY_ACHIEVED",
}


def thresholds() -> maths.Thresholds:
    """The configured thresholds; a setting that is absent keeps the built-in value, and so does every one where no
    Django settings are configured at all (the pure maths run without Django)."""
    defaults = maths.Thresholds()
    try:
        values = {field: float(getattr(settings, name, getattr(defaults, field))) for field, name in SETTINGS.items()}
    except ImproperlyConfigured:
        return defaults
    return maths.Thresholds(**values)
