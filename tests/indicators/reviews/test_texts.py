"""Review-report texts (issue 8): every status and every measure kind, word for word, in Chinese and English.

The rows are hand-made Progress rows: the numbers a stored row would hold (worked out with the progress maths
once and written down here), so these tests check the wording, units, rounding and period phrases only. The
model sentence of issue 8 and the real 2024 figure (1152.40 亿元) are among them. A second check reads every
number out of every sentence and finds it among the stored row's fields, formatted: the text never computes a
progress figure of its own. The tests at the end run on the database: real published figures, a revision,
and the demo data.

Issue 13: the final review (总结评估) words each verdict (已完成 / 基本完成 / 未完成) with the share of the target
reached and the shortfall in the indicator's unit, and never projects or asks for acceleration (worked example 5,
each measure kind, a figure on each side of every band, rows stored with and without the engine's final fields);
worked examples 6 (baseline already above the target) and 7 (apportioned count target); a baseline the plan does
not give reads 未给出 and the figure computed from the base-year figure that stood in says so; demo and published
figures carry their marks, a published one its publisher and document.
"""
import json
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from indicators.progress.maths import MEASURES, STATUSES
from indicators.reviews.report import build_review
from indicators.reviews.revisions import revision_notes
from indicators.reviews.sentences import indicator_paragraph
from indicators.reviews.wording import STATUSES as REVIEW_STATUSES
from indicators.reviews.wording import (
    Scope,
    district_name_en,
    number_text,
    pct_of_fraction,
    review_kind,
    review_title,
    source_citation,
)

PUBLISHED = Path(__file__).resolve().parents[3] / "fixtures" / "published_figures.json"


def ind(number, name, name_en, unit, measure, target_kind="at_least", decimals=2, by_district=True):
    return dict(indicator_id=number, number=number, name=name, name_en=name_en, unit=unit, measure=measure,
                higher_is_better=True, target_kind=target_kind, target_year=2025, decimals=decimals,
                by_district=by_district)


FLOW = ind(1, "服务业增加值", "Value added of the services sector", "亿元", "flow")
FLOW_ROUND = dict(FLOW, decimals=0)  # the model sentence of issue 8 prints whole 亿元
SHARE = ind(3, "服务业增加值占地区生产总值比重", "Services value added as a share of GDP", "%", "share")
SHARE_ABOUT = ind(4, "生产性服务业增加值占服务业比重", "Share of producer services in services value added", "%", "share",
                  "about")
STOCK = ind(13, "数字经济核心产业规上企业数量", "Core digital-economy enterprises above designated size", "户", "stock",
            decimals=0)
RATE = ind(2, "服务业增加值年均增速", "Average annual growth of services value added", "%", "rate", "about")
RATE_MORE = ind(10, "研发经费投入年均增速", "Average annual growth of R&D expenditure", "%", "rate", "more_than",
                by_district=False)
INDEX = ind(11, "科技创新综合水平指数", "Composite index of science and technology innovation", "%", "index",
            by_district=False)
QUAL = ind(16, "进出口总额", "Total value of imports and exports", "亿元", "qualitative", "qualitative", by_district=False)


def row(indicator, **fields):
    base = dict(indicator_id=indicator["indicator_id"], scope="city", year=2023, quarter=4, is_provisional=False,
                baseline_year=2020, value=None, annual_value=None, baseline_value=None, target_value=None,
                completion=None, time_share=None, cagr_actual=None, cagr_required=None, ratio=None,
                projection=None, still_needed=None, status="cannot_assess", reason="", light=None, inputs={})
    base.update(fields)
    return base


CITY, EMEISHAN = Scope.city(), Scope.district("emeishan", "峨眉山市")

