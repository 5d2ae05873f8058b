"""The progress maths checked against PROGRESS.md's worked examples and hand-derived cases.

Expected numbers are the ones printed in PROGRESS.md §4 or worked out by hand in the comments,
never the output of the functions under test. Runs without Django or a database:
    .venv/bin/python -m pytest tests/indicators/progress/test_maths.py -q -p no:django
"""
import json
import math

import numpy as np
import pandas as pd
import pytest

from indicators.progress.maths import (
    FINAL_STATUS_LABELS_ZH,
    LIGHTS,
    REASON_TEXTS,
    STATUS_LABELS_EN,
    STATUS_LABELS_ZH,
    STATUS_LIGHTS,
    STATUSES,
    Assessment,
    Thresholds,
    assess,
    assess_qualitative,
    average_growth,
    chain_index,
    compute_progress,
    period_time,
    progress_records,
    provisional_annual,
    quarter_only,
    schedule_light,
    share_of_sums,
    target_decomposition_gap,
    time_share,
)

approx = lambda x: pytest.approx(x, rel=1e-4)  # noqa: E731
PLAN = dict(base_year=2020, target_year=2025)


def level(value, baseline, target, t=2023, **kw):
    return assess(value=value, baseline=baseline, target=target, t=t, **PLAN, **kw)


def rate(value, target, t=2023, **kw):
    return assess(value=value, baseline=None, target=target, t=t, measure="rate", **PLAN, **kw)


# --------------------------------------------------------------------------- constants


def test_constants_are_the_agreed_ones():
    assert STATUSES == ("achieved", "on_track", "largely_achieved", "acceleration_needed", "limited",
                        "not_achieved", "deterioration", "cannot_assess")
    assert STATUS_LABELS_ZH["on_track"] == "进度正常"
    assert STATUS_LABELS_ZH["cannot_assess"] == "无法评估"
    assert STATUS_LABELS_ZH["largely_achieved"] == "基本完成" and STATUS_LABELS_ZH["not_achieved"] == "未完成"
    assert FINAL_STATUS_LABELS_ZH == {"achieved": "已完成", "largely_achieved": "基本完成", "not_achieved": "未完成"}
    assert set(STATUS_LABELS_EN) == set(STATUS_LABELS_ZH) == set(STATUSES) == set(STATUS_LIGHTS)
    assert LIGHTS == ("green", "yellow", "red")
    assert Thresholds() == Thresholds(0.95, 0.6, 0.10, 0.30, 0.05, 0.90)


def test_the_light_is_the_colour_of_the_status():
    assert STATUS_LIGHTS == {"achieved": "green", "on_track": "green", "largely_achieved": "yellow",
                             "acceleration_needed": "yellow", "limited": "red", "not_achieved": "red",
                             "deterioration": "red", "cannot_assess": None}
    # every reason code a row can carry has its texts in both languages
    for code in ("after_target_year", "baseline_meets_target", "baseline_near_target", "judged_on_completion"):
        zh, en = REASON_TEXTS[code]
        assert zh and en
    assert REASON_TEXTS["baseline_meets_target"] == ("基期已达到目标", "The baseline already meets the target")


# --------------------------------------------------------------------------- worked example 1


def test_example_1_city_share_is_ratio_of_sums_not_mean_of_shares():
    share = share_of_sums([160, 560, 370], [400, 900, 700])
    assert share == approx(54.50)
    assert share != approx(51.69)  # mean of 40.00, 62.22, 52.86: the wrong answer


def test_example_1_growth_ratio_on_track_and_ahead():
    a = level(54.5, 52.0, 56.0)
    assert a.cagr_actual == approx(0.015775)
    assert a.cagr_required == approx(0.014932)
    assert a.ratio == approx(1.0565)
    assert a.status == "on_track" and a.achieved is False and a.reason == ""
    assert a.completion == approx(0.625)
    assert a.time_share == approx(0.6)
    assert a.behind_schedule is False
    assert a.projection == approx(56.233)
    assert a.light == "green"


# --------------------------------------------------------------------------- examples 2, 3, 4


def test_example_2_target_already_passed_is_achieved():
    a = level(66, 60, 65)
    assert a.achieved is True
    assert a.status == "achieved"
    assert a.reason == ""
    assert a.light == "green"
    # C = (66 − 60)/(65 − 60) = 1.2
    assert a.completion == approx(1.2)


def test_example_3_sign_change_cannot_assess_but_shows_completion():
    # −5 → +3, target 10: C = (3 − (−5))/(10 − (−5)) = 8/15 = 0.53333; τ = 0.6
    a = level(3, -5, 10)
    assert a.status == "cannot_assess"
    assert a.reason == "sign_change"
    assert a.reason_text_zh and a.reason_text_en
    assert a.ratio is None and a.cagr_actual is None and a.projection is None
    assert a.completion == approx(0.533333)
    # no verdict, no light (C = 0.5333 against τ = 0.6 is still reported beside it)
    assert a.light is None
    assert a.behind_schedule is True


def test_example_4_single_quarter_of_a_cumulative_flow():
    assert quarter_only(1000, 1570) == approx(570)
    assert quarter_only(None, 1000) == 1000  # first quarter: the cumulative itself
    assert quarter_only(1000, None) is None


# --------------------------------------------------------------------------- hand-derived: level


def test_lower_is_better_behind_schedule():
    # 100 → 92 with target 80 (lower is better), t = 2023:
    # CAGR_a = 0.92^(1/3) − 1 = −0.027411; CAGR_r = 0.8^(1/5) − 1 = −0.043648;
    # R = −1 · (−0.027411)/0.043648 = 0.62801 → acceleration needed → yellow;
    # C = (92 − 100)/(80 − 100) = 0.4 < τ = 0.6 → behind schedule
    a = level(92, 100, 80, higher_is_better=False)
    assert a.cagr_actual == approx(-0.027411)
    assert a.cagr_required == approx(-0.043648)
    assert a.ratio == approx(0.62801)
    assert a.status == "acceleration_needed"
    assert a.completion == approx(0.4)
    assert a.behind_schedule is True
    assert a.light == "yellow"


def test_lower_is_better_deterioration_and_achieved():
    # 100 → 105, target 80: CAGR_a = 1.05^(1/3) − 1 = 0.016396; R = −0.016396/0.043648 = −0.37565
    # deterioration → red
    a = level(105, 100, 80, higher_is_better=False)
    assert a.ratio == approx(-0.37565)
    assert a.status == "deterioration"
    assert a.light == "red"
    # 79 ≤ 80 → achieved; 81 is not (plain target)
    assert level(79, 100, 80, higher_is_better=False).status == "achieved"
    assert level(81, 100, 80, higher_is_better=False).achieved is False
    # about, lower is better: achieved up to 80 · 1.05 = 84
    assert level(84, 100, 80, higher_is_better=False, target_kind="about").achieved is True
    assert level(84.5, 100, 80, higher_is_better=False, target_kind="about").achieved is False


def test_about_level_share_40_percent():
    # 40%左右 with the default 5 % tolerance: achieved from 40 · 0.95 = 38
    assert level(38, 30, 40, target_kind="about").status == "achieved"
    a = level(37.9, 30, 40, target_kind="about")
    assert a.achieved is False
    assert a.status != "achieved"
    # a tolerance of 10 % of the target: from 36
    assert level(36, 30, 40, target_kind="about", tolerance=0.10).achieved is True
    assert level(35.9, 30, 40, target_kind="about", tolerance=0.10).achieved is False


