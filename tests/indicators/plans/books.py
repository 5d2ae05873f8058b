"""Plan-definition workbooks and figures the plan tests share (not a test module)."""
from decimal import Decimal

from indicators.loaders.plan_definition import write_workbook

NEW = "leshan-15th-test"
VA = {"number": 1, "name": "服务业增加值", "unit": "亿元", "measure": "flow", "target_kind": "at_least",
      "target_value": 1900, "pillar": "scale", "continues": 1, "baseline_value": "沿用上期"}


def next_plan_book(*, indicators: list[dict], targets=(), districts=(), previous="", code=NEW,
                   name="测试规划", example="否") -> bytes:
    """A small 2026–2030 definition: one pillar, the given indicators; districts carried over unless given."""
    return write_workbook(
        plan={"code": code, "name": name, "start_year": 2026, "end_year": 2030, "base_year": 2025,
              "previous": previous, "is_example": example},
        pillars=[{"code": "scale", "name": "服务业规模与结构", "order": 1}], indicators=indicators, targets=targets,
        districts=districts)


def approve_city_figure(plan, number: int, year: int, value: str) -> None:
    """A published city figure (a real version, not demo) and the progress rows computed from it."""
    from indicators.models import Indicator, Observation, ObservationVersion
    from indicators.progress.services import progress_recompute

    indicator = Indicator.objects.get(plan=plan, number=number)
    obs = Observation.objects.create(indicator=indicator, year=year, quarter=4)
    ObservationVersion.objects.create(observation=obs, kind="verified", value=Decimal(value),
                                      source_title="乐山市统计公报")
    progress_recompute(plan=plan)
