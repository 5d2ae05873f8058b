"""The bodies officials open first, rendered into the page cache after a recompute, before anyone asks for them.

A recompute gives every page a new key (page_cache): the first official to open the overview or the review after
an approval would wait for its render (seconds at a province's scale). Once the recompute's transaction commits,
a task of its own renders the overview, the review text (/reviews/, its default period), the latest annual review
(/reports/), the map and the reporting completeness (/completeness/), in Chinese and in English, as a city official
sees them — through the pages' own views, so the keys
and bodies are exactly those of a real request. A body's key holds the viewer's role and district, not the user
(page_cache.viewer): one official's body is every official's. Administrators (their own key) and county staff
(one key per district, 183 at a province's scale) are not warmed.

Where it runs: with a broker, a Celery task (tasks.warm_pages_task) — useful only when the cache is shared
(CACHE_URL): a worker's memory is not the web's. Without a broker (tasks in-process), a thread of the process that
ran the recompute, so the request that approved a figure does not wait for ten renders; a burst of recomputes is
warmed once, for the newest run.
"""
from __future__ import annotations

import io
import logging
import threading

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections, transaction
from django.dispatch import receiver
from django.urls import resolve, reverse
from django.utils import translation

from districts import access
from indicators.figures import selectors as figures
from indicators.models import RecomputeRun
from indicators.progress.signals import progress_recomputed

logger = logging.getLogger(__name__)

LANGUAGES = ("zh-hans", "en")
# the overview, the review text, the latest annual review, the map and the reporting completeness
PAGES = ("home", "review:page", "reports", "map_page", "entry:completeness")
THREAD_NAME = "warm-pages"


def _official():
    """A city official (not an administrator) to render as: the bodies are shared by every official."""
    return (get_user_model().objects.filter(is_active=True, is_superuser=False, groups__name=access.CITY_OFFICIAL)
            .exclude(groups__name=access.ADMIN).order_by("pk").first())


def pages_warm(*, plan_id: int, run_id: int | None = None) -> list[tuple[str, str]]:
    """Render the pages officials open first into the cache, for the plan pages show by default; returns the
    (page, language) pairs served. Nothing when the plan is not that one, when ``run_id`` is no longer the plan's
    newest run (the newer run's warming follows) or when there is no official to render as."""
    plan = figures.current_plan()
    if plan is None or plan.pk != plan_id:
        return []
    newest = RecomputeRun.objects.filter(plan_id=plan_id).order_by("-pk").values_list("pk", flat=True).first()
    if run_id is not None and newest != run_id:
        return []
    user = _official()
    if user is None:
        logger.info("pages not warmed: no city official to render as")
        return []
    warmed = []
    for language in LANGUAGES:
        with translation.override(language):
            for name in PAGES:
                path = reverse(name)
                request = _get(path)
                request.user, request.LANGUAGE_CODE = user, language
                try:
                    status = resolve(path).func(request).status_code
                except Exception:  # one page failing leaves the others warm; the page will say why when opened
                    logger.exception("warming %s (%s) failed", path, language)
                    continue
                if status == 200:
                    warmed.append((name, language))
    logger.info("pages warmed plan=%s run=%s pages=%d", plan_id, run_id, len(warmed))
    return warmed


def _get(path: str) -> WSGIRequest:
    """A GET of ``path`` as the server would hand it to the view (no cookie, no query: the pages' defaults)."""
    return WSGIRequest({"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "localhost",
                        "SERVER_PORT": "80", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http"})


@receiver(progress_recomputed, dispatch_uid="dashboards.warming")
def _after_recompute(sender, *, plan_id: int, run_id: int, **kwargs) -> None:
    if settings.WARM_PAGES_AFTER_RECOMPUTE:
        transaction.on_commit(lambda: pages_warm_enqueue(plan_id=plan_id, run_id=run_id))


def pages_warm_enqueue(*, plan_id: int, run_id: int) -> None:
    """Warm in a Celery task (a broker and a shared cache), else in a thread of this process."""
    from indicators.dashboards.tasks import warm_pages_task

    if warm_pages_task.app.conf.task_always_eager:
        _warm_in_thread(plan_id, run_id)
        return
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        logger.info("pages not warmed: a worker's local-memory cache is not the web's (set CACHE_URL)")
        return
    try:
        warm_pages_task.delay(plan_id, run_id)
    except Exception:  # broker unreachable: the recompute ran here, so may the warming
        logger.warning("broker unavailable, warming pages in-process", exc_info=True)
        _warm_in_thread(plan_id, run_id)


_pending: dict[int, int] = {}  # plan id → the newest run to warm, taken by the running thread
_pending_lock = threading.Lock()
_thread: threading.Thread | None = None


def _warm_in_thread(plan_id: int, run_id: int) -> None:
    global _thread
    with _pending_lock:
        _pending[plan_id] = max(run_id, _pending.get(plan_id, 0))
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_drain, name=THREAD_NAME, daemon=True)
            _thread.start()


def _drain() -> None:
    global _thread
    try:
        while True:
            with _pending_lock:
                if not _pending:
                    _thread = None
                    return
                plan_id, run_id = _pending.popitem()
            try:
                pages_warm(plan_id=plan_id, run_id=run_id)
            except Exception:
                logger.exception("warming the pages of plan %s failed", plan_id)
    finally:
        connections.close_all()  # this thread's own connections


def wait(timeout: float | None = None) -> None:
    """Until the in-process warming has finished (a management command about to exit, a test)."""
    thread = _thread
    if thread is not None:
        thread.join(timeout)