def test_missing_baseline():
    a = level(50, None, 60)
    assert a.status == "cannot_assess" and a.reason == "no_baseline"
    assert a.completion is None and a.ratio is None and a.light is None
    # achieved is judged before the growth: a met target needs no baseline
    b = level(61, None, 60)
    assert b.status == "achieved" and b.light == "green"


def test_zero_baseline_never_divides_by_zero():
    # 0 → 5, target 10: C = (5 − 0)/(10 − 0) = 0.5; growth not computable
    a = level(5, 0, 10)
    assert a.status == "cannot_assess" and a.reason == "zero_baseline"
    assert a.cagr_actual is None and a.cagr_required is None and a.ratio is None
    assert a.completion == approx(0.5)
    assert a.light is None  # a zero baseline stays "cannot assess" for growth: no light


def test_one_data_point_t_equals_base_year():
    a = level(52, 52, 56, t=2020)
    assert a.status == "cannot_assess"
    assert a.reason == "fewer_than_two_points"
    assert a.time_share == 0
    assert a.completion == 0  # (52 − 52)/(56 − 52)
    assert a.ratio is None


def test_negative_baseline_sign_flips_ratio():
    # −10 → −5 (higher is better), target −2: CAGR_a = 0.5^(1/3) − 1 = −0.206299,
    # CAGR_r = 0.2^(1/5) − 1 = −0.275220, sign = −1: R = −(−0.206299)/0.275220 = 0.74958
    # C = (−5 + 10)/(−2 + 10) = 0.625
    a = level(-5, -10, -2)
    assert a.ratio == approx(0.74958)
    assert a.status == "acceleration_needed"
    assert a.completion == approx(0.625)


def test_target_equal_to_baseline_and_no_target():
    # a baseline equal to a plain target already meets it: 45 is below → deterioration (PROGRESS.md §3a)
    a = level(45, 50, 50)
    assert a.completion is None
    assert a.status == "deterioration" and a.reason == "baseline_meets_target" and a.light == "red"
    # "＞50" from 50: zero required growth, and no completion to judge on C/τ instead
    m = level(55, 50, 50, target_kind="more_than")
    assert m.status == "achieved"
    m = level(49, 50, 50, target_kind="more_than")
    assert m.completion is None and m.ratio is None
    assert m.status == "cannot_assess" and m.reason == "target_equals_baseline" and m.light is None
    b = level(45, 40, None)
    assert b.status == "cannot_assess" and b.reason == "no_target"
    assert b.cagr_actual == approx((45 / 40) ** (1 / 3) - 1)  # 0.040042
    c = level(None, 40, 50)
    assert c.status == "cannot_assess" and c.reason == "no_data"


def test_status_thresholds_from_ratio_bands():
    # level path where R is known: 100 → v over 3 years, target 200 in 5 years
    # target growth r = 2^(1/5) − 1 = 0.148698; v = 100·(1 + k·r)^3 gives R = k
    r = 2 ** 0.2 - 1
    v = lambda k: 100 * (1 + k * r) ** 3  # noqa: E731
    assert level(v(0.95), 100, 200).status == "on_track"
    assert level(v(0.94), 100, 200).status == "acceleration_needed"
    assert level(v(0.60), 100, 200).status == "acceleration_needed"
    assert level(v(0.59), 100, 200).status == "limited"
    assert level(100, 100, 200).status == "limited"  # R = 0
    assert level(99, 100, 200).status == "deterioration"
    custom = Thresholds(on_track=0.99)
    assert level(v(0.95), 100, 200, thresholds=custom).status == "acceleration_needed"


def test_indicator_light_follows_the_status_not_completion():
    # baseline 100, target 200, τ = 0.6, CAGR_r = 2^(1/5) − 1 = 0.148698:
    # 150: C = 0.5 (behind τ), R = 0.144714/0.148698 = 0.97321 → on track → green;
    # 140: R = 0.118689/0.148698 = 0.79819 → acceleration needed → yellow;
    # 120: R = 0.062659/0.148698 = 0.42138 → limited → red
    assert level(150, 100, 200).ratio == approx(0.97321)
    assert level(140, 100, 200).ratio == approx(0.79819) and level(120, 100, 200).ratio == approx(0.42138)
    assert (level(150, 100, 200).status, level(150, 100, 200).light) == ("on_track", "green")
    assert (level(140, 100, 200).status, level(140, 100, 200).light) == ("acceleration_needed", "yellow")
    assert (level(120, 100, 200).status, level(120, 100, 200).light) == ("limited", "red")
    # completion against time share stays its own fact beside the light
    assert level(150, 100, 200).behind_schedule is True
    assert level(160, 100, 200).behind_schedule is False  # C = 0.6 = τ
    assert level(159, 100, 200).behind_schedule is True
    # the project margins no longer move an indicator's light
    th = Thresholds(green_margin=0.0, yellow_margin=0.0)
    assert level(120, 100, 200, thresholds=th).light == "red" and level(150, 100, 200, thresholds=th).light == "green"


def test_schedule_light_of_projects_keeps_its_own_bands():
    # τ = 0.6: green from C = 0.5, yellow from 0.3, red below; all work done is green whatever the time
    assert schedule_light(completion=0.5, time_share=0.6) == "green"
    assert schedule_light(completion=0.49, time_share=0.6) == "yellow"
    assert schedule_light(completion=0.3, time_share=0.6) == "yellow"
    assert schedule_light(completion=0.29, time_share=0.6) == "red"
    assert schedule_light(completion=1.0, time_share=1.5) == "green"
    assert schedule_light(completion=None, time_share=0.6) is None
    th = Thresholds(green_margin=0.05, yellow_margin=0.2)
    assert schedule_light(completion=0.5, time_share=0.6, thresholds=th) == "yellow"
    assert schedule_light(completion=0.55, time_share=0.6, thresholds=th) == "green"
    assert schedule_light(completion=0.39, time_share=0.6, thresholds=th) == "red"
    # the status rule of indicators does not touch it: C = 0.45 at τ = 0.6 is yellow for a project, while an
    # indicator with the same C can be on track (R = 0.97321 for 150 from 100 to 200) or limited
    assert schedule_light(completion=0.45, time_share=0.6) == "yellow"


def test_projection_and_still_needed():
    # 100 → 121 in 2 years (t = 2022): CAGR_a = 0.1; projection 121 · 1.1^3 = 161.051
    # still needed to reach 200 by 2025: (200/121)^(1/3) − 1 = 1.652893^(1/3) − 1
    # = exp(0.502527/3) − 1 = 0.182356
    a = level(121, 100, 200, t=2022)
    assert a.cagr_actual == approx(0.1)
    assert a.projection == approx(161.051)
    assert a.still_needed == approx(0.182356)


def test_fractional_t_for_a_stock_at_mid_year():
    # Q2 2023 stock: t = 2022.5, τ = 2.5/5 = 0.5; 10 → 14 with target 30:
    # CAGR_a = 1.4^(1/2.5) − 1 = exp(0.4 · 0.336472) − 1 = 0.144066
    t = period_time(2023, 2, "stock")
    a = level(14, 10, 30, t=t)
    assert t == 2022.5
    assert a.time_share == approx(0.5)
    assert a.cagr_actual == approx(0.144066)


# --------------------------------------------------------------------------- hand-derived: rates


