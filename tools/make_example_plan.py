#!/usr/bin/env python3
"""Write fixtures/examples/leshan_example_2026_2030.xlsx: an EXAMPLE of the next plan (2026–2030), not the city's.

The 14th plan's indicators (fixtures/leshan_14th_fyp.json) rolled forward to 2030, each continuing its 14th-plan
indicator: targets extrapolated from the 14th plan's own path (totals at the growth from baseline to target,
shares and indices one step further, growth rates kept) and marked “（示例值）”; baselines “沿用上期” — the 14th
plan's final approved figure of 2025, read when the file is imported — where a figure of that kind exists; three new
indicators (two by district, one for the city only); district targets for indicator 1; districts and the spatial
layout left empty, so they carry over from the 14th plan. The plan's name and every target say 示例.

Usage: python tools/make_example_plan.py [OUT]   (the same content every run)
"""
from __future__ import annotations

import json
import os
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "leshan_14th_fyp.json"
OUT = ROOT / "fixtures" / "examples" / "leshan_example_2026_2030.xlsx"
EXAMPLE = "（示例值）"
NOTE = "示例值：按“十四五”规划目标路径外推，非本市正式规划数据。"
CARRY = ("flow", "stock", "share", "index")  # measures whose final figure can serve as the next baseline
# district shares of indicator 1's target, in the 14th plan's district order (example weights, sum 0.95)
WEIGHTS = {"shizhong": "0.26", "gaoxin": "0.08", "wutongqiao": "0.07", "shawan": "0.05", "jinkouhe": "0.02",
           "emeishan": "0.16", "qianwei": "0.07", "jingyan": "0.04", "jiajiang": "0.08", "muchuan": "0.03",
           "ebian": "0.02", "mabian": "0.07"}
NEW_INDICATORS = [
    {"number": 17, "name": "生产性服务业增加值", "name_en": "Value added of producer services", "unit": "亿元",
     "measure": "flow", "target_kind": "at_least", "target_value": Decimal("760"), "pillar": "scale",
     "entry_level": "district", "frequency": "quarterly"},
    {"number": 18, "name": "服务业从业人员占全社会从业人员比重", "name_en": "Services share of employment", "unit": "%",
     "measure": "share", "target_kind": "about", "target_value": Decimal("52"), "pillar": "scale",
     "entry_level": "district", "frequency": "annual"},
    {"number": 19, "name": "入境游客人次", "name_en": "Inbound visitors", "unit": "万人次", "measure": "flow",
     "target_kind": "at_least", "target_value": Decimal("120"), "pillar": "opening", "entry_level": "city",
     "frequency": "annual"},
]


def rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rolled_target(ind: dict) -> Decimal | None:
    """The 2030 example target, continuing the 14th plan's path from its baseline to its 2025 target."""
    if ind["target_value"] is None:
        return None
    target = Decimal(ind["target_value"])
    baseline = Decimal(ind["baseline_value"]) if ind["baseline_value"] is not None else None
    if ind["measure"] in ("flow", "stock"):
        if baseline and ind["baseline_year"]:
            years = 2025 - ind["baseline_year"]
            growth = (float(target) / float(baseline)) ** (1 / years)
            return rounded(Decimal(repr(float(target) * growth ** 5)), 0)
        return rounded(target * Decimal("1.5"), 0)
    if ind["measure"] == "share":
        step = target - baseline if baseline is not None else Decimal(2)
        return min(rounded(target + step, 1), Decimal(100))
    if ind["measure"] == "index":
        return target + 10
    return target  # growth rates: the same pace


def target_text(kind: str, value: Decimal | None, unit: str) -> str:
    if value is None:
        return "完成省下达目标任务" + EXAMPLE
    number = f"{value.normalize():f}{unit}"
    return {"about": f"{number}左右", "more_than": f"＞{number}"}.get(kind, number) + EXAMPLE


def workbook_rows(data: dict) -> dict:
    previous = data["plan"]["code"]
    plan = {"code": "leshan-15th-fyp-services-example", "name": "乐山市“十五五”现代服务业发展规划（示例）",
            "start_year": 2026, "end_year": 2030, "base_year": 2025, "target_year": 2030,
            "issuer": "示例，非正式发布", "source": "示例规划：由“十四五”规划指标外推生成，非本市正式规划",
            "previous": previous, "is_example": "是"}
    pillars = [{"code": p["code"], "name": p["name"], "order": p["order"],
                "description": f"示例：{p['name']}（沿用“十四五”规划的目标领域）"} for p in data["pillars"]]
    indicators = []
    for ind in data["indicators"]:
        value = rolled_target(ind)
        carry = ind["measure"] in CARRY
        indicators.append({
            "number": ind["number"], "name": ind["name"], "name_en": ind["name_en"], "unit": ind["unit"],
            "measure": ind["measure"], "direction": "higher" if ind["higher_is_better"] else "lower",
            "target_kind": ind["target_kind"], "target_value": value,
            "target_text": target_text(ind["target_kind"], value, ind["unit"]), "target_year": 2030,
            "baseline_value": "沿用上期" if carry else "未给出", "baseline_year": None,
            "baseline_text": "" if carry else "未给出（示例）", "pillar": ind["pillar"],
            "entry_level": "district" if ind["by_district"] else "city",
            "frequency": "quarterly" if ind["quarterly"] else "annual", "decimals": ind["decimals"],
            "continues": ind["number"], "note": NOTE})
    for new in NEW_INDICATORS:
        indicators.append({**new, "direction": "higher", "target_year": 2030, "baseline_value": "未给出",
                           "baseline_text": "未给出（新增指标，示例）",
                           "target_text": target_text(new["target_kind"], new["target_value"], new["unit"]),
                           "note": "新增指标（示例）：“十四五”规划未设此指标。"})
    city = next(i["target_value"] for i in indicators if i["number"] == 1)
    targets = [{"indicator": 1, "district": code, "target_value": rounded(city * Decimal(w), 0),
                "source": "示例分解：按示例权重折算，非正式下达"} for code, w in WEIGHTS.items()]
    projects = [{"kind": p["kind"], "number": p["number"], "name": f"{p['name']}（示例）", "category": p["category"],
                 "positioning": p["positioning"], "leading_industries": p["leading_industries"],
                 "supporting_industries": p["supporting_industries"], "remark": "示例：沿用“十四五”规划项目",
                 "region_text": p["region_text"], "districts": "、".join(p["districts"]), "status": "upgrading"}
                for p in data["projects"] if p["kind"] == "zone"][:3]
    return {"plan": plan, "pillars": pillars, "indicators": indicators, "targets": targets, "projects": projects}


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leshan_plan.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from indicators.loaders.plan_definition import write_workbook

    out = Path(argv[0]) if argv else OUT
    rows = workbook_rows(json.loads(FIXTURE.read_text(encoding="utf-8")))
    out.parent.mkdir(parents=True, exist_ok=True)
    content = write_workbook(**rows, exported_from="tools/make_example_plan.py（示例规划，非本市正式规划）")
    out.write_bytes(content)
    print(f"{out}: {len(rows['indicators'])} indicators, {len(rows['targets'])} district targets (示例)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
