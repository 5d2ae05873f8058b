"""Load: city officials reading dashboards while county staff save drafts of their own quarter (issue 6).

Run by tests/test_load.py against gunicorn on loopback; by hand:
    LOAD_PASSWORD=… LOAD_DISTRICTS=shizhong,emeishan,… locust -f tests/load/locustfile.py --headless \
        -u 50 -r 10 -t 60s --host http://127.0.0.1:8000
Accounts: ``official`` and ``staff_<district code>`` (manage.py create_demo_accounts). Each staff user of the
run has a quarter to itself (its district × a quarter of LOAD_YEAR), so every save must be accepted: a refused
save, a conflict, an error page or a redirect elsewhere counts as a failure.
"""
from __future__ import annotations

import itertools
import os
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "Leshan-demo-2025")
DISTRICTS = [c for c in os.environ.get("LOAD_DISTRICTS", "shizhong").split(",") if c]
YEAR = int(os.environ.get("LOAD_YEAR", "2024"))
INDICATORS = range(1, 17)
MEASURES = ("light", "completion", "value")
# Seconds a person spends on a page before the next request (LOAD_WAIT="min,max"); a shorter wait is a stress test.
WAIT = tuple(float(x) for x in os.environ.get("LOAD_WAIT", "3,8").split(","))
_staff_numbers = itertools.count()


class FormFields(HTMLParser):
    """The fields of the entry form (id="entry-form") as the browser would send them."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_form = a.get("id") == "entry-form"
        elif self._in_form and tag == "input" and a.get("name") and a.get("type") != "submit":
            self.fields[a["name"]] = a.get("value") or ""
        elif self._in_form and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def log_in(user: HttpUser, username: str) -> None:
    user.client.get("/accounts/login/", name="/accounts/login/")
    token = user.client.cookies.get("csrftoken", "")
    with user.client.post("/accounts/login/", {"username": username, "password": PASSWORD,
                                               "csrfmiddlewaretoken": token},
                          allow_redirects=False, name="/accounts/login/ [POST]", catch_response=True) as r:
        if r.status_code != 302:
            r.failure(f"log-in of {username} refused ({r.status_code})")


class Official(HttpUser):
    """Reads the dashboards: overview, an indicator, a district, the map."""

    weight = 3
    wait_time = between(*WAIT)

    def on_start(self):
        log_in(self, "official")

    @task(3)
    def overview(self):
        self.client.get("/", name="/ (overview)")

    @task(3)
    def indicator(self):
        self.client.get(f"/indicators/{random.choice(INDICATORS)}/", name="/indicators/[n]/")

    @task(2)
    def district(self):
        self.client.get(f"/districts/{random.choice(DISTRICTS)}/", name="/districts/[code]/")

    @task(2)
    def map(self):
        self.client.get(f"/map/?indicator={random.choice([1, 5, 7])}&measure={random.choice(MEASURES)}",
                        name="/map/")


class CountyStaff(HttpUser):
    """Opens its own quarter's form and saves a draft with the form's revision token, again and again."""

    weight = 2
    wait_time = between(*WAIT)

    def on_start(self):
        n = next(_staff_numbers)
        self.code = DISTRICTS[n % len(DISTRICTS)]
        self.quarter = 1 + (n // len(DISTRICTS)) % 4
        self.url = f"/entry/{self.code}/{YEAR}-Q{self.quarter}/"
        self.saves = 0
        log_in(self, f"staff_{self.code}")

    @task(3)
    def save_draft(self):
        with self.client.get(self.url, name="/entry/[code]/[quarter]/", catch_response=True) as r:
            if r.status_code != 200 or 'name="revision"' not in r.text:
                r.failure(f"form not shown ({r.status_code} {r.error or ''})")
                return
            parser = FormFields()
            parser.feed(r.text)
        data = dict(parser.fields)
        self.saves += 1
        comment_field = next((k for k in data if k.endswith("_comment")), None)
        if comment_field:
            data[comment_field] = f"load test save {self.saves} by {self.code}"
        value = data.get("i1_value", "")
        if re.fullmatch(r"\d+(\.\d+)?", value or ""):
            data["i1_value"] = f"{float(value) * random.uniform(0.995, 1.005):.2f}"
        data.update(action="save", csrfmiddlewaretoken=self.client.cookies.get("csrftoken", ""))
        with self.client.post(self.url, data, allow_redirects=False, name="/entry/[code]/[quarter]/ [POST draft]",
                              catch_response=True) as r:
            if r.status_code != 302 or r.headers.get("Location") != self.url:
                r.failure(f"draft not saved: {r.status_code} {r.headers.get('Location', '')} "
                          f"{re.findall(r'role=.alert.[^>]*>([^<]{0,200})', r.text)[:2]}")

    @task
    def own_district(self):
        self.client.get(f"/districts/{self.code}/", name="/districts/[code]/ (own)")