def test_about_rate_8_percent_tolerance():
    # 8%左右, tolerance 5 % of 8 = 0.4: achieved from 7.6
    assert rate(7.7, 8, target_kind="about").status == "achieved"
    assert rate(7.6, 8, target_kind="about").status == "achieved"
    a = rate(7.5, 8, target_kind="about")
    assert a.achieved is False
    assert a.ratio == approx(0.9375)  # 7.5/8
    assert a.status == "acceleration_needed"
    # going past "about" the target is 超额完成, never a miss
    assert rate(9.5, 8, target_kind="about").status == "achieved"


def test_more_than_is_strict():
    # ＞10%: 10 exactly is not achieved (R = 1 → on track), 10.1 is
    a = rate(10, 10, target_kind="more_than")
    assert a.achieved is False and a.status == "on_track" and a.ratio == approx(1.0)
    assert rate(10.1, 10, target_kind="more_than").status == "achieved"
    # a chained average of exactly 10 % (1.1^3 → cube root) is still not "more than"
    g = average_growth(chain_index({2021: 10, 2022: 10, 2023: 10}, 2020)[2023], 3) * 100
    assert rate(g, 10, target_kind="more_than").achieved is False
    # levels too
    assert level(10, 5, 10, target_kind="more_than").achieved is False
    assert level(10.1, 5, 10, target_kind="more_than").achieved is True


def test_rate_chaining_average_growth():
    # 7.0, 8.0, 6.5 from 2020: I = 1.07 · 1.08 · 1.065 = 1.230714; (1.230714)^(1/3) − 1 = 0.071649
    idx = chain_index({2020: 3.7, 2021: 7.0, 2022: 8.0, 2023: 6.5}, 2020)
    assert idx == {2020: 1.0, 2021: approx(1.07), 2022: approx(1.1556), 2023: approx(1.230714)}
    assert average_growth(idx[2023], 3) == approx((1.07 * 1.08 * 1.065) ** (1 / 3) - 1)
    assert average_growth(idx[2023], 3) == approx(0.071649)
    # the chain stops at a missing year
    assert chain_index({2021: 7.0, 2023: 6.5}, 2020) == {2020: 1.0, 2021: approx(1.07)}
    assert average_growth(1.2, 0) is None


def test_rate_assessment_figures():
    # average 7.1649 % over 2020–2023 vs 8 %左右 by 2025:
    # R = 7.1649/8 = 0.89561 → acceleration needed;
    # C = (1.230714 − 1)/(1.08^5 − 1) = 0.230714/0.469328 = 0.491584;
    # still needed = (1.08^5 / 1.230714)^(1/2) − 1 = 0.092649
    a = rate(7.164855, 8, target_kind="about")
    assert a.ratio == approx(0.89561)
    assert a.status == "acceleration_needed"
    assert a.completion == approx(0.491584)
    assert a.still_needed == approx(0.092649)
    assert a.cagr_actual == approx(0.07164855) and a.cagr_required == approx(0.08)
    assert a.projection == approx(7.164855)
    # acceleration needed → yellow; C = 0.4916 < τ = 0.6 → behind schedule
    assert a.light == "yellow" and a.behind_schedule is True


def test_rate_ratio_bands_and_no_elapsed_time():
    assert rate(9.5, 10).status == "on_track"  # R = 0.95
    assert rate(9.4, 10).status == "acceleration_needed"
    assert rate(6.0, 10).status == "acceleration_needed"  # R = 0.6
    assert rate(5.9, 10).status == "limited"
    assert rate(0.0, 10).status == "limited"
    assert rate(-0.1, 10).status == "deterioration"
    a = rate(12, 10, t=2020)  # no year of the plan has passed: not an average yet
    assert a.status == "cannot_assess" and a.reason == "fewer_than_two_points" and a.achieved is False
    # a zero target rate: −1 % is below it, and R = −1/0 cannot be formed; nor can C (I_T − 1 = 0) to judge on
    z = rate(-1, 0)
    assert z.status == "cannot_assess" and z.reason == "zero_target" and z.light is None


# --------------------------------------------------------------------------- qualitative


def test_qualitative_year_above_and_below_assigned():
    a = assess_qualitative(actual=120, assigned=100, year=2022)
    assert a.achieved is True and a.status == "achieved" and a.light == "green"
    assert a.completion == approx(1.2)
    b = assess_qualitative(actual=90, assigned=100, year=2022)
    assert b.achieved is False
    # the light is the colour of the status: 需加快 is yellow (it was red, against its own status)
    assert b.status == "acceleration_needed" and b.reason == "below_assigned" and b.light == "yellow"
    assert b.shortfall == approx(10) and b.target_share == approx(0.9) and b.is_final is False
    c = assess_qualitative(actual=90, assigned=None, year=2022)
    assert c.status == "cannot_assess" and c.reason == "no_assigned_amount" and c.light is None
    assert assess_qualitative(actual=100, assigned=100, year=2022).achieved is True


def test_qualitative_kind_is_rejected_by_assess():
    with pytest.raises(ValueError):
        level(1, 1, 1, target_kind="qualitative")
    with pytest.raises(ValueError):
        level(1, 1, 1, measure="stock")


# --------------------------------------------------------------------------- helpers


def test_time_share_and_period_time():
    assert time_share(2020, 2025, 2023) == approx(0.6)
    assert time_share(2019, 2025, 2023) == approx(4 / 6)
    assert time_share(2020, 2020, 2023) is None
    assert period_time(2023, 4, "stock") == 2023.0
    assert period_time(2023, 2, "share") == 2022.5
    assert period_time(2023, 1, "index") == 2022.25
    assert period_time(2023, 2, "flow") == 2023.0
    assert period_time(2023, 3, "rate") == 2023.0
    with pytest.raises(ValueError):
        period_time(2023, 5, "stock")


def test_provisional_annual():
    # last year 1000; 600 in H1 this year vs 500 in H1 last year: 1000 · 600/500 = 1200
    assert provisional_annual(1000, 600, 500) == approx(1200)
    assert provisional_annual(None, 600, 500) is None
    assert provisional_annual(1000, 600, 0) is None
    assert provisional_annual(1000, float("nan"), 500) is None


def test_share_of_sums_skips_incomplete_pairs():
    assert share_of_sums([1, None], [4, 10]) == approx(25.0)
    assert share_of_sums([], []) is None
    assert share_of_sums([0, 0], [0, 0]) is None
    with pytest.raises(ValueError):
        share_of_sums([1], [1, 2])


def test_target_decomposition_gap():
    # 12 districts × 100 = 1200 vs city 1300: gap −100, −7.6923 %
    gap = target_decomposition_gap(1300, [100] * 12, "flow")
    assert gap["sum"] == approx(1200) and gap["gap"] == approx(-100)
    assert gap["gap_pct"] == approx(-7.6923)
    assert target_decomposition_gap(40, [40, 41], "share") is None
    assert target_decomposition_gap(1300, [], "stock")["sum"] is None


def test_as_dict_is_json_and_rounded():
    d = level(54.5, 52.0, 56.0).as_dict()
    json.dumps(d)
    assert d["cagr_actual"] == 0.015775  # 0.0157754670… rounded to 6 decimals
    assert d["ratio"] == 1.056489
    assert d["status"] == "on_track" and d["behind_schedule"] is False
    assert set(d) == {f for f in Assessment.__dataclass_fields__}
    e = level(np.float64(3), np.float64(-5), 10).as_dict()
    assert e["ratio"] is None and type(e["completion"]) is float


# --------------------------------------------------------------------------- the frame engine

