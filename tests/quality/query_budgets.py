"""Query budgets: the most queries each page and endpoint may make, whatever the data size.

The test visits each at the small world and again at ten times the data, each time with an
empty cache (what a page reads after a write; answered from the cache, the pages that keep
derived data under ``engage.core.data_versions`` read less): the count must be the same (no
N+1) and within the budget written here. Pages take their URL arguments from
the authorization table.
"""

from __future__ import annotations

#: Page URL name -> (role that opens it, query budget). "name#role" measures a page again as
#: another role.
PAGE_BUDGETS: dict[str, tuple[str, int]] = {
    "core:home": ("pem", 8),
    "core:audit_log": ("pem", 4),
    "accounts:account": ("officer", 4),
    "api_tokens:list": ("officer", 3),
    "council:officer_list": ("pem", 6),
    "council:team_list": ("pem", 3),
    "council:partner_list": ("pem", 4),
    "council:councillor_list": ("pem", 3),
    "council:officer_edit": ("pem", 5),
    "engagement:calendar": ("officer", 12),
    "engagement:activity_detail": ("pem", 20),
    "engagement:registrations": ("officer", 9),
    "engagement:venue_list": ("officer", 4),
    "engagement:mode_guide": ("officer", 2),
    "engagement:my_feed": ("officer", 4),
    "engagement:portal_events": ("provider", 11),
    "engagement:portal_event": ("provider", 11),
    "engagement:partner_invitations": ("partner", 9),
    "engagement:public_feed": ("anonymous", 4),
    "engagement:officer_feed": ("anonymous", 6),
    "engagement:contact_feed": ("anonymous", 8),
    "market:provider_list": ("officer", 11),
    "market:provider_detail": ("officer", 12),
    "market:service_list": ("officer", 10),
    "market:service_detail": ("officer", 5),
    "market:contact_list": ("officer", 10),
    "market:contact_detail": ("officer", 5),
    "market:association_list": ("officer", 3),
    "market:association_detail": ("officer", 6),
    "market:coverage": ("officer", 10),
    "market:cqc_import_list": ("pem", 4),
    "enquiries:queue": ("officer", 9),
    "enquiries:detail": ("officer", 12),
    "enquiries:overview": ("pem", 6),
    "enquiries:categories": ("pem", 3),
    "enquiries:log": ("officer", 2),
    # Session, user, contact, the versions of the cached panels (one query), the contact's
    # segments, and what is the user's own: their open enquiries, places on events, own
    # suggestions and evaluations to give (who to contact, the events and groups meant for
    # them, the meetings' notes and actions and you said, we did come from the cache).
    "portal:home": ("provider", 18),
    "portal:enquiries": ("provider", 6),
    "portal:enquiry_detail": ("provider", 6),
    "portal:organisation": ("provider", 13),
    # The page's rows, then their meetings (one plain query, cheaper than two subqueries a row).
    "groups:register": ("pem", 8),
    # Compliance with the standards (group_detail, standards, the API's group) is cached: with
    # an empty cache, its data version and the seven queries that work it out; else one.
    "groups:group_detail": ("pem", 19),
    "groups:terms_history": ("pem", 9),
    "groups:maturity_history": ("pem", 10),
    "groups:forward_plan": ("pem", 11),
    "groups:forward_plan_item": ("pem", 13),
    "groups:meeting": ("pem", 18),
    "groups:meeting_notes": ("pem", 4),
    "groups:group_actions": ("pem", 11),
    "groups:my_actions": ("officer", 4),
    "groups:action_detail": ("officer", 5),
    "groups:portal_forward_plans": ("provider", 8),
    "groups:portal_meeting": ("provider", 10),
    "core:home#officer": ("officer", 7),
    "groups:standards": ("pem", 11),
    "groups:meeting_sessions": ("pem", 8),
    "engagement:attendance": ("officer", 16),
    "feedback:home": ("pem", 7),
    "feedback:activity_results": ("pem", 8),
    "feedback:activity_outcomes": ("officer", 8),
    "feedback:group_results": ("pem", 12),
    "feedback:survey_list": ("pem", 4),
    "feedback:survey_detail": ("pem", 9),
    "feedback:survey_send": ("officer", 10),
    "feedback:item_list": ("pem", 6),
    "feedback:item_detail": ("officer", 7),
    "feedback:you_said_we_did": ("pem", 6),
    "feedback:evaluation_form": ("anonymous", 2),
    "feedback:survey_form": ("anonymous", 2),
    "feedback:portal_evaluations": ("provider", 6),
    "feedback:portal_evaluation": ("provider", 5),
    "feedback:portal_you_said_we_did": ("provider", 7),
    "planner:plan": ("pem", 5),
    "planner:run_detail": ("pem", 8),
    "planner:run_progress": ("pem", 3),
    "planner:run_accept": ("pem", 6),
    "planner:data": ("pem", 7),
}

#: API path -> (role, query budget).
API_BUDGETS: dict[str, tuple[str, int]] = {
    "/api/health": ("anonymous", 1),
    "/api/me": ("officer", 1),
    "/api/teams": ("officer", 3),
    "/api/officers": ("officer", 3),
    "/api/activities": ("officer", 6),
    "/api/calendar?from=2030-01-01&to=2030-12-31": ("provider", 7),
    "/api/providers": ("officer", 5),
    "/api/providers?page_size=200": ("provider", 6),
    "/api/services": ("officer", 4),
    "/api/contacts": ("officer", 4),
    "/api/enquiries": ("officer", 4),
    "/api/enquiries?page_size=200": ("provider", 5),
    "/api/groups": ("officer", 3),
    # "{name}" is the id of the world's object of that name.
    "/api/meetings/{meeting}": ("officer", 6),
    "/api/meetings/{meeting}#provider": ("provider", 10),
    "/api/groups/{group}/forward-plan": ("officer", 4),
    "/api/groups/{group}/forward-plan#provider": ("provider", 9),
    "/api/actions/{meeting_action}": ("officer", 3),
    "/api/groups/{group}": ("officer", 17),
    "/api/groups/{group}/meetings": ("officer", 11),
    "/api/surveys": ("officer", 3),
    "/api/surveys/{survey}/results": ("officer", 8),
    "/api/meetings/{evaluated_meeting}/evaluation": ("officer", 7),
    "/api/you-said-we-did": ("provider", 4),
    "/api/planner/runs/{plan_run}": ("pem", 5),
}
