from django import template
from django.utils.translation import gettext as _

from indicators.dashboards import verdicts
from indicators.figures import formatting

register = template.Library()

STATUS_LABELS_EN = verdicts.STATUS_LABELS_EN
LIGHT_LABELS = {"green": ("绿灯", "green"), "yellow": ("黄灯", "yellow"), "red": ("红灯", "red")}


@register.simple_tag
def quarter(year, quarter, annual=False):
    return formatting.quarter_label(year, quarter, annual=annual)


@register.filter
def with_unit(value, indicator):
    return formatting.with_unit(value, indicator.unit, indicator.decimals)


@register.filter
def percent(value, decimals=1):
    return formatting.percent(value, decimals)


@register.filter
def status_label(status, final=False):
    """The status in words (已完成 for an achieved final figure: ``{{ r.status|status_label:r.is_final }}``)."""
    return verdicts.status_label(status, bool(final))


@register.simple_tag
def lights_legend():
    """Every status a page can show, under the light it is the colour of, in the page's language."""
    return verdicts.legend_text()


@register.simple_tag
def tracked_amount(value, target, year=None, note=""):
    """A value of a target outside 专栏6 with its unit and, in brackets, its words and year, in the page's language:
    161家（2023年） / 161 enterprises (2023); 218家（较2020年翻一番，2025年） / 218 enterprises (double …, 2025)."""
    from django.template.defaultfilters import floatformat

    shown = floatformat(value, "-2")
    inside = [str(note)] if note else []
    if formatting.english():
        inside += [str(year)] if year else []
        text = f"{shown} {target.local_unit(value)}".rstrip()
        return text + (f" ({', '.join(inside)})" if inside else "")
    inside += [f"{year}年"] if year else []
    return f"{shown}{target.unit}" + (f"（{'，'.join(inside)}）" if inside else "")


@register.filter(is_safe=True)
def in_parens(text):
    """Text in brackets in the page's language: （差 48.44 亿元） / " (short by 48.44 CNY 100 million)"."""
    if text in (None, ""):
        return ""
    return f" ({text})" if formatting.english() else f"（{text}）"


@register.filter
def join_clauses(items):
    """Clauses of one sentence joined: 需加快；预计…  / "Acceleration needed; expected …" (ASCII in English)."""
    return ("; " if formatting.english() else "；").join(str(i) for i in items or ())


# Punctuation around template values in the page's language: （…）；：，。、 in Chinese, ASCII in English. Each is a
# tag of its own name: {% lp %}, {% rp %}, {% colon %}, {% semi %}, {% comma %}, {% stop %}, {% sep %} (between list
# items).
PUNCTUATION = {"lp": ("（", " ("), "rp": ("）", ")"), "colon": ("：", ": "), "semi": ("；", "; "),
               "comma": ("，", ", "), "stop": ("。", ". "), "sep": ("、", ", ")}


def _punctuation(name):
    zh, en = PUNCTUATION[name]
    return en if formatting.english() else zh


for _name in PUNCTUATION:
    register.simple_tag(lambda _n=_name: _punctuation(_n), name=_name)


@register.filter
def joined(items):
    """Items joined as a list is written in the page's language: 市中区、高新区 / a, b."""
    return formatting.listed(items)


@register.filter
def citation(title):
    """乐山市统计局《2024年乐山市国民经济和社会发展统计公报》"""
    return formatting.source_citation(title)


@register.filter
def official_url(url):
    return formatting.official_url(url)


@register.filter
def printed_baseline(indicator):
    """The plan's baseline as printed (约30%), or its words where the plan gives none (未给出…; on English pages
    "not given", the plan's explanation being Chinese prose)."""
    if indicator.baseline_value is None:
        return _("未给出") if formatting.english() else indicator.baseline_text
    return formatting.as_printed(indicator.baseline_value, indicator.unit, indicator.baseline_text)


@register.filter
def tr_name(name):
    """An indicator, district or plan name in the page's language: {{ d.name|tr_name }}."""
    from indicators.figures.selectors import name_in_language

    return name_in_language(name)


@register.filter
def local_name(obj):
    """A district's or a department's name in the page's language: {{ d|local_name }}."""
    from indicators.figures.selectors import display_name

    return display_name(obj)


@register.filter
def person(user):
    """A user as the header names them, in the page's language (districts.selectors.user_label): 市发改委 on a Chinese
    page, Municipal Development and Reform Commission on an English one. Empty for no user."""
    from districts.selectors import user_label

    return user_label(user) if user is not None else ""


@register.filter
def unit(unit):
    """亿元 / CNY 100 million"""
    return formatting.unit_text(unit)


@register.filter
def printed(text):
    """A target as the plan prints it, in the page's language: 8%左右 / about 8%."""
    return formatting.printed(text)


@register.inclusion_tag("indicators/dashboards/_light.html")
def light(value):
    from django.utils.translation import get_language

    zh, en = LIGHT_LABELS.get(value or "", (_("无灯"), "no light"))
    label = en if (get_language() or "").startswith("en") else zh
    return {"light": value or "none", "label": label}


@register.filter
def change_pct(value, indicator=None):
    """A signed change: 12.34 → "+12.3%", −5 → "−5.0%"; of a growth rate or a share (indicators measured as
    "rate" or "share", both in %), in percentage points: "+1.20 个百分点". Empty when there is nothing to compare."""
    if value is None:
        return ""
    if getattr(indicator, "measure", None) in ("rate", "share"):
        text = _("%(n)s 个百分点") % {"n": f"{formatting.rounded(value, 2):.2f}"}
    else:
        text = f"{formatting.rounded(value, 1):.1f}%"
    return text.replace("-", "−", 1) if text.startswith("-") else f"+{text}"


@register.inclusion_tag("indicators/dashboards/_verdict.html")
def verdict(status, final=False):
    """The light of a status beside its words: the one way a page shows a verdict, so the two never differ."""
    return {**light(verdicts.light_of(status)), "status": status or "cannot_assess",
            "status_label": verdicts.status_label(status, bool(final))}