# (indicator, scope, row, Chinese, English)
CASES = {
    # issue 8's model sentence: 1100 亿元 against 890.02 → 1300; C = 209.98/409.98 = 51.2%, τ = 60%,
    # projection 1100·1.07316² = 1266.8 → 1267, still needed (1300/1100)^(1/2) − 1 = 8.7%
    "flow_acceleration_model": (
        FLOW_ROUND, CITY,
        row(FLOW, value=1100.0, annual_value=1100.0, baseline_value=890.02, target_value=1300.0, completion=0.512171,
            time_share=0.6, cagr_actual=0.07316, cagr_required=0.07872, ratio=0.929365, status="acceleration_needed",
            light="green", projection=1266.83863, still_needed=0.087115),
        "截至2023年底，全市服务业增加值完成1100亿元，为2025年目标的84.6%，完成目标进度51.2%，低于时间进度8.8个百分点，"
        "按当前增速预计2025年达到1267亿元，需年均增长8.7%方可完成目标。评估结论：需加快（绿灯）。",
        "By the end of 2023, value added of the services sector in Leshan reached 1,100 CNY 100 million, 84.6% of the "
        "2025 target; completion stood at 51.2%, 8.8 percentage points behind the time elapsed (60.0%); at the "
        "current growth rate it is projected to reach 1,267 CNY 100 million in 2025, and average annual growth of 8.7% "
        "is needed to meet the target. Assessment: acceleration needed (green light)."),
    # the 2024 bulletin: C = (1152.40 − 890.02)/(1300 − 890.02) = 64.0%, τ = 80.0% → 16.0 个百分点
    "flow_published_2024": (
        FLOW, CITY,
        row(FLOW, year=2024, value=1152.4, annual_value=1152.4, baseline_value=890.02, target_value=1300.0,
            completion=0.639982, time_share=0.8, cagr_actual=0.066721, cagr_required=0.07872, ratio=0.847575,
            status="acceleration_needed", light="yellow", projection=1229.289354, still_needed=0.128081),
        "截至2024年底，全市服务业增加值完成1152.40亿元，为2025年目标的88.6%，完成目标进度64.0%，低于时间进度16.0个百分点，"
        "按当前增速预计2025年达到1229.29亿元，需年均增长12.8%方可完成目标。评估结论：需加快（黄灯）。",
        "By the end of 2024, value added of the services sector in Leshan reached 1,152.40 CNY 100 million, 88.6% of the "
        "2025 target; completion stood at 64.0%, 16.0 percentage points behind the time elapsed (80.0%); at the "
        "current growth rate it is projected to reach 1,229.29 CNY 100 million in 2025, and average annual growth of "
        "12.8% is needed to meet the target. Assessment: acceleration needed (yellow light)."),
    "flow_achieved": (
        FLOW, CITY,
        row(FLOW, value=1350.0, annual_value=1350.0, baseline_value=890.02, target_value=1300.0, completion=1.121957,
            time_share=0.6, status="achieved", light="green", projection=1782.19999, still_needed=-0.018693),
        "截至2023年底，全市服务业增加值完成1350.00亿元，为2025年目标的103.8%，已提前达到2025年目标（1300.00亿元）。"
        "评估结论：已达标（绿灯）。",
        "By the end of 2023, value added of the services sector in Leshan reached 1,350.00 CNY 100 million, 103.8% of the "
        "2025 target, already meeting the 2025 target (1,300.00 CNY 100 million). Assessment: target achieved "
        "(green light)."),
    "flow_on_track_district": (
        FLOW, EMEISHAN,
        row(FLOW, scope="emeishan", value=1200.0, annual_value=1200.0, baseline_value=890.02, target_value=1300.0,
            completion=0.756086, time_share=0.6, status="on_track", light="green", projection=1464.543355,
            still_needed=0.040833),
        "截至2023年底，峨眉山市服务业增加值完成1200.00亿元，为2025年目标的92.3%，完成目标进度75.6%，快于时间进度15.6个百分点，"
        "按当前增速预计2025年达到1464.54亿元，可完成目标。评估结论：进度正常（绿灯）。",
        "By the end of 2023, value added of the services sector in Emeishan City reached 1,200.00 CNY 100 million, 92.3% "
        "of the 2025 target; completion stood at 75.6%, 15.6 percentage points ahead of the time elapsed (60.0%); at "
        "the current growth rate it is projected to reach 1,464.54 CNY 100 million in 2025, enough to meet the target. "
        "Assessment: on track (green light)."),
    "flow_limited": (
        FLOW, CITY,
        row(FLOW, value=950.0, annual_value=950.0, baseline_value=890.02, target_value=1300.0, completion=0.1463,
            time_share=0.6, status="limited", light="red", projection=992.21586, still_needed=0.169795),
        "截至2023年底，全市服务业增加值完成950.00亿元，为2025年目标的73.1%，完成目标进度14.6%，低于时间进度45.4个百分点，"
        "按当前增速预计2025年达到992.22亿元，需年均增长17.0%方可完成目标。评估结论：进展有限（红灯）。",
        "By the end of 2023, value added of the services sector in Leshan reached 950.00 CNY 100 million, 73.1% of the "
        "2025 target; completion stood at 14.6%, 45.4 percentage points behind the time elapsed (60.0%); at the "
        "current growth rate it is projected to reach 992.22 CNY 100 million in 2025, and average annual growth of 17.0% "
        "is needed to meet the target. Assessment: limited progress (red light)."),
    "flow_deterioration": (
        FLOW, CITY,
        row(FLOW, value=880.0, annual_value=880.0, baseline_value=890.02, target_value=1300.0, completion=-0.02444,
            time_share=0.6, status="deterioration", light="red", projection=873.382749, still_needed=0.215431),
        "截至2023年底，全市服务业增加值完成880.00亿元，为2025年目标的67.7%，比2020年减少10.02亿元，完成目标进度-2.4%，"
        "低于时间进度62.4个百分点，按当前增速预计2025年降至873.38亿元，需年均增长21.5%方可完成目标。评估结论：倒退（红灯）。",
        "By the end of 2023, value added of the services sector in Leshan reached 880.00 CNY 100 million, 67.7% of the "
        "2025 target, 10.02 CNY 100 million less than in 2020; completion stood at -2.4%, 62.4 percentage points behind "
        "the time elapsed (60.0%); at the current growth rate it is projected to fall to 873.38 CNY 100 million in 2025, "
        "and average annual growth of 21.5% is needed to meet the target. Assessment: deterioration (red light)."),
    # 总结评估: the target year itself, no projection left. A row stored before the engine gave final verdicts
    # (limited at t = T) reads as the plan's rule reads it: 84.6% of the target → 未完成, red
    "flow_final_stale_row": (
        FLOW, CITY,
        row(FLOW, year=2025, value=1100.0, annual_value=1100.0, baseline_value=890.02, target_value=1300.0,
            completion=0.512171, time_share=1.0, status="limited", light="red", projection=1100.0),
        "2025年，全市服务业增加值完成1100.00亿元，为目标（1300.00亿元）的84.6%，差200.00亿元，未完成规划目标。"
        "评估结论：未完成（红灯）。",
        "In 2025, value added of the services sector in Leshan reached 1,100.00 CNY 100 million, 84.6% of the target "
        "(1,300.00 CNY 100 million), 200.00 CNY 100 million short; target not achieved. Assessment: not achieved "
        "(red light)."),
    # within a year: 1—9月 cumulative and the provisional annual estimate (预计全年)
    "flow_provisional": (
        FLOW, CITY,
        row(FLOW, year=2024, quarter=3, is_provisional=True, value=850.0, annual_value=1180.5, baseline_value=890.02,
            target_value=1300.0, completion=0.708522, time_share=0.8, status="acceleration_needed", light="green",
            projection=1266.871446, still_needed=0.101228),
        "2024年1—9月，全市服务业增加值累计完成850.00亿元，预计全年1180.50亿元，为2025年目标的90.8%，完成目标进度70.9%，"
        "低于时间进度9.1个百分点，按当前增速预计2025年达到1266.87亿元，需年均增长10.1%方可完成目标。评估结论：需加快（绿灯）。",
        "In January–September 2024, value added of the services sector in Leshan reached 850.00 CNY 100 million, an "
        "estimated 1,180.50 CNY 100 million for the full year, 90.8% of the 2025 target; completion stood at 70.9%, 9.1 "
        "percentage points behind the time elapsed (80.0%); at the current growth rate it is projected to reach "
        "1,266.87 CNY 100 million in 2025, and average annual growth of 10.1% is needed to meet the target. Assessment: "
        "acceleration needed (green light)."),
    # within the target year itself: the full-year figure is still an estimate, so "预计", never "未完成"
    "flow_provisional_target_year": (
        FLOW, CITY,
        row(FLOW, year=2025, quarter=2, is_provisional=True, value=594.93, annual_value=1225.94,
            baseline_value=890.02, target_value=1300.0, completion=0.819, time_share=1.0,
            status="acceleration_needed", light="yellow", projection=1225.94, t=2025.0),
        "2025年1—6月，全市服务业增加值累计完成594.93亿元，预计全年1225.94亿元，为2025年目标的94.3%，完成目标进度81.9%，"
        "低于时间进度18.1个百分点，按预计全年值难以完成2025年目标。评估结论：需加快（黄灯）。",
        "In January–June 2025, value added of the services sector in Leshan reached 594.93 CNY 100 million, an estimated "
        "1,225.94 CNY 100 million for the full year, 94.3% of the 2025 target; completion stood at 81.9%, 18.1 percentage "
        "points behind the time elapsed (100.0%); on this estimate the 2025 target will be missed. Assessment: "
        "acceleration needed (yellow light)."),
    "flow_provisional_achieved": (
        FLOW, CITY,
        row(FLOW, year=2024, quarter=3, is_provisional=True, value=1000.0, annual_value=1320.0, baseline_value=890.02,
            target_value=1300.0, completion=1.05, time_share=0.8, status="achieved", light="green", projection=1400.0,
            still_needed=-0.01),
        "2024年1—9月，全市服务业增加值累计完成1000.00亿元，预计全年1320.00亿元，为2025年目标的101.5%，"
        "预计全年可达到2025年目标（1300.00亿元）。评估结论：已达标（绿灯）。",
        "In January–September 2024, value added of the services sector in Leshan reached 1,000.00 CNY 100 million, an "
        "estimated 1,320.00 CNY 100 million for the full year, 101.5% of the 2025 target, on course to meet the 2025 "
        "target (1,300.00 CNY 100 million). Assessment: target achieved (green light)."),
    "flow_cannot_assess": (
        FLOW, CITY,
        row(FLOW, year=2024, quarter=3, is_provisional=True, value=850.0, baseline_value=890.02, target_value=1300.0,
            reason="no_provisional_estimate"),
        "2024年1—9月，全市服务业增加值累计完成850.00亿元。评估结论：无法评估（缺少上年全年值或上年同期累计值，无法估算全年值）。",
        "In January–September 2024, value added of the services sector in Leshan reached 850.00 CNY 100 million. "
        "Assessment: cannot assess (last year's annual value or same-period cumulative is missing: no provisional "
        "annual estimate)."),
    # PROGRESS.md worked example 3: −5 → +3, the growth ratio cannot be assessed; completion and its light stay
    # on the dashboards, the sentence gives the figure and the reason, no progress number
    "flow_sign_change": (
        FLOW, CITY,
        row(FLOW, value=3.0, annual_value=3.0, baseline_value=-5.0, target_value=10.0, completion=0.533333,
            time_share=0.6, reason="sign_change", light="green"),
        "截至2023年底，全市服务业增加值完成3.00亿元。评估结论：无法评估（基期值与当期值（或目标值）正负相反，无法计算增速）。",
        "By the end of 2023, value added of the services sector in Leshan reached 3.00 CNY 100 million. Assessment: "
        "cannot assess (baseline and value (or target) have opposite signs: growth cannot be computed)."),
    # PROGRESS.md worked example 1: 54.50% against 52.0 → 56.0; C = 0.625, τ = 0.6, projection 56.233
    "share_on_track_example1": (
        SHARE, CITY,
        row(SHARE, value=54.5, annual_value=54.5, baseline_value=52.0, target_value=56.0, completion=0.625,
            time_share=0.6, cagr_actual=0.015775, cagr_required=0.014932, ratio=1.056489, status="on_track",
            light="green", projection=56.233089, still_needed=0.013668),
        "截至2023年底，全市服务业增加值占地区生产总值比重为54.5%，比2020年提高2.5个百分点，距2025年目标（56.0%）尚差1.5个百分点，"
        "完成目标进度62.5%，快于时间进度2.5个百分点，按当前趋势预计2025年达到56.2%，可完成目标。评估结论：进度正常（绿灯）。",
        "By the end of 2023, services value added as a share of GDP in Leshan was 54.5%, up 2.5 percentage points on "
        "2020, 1.5 percentage points short of the 2025 target (56.0%); completion stood at 62.5%, 2.5 percentage "
        "points ahead of the time elapsed (60.0%); on the current trend it is projected to reach 56.2% in 2025, "
        "enough to meet the target. Assessment: on track (green light)."),
    "share_achieved_about": (
        SHARE_ABOUT, CITY,
        row(SHARE_ABOUT, value=38.5, annual_value=38.5, baseline_value=30.0, target_value=40.0, completion=0.85,
            time_share=0.6, status="achieved", light="green", projection=45.466031),
        "截至2023年底，全市生产性服务业增加值占服务业比重为38.5%，比2020年提高8.5个百分点，已提前达到2025年目标（40.0%左右）。"
        "评估结论：已达标（绿灯）。",
        "By the end of 2023, share of producer services in services value added in Leshan was 38.5%, up 8.5 "
        "percentage points on 2020, already meeting the 2025 target (about 40.0%). Assessment: target achieved "
        "(green light)."),
    "share_limited": (
        SHARE_ABOUT, CITY,
        row(SHARE_ABOUT, value=31.0, annual_value=31.0, baseline_value=30.0, target_value=40.0, completion=0.1,
            time_share=0.6, status="limited", light="red", projection=31.685117, still_needed=0.135924),
        "截至2023年底，全市生产性服务业增加值占服务业比重为31.0%，比2020年提高1.0个百分点，距2025年目标（40.0%左右）尚差9.0个百分点，"
        "完成目标进度10.0%，低于时间进度50.0个百分点，按当前趋势预计2025年达到31.7%，距目标仍差8.3个百分点。"
        "评估结论：进展有限（红灯）。",
        "By the end of 2023, share of producer services in services value added in Leshan was 31.0%, up 1.0 "
        "percentage points on 2020, 9.0 percentage points short of the 2025 target (about 40.0%); completion stood "
        "at 10.0%, 50.0 percentage points behind the time elapsed (60.0%); on the current trend it is projected to "
        "reach 31.7% in 2025, still 8.3 percentage points short of the target. Assessment: limited progress "
        "(red light)."),
    "share_deterioration": (
        SHARE_ABOUT, CITY,
        row(SHARE_ABOUT, value=29.0, annual_value=29.0, baseline_value=30.0, target_value=40.0, completion=-0.1,
            time_share=0.6, status="deterioration", light="red", projection=28.351921, still_needed=0.17444),
        "截至2023年底，全市生产性服务业增加值占服务业比重为29.0%，比2020年下降1.0个百分点，距2025年目标（40.0%左右）尚差11.0个百分点，"
        "完成目标进度-10.0%，低于时间进度70.0个百分点，按当前趋势预计2025年降至28.4%，距目标仍差11.6个百分点。"
        "评估结论：倒退（红灯）。",
        "By the end of 2023, share of producer services in services value added in Leshan was 29.0%, down 1.0 "
        "percentage points on 2020, 11.0 percentage points short of the 2025 target (about 40.0%); completion stood "
        "at -10.0%, 70.0 percentage points behind the time elapsed (60.0%); on the current trend it is projected to "
        "fall to 28.4% in 2025, still 11.6 percentage points short of the target. Assessment: deterioration "
        "(red light)."),
    "share_cannot_assess": (
        SHARE, CITY,
        row(SHARE, value=5.2, annual_value=5.2, target_value=6.0, reason="no_baseline"),
        "截至2023年底，全市服务业增加值占地区生产总值比重为5.2%。评估结论：无法评估（缺少基期值）。",
        "By the end of 2023, services value added as a share of GDP in Leshan was 5.2%. Assessment: cannot assess "
        "(no baseline value yet)."),
    "stock_acceleration": (
        STOCK, CITY,
        row(STOCK, value=26.0, annual_value=26.0, baseline_value=20.0, target_value=35.0, completion=0.4,
            time_share=0.6, status="acceleration_needed", light="yellow", projection=30.969599, still_needed=0.160239),
        "截至2023年底，全市数字经济核心产业规上企业数量达到26户，为2025年目标的74.3%，完成目标进度40.0%，低于时间进度20.0个百分点，"
        "按当前增速预计2025年达到31户，需年均增长16.0%方可完成目标。评估结论：需加快（黄灯）。",
        "By the end of 2023, core digital-economy enterprises above designated size in Leshan numbered 26, 74.3% of "
        "the 2025 target; completion stood at 40.0%, 20.0 percentage points behind the time elapsed (60.0%); at the "
        "current growth rate it is projected to reach 31 in 2025, and average annual growth of 16.0% is needed to "
        "meet the target. Assessment: acceleration needed (yellow light)."),
    # a stock is read at the end of the quarter: 截至2024年三季度末, τ = 3.75/5
    "stock_within_year": (
        STOCK, CITY,
        row(STOCK, year=2024, quarter=3, value=30.0, annual_value=30.0, baseline_value=20.0, target_value=35.0,
            completion=0.666667, time_share=0.75, status="on_track", light="green", projection=34.4,
            still_needed=0.1),
        "截至2024年三季度末，全市数字经济核心产业规上企业数量达到30户，为2025年目标的85.7%，完成目标进度66.7%，"
        "低于时间进度8.3个百分点，按当前增速预计2025年达到34户，需年均增长10.0%方可完成目标。评估结论：进度正常（绿灯）。",
        "By the end of Q3 2024, core digital-economy enterprises above designated size in Leshan numbered 30, 85.7% of "
        "the 2025 target; completion stood at 66.7%, 8.3 percentage points behind the time elapsed (75.0%); at the "
        "current growth rate it is projected to reach 34 in 2025, and average annual growth of 10.0% is needed to "
        "meet the target. Assessment: on track (green light)."),
    # a stock in Q2 of the target year is read at t = 2024.5: half a year still to go
    "stock_target_year_q2": (
        STOCK, CITY,
        row(STOCK, year=2025, quarter=2, value=27.0, annual_value=27.0, baseline_value=20.0, target_value=35.0,
            completion=0.466667, time_share=0.9, status="acceleration_needed", light="red", projection=28.0,
            still_needed=0.5, t=2024.5),
        "截至2025年二季度末，全市数字经济核心产业规上企业数量达到27户，为2025年目标的77.1%，完成目标进度46.7%，"
        "低于时间进度43.3个百分点，按当前增速预计2025年达到28户，需年均增长50.0%方可完成目标。评估结论：需加快（红灯）。",
        "By the end of Q2 2025, core digital-economy enterprises above designated size in Leshan numbered 27, 77.1% of "
        "the 2025 target; completion stood at 46.7%, 43.3 percentage points behind the time elapsed (90.0%); at the "
        "current growth rate it is projected to reach 28 in 2025, and average annual growth of 50.0% is needed to "
        "meet the target. Assessment: acceleration needed (red light)."),
    "stock_cannot_assess": (
        STOCK, CITY,
        row(STOCK, value=28.0, annual_value=28.0, target_value=35.0, reason="no_baseline"),
        "截至2023年底，全市数字经济核心产业规上企业数量达到28户。评估结论：无法评估（缺少基期值）。",
        "By the end of 2023, core digital-economy enterprises above designated size in Leshan numbered 28. "
        "Assessment: cannot assess (no baseline value yet)."),
    "rate_acceleration": (
        RATE, CITY,
        row(RATE, value=7.4, annual_value=6.2, target_value=8.0, completion=0.42139, time_share=0.6,
            cagr_actual=0.062, cagr_required=0.08, ratio=0.775, status="acceleration_needed", light="yellow",
            projection=6.2, still_needed=0.107574),
        "截至2023年底，全市服务业增加值2021—2023年年均增长6.2%，低于2025年目标（8.0%左右）1.8个百分点，完成目标进度42.1%，"
        "低于时间进度17.9个百分点，2024—2025年需年均增长10.8%方可完成目标。评估结论：需加快（黄灯）。",
        "By the end of 2023, services value added in Leshan grew by an average of 6.2% a year over 2021–2023, 1.8 "
        "percentage points below the 2025 target (about 8.0%); completion stood at 42.1%, 17.9 percentage points "
        "behind the time elapsed (60.0%); growth of 10.8% a year is needed in 2024–2025 to meet the target. "
        "Assessment: acceleration needed (yellow light)."),
    "rate_achieved": (
        RATE, CITY,
        row(RATE, value=8.1, annual_value=7.8, target_value=8.0, completion=0.538486, time_share=0.6,
            status="achieved", light="green", projection=7.8, still_needed=0.083007),
        "截至2023年底，全市服务业增加值2021—2023年年均增长7.8%，达到2025年目标（8.0%左右）。评估结论：已达标（绿灯）。",
        "By the end of 2023, services value added in Leshan grew by an average of 7.8% a year over 2021–2023, meeting "
        "the 2025 target (about 8.0%). Assessment: target achieved (green light)."),
    "rate_within_year": (
        RATE, CITY,
        row(RATE, year=2024, quarter=3, is_provisional=True, value=5.0, annual_value=6.0, target_value=8.0,
            completion=0.559261, time_share=0.8, status="acceleration_needed", light="yellow", projection=6.0,
            still_needed=0.163845),
        "2024年1—9月，全市服务业增加值同比增长5.0%，预计2021—2024年年均增长6.0%，低于2025年目标（8.0%左右）2.0个百分点，"
        "完成目标进度55.9%，低于时间进度24.1个百分点，2025年需增长16.4%方可完成目标。评估结论：需加快（黄灯）。",
        "In January–September 2024, services value added in Leshan grew 5.0% year on year, putting growth over "
        "2021–2024 at an estimated 6.0% a year, 2.0 percentage points below the 2025 target (about 8.0%); completion "
        "stood at 55.9%, 24.1 percentage points behind the time elapsed (80.0%); growth of 16.4% is needed in 2025 "
        "to meet the target. Assessment: acceleration needed (yellow light)."),
    "rate_provisional_target_year": (
        RATE, CITY,
        row(RATE, year=2025, quarter=2, is_provisional=True, value=4.8, annual_value=5.3, target_value=8.0,
            completion=0.634, time_share=1.0, status="acceleration_needed", light="red", projection=5.3),
        "2025年1—6月，全市服务业增加值同比增长4.8%，预计2021—2025年年均增长5.3%，低于2025年目标（8.0%左右）2.7个百分点，"
        "完成目标进度63.4%，低于时间进度36.6个百分点，按预计全年值难以完成2025年目标。评估结论：需加快（红灯）。",
        "In January–June 2025, services value added in Leshan grew 4.8% year on year, putting growth over 2021–2025 at "
        "an estimated 5.3% a year, 2.7 percentage points below the 2025 target (about 8.0%); completion stood at "
        "63.4%, 36.6 percentage points behind the time elapsed (100.0%); on this estimate the 2025 target will be "
        "missed. Assessment: acceleration needed (red light)."),
    "rate_deterioration": (
        RATE_MORE, CITY,
        row(RATE_MORE, value=-2.0, annual_value=-1.0, target_value=10.0, completion=-0.048649, time_share=0.6,
            status="deterioration", light="red", projection=-1.0, still_needed=0.288335),
        "截至2023年底，全市研发经费投入2021—2023年年均下降1.0%，低于2025年目标（高于10.0%）11.0个百分点，完成目标进度-4.9%，"
        "低于时间进度64.9个百分点，2024—2025年需年均增长28.8%方可完成目标。评估结论：倒退（红灯）。",
        "By the end of 2023, R&D expenditure in Leshan fell by an average of 1.0% a year over 2021–2023, 11.0 "
        "percentage points below the 2025 target (more than 10.0%); completion stood at -4.9%, 64.9 percentage "
        "points behind the time elapsed (60.0%); growth of 28.8% a year is needed in 2024–2025 to meet the target. "
        "Assessment: deterioration (red light)."),
    # Leshan's bulletins give no 2021 growth: the chain to 2024 breaks
    "rate_cannot_assess": (
        RATE, CITY,
        row(RATE, year=2024, value=6.0, target_value=8.0, reason="incomplete_growth_chain"),
        "截至2024年底，全市服务业增加值同比增长6.0%。评估结论：无法评估（缺少此前某年的全年增速，无法连乘计算年均增速）。",
        "By the end of 2024, services value added in Leshan grew 6.0% year on year. Assessment: cannot assess (an "
        "earlier year's annual growth is missing: the average growth cannot be chained)."),
    "index_limited": (
        INDEX, CITY,
        row(INDEX, value=52.0, annual_value=52.0, baseline_value=50.0, target_value=60.0, completion=0.2,
            time_share=0.6, status="limited", light="red", projection=53.377583, still_needed=0.074172),
        "截至2023年底，全市科技创新综合水平指数为52.0%，比2020年提高2.0个百分点，距2025年目标（60.0%）尚差8.0个百分点，"
        "完成目标进度20.0%，低于时间进度40.0个百分点，按当前趋势预计2025年达到53.4%，距目标仍差6.6个百分点。"
        "评估结论：进展有限（红灯）。",
        "By the end of 2023, composite index of science and technology innovation in Leshan was 52.0%, up 2.0 "
        "percentage points on 2020, 8.0 percentage points short of the 2025 target (60.0%); completion stood at "
        "20.0%, 40.0 percentage points behind the time elapsed (60.0%); on the current trend it is projected to reach "
        "53.4% in 2025, still 6.6 percentage points short of the target. Assessment: limited progress (red light)."),
    "qualitative_achieved": (
        QUAL, CITY,
        row(QUAL, baseline_year=None, value=120.0, annual_value=120.0, target_value=100.0, completion=1.2,
            status="achieved", light="green"),
        "截至2023年底，全市进出口总额完成120.00亿元，完成省下达目标任务（100.00亿元）。评估结论：已达标（绿灯）。",
        "By the end of 2023, total value of imports and exports in Leshan reached 120.00 CNY 100 million, meeting the "
        "amount assigned by the province (100.00 CNY 100 million). Assessment: target achieved (green light)."),
    "qualitative_below": (
        QUAL, CITY,
        row(QUAL, baseline_year=None, value=80.0, annual_value=80.0, target_value=100.0, completion=0.8,
            status="acceleration_needed", reason="below_assigned", light="red"),
        "截至2023年底，全市进出口总额完成80.00亿元，未完成省下达目标任务（100.00亿元），完成率80.0%。评估结论：需加快（红灯）。",
        "By the end of 2023, total value of imports and exports in Leshan reached 80.00 CNY 100 million, below the amount "
        "assigned by the province (100.00 CNY 100 million), 80.0% of it. Assessment: acceleration needed (red light)."),
    "qualitative_within_year": (
        QUAL, CITY,
        row(QUAL, baseline_year=None, quarter=3, is_provisional=True, value=60.0, annual_value=60.0,
            target_value=100.0, completion=0.6, status="acceleration_needed", reason="below_assigned", light="red"),
        "2023年1—9月，全市进出口总额累计完成60.00亿元，为省下达全年目标任务（100.00亿元）的60.0%。评估结论：需加快（红灯）。",
        "In January–September 2023, total value of imports and exports in Leshan reached 60.00 CNY 100 million, 60.0% of "
        "the amount assigned by the province for the year (100.00 CNY 100 million). Assessment: acceleration needed "
        "(red light)."),
    "qualitative_cannot_assess": (
        QUAL, CITY,
        row(QUAL, baseline_year=None, value=80.0, annual_value=80.0, reason="no_assigned_amount"),
        "截至2023年底，全市进出口总额完成80.00亿元。评估结论：无法评估（未录入省下达目标任务）。",
        "By the end of 2023, total value of imports and exports in Leshan reached 80.00 CNY 100 million. Assessment: "
        "cannot assess (no assigned amount is recorded for this year)."),
    "index_no_row": (
        INDEX, CITY, None,
        "截至2023年底，全市科技创新综合水平指数暂无数据。评估结论：无法评估（本期无已审核数据）。",
        "By the end of 2023, there is no figure yet for composite index of science and technology innovation in "
        "Leshan. Assessment: cannot assess (no approved figure for this period)."),
}


