"""The plan as loaded into the database, checked fact by fact against the printed plan.

Every expected value below is typed from the plan text (乐山市“十四五”现代服务业发展规划), never read back from
the fixture file; the fixture file is only what gets loaded. Also: loading twice changes nothing, and malformed
data is refused with a message naming the entry, writing nothing.
"""
import copy
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from districts.models import District, Plan, SpatialArea
from indicators.loaders.plan import PlanDataError, load_plan
from indicators.models import Indicator, Pillar, Series, SeriesPoint
from projects.models import Enterprise, Project, Sector

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "leshan_14th_fyp.json"
PLAN_CODE = "leshan-14th-fyp-services"
NOT_GIVEN = "未给出"


def fixture_data() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def loaded(db):
    """The plan fixture loaded into an empty test database; returns the counts load_plan reported."""
    return load_plan(fixture_data())


def snapshot() -> dict:
    """Every row of every table (many-to-many and history tables included)."""
    return {model._meta.label: list(model._base_manager.order_by("pk").values())
            for model in apps.get_models(include_auto_created=True)}


def plan_row() -> Plan:
    return Plan.objects.get(code=PLAN_CODE)


# The plan ----------------------------------------------------------------------------------------------

def test_plan_row(loaded):
    plan = plan_row()
    assert plan.name == "乐山市“十四五”现代服务业发展规划"
    assert (plan.start_year, plan.end_year, plan.base_year) == (2021, 2025, 2020)
    assert plan.is_current is True
    assert plan.source == "乐山市“十四五”现代服务业发展规划"


def test_counts_per_model(loaded):
    expected = {"Plan": 1, "District": 12, "SpatialArea": 9, "Pillar": 5, "Indicator": 16, "Series": 4,
                "SeriesPoint": 24, "Project": 38, "Sector": 10, "Enterprise": 35}
    assert loaded == expected
    plan = plan_row()
    assert District.objects.filter(plan=plan).count() == 12
    assert SpatialArea.objects.filter(plan=plan).count() == 9
    assert Pillar.objects.filter(plan=plan).count() == 5
    assert Indicator.objects.filter(plan=plan).count() == 16
    assert Series.objects.filter(plan=plan).count() == 4
    assert SeriesPoint.objects.filter(series__plan=plan).count() == 24
    assert Project.objects.filter(plan=plan).count() == 38
    assert Sector.objects.filter(plan=plan).count() == 10
    assert Enterprise.objects.filter(sector__plan=plan).count() == 35


# 专栏8 ------------------------------------------------------------------------------------------------

DISTRICTS = [
    # code, name, adcode, 功能定位, 发展重点 (in printed order)
    ("shizhong", "市中区", "511102", "区域性消费中心、金融中心",
     "鼓励发展现代商贸、品质旅游、特色餐饮、现代金融、会展赛事、电子商务等"),
    ("gaoxin", "高新区", "", "总部经济集聚区\n科技信息服务业集聚区",
     "重点发展总部经济、科技金融信息服务、数字经济、文创文旅文博、现代物流等产业。"),
    ("wutongqiao", "五通桥区", "511112", "绿色服务创新基地",
     "鼓励发展节能改造技术服务、新能源、新材料、科技研发服务、现代物流（物流仓储、智慧物流）等"),
    ("shawan", "沙湾区", "511111", "工旅融合发展示范区", "鼓励发展研学旅游、文化创意、电商物流、品牌餐饮等"),
    ("jinkouhe", "金口河区", "511113", "特色农业服务典范区", "鼓励发展农村电商、山地旅游、生态度假等"),
    ("emeishan", "峨眉山市", "511181", "世界重要旅游目的地示范区", "鼓励发展文旅康养、精品民宿、品质商业等"),
    ("qianwei", "犍为县", "511123", "区域商贸新中心",
     "鼓励发展现代商贸（批发）、现代物流（智慧物流）、文化旅游等"),
    ("jingyan", "井研县", "511124", "生态旅游典范区", "鼓励发展农旅融合产业"),
    ("jiajiang", "夹江县", "511126", "成乐服务业协同发展先行区",
     "鼓励发展现代物流（冷链物流、公铁联运）、品质旅游、电子商务、军民融合创新等"),
    ("muchuan", "沐川县", "511129", "生态旅游典范区", "鼓励发展生态观光、康养旅游、农村电商等"),
    ("ebian", "峨边彝族自治县", "511132", "风情运动康养旅游目的地",
     "鼓励发展磁疗康养、温泉度假、户外探秘、彝族文化体验等"),
    ("mabian", "马边彝族自治县", "511133", "小凉山彝族文化体验地",
     "鼓励发展生态观光、森林康养、探秘旅游、彝族文化民俗体验等"),
]


