"""The Django admin (issue 14): an approved figure and its quarter are read-only; they change only through the
actions "revise" and "reopen", which call the entry services and leave who, when, old → new and why in the
figure's history, and that history is in the backup."""
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from districts.models import District
from indicators.entry import selectors as entry_reads
from indicators.entry import services as entry
from indicators.models import Indicator, Observation, ObservationVersion, Submission
from tests.conftest import approve_shizhong_2023q3

pytestmark = pytest.mark.django_db
D = Decimal
CHANGELIST = "/admin/indicators/observation/"


@pytest.fixture
def approved(plan, staff_shizhong, official):
    """市中区 2023 Q3 with 1. 服务业增加值 = 420.5 and 3. share 120/400, approved."""
    return approve_shizhong_2023q3(plan, staff_shizhong, official)


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def _change_data(obs, **over):
    data = {"indicator": obs.indicator_id, "district": obs.district_id, "year": obs.year, "quarter": obs.quarter,
            "submission": obs.submission_id, "value": "999.9", "numerator": "", "denominator": "", "comment": "",
            "updated_by": "", "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
            "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000"}
    return {**data, **over}


def test_an_approved_figure_cannot_be_changed_through_the_change_form(approved, admin_client):
    url = f"{CHANGELIST}{approved.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # shown, read-only
    assert admin_client.post(url, _change_data(approved)).status_code == 403
    record = approved.history.order_by("history_date").first()
    revert = f"{CHANGELIST}{approved.pk}/history/{record.history_id}/"
    assert admin_client.post(revert, _change_data(approved)).status_code == 403
    assert admin_client.post(f"{CHANGELIST}{approved.pk}/delete/", {"post": "yes"}).status_code == 403
    sub_url = f"/admin/indicators/submission/{approved.submission_id}/change/"
    assert admin_client.post(sub_url, {"status": "draft", "revision": "0"}).status_code == 403
    version = approved.versions.get()
    assert admin_client.post(f"/admin/indicators/observationversion/{version.pk}/change/",
                             {"observation": approved.pk, "kind": "district", "value": "999.9"}).status_code == 403
    approved.refresh_from_db()
    version.refresh_from_db()
    assert approved.value == D("420.5") and version.value == D("420.5")
    assert Submission.objects.get().status == Submission.Status.APPROVED


def test_a_figure_not_yet_approved_is_still_editable(plan, staff_shizhong, admin_client):
    shizhong = District.objects.get(code="shizhong")
    indicator = Indicator.objects.get(plan=plan, number=1)
    sub = entry.submission_get_or_create(plan=plan, district=shizhong, year=2023, quarter=3)
    entry.entry_save(submission=sub, user=staff_shizhong, expected_revision=0, submit=False,
                     values={indicator.id: {"value": "420.5"}})
    draft = Observation.objects.get()
    assert 'name="_save"' in admin_client.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()


def test_the_revise_action_records_who_when_old_new_and_why(approved, admin_client, admin_user, plan, tmp_path,
                                                            django_capture_on_commit_callbacks):
    action = {"action": "revise", "_selected_action": [approved.pk]}
    page = admin_client.post(CHANGELIST, action).content.decode()
    assert 'data-testid="entry-action"' in page and "420.50 亿元" in page and 'name="reason"' in page
    # no reason: asked again, nothing changed
    page = admin_client.post(CHANGELIST, {**action, "apply": "1", "value": "430", "reason": ""}).content.decode()
    assert "请填写原因" in page and Observation.objects.get(pk=approved.pk).value == D("420.5")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(CHANGELIST, {**action, "apply": "1", "value": "430",
                                                  "reason": "统计局核定数更正"})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.value == D("430")
    record = approved.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == admin_user and record.value == D("430")
    assert record.history_change_reason == "管理员修订：420.50 亿元 → 430.00 亿元 · 原因：统计局核定数更正"
    version = approved.versions.order_by("-recorded_at", "-id").first()
    assert (version.value, version.note, version.recorded_by) == (D("430"), "统计局核定数更正", admin_user)
    history = admin_client.get("/entry/shizhong/2023-Q3/history/1/").content.decode()
    assert "420.50 亿元" in history and "430.00 亿元" in history and "统计局核定数更正" in history
    # the backup carries the history with the reason, and the version with its note
    path = tmp_path / "backup.json"
    call_command("export_all", str(path))
    rows = json.loads(path.read_text(encoding="utf-8"))
    histories = [r["fields"] for r in rows if r["model"] == "indicators.historicalobservation"
                 and r["fields"]["id"] == approved.pk]
    assert [h["value"] for h in histories][-2:] == ["420.500000", "430.000000"]
    assert "统计局核定数更正" in histories[-1]["history_change_reason"]
    assert any(r["model"] == "indicators.observationversion" and r["fields"]["note"] == "统计局核定数更正"
               for r in rows)


def test_the_revise_action_takes_numerator_and_denominator_of_a_share(approved, admin_client):
    share = Observation.objects.get(indicator__number=3, district=approved.district)
    action = {"action": "revise", "_selected_action": [share.pk], "apply": "1"}
    page = admin_client.post(CHANGELIST, {**action, "numerator": "500", "denominator": "400", "reason": "更正"})
    assert "分子应在0与分母之间" in page.content.decode()
    assert admin_client.post(CHANGELIST, {**action, "numerator": "130", "denominator": "400",
                                          "reason": "更正"}).status_code == 302
    share.refresh_from_db()
    assert (share.numerator, share.denominator, share.value) == (D("130"), D("400"), D("32.5"))


def test_the_reopen_action_goes_through_the_entry_service(approved, admin_client, plan):
    action = {"action": "reopen", "_selected_action": [approved.pk]}
    assert 'name="reason"' in admin_client.post(CHANGELIST, action).content.decode()
    assert admin_client.post(CHANGELIST, {**action, "apply": "1", "reason": "统计局更正了数据"}).status_code == 302
    sub = Submission.objects.get()
    assert (sub.status, sub.return_reason) == (Submission.Status.RETURNED, "统计局更正了数据")
    assert sub.history.order_by("-history_date").first().history_change_reason.startswith("重新开放：已审核→已退回")
    assert ObservationVersion.objects.filter(observation=approved).count() == 1  # still counts until re-approved
    events = entry_reads.value_history(plan, approved.district, 2023, 3, approved.indicator)
    assert any(e.kind == "status" and e.comment == "统计局更正了数据" for e in events)