def paragraph(key, lang):
    indicator, scope, r, _zh, _en = CASES[key]
    return indicator_paragraph(indicator, r, scope, lang=lang, year=2023, quarter=4)


@pytest.mark.parametrize("key", CASES)
def test_chinese_sentence_word_for_word(key):
    assert paragraph(key, "zh").text == CASES[key][3]


@pytest.mark.parametrize("key", CASES)
def test_english_sentence_word_for_word(key):
    assert paragraph(key, "en").text == CASES[key][4]


def test_the_model_sentence_of_issue_8_is_reproduced_exactly():
    assert paragraph("flow_acceleration_model", "zh").sentence == (
        "截至2023年底，全市服务业增加值完成1100亿元，为2025年目标的84.6%，完成目标进度51.2%，低于时间进度8.8个百分点，"
        "按当前增速预计2025年达到1267亿元，需年均增长8.7%方可完成目标。")


def test_the_cases_cover_every_status_and_every_measure_kind():
    statuses = {paragraph(k, "zh").status for k in CASES} | {final_paragraph(k, "zh").status for k in FINAL_CASES}
    assert statuses == set(REVIEW_STATUSES) == set(STATUSES) | {"largely_achieved", "not_achieved"}
    assert {CASES[k][0]["measure"] for k in CASES} == set(MEASURES)
    assert {FINAL_CASES[k][0]["measure"] for k in FINAL_CASES} == set(MEASURES)


