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


def test_text_output_is_in_one_language():
    """zh-hans (the default) prints Chinese only, --language en English only."""
    out = run("--value", "66", "--baseline", "60", "--target", "65", "--year", "2023")
    assert "状态：已达标" in out and "Target achieved" not in out and "status" not in out.lower()
    en = run("--value", "66", "--baseline", "60", "--target", "65", "--year", "2023", "--language", "en")
    assert "Status: Target achieved" in en and "Light: green" in en
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en)  # not one Chinese character


def test_sign_change_says_why():
    out = run("--value", "3", "--baseline", "-5", "--target", "10", "--year", "2023")
    assert "无法评估" in out and "原因：" in out
    # C = 8/15
    assert "0.533333" in out
    en = run("--value", "3", "--baseline", "-5", "--target", "10", "--year", "2023", "--language", "en")
    assert "Cannot assess" in en and "Reason: " in en and "无法评估" not in en


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
    # 100 → 92, target 80: R = 0.62801 → acceleration needed, yellow; from 0.65 it is limited progress, red
    d = run_json("--value", "92", "--baseline", "100", "--target", "80", "--year", "2023", "--lower-is-better")
    assert d["ratio"] == approx(0.62801) and (d["status"], d["light"]) == ("acceleration_needed", "yellow")
    e = run_json("--value", "92", "--baseline", "100", "--target", "80", "--year", "2023", "--lower-is-better",
                 "--acceleration", "0.65")
    assert (e["status"], e["light"]) == ("limited", "red")
    # the projects' margins do not move an indicator's light (it is the colour of the status)
    f = run_json("--value", "92", "--baseline", "100", "--target", "80", "--year", "2023", "--lower-is-better",
                 "--yellow-margin", "0.15")
    assert f["light"] == "yellow"


def test_qualitative_below_assigned():
    d = run_json("--measure", "qualitative", "--value", "90", "--assigned", "100", "--year", "2022")
    assert d["status"] == "acceleration_needed" and d["reason"] == "below_assigned" and d["light"] == "yellow"
    # the target year's amount is the plan's final verdict: 90% of the task → 基本完成
    e = run_json("--measure", "qualitative", "--value", "90", "--assigned", "100", "--year", "2025")
    assert (e["status"], e["light"], e["is_final"], e["status_zh"]) == ("largely_achieved", "yellow", True, "基本完成")


def test_needs_a_year():
    with pytest.raises(CommandError):
        run("--value", "1", "--baseline", "1", "--target", "2")


@pytest.mark.skipif(not _settings_ready(), reason="needs the Django settings (pytest-django)")
def test_found_by_name_in_the_project():
    d = run_json("--value", "54.5", "--baseline", "52", "--target", "56", "--year", "2023",
                 command="progress_calc")
    assert d["status"] == "on_track" and d["ratio"] == approx(1.0565)


EXAMPLE_5 = ("--measure", "flow", "--value", "1251.56", "--baseline", "890.02", "--target", "1300", "--year", "2025")


def test_example_5_end_of_plan_words_and_full_precision():
    out = run(*EXAMPLE_5, "--unit", "亿元")
    assert "规划终期结论：基本完成" in out.splitlines()
    assert "指示灯：黄灯" in out.splitlines()
    assert "距目标差额：48.44亿元" in out and "目标完成比例：96.2738%" in out
    assert "预计" not in out and "今后每年" not in out  # no projection and no "still needed" at the plan's end
    assert not any(ch.isascii() and ch.isalpha() and ch not in "CR" for ch in out)  # no English word
    en = run(*EXAMPLE_5, "--unit", "亿元", "--language", "en")
    lines = en.splitlines()
    assert "Final verdict of the plan: Largely achieved" in lines and "Light: yellow" in lines
    assert "Shortfall: 48.44 CNY 100 million" in en and "share of the target reached: 96.2738%" in en
    assert "billion" not in en and "Projection" not in en
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en)
    d = run_json(*EXAMPLE_5)
    assert (d["status"], d["light"], d["is_final"]) == ("largely_achieved", "yellow", True)
    # --json keeps every digit: C = 361.54/409.98, not rounded to 6 decimals
    assert d["completion"] == (1251.56 - 890.02) / (1300 - 890.02)
    assert d["completion"] != round(d["completion"], 6)
    assert d["shortfall"] == pytest.approx(48.44, abs=1e-9) and round(d["target_share"], 3) == 0.963
    assert d["projection"] is None and d["still_needed"] is None
    # a Q3 figure of a flow in the target year is a provisional estimate: the in-progress words
    q3 = run_json(*EXAMPLE_5, "--quarter", "3")
    assert q3["is_final"] is False and q3["status"] == "acceleration_needed"
    assert "状态：需加快" in run(*EXAMPLE_5, "--quarter", "3").splitlines()
    assert "Status: Acceleration needed" in run(*EXAMPLE_5, "--quarter", "3", "--language", "en").splitlines()
    # reached at the end: 已完成, green
    done = ("--measure", "flow", "--value", "1300", "--baseline", "890.02", "--target", "1300", "--year", "2025")
    assert {"规划终期结论：已完成", "指示灯：绿灯"} <= set(run(*done).splitlines())
    assert {"Final verdict of the plan: Achieved", "Light: green"} <= set(run(*done, "--language", "en").splitlines())