def test_districts_in_printed_order(loaded):
    got = list(District.objects.filter(plan=plan_row()).order_by("order").values_list("code", "order"))
    assert got == [(code, order) for order, (code, *_rest) in enumerate(DISTRICTS, start=1)]


@pytest.mark.parametrize("code,name,adcode,positioning,focus", DISTRICTS, ids=[d[0] for d in DISTRICTS])
def test_district_word_for_word(loaded, code, name, adcode, positioning, focus):
    district = District.objects.get(plan=plan_row(), code=code)
    assert district.name == name
    assert district.adcode == adcode
    assert district.is_administrative is (code != "gaoxin")
    assert district.function_positioning == positioning
    assert district.development_focus == focus


# 一核引领、两带两片 ------------------------------------------------------------------------------------

CORE_TEXT = ("“一核”即服务业发展核心区。包括嘉州片区、苏稽片区、高新片区、牟子片区，主要服务于城市重大战略，"
             "承担全省区域消费中心、金融中心、科技创新中心、对外交往中心等功能，发挥引领带动作用，积极发展总部经济、"
             "楼宇经济等，重点专业发展创新服务、信息服务、金融服务、会展服务等生产性服务业，提质发展商业零售、特色餐饮、"
             "品质旅游、家庭社区服务等生活性服务业。")
MINJIANG_TEXT = ("服务业拓展带以市中区为核心，沿岷江由西北—东南方向，联动夹江、井研、五通桥、犍为，依托立体交通枢纽，"
                 "联结眉山、宜宾，向成都拓展，协同发展信息服务、文化创意、现代物流等。")
DADUHE_TEXT = "服务业联动带沿大渡河，串联夹江、市中区、沙湾、峨眉、金口河、峨边等，积极发展品质旅游、特色餐饮、医疗康养、特色会展等。"
NORTHEAST_TEXT = ("东北部现代服务业示范片区包括市中区、峨眉、五通桥、沙湾、井研、夹江全域，主要促进产业协同发展，"
                  "促进区域服务业整体能级跃升，积极推动创意经济、数字经济创新应用，重点发展现代物流、会展赛事、科技信息、"
                  "人力资源服务、品质旅游、家庭社区服务等业态。")
SOUTHWEST_TEXT = "西南部生态休闲片区包括金口河、峨边、沐川、马边全域，主要打造以体验服务为驱动的乡村振兴样板区，促进农商文旅体跨界融合。"

SPATIAL = [
    # code, kind, name, parent, description, districts, districts_note (in order)
    ("core", "core", "服务业发展核心区", None, CORE_TEXT, set(),
     "原文未列县（市、区），含嘉州、苏稽、高新、牟子四个片区"),
    ("core-jiazhou", "core_part", "嘉州片区", "core", "", set(), "原文未列县（市、区）"),
    ("core-suji", "core_part", "苏稽片区", "core", "", set(), "原文未列县（市、区）"),
    ("core-gaoxin", "core_part", "高新片区", "core", "", set(), "原文未列县（市、区）"),
    ("core-mouzi", "core_part", "牟子片区", "core", "", set(), "原文未列县（市、区）"),
    ("minjiang-belt", "belt", "岷江服务业拓展带", None, MINJIANG_TEXT,
     {"shizhong", "jiajiang", "jingyan", "wutongqiao", "qianwei"},
     "以市中区为核心，沿岷江由西北—东南方向，联动夹江、井研、五通桥、犍为"),
    ("daduhe-belt", "belt", "大渡河服务业联动带", None, DADUHE_TEXT,
     {"jiajiang", "shizhong", "shawan", "emeishan", "jinkouhe", "ebian"}, "串联夹江、市中区、沙湾、峨眉、金口河、峨边等"),
    ("northeast-area", "area", "东北部现代服务业示范片区", None, NORTHEAST_TEXT,
     {"shizhong", "emeishan", "wutongqiao", "shawan", "jingyan", "jiajiang"}, "包括市中区、峨眉、五通桥、沙湾、井研、夹江全域"),
    ("southwest-area", "area", "西南部生态休闲片区", None, SOUTHWEST_TEXT,
     {"jinkouhe", "ebian", "muchuan", "mabian"}, "包括金口河、峨边、沐川、马边全域"),
]


def test_spatial_layout(loaded):
    areas = SpatialArea.objects.filter(plan=plan_row()).select_related("parent").prefetch_related("districts")
    got = [(a.code, a.kind, a.name, a.parent.code if a.parent else None, a.description,
            {d.code for d in a.districts.all()}, a.districts_note) for a in areas.order_by("order")]
    assert got == SPATIAL
    core = areas.get(code="core")
    assert [p.name for p in core.parts.order_by("order")] == ["嘉州片区", "苏稽片区", "高新片区", "牟子片区"]