IND_COLS = ["indicator_id", "number", "measure", "direction", "target_kind", "target_value", "tolerance",
            "baseline_year", "baseline_value", "base_year", "target_year", "by_district"]
NaN = float("nan")


def _ind(indicator_id, measure, target_kind, target_value, *, baseline_year=NaN, baseline_value=NaN,
         by_district=True, direction=1, tolerance=NaN):
    return dict(indicator_id=indicator_id, number=str(indicator_id), measure=measure, direction=direction,
                target_kind=target_kind, target_value=target_value, tolerance=tolerance,
                baseline_year=baseline_year, baseline_value=baseline_value, base_year=2020,
                target_year=2025, by_district=by_district)


def _obs(indicator_id, district_id, year, quarter, value=NaN, numerator=NaN, denominator=NaN):
    return dict(indicator_id=indicator_id, district_id=district_id, year=year, quarter=quarter, value=value,
                numerator=numerator, denominator=denominator)


SHARE, FLOW, STOCK, RATE, QUAL, SHARE_NO_ND, CATERING = 3, 1, 13, 2, 20, 4, 8


def _dataset():
    indicators = pd.DataFrame([
        _ind(FLOW, "flow", "at_least", 4000.0),
        _ind(RATE, "rate", "about", 8.0, by_district=False),
        _ind(SHARE, "share", "at_least", 56.0, baseline_value=52.0),
        _ind(SHARE_NO_ND, "share", "about", 40.0),
        _ind(CATERING, "flow", "at_least", 178.0, baseline_year=2019, baseline_value=134.8, by_district=False),
        _ind(STOCK, "stock", "at_least", 35.0),
        _ind(QUAL, "qualitative", "qualitative", NaN, by_district=False),
    ], columns=IND_COLS)
    obs = [
        # example 1 shares: 2020 districts (150+500+390)/2000 = 52.0; 2023 1090/2000 = 54.50
        _obs(SHARE, 1, 2020, 4, numerator=150, denominator=400),
        _obs(SHARE, 2, 2020, 4, numerator=500, denominator=900),
        _obs(SHARE, 3, 2020, 4, numerator=390, denominator=700),
        _obs(SHARE, 1, 2023, 4, numerator=160, denominator=400),
        _obs(SHARE, 2, 2023, 4, numerator=560, denominator=900),
        _obs(SHARE, 3, 2023, 4, numerator=370, denominator=700),
        # a share whose districts gave only the percentage: no city aggregate
        _obs(SHARE_NO_ND, 1, 2023, 4, value=50.0),
        _obs(SHARE_NO_ND, 2, 2023, 4, value=60.0),
        # the catering flow, city only, baseline 2019
        _obs(CATERING, None, 2023, 4, value=160.0),
        # qualitative amounts
        _obs(QUAL, None, 2021, 4, value=120.0),
        _obs(QUAL, None, 2022, 4, value=90.0),
        _obs(QUAL, None, 2023, 4, value=50.0),
        # stock counts; in 2023 Q2 only district 1 is approved
        _obs(STOCK, 1, 2020, 4, value=10.0), _obs(STOCK, 2, 2020, 4, value=5.0),
        _obs(STOCK, 1, 2023, 2, value=14.0),
        _obs(STOCK, 1, 2023, 4, value=16.0), _obs(STOCK, 2, 2023, 4, value=8.0),
        # city rate, reported yoy growth at comparable prices
        _obs(RATE, None, 2020, 4, value=3.7), _obs(RATE, None, 2021, 4, value=7.0),
        _obs(RATE, None, 2022, 4, value=8.0), _obs(RATE, None, 2023, 2, value=6.0),
        _obs(RATE, None, 2023, 4, value=6.5),
        # a district reporting its own growth, with 2022 missing
        _obs(RATE, 5, 2021, 4, value=7.5), _obs(RATE, 5, 2023, 4, value=6.0),
    ]
    flow = {  # cumulative year-to-date by district
        1: {(2020, 4): 1800, (2022, 2): 900, (2022, 3): 1400, (2022, 4): 2000, (2023, 2): 1000, (2023, 3): 1570},
        2: {(2020, 4): 1200, (2022, 2): 700, (2022, 3): 1000, (2022, 4): 1500, (2023, 2): 800, (2023, 3): 1150},
    }
    for d, series in flow.items():
        obs += [_obs(FLOW, d, y, q, value=float(v)) for (y, q), v in series.items()]
    obs.append(_obs(FLOW, None, 2022, 4, value=3480.0))  # published city figure (aggregate is 3500)
    observations = pd.DataFrame(obs)
    district_targets = pd.DataFrame([dict(indicator_id=FLOW, district_id=1, target_value=2300.0)])
    assignments = pd.DataFrame([dict(indicator_id=QUAL, year=2021, assigned_value=100.0),
                                dict(indicator_id=QUAL, year=2022, assigned_value=100.0)])
    return indicators, observations, district_targets, assignments


@pytest.fixture(scope="module")
def progress():
    return compute_progress(*_dataset())


def _row(frame, indicator_id, scope, year, quarter):
    rows = frame[(frame.indicator_id == indicator_id) & (frame.scope == scope)
                 & (frame.year == year) & (frame.quarter == quarter)]
    assert len(rows) == 1, (indicator_id, scope, year, quarter)
    return rows.iloc[0]


def test_frame_has_the_agreed_columns_and_one_row_per_period(progress):
    assert list(progress.columns) == [
        "indicator_id", "district_id", "scope", "year", "quarter", "value", "quarter_value",
        "annual_value", "is_provisional", "baseline_year", "baseline_value", "target_value",
        "target_source", "t", "completion", "time_share", "cagr_actual", "cagr_required", "ratio",
        "achieved", "status", "reason", "light", "projection", "still_needed", "is_final", "shortfall",
        "target_share", "inputs"]
    # share: city 2020, 2023 + 3 districts × 2; no-n/d share: city + 2 districts; catering 1; qual 3;
    # stock: city 3 periods + d1 3 + d2 2; rate: city 5 + d5 2;
    # flow: city 6 periods + 2 districts × 6
    assert len(progress) == 8 + 3 + 1 + 3 + 8 + 7 + 18
    assert set(progress.status) <= set(STATUSES)
    assert set(progress.light.dropna()) <= set(LIGHTS)


def test_frame_example_1_city_share_from_district_numerators(progress):
    r = _row(progress, SHARE, "city", 2023, 4)
    assert r.district_id is None
    assert r.value == approx(54.50)
    assert r.baseline_value == 52.0 and r.target_value == 56.0 and r.target_source == "city"
    assert r.ratio == approx(1.0565)
    assert r.status == "on_track"
    assert r.completion == approx(0.625) and r.time_share == approx(0.6)
    assert r.projection == approx(56.233)
    assert r.light == "green"
    assert r.inputs["source"] == "district_aggregate"
    assert r.inputs["numerator"] == 1090 and r.inputs["denominator"] == 2000
    assert r.inputs["districts"] == 3
    assert r.inputs["baseline_source"] == "indicator"
    base = _row(progress, SHARE, "city", 2020, 4)
    assert base.value == approx(52.0)
    assert base.status == "cannot_assess" and base.reason == "fewer_than_two_points"


