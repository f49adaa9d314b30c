"""Data versions of what the portal home caches (``engage.core.data_versions``).

The portal home's panels are mostly the same for every provider user of the same segments of
the market (the events and groups meant for them), of the same provider (who to contact) or
for everyone (you said, we did). Those parts are cached, each under the version of the data
it is computed from and keyed by everything else it depends on; what differs by user (their
places on events, their own suggestions, evaluations and enquiries) is read afresh on every
visit and never cached.

Each version below is bumped, in the writer's transaction, by every save and delete of the
models it watches and every change of the many-to-many tables it watches (``connect``).
Bulk writes (``QuerySet.update``, ``bulk_create``, raw SQL) send no signals: code that writes
these models that way must call ``data_versions.bump`` itself. Today only the demo loader
does (it calls ``data_versions.forget_all``). The providers' services, which decide who to
contact, are covered by the market register's version (``engage.market.caching``), which the
bulk writers of the register (the CQC import) bump already.

The home reads every version in one query (``data_versions.pinned``, ``ALL``).
"""

from __future__ import annotations

from engage.core import data_versions
from engage.market import caching

#: The market register's version (providers, services, localities, officers...).
REGISTER = caching.REGISTER

#: The events meant for a segment of the market: activities, their audience and venue.
EVENTS = "portal-events"
#: The engagement groups meant for a segment of the market: groups and their audience.
GROUPS = "portal-groups"
#: The published notes and open actions of the groups' meetings.
MEETINGS = "portal-meetings"
#: Who to contact: enquiry categories, teams, officers and their users (and the register).
CONTACTS = "portal-contacts"
#: You said, we did: feedback items and their actions.
FEEDBACK = "portal-feedback"

#: Every version the portal home reads.
ALL = (EVENTS, GROUPS, MEETINGS, CONTACTS, FEEDBACK, REGISTER)

#: Cached values are checked against their version on every use; this only frees memory.
TIMEOUT = 60 * 60


def connect() -> None:
    """Bump each version on every write of what it is computed from (``PortalConfig.ready``)."""
    from engage.accounts.models import User
    from engage.council.models import Officer, Team
    from engage.engagement.models import Activity, Venue
    from engage.enquiries.models import EnquiryCategory
    from engage.feedback.models import FeedbackItem
    from engage.groups.models import Action, EngagementGroup, Meeting, MeetingNotes
    from engage.market.models import Locality, ServiceType

    # Audiences are matched on the slugs of service types and localities.
    data_versions.watch(
        EVENTS,
        (Activity, Venue, ServiceType, Locality),
        m2m=[
            Activity.audience_service_types.through,
            Activity.audience_localities.through,
        ],
    )
    data_versions.watch(
        GROUPS,
        (EngagementGroup, ServiceType, Locality),
        m2m=[
            EngagementGroup.audience_service_types.through,
            EngagementGroup.audience_localities.through,
        ],
    )
    # Activity: a meeting's date; Officer and User: an action owner's name.
    data_versions.watch(
        MEETINGS, (MeetingNotes, Meeting, Activity, EngagementGroup, Action, Officer, User)
    )
    data_versions.watch(CONTACTS, (EnquiryCategory, Team, Officer, User))
    data_versions.watch(FEEDBACK, (FeedbackItem, Action))
