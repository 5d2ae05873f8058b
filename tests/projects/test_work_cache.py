"""projects.work_cache: a work section is computed once per change; after TIMEOUT one request computes it again
while the others are served the one kept (a section expiring under load makes no request wait)."""
from types import SimpleNamespace

from django.core.cache import cache

from projects import work_cache


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def time(self):
        return self.now


def test_a_section_is_computed_once_per_change_and_renewed_by_one_request_after_its_timeout(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(work_cache, "time", SimpleNamespace(time=clock.time))
    computed = []

    def compute():
        computed.append(clock.now)
        return f"section {len(computed)}"

    assert work_cache.cached("s", (1,), compute) == "section 1"
    assert work_cache.cached("s", (1,), compute) == "section 1" and len(computed) == 1
    work_cache.changed()  # a save or delete of what the section reads
    assert work_cache.cached("s", (1,), compute) == "section 2"

    clock.now += work_cache.TIMEOUT + 1  # expired: what changed without a signal shows now
    key = work_cache.section_key("s", (1,))
    cache.add(f"{key}:renewing", 1, 60)  # another request is computing it: this one is served the section kept
    assert work_cache.cached("s", (1,), compute) == "section 2" and len(computed) == 2
    cache.delete(f"{key}:renewing")
    assert work_cache.cached("s", (1,), compute) == "section 3"  # this request renews it
    assert work_cache.cached("s", (1,), compute) == "section 3" and len(computed) == 3
    assert cache.get(f"{key}:renewing") is None  # the renewing request let go of its lock
