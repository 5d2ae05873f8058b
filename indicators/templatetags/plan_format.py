from django import template
from django.utils.translation import gettext as _

from indicators.figures import formatting
from indicators.progress.maths import STATUS_LABELS_ZH

register = template.Library()

STATUS_LABELS_EN = {"achieved": "achieved", "on_track": "on track", "acceleration_needed": "acceleration needed",
                    "limited": "limited progress", "deterioration": "deterioration", "cannot_assess": "cannot assess"}
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
def status_label(status):
    from django.utils.translation import get_language

    if not status:
        return ""
    if (get_language() or "").startswith("en"):
        return STATUS_LABELS_EN.get(status, status)
    return STATUS_LABELS_ZH.get(status, status)


@register.inclusion_tag("indicators/dashboards/_light.html")
def light(value):
    from django.utils.translation import get_language

    zh, en = LIGHT_LABELS.get(value or "", (_("无灯"), "no light"))
    label = en if (get_language() or "").startswith("en") else zh
    return {"light": value or "none", "label": label}


@register.filter
def change_pct(value, indicator=None):
    """A signed change: 12.34 → "+12.3%", −5 → "−5.0%"; of a growth rate (an indicator measured as "rate"), in
    percentage points: "+1.20 个百分点". Empty when there is nothing to compare."""
    if value is None:
        return ""
    if getattr(indicator, "measure", None) == "rate":
        text = _("%(n)s 个百分点") % {"n": f"{formatting.rounded(value, 2):.2f}"}
    else:
        text = f"{formatting.rounded(value, 1):.1f}%"
    return text.replace("-", "−", 1) if text.startswith("-") else f"+{text}"