# 主要目标 (pillars) -----------------------------------------------------------------------------------

PILLARS = [
    ("scale", "服务业规模与结构",
     "“十四五”时期，按照“旅游兴市、产业强市”的发展思路，瞄准建设全省区域性服务业中心城市，着力推进服务业专业化、"
     "精细化、数字化发展。力争到2025年，实现服务业增加值1300亿元，服务业增加值年均增速保持在8%左右，"
     "生产性服务业增加值占服务业增加值比重达到40%左右，服务业税收占全市比重达到55%左右。", [1, 2, 3, 4]),
    ("consumption", "区域消费活力迸发",
     "区域消费活力迸发。以旅游为引擎带动的消费吸聚力更加突显，消费供给更加丰富多元，旅游主要经济指标及高质量发展"
     "总体保持全省先进行列。到2025年，力争实现社会消费品零售总额达到1250亿元，社会消费品零售总额年均增速保持在9%左右；"
     "全市餐饮规模突破178亿元。", [5, 6, 7, 8]),
    ("innovation", "服务创新能力增强",
     "服务创新能力增强。科技创新服务体系不断健全，服务业新业态、新模式快速发展，服务业与先进制造业、现代农业加速融合。"
     "“十四五”期间，研发经费投入年均增速超过10%，到2025年，科技创新综合水平指数达到60%，"
     "数字经济核心产业增加值占GDP比重达到全省平均水平。", [10, 11, 12, 13]),
    ("support", "市场支撑作用夯实",
     "市场支撑作用夯实。推动服务业高质量发展的体制机制更加健全，重点项目服务机制更加完善。到2025年，"
     "国家级高新技术企业总量较2020年翻一番，全市A级以上物流企业达15家；限额以上住宿餐饮行业单位达到300户。",
     [9, 14, 15]),
    ("opening", "开放水平显著提升",
     "开放水平显著提升。服务业重点领域对外开放取得新成效，国际化营商环境竞争力不断增强，贸易便利化水平大幅提升。"
     "到2025年，开放型经济新体制初步建成，全市进出口总额完成省下达目标任务。", [16]),
]


def test_pillars(loaded):
    pillars = Pillar.objects.filter(plan=plan_row()).order_by("order")
    assert [(p.code, p.name, p.description) for p in pillars] == [(c, n, d) for c, n, d, _ in PILLARS]
    for code, _name, _text, numbers in PILLARS:
        got = sorted(Indicator.objects.filter(plan=plan_row(), pillar__code=code).values_list("number", flat=True))
        assert got == numbers, code


# 专栏6 ------------------------------------------------------------------------------------------------

INDICATORS = [
    # number, name, unit, target_value, target_text, target_kind, measure,
    # baseline_year, baseline_value, baseline_text, by_district, quarterly
    (1, "服务业增加值", "亿元", "1300", "1300亿元", "at_least", "flow",
     2020, "890.02", "2020年实现服务业增加值890.02亿元", True, True),
    (2, "服务业增加值年均增速", "%", "8", "8%左右", "about", "rate",
     2020, None, "未给出（年均增速以2020年为基期，按可比价增速链式计算）", True, True),
    (3, "生产性服务业增加值占服务业比重", "%", "40", "40%左右", "about", "share",
     2020, "30", "2020年全市生产性服务业占服务业比重约30%", True, True),
    (4, "服务业税收占全市比重", "%", "55", "55%左右", "about", "share",
     2020, "53.2", "服务业税收占比53.2%", True, True),
    (5, "社会消费品零售总额", "亿元", "1250", "1250亿元", "at_least", "flow",
     2020, "748.31", "社会消费品零售总额从2015年的552.01亿元上升至2020年的748.31亿元", True, True),
    (6, "社会消费品零售总额增速", "%", "9", "9%左右", "about", "rate",
     None, None, "未给出（2015—2020年年均增长8.9%，见发展成效）", True, True),
    (7, "旅游总收入", "亿元", "1500", "1500亿元", "at_least", "flow",
     2020, "1040.34", "2020年全市旅游综合收入达1040.34亿元", True, True),
    (8, "餐饮规模", "亿元", "178", "178亿元", "at_least", "flow",
     2019, "134.8", "2019年餐饮收入达134.8亿元", True, True),
    (9, "金融业增加值占地区生产总值比重", "%", "6", "6%", "at_least", "share", None, None, NOT_GIVEN, True, True),
    (10, "研发经费投入年均增速", "%", "10", "＞10%", "more_than", "rate", None, None, NOT_GIVEN, False, True),
    (11, "科技创新综合水平指数", "%", "60", "60%", "at_least", "index", None, None, NOT_GIVEN, False, False),
    (12, "数字经济核心产业增加值占GDP比重", "%", "10", "10%", "at_least", "share", None, None, NOT_GIVEN, True, True),
    (13, "数字经济核心产业规上企业数量", "户", "35", "35户", "at_least", "stock", None, None, NOT_GIVEN, True, True),
    (14, "A级以上物流企业", "户", "15", "15户", "at_least", "stock", None, None, NOT_GIVEN, True, True),
    (15, "限额以上住宿餐饮行业单位", "户", "300", "300户", "at_least", "stock", None, None, NOT_GIVEN, True, True),
    (16, "进出口总额", "亿元", None, "完成省下达目标任务", "qualitative", "qualitative",
     None, None, NOT_GIVEN, False, False),
]