def test_frame_district_share_uses_own_baseline_and_city_target(progress):
    # district 1: 150/400 = 37.5 → 160/400 = 40.0, target the city's 56:
    # C = 2.5/18.5 = 0.135135 → red; CAGR_a = (40/37.5)^(1/3) − 1 = 0.021746;
    # CAGR_r = (56/37.5)^(1/5) − 1 = 0.083506; R = 0.26041 → limited
    r = _row(progress, SHARE, "d1", 2023, 4)
    assert r.district_id == 1
    assert r.value == approx(40.0) and r.baseline_value == approx(37.5)
    assert r.target_value == 56.0 and r.target_source == "city"
    assert r.completion == approx(0.135135)
    assert r.ratio == approx(0.26041)
    assert r.status == "limited" and r.light == "red"


def test_frame_share_without_numerators_is_not_averaged(progress):
    r = _row(progress, SHARE_NO_ND, "city", 2023, 4)
    assert math.isnan(r.value)  # not (50 + 60)/2
    assert r.status == "cannot_assess" and r.reason == "no_numerator_denominator"
    # the district's own percentage stands; no baseline, but 60 ≥ 40 · 0.95 = 38 is achieved
    d = _row(progress, SHARE_NO_ND, "d2", 2023, 4)
    assert d.value == 60.0 and math.isnan(d.baseline_value)
    assert d.status == "achieved" and d.target_value == 40.0 and d.target_source == "city"


def test_frame_published_city_figure_overrides_the_aggregate(progress):
    r = _row(progress, FLOW, "city", 2022, 4)
    assert r.value == 3480.0  # districts sum to 2000 + 1500 = 3500
    assert r.inputs["source"] == "published_city_figure"
    assert r.inputs["aggregate"] == 3500.0
    assert r.inputs["districts"] == 2
    assert r.quarter_value == approx(3480 - 2400)
    assert r.is_provisional is False or r.is_provisional == False  # noqa: E712


def test_frame_flow_provisional_annual_estimate(progress):
    # city 2023 Q1–3 cumulative 1570 + 1150 = 2720; same period 2022: 1400 + 1000 = 2400;
    # 2022 annual = published 3480 → provisional 3480 · 2720/2400 = 3944;
    # baseline 2020 aggregate 1800 + 1200 = 3000; C = (3944 − 3000)/(4000 − 3000) = 0.944;
    # CAGR_a = (3944/3000)^(1/3) − 1 = 0.095482; CAGR_r = (4000/3000)^(1/5) − 1 = 0.059224;
    # R = 1.61222 → on track; the third quarter alone: 2720 − (1000 + 800) = 920
    r = _row(progress, FLOW, "city", 2023, 3)
    assert r.value == approx(2720) and r.quarter_value == approx(920)
    assert r.annual_value == approx(3944) and r.is_provisional == True  # noqa: E712
    assert r.baseline_value == approx(3000) and r.inputs["baseline_source"] == "observed"
    assert r.inputs["last_year_annual"] == 3480.0 and r.inputs["ytd_last_year"] == 2400.0
    assert r.t == 2023.0
    assert r.completion == approx(0.944)
    assert r.ratio == approx(1.61222)
    assert r.status == "on_track" and r.light == "green"


def test_frame_flow_district_targets_decomposed_and_implied(progress):
    # district 1 has its own target 2300; Q3 2023 alone = 1570 − 1000 = 570 (example 4)
    # provisional 2000 · 1570/1400 = 2242.857; C = (2242.857 − 1800)/(2300 − 1800) = 0.885714
    d1 = _row(progress, FLOW, "d1", 2023, 3)
    assert d1.quarter_value == approx(570)
    assert d1.annual_value == approx(2242.857)
    assert d1.target_value == 2300.0 and d1.target_source == "district"
    assert d1.completion == approx(0.885714)
    # district 2 has none: implied 1200 · 4000/3000 = 1600; provisional 1500 · 1150/1000 = 1725 ≥ 1600
    d2 = _row(progress, FLOW, "d2", 2023, 3)
    assert d2.target_value == approx(1600) and d2.target_source == "implied_proportional"
    assert d2.annual_value == approx(1725)
    assert d2.status == "achieved" and d2.light == "green"
    # Q2 2023 of district 1: no Q1 figure, so no single-quarter value; provisional 2000 · 1000/900
    q2 = _row(progress, FLOW, "d1", 2023, 2)
    assert math.isnan(q2.quarter_value)
    assert q2.annual_value == approx(2222.222)


def test_frame_flow_without_last_year_has_no_provisional_estimate(progress):
    r = _row(progress, FLOW, "city", 2022, 2)
    assert r.value == approx(1600) and r.is_provisional == True  # noqa: E712
    assert math.isnan(r.annual_value)
    assert r.status == "cannot_assess" and r.reason == "no_provisional_estimate"
    assert r.light is None and r.achieved == False  # noqa: E712


def test_frame_baseline_year_2019_for_catering(progress):
    # b = 2019: τ = 4/6 = 0.666667; C = (160 − 134.8)/(178 − 134.8) = 0.583333;
    # CAGR_a = (160/134.8)^(1/4) − 1 = 0.043777; CAGR_r = (178/134.8)^(1/6) − 1 = 0.047422;
    # R = 0.92313 → acceleration needed → yellow (C ≥ τ − 0.1 = 0.566667 made it green before the light
    # followed the status); C < τ → behind schedule
    r = _row(progress, CATERING, "city", 2023, 4)
    assert r.baseline_year == 2019 and r.baseline_value == 134.8
    assert r.time_share == approx(0.666667)
    assert r.completion == approx(0.583333)
    assert r.ratio == approx(0.92313)
    assert r.status == "acceleration_needed" and r.light == "yellow"


def test_frame_stock_incomplete_aggregate_and_mid_year_t(progress):
    inc = _row(progress, STOCK, "city", 2023, 2)
    assert inc.value == 14.0
    assert inc.status == "cannot_assess" and inc.reason == "incomplete_districts"
    assert inc.inputs["districts"] == 1 and inc.inputs["districts_expected"] == 2
    # city 2023 Q4: 16 + 8 = 24 from 15; target 35: C = 9/20 = 0.45;
    # CAGR_a = 1.6^(1/3) − 1 = 0.169607; CAGR_r = (35/15)^(1/5) − 1 = 0.184664; R = 0.91846 → yellow
    r = _row(progress, STOCK, "city", 2023, 4)
    assert r.value == 24.0 and r.baseline_value == 15.0
    assert r.completion == approx(0.45) and r.light == "yellow"
    assert r.ratio == approx(0.91846) and r.status == "acceleration_needed"
    # district 1 at end of Q2 2023: t = 2022.5, τ = 0.5; implied target 10 · 35/15 = 23.3333 (no unit given here,
    # so not a count: unrounded); C = 4/13.3333 = 0.3; CAGR_a = 1.4^(1/2.5) − 1 = 0.144066,
    # CAGR_r = 2.33333^(1/5) − 1 = 0.184664, R = 0.78015 → acceleration needed → yellow
    d1 = _row(progress, STOCK, "d1", 2023, 2)
    assert d1.t == 2022.5 and d1.time_share == approx(0.5)
    assert d1.target_value == approx(23.3333) and d1.target_source == "implied_proportional"
    assert d1.completion == approx(0.3) and d1.ratio == approx(0.78015)
    assert d1.status == "acceleration_needed" and d1.light == "yellow"


