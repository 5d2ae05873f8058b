"""Write fixtures/leshan_14th_fyp_work.json: the projects and facilities the plan names only in its text, the
boxes 专栏4, 13 and 14 and the quantitative targets outside 专栏6, each with the sentence it comes from, cut
verbatim out of the plan text (docs/plan/). Run once; the fixture is reviewed by hand and committed.

    python tools/make_plan_work_fixture.py
"""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = ROOT / "docs" / "plan" / "leshan-14th-fyp-modern-services-plan.txt"
OUT = ROOT / "fixtures" / "leshan_14th_fyp_work.json"

# (name as printed, district codes the name itself states, region as printed)
TEXT_PROJECTS = [
    ("景区旅游环线项目", [], ""),
    ("沙湾沫若故里康养度假组团", ["shawan"], "沙湾"),
    ("夹江古堰纸乡研学旅游组团", ["jiajiang"], "夹江"),
    ("五通桥书画美食旅游组团", ["wutongqiao"], "五通桥"),
    ("井研耕读文化休闲旅游组团", ["jingyan"], "井研"),
    ("犍为古郡花都文化旅游组团", ["qianwei"], "犍为"),
    ("沐川生态氧吧康养旅游组团", ["muchuan"], "沐川"),
    ("峨边迷都风情运动康养旅游组团", ["ebian"], "峨边"),
    ("金口河世界桌山运动度假旅游组团", ["jinkouhe"], "金口河"),
    ("马边多彩彝乡生态旅游组团", ["mabian"], "马边"),
    ("乐山美食文化展览馆", [], ""),
    ("乐山美食博物馆", [], ""),
    ("大峨眉国际森林康养示范区", [], ""),
    ("“康养游”健康小镇", [], ""),
    ("乐山国际博览城", [], ""),
    ("四川国际旅游交易博览中心", [], ""),
    ("乐山市奥林匹克中心", [], ""),
    ("犍为世界茉莉博览园", ["qianwei"], "犍为"),
    ("乐山智慧旅游云", [], ""),
    ("乐山智慧文旅指挥调度中心", [], ""),
    ("数字峨眉体验中心", [], ""),
    ("乐山机场", [], ""),
    ("市中区通用航空机场", ["shizhong"], "市中区"),
    ("峨眉通用机场", ["emeishan"], "峨眉"),
    ("一站式多式联运港", [], ""),
    ("乐山火车北站（吴场）交通枢纽", [], ""),
    ("乐山（犍为）水港物流园", ["qianwei"], "犍为"),
    ("乐山智慧物流园", [], ""),
    ("沐川南向临港物流园", ["muchuan"], "沐川"),
    ("乐山西部冷链物流园区", [], ""),
    ("乐山总部经济金融中心", [], ""),
    ("春华路综合金融示范区", [], ""),
    ("嘉州临港金融示范区", [], ""),
    ("青江新区生活金融示范区", [], ""),
    ("乐山中科创新创业科技信息中心", [], ""),
    ("五通桥、夹江、犍为等一批国家科技型企业孵化器", ["wutongqiao", "jiajiang", "qianwei"], "五通桥、夹江、犍为"),
    ("国家技术转移（西南）中心乐山分中心", [], ""),
    ("乐山中科创新育成中心", [], ""),
    ("乐山市中德科技促进中心", [], ""),
    ("西部硅材料光伏新能源产业技术研究院", [], ""),
    ("乐山大数据创新中心", [], ""),
    ("乐山特色美食主题博物馆", [], ""),
    ("城北商圈", [], ""),
    ("苏稽新区商圈", [], ""),
    ("乐山高新区商圈", [], ""),
    ("乐活中心城市综合体", [], ""),
    ("省级人力资源产业园", [], ""),
    ("四川文化旅游人力资源服务交易平台", [], ""),
    ("人力资源大数据交易中心", [], ""),
    ("文化和旅游人力资源研究院", [], ""),
    ("国家级文化和旅游人才市场", [], ""),
    ("乐山康养和家政数字产业园", [], ""),
    ("高新区数字经济产业园", ["gaoxin"], "高新区"),
    ("西部文旅大数据产业园", [], ""),
    ("青衣江核心商圈", [], ""),
    ("乐山国家高新区总部集聚区商圈", ["gaoxin"], "乐山国家高新区"),
    ("苏稽跷脚牛肉小镇步行街", [], ""),
    ("沫若戏剧文创园", [], ""),
    ("沸腾码头火锅旅游小镇", [], ""),
    ("绿心公园", [], ""),
    ("沐川竹海", ["muchuan"], "沐川"),
    ("美女峰", [], ""),
    ("国际旅游会展中心", [], ""),
    ("离境退税体验中心", [], ""),
    ("中国（乐山）文化和旅游人力资源市场", [], ""),
]

BOX4 = ("乐山中国城市“国际化”的全省排名", [("综合排名", "2"), ("国际教育", "5"), ("国际旅游", "4"), ("国际经贸", "8"),
                                    ("城市外交", "2")])