# ------------------------------------------------------------------------------------------------ the end of the plan

FORBIDDEN_AT_THE_END = ("需加快", "预计", "需年均增长", "还需", "方可完成", "按当前", "进度正常", "时间进度", "acceleration",
                        "projected", "is needed", "on track", "time elapsed", "estimate")
SHARE_TAX = ind(4, "服务业税收占全市比重", "Services tax revenue as a share of the city's", "%", "share", "about")


def final_row(indicator, **fields):
    """A row as the engine stores it once the target year's annual figure is in (PROGRESS.md §3a): is_final, the
    share of the target reached and the shortfall; no projection, no growth still needed."""
    base = dict(year=2025, quarter=4, time_share=1.0, is_final=True, projection=None, still_needed=None)
    base.update(fields)
    return row(indicator, **base)


# (indicator, scope, row, Chinese, English): the final review's sentence of each verdict and measure
FINAL_CASES = {
    # worked example 5: 1251.56 of 1300 亿元 → 96.3%, 差48.44亿元 → 基本完成, yellow (C = 0.882)
    "example5_flow_largely_achieved": (
        FLOW, CITY,
        final_row(FLOW, value=1251.56, annual_value=1251.56, baseline_value=890.02, target_value=1300.0,
                  completion=0.881848, status="largely_achieved", light="yellow", shortfall=48.44,
                  target_share=0.962738),
        "2025年，全市服务业增加值完成1251.56亿元，为目标（1300.00亿元）的96.3%，差48.44亿元，基本完成规划目标。"
        "评估结论：基本完成（黄灯）。",
        "In 2025, value added of the services sector in Leshan reached 1,251.56 CNY 100 million, 96.3% of the target "
        "(1,300.00 CNY 100 million), 48.44 CNY 100 million short; target largely achieved. Assessment: largely "
        "achieved (yellow light)."),
    "flow_achieved": (
        FLOW, CITY,
        final_row(FLOW, value=1350.0, annual_value=1350.0, baseline_value=890.02, target_value=1300.0,
                  completion=1.121957, status="achieved", light="green", shortfall=0.0, target_share=1.038462),
        "2025年，全市服务业增加值完成1350.00亿元，为目标（1300.00亿元）的103.8%，完成规划目标。评估结论：已完成（绿灯）。",
        "In 2025, value added of the services sector in Leshan reached 1,350.00 CNY 100 million, 103.8% of the target "
        "(1,300.00 CNY 100 million); target achieved. Assessment: achieved (green light)."),
    "flow_not_achieved_district": (
        FLOW, EMEISHAN,
        final_row(FLOW, scope="emeishan", value=170.0, annual_value=170.0, baseline_value=152.57,
                  target_value=222.85, completion=0.248, status="not_achieved", light="red", shortfall=52.85,
                  target_share=0.762845, inputs={"baseline_source": "observed"}),
        "2025年，峨眉山市服务业增加值完成170.00亿元，为目标（222.85亿元）的76.3%，差52.85亿元，未完成规划目标。"
        "评估结论：未完成（红灯）。",
        "In 2025, value added of the services sector in Emeishan City reached 170.00 CNY 100 million, 76.3% of the "
        "target (222.85 CNY 100 million), 52.85 CNY 100 million short; target not achieved. Assessment: not achieved "
        "(red light)."),
    # 40%左右 is reached from 38%: 38.5% is 已完成, though below 40
    "share_about_achieved": (
        SHARE_ABOUT, CITY,
        final_row(SHARE_ABOUT, value=38.5, annual_value=38.5, baseline_value=30.0, target_value=40.0,
                  completion=0.85, status="achieved", light="green", shortfall=0.0, target_share=0.9625),
        "2025年，全市生产性服务业增加值占服务业比重为38.5%，为目标（40.0%左右）的96.3%，完成规划目标。评估结论：已完成（绿灯）。",
        "In 2025, share of producer services in services value added in Leshan was 38.5%, 96.3% of the target (about "
        "40.0%); target achieved. Assessment: achieved (green light)."),
    "share_largely_achieved": (
        SHARE, CITY,
        final_row(SHARE, value=51.0, annual_value=51.0, baseline_value=52.0, target_value=56.0, completion=-0.25,
                  status="largely_achieved", light="yellow", shortfall=5.0, target_share=0.910714),
        "2025年，全市服务业增加值占地区生产总值比重为51.0%，为目标（56.0%）的91.1%，差5.0个百分点，基本完成规划目标。"
        "评估结论：基本完成（黄灯）。",
        "In 2025, services value added as a share of GDP in Leshan was 51.0%, 91.1% of the target (56.0%), 5.0 "
        "percentage points short; target largely achieved. Assessment: largely achieved (yellow light)."),
    "stock_not_achieved": (
        STOCK, CITY,
        final_row(STOCK, value=27.0, annual_value=27.0, baseline_value=16.0, target_value=35.0, completion=0.578947,
                  status="not_achieved", light="red", shortfall=8.0, target_share=0.771429),
        "2025年末，全市数字经济核心产业规上企业数量达到27户，为目标（35户）的77.1%，差8户，未完成规划目标。"
        "评估结论：未完成（红灯）。",
        "At the end of 2025, core digital-economy enterprises above designated size in Leshan numbered 27, 77.1% of "
        "the target (35), 8 short; target not achieved. Assessment: not achieved (red light)."),
    "rate_not_achieved": (
        RATE, CITY,
        final_row(RATE, value=5.6, annual_value=5.6, target_value=8.0, completion=0.668, ratio=0.7,
                  status="not_achieved", light="red", shortfall=2.4, target_share=0.7),
        "2021—2025年，全市服务业增加值年均增长5.6%，为目标（8.0%左右）的70.0%，差2.4个百分点，未完成规划目标。"
        "评估结论：未完成（红灯）。",
        "Over 2021–2025, services value added in Leshan grew by an average of 5.6% a year, 70.0% of the target (about "
        "8.0%), 2.4 percentage points short; target not achieved. Assessment: not achieved (red light)."),
    # ＞10%: exactly 9.5% is 95% of it, 基本完成
    "rate_more_than_largely_achieved": (
        RATE_MORE, CITY,
        final_row(RATE_MORE, value=9.0, annual_value=9.5, target_value=10.0, completion=0.93, ratio=0.95,
                  status="largely_achieved", light="yellow", shortfall=0.5, target_share=0.95),
        "2021—2025年，全市研发经费投入年均增长9.5%，为目标（高于10.0%）的95.0%，差0.5个百分点，基本完成规划目标。"
        "评估结论：基本完成（黄灯）。",
        "Over 2021–2025, R&D expenditure in Leshan grew by an average of 9.5% a year, 95.0% of the target (more than "
        "10.0%), 0.5 percentage points short; target largely achieved. Assessment: largely achieved (yellow light)."),
    "index_achieved": (
        INDEX, CITY,
        final_row(INDEX, value=61.0, annual_value=61.0, baseline_value=50.0, target_value=60.0, completion=1.1,
                  status="achieved", light="green", shortfall=0.0, target_share=1.016667),
        "2025年，全市科技创新综合水平指数为61.0%，为目标（60.0%）的101.7%，完成规划目标。评估结论：已完成（绿灯）。",
        "In 2025, composite index of science and technology innovation in Leshan was 61.0%, 101.7% of the target "
        "(60.0%); target achieved. Assessment: achieved (green light)."),
    "qualitative_not_achieved": (
        QUAL, CITY,
        final_row(QUAL, baseline_year=None, time_share=None, value=190.0, annual_value=190.0, target_value=204.0,
                  completion=0.931373, status="not_achieved", reason="below_assigned", light="red", shortfall=14.0,
                  target_share=0.931373),
        "2025年，全市进出口总额完成190.00亿元，为省下达目标任务（204.00亿元）的93.1%，差14.00亿元，未完成省下达目标任务。"
        "评估结论：未完成（红灯）。",
        "In 2025, total value of imports and exports in Leshan reached 190.00 CNY 100 million, 93.1% of the amount "
        "assigned by the province (204.00 CNY 100 million), 14.00 CNY 100 million short; amount not achieved. "
        "Assessment: not achieved (red light)."),
    "share_cannot_assess": (
        SHARE, CITY,
        final_row(SHARE, value=5.2, annual_value=5.2, target_value=6.0, reason="no_baseline"),
        "截至2025年底，全市服务业增加值占地区生产总值比重为5.2%。评估结论：无法评估（缺少基期值）。",
        "By the end of 2025, services value added as a share of GDP in Leshan was 5.2%. Assessment: cannot assess "
        "(no baseline value yet)."),
}