def dec(value):
    return None if value is None else Decimal(value)


@pytest.mark.parametrize("row", INDICATORS, ids=[f"{r[0]}-{r[1]}" for r in INDICATORS])
def test_indicator(loaded, row):
    (number, name, unit, target, target_text, target_kind, measure,
     baseline_year, baseline_value, baseline_text, by_district, quarterly) = row
    ind = Indicator.objects.get(plan=plan_row(), number=number)
    assert ind.name == name
    assert ind.unit == unit
    assert ind.target_year == 2025
    assert ind.target_value == dec(target)
    assert ind.target_text == target_text
    assert ind.target_kind == target_kind
    assert ind.measure == measure
    assert ind.baseline_year == baseline_year
    assert ind.baseline_value == dec(baseline_value)
    assert ind.baseline_text == baseline_text
    assert ind.by_district is by_district
    assert ind.quarterly is quarterly
    assert ind.higher_is_better is True
    assert ind.tolerance is None
    assert ind.decimals == (0 if unit == "户" else 2)
    assert ind.name_en


def test_not_given_baselines_are_null_never_invented(loaded):
    no_value = Indicator.objects.filter(plan=plan_row(), baseline_value__isnull=True)
    assert sorted(no_value.values_list("number", flat=True)) == [2, 6, 9, 10, 11, 12, 13, 14, 15, 16]
    for ind in no_value:
        assert ind.baseline_text.startswith(NOT_GIVEN), ind.number


def test_indicator_notes_mark_readings(loaded):
    """Where the pillar or the baseline is the lead's reading, or the text elsewhere words it differently."""
    notes = dict(Indicator.objects.filter(plan=plan_row()).values_list("number", "note"))
    assert "旅游综合收入" in notes[7] and "解读" in notes[7]
    assert "突破178亿元" in notes[8] and "2019" in notes[8]
    assert "解读" in notes[9]
    assert "全省平均水平" in notes[12]
    assert "解读" in notes[13]
    assert "15家以上" in notes[14]
    assert "亿元" in notes[16] and "省下达" in notes[16]
    assert "约30%" in notes[3]
    assert "未标年份" in notes[4]


# 专栏1 / 专栏2 chart data -----------------------------------------------------------------------------

SERIES = {
    # code: (name, unit, indicator number, is_context, values 2015…2020 as stored)
    "services_va": ("服务业增加值", "亿元", 1, False,
                    ["454.9407", "495.0172", "591.4488", "751.0073", "818.745", "890.02"]),
    # printed as fractions 0.094 … 0.037, stored as percent
    "services_va_growth": ("服务业增加值增速", "%", 2, False, ["9.4", "9.6", "9.3", "10.6", "8.6", "3.7"]),
    # printed 0.0803816761935432 … 0.145029484337752 (旅游综合收入占比)
    "tourism_revenue_share_of_province": ("旅游综合收入占全省比重", "%", None, True, [
        "8.03816761935432", "8.11991434689507", "8.61919512277123", "8.82636559607626", "8.98221712393159",
        "14.5029484337752"]),
    # printed 0.0661413421242653 … 0.157062805666236 (旅游人次占比)
    "tourism_visitors_share_of_province": ("旅游人次占全省比重", "%", None, True, [
        "6.61413421242653", "6.91966108976951", "7.61023283167152", "8.14742133699399", "9.29961797949474",
        "15.7062805666236"]),
}


@pytest.mark.parametrize("code", list(SERIES))
def test_history_series(loaded, code):
    name, unit, indicator, is_context, values = SERIES[code]
    series = Series.objects.select_related("indicator").get(plan=plan_row(), code=code)
    assert (series.name, series.unit, series.is_context) == (name, unit, is_context)
    assert (series.indicator.number if series.indicator else None) == indicator
    assert series.source.startswith("专栏1" if code.startswith("services") else "专栏2")
    points = list(series.points.order_by("year").values_list("year", "value"))
    assert points == [(year, Decimal(v)) for year, v in zip(range(2015, 2021), values)]


