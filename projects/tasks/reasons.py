"""The change reasons stored with a task's history (assignment, yearly targets, reports): stored in Chinese, the
data language, and shown in the page's language. A known action and a report's state are translated when shown;
what a person typed is shown as stored, a change of units not at all (the history shows it in its own column). Rows
stored before (the action in the language of the page that wrote it, states as codes: "报送: draft→submitted") read
the same way.
"""
from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

# the actions, as stored (Chinese msgids, translated when shown)
ACTIONS = (gettext_noop("载入规划原文"), gettext_noop("分配"), gettext_noop("删除年度目标"), gettext_noop("年度目标"),
           gettext_noop("报送"), gettext_noop("保存"), gettext_noop("删除材料"), gettext_noop("配合单位进展"),
           gettext_noop("审核通过"), gettext_noop("退回"))
STATES_ZH = {"draft": "草稿", "submitted": "已报送", "returned": "已退回", "approved": "已审核"}
_REASON = re.compile(r"^(?P<action>[^:·]+?)(?:: (?P<old>[^→·]*)→(?P<new>[^·]*?))?(?: · (?P<note>.*))?$", re.S)


def state_zh(state: str) -> str:
    """A report state in Chinese (a code, or any other text such as a unit's name, as it is)."""
    return STATES_ZH.get(state, state)


def _state_shown(text: str) -> str:
    for code, zh in STATES_ZH.items():
        if text in (code, zh):
            return _state_in_change(code)
    return text


def _is_state(text: str) -> bool:
    return text == "" or text in STATES_ZH or text in STATES_ZH.values()


def _state_in_change(code: str) -> str:
    """A state inside a change ("Return: submitted→returned"): lower case in English, where the state's label on its
    own (TaskReport.State) is capitalised."""
    return {"draft": pgettext("state in a change", "草稿"), "submitted": pgettext("state in a change", "已报送"),
            "returned": pgettext("state in a change", "已退回"),
            "approved": pgettext("state in a change", "已审核")}[code]


def shown_reason(stored: str | None) -> str:
    """A stored reason in the page's language: 审核通过: 已报送→已审核 · 备注 / Approve: submitted→approved · 备注."""
    stored = (stored or "").strip()
    match = _REASON.match(stored)
    if not match or match["action"].strip() not in ACTIONS:
        return stored
    text = _(match["action"].strip())
    if match["old"] is not None and _is_state(match["old"]) and _is_state(match["new"]):
        # a change of units (an assignment) is not repeated: the history's own column shows it, in the page's language
        text += f": {_state_shown(match['old'])}→{_state_shown(match['new'])}"
    return text + (f" · {match['note']}" if match["note"] else "")