def final_paragraph(key, lang, **kwargs):
    indicator, scope, r, _zh, _en = FINAL_CASES[key]
    return indicator_paragraph(indicator, r, scope, lang=lang, year=2025, quarter=4, final_review=True, **kwargs)


@pytest.mark.parametrize("key", FINAL_CASES)
def test_final_review_sentence_word_for_word_in_chinese(key):
    p = final_paragraph(key, "zh")
    assert p.text == FINAL_CASES[key][3]
    assert not [w for w in FORBIDDEN_AT_THE_END if w in p.text]


@pytest.mark.parametrize("key", FINAL_CASES)
def test_final_review_sentence_word_for_word_in_english(key):
    p = final_paragraph(key, "en")
    assert p.text == FINAL_CASES[key][4]
    assert not [w for w in FORBIDDEN_AT_THE_END if w in p.text.lower()]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", FINAL_CASES)
def test_every_number_of_a_final_sentence_is_a_stored_figure(key, lang):
    indicator, _scope, r, _zh, _en = FINAL_CASES[key]
    p = final_paragraph(key, lang)
    assert [n for n in numbers_in(p.text, r, indicator) if n not in stored_numbers(indicator, r, lang)] == [], p.text


def test_worked_example_5_reads_as_the_final_verdict_everywhere():
    zh, en = final_paragraph("example5_flow_largely_achieved", "zh"), final_paragraph(
        "example5_flow_largely_achieved", "en")
    assert zh.title == "1. 服务业增加值（基本完成，▲ 黄灯）" and zh.conclusion == "评估结论：基本完成（黄灯）。"
    assert en.title == "1. Value added of the services sector (Largely achieved, ▲ yellow light)"
    assert (zh.status_label, zh.target_share_text, zh.shortfall_text) == ("基本完成", "96.3%", "48.44亿元")
    assert (en.status_label, en.target_share_text, en.shortfall_text) == (
        "Largely achieved", "96.3%", "48.44 CNY 100 million")
    assert zh.gap_points is None and zh.final
    # the same row, with the target year's figure in, reads as a verdict in any review (is_final from the engine)
    indicator, scope, r, _zh, _en = FINAL_CASES["example5_flow_largely_achieved"]
    assert indicator_paragraph(indicator, r, scope, lang="zh").text == FINAL_CASES["example5_flow_largely_achieved"][3]


def test_achieved_reads_as_completed_at_the_end_of_the_plan_and_as_reached_before_it():
    assert final_paragraph("flow_achieved", "zh").status_label == "已完成"
    assert final_paragraph("flow_achieved", "en").status_label == "Achieved"
    assert paragraph("flow_achieved", "zh").status_label == "已达标"
    assert paragraph("flow_achieved", "en").status_label == "Target achieved"


# a figure on each side of every band, in both languages. In progress (t = 2023): the engine's own judgement
# (maths.assess) of a value just above and just below R = 0.95, 0.6 and 0, and at / just below the target.
# At the end (t = 2025): at / just below the target, and 90% of it either side (基本完成 / 未完成).
def _assessed_row(value, **extra):
    from indicators.progress.maths import assess

    a = assess(value=value, baseline=890.02, target=1300.0, base_year=2020, target_year=2025, t=2023)
    return row(FLOW, value=value, annual_value=value, baseline_value=890.02, target_value=1300.0,
               completion=a.completion, time_share=a.time_share, ratio=a.ratio, status=a.status, light=a.light,
               projection=a.projection, still_needed=a.still_needed, **extra)


IN_PROGRESS_BANDS = [  # value, status, 中文, English
    (1300.0, "achieved", "已达标", "target achieved"),
    (1299.99, "on_track", "进度正常", "on track"),
    (1105.25, "on_track", "进度正常", "on track"),  # R = 0.951
    (1104.76, "acceleration_needed", "需加快", "acceleration needed"),  # R = 0.949
    (1022.41, "acceleration_needed", "需加快", "acceleration needed"),  # R = 0.601
    (1021.95, "limited", "进展有限", "limited progress"),  # R = 0.599
    (890.23, "limited", "进展有限", "limited progress"),  # R = 0.001
    (889.81, "deterioration", "倒退", "deterioration"),  # R = −0.001
]


@pytest.mark.parametrize("value, status, zh, en", IN_PROGRESS_BANDS)
def test_in_progress_verdict_words_on_each_side_of_every_band(value, status, zh, en):
    r = _assessed_row(value)
    assert r["status"] == status
    light_zh = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}[r["light"]]
    p_zh, p_en = (indicator_paragraph(FLOW, r, CITY, lang=lang) for lang in ("zh", "en"))
    assert p_zh.conclusion == f"评估结论：{zh}（{light_zh}）。"
    assert p_en.conclusion == f" Assessment: {en} ({r['light']} light)."
    assert not p_zh.final and p_zh.status == status


FINAL_BANDS = [  # value, the engine's status, share shown, 中文, English, light
    (1300.0, "achieved", "100.0%", "已完成", "achieved", "green"),
    (1299.99, "largely_achieved", "100.0%", "基本完成", "largely achieved", "yellow"),
    (1170.0, "largely_achieved", "90.0%", "基本完成", "largely achieved", "yellow"),
    (1169.99, "not_achieved", "90.0%", "未完成", "not achieved", "red"),
]


@pytest.mark.parametrize("stored", ["engine", "before_the_engine"])
@pytest.mark.parametrize("value, status, share, zh, en, light", FINAL_BANDS)
def test_final_verdict_words_on_each_side_of_every_band(value, status, share, zh, en, light, stored):
    if stored == "engine":
        r = final_row(FLOW, value=value, annual_value=value, baseline_value=890.02, target_value=1300.0,
                      status=status, light=light, target_share=value / 1300.0)
    else:  # a row stored before the engine gave final verdicts: in-progress status, no is_final, no target_share
        r = row(FLOW, year=2025, value=value, annual_value=value, baseline_value=890.02, target_value=1300.0,
                completion=(value - 890.02) / 409.98, time_share=1.0, projection=value,
                status="achieved" if status == "achieved" else "acceleration_needed", light="green")
    p_zh, p_en = (indicator_paragraph(FLOW, r, CITY, lang=lang, final_review=True) for lang in ("zh", "en"))
    light_zh = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}[light]
    assert (p_zh.status, p_zh.light, p_zh.target_share_text) == (status, light, share)
    assert p_zh.conclusion == f"评估结论：{zh}（{light_zh}）。"
    assert p_en.conclusion == f" Assessment: {en} ({light} light)."
    assert p_zh.sentence.endswith({"achieved": "完成规划目标。", "largely_achieved": "基本完成规划目标。",
                                   "not_achieved": "未完成规划目标。"}[status])
    assert ("差" in p_zh.sentence) == (status != "achieved")
    assert not [w for w in FORBIDDEN_AT_THE_END if w in p_zh.text or w in p_en.text.lower()]


def test_after_the_target_year_a_row_gets_no_verdict():
    r = row(FLOW, year=2026, value=1400.0, annual_value=1400.0, baseline_value=890.02, target_value=1300.0,
            completion=1.24, time_share=1.2, status="achieved", light="green", projection=1400.0)
    zh, en = indicator_paragraph(FLOW, r, CITY, lang="zh"), indicator_paragraph(FLOW, r, CITY, lang="en")
    assert zh.text == ("截至2026年底，全市服务业增加值完成1400.00亿元。"
                       "评估结论：无法评估（该期晚于目标年，属下一规划期，不作本规划评估）。")
    assert en.text == ("By the end of 2026, value added of the services sector in Leshan reached 1,400.00 CNY 100 "
                       "million. Assessment: cannot assess (the period is after the target year: it belongs to the next "
                       "plan).")
    assert zh.light is None and zh.status == "cannot_assess"


def test_a_final_review_gives_no_verdict_on_a_figure_of_an_earlier_period():
    provisional = CASES["flow_provisional_target_year"][2]  # 2025年1—6月, with a projection and a verdict stored
    p = indicator_paragraph(FLOW, provisional, CITY, lang="zh", final_review=True)
    assert p.text == ("2025年1—6月，全市服务业增加值累计完成594.93亿元。"
                      "评估结论：无法评估（目标年全年数据尚未审核，暂不作总结评估）。")
    last_year = CASES["flow_published_2024"][2]
    p = indicator_paragraph(FLOW, last_year, CITY, lang="en", final_review=True)
    assert p.text == ("By the end of 2024, value added of the services sector in Leshan reached 1,152.40 CNY 100 "
                      "million. Assessment: cannot assess (the target year's annual figure is not in yet: no final "
                      "verdict).")
    # the same rows keep their in-progress wording in an annual or quarterly review
    assert "按当前增速" in indicator_paragraph(FLOW, last_year, CITY, lang="zh").text


# worked example 6: a district's share of 62.0% in 2020 against 55%左右 (reached from 52.25%)
def _example6(value, status, light, completion=None, reason="baseline_meets_target", projection=None):
    return row(SHARE_TAX, scope="emeishan", value=value, annual_value=value, baseline_value=62.0, target_value=55.0,
               completion=completion, time_share=0.6, status=status, reason=reason, light=light,
               projection=projection, inputs={"baseline_source": "observed"}, baseline_mark={"kind": "district"})


EXAMPLE6 = {
    "60.0": ((60.0, "achieved", "green"),
             "截至2023年底，峨眉山市服务业税收占全市比重为60.0%，比2020年下降2.0个百分点（以2020年填报数据为基期），"
             "已提前达到2025年目标（55.0%左右）。评估结论：已达标（绿灯；基期已达到目标，完成目标进度不适用）。",
             "By the end of 2023, services tax revenue as a share of the city's in Emeishan City was 60.0%, down 2.0 "
             "percentage points on 2020 (baseline: the 2020 entered figure), already meeting the 2025 target (about "
             "55.0%). Assessment: target achieved (green light; the baseline already met the target, so completion "
             "does not apply)."),
    "50.0": ((50.0, "deterioration", "red"),
             "截至2023年底，峨眉山市服务业税收占全市比重为50.0%，比2020年下降12.0个百分点（以2020年填报数据为基期），"
             "距2025年目标（55.0%左右）尚差5.0个百分点，按当前趋势预计2025年降至43.3%，距目标仍差11.7个百分点。"
             "评估结论：倒退（红灯；基期已达到目标，完成目标进度不适用）。",
             "By the end of 2023, services tax revenue as a share of the city's in Emeishan City was 50.0%, down 12.0 "
             "percentage points on 2020 (baseline: the 2020 entered figure), 5.0 percentage points short of the 2025 "
             "target (about 55.0%); on the current trend it is projected to fall to 43.3% in 2025, still 11.7 "
             "percentage points short of the target. Assessment: deterioration (red light; the baseline already met "
             "the target, so completion does not apply)."),
}


