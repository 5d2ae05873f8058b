"""The body of a page rendered once per recompute and cached: one helper for every page that reads progress rows.

A page's body changes only when what it shows changes: the plan's progress rows (a new recompute run), its
indicators' names, the language, and what this viewer may see (officials see every district; county staff their
own district, and a staff member of one district must never be served another's body). Pages that also show
reporting status or admin-edited places and projects add those to the key (``figures.page_state``). The page
around the body (the user's name, the navigation, the inbox count) is rendered for every request.

A body missing from the cache is rendered by one request while the others asking for it wait (``render_once``):
at a province's scale a body takes seconds to render, and every worker rendering it at once would take them all.
"""
from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from districts import access
from indicators.figures import selectors as figures

TIMEOUT = 24 * 3600  # a body outlives no day: pages that count days (deadlines, milestones) key on the date too


def viewer(user) -> str:
    """What decides what a user sees on the pages (districts.access): the role and, for county staff, the district."""
    return f"{access.role_of(user)}:{access.user_district_code(user) or ''}"


def body(request, plan, page: str, build: Callable[[], tuple[str, dict]], *, vary=(), entry: bool = False,
         reference: bool = False, dated: bool = False) -> SafeString:
    """The cached body of ``page`` for this request, rendered by ``build()`` → (template, context) on a miss.

    vary: the request's parameters the body depends on (an indicator's number, a year, a basis …);
    entry: the body shows reporting status (keyed on the newest submission change and figure version too);
    reference: it shows places and projects as edited in the admin; dated: it counts days from today.
    The key is read with one SQL statement; the demo banner's flag comes with it. Without a plan: not cached."""
    if plan is None:
        template, context = build()
        return mark_safe(render_to_string(template, context, request=request))
    state, request.demo_data_present = figures.page_state(plan.id, entry=entry, reference=reference)
    parts = [page, str(plan.id), state, get_language() or "", viewer(request.user), *map(str, vary)]
    if dated:
        parts.append(timezone.localdate().isoformat())
    key = "page:" + hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    html = render_once(key, lambda: _render(request, build))
    # the body is the output of our own template, every value escaped when it was rendered
    return mark_safe(html)


def _render(request, build: Callable[[], tuple[str, dict]]) -> str:
    template, context = build()
    return render_to_string(template, context, request=request)


def render_once(key: str, render: Callable[[], str], *, store=None, timeout: int = TIMEOUT,
                lock_seconds: float | None = None, wait_seconds: float | None = None) -> str:
    """The text cached at ``key``; on a miss ``render()``'s, rendered by one caller while the others wait for it.

    The caller that adds the lock (``cache.add``: atomic in local memory and in Redis) renders and stores; the
    others poll the key. A lock that vanishes without a value (its holder raised, or died and the lock expired after
    ``lock_seconds``) is taken by the next poller, which renders. After ``wait_seconds`` a waiter renders itself:
    a holder alive but that slow is rarer than a cache that drops what it is given. store: the cache (default)."""
    store = cache if store is None else store
    lock_seconds = settings.PAGE_RENDER_LOCK_SECONDS if lock_seconds is None else lock_seconds
    wait_seconds = settings.PAGE_RENDER_WAIT_SECONDS if wait_seconds is None else wait_seconds
    value = store.get(key)
    if value is not None:
        return value
    lock, token = f"{key}:rendering", uuid.uuid4().hex
    deadline, pause = time.monotonic() + wait_seconds, 0.02
    while True:
        if store.add(lock, token, timeout=lock_seconds):
            try:
                value = store.get(key)  # stored between our miss and the lock by a holder that has just let go
                if value is None:
                    value = render()
                    store.set(key, value, timeout=timeout)
                return value
            finally:
                if store.get(lock) == token:  # not a lock taken by another after ours expired
                    store.delete(lock)
        if time.monotonic() >= deadline:
            break
        time.sleep(pause)
        pause = min(pause * 1.5, 0.5)
        value = store.get(key)
        if value is not None:
            return value
    value = render()
    store.set(key, value, timeout=timeout)
    return value
