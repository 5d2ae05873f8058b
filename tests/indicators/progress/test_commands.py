"""`manage.py progress_calc`: the calculator prints the figures of PROGRESS.md's worked examples.

The command touches no database. The tests calling it by its name need the Django settings
(pytest-django); the ones calling the Command object directly also run with -p no:django.
"""
import json
from io import StringIO

import pytest

pytest.importorskip("django")
from django.core.management import call_command  # noqa: E402
from django.core.management.base import CommandError  # noqa: E402

from indicators.management.commands.progress_calc import Command  # noqa: E402

approx = lambda x: pytest.approx(x, rel=1e-4)  # noqa: E731


def _settings_ready() -> bool:
    try:
        from django.apps import apps
        from django.conf import settings

        return bool(settings.INSTALLED_APPS) and apps.ready
    except Exception:
        return False


def run(*args, command=None):
    out = StringIO()
    call_command(command or Command(), *args, stdout=out)
    return out.getvalue()


def run_json(*args, command=None):
    return json.loads(run(*args, "--json", command=command))


def test_example_1_share_on_track():
    d = run_json("--value", "54.5", "--baseline", "52", "--target", "56", "--year", "2023")
    assert d["cagr_actual"] == approx(0.015775)
    assert d["cagr_required"] == approx(0.014932)
    assert d["ratio"] == approx(1.0565)
    assert d["status"] == "on_track" and d["light"] == "green"
    assert d["completion"] == approx(0.625) and d["time_share"] == approx(0.6)
    assert d["projection"] == approx(56.233)


def test_text_output_is_bilingual():
    out = run("--value", "66", "--baseline", "60", "--target", "65", "--year", "2023")
    assert "已达标" in out and "Target achieved" in out and "(achieved)" in out


def test_sign_change_says_why():
    out = run("--value", "3", "--baseline", "-5", "--target", "10", "--year", "2023")
    assert "无法评估" in out and "(sign_change)" in out
    # C = 8/15
    assert "0.533333" in out


def test_rate_about_target_and_quarter_time():
    # 8%左右: 7.5 is below 7.6 → R = 7.5/8 = 0.9375 → acceleration needed
    d = run_json("--measure", "rate", "--value", "7.5", "--target", "8", "--target-kind", "about", "--year", "2023")
    assert d["achieved"] is False and d["status"] == "acceleration_needed"
    assert d["ratio"] == approx(0.9375)
    assert run_json("--measure", "rate", "--value", "7.6", "--target", "8", "--kind", "about",
                    "--year", "2023")["status"] == "achieved"
    # a stock at the end of Q2 2023: t = 2022.5, τ = 0.5
    s = run_json("--measure", "stock", "--value", "14", "--baseline", "10", "--target", "30",
                 "--year", "2023", "--quarter", "2")
    assert s["t"] == 2022.5 and s["time_share"] == approx(0.5)


def test_lower_is_better_and_thresholds():
    # 100 → 92, target 80: R = 0.62801, C = 0.4 → yellow; with a 0.25 yellow margin → red
    d = run_json("--value", "92", "--baseline", "100", "--target", "80", "--year", "2023", "--lower-is-better")
    assert d["ratio"] == approx(0.62801) and d["light"] == "yellow"
    e = run_json("--value", "92", "--baseline", "100", "--target", "80", "--year", "2023", "--lower-is-better",
                 "--yellow-margin", "0.15")
    assert e["light"] == "red"


def test_qualitative_below_assigned():
    d = run_json("--measure", "qualitative", "--value", "90", "--assigned", "100", "--year", "2022")
    assert d["status"] == "acceleration_needed" and d["reason"] == "below_assigned" and d["light"] == "red"


def test_needs_a_year():
    with pytest.raises(CommandError):
        run("--value", "1", "--baseline", "1", "--target", "2")


@pytest.mark.skipif(not _settings_ready(), reason="needs the Django settings (pytest-django)")
def test_found_by_name_in_the_project():
    d = run_json("--value", "54.5", "--baseline", "52", "--target", "56", "--year", "2023",
                 command="progress_calc")
    assert d["status"] == "on_track" and d["ratio"] == approx(1.0565)