# code, name, unit, kind, target text, target value, baseline value, baseline year, a key phrase of the source
# sentence, a key phrase of the baseline sentence
TARGETS = [
    ("high-tech-enterprises", "国家级高新技术企业总量", "家", "level", "较2020年翻一番", "218", "109", 2020,
     "国家级高新技术企业总量较2020年翻一番", "国家高新技术企业109家"),
    ("rd-platforms", "省级以上科技研发平台", "家", "level", "10家", "10", None, None,
     "建设省级以上科技研发平台10家", ""),
    ("transfer-platforms", "科技成果转化平台", "家", "level", "3家", "3", None, None, "科技成果转化平台3家", ""),
    ("tech-service-zones", "科技服务集聚区", "个", "level", "5大", "5", None, None, "5大科技服务集聚区", ""),
    ("new-business-district", "具有较强区域影响力的新型商圈", "个", "level", "1个", "1", None, None,
     "培育形成1个具有较强区域影响力的新型商圈", ""),
    ("three-hundred", "进入省级“三百工程”的重点企业", "家", "assigned", "省下达", None, None, None,
     "支持重点企业进入省级“三百工程”", ""),
    ("provincial-zones", "省级现代服务业集聚区", "个", "assigned", "省下达", None, "3", 2020,
     "全市累计建成省级现代服务业集聚区、全省服务业强县各3个", "全市累计建成省级现代服务业集聚区、全省服务业强县各3个"),
    ("strong-counties", "全省服务业强县", "个", "assigned", "省下达", None, "3", 2020,
     "全市累计建成省级现代服务业集聚区、全省服务业强县各3个", "全市累计建成省级现代服务业集聚区、全省服务业强县各3个"),
]
# The English of each target, for English pages: name, unit of its count (plural; 1 takes the singular), and the
# target's words where the plan gives words rather than a number (the sources stay as the plan prints them).
TARGETS_EN = {
    "high-tech-enterprises": ("National high-tech enterprises (total)", "enterprises", "double the 2020 number"),
    "rd-platforms": ("Science and technology R&D platforms at provincial level or above", "platforms", ""),
    "transfer-platforms": ("Platforms for transferring scientific and technological results", "platforms", ""),
    "tech-service-zones": ("Science and technology service clusters", "clusters", "5 major clusters"),
    "new-business-district": ("New business district with strong regional influence", "business districts", ""),
    "three-hundred": ("Key enterprises in the provincial \u201cThree Hundred Project\u201d", "enterprises",
                      "assigned by the province"),
    "provincial-zones": ("Provincial modern service industry clusters", "clusters", "assigned by the province"),
    "strong-counties": ("Strong service-industry counties of Sichuan", "counties", "assigned by the province"),
}


def clean_lines(text: str) -> list[str]:
    return [re.sub(r"\[bookmark: [^\]]*\]", "", line).strip() for line in text.splitlines()]


def sentences(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        out += [s + ("。" if not s.endswith("。") else "") for s in re.findall(r"[^。]+。?", line) if s.strip()]
    return [s.strip() for s in out]


def sentence_with(all_sentences: list[str], phrase: str) -> str:
    for s in all_sentences:
        if phrase in s:
            return s
    raise SystemExit(f"not in the plan text: {phrase}")


def box_items(lines: list[str], start: str, stop: str) -> list[tuple[str, str]]:
    i = next(n for n, line in enumerate(lines) if start in line)
    items = []
    for line in lines[i + 1:]:
        if stop in line:
            break
        if line.startswith("◆"):
            heading, _sep, body = line[1:].partition("。")
            items.append((heading, body))
    return items


def main():
    text = TEXT.read_text(encoding="utf-8")
    lines = clean_lines(text)
    body = [line for line in lines if not line.startswith(("◆", "专栏"))]
    all_sentences = sentences(body)
    data = {
        "format": "leshan-plan-work/1",
        "_about": "Written by tools/make_plan_work_fixture.py from the plan text: every source sentence verbatim.",
        "plan": "leshan-14th-fyp-services",
        "table_sources": {"zone": "专栏9 乐山市服务业集聚区发展重点", "street": "专栏10 品质特色街区发展重点",
                          "building": "专栏11 乐山市服务业特色商务楼宇发展重点",
                          "park": "专栏15 乐山服务业区域协作重点园区", "opening": "专栏16 服务业扩大开放重点工程",
                          "platform": "专栏3 乐山信息服务平台及载体"},
        "text_projects": [{"number": n, "name": name, "districts": codes, "region_text": region,
                           "source_text": sentence_with(all_sentences, name)}
                          for n, (name, codes, region) in enumerate(TEXT_PROJECTS, start=1)],
        "boxes": [{"box": 4, "box_title": BOX4[0], "order": n, "heading": h, "text": t}
                  for n, (h, t) in enumerate(BOX4[1], start=1)]
        + [{"box": 13, "box_title": "乐山消费场景营建指引", "order": n, "heading": h, "text": t}
           for n, (h, t) in enumerate(box_items(lines, "专栏13", "实施消费总动员计划"), start=1)]
        + [{"box": 14, "box_title": "乐山本土服务品牌培育计划", "order": n, "heading": h, "text": t}
           for n, (h, t) in enumerate(box_items(lines, "专栏14", "积极开展服务品牌示范"), start=1)],
        "targets": [{"code": code, "order": n, "name": name, "name_en": TARGETS_EN[code][0], "unit": unit,
                     "unit_en": TARGETS_EN[code][1], "kind": kind, "target_text": ttext,
                     "target_text_en": TARGETS_EN[code][2], "target_value": tv, "target_year": 2025,
                     "baseline_value": bv, "baseline_year": by,
                     "source_text": sentence_with(all_sentences, key),
                     "baseline_source_text": sentence_with(all_sentences, bkey) if bkey else ""}
                    for n, (code, name, unit, kind, ttext, tv, bv, by, key, bkey) in enumerate(TARGETS, start=1)],
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(data['text_projects'])} text projects, {len(data['boxes'])} box entries, "
          f"{len(data['targets'])} targets")


if __name__ == "__main__":
    main()