def test_frame_rate_chained_from_reported_growth(progress):
    # 2021: average = 7.0 → R = 7/8 = 0.875, not yet 7.6 → acceleration needed
    r21 = _row(progress, RATE, "city", 2021, 4)
    assert r21.annual_value == approx(7.0) and r21.ratio == approx(0.875)
    assert r21.status == "acceleration_needed"
    # 2022: (1.07 · 1.08)^(1/2) − 1 = 7.49884 % → R = 0.937355
    r22 = _row(progress, RATE, "city", 2022, 4)
    assert r22.annual_value == approx(7.49884) and r22.ratio == approx(0.937355)
    # 2023: (1.07 · 1.08 · 1.065)^(1/3) − 1 = 7.16485 %; C = 0.491584
    r23 = _row(progress, RATE, "city", 2023, 4)
    assert r23.annual_value == approx(7.16485) and r23.completion == approx(0.491584)
    assert r23.is_provisional == False  # noqa: E712
    assert r23.inputs["growths"] == {"2021": 7.0, "2022": 8.0, "2023": 6.5}
    # 2023 H1: YTD 6.0 % as provisional growth: (1.07 · 1.08 · 1.06)^(1/3) − 1 = 6.99688 %
    h1 = _row(progress, RATE, "city", 2023, 2)
    assert h1.annual_value == approx(6.99688) and h1.is_provisional == True  # noqa: E712
    # the base year's own growth is outside the plan's average
    r20 = _row(progress, RATE, "city", 2020, 4)
    assert r20.value == 3.7 and math.isnan(r20.annual_value) and r20.reason == "fewer_than_two_points"
    # a district reporting its own growth, with 2022 missing: cannot chain 2023
    d5 = _row(progress, RATE, "d5", 2023, 4)
    assert d5.status == "cannot_assess" and d5.reason == "incomplete_growth_chain"
    assert d5.target_value == 8.0 and d5.target_source == "city"
    assert _row(progress, RATE, "d5", 2021, 4).annual_value == approx(7.5)


def test_frame_qualitative_years(progress):
    r21 = _row(progress, QUAL, "city", 2021, 4)
    assert r21.status == "achieved" and r21.light == "green" and r21.target_value == 100.0
    assert r21.target_source == "assignment"
    r22 = _row(progress, QUAL, "city", 2022, 4)
    assert r22.status == "acceleration_needed" and r22.reason == "below_assigned" and r22.light == "yellow"
    assert r22.shortfall == approx(10) and r22.target_share == approx(0.9) and not r22.is_final
    r23 = _row(progress, QUAL, "city", 2023, 4)
    assert r23.status == "cannot_assess" and r23.reason == "no_assigned_amount"


def test_frame_is_deterministic_and_sorted(progress):
    ind, obs, dt, asg = _dataset()
    shuffled = compute_progress(ind.sample(frac=1, random_state=1),
                                obs.sample(frac=1, random_state=2), dt, asg)
    pd.testing.assert_frame_equal(progress, shuffled)
    keys = [(i, -1 if d is None else d, y, q) for i, d, y, q in
            zip(progress.indicator_id, progress.district_id, progress.year, progress.quarter)]
    assert keys == sorted(keys)
    assert progress.iloc[0].scope == "city" and progress.iloc[0].indicator_id == FLOW


def test_frame_records_are_json(progress):
    records = progress_records(progress)
    json.dumps(records, ensure_ascii=False, allow_nan=False)
    assert records[0]["district_id"] is None


def test_frame_empty_inputs_and_duplicates():
    ind, obs, dt, asg = _dataset()
    empty = compute_progress(ind.iloc[0:0], obs.iloc[0:0], dt.iloc[0:0], asg.iloc[0:0])
    assert empty.empty and "status" in empty.columns
    dup = pd.concat([obs, obs.iloc[[0]]])
    with pytest.raises(ValueError):
        compute_progress(ind, dup, dt, asg)


def test_frame_accepts_nullable_district_ids_and_records_versions(progress):
    # as the selector builds it: district_id Int64 with <NA> for city rows, plus the version used
    ind, obs, dt, asg = _dataset()
    obs = obs.assign(district_id=obs["district_id"].astype("Int64"), version_id=range(100, 100 + len(obs)))
    frame = compute_progress(ind, obs, dt, asg)
    cols = [c for c in frame.columns if c != "inputs"]
    pd.testing.assert_frame_equal(frame[cols], progress[cols])
    city = _row(frame, SHARE, "city", 2023, 4)
    assert city.inputs["version_ids"] == [103, 104, 105]  # the three 2023 district rows
    assert _row(frame, SHARE, "d2", 2023, 4).inputs["version_id"] == 104
    published = _row(frame, FLOW, "city", 2022, 4)
    assert published.inputs["version_id"] == 100 + len(obs) - 1
    assert len(published.inputs["aggregate_version_ids"]) == 2


def test_frame_city_row_without_a_value_does_not_hide_the_aggregate():
    # a city-level share row with nothing in it: the districts' ratio of sums (1 + 3)/(4 + 6) = 40 % stands
    ind = pd.DataFrame([_ind(SHARE, "share", "at_least", 56.0, baseline_value=52.0)], columns=IND_COLS)
    obs = pd.DataFrame([_obs(SHARE, 1, 2023, 4, numerator=1, denominator=4),
                        _obs(SHARE, 2, 2023, 4, numerator=3, denominator=6),
                        _obs(SHARE, None, 2023, 4)])
    frame = compute_progress(ind, obs, pd.DataFrame(columns=["indicator_id", "district_id", "target_value"]),
                             pd.DataFrame(columns=["indicator_id", "year", "assigned_value"]))
    city = _row(frame, SHARE, "city", 2023, 4)
    assert city.value == approx(40.0) and city.inputs["source"] == "district_aggregate"
    # C = (40 − 52)/(56 − 52) = −3 → red; R < 0 → deterioration
    assert city.completion == approx(-3.0) and city.status == "deterioration" and city.light == "red"


def test_frame_light_is_the_colour_of_every_rows_status(progress):
    assert list(progress["light"]) == [STATUS_LIGHTS[s] for s in progress["status"]]
    assert progress["is_final"].dtype == bool and not progress["is_final"].any()  # nothing of 2025 in this dataset


# --------------------------------------------------------------------------- PROGRESS.md §3a: edge cases


def test_example_5_end_of_plan_largely_achieved():
    # 服务业增加值 890.02 (2020) → 1300 (2025); the 2025 annual figure 1251.56:
    # C = 361.54/409.98 = 0.881848; share of the target reached 1251.56/1300 = 0.962738 ≥ 0.90 → 基本完成;
    # shortfall 1300 − 1251.56 = 48.44 (亿元); R = 0.0705584/0.0787200 = 0.896322
    a = level(1251.56, 890.02, 1300, t=2025)
    assert a.completion == approx(0.881848) and round(a.completion, 3) == 0.882
    assert a.ratio == approx(0.896322)
    assert a.status == "largely_achieved" and a.light == "yellow" and a.is_final is True
    assert a.shortfall == approx(48.44) and round(a.target_share, 3) == 0.963
    assert a.projection is None and a.still_needed is None
    assert a.achieved is False


