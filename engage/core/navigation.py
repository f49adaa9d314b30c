"""The service navigation, which depends on the user's role.

One list, in the order the links appear. An item shows when the user holds its capability
(``None``: every signed-in user) and its URL exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from engage.accounts.permissions import Capability, has_capability


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: Capability | None
    #: The item is also marked current for any path under this prefix.
    section_prefix: str | None = None


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Home", "core:home", None),
    # Council staff and councillors.
    NavItem("Market", "market:provider_list", Capability.MARKET_VIEW, "/market/"),
    NavItem("Calendar", "engagement:calendar", Capability.CALENDAR_VIEW, "/engagement/"),
    NavItem("Groups", "groups:register", Capability.GROUPS_VIEW, "/groups/"),
    NavItem("Plan the year", "planner:plan", Capability.PLANNER_USE, "/planner/"),
    NavItem("Enquiries", "enquiries:queue", Capability.ENQUIRIES_WORK, "/enquiries/"),
    NavItem("Feedback", "feedback:home", Capability.FEEDBACK_VIEW, "/feedback/"),
    NavItem("Council", "council:officer_list", Capability.COUNCIL_VIEW, "/council/"),
    NavItem("Audit trail", "core:audit_log", Capability.AUDIT_VIEW, "/audit/"),
    # Provider users (the portal).
    NavItem("Your enquiries", "portal:enquiries", Capability.PORTAL_USE, "/portal/enquiries/"),
    NavItem("Events", "engagement:portal_events", Capability.PORTAL_USE, "/engagement/events/"),
    NavItem(
        "Forward plans",
        "groups:portal_forward_plans",
        Capability.PORTAL_USE,
        "/groups/forward-plans/",
    ),
    NavItem(
        "You said, we did",
        "feedback:portal_you_said_we_did",
        Capability.PORTAL_USE,
        "/feedback/portal/you-said-we-did/",
    ),
    NavItem(
        "Your organisation", "portal:organisation", Capability.PORTAL_USE, "/portal/organisation/"
    ),
    # Partners.
    NavItem(
        "Invitations",
        "engagement:partner_invitations",
        Capability.PARTNER_VIEW,
        "/engagement/invitations/",
    ),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    current: bool


def navigation_for(request: HttpRequest) -> list[NavLink]:
    """The links ``request.user`` may follow, the current section marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links: list[NavLink] = []
    for item in NAVIGATION:
        if item.capability is not None and not has_capability(user, item.capability):
            continue
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            continue
        prefix = item.section_prefix
        current = request.path == href or bool(prefix and request.path.startswith(prefix))
        links.append(NavLink(item.label, href, current))
    return links
