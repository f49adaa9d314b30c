"""The authorization matrix: for every page, which roles may open it. One table.

A URL added to the project without a row here fails ``test_every_page_is_in_the_table``.
``allowed`` roles get a page (2xx, or a redirect that is not to sign-in); other signed-in
roles get ``denied_status`` (403, or 404 where the page is scoped to objects the user may not
see); anonymous visitors are sent to sign in unless the page is public.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engage.market import unsubscribe
from tests.quality.world import ROLES, World

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
STAFF = frozenset({"pem", "officer", "ldd", "admin"})
OFFICERS = frozenset({"pem", "officer", "ldd"})
MANAGERS = frozenset({"pem", "admin"})
PEM = frozenset({"pem"})
PROVIDERS = frozenset({"provider"})
PARTNERS = frozenset({"partner"})
CALENDAR = STAFF | {"councillor"}
MARKET = STAFF | {"councillor"}
#: A POST-only page answers a GET with 405 to every signed-in role (anonymous: sent to sign in).
POST_ONLY = dict.fromkeys(SIGNED_IN, 405)
GROUP_READERS = STAFF | {"councillor"}


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    #: URL kwargs from the world (and the role being checked).
    kwargs: Callable[[World, str], dict[str, Any]] | None = None
    denied_status: int = 403
    #: Per-role expected status where it differs from the rule (e.g. 405 for POST-only pages).
    expect: dict[str, int] = field(default_factory=dict)
    #: A query string the page needs, from the world.
    query: Callable[[World], str] | None = None


def _pk(name: str) -> Callable[[World, str], dict[str, Any]]:
    return lambda world, role: {"pk": world[name].pk}


def _group_version(version: int) -> Callable[[World, str], dict[str, Any]]:
    return lambda world, role: {"pk": world["group"].pk, "version": version}


TABLE: dict[str, Rule] = {
    # Public pages and accounts.
    "core:home": Rule(EVERYONE),
    "core:accessibility": Rule(EVERYONE),
    "core:privacy": Rule(EVERYONE),
    "core:audit_log": Rule(MANAGERS),
    "core:bench_floor": Rule(EVERYONE),
    "accounts:login": Rule(EVERYONE),
    "accounts:logout": Rule(SIGNED_IN, expect=dict.fromkeys(SIGNED_IN, 405)),
    "accounts:password_reset": Rule(EVERYONE),
    "accounts:password_reset_done": Rule(EVERYONE),
    "accounts:password_reset_confirm": Rule(
        EVERYONE, kwargs=lambda w, r: {"uidb64": "MQ", "token": "set-password"}
    ),
    "accounts:password_reset_complete": Rule(EVERYONE),
    "accounts:password_change": Rule(SIGNED_IN),
    "accounts:password_change_done": Rule(SIGNED_IN),
    "accounts:account": Rule(SIGNED_IN),
    "api_tokens:list": Rule(SIGNED_IN),
    # Revoking is only ever of one's own token: someone else's is not found.
    "api_tokens:revoke": Rule(
        frozenset({"officer"}), kwargs=_pk("officer_token"), denied_status=404
    ),
    # Council.
    "council:officer_list": Rule(STAFF),
    "council:officer_create": Rule(MANAGERS),
    "council:officer_edit": Rule(MANAGERS, kwargs=_pk("officer_record")),
    "council:officer_set_active": Rule(MANAGERS, kwargs=_pk("officer_record")),
    "council:team_list": Rule(STAFF),
    "council:team_create": Rule(MANAGERS),
    "council:team_edit": Rule(MANAGERS, kwargs=_pk("team")),
    "council:partner_list": Rule(STAFF),
    "council:partner_organisation_create": Rule(MANAGERS),
    "council:partner_organisation_edit": Rule(MANAGERS, kwargs=_pk("partner_organisation")),
    "council:partner_person_create": Rule(MANAGERS),
    "council:partner_person_edit": Rule(MANAGERS, kwargs=_pk("partner_person")),
    "council:councillor_list": Rule(STAFF),
    "council:councillor_create": Rule(MANAGERS),
    "council:councillor_edit": Rule(MANAGERS, kwargs=_pk("councillor_record")),
    # Engagement planning and the calendar.
    # The month of the world's published open event, so that the page always has an activity
    # to show (and compare for clashes), whatever the date the tests run on.
    "engagement:calendar": Rule(CALENDAR, query=lambda w: "date=2030-09-10"),
    "engagement:activity_create": Rule(OFFICERS),
    "engagement:activity_check": Rule(OFFICERS, expect=dict.fromkeys(OFFICERS, 405)),
    "engagement:activity_detail": Rule(CALENDAR, kwargs=_pk("activity")),
    # Only an activity's author, its lead officer and the PEM look after it.
    "engagement:activity_edit": Rule(frozenset({"pem", "officer"}), kwargs=_pk("draft_activity")),
    "engagement:activity_action": Rule(
        frozenset({"pem", "officer"}),
        kwargs=lambda w, r: {"pk": w["draft_activity"].pk, "action": "submit"},
    ),
    "engagement:accept_warning": Rule(
        PEM, kwargs=_pk("warned_activity"), query=lambda w: f"clash={w['warning_key']}"
    ),
    "engagement:registrations": Rule(OFFICERS, kwargs=_pk("activity")),
    "engagement:registration_cancel": Rule(
        OFFICERS,
        kwargs=lambda w, r: {"pk": w["activity"].pk, "registration_pk": w["registration"].pk},
    ),
    # Attendance is captured by officers only (a provider or a councillor cannot).
    "engagement:attendance": Rule(OFFICERS, kwargs=_pk("held_activity")),
    # Its owners: the PEM, and the officer who leads the held meeting.
    "engagement:activity_costs": Rule(frozenset({"pem", "officer"}), kwargs=_pk("held_activity")),
    "engagement:attendance_walk_in": Rule(
        OFFICERS, kwargs=_pk("held_activity"), expect=dict.fromkeys(OFFICERS, 405)
    ),
    "engagement:mode_guide": Rule(OFFICERS),
    "engagement:venue_list": Rule(CALENDAR),
    "engagement:venue_create": Rule(PEM),
    "engagement:venue_edit": Rule(PEM, kwargs=_pk("venue")),
    "engagement:my_feed": Rule(OFFICERS),
    # Calendar feeds are public by their unguessable link.
    "engagement:public_feed": Rule(EVERYONE),
    "engagement:contact_feed": Rule(
        EVERYONE, kwargs=lambda w, r: {"token": w["contact_feed"].token}
    ),
    "engagement:officer_feed": Rule(
        EVERYONE, kwargs=lambda w, r: {"token": w["officer_feed"].token}
    ),
    "engagement:portal_events": Rule(PROVIDERS),
    "engagement:portal_event": Rule(PROVIDERS, kwargs=_pk("activity")),
    "engagement:portal_register": Rule(PROVIDERS, kwargs=_pk("activity"), expect={"provider": 405}),
    "engagement:portal_cancel": Rule(PROVIDERS, kwargs=_pk("activity")),
    "engagement:partner_invitations": Rule(PARTNERS),
    # Enquiries (officers) — the actions are POST-only: a GET is 405 for every signed-in role.
    "enquiries:queue": Rule(OFFICERS),
    "enquiries:detail": Rule(OFFICERS, kwargs=_pk("enquiry")),
    "enquiries:reply": Rule(OFFICERS, kwargs=_pk("enquiry"), expect=POST_ONLY),
    "enquiries:note": Rule(OFFICERS, kwargs=_pk("enquiry"), expect=POST_ONLY),
    "enquiries:status": Rule(OFFICERS, kwargs=_pk("enquiry"), expect=POST_ONLY),
    "enquiries:reassign": Rule(OFFICERS, kwargs=_pk("enquiry"), expect=POST_ONLY),
    "enquiries:take": Rule(OFFICERS, kwargs=_pk("enquiry"), expect=POST_ONLY),
    "enquiries:attachment": Rule(OFFICERS, kwargs=_pk("attachment")),
    "enquiries:log": Rule(OFFICERS),
    "enquiries:log_for_provider": Rule(
        OFFICERS, kwargs=lambda w, r: {"provider_pk": w["provider_a"].pk}
    ),
    "enquiries:overview": Rule(PEM),
    "enquiries:categories": Rule(MANAGERS),
    "enquiries:category_create": Rule(MANAGERS),
    "enquiries:category_edit": Rule(MANAGERS, kwargs=_pk("category")),
    # The provider portal: the signed-in provider's own organisation only.
    "portal:home": Rule(PROVIDERS),
    "portal:enquiries": Rule(PROVIDERS),
    "portal:enquiry_new": Rule(PROVIDERS),
    "portal:enquiry_new_details": Rule(PROVIDERS, kwargs=lambda w, r: {"slug": w["category"].slug}),
    "portal:enquiry_detail": Rule(PROVIDERS, kwargs=_pk("enquiry")),
    "portal:enquiry_reply": Rule(PROVIDERS, kwargs=_pk("enquiry"), expect=POST_ONLY),
    "portal:attachment": Rule(PROVIDERS, kwargs=_pk("attachment")),
    "portal:organisation": Rule(PROVIDERS),
    "portal:organisation_edit": Rule(PROVIDERS),
    "portal:contact_create": Rule(PROVIDERS),
    "portal:contact_edit": Rule(PROVIDERS, kwargs=_pk("colleague_a")),
    "portal:contact_left": Rule(PROVIDERS, kwargs=_pk("colleague_a")),
    # The market register (contacts are personal data: council staff only).
    "market:provider_list": Rule(MARKET),
    "market:provider_detail": Rule(MARKET, kwargs=_pk("provider_a")),
    "market:provider_create": Rule(STAFF),
    "market:provider_edit": Rule(STAFF, kwargs=_pk("provider_a")),
    # Bulk actions are a POST from the list; a GET goes back to the list.
    "market:provider_bulk": Rule(STAFF),
    "market:service_list": Rule(MARKET),
    "market:service_detail": Rule(MARKET, kwargs=_pk("service_a")),
    "market:service_create": Rule(STAFF, kwargs=lambda w, r: {"provider_pk": w["provider_a"].pk}),
    "market:service_edit": Rule(STAFF, kwargs=_pk("service_a")),
    "market:contact_list": Rule(STAFF),
    "market:contact_detail": Rule(STAFF, kwargs=_pk("contact_b")),
    "market:contact_create": Rule(STAFF, kwargs=lambda w, r: {"provider_pk": w["provider_a"].pk}),
    "market:contact_edit": Rule(STAFF, kwargs=_pk("contact_b")),
    "market:contact_export": Rule(MANAGERS, kwargs=_pk("contact_b")),
    "market:contact_erase": Rule(MANAGERS, kwargs=_pk("contact_b")),
    "market:association_list": Rule(MARKET),
    "market:association_detail": Rule(MARKET, kwargs=_pk("association")),
    "market:association_create": Rule(STAFF),
    "market:association_edit": Rule(STAFF, kwargs=_pk("association")),
    "market:association_merge": Rule(STAFF),
    "market:membership_add": Rule(STAFF, kwargs=lambda w, r: {"provider_pk": w["provider_a"].pk}),
    "market:membership_end": Rule(STAFF, kwargs=_pk("membership")),
    "market:coverage": Rule(MARKET),
    "market:cqc_import_list": Rule(MANAGERS),
    "market:cqc_import_upload": Rule(MANAGERS),
    "market:cqc_import_detail": Rule(MANAGERS, kwargs=_pk("cqc_import")),
    # The signed link in emails to contacts: no sign-in (GET only asks).
    "market:unsubscribe": Rule(
        EVERYONE, kwargs=lambda w, r: {"token": unsubscribe.token_for(w["contact_b"].pk)}
    ),
    # Groups: staff and councillors read (GROUPS_VIEW); officers, LDDs and the PEM change them.
    "groups:register": Rule(GROUP_READERS),
    "groups:group_create": Rule(OFFICERS),
    "groups:standards": Rule(GROUP_READERS),
    "groups:meeting_sessions": Rule(GROUP_READERS, kwargs=_pk("meeting")),
    "groups:group_detail": Rule(GROUP_READERS, kwargs=_pk("group")),
    "groups:group_edit": Rule(OFFICERS, kwargs=_pk("group")),
    "groups:terms_history": Rule(GROUP_READERS, kwargs=_pk("group")),
    "groups:terms_draft": Rule(OFFICERS, kwargs=_pk("group")),
    "groups:terms_detail": Rule(GROUP_READERS, kwargs=_group_version(1)),
    "groups:terms_changes": Rule(GROUP_READERS, kwargs=_group_version(2)),
    "groups:terms_approve": Rule(OFFICERS, kwargs=_group_version(2)),
    "groups:maturity_history": Rule(GROUP_READERS, kwargs=_pk("group")),
    "groups:maturity_add": Rule(OFFICERS, kwargs=_pk("group")),
    "groups:forward_plan": Rule(GROUP_READERS, kwargs=_pk("group")),
    "groups:forward_plan_add": Rule(OFFICERS, kwargs=_pk("group")),
    "groups:forward_plan_item": Rule(
        GROUP_READERS, kwargs=lambda w, r: {"pk": w["group"].pk, "item": w["proposal"].pk}
    ),
    "groups:forward_plan_decline": Rule(
        OFFICERS, kwargs=lambda w, r: {"pk": w["group"].pk, "item": w["proposal"].pk}
    ),
    "groups:meeting": Rule(GROUP_READERS, kwargs=_pk("meeting")),
    "groups:agenda_change": Rule(
        OFFICERS,
        kwargs=lambda w, r: {"pk": w["meeting"].pk, "item": w["agenda_item"].pk},
        expect=dict.fromkeys(OFFICERS, 405),
    ),
    "groups:agenda_outcome": Rule(
        OFFICERS, kwargs=lambda w, r: {"pk": w["meeting"].pk, "item": w["agenda_item"].pk}
    ),
    "groups:agenda_carry_forward": Rule(OFFICERS, kwargs=_pk("meeting")),
    "groups:meeting_notes": Rule(OFFICERS, kwargs=_pk("meeting")),
    "groups:meeting_notes_send": Rule(OFFICERS, kwargs=_pk("meeting")),
    "groups:action_add": Rule(OFFICERS, kwargs=_pk("meeting")),
    "groups:group_actions": Rule(GROUP_READERS, kwargs=_pk("group")),
    "groups:my_actions": Rule(OFFICERS),
    "groups:action_detail": Rule(GROUP_READERS, kwargs=_pk("meeting_action")),
    "groups:portal_forward_plans": Rule(PROVIDERS),
    "groups:portal_propose": Rule(PROVIDERS, kwargs=_pk("group")),
    "groups:portal_meeting": Rule(PROVIDERS, kwargs=_pk("meeting")),
    "groups:maturity_detail": Rule(
        GROUP_READERS,
        kwargs=lambda w, r: {"pk": w["group"].pk, "assessment": w["group_assessment"].pk},
    ),
    # Feedback: staff and councillors read results (FEEDBACK_VIEW); officers change them;
    # the token forms are public (the token is the key); providers see their own in the portal.
    "feedback:home": Rule(GROUP_READERS),
    "feedback:activity_results": Rule(GROUP_READERS, kwargs=_pk("evaluated_activity")),
    "feedback:activity_outcomes": Rule(OFFICERS, kwargs=_pk("evaluated_activity")),
    "feedback:group_results": Rule(GROUP_READERS, kwargs=_pk("group")),
    "feedback:survey_list": Rule(GROUP_READERS),
    "feedback:survey_create": Rule(OFFICERS),
    "feedback:survey_detail": Rule(GROUP_READERS, kwargs=_pk("survey")),
    "feedback:survey_send": Rule(OFFICERS, kwargs=_pk("survey")),
    "feedback:survey_close": Rule(OFFICERS, kwargs=_pk("survey")),
    "feedback:survey_export": Rule(GROUP_READERS, kwargs=_pk("survey")),
    "feedback:item_list": Rule(GROUP_READERS),
    "feedback:item_create": Rule(OFFICERS),
    "feedback:item_detail": Rule(GROUP_READERS, kwargs=_pk("feedback_item")),
    "feedback:you_said_we_did": Rule(GROUP_READERS),
    "feedback:event_costs": Rule(GROUP_READERS),
    "feedback:evaluation_form": Rule(
        EVERYONE, kwargs=lambda w, r: {"token": w["evaluation_invitation"].token}
    ),
    "feedback:survey_form": Rule(
        EVERYONE, kwargs=lambda w, r: {"token": w["survey_invitation"].token}
    ),
    "feedback:portal_evaluations": Rule(PROVIDERS),
    "feedback:portal_evaluation": Rule(PROVIDERS, kwargs=_pk("evaluation_invitation")),
    "feedback:portal_you_said_we_did": Rule(PROVIDERS),
    # The year planner: the Provider Engagement Manager only (PLANNER_USE).
    "planner:plan": Rule(PEM),
    "planner:run_detail": Rule(PEM, kwargs=_pk("plan_run")),
    "planner:run_progress": Rule(PEM, kwargs=_pk("plan_run")),
    "planner:run_pin": Rule(PEM, kwargs=_pk("plan_run"), expect={"pem": 405}),
    "planner:run_accept": Rule(PEM, kwargs=_pk("plan_run")),
    "planner:data": Rule(PEM),
    "planner:leave_delete": Rule(PEM, kwargs=_pk("team_leave")),
    "planner:holiday_delete": Rule(PEM, kwargs=_pk("school_holiday")),
}