def test_example_5_in_the_frame_and_its_provisional_quarter():
    ind = pd.DataFrame([dict(_ind(1, "flow", "at_least", 1300.0, baseline_year=2020, baseline_value=890.02,
                                  by_district=False), unit="亿元")], columns=IND_COLS + ["unit"])
    obs = pd.DataFrame([_obs(1, None, 2024, 3, value=860.0), _obs(1, None, 2024, 4, value=1152.40),
                        _obs(1, None, 2025, 3, value=900.0), _obs(1, None, 2025, 4, value=1251.56)])
    frame = compute_progress(ind, obs, pd.DataFrame(columns=["indicator_id", "district_id", "target_value"]),
                             pd.DataFrame(columns=["indicator_id", "year", "assigned_value"]))
    final = _row(frame, 1, "city", 2025, 4)
    assert final.status == "largely_achieved" and final.light == "yellow" and final.is_final
    assert final.shortfall == approx(48.44) and final.target_share == approx(0.962738)
    assert final.completion == approx(0.881848)
    assert math.isnan(final.projection) and math.isnan(final.still_needed)
    # the in-year estimate of the target year keeps the in-progress statuses: 1152.40 · 900/860 = 1206.00,
    # CAGR_a = (1206/890.02)^(1/5) − 1 = 0.062648, R = 0.062648/0.078720 = 0.79584 → acceleration needed
    q3 = _row(frame, 1, "city", 2025, 3)
    assert q3.is_provisional and q3.annual_value == approx(1206.0)
    assert q3.ratio == approx(0.79584)
    assert q3.status == "acceleration_needed" and q3.light == "yellow" and not q3.is_final
    # 2024 is not the end
    assert not _row(frame, 1, "city", 2024, 4).is_final


def test_end_of_plan_on_each_side_of_the_largely_achieved_band():
    # baseline 50, target 100 at T: share v/100; achieved from 100
    assert (level(100, 50, 100, t=2025).status, level(100, 50, 100, t=2025).light) == ("achieved", "green")
    assert level(100, 50, 100, t=2025).is_final is True and level(100, 50, 100, t=2025).shortfall == 0
    at = level(90, 50, 100, t=2025)
    assert (at.status, at.light, at.target_share) == ("largely_achieved", "yellow", approx(0.9))
    below = level(89.99, 50, 100, t=2025)
    assert (below.status, below.light) == ("not_achieved", "red")
    assert below.shortfall == approx(10.01) and below.is_final is True
    # lower is better: share = target/value; 80 against 72 → 0.9 → 基本完成; 80.1 → 0.8989 → 未完成
    assert level(80, 100, 72, t=2025, higher_is_better=False).status == "largely_achieved"
    assert level(80.1, 100, 72, t=2025, higher_is_better=False).status == "not_achieved"
    assert level(80, 100, 72, t=2025, higher_is_better=False).shortfall == approx(8)
    # rates: the share is R = actual/target; 8%左右 is reached from 7.6, 7.2 is R = 0.9, 7.19 is below
    assert rate(7.6, 8, t=2025, target_kind="about").status == "achieved"
    r = rate(7.2, 8, t=2025, target_kind="about")
    assert (r.status, r.target_share, r.shortfall) == ("largely_achieved", approx(0.9), approx(0.8))  # points
    assert rate(7.19, 8, t=2025, target_kind="about").status == "not_achieved"
    # the band is a setting
    assert level(90, 50, 100, t=2025, thresholds=Thresholds(largely_achieved=0.95)).status == "not_achieved"
    # a provisional in-year figure of the target year is no final verdict
    p = level(90, 50, 100, t=2025, provisional=True)
    assert p.is_final is False and p.status not in ("largely_achieved", "not_achieved")
    # the figure reaches the verdict without a usable growth: a zero baseline at T is still judged
    z = level(95, 0, 100, t=2025)
    assert z.status == "largely_achieved" and z.is_final is True


def test_no_verdict_after_the_target_year_or_before_the_base_year():
    after = level(120, 50, 100, t=2026)
    assert after.status == "cannot_assess" and after.reason == "after_target_year"
    assert after.light is None and after.is_final is False and after.achieved is False
    assert after.projection is None and after.behind_schedule is None and after.shortfall is None
    assert rate(9, 8, t=2026).reason == "after_target_year"
    # a stock at the end of Q1 2026 is t = 2025.25: the next plan's
    assert level(120, 50, 100, t=period_time(2026, 1, "stock")).reason == "after_target_year"
    before = level(40, 50, 100, t=2019)
    assert before.status == "cannot_assess" and before.reason == "before_base_year"
    assert before.light is None and before.behind_schedule is None
    assert level(120, 50, 100, t=2019).light is None  # even a figure above the target
    assert rate(9, 8, t=2019).light is None
    q = assess_qualitative(actual=120, assigned=100, year=2026, base_year=2020, target_year=2025)
    assert q.status == "cannot_assess" and q.reason == "after_target_year" and q.light is None


def test_example_6_baseline_already_meets_the_target():
    # a district share of 62.0% against the city's 55%左右 (reached from 52.25%)
    kept = level(60.0, 62.0, 55.0, target_kind="about")
    assert kept.status == "achieved" and kept.light == "green"
    assert kept.completion is None and kept.reason == "baseline_meets_target"
    fell = level(50.0, 62.0, 55.0, target_kind="about")
    assert fell.status == "deterioration" and fell.light == "red"
    assert fell.completion is None and fell.reason == "baseline_meets_target" and fell.ratio is None
    assert fell.shortfall == approx(5.0)
    # the base year itself is no fall: no time has passed (a city's printed baseline may differ from its figure)
    base = level(50.0, 62.0, 55.0, target_kind="about", t=2020)
    assert base.status == "cannot_assess" and base.reason == "fewer_than_two_points" and base.light is None
    # 犍为县's 服务业税收占全市比重: 54.78 from a target of 55%左右 is already "about" the target (only through the
    # tolerance: its own reason); the formula gave (56.74 − 54.78)/(55 − 54.78) = 890.9 %
    q = level(56.74, 54.78, 55.0, target_kind="about", t=2025)
    assert q.completion is None and q.reason == "baseline_within_tolerance" and q.status == "achieved"
    assert q.is_final is True


def test_a_baseline_meeting_an_about_target_only_through_its_tolerance_says_so():
    # the city's 服务业税收占全市比重: 53.2% (2020) against 55%左右, reached from 52.25% (5% of 55 = 2.75):
    # the rule of the baseline already meeting the target (PROGRESS.md §3a), with the reason that says how
    rose = level(54.0, 53.2, 55.0, target_kind="about")
    assert (rose.status, rose.light, rose.completion) == ("achieved", "green", None)
    assert rose.reason == "baseline_within_tolerance"
    assert REASON_TEXTS["baseline_within_tolerance"][0] == "基期已在“左右”目标的容差范围内，视同已达到目标"
    fell = level(52.0, 53.2, 55.0, target_kind="about")  # below 52.25: 倒退, red
    assert (fell.status, fell.light, fell.reason) == ("deterioration", "red", "baseline_within_tolerance")
    assert fell.shortfall == approx(3.0)
    # a baseline at or beyond the printed target keeps the plain reason
    assert level(56.0, 55.0, 55.0, target_kind="about").reason == "baseline_meets_target"
    # a tolerance of the indicator's own narrower than the gap: an ordinary path from 53.2 to 55 (C = 0.8/1.8)
    own = level(54.0, 53.2, 55.0, target_kind="about", tolerance=0.02)
    assert own.reason == "" and own.completion == approx(0.8 / 1.8)


