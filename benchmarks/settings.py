"""Settings of the benchmark: the test settings (production-like: DEBUG off), a trivial view added to the URLs,
and static files collected and compressed the way production serves them (whitenoise, hashed names, .gz/.br)."""
import os
from pathlib import Path

from leshan_plan.settings_test import *  # noqa: F401,F403
from leshan_plan.settings_test import STORAGES

ROOT_URLCONF = "benchmarks.urls"
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", "/tmp/leshan-bench-static"))
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}
