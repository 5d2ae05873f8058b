"""The change reasons stored with a task's history (assignment, yearly targets, reports): stored in Chinese, the
data language, and shown in the page's language. A known action and a report's state are translated when shown;
what a person typed is shown as stored, a change of units not at all (the history shows it in its own column). Rows
stored before (the action in the language of the page that wrote it, states as codes: "报送: draft→submitted") read
the same way.
"""
from __future__ import annotations

import re

from django.utils.translation import get_language, pgettext

# the actions, as stored (Chinese msgids, translated when shown, as events: Submitted, Returned, Assigned)
ACTIONS = ("载入规划原文", "分配", "删除年度目标", "年度目标", "报送", "保存", "删除材料", "配合单位进展", "审核通过", "退回")
STATES_ZH = {"draft": "草稿", "submitted": "已报送", "returned": "已退回", "approved": "已审核"}
_REASON = re.compile(r"^(?P<action>[^:·]+?)(?:: (?P<old>[^→·]*)→(?P<new>[^·]*?))?(?: · (?P<note>.*))?$", re.S)


def state_zh(state: str) -> str:
    """A report state in Chinese (a code, or any other text such as a unit's name, as it is)."""
    return STATES_ZH.get(state, state)


_CODES = {**{code: code for code in STATES_ZH}, **{zh: code for code, zh in STATES_ZH.items()}}  # code or Chinese


def _state_shown(text: str) -> str:
    return _state_in_change(_CODES[text]) if text in _CODES else text


def _is_state(text: str) -> bool:
    return text == "" or text in _CODES


def _state_in_change(code: str) -> str:
    """A state inside a change ("Return: submitted→returned"): lower case in English, where the state's label on its
    own (TaskReport.State) is capitalised."""
    return {"draft": pgettext("state in a change", "草稿"), "submitted": pgettext("state in a change", "已报送"),
            "returned": pgettext("state in a change", "已退回"),
            "approved": pgettext("state in a change", "已审核")}[code]


def _action_shown(action: str) -> str:
    """An action (a key of ACTIONS) as an event of the history, in the page's language."""
    return {"载入规划原文": pgettext("history action", "载入规划原文"), "分配": pgettext("history action", "分配"),
            "删除年度目标": pgettext("history action", "删除年度目标"), "年度目标": pgettext("history action", "年度目标"),
            "报送": pgettext("history action", "报送"), "保存": pgettext("history action", "保存"),
            "删除材料": pgettext("history action", "删除材料"), "配合单位进展": pgettext("history action", "配合单位进展"),
            "审核通过": pgettext("history action", "审核通过"), "退回": pgettext("history action", "退回")}[action]


def shown_reason(stored: str | None) -> str:
    """A stored reason in the page's language: 审核通过：已报送→已审核 · 备注 / Approved: submitted→approved · 备注."""
    stored = (stored or "").strip()
    match = _REASON.match(stored)
    if not match or match["action"].strip() not in ACTIONS:
        return stored
    text = _action_shown(match["action"].strip())
    old, new = match["old"], match["new"]
    # a change of units (an assignment) is not repeated: the history's own column shows it, in the page's language;
    # nor a state kept (a draft saved again)
    if old is not None and _is_state(old) and _is_state(new) and state_zh(old) != state_zh(new):
        colon = ": " if (get_language() or "").startswith("en") else "："
        text += f"{colon}{_state_shown(old)}→{_state_shown(new)}"
    return text + (f" · {match['note']}" if match["note"] else "")
