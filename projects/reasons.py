"""The reasons the system stores with a project's, a report's or a tracked target's history: stored in Chinese
(the data language) and translated when shown; a reason a person typed is shown as typed."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

SYSTEM_REASONS = (gettext_noop("报送"), gettext_noop("保存草稿"), gettext_noop("审核通过"),
                  gettext_noop("季度进展审核通过"), gettext_noop("填报"), gettext_noop("省下达数"),
                  gettext_noop("季度填报"))


def shown_reason(stored: str | None) -> str:
    stored = (stored or "").strip()
    return _(stored) if stored in SYSTEM_REASONS else stored