def test_a_baseline_within_the_tolerance_short_of_a_plain_target_has_no_completion():
    # 沐川县's 金融业增加值占GDP比重: 5.93 against a plain 6 (0.07 short, within 5% of 6 = 0.3): the formula gave
    # (6.29 − 5.93)/0.07 = 514 %; 6.29 ≥ 6 is achieved. Below the target the status still follows R, with
    # CAGR_r = (6/5.93)^(1/5) − 1 = 0.0023498
    a = level(6.29, 5.93, 6.0)
    assert a.completion is None and a.reason == "baseline_near_target" and a.status == "achieved"
    b = level(5.95, 5.93, 6.0)  # R = ((5.95/5.93)^(1/3) − 1)/0.0023498 = 0.0011230/0.0023498 = 0.47790 → limited
    assert b.completion is None and b.ratio == approx(0.47790)
    assert b.status == "limited" and b.light == "red" and b.reason == "baseline_near_target"
    c = level(5.80, 5.93, 6.0)  # fell back: R < 0
    assert c.completion is None and c.status == "deterioration"
    # just outside the band (5.69 is 0.31 short of 6) the completion is the formula's: (5.8 − 5.69)/0.31 = 0.354839
    assert level(5.80, 5.69, 6.0).completion == approx(0.354839)


def test_example_7_apportioned_count_target_is_rounded_up_and_judged_as_that_number():
    # city target 35户; the district holds 3 of the city's 25 in 2020 (12%) → 3 · 35/25 = 4.2 → 5户
    ind = pd.DataFrame([dict(_ind(STOCK, "stock", "at_least", 35.0), unit="户"),
                        dict(_ind(FLOW, "flow", "at_least", 35.0), unit="亿元")], columns=IND_COLS + ["unit"])
    obs = pd.DataFrame([_obs(STOCK, 1, 2020, 4, value=3.0), _obs(STOCK, 2, 2020, 4, value=22.0),
                        _obs(STOCK, 1, 2025, 4, value=4.0), _obs(STOCK, 2, 2025, 4, value=30.0),
                        _obs(FLOW, 1, 2020, 4, value=3.0), _obs(FLOW, 2, 2020, 4, value=22.0),
                        _obs(FLOW, 1, 2025, 4, value=4.0), _obs(FLOW, 2, 2025, 4, value=30.0)])
    frame = compute_progress(ind, obs, pd.DataFrame(columns=["indicator_id", "district_id", "target_value"]),
                             pd.DataFrame(columns=["indicator_id", "year", "assigned_value"]))
    d1 = _row(frame, STOCK, "d1", 2025, 4)
    assert d1.target_value == 5.0 and d1.target_source == "implied_proportional"
    assert d1.inputs["target_unrounded"] == approx(4.2)
    # judged as 5: 4 of 5 is 80% → 未完成, 1户 short (against 4.2 it would be 95.2% → 基本完成)
    assert d1.status == "not_achieved" and d1.light == "red" and d1.is_final
    assert d1.shortfall == approx(1.0) and d1.target_share == approx(0.8)
    # 22 · 35/25 = 30.8 → 31户: 30 is 96.8% of it
    d2 = _row(frame, STOCK, "d2", 2025, 4)
    assert d2.target_value == 31.0 and d2.status == "largely_achieved"
    # a flow in 亿元 is not a count: its apportioned target stays 4.2
    f1 = _row(frame, FLOW, "d1", 2025, 4)
    assert f1.target_value == approx(4.2) and "target_unrounded" not in f1.inputs
    # a whole proportional target is not pushed up by floating-point noise: 5 · 35/25 = 7 → 7
    ind2 = ind.iloc[[0]]
    obs2 = pd.DataFrame([_obs(STOCK, 1, 2020, 4, value=5.0), _obs(STOCK, 2, 2020, 4, value=20.0)])
    frame2 = compute_progress(ind2, obs2, pd.DataFrame(columns=["indicator_id", "district_id", "target_value"]),
                              pd.DataFrame(columns=["indicator_id", "year", "assigned_value"]))
    assert _row(frame2, STOCK, "d1", 2020, 4).target_value == 7.0


def test_zero_target_is_judged_on_completion_against_time_share():
    # lower is better, 100 → target 0 by 2025, τ = 0.6: C = (100 − v)/100, judged on C/τ with the R bands
    def judged(v):
        a = level(v, 100, 0, higher_is_better=False)
        assert a.ratio is None and a.cagr_required is None and a.reason == "judged_on_completion"
        return a.status, a.light

    assert judged(43) == ("on_track", "green")  # C/τ = 0.57/0.6 = 0.95
    assert judged(44) == ("acceleration_needed", "yellow")  # 0.9333
    assert judged(64) == ("acceleration_needed", "yellow")  # 0.36/0.6 = 0.6
    assert judged(65) == ("limited", "red")  # 0.5833
    assert judged(100) == ("limited", "red")  # 0
    assert judged(101) == ("deterioration", "red")  # −0.0167
    assert level(0, 100, 0, higher_is_better=False).status == "achieved"
    # higher is better, losses of −10 to be cleared by 2025: −4 is C = 0.6 = τ → on track
    up = level(-4, -10, 0)
    assert up.status == "on_track" and up.reason == "judged_on_completion"
    # a zero baseline stays "cannot assess" for growth
    z = level(5, 0, 10)
    assert z.status == "cannot_assess" and z.reason == "zero_baseline" and z.light is None


def test_qualitative_end_of_plan_and_outside_the_plan():
    kw = dict(base_year=2020, target_year=2025)
    done = assess_qualitative(actual=100, assigned=100, year=2025, **kw)
    assert (done.status, done.light, done.is_final, done.shortfall) == ("achieved", "green", True, 0)
    largely = assess_qualitative(actual=90, assigned=100, year=2025, **kw)
    assert (largely.status, largely.light, largely.is_final) == ("largely_achieved", "yellow", True)
    missed = assess_qualitative(actual=89, assigned=100, year=2025, **kw)
    assert (missed.status, missed.light, missed.reason) == ("not_achieved", "red", "below_assigned")
    in_year = assess_qualitative(actual=40, assigned=100, year=2025, provisional=True, **kw)
    assert (in_year.status, in_year.light, in_year.is_final) == ("acceleration_needed", "yellow", False)
    before = assess_qualitative(actual=120, assigned=100, year=2019, **kw)
    assert before.status == "cannot_assess" and before.light is None


def test_every_band_edge_gives_the_light_of_its_status():
    r = 2 ** 0.2 - 1
    v = lambda k: 100 * (1 + k * r) ** 3  # noqa: E731  (R = k)
    for k, status, light in [(0.95, "on_track", "green"), (0.9499, "acceleration_needed", "yellow"),
                             (0.6, "acceleration_needed", "yellow"), (0.5999, "limited", "red"),
                             (0.0, "limited", "red"), (-0.0001, "deterioration", "red")]:
        a = level(v(k), 100, 200)
        assert a.ratio == approx(k) if k else abs(a.ratio) < 1e-9
        assert (a.status, a.light) == (status, light), k


def test_a_level_that_ended_below_its_baseline_is_not_largely_achieved():
    """A share falling from 52.0% to 50.0% against 55% reaches 90.9% of the target, but ground lost is 未完成
    (red), never 基本完成; one that rose to the same 50.0% from 45.0% is 基本完成 (yellow)."""
    fell = level(50.0, 52.0, 55.0, t=2025)
    assert round(fell.target_share, 3) == 0.909 and fell.completion < 0
    assert fell.status == "not_achieved" and fell.light == "red" and fell.is_final is True
    assert fell.shortfall == approx(5.0)
    rose = level(50.0, 45.0, 55.0, t=2025)
    assert rose.status == "largely_achieved" and rose.light == "yellow"
