"""After a recompute, the pages officials open first are already in the page cache (issue 17: the first official
to open the overview after each recompute waited for its render, 16 s at a province's scale): the overview, the
review text, the latest annual review, the map and the completeness page, in Chinese and in English. Measured on the first request an official
makes afterwards: the page's body template is not rendered (Django's test client lists every template rendered
for the response). The recompute's transaction commits (a transactional test), and the warming runs in its own
thread, as it does without a broker; the test waits for that thread."""
import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from districts.models import Plan
from indicators.dashboards import warming
from indicators.dashboards.tasks import warm_pages_task
from indicators.loaders import demo
from indicators.loaders.synthetic import SyntheticSpec, synthetic_load
from indicators.models import RecomputeRun
from indicators.progress.services import progress_recompute

pytestmark = pytest.mark.django_db(transaction=True)

BODIES = {
    reverse("home"): "indicators/dashboards/_overview_body.html",
    reverse("review:page"): "indicators/reviews/_review_body.html",
    reverse("reports"): "indicators/dashboards/_report_body.html",
    reverse("map_page"): "indicators/dashboards/_map_body.html",
    reverse("entry:completeness"): "indicators/entry/_completeness_body.html",
}
LANGUAGES = ("zh-hans", "en")


def _bodies_rendered(client, language: str) -> dict[str, bool]:
    """For each page: whether this request rendered its body (else it came from the cache)."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    rendered = {}
    for url, body in BODIES.items():
        response = client.get(url)
        assert response.status_code == 200, url
        rendered[url] = body in {t.name for t in response.templates}
    return rendered


@pytest.fixture
def warming_on(settings):
    settings.WARM_PAGES_AFTER_RECOMPUTE = True


def test_after_a_recompute_the_first_official_gets_the_pages_from_the_cache(plan, official, client, warming_on):
    demo.demo_load(plan=plan, indicator_numbers=[1, 3, 5], district_codes=["shizhong", "emeishan", "shawan"])
    warming.wait(60)  # the recompute at the end of the demo load has committed; its warming thread has run
    client.force_login(official)
    for language in LANGUAGES:
        assert _bodies_rendered(client, language) == {url: False for url in BODIES}, language
    # the cookie still says English: the body served is the English one, warmed in English
    english = client.get(reverse("home")).content.decode()
    assert 'id="warnings-h">Warning' in english and "预警" not in english


def test_without_warming_the_first_request_renders_the_bodies(plan, official, client, settings):
    """The check above can fail: with warming off, the first request after a recompute renders each body."""
    settings.WARM_PAGES_AFTER_RECOMPUTE = False
    demo.demo_load(plan=plan, indicator_numbers=[1, 3, 5], district_codes=["shizhong", "emeishan", "shawan"])
    client.force_login(official)
    assert _bodies_rendered(client, "zh-hans") == {url: True for url in BODIES}


def test_a_new_recompute_is_warmed_again_and_other_plans_are_not(plan, official, client, warming_on):
    demo.demo_load(plan=plan, indicator_numbers=[1], district_codes=["shizhong"])
    warming.wait(60)
    client.force_login(official)
    _bodies_rendered(client, "zh-hans")
    # a figure changes and the plan is recomputed: new keys, warmed again before anyone asks
    demo.demo_load(plan=plan, indicator_numbers=[1, 3], district_codes=["shizhong", "emeishan"])
    warming.wait(60)
    assert _bodies_rendered(client, "zh-hans") == {url: False for url in BODIES}
    # a plan pages do not show by default (a synthetic one) is recomputed: nothing rendered for it
    other = Plan.objects.get(code=synthetic_load(spec=SyntheticSpec(districts=3, indicators=6, years=2)).code)
    assert warming.pages_warm(plan_id=other.pk) == []
    assert warming.pages_warm(plan_id=plan.pk, run_id=1) == []  # not the plan's newest run: a newer warming follows
    progress_recompute(plan=plan)
    warming.wait(60)
    assert _bodies_rendered(client, "en") == {url: False for url in BODIES}


def test_the_celery_task_warms_the_same_bodies(plan, official, client, settings):
    """With a broker the warming is a task of its own (run here in-process, as Celery's eager mode runs it)."""
    settings.WARM_PAGES_AFTER_RECOMPUTE = False
    demo.demo_load(plan=plan, indicator_numbers=[1, 3], district_codes=["shizhong", "emeishan"])
    run = RecomputeRun.objects.filter(plan=plan).order_by("-pk").first()
    assert warm_pages_task.delay(plan.pk, run.pk).get() == len(BODIES) * len(LANGUAGES)
    client.force_login(official)
    for language in LANGUAGES:
        assert _bodies_rendered(client, language) == {url: False for url in BODIES}, language