def test_history_ends_at_the_printed_baseline(loaded):
    last = SeriesPoint.objects.get(series__plan=plan_row(), series__code="services_va", year=2020)
    assert last.value == Indicator.objects.get(plan=plan_row(), number=1).baseline_value == Decimal("890.02")


# Projects ---------------------------------------------------------------------------------------------

ZONES = [
    # number, name, 功能定位, 主导产业, 关联及配套产业, 备注, status
    (1, "峨秀湖旅游休闲集聚区", "综合康养型国际旅游集聚区", "温泉康养、文旅研学",
     "特色美食、精品住宿、旅游伴手礼创意零售", "省级现代服务业集聚区，持续提升", "upgrading"),
    (2, "乐山市科技信息服务业集聚区", "区域科技创新活力区", "软件和信息服务、科技创新",
     "商务办公、科技金融、人力资源服务", "省级现代服务业集聚区，持续提升", "upgrading"),
    (3, "苏稽跷脚牛肉特色小镇", "国家产业特色小镇", "美食产业、文化旅游",
     "特色展会、教育培训、品牌孵化", "省级特色小镇，持续提升", "upgrading"),
    (4, "嘉州旅游度假区", "国家级旅游度假区", "休闲度假、观光疗养",
     "特色美食、文博节会、体育赛事、健康服务", "持续提升", "upgrading"),
    (5, "黄湾民宿集聚区", "高品质特色乡村民宿集聚区", "精美民宿、创意体验", "创意孵化、美学设计", "持续提升",
     "upgrading"),
    (6, "医疗康养服务业集聚区", "康养产业集群", "医疗康养", "休闲运动、体育赛事、中医养生、智慧养老", "在建",
     "under_construction"),
]

STREETS = [
    # number, name, 主题内容, districts
    (1, "“上中顺”高品位步行街",
     "打造成为既保留传统历史文化、突出慢生活老街底蕴，又包含5G互联网技术、沉浸式体验等现代科技的“网红”打卡地。", set()),
    (2, "张公桥好吃街", "打造成为富含明清仿古风格的、种类最齐全的嘉州特色美食集聚区。", set()),
    (3, "嘉州长卷天街",
     "以古嘉州文化脉络为基础，以再现“嘉州版清明上河图”人文古韵为特色，设置古码头文化、茶文化、酒文化、老寨文化等"
     "游园体验，打造一个乐山美食汇聚的特色街区。", set()),
    (4, "食为天美食街", "依托峨眉特色的山居风和峨眉元素，打造省内最长的美食休闲文化长廊。", set()),
    (5, "牛华特色麻辣烫街区", "发扬“食府”特色，依托牛华麻辣烫独特风味，重点打造牛华镇麻辣烫特色街区。", set()),
    (6, "火车小镇滨河彝族商业街",
     "以彝族文化为特色，发展具有彝族特色风情的餐饮、服饰、手工艺品体验、文化体验等业态。", set()),
    (7, "峨边彝族风情街区", "以甘嫫阿妞文化为核心，打造集民俗街头表演、民族美食体验的彝族特色风情街区。", {"ebian"}),
    (8, "黑竹沟特色餐饮街", "围绕黑竹沟彝家宴(坨坨肉、酸菜豆花等)打造特色餐饮街。", set()),
]

BUILDINGS = [
    # number, name, 主要特色, 区域, 领域
    (1, "高新创智谷",
     "发展乐山本土企业总部，引进大企业、大集团、科研院所区域总部、功能总部和高新技术产业总部，研发、孵化、营销、"
     "软件和信息服务等现代服务业总部。", "高新区", "总部经济"),
    (2, "四川（乐山）MCN产业基地暨川字号美食产业直播基地",
     "发展网红经济。打造美食产业直播电商网络流量基地，引进MCN公司、签约头部网红、孵化红人。", "高新区", "网红经济"),
    (3, "宝德未来科技城",
     "发展云计算、大数据。以“产业化+城市化+强资源”驱动，规划“一带两轴”统筹科技、人文、生态三大布局，"
     "打造三大智享生态圈——数字经济产业生态圈、产城融合创新生态圈、公园城市休闲生态圈。", "高新区", "科技服务"),
    (4, "高新科技孵化器A园",
     "拟引进精密电子、精密仪器制造加工、物联网以及大学生创业等中、小、微型企业，推动科技企业孵化。", "高新区", "科技孵化"),
]

