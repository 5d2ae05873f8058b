"""The change reasons stored with a task's history (assignment, yearly targets, reports): stored in Chinese, the
data language, and shown in the page's language. A known action and a report's state are translated when shown;
names of units and what a person typed are shown as stored. Rows stored before (the action in the language of the
page that wrote it, states as codes: "报送: draft→submitted") read the same way.
"""
from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from projects.models import TaskReport

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
            return str(TaskReport.State(code).label)
    return text


def shown_reason(stored: str | None) -> str:
    """A stored reason in the page's language: 审核通过: 已报送→已审核 · 备注 / Approve: submitted→approved · 备注."""
    stored = (stored or "").strip()
    match = _REASON.match(stored)
    if not match or match["action"].strip() not in ACTIONS:
        return stored
    text = _(match["action"].strip())
    if match["old"] is not None:
        text += f": {_state_shown(match['old'])}→{_state_shown(match['new'])}"
    return text + (f" · {match['note']}" if match["note"] else "")
