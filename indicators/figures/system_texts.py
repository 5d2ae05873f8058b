"""Texts the system itself stores beside a figure: the reason of a history row (submit, approve, upload …) and the
source title of a version it records. They are stored in Chinese, the data language, never in two languages, and
shown in the page's language: a known system text is translated when it is shown, what a person typed is shown as
typed. Rows stored before (bilingual, "审核通过 approve: submitted→approved · 备注") are read and shown the same way.
"""
from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from indicators.entry.validation import STATUS_LABELS
from indicators.figures.formatting import english, unit_text

REASON_LIMIT = 100  # simple-history's change reason is kept short: the action, the status change, the start of a note
# the actions of the figure workflow, as stored (the Chinese msgid; makemessages lists them here)
ACTIONS = (gettext_noop("提交"), gettext_noop("保存草稿"), gettext_noop("上传"), gettext_noop("审核通过"),
           gettext_noop("退回"), gettext_noop("重新开放"))
LEGACY_ACTIONS = {"submit": "提交", "save draft": "保存草稿", "approve": "审核通过", "return": "退回",
                  "reopen": "重新开放"}
STATUS_ZH = {code: zh for code, (zh, _en) in STATUS_LABELS.items()}
SEPARATOR = " · "
NOTE_LABEL = "原因："

_NEW = re.compile(r"^(?P<action>[^：:·]+?)(?:：(?P<old>[^→·]*)→(?P<new>[^·]*?))?(?: · (?P<note>.*))?$", re.S)
_LEGACY = re.compile(r"^(?P<zh>\S+) (?P<en>[a-z ]+): (?P<old>[a-z_]*)→(?P<new>[a-z_]*)(?: · (?P<note>.*))?$", re.S)
_REVISED = re.compile(r"^(?:管理员修订：|Revised by an administrator: )(?P<old>.*?) → (?P<new>.*?) · "
                      r"(?:原因：|reason: )(?P<note>.*)$", re.S)


def _cut(text: str) -> str:
    return text if len(text) <= REASON_LIMIT else text[:REASON_LIMIT - 1] + "…"


def status_word(status: str | None) -> str:
    """A submission status in the page's language: 已审核 / approved."""
    zh, en = STATUS_LABELS.get(status or "not_started", (status or "", status or ""))
    return en if english() else zh


def workflow_reason(action: str, old: str | None = None, new: str | None = None, note: str = "") -> str:
    """The stored reason of a workflow step, in Chinese whatever the page's language: 审核通过：已报送→已审核 · 备注.

    action: a key of ACTIONS; old, new: status codes; note: what the person typed (kept as typed)."""
    assert action in ACTIONS, action
    text = action
    if old is not None or new is not None:
        text += f"：{STATUS_ZH.get(old, old or '')}→{STATUS_ZH.get(new, new or '')}"
    if note:
        text += SEPARATOR + note
    return _cut(text)


def revision_reason(old: str, new: str, note: str) -> str:
    """The stored reason of an administrator's revision of an approved figure (values as shown, in Chinese)."""
    return _cut(f"管理员修订：{old} → {new}{SEPARATOR}{NOTE_LABEL}{note}")


_AMOUNT = re.compile(r"^(?P<number>[-+]?[\d,]+(?:\.\d+)?) (?P<unit>\S+)$")


def _value_shown(text: str) -> str:
    """A value stored with its Chinese unit (890.02 亿元) with the unit in the page's language."""
    amount = _AMOUNT.match(text.strip())
    return f"{amount['number']} {unit_text(amount['unit'])}".rstrip() if amount else text


def _status_shown(text: str) -> str:
    """A status word of a stored reason (Chinese, or a code in rows stored before) in the page's language."""
    text = text.strip()
    for code, (zh, en) in STATUS_LABELS.items():
        if text in (zh, code):
            return en if english() else zh
    return text


def shown_reason(stored: str | None) -> str:
    """A stored history reason in the page's language: a known system text translated, a person's note as typed,
    anything else (a reason typed by a person, a text we do not know) as stored."""
    stored = (stored or "").strip()
    if not stored:
        return ""
    revised = _REVISED.match(stored)
    if revised:
        return _("管理员修订：%(old)s → %(new)s · 原因：%(reason)s") % {
            "old": _value_shown(revised["old"]), "new": _value_shown(revised["new"]), "reason": revised["note"]}
    legacy = _LEGACY.match(stored)
    if legacy and LEGACY_ACTIONS.get(legacy["en"]) == legacy["zh"]:
        action, old, new, note = legacy["zh"], legacy["old"], legacy["new"], legacy["note"]
    else:
        match = _NEW.match(stored)
        if not match or match["action"].strip() not in ACTIONS:
            return stored
        action, old, new, note = match["action"].strip(), match["old"], match["new"], match["note"]
    text = _(action)
    if old is not None and new is not None:
        text += (": " if english() else "：") + f"{_status_shown(old)}→{_status_shown(new)}"
    return text + (SEPARATOR + note if note else "")


# ----------------------------------------------------------------------------------------- source titles

DEMO_SOURCE = "演示数据（程序生成，非官方统计）"
SYNTHETIC_SOURCE = "合成数据（基准测试用，非官方统计）"
# the Chinese as stored, and the English some rows were stored in (written in the language of the approver's page)
_APPROVED = re.compile(r"^(?:(?P<zh>.+?) 审核通过的填报数据|figures approved by (?P<en>.+))$")
_REVISED_BY = re.compile(r"^(?:管理员 (?P<zh>.+?) 修订|revised by the administrator (?P<en>.+))$")
SOURCE_TEXTS = (gettext_noop("演示数据（程序生成，非官方统计）"), gettext_noop("合成数据（基准测试用，非官方统计）"),
                gettext_noop("%(who)s 审核通过的填报数据"), gettext_noop("管理员 %(who)s 修订"))


def approved_source(who: str) -> str:
    """The stored source title of a figure approved by ``who`` (Chinese)."""
    return "%(who)s 审核通过的填报数据" % {"who": who}


def revised_source(who: str) -> str:
    return "管理员 %(who)s 修订" % {"who": who}


def shown_source(title: str | None) -> str:
    """A stored source title in the page's language when the system wrote it (demo data, an approval, a
    revision); a published document's title as stored."""
    title = (title or "").strip()
    for system in (DEMO_SOURCE, SYNTHETIC_SOURCE):
        if title.startswith(system):  # also the bilingual titles of data loaded before
            return _(system)
    approved = _APPROVED.match(title)
    if approved:
        return _("%(who)s 审核通过的填报数据") % {"who": approved["zh"] or approved["en"]}
    revised = _REVISED_BY.match(title)
    if revised:
        return _("管理员 %(who)s 修订") % {"who": revised["zh"] or revised["en"]}
    return title