@pytest.mark.parametrize("key", EXAMPLE6)
def test_worked_example_6_baseline_already_above_the_target(key):
    (value, status, light), zh, en = EXAMPLE6[key]
    projection = 43.32 if status == "deterioration" else None
    r = _example6(value, status, light, projection=projection)
    for lang, text in (("zh", zh), ("en", en)):
        p = indicator_paragraph(SHARE_TAX, r, EMEISHAN, lang=lang)
        assert p.text == text
        assert p.completion_text == "—" and p.gap_points is None
        assert p.baseline_text == ("未给出" if lang == "zh" else "not given")  # the plan gives no district baseline
    # a row stored before the engine gave the reason (C = 0.29 and 1.71) reads the same: never such a completion
    stale = _example6(value, status, light, completion=0.285714 if status == "achieved" else 1.714286, reason="",
                      projection=projection)
    assert indicator_paragraph(SHARE_TAX, stale, EMEISHAN, lang="zh").text == zh
    assert indicator_paragraph(SHARE_TAX, stale, EMEISHAN, lang="zh").completion_text == "—"


# worked example 7: city target 35户, a district holding 12% of the city's baseline count → 4.2 → 5户
@pytest.mark.parametrize("stored_target", [5.0, 4.2])
def test_worked_example_7_an_apportioned_count_target_is_a_whole_number(stored_target):
    r = row(STOCK, scope="emeishan", value=4.0, annual_value=4.0, baseline_value=3.0, target_value=stored_target,
            completion=0.5, time_share=0.6, ratio=0.935631, status="acceleration_needed", light="yellow",
            projection=4.845655, still_needed=0.118034)
    zh, en = (indicator_paragraph(STOCK, r, EMEISHAN, lang=lang) for lang in ("zh", "en"))
    assert zh.target_text == "5户" and en.target_text == "5 enterprises"
    assert zh.text == ("截至2023年底，峨眉山市数字经济核心产业规上企业数量达到4户，为2025年目标的80.0%，完成目标进度50.0%，"
                       "低于时间进度10.0个百分点，按当前增速预计2025年达到5户，需年均增长11.8%方可完成目标。"
                       "评估结论：需加快（黄灯）。")
    assert en.text == ("By the end of 2023, core digital-economy enterprises above designated size in Emeishan City "
                       "numbered 4, 80.0% of the 2025 target; completion stood at 50.0%, 10.0 percentage points behind "
                       "the time elapsed (60.0%); at the current growth rate it is projected to reach 5 in 2025, and "
                       "average annual growth of 11.8% is needed to meet the target. Assessment: acceleration needed "
                       "(yellow light).")
    final = final_row(STOCK, scope="emeishan", value=4.0, annual_value=4.0, baseline_value=3.0,
                      target_value=stored_target, completion=0.5, status="not_achieved", light="red")
    zh, en = (indicator_paragraph(STOCK, final, EMEISHAN, lang=lang, final_review=True) for lang in ("zh", "en"))
    assert zh.text == ("2025年末，峨眉山市数字经济核心产业规上企业数量达到4户，为目标（5户）的80.0%，差1户，未完成规划目标。"
                       "评估结论：未完成（红灯）。")
    assert en.text == ("At the end of 2025, core digital-economy enterprises above designated size in Emeishan City "
                       "numbered 4, 80.0% of the target (5), 1 short; target not achieved. Assessment: not achieved "
                       "(red light).")


# ------------------------------------------------------------------------------------------------ baselines, marks


def test_a_baseline_the_plan_does_not_give_reads_not_given_and_the_figure_computed_from_it_says_what_stood_in():
    financial = dict(ind(9, "金融业增加值占地区生产总值比重", "Financial services value added as a share of GDP", "%",
                         "share"), baseline_value=None, baseline_year=None)
    r = row(financial, value=5.54, annual_value=5.54, baseline_value=5.099938, target_value=6.0, completion=0.487682,
            time_share=0.6, ratio=0.9, status="acceleration_needed", light="yellow", projection=5.84, still_needed=0.04,
            inputs={"baseline_source": "observed"}, figure_mark={"kind": "demo"}, baseline_mark={"kind": "demo"})
    zh, en = (indicator_paragraph(financial, r, CITY, lang=lang) for lang in ("zh", "en"))
    assert zh.baseline_text == "未给出" and en.baseline_text == "not given"
    assert zh.text == ("截至2023年底，全市金融业增加值占地区生产总值比重为5.5%（演示），比2020年提高0.4个百分点"
                       "（以2020年演示数据为基期），距2025年目标（6.0%）尚差0.5个百分点，完成目标进度48.8%，低于时间进度"
                       "11.2个百分点，按当前趋势预计2025年达到5.8%，距目标仍差0.2个百分点。评估结论：需加快（黄灯）。")
    assert en.text == ("By the end of 2023, financial services value added as a share of GDP in Leshan was 5.5% (demo), "
                       "up 0.4 percentage points on 2020 (baseline: the 2020 demo figure), 0.5 percentage points short "
                       "of the 2025 target (6.0%); completion stood at 48.8%, 11.2 percentage points behind the time "
                       "elapsed (60.0%); on the current trend it is projected to reach 5.8% in 2025, still 0.2 "
                       "percentage points short of the target. Assessment: acceleration needed (yellow light).")
    assert (zh.value_mark, en.value_mark) == ("演示", "demo")
    assert zh.source_note == "数据来源：演示数据（程序生成，非官方统计）。"
    # the note goes with the first figure computed from the substitute: here completion (a count has no 百分点)
    counted = dict(STOCK, baseline_value=None, baseline_year=None)
    r = row(counted, value=22.0, annual_value=22.0, baseline_value=16.0, target_value=35.0, completion=0.315789,
            time_share=0.6, status="limited", light="red", inputs={"baseline_source": "observed"},
            figure_mark={"kind": "demo"}, baseline_mark={"kind": "demo"})
    p = indicator_paragraph(counted, r, CITY, lang="zh")
    assert p.sentence.startswith("截至2023年底，全市数字经济核心产业规上企业数量达到22户（演示），为2025年目标的62.9%，"
                                 "完成目标进度31.6%（以2020年演示数据为基期），低于时间进度28.4个百分点")
    assert p.baseline_text == "未给出" and "16户" not in p.text
    # the plan's own baseline is shown with its year, and needs no note
    given = row(FLOW, value=1100.0, annual_value=1100.0, baseline_value=890.02, target_value=1300.0,
                completion=0.512171, time_share=0.6, status="limited", light="red",
                inputs={"baseline_source": "indicator"})
    p = indicator_paragraph(dict(FLOW, baseline_value=890.02, baseline_year=2020), given, CITY, lang="zh")
    assert p.baseline_text == "890.02亿元（2020年）" and "为基期" not in p.text


def test_a_published_figure_names_its_publisher_and_document_never_an_address():
    r = dict(CASES["flow_published_2024"][2], figure_mark={
        "kind": "published", "titles": ["2024年乐山市国民经济和社会发展统计公报"]})
    zh, en = (indicator_paragraph(FLOW, r, CITY, lang=lang) for lang in ("zh", "en"))
    assert zh.value_mark == "公布" and zh.text == CASES["flow_published_2024"][3]  # no mark inside the sentence
    assert zh.source_note == "数据来源：乐山市统计局《2024年乐山市国民经济和社会发展统计公报》。"
    assert en.source_note == ("Source: Leshan Municipal Bureau of Statistics, Statistical Communiqué of Leshan on the "
                              "2024 National Economic and Social Development.")
    assert source_citation("乐山市统计局《2024年乐山市国民经济和社会发展统计公报》", "zh") == (
        "乐山市统计局《2024年乐山市国民经济和社会发展统计公报》")  # a title that names its publisher is kept
    assert source_citation("2025年乐山统计年鉴", "zh") == "乐山市统计局《2025年乐山统计年鉴》"


