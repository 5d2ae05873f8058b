"""The reviews' work sections (projects, the targets outside 专栏6, the plan's tasks) kept between changes.

They are drafted from approved project, target and task reports, which change without a recompute, so they are not
part of the cached review body (``dashboards.page_cache``); computed on every request they cost a review page about
0.2 s of a worker. Every save or delete of a model of the projects app, or of a district or department (their names
are printed), raises a version number in the cache; a section is kept under its version for ``TIMEOUT`` seconds. With
the shared cache of a deployment (``CACHE_URL``) a change shows on the next request; writes that send no signal
(bulk loads) show within ``TIMEOUT`` seconds.
"""
from __future__ import annotations

import hashlib
from typing import Any, Callable

from django.core.cache import cache

VERSION_KEY = "projects:work-version"
TIMEOUT = 30  # seconds


def version() -> int:
    v = cache.get(VERSION_KEY)
    if v is None:
        cache.add(VERSION_KEY, 1, None)
        v = cache.get(VERSION_KEY, 1)
    return int(v)


def changed(**_kwargs) -> None:
    """A signal receiver: something the work sections read has changed."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any new number invalidates what was kept
        cache.add(VERSION_KEY, 2, None)


def cached(name: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """compute() kept under (name, parts, the version) for TIMEOUT seconds; None is kept too. A missing value is
    computed by one request while the others asking for it wait (``page_cache.render_once``): when it expires under
    load, twenty workers do not all compute it at once."""
    from indicators.dashboards.page_cache import render_once

    key = "projects:work:" + hashlib.sha256(repr((name, parts, version())).encode()).hexdigest()
    return render_once(key, lambda: (compute(),), timeout=TIMEOUT)[0]


def connect() -> None:
    """Raise the version on every save and delete of the models the sections read (AppConfig.ready)."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    models = list(apps.get_app_config("projects").get_models())
    models += [m for m in apps.get_app_config("districts").get_models()]
    for model in models:
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"work-cache-save-{model._meta.label}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"work-cache-delete-{model._meta.label}")
    m2m_changed.connect(changed, weak=False, dispatch_uid="work-cache-m2m")
