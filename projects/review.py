"""The projects and the targets outside 专栏6 in a review (annual, mid-term, final): summary sentences drafted from
the data, in Chinese or English (pure: rows in, text out)."""
from collections import Counter

from indicators.figures import formatting

LIGHT_WORDS = {"zh": {"green": "绿灯", "yellow": "黄灯", "red": "红灯"},
               "en": {"green": "green", "yellow": "yellow", "red": "red"}}


def projects_summary(rows: list[dict], lang: str) -> str:
    """rows: {"name", "light", "planned", "completed"} per project tracked. Says how many projects the plan names,
    how many have a planned investment and a light, the lights, and names the red ones."""
    total = len(rows)
    tracked = [r for r in rows if r["planned"] is not None]
    lights = Counter(r["light"] for r in rows if r["light"])
    red = [r["name"] for r in rows if r["light"] == "red"]
    planned = sum(float(r["planned"]) for r in tracked)
    completed = sum(float(r["completed"] or 0) for r in tracked)
    if lang == "en":
        text = (f"The plan names {total} projects and facilities; {len(tracked)} "
                f"{'has' if len(tracked) == 1 else 'have'} a planned investment entered")
        if tracked:
            text += (f" ({planned:.2f} CNY 100 million planned, {completed:.2f} completed and approved, "
                     f"{completed / planned:.1%})" if planned else "")
        text += "."
        if lights:
            text += " Lights: " + ", ".join(f"{lights[k]} {LIGHT_WORDS['en'][k]}" for k in ("green", "yellow", "red")
                                            if lights[k]) + "."
        else:
            text += " No project has a light yet: no planned investment or milestone has been entered."
        if red:
            text += " Behind schedule (red): " + ", ".join(red) + "."
        return text
    text = f"规划共列明项目和设施{total}个，其中{len(tracked)}个已录入计划投资"
    if tracked and planned:
        text += f"（计划投资{planned:.2f}亿元，经审核完成{completed:.2f}亿元，完成{completed / planned:.1%}）"
    text += "。"
    if lights:
        text += "灯号：" + "、".join(f"{LIGHT_WORDS['zh'][k]}{lights[k]}个" for k in ("green", "yellow", "red")
                                   if lights[k]) + "。"
    else:
        text += "尚无项目录入计划投资或里程碑，暂无灯号。"
    if red:
        text += "滞后（红灯）项目：" + "、".join(red) + "。"
    return text


def _unit_en(row: dict) -> str:
    """The English unit of a target's value: its own (platforms), else the unit's English (家 → enterprises);
    singular for one."""
    unit_en = row.get("unit_en") or formatting.UNITS_EN.get(row["unit"], row["unit"])
    return formatting.singular(unit_en) if float(row["value"]) == 1 else unit_en


def targets_summary(rows: list[dict], lang: str) -> str:
    """rows: {"name", "name_en", "status", "status_zh", "status_en", "value", "unit", "unit_en", "year",
    "assigned_missing"}."""
    entered = [r for r in rows if r["value"] is not None]
    missing_assigned = [r["name"] for r in rows if r["assigned_missing"]]
    if lang == "en":
        text = f"Of the {len(rows)} quantitative targets stated outside Box 6, {len(entered)} have a value entered."
        for r in entered:
            text += (f" {r.get('name_en') or r['name']}: {r['value']:g} {_unit_en(r)} ({r['year']}), "
                     f"{r['status_en'].lower()}.")
        if missing_assigned:
            text += " Amount not yet assigned by the province: " + ", ".join(
                r.get("name_en") or r["name"] for r in rows if r["assigned_missing"]) + "."
        return text
    text = f"专栏6以外的量化目标共{len(rows)}项，已填报{len(entered)}项。"
    for r in entered:
        text += f"{r['name']}{r['value']:g}{r['unit']}（{r['year']}年），{r['status_zh']}。"
    if missing_assigned:
        text += "省尚未下达目标数的：" + "、".join(missing_assigned) + "。"
    return text
