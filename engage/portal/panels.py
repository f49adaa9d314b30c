"""Sections and panels of the portal home, each panel contributed by a domain app.

The home shows ``PORTAL_SECTIONS`` in order. A section holds the panels registered for it in
``PORTAL_PANELS``; a panel's ``context`` is a dotted path to a function
``(user, provider) -> dict | None`` giving its template's context, and the panel is skipped
when it returns ``None``. A section with no panel to show shows its friendly empty message.

To add to the portal home (the calendar, groups and feedback apps): add a ``PortalPanel`` for
your section here, with a template in your app and a context function in your app; no portal
view changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class PortalSection:
    slug: str
    title: str
    #: Shown when no panel of the section has anything for this provider.
    empty_message: str


@dataclass(frozen=True)
class PortalPanel:
    section: str
    template: str
    context: str


PORTAL_SECTIONS: tuple[PortalSection, ...] = (
    PortalSection(
        "contacts",
        "Who to contact",
        "We are setting up your named contacts. Until then, email the council's general "
        "provider mailbox.",
    ),
    PortalSection(
        "enquiries",
        "Your organisation's open enquiries",
        "Your organisation has no open enquiries.",
    ),
    PortalSection(
        "events",
        "Upcoming events for you",
        "There are no events planned for your services yet. When there are, you can register "
        "for them here.",
    ),
    PortalSection(
        "forward-plans",
        "Forward plans you can add to",
        "There are no forward plans open for your suggestions yet.",
    ),
    PortalSection(
        "meetings",
        "Notes and actions of your meetings",
        "When you are invited to a meeting, its notes and actions appear here.",
    ),
    PortalSection(
        "evaluations",
        "Tell us how it went",
        "When you have been to an event, you can tell us how it went here.",
    ),
    PortalSection(
        "you-said-we-did",
        "You said, we did",
        "What we changed because of providers' feedback will appear here.",
    ),
    PortalSection(
        "newsletters",
        "Newsletters",
        "There are no newsletters for you yet.",
    ),
)

PORTAL_PANELS: tuple[PortalPanel, ...] = (
    PortalPanel(
        "contacts",
        "enquiries/portal/_who_to_contact_panel.html",
        "engage.enquiries.portal.who_to_contact_panel",
    ),
    PortalPanel(
        "enquiries",
        "enquiries/portal/_open_enquiries_panel.html",
        "engage.enquiries.portal.open_enquiries_panel",
    ),
    PortalPanel(
        "events",
        "engagement/portal/_events_panel.html",
        "engage.engagement.panels.portal_upcoming_events",
    ),
    PortalPanel(
        "forward-plans",
        "groups/portal/_forward_plans_panel.html",
        "engage.groups.panels.portal_forward_plans",
    ),
    PortalPanel(
        "meetings",
        "groups/portal/_meetings_panel.html",
        "engage.groups.panels.portal_meetings",
    ),
    PortalPanel(
        "evaluations",
        "feedback/portal/_evaluations_panel.html",
        "engage.feedback.panels.portal_evaluations",
    ),
    PortalPanel(
        "you-said-we-did",
        "feedback/portal/_you_said_we_did_panel.html",
        "engage.feedback.panels.portal_you_said_we_did",
    ),
)


def sections_for(user: Any, provider: Any) -> list[dict[str, Any]]:
    """Each section with the panels that have something for ``user`` at ``provider``."""
    shown: list[dict[str, Any]] = []
    for section in PORTAL_SECTIONS:
        panels = []
        for panel in PORTAL_PANELS:
            if panel.section != section.slug:
                continue
            context = import_string(panel.context)(user, provider)
            if context is not None:
                panels.append({"template": panel.template, "context": context})
        shown.append({"section": section, "panels": panels})
    return shown
