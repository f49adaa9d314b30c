"""Panels of the signed-in home page ("your work"), each contributed by a domain app.

A panel shows when the user holds its capability. ``context`` is a dotted path to a function
``(user) -> dict`` that returns the template's context; the panel is skipped when it returns
``None``. Add a panel here when an app has something a user should see first thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string

from engage.accounts.permissions import Capability, has_capability


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: str
    capability: Capability | None


HOME_PANELS: tuple[HomePanel, ...] = (
    HomePanel(
        "engagement/_home_awaiting_approval.html",
        "engage.engagement.panels.awaiting_approval",
        Capability.ACTIVITY_APPROVE,
    ),
    HomePanel(
        "engagement/_home_needing_action.html",
        "engage.engagement.panels.needing_action",
        Capability.ACTIVITY_PROPOSE,
    ),
    HomePanel(
        "enquiries/_home_panel.html",
        "engage.enquiries.panels.enquiries_panel",
        Capability.ENQUIRIES_WORK,
    ),
    HomePanel(
        "groups/_home_overdue_actions.html",
        "engage.groups.panels.overdue_actions",
        Capability.GROUPS_MANAGE,
    ),
)


def panels_for(user: Any) -> list[dict[str, Any]]:
    """Rendered-ready panels for ``user``: each a template name and its context."""
    shown = []
    for panel in HOME_PANELS:
        if panel.capability is not None and not has_capability(user, panel.capability):
            continue
        context = import_string(panel.context)(user)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown
