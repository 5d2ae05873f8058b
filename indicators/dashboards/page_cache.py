"""The body of a page rendered once per recompute and cached: one helper for every page that reads progress rows.

A page's body changes only when what it shows changes: the plan's progress rows (a new recompute run), its
indicators' names, the language, and what this viewer may see (officials see every district; county staff their
own district, and a staff member of one district must never be served another's body). Pages that also show
reporting status or admin-edited places and projects add those to the key (``figures.page_state``). The page
around the body (the user's name, the navigation, the inbox count) is rendered for every request.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

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
    html = cache.get(key)
    if html is None:
        template, context = build()
        html = render_to_string(template, context, request=request)
        cache.set(key, html, timeout=TIMEOUT)
    # the body is the output of our own template, every value escaped when it was rendered
    return mark_safe(html)