def test_the_final_review_counts_the_verdicts_and_ranks_the_districts_by_them():
    rows = [FINAL_CASES[k][2] for k in ("example5_flow_largely_achieved", "share_largely_achieved",
                                        "stock_not_achieved", "qualitative_not_achieved")]
    # 2024's figure of a share, with a verdict and a projection stored: no verdict at the end
    rows.append(row(SHARE_ABOUT, year=2024, value=36.0, annual_value=36.0, baseline_value=30.0, target_value=40.0,
                    completion=0.6, time_share=0.8, status="acceleration_needed", light="yellow", projection=38.0))
    district = [
        final_row(FLOW, scope="jinkouhe", status="not_achieved", light="red"),
        final_row(SHARE, scope="jinkouhe", status="not_achieved", light="red"),
        final_row(STOCK, scope="jinkouhe", status="largely_achieved", light="yellow"),
        final_row(FLOW, scope="emeishan", status="achieved", light="green"),
        final_row(SHARE, scope="emeishan", status="achieved", light="green"),
        final_row(STOCK, scope="emeishan", status="largely_achieved", light="yellow"),
        final_row(FLOW, scope="shizhong", status="achieved", light="green"),
        final_row(SHARE, scope="shizhong", status="not_achieved", light="red"),
        district_row("shizhong", STOCK, "green", "on_track", year=2024),  # no 2025 figure: cannot assess
        final_row(FLOW, scope="gaoxin", status="achieved", light="green"),
        final_row(SHARE, scope="gaoxin", status="achieved", light="green"),
        final_row(STOCK, scope="gaoxin", status="largely_achieved", light="yellow"),
    ]
    names = {"shizhong": "市中区", "gaoxin": "高新区", "jinkouhe": "金口河区", "emeishan": "峨眉山市"}
    indicators = [FLOW, SHARE, SHARE_ABOUT, STOCK, QUAL]

    def review(lang):
        return build_review(indicators, rows, scope=CITY, year=2025, quarter=4, lang=lang, district_rows=district,
                            district_names=names, start_year=2021, end_year=2025)

    zh, en = review("zh"), review("en")
    assert zh.kind == "final" and zh.kind_label == "总结评估"
    assert zh.counts == {"achieved": 0, "largely_achieved": 2, "not_achieved": 2, "cannot_assess": 1}
    assert zh.summary == (
        "截至2025年底（规划期末），全市5项目标指标中，已完成0项，基本完成2项，未完成2项，无法评估1项。"
        "基本完成的指标：服务业增加值（为目标的96.3%，差48.44亿元）、服务业增加值占地区生产总值比重（为目标的91.1%，差5.0个百分点）。"
        "未完成的指标：数字经济核心产业规上企业数量（为目标的77.1%，差8户）、进出口总额（为目标的93.1%，差14.00亿元）。"
        "各县（市、区）中，完成指标最多的是：高新区（已完成2项）、峨眉山市（已完成2项）。"
        "未完成指标较多的是：金口河区（未完成2项、基本完成1项）、市中区（未完成1项）、高新区（基本完成1项）、"
        "峨眉山市（基本完成1项）。")  # 峨眉山市 is level with 高新区: named too
    assert en.summary == (
        "By the end of 2025 (the end of the plan), of the 5 target indicators for Leshan: achieved 0, largely "
        "achieved 2, not achieved 2, cannot assess 1. Largely achieved: Value added of the services sector "
        "(96.3% of the target, 48.44 CNY 100 million short); Services value added as a share of GDP (91.1% of the "
        "target, 5.0 percentage points short). Not achieved: Core digital-economy enterprises above designated size "
        "(77.1% of the target, 8 enterprises short); Total value of imports and exports (93.1% of the target, 14.00 CNY 100 "
        "million short). The districts with the most targets achieved: Leshan High-tech Zone (2 achieved); Emeishan "
        "City (2 achieved). The districts with the most targets missed: Jinkouhe District (2 not achieved, 1 largely "
        "achieved); Shizhong District (1 not achieved); Leshan High-tech Zone (1 largely achieved); Emeishan City (1 "
        "largely achieved).")
    # every district ranked: most 已完成, then 基本完成, then fewest 未完成; 4 indicators are by district
    assert [(d.rank, d.code, d.achieved, d.largely_achieved, d.not_achieved, d.cannot_assess)
            for d in zh.district_ranking] == [(1, "gaoxin", 2, 1, 0, 1), (1, "emeishan", 2, 1, 0, 1),
                                              (3, "shizhong", 1, 0, 1, 2), (4, "jinkouhe", 0, 1, 2, 1)]
    paragraphs = {p.number: p for p in zh.paragraphs}
    assert paragraphs[4].conclusion == "评估结论：无法评估（目标年全年数据尚未审核，暂不作总结评估）。"
    for text in (zh.plain_text(), en.plain_text()):
        assert not [w for w in FORBIDDEN_AT_THE_END if w in text or w in text.lower()], text


def test_titles_carry_status_and_light_as_symbol_and_word():
    assert paragraph("flow_published_2024", "zh").title == "1. 服务业增加值（需加快，▲ 黄灯）"
    assert paragraph("flow_limited", "en").title == (
        "1. Value added of the services sector (Limited progress, ■ red light)")
    assert paragraph("share_cannot_assess", "zh").title == "3. 服务业增加值占地区生产总值比重（无法评估，○ 无灯）"
    assert paragraph("flow_sign_change", "zh").title == "1. 服务业增加值（无法评估，● 绿灯）"  # the stored light


# ------------------------------------------------------------------------------------------------ every number


def _q(x, decimals):
    d = x if isinstance(x, Decimal) else Decimal(repr(float(x)))
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(q) if q == 0 else q


def stored_numbers(indicator, r, lang):
    """Every number a sentence may print: the row's stored fields formatted, and the differences / ratio of two of
    them as displayed. Written independently of indicators.review."""
    out = set()
    unit, dec = indicator["unit"], indicator["decimals"]
    amounts = [r.get(k) for k in ("value", "annual_value", "baseline_value", "target_value", "projection")]
    amounts = [a for a in amounts if a is not None]
    if r.get("annual_value") is not None and r.get("baseline_value") is not None:
        amounts.append(abs(r["annual_value"] - r["baseline_value"]))
    for a in amounts:
        if unit == "%" or indicator["measure"] == "rate":
            out.add(_q(a, 1))
            out.add(_q(abs(Decimal(repr(float(a)))), 1))
        else:
            out.add(_q(a, dec))
    shown = [_q(a, 1) for a in amounts]
    out |= {abs(a - b) for a in shown for b in shown}
    fractions = [_q(Decimal(repr(float(r[k]))) * 100, 1) for k in ("completion", "time_share", "still_needed")
                 if r.get(k) is not None]
    out |= set(fractions)
    out |= {abs(a - b) for a in fractions for b in fractions}
    if r.get("annual_value") is not None and r.get("target_value"):
        out.add(_q(Decimal(repr(r["annual_value"])) / Decimal(repr(r["target_value"])) * 100, 1))
        if unit in ("户", "个", "家"):  # a count's target is shown (and judged) as the whole number above it
            out.add(_q(Decimal(repr(r["annual_value"])) / Decimal(math.ceil(r["target_value"] - 1e-9)) * 100, 1))
        # the final review's shortfall: the displayed target less the displayed value
        d = 1 if unit == "%" or indicator["measure"] == "rate" else dec
        out.add(abs(_q(r["target_value"], d) - _q(r["annual_value"], d)))
    if r.get("target_share") is not None:
        out.add(_q(Decimal(repr(float(r["target_share"]))) * 100, 1))
    if "约" in (indicator.get("baseline_text") or "") and r.get("baseline_value") is not None:
        # a change from a baseline the plan prints only as 约30% is stated to the whole point (提高约4个百分点)
        value = r.get("annual_value") if r.get("annual_value") is not None else r.get("value")
        if value is not None:
            out.add(abs(_q(value, 0) - _q(r["baseline_value"], 0)))
    return out


def numbers_in(text, r, indicator):
    """The numbers of a sentence, without its years, month ranges (1—9月) and quarter names (Q3)."""
    years = {2025, int(r["year"]), int(r["year"]) + 1}
    if r.get("baseline_year"):
        years |= {int(r["baseline_year"]), int(r["baseline_year"]) + 1}
    text = re.sub(r"1—(3|6|9|12)月|Q[1-4]|CNY 100 million", " ", text)
    tokens = re.findall(r"-?\d+(?:,\d{3})*(?:\.\d+)?", text)
    return [Decimal(t.replace(",", "")) for t in tokens if not (t.isdigit() and int(t) in years)]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", [k for k in CASES if CASES[k][2] is not None])
def test_every_number_in_the_text_is_a_stored_figure(key, lang):
    indicator, _scope, r, _zh, _en = CASES[key]
    p = paragraph(key, lang)
    allowed = stored_numbers(indicator, r, lang)
    found = numbers_in(p.text, r, indicator)
    assert found or p.status == "cannot_assess"
    assert [n for n in found if n not in allowed] == [], p.text


def test_a_figure_that_cannot_be_assessed_gets_no_progress_number():
    for key in CASES:
        p = paragraph(key, "zh")
        if p.status == "cannot_assess":
            assert "完成目标进度" not in p.text and "时间进度" not in p.text and "预计2025年" not in p.text
            assert "评估结论：无法评估（" in p.text


# ------------------------------------------------------------------------------------------------ rounding, words


def test_rounding_is_half_up_on_the_shortest_decimal():
    assert number_text(1152.405, 2) == "1152.41"  # binary 1152.40499999… would round down
    assert number_text(0.05, 1) == "0.1"
    assert number_text(-0.04, 1) == "0.0"  # never "-0.0"
    assert number_text(1234567.891, 2, "en") == "1,234,567.89"
    assert pct_of_fraction(0.5125) == Decimal("51.3")
    assert pct_of_fraction(0.639982) == Decimal("64.0")


def test_review_kind_and_title_follow_the_period():
    assert review_kind(2021, 2025, 2023, 4) == "mid_term"
    assert review_kind(2021, 2025, 2024, 4) == "annual"
    assert review_kind(2021, 2025, 2025, 4) == "final"
    assert review_kind(2021, 2025, 2024, 3) == "quarterly"
    name = "乐山市“十四五”现代服务业发展规划"
    assert review_title(name, 2021, 2025, 2023, 4, "zh") == "乐山市“十四五”现代服务业发展规划实施情况中期评估报告"
    assert review_title(name, 2021, 2025, 2024, 4, "zh") == "乐山市“十四五”现代服务业发展规划实施情况2024年度评估报告"
    assert review_title(name, 2021, 2025, 2025, 4, "zh") == "乐山市“十四五”现代服务业发展规划实施情况总结评估报告"
    assert review_title(name, 2021, 2025, 2024, 3, "zh") == "乐山市“十四五”现代服务业发展规划实施情况2024年第三季度进展评估报告"
    # in English the plan's name once (it said "… of the 2021–2025 plan Leshan Development Plan …", two plans)
    en = "Leshan Development Plan for the Modern Service Industry in the 14th Five-Year Period"
    assert review_title(en, 2021, 2025, 2023, 4, "en") == f"{en}: Mid-term review"
    assert review_title(en, 2021, 2025, 2024, 4, "en") == f"{en}: Annual review 2024"
    assert review_title(en, 2021, 2025, 2025, 4, "en") == f"{en}: Final review"
    assert review_title(en, 2021, 2025, 2024, 3, "en") == f"{en}: Quarterly progress review Q3 2024"
    for quarter, year in ((4, 2023), (4, 2024), (4, 2025), (3, 2024)):
        assert review_title(en, 2021, 2025, year, quarter, "en").lower().count("plan") == 1


def test_district_names_in_english():
    assert district_name_en("emeishan", "峨眉山市") == "Emeishan City"
    assert district_name_en("ebian", "峨边彝族自治县") == "Ebian Yi Autonomous County"
    assert district_name_en("gaoxin", "高新区") == "Leshan High-tech Zone"
    assert district_name_en("wutongqiao", "五通桥区") == "Wutongqiao District"
    assert district_name_en("qianwei", "犍为县") == "Qianwei County"


# ------------------------------------------------------------------------------------------------ summary, revisions

NAMES = {"shizhong": "市中区", "gaoxin": "高新区", "jinkouhe": "金口河区", "emeishan": "峨眉山市", "mabian": "马边彝族自治县"}


def district_row(scope, indicator, light, status, year=2023):
    return dict(indicator_id=indicator["indicator_id"], scope=scope, year=year, quarter=4, light=light, status=status)