def test_json_keys_are_english_whatever_the_language():
    d = run_json(*EXAMPLE_5, "--language", "zh-hans")
    assert d == run_json(*EXAMPLE_5, "--language", "en")
    assert all(key.isascii() for key in d) and d["status_zh"] == "基本完成" and d["status_en"] == "Largely achieved"


@pytest.mark.skipif(not _settings_ready(), reason="needs the Django settings (pytest-django)")
def test_the_default_language_is_the_site_default():
    from django.test import override_settings

    assert "规划终期结论：基本完成" in run(*EXAMPLE_5)
    with override_settings(LANGUAGE_CODE="en"):
        assert "Final verdict of the plan: Largely achieved" in run(*EXAMPLE_5)


def test_no_light_before_the_base_year_or_after_the_target_year():
    before = run_json("--value", "60", "--baseline", "52", "--target", "56", "--year", "2019")
    assert before["status"] == "cannot_assess" and before["reason"] == "before_base_year"
    assert before["light"] is None
    assert "指示灯：无灯" in run("--value", "60", "--baseline", "52", "--target", "56", "--year", "2019")
    assert "Light: none" in run("--value", "60", "--baseline", "52", "--target", "56", "--year", "2019",
                                "--language", "en")
    after = run_json("--value", "60", "--baseline", "52", "--target", "56", "--year", "2026")
    assert (after["status"], after["reason"], after["light"]) == ("cannot_assess", "after_target_year", None)


def test_the_light_is_the_colour_of_the_status_in_the_text():
    # example 3: a sign change has no verdict, so no light, though C = 0.533 is printed
    out = run("--value", "3", "--baseline", "-5", "--target", "10", "--year", "2023")
    assert "无法评估" in out and "指示灯：无灯" in out


R_097 = 890.02 * (1 + 0.97 * ((1300 / 890.02) ** 0.2 - 1)) ** 3  # 2023 value with R = 0.97 for 890.02 → 1300


@pytest.mark.skipif(not _settings_ready(), reason="needs the Django settings (pytest-django)")
def test_calculator_and_engine_change_their_verdict_with_the_deployment_setting(plan):
    """PROGRESS_ON_TRACK is read by the recompute and by the calculator alike: R = 0.97 is on track at 0.95 and
    needs acceleration at 0.99, in the stored row and in progress_calc (the plan fixture gives the database)."""
    from decimal import Decimal

    from django.test import override_settings

    from indicators.models import Indicator, Observation, ObservationVersion, Progress
    from indicators.progress.services import progress_recompute

    indicator = Indicator.objects.get(plan=plan, number=1)
    observation = Observation.objects.create(indicator=indicator, district=None, year=2023, quarter=4)
    ObservationVersion.objects.create(observation=observation, kind="preliminary", value=Decimal(f"{R_097:.6f}"))
    calc = ("--value", f"{R_097:.6f}", "--baseline", "890.02", "--target", "1300", "--year", "2023",
            "--measure", "flow")

    def stored():
        row = Progress.objects.get(indicator=indicator, scope="city", basis="latest", year=2023, quarter=4)
        return row.status, row.light

    progress_recompute(plan=plan)
    d = run_json(*calc)
    assert d["ratio"] == approx(0.97)
    assert stored() == (d["status"], d["light"]) == ("on_track", "green")
    with override_settings(PROGRESS_ON_TRACK=0.99):
        progress_recompute(plan=plan)
        d = run_json(*calc)
        assert stored() == (d["status"], d["light"]) == ("acceleration_needed", "yellow")
        # an option still overrides the setting
        assert run_json(*calc, "--on-track", "0.95")["status"] == "on_track"
    progress_recompute(plan=plan)
    assert stored() == ("on_track", "green")


def test_a_share_projects_in_percent_and_falls_short_in_percentage_points():
    example_1 = ("--measure", "share", "--value", "54.5", "--baseline", "52", "--target", "56", "--year", "2023",
                 "--unit", "%")
    assert "预计目标年数值：56.233%" in run(*example_1)
    final = ("--measure", "share", "--value", "54", "--baseline", "52", "--target", "56", "--year", "2025",
             "--unit", "%")
    assert "距目标差额：2.00个百分点" in run(*final)
    assert "Shortfall: 2.00 percentage points" in run(*final, "--language", "en")