PARKS = [
    # number, 项目名称, 项目内容, 区域, districts
    (1, "川浙(夹江）数字经济产业园",
     "打造以数字经济产业为核心，结合夹江陶瓷、书画纸等产业，建设集城市会客厅、产业服务中心、数字经济产业大厦、"
     "众创空间、科技企业孵化器、东风堰文创园、绿色智慧陶瓷产业基地、文化装备(书画纸)产业基地、数字电商产业基地等"
     "多功能于一体的东西部协作产业园，促进现代服务业发展，发挥夹江在区域产业协作中的作用。", "夹江县", {"jiajiang"}),
    (2, "四川区域协同发展总部基地",
     "力争用3—5年时间，初步形成高能级总部企业集群，“总部在成都、基地在其他市州”的产业网络初步构建，"
     "总部基地在区域协同中的关键支撑作用逐步显现。", "乐山市", set()),
    (3, "浙江-乐山东西部扶贫协作飞地（犍为）园区",
     "按照“统一规划、同步招商、业态、分期实施”原则，突出标准化厂房建设、配套工程建设、招商对接，"
     "采取带贫共建、招商代建、企业自建模式，推进园区建设。", "犍为县", {"qianwei"}),
]

OPENING = [
    # number, heading (name), the rest, districts named in the text
    (1, "争创中国（四川）自由贸易试验区协同改革先行区",
     "积极争取市中区、高新区、五通桥区、峨眉山市和夹江县等130平方公里范围内，创建中国（四川）自由贸易试验区协同改革先行区。",
     {"shizhong", "gaoxin", "wutongqiao", "emeishan", "jiajiang"}),
    (2, "争创外贸转型升级基地",
     "支持五通桥区、夹江县等争创国家级（省级）外贸转型升级基地，围绕光伏、装备制造等产业，加快培育形成以质量、品牌、"
     "技术、服务、标准为核心的竞争新优势。", {"wutongqiao", "jiajiang"}),
    (3, "争创国家级文化出口基地",
     "加快对外文化贸易平台建设，依托佛文化、茶文化、美食文化、峨眉武术文化等文化，推出一批文化精品，建设一批以文化出口"
     "为导向、具有较强服务能力的功能区，积极争取建设国家级文化出口基地，加快带动乐山文化出口和文化产业提质升级。", set()),
    (4, "推进保税物流中心（B型）建设",
     "加快推进保税物流中心（B型）建设，推动开展保税存储、保税加工、全球采购和国际分拨、配送等业务。", set()),
]

PLATFORMS = [
    # number, 类别 (blank cells continue the one above), 名称
    (1, "数据中心", "峨眉山文旅大数据中心"),
    (2, "数据中心", "宝德大数据中心"),
    (3, "数据中心", "浪潮大数据中心"),
    (4, "数字产业园区、街区", "宝德数字经济产业园"),
    (5, "数字产业园区、街区", "数字经济创新示范园"),
    (6, "数字产业园区、街区", "网红直播一条街"),
    (7, "数字产业园区、街区", "宝德乐山信创产业基地"),
    (8, "产业数字化平台", "“旅游行业云”平台"),
    (9, "产业数字化平台", "“金蜜工业云”工业云平台"),
    (10, "产业数字化平台", "“优农帮”农资监管追溯平台"),
    (11, "数字政府", "“心连心”信息互联互通平台"),
    (12, "数字政府", "“乐政通”移动协同办公平台"),
    (13, "数字政府", "“智乐山”APP"),
]


def projects_of(kind):
    return (Project.objects.filter(plan=plan_row(), kind=kind).order_by("number").prefetch_related("districts"))


def codes(project):
    return {d.code for d in project.districts.all()}


def test_zones(loaded):
    got = [(p.number, p.name, p.positioning, p.leading_industries, p.supporting_industries, p.remark, p.status)
           for p in projects_of("zone")]
    assert got == ZONES
    for p in projects_of("zone"):
        assert (p.category, p.region_text, codes(p)) == ("", "", set())


def test_streets(loaded):
    got = [(p.number, p.name, p.positioning, codes(p)) for p in projects_of("street")]
    assert got == STREETS
    for p in projects_of("street"):
        assert (p.status, p.region_text, p.leading_industries, p.remark) == ("not_given", "", "", "")


def test_buildings(loaded):
    got = [(p.number, p.name, p.positioning, p.region_text, p.category) for p in projects_of("building")]
    assert got == BUILDINGS
    for p in projects_of("building"):
        assert codes(p) == {"gaoxin"}


def test_parks(loaded):
    got = [(p.number, p.name, p.positioning, p.region_text, codes(p)) for p in projects_of("park")]
    assert got == PARKS


def test_opening_up_projects(loaded):
    got = [(p.number, p.name, p.positioning, codes(p)) for p in projects_of("opening")]
    assert got == OPENING


def test_information_platforms(loaded):
    got = [(p.number, p.category, p.name) for p in projects_of("platform")]
    assert got == PLATFORMS
    for p in projects_of("platform"):
        assert (p.positioning, p.region_text, codes(p), p.status) == ("", "", set(), "not_given")


