"""Issue 13: the review sentences and tables print the plan's targets and baselines as the plan prints them (1300亿元,
8%左右, 约30%; 1300 CNY 100 million, about 8%, about 30%), never as computed numbers (1300.00亿元, 8.0%左右, 30.0%);
a change from a baseline the plan gives only as 约30% is stated no finer than the baseline is known; a district's
apportioned target is written out with its unit; a province-assigned amount entered as demo data carries 演示.

The indicator records carry the plan's own words, as the review selectors read them from the plan fixture
(fixtures/leshan_14th_fyp.json: 1300亿元, 8%左右, 2020年全市生产性服务业占服务业比重约30%, 40%左右).
"""
import json
from pathlib import Path

import pytest

from indicators.reviews.sentences import indicator_paragraph
from indicators.reviews.wording import Scope

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "leshan_14th_fyp.json"


def plan_indicator(number: int) -> dict:
    """An indicator of the plan fixture as the review reads it (the plan's printed words included)."""
    record = next(i for i in json.loads(FIXTURE.read_text(encoding="utf-8"))["indicators"] if i["number"] == number)
    return dict(indicator_id=number, number=number, name=record["name"], name_en=record.get("name_en") or "",
                unit=record["unit"], measure=record["measure"], higher_is_better=True,
                target_kind=record["target_kind"], target_year=2025, decimals=record["decimals"],
                target_value=None if record["target_value"] is None else float(record["target_value"]),
                target_text=record["target_text"], baseline_text=record["baseline_text"],
                baseline_value=None if record["baseline_value"] is None else float(record["baseline_value"]),
                baseline_year=2020, tolerance=None, by_district=True)


def row(number, **fields):
    base = dict(indicator_id=number, scope="city", year=2023, quarter=4, is_provisional=False, baseline_year=2020,
                value=None, annual_value=None, baseline_value=None, target_value=None, completion=None,
                time_share=None, cagr_actual=None, cagr_required=None, ratio=None, projection=None,
                still_needed=None, status="cannot_assess", reason="", light=None, inputs={})
    base.update(fields)
    return base


CITY, EMEISHAN = Scope.city(), Scope.district("emeishan", "峨眉山市")


def both(ind, r, scope=CITY, **kwargs):
    return tuple(indicator_paragraph(ind, r, scope, lang=lang, year=int(r["year"]), quarter=int(r["quarter"]),
                                     **kwargs) for lang in ("zh", "en"))


def test_the_plans_flow_target_is_printed_as_the_plan_prints_it():
    flow = plan_indicator(1)
    assert (flow["target_text"], flow["target_value"]) == ("1300亿元", 1300.0)
    zh, en = both(flow, row(1, value=1350.0, annual_value=1350.0, baseline_value=890.02, target_value=1300.0,
                            completion=1.121957, time_share=0.6, status="achieved", light="green"))
    assert "已提前达到2025年目标（1300亿元）" in zh.text and "1300.00" not in zh.text.split("目标的")[1]
    assert "already meeting the 2025 target (1300 CNY 100 million)" in en.text
    assert (zh.target_text, en.target_text) == ("1300亿元", "1300 CNY 100 million")
    assert (zh.baseline_text, en.baseline_text) == ("890.02亿元（2020年）", "890.02 CNY 100 million (2020)")


def test_an_about_target_keeps_the_plans_digits_and_its_about():
    rate = plan_indicator(2)
    assert rate["target_text"] == "8%左右"
    zh, en = both(rate, row(2, value=6.2, annual_value=6.2, target_value=8.0, completion=0.76, time_share=0.6,
                            cagr_actual=0.062, cagr_required=0.08, ratio=0.775, status="acceleration_needed",
                            light="yellow", projection=6.2, still_needed=0.109))
    assert "低于2025年目标（8%左右）1.8个百分点" in zh.text and "8.0%左右" not in zh.text
    assert "the 2025 target (about 8%)" in en.text and "about 8.0%" not in en.text
    assert (zh.target_text, en.target_text) == ("8%左右", "about 8%")


def test_an_approximate_baseline_is_printed_with_its_about_and_a_change_from_it_is_not_over_precise():
    share = plan_indicator(3)
    assert share["baseline_value"] == 30.0 and "约30%" in share["baseline_text"]
    # 33.6% in 2023 against 约30% in 2020: the change is "about 4 points", not "3.6 points" (the baseline is known
    # to the whole point only); C = 3.6/10 = 0.36 against τ = 0.6
    zh, en = both(share, row(3, value=33.6, annual_value=33.6, baseline_value=30.0, target_value=40.0,
                             completion=0.36, time_share=0.6, cagr_actual=0.0385, cagr_required=0.0592,
                             ratio=0.65, status="acceleration_needed", light="yellow", projection=35.6))
    assert "比2020年（约30%）提高约4个百分点" in zh.text and "3.6个百分点" not in zh.text
    assert "up about 4 percentage points on 2020 (about 30%)" in en.text and "3.6 percentage" not in en.text
    assert "距2025年目标（40%左右）尚差6.4个百分点" in zh.text
    assert (zh.baseline_text, en.baseline_text) == ("约30%（2020年）", "about 30% (2020)")
    assert (zh.target_text, en.target_text) == ("40%左右", "about 40%")


def test_a_plain_baseline_keeps_the_exact_change():
    tax = plan_indicator(4)
    assert tax["baseline_value"] == 53.2
    zh, en = both(tax, row(4, value=54.0, annual_value=54.0, baseline_value=53.2, target_value=55.0,
                           time_share=0.6, status="achieved", light="green", reason="baseline_within_tolerance"))
    assert "比2020年提高0.8个百分点" in zh.text and "（约" not in zh.text
    assert (zh.baseline_text, zh.target_text) == ("53.2%（2020年）", "55%左右")


def test_a_districts_apportioned_target_is_written_out_and_a_districts_about_target_keeps_its_about():
    flow = plan_indicator(1)
    zh, en = both(flow, row(1, scope="emeishan", value=100.0, annual_value=100.0, baseline_value=80.0,
                            target_value=116.8, completion=0.543, time_share=0.6, cagr_actual=0.0772,
                            cagr_required=0.0787, ratio=0.98, status="on_track", light="green",
                            projection=116.0, still_needed=0.08), EMEISHAN)
    assert (zh.target_text, en.target_text) == ("116.80亿元", "116.80 CNY 100 million")
    share = plan_indicator(3)
    zh, en = both(share, row(3, scope="emeishan", value=36.0, annual_value=36.0, baseline_value=33.0,
                             target_value=44.0, completion=0.2727, time_share=0.6, cagr_actual=0.0294,
                             cagr_required=0.0592, ratio=0.497, status="limited", light="red", projection=38.2),
                  EMEISHAN)
    assert (zh.target_text, en.target_text) == ("44.0%左右", "about 44.0%")


@pytest.mark.parametrize("demo", [True, False])
def test_a_province_assigned_amount_entered_as_demo_data_is_marked(demo):
    qual = plan_indicator(16)
    r = row(16, year=2025, value=210.0, annual_value=210.0, target_value=204.0, completion=1.029,
            status="achieved", light="green", target_demo=demo)
    zh, en = both(qual, r, final_review=True)
    assert ("204.00亿元（演示）" in zh.text) is demo and ("204.00 CNY 100 million (demo)" in en.text) is demo
    assert zh.target_text == ("204.00亿元（演示）" if demo else "204.00亿元")
    assert en.target_text == ("204.00 CNY 100 million (demo)" if demo else "204.00 CNY 100 million")
