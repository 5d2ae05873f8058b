"""The reviews' work sections (projects, the targets outside 专栏6, the plan's tasks) kept between changes.

They are drafted from approved project, target and task reports, which change without a recompute, so they are not
part of the cached review body (``dashboards.page_cache``); computed on every request they cost a review page about
0.2 s of a worker. Every save or delete of a model of the projects app, or of a district or department (their names
are printed), raises a version number in the cache; a section is kept under its version and computed again after
``TIMEOUT`` seconds by one request while the others are served the one kept. With the shared cache of a deployment
(``CACHE_URL``) a change shows on the next request; writes that send no signal (bulk loads) show within ``TIMEOUT``
seconds.
"""
from __future__ import annotations

import hashlib
import time
from typing import Any, Callable

from django.core.cache import cache

VERSION_KEY = "projects:work-version"
TIMEOUT = 30  # seconds: a section is computed again after this, for what changes without a signal
KEPT_SECONDS = 600  # a section no one asked for in this long is dropped
RENEW_SECONDS = 60  # the life of the lock of the one request that computes a section again


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


def section_key(name: str, parts: tuple) -> str:
    """The cache key of a section under the current version."""
    return "projects:work:" + hashlib.sha256(repr((name, parts, version())).encode()).hexdigest()


def cached(name: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """compute() kept under (name, parts, the version); None is kept too.

    A change that sends a signal raises the version: the next request computes afresh (one request computes while
    the others asking wait, ``page_cache.render_once``). What changes without a signal (bulk loads) is bounded by
    TIMEOUT: after it, one request computes the section again while the others go on being served the one kept,
    so that a section expiring under load makes no request wait."""
    from indicators.dashboards.page_cache import render_once

    key = section_key(name, parts)
    kept = cache.get(key)
    if kept is not None:
        value, fresh_until = kept
        if time.time() < fresh_until or not cache.add(f"{key}:renewing", 1, RENEW_SECONDS):
            return value
        try:
            value = compute()
            cache.set(key, (value, time.time() + TIMEOUT), KEPT_SECONDS)
        finally:
            cache.delete(f"{key}:renewing")
        return value
    return render_once(key, lambda: (compute(), time.time() + TIMEOUT), timeout=KEPT_SECONDS)[0]


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