def test_no_project_has_invented_investment(loaded):
    projects = Project.objects.filter(plan=plan_row())
    assert not projects.filter(planned_investment__isnull=False).exists()
    assert not projects.filter(completed_investment__isnull=False).exists()


# 专栏12 -----------------------------------------------------------------------------------------------

SECTORS = [
    # category, function, name, 市内重点企业 (split on 、), 全国重点企业 as printed
    ("优势赛道", "规模优势", "智慧物流",
     ["乐山市旭弘生物流有限责任公司", "乐山公共交通有限公司", "峨眉山市公共汽车有限责任公司", "四川夹江风顺运业有限公司"],
     "1.全国：中百集团（武汉）、楚天科技（长沙）、赛摩智能（徐州）、北斗星通（北京）；\n"
     "2.成都：京东、阿里菜鸟、普洛斯、驹马物流、准时达。"),
    ("优势赛道", "禀赋优势", "数字文创",
     ["乐山文广演艺有限公司", "四川乌蒙沐歌文化旅游有限公司", "峨眉山天禅演艺文化传播有限公司", "乐山文化产业投资发展有限公司"],
     "1.全国：腾讯（深圳）、网易（杭州）、世纪华通（绍兴）、华谊兄弟（东阳）、三七互娱（芜湖）、完美世界（湖州）；\n"
     "2.成都：成都腾讯、成都完美世界、成都育碧、尼毕鲁、天象互动。"),
    ("优势赛道", "禀赋优势", "智慧文旅",
     ["峨眉山旅游股份有限公司", "峨眉山旅业发展有限公司", "乐山东方佛都旅游开发股份有限公司", "四川川投峨眉旅游开发有限公司"],
     "1.全国：腾讯文旅（北京）；\n2.成都：中科大旗、成都携程。"),
    ("基础赛道", "新平台", "数字会展",
     ["四川省峨眉山乐山大佛旅游集团总公司会展分公司", "乐山报广传媒有限公司", "乐山新视觉媒体广告发展有限公司"],
     "1.全国：腾讯云（北京）、阿里云（杭州）；\n2.成都：成都新东方展览有限公司、四川天府国际会展有限公司。"),
    ("基础赛道", "新平台", "电商直播", ["四川国艳嘉城文化传媒有限公司", "乐山高新盛泰科技开发有限公司"],
     "1.全国：蜂群文化（深圳）、美ONE（上海）、薇龙文化（上海）；\n2.成都：OST星娱文化。"),
    ("基础赛道", "新消费", "远程医疗",
     ["乐山德胜医院", "四川峨眉山佛光医院有限公司", "夹江康复专科医院", "沐川宏健医院", "乐山卓鑫科技有限公司"],
     "1.全国：科大讯飞（合肥）、华熙生物（济南）、新氧科技（北京）、朗姿股份（北京）；\n2.成都：华西医院。"),
    ("基础赛道", "新消费", "智慧体育",
     ["乐山市五通桥区桥溪泳乡体育服务有限公司", "四川军格拓展培训有限公司", "峨眉山探路者拓展培训有限公司"],
     "1.全国：金陵体育（张家港）、巨岩科技（上海）、探路者（北京）；\n2.成都：咕咚科技、潇游科技、拟合未来。"),
    ("基础赛道", "新消费", "智慧养老",
     ["四川艾朗特生物科技有限公司", "乐山友安老年病专科医院有限公司", "乐山市老年病专科医院有限责任公司"],
     "1.全国：卫宁健康（上海）、中科西北星（无锡）、澜光智能（郑州）、健康e族（深圳）；\n2.成都：久远银海。"),
    ("基础赛道", "新消费", "美食研发",
     ["峨眉山万佛绿色食品有限公司", "四川苏卫食品有限公司", "乐山地生源食品有限公司"],
     "1.全国：海天味业（佛山）、华宝股份（广东）、农科院食品加工研究所；\n"
     "2.成都：四川罗城牛肉食品有限公司、海底捞、久远银海。"),
    ("基础赛道", "新金融", "科技金融",
     ["中国人民财产保险股份有限公司乐山市分公司", "中国平安财产保险股份有限公司乐山中心支公司", "工商银行乐山分行",
      "农业银行乐山分行"],
     "1.全国：中国工商银行（北京）、招商银行（深圳）、中投保（海淀）、中亿行金融（北京）、中合担保；\n"
     "2.成都：成都银行科技支行、成都三联融资担保公司。"),
]


