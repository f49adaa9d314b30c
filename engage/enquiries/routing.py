"""Who an enquiry goes to: the rule is the category's data.

A category routed to the contract manager goes to the provider's contract manager (an active
officer); when the provider has none, it waits in the category's team queue (the Contracts
team in the demo data). Every other category goes to its team's queue, where an officer of
the team takes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from engage.council.models import Officer, Team
from engage.enquiries.models import EnquiryCategory, Route
from engage.market.models import Provider


@dataclass(frozen=True)
class Routing:
    """The owner (an officer, or None for a team queue) and the team an enquiry sits with."""

    owner: Officer | None
    team: Team


def route_enquiry(*, provider: Provider, category: EnquiryCategory) -> Routing:
    """Where a new enquiry of ``category`` from ``provider`` goes."""
    if category.route == Route.CONTRACT_MANAGER:
        manager = provider.contract_manager
        if manager is not None and manager.user.is_active:
            return Routing(owner=manager, team=manager.team)
    return Routing(owner=None, team=category.team)
