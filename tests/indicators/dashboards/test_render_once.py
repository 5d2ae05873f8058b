"""A body missing from the cache is rendered once however many requests ask for it at the same moment (issue 17:
several gunicorn workers missing the cache after a recompute each rendered the same 16-second body). Real threads
against the real cache backends: the local-memory cache of the default set-up and Redis (CACHE_URL in production;
here TEST_REDIS_URL, keys of the test's own, removed after). Renders are counted in the render callable itself."""
import os
import threading
import time
import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from indicators.dashboards.page_cache import render_once
from tests.conftest import require

THREADS = 8


class Renders:
    """The render callable: counts its calls, takes ``seconds`` (a page's render), raises when told to."""

    def __init__(self, seconds: float = 0.3, fail_first: bool = False):
        self.count, self.seconds, self.fail_first = 0, seconds, fail_first
        self.lock = threading.Lock()

    def __call__(self) -> str:
        with self.lock:
            self.count += 1
            n = self.count
        time.sleep(self.seconds)
        if self.fail_first and n == 1:
            raise RuntimeError("the first renderer dies")
        return f"<main>body {n}</main>"


def _at_once(n: int, call) -> list:
    """Call ``call()`` from n threads released together; the results (or exceptions) in thread order."""
    start, results = threading.Barrier(n), [None] * n

    def run(i):
        start.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001  (the test reads it)
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    return results


@pytest.fixture(params=["locmem", "redis"])
def store(request):
    if request.param == "locmem":
        yield LocMemCache(f"render-once-{uuid.uuid4().hex}", {})
        return
    url = os.environ.get("TEST_REDIS_URL", "")
    require(bool(url), "TEST_REDIS_URL is not set (a real Redis for the cache lock)")
    prefix = f"test-render-once-{uuid.uuid4().hex}"
    redis_cache = RedisCache(url, {"KEY_PREFIX": prefix})
    yield redis_cache
    client = redis_cache._cache.get_client(write=True)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_concurrent_requests_for_a_cold_body_render_it_once(store):
    renders = Renders()
    results = _at_once(THREADS, lambda: render_once("page:cold", renders, store=store, lock_seconds=10,
                                                     wait_seconds=10))
    assert renders.count == 1
    assert results == ["<main>body 1</main>"] * THREADS
    assert store.get("page:cold") == "<main>body 1</main>"
    assert store.get("page:cold:rendering") is None  # the lock is let go
    # served from the cache afterwards: no render at all
    assert render_once("page:cold", renders, store=store) == "<main>body 1</main>" and renders.count == 1


def test_the_default_page_cache_renders_once_too():
    renders = Renders()
    key = f"page:default-{uuid.uuid4().hex}"
    results = _at_once(THREADS, lambda: render_once(key, renders, lock_seconds=10, wait_seconds=10))
    assert renders.count == 1 and set(results) == {"<main>body 1</main>"}


def test_when_the_renderer_fails_one_waiter_takes_over(store):
    """The holder raises (its request fails): the lock goes with it, and one waiter, not all, renders."""
    renders = Renders(fail_first=True)
    results = _at_once(THREADS, lambda: render_once("page:failing", renders, store=store, lock_seconds=10,
                                                     wait_seconds=10))
    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1 and renders.count == 2
    assert [r for r in results if not isinstance(r, Exception)] == ["<main>body 2</main>"] * (THREADS - 1)


def test_a_lock_whose_holder_died_expires_and_a_waiter_renders(store):
    """A holder killed mid-render leaves its lock behind: the waiters wait for it to expire (lock_seconds), then
    one of them renders, well before the bound on waiting."""
    store.add("page:orphaned:rendering", "a worker that was killed", timeout=1)
    renders = Renders(seconds=0.1)
    started = time.monotonic()
    results = _at_once(4, lambda: render_once("page:orphaned", renders, store=store, lock_seconds=10,
                                               wait_seconds=20))
    elapsed = time.monotonic() - started
    assert renders.count == 1 and set(results) == {"<main>body 1</main>"}
    assert 0.9 <= elapsed < 10


def test_a_waiter_renders_itself_after_the_bound_on_waiting(store):
    """A holder alive but slower than the bound: the waiter does not wait for ever."""
    slow, quick = Renders(seconds=3), Renders(seconds=0)
    holder = threading.Thread(target=lambda: render_once("page:slow", slow, store=store, lock_seconds=10,
                                                         wait_seconds=10))
    holder.start()
    time.sleep(0.2)  # the holder has the lock
    started = time.monotonic()
    assert render_once("page:slow", quick, store=store, lock_seconds=10, wait_seconds=0.5) == "<main>body 1</main>"
    assert 0.5 <= time.monotonic() - started < 2.5 and quick.count == 1
    holder.join(10)
    assert slow.count == 1


@pytest.mark.django_db(transaction=True)
def test_officials_opening_a_cold_overview_at_once_cause_one_render(plan, official):
    """The page itself: six officials' requests for the overview right after a recompute (threads, each with its own
    client and database connection) render its body once; each page shows it. Renders are counted from Django's
    template_rendered signal, sent for every template rendered (the test environment's instrumentation)."""
    from django.db import connection
    from django.test import Client
    from django.test.signals import template_rendered

    from indicators.loaders import demo

    demo.demo_load(plan=plan, indicator_numbers=[1, 3, 5], district_codes=["shizhong", "emeishan", "shawan"])
    rendered, lock = [], threading.Lock()

    def count(sender, template, **kwargs):
        if template.name == "indicators/dashboards/_overview_body.html":
            with lock:
                rendered.append(threading.get_ident())

    clients = []
    for _ in range(6):
        client = Client()
        client.force_login(official)
        clients.append(client)
    template_rendered.connect(count)
    try:
        def get(client):
            try:
                return client.get("/")
            finally:
                connection.close()  # this thread's own connection

        pages = _at_once(6, lambda: get(clients.pop()))
    finally:
        template_rendered.disconnect(count)
    assert [p.status_code for p in pages] == [200] * 6
    assert len(rendered) == 1
    assert all(p.content.count(b'data-testid="indicator-card"') == 16 for p in pages)