DISTRICT_ROWS = [
    district_row("jinkouhe", FLOW, "red", "limited"), district_row("jinkouhe", SHARE, "red", "deterioration"),
    district_row("jinkouhe", STOCK, "red", "limited"),
    district_row("emeishan", FLOW, "red", "limited"), district_row("emeishan", SHARE, "red", "limited"),
    district_row("emeishan", STOCK, "green", "on_track"),
    district_row("shizhong", FLOW, "yellow", "acceleration_needed"), district_row("gaoxin", FLOW, "green", "achieved"),
    district_row("mabian", FLOW, "red", "limited", year=2024),  # after the period: not counted
]


def small_review(lang):
    indicators = [FLOW_ROUND, SHARE, STOCK, QUAL]
    rows = [CASES[k][2] for k in ("flow_acceleration_model", "share_on_track_example1", "stock_cannot_assess",
                                  "qualitative_below")]
    return build_review(indicators, rows, scope=CITY, year=2023, quarter=4, lang=lang, district_rows=DISTRICT_ROWS,
                        district_names=NAMES, start_year=2021, end_year=2025)


def test_summary_counts_statuses_names_the_largest_gaps_and_the_districts_that_lag_most():
    review = small_review("zh")
    assert review.kind == "mid_term" and review.kind_label == "中期评估"
    # a mid-term review counts the in-progress statuses; 基本完成 / 未完成 belong to the final review
    assert review.counts == {"achieved": 0, "on_track": 1, "acceleration_needed": 2, "limited": 0,
                             "deterioration": 0, "cannot_assess": 1}
    assert review.summary == (
        "截至2023年底，全市4项目标指标中，进度正常1项、需加快2项、无法评估1项。"
        "完成目标进度落后时间进度较多的指标是：服务业增加值（落后8.8个百分点）。"
        "各县（市、区）中，进度滞后较多的是：金口河区（红灯3项）、峨眉山市（红灯2项）、市中区（黄灯1项）。")
    assert [p.number for p in review.lagging] == [1, 16]
    assert small_review("en").summary == (
        "By the end of 2023, of the 4 target indicators for Leshan: on track 1, acceleration needed 2, cannot assess "
        "1. Furthest behind the time elapsed: Value added of the services sector (8.8 percentage points "
        "behind). The districts lagging most: Jinkouhe District (3 red lights); Emeishan City (2 red lights); "
        "Shizhong District (1 yellow light).")


def test_a_district_review_leaves_out_the_indicators_published_only_for_the_city():
    rows = [dict(CASES["flow_on_track_district"][2])]
    review = build_review([FLOW, STOCK, INDEX, QUAL], rows, scope=EMEISHAN, year=2023, quarter=4, lang="zh",
                          start_year=2021, end_year=2025)
    assert [p.number for p in review.paragraphs] == [1, 13]
    assert review.summary == (
        "截至2023年底，峨眉山市2项目标指标中，进度正常1项、无法评估1项。另有2项指标仅统计全市数据，不在本县（市、区）评估之列。"
        "可评估的指标完成目标进度均未落后于时间进度。")


def test_an_annual_only_indicator_reports_its_last_year_end_figure_in_a_quarterly_review():
    rows = [CASES["index_limited"][2], dict(CASES["flow_provisional"][2])]
    review = build_review([FLOW, INDEX], rows, scope=CITY, year=2024, quarter=3, lang="zh")
    index = next(p for p in review.paragraphs if p.number == 11)
    assert index.text.startswith("截至2023年底，全市科技创新综合水平指数为52.0%")
    assert review.summary.startswith("截至2024年三季度末，全市2项目标指标中，")


def test_revision_notes_say_which_figures_changed_and_by_how_much():
    assessed = {1: row(FLOW, year=2024, annual_value=1140.0, completion=0.609737, baseline_value=900.0,
                       baseline_year=2020, inputs={"rebased_from": 890.02})}
    first = {1: row(FLOW, year=2024, annual_value=1152.4, completion=0.639982)}
    groups = [
        {"indicator_id": 1, "scope": "city", "year": 2024, "quarter": 4, "versions": [
            {"kind": "preliminary", "value": 1152.4, "source_title": "2024年乐山市国民经济和社会发展统计公报"},
            {"kind": "demo", "value": 1000.0, "source_title": "演示"},
            {"kind": "verified", "value": 1140.0, "source_title": "2025年乐山统计年鉴"}]},
        {"indicator_id": 1, "scope": "emeishan", "year": 2024, "quarter": 4, "versions": [
            {"kind": "district", "value": 150.0}, {"kind": "district", "value": 152.5}]},
        {"indicator_id": 1, "scope": "city", "year": 2023, "quarter": 4, "versions": [  # not the period assessed
            {"kind": "preliminary", "value": 1104.76}, {"kind": "verified", "value": 1100.0}]},
        {"indicator_id": 1, "scope": "shawan", "year": 2024, "quarter": 4, "versions": [  # demo only: no revision
            {"kind": "demo", "value": 50.0}, {"kind": "district", "value": 51.0}]},
    ]
    notes = revision_notes(groups, {1: FLOW}, assessed, CITY, lang="zh", district_names={"emeishan": "峨眉山市"},
                           first_rows=first)
    assert [n.text for n in notes] == [
        "全市服务业增加值2024年数据由1152.40亿元（初步核算，乐山市统计局《2024年乐山市国民经济和社会发展统计公报》）修订为"
        "1140.00亿元（最终核实，乐山市统计局《2025年乐山统计年鉴》），调减12.40亿元（1.1%）；完成目标进度由64.0%（按初次公布数）"
        "调整为61.0%。",
        "峨眉山市服务业增加值2024年数据由150.00亿元（区县填报）修订为152.50亿元（区县填报），调增2.50亿元（1.7%）。",
        "服务业增加值基期（2020年）值由890.02亿元修订为900.00亿元，完成目标进度按修订后的基期计算。",
    ]
    english = revision_notes(groups[:1], {1: FLOW}, assessed, CITY, lang="en", first_rows=first)
    assert english[0].text == (
        "The 2024 figure of value added of the services sector in Leshan was revised from 1,152.40 CNY 100 million "
        "(preliminary, Leshan Municipal Bureau of Statistics, Statistical Communiqué of Leshan on the 2024 National "
        "Economic and Social Development) to 1,140.00 CNY 100 million (verified, Leshan Municipal Bureau of "
        "Statistics, Leshan Statistical Yearbook 2025), down 12.40 CNY 100 million (1.1%); completion moves from "
        "64.0% (as first published) to 61.0%.")


# ------------------------------------------------------------------------------------------------ on the database


def _published(plan):
    from indicators.loaders.published import published_load
    from indicators.progress.services import progress_recompute

    published_load(json.loads(PUBLISHED.read_text(encoding="utf-8")))
    progress_recompute(plan=plan)


def _review(plan, scope="city", year=2024, quarter=4, lang="zh"):
    from indicators.reviews.views import review_for

    return review_for(plan, scope=scope, year=year, quarter=quarter, lang=lang)


@pytest.mark.django_db
def test_leshans_published_2024_figure_reads_as_the_review_sentence(plan):
    _published(plan)
    review, _data = _review(plan)
    by_number = {p.number: p for p in review.paragraphs}
    assert by_number[1].text == (
        "截至2024年底，全市服务业增加值完成1152.40亿元，为2025年目标的88.6%，完成目标进度64.0%，低于时间进度16.0个百分点，"
        "按当前增速预计2025年达到1229.29亿元，需年均增长12.8%方可完成目标。评估结论：需加快（黄灯）。")
    # 2021's growth is in no bulletin we could read: the 2021–2024 average cannot be chained
    assert by_number[2].text == (
        "截至2024年底，全市服务业增加值同比增长6.0%。评估结论：无法评估（缺少此前某年的全年增速，无法连乘计算年均增速）。")
    assert by_number[5].text == "截至2024年底，全市社会消费品零售总额暂无数据。评估结论：无法评估（本期无已审核数据）。"
    assert len(review.paragraphs) == 16
    assert review.summary.startswith("截至2024年底，全市16项目标指标中，需加快1项、无法评估15项。"
                                     "完成目标进度落后时间进度较多的指标是：服务业增加值（落后16.0个百分点）。")


@pytest.mark.django_db
def test_a_revised_figure_is_reported_with_its_change_and_progress_follows_it(plan):
    from indicators.loaders.published import published_version_record
    from indicators.models import Observation
    from indicators.progress.services import progress_recompute

    _published(plan)
    obs = Observation.objects.get(indicator__number=1, district=None, year=2024, quarter=4)
    published_version_record(observation=obs, value=Decimal("1140.00"), kind="verified",
                             source_title="2025年乐山统计年鉴（假设的核实数）")
    progress_recompute(plan=plan)
    review, _data = _review(plan)
    assert [r.text for r in review.revisions] == [
        "全市服务业增加值2024年数据由1152.40亿元（初步核算，乐山市统计局《2024年乐山市国民经济和社会发展统计公报》）修订为"
        "1140.00亿元（最终核实，乐山市统计局《2025年乐山统计年鉴》（假设的核实数）），调减12.40亿元（1.1%）；"
        "完成目标进度由64.0%（按初次公布数）调整为61.0%。"]
    assert review.paragraphs[0].text.startswith("截至2024年底，全市服务业增加值完成1140.00亿元，为2025年目标的87.7%，"
                                                "完成目标进度61.0%，低于时间进度19.0个百分点")
    assert "本期有1项数据经过修订" in review.summary


@pytest.mark.django_db
def test_on_the_demo_data_every_number_of_every_paragraph_is_the_stored_row(plan):
    from indicators.loaders.demo import demo_load
    from indicators.models import Progress
    from indicators.reviews import selectors as selectors_review

    _published(plan)
    demo_load(plan=plan)
    stored = {(r["indicator_id"], r["scope"], r["year"], r["quarter"]): r
              for r in Progress.objects.filter(basis="latest").values()}
    indicators = {i["indicator_id"]: i for i in selectors_review.indicators(plan)}
    checked = set()
    for scope, year, quarter in (("city", 2023, 4), ("city", 2024, 3), ("jinkouhe", 2024, 4), ("emeishan", 2025, 2)):
        for lang in ("zh", "en"):
            review, _data = _review(plan, scope=scope, year=year, quarter=quarter, lang=lang)
            for p in review.paragraphs:
                if p.year is None:
                    continue
                r = stored[(p.indicator_id, scope, p.year, p.quarter)]
                assert p.status == r["status"]
                assert [n for n in numbers_in(p.text, r, indicators[p.indicator_id])
                        if n not in stored_numbers(indicators[p.indicator_id], r, lang)] == [], p.text
                checked.add((indicators[p.indicator_id]["measure"], p.status))
    assert {m for m, _s in checked} == set(MEASURES)
    assert len({s for _m, s in checked}) >= 4