def test_sectors_with_local_enterprises(loaded):
    sectors = Sector.objects.filter(plan=plan_row()).order_by("order").prefetch_related("enterprises")
    got = [(s.category, s.function, s.name, [e.name for e in s.enterprises.order_by("order")], s.national_enterprises)
           for s in sectors]
    assert got == SECTORS
    assert [s.order for s in sectors] == list(range(1, 11))
    for s in sectors:
        assert [e.order for e in s.enterprises.order_by("order")] == list(range(1, s.enterprises.count() + 1))


# Loading twice ---------------------------------------------------------------------------------------

def test_loading_twice_changes_nothing(loaded):
    before = snapshot()
    again = load_plan(fixture_data())
    assert again == loaded
    assert snapshot() == before


def test_reload_updates_in_place(loaded):
    """A corrected value replaces the old one; no row is added, and stale enterprises go."""
    data = fixture_data()
    data["indicators"][0]["note"] = "校对"
    data["sectors"][4]["local_enterprises"] = data["sectors"][4]["local_enterprises"][:1]
    ids = set(Indicator.objects.values_list("pk", flat=True))
    load_plan(data)
    assert set(Indicator.objects.values_list("pk", flat=True)) == ids
    assert Indicator.objects.get(plan=plan_row(), number=1).note == "校对"
    assert list(Sector.objects.get(name="电商直播").enterprises.values_list("name", flat=True)) == ["四川国艳嘉城文化传媒有限公司"]
    load_plan(fixture_data())
    assert Sector.objects.get(name="电商直播").enterprises.count() == 2


def test_load_plan_command(db):
    out = StringIO()
    call_command("load_plan", stdout=out)
    assert "Indicator 16" in out.getvalue() and "District 12" in out.getvalue()
    before = snapshot()
    call_command("load_plan", str(FIXTURE), stdout=StringIO())
    assert snapshot() == before


# Malformed data --------------------------------------------------------------------------------------

def breaks(path, value):
    """Set data[path...] = value (delete the key when value is DELETE)."""
    def apply(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        if value is DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = value
    return apply


DELETE = object()
MALFORMED = [
    (breaks(["indicators", 3, "target_kind"], "roughly"), "indicators[3] (number 4)", "target_kind"),
    (breaks(["indicators", 0, "target_value"], "1300亿"), "indicators[0] (number 1)", "target_value"),
    (breaks(["indicators", 5, "pillar"], "nowhere"), "indicators[5] (number 6)", "pillar"),
    (breaks(["districts", 2, "name"], DELETE), "districts[2] (wutongqiao)", "'name' is missing"),
    (breaks(["spatial_areas", 5, "districts"], ["shizhong", "chengdu"]), "spatial_areas[5] (minjiang-belt)", "chengdu"),
    (breaks(["projects", 14, "districts"], ["gaoxn"]), "projects[14] (building 1)", "gaoxn"),
    (breaks(["projects", 7, "kind"], "tower"), "projects[7]", "kind"),
    (breaks(["series", 1, "indicator"], 99), "series[1] (services_va_growth)", "99"),
    (breaks(["series", 0, "points", 2, "printed"], "n/a"), "series[0] (services_va) points[2]", "printed"),
    (breaks(["sectors", 9, "colour"], "red"), "sectors[9] (科技金融)", "colour"),
    (breaks(["format"], "v0"), "format", "v0"),
]


@pytest.mark.parametrize("spoil,where,detail", MALFORMED, ids=[m[1] for m in MALFORMED])
def test_malformed_entry_is_refused_and_nothing_written(db, spoil, where, detail):
    data = fixture_data()
    spoil(data)
    before = snapshot()
    with pytest.raises(PlanDataError) as exc:
        load_plan(data)
    assert where in str(exc.value)
    assert detail in str(exc.value)
    assert snapshot() == before


def test_error_found_while_writing_rolls_everything_back(db):
    """The last enterprise is too long for its column: caught only when saving, after everything else was written."""
    data = fixture_data()
    data["sectors"][-1]["local_enterprises"][-1] = "很长的企业名称" * 20
    before = snapshot()
    with pytest.raises(PlanDataError, match=r"sectors\[9\] \(科技金融\) local_enterprises\[3\]"):
        load_plan(data)
    assert snapshot() == before
    assert not Plan.objects.exists()


def test_failed_reload_leaves_the_loaded_plan_untouched(loaded):
    data = copy.deepcopy(fixture_data())
    data["indicators"][0]["note"] = "将被回滚"
    data["sectors"][-1]["local_enterprises"][-1] = "很长的企业名称" * 20
    before = snapshot()
    with pytest.raises(PlanDataError):
        load_plan(data)
    assert snapshot() == before


def test_command_reports_malformed_file(db, tmp_path):
    data = fixture_data()
    data["indicators"][3]["measure"] = "mass"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=r"indicators\[3\] \(number 4\).*measure"):
        call_command("load_plan", str(path), stdout=StringIO())
    assert not Plan.objects.exists()
