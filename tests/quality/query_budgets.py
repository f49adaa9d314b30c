"""Query budgets: the most queries each page and endpoint may make, whatever the data size.

The test visits each at the small world and again at ten times the data: the count must be
the same (no N+1) and within the budget written here. Pages take their URL arguments from
the authorization table.
"""

from __future__ import annotations

#: Page URL name -> (role that opens it, query budget).
PAGE_BUDGETS: dict[str, tuple[str, int]] = {
    "core:home": ("pem", 7),
    "core:audit_log": ("pem", 4),
    "accounts:account": ("officer", 4),
    "api_tokens:list": ("officer", 3),
    "council:officer_list": ("pem", 6),
    "council:team_list": ("pem", 3),
    "council:partner_list": ("pem", 4),
    "council:councillor_list": ("pem", 3),
    "council:officer_edit": ("pem", 5),
    "engagement:calendar": ("officer", 6),
    "engagement:activity_detail": ("pem", 20),
    "engagement:registrations": ("officer", 9),
    "engagement:venue_list": ("officer", 4),
    "engagement:mode_guide": ("officer", 2),
    "engagement:my_feed": ("officer", 4),
    "engagement:portal_events": ("provider", 13),
    "engagement:portal_event": ("provider", 11),
    "engagement:partner_invitations": ("partner", 9),
    "engagement:public_feed": ("anonymous", 4),
    "engagement:officer_feed": ("anonymous", 6),
    "engagement:contact_feed": ("anonymous", 9),
    "market:provider_list": ("officer", 9),
    "market:provider_detail": ("officer", 13),
    "market:service_list": ("officer", 8),
    "market:service_detail": ("officer", 5),
    "market:contact_list": ("officer", 8),
    "market:contact_detail": ("officer", 5),
    "market:association_list": ("officer", 3),
    "market:association_detail": ("officer", 6),
    "market:coverage": ("officer", 10),
    "market:cqc_import_list": ("pem", 4),
    "enquiries:queue": ("officer", 10),
    "enquiries:detail": ("officer", 14),
    "enquiries:overview": ("pem", 5),
    "enquiries:categories": ("pem", 3),
    "enquiries:log": ("officer", 2),
    # Session, user, contact, and a fixed few per panel (who to contact, enquiries, events).
    "portal:home": ("provider", 16),
    "portal:enquiries": ("provider", 6),
    "portal:enquiry_detail": ("provider", 6),
    "portal:organisation": ("provider", 13),
    "groups:register": ("pem", 6),
    "groups:group_detail": ("pem", 9),
    "groups:terms_history": ("pem", 9),
    "groups:maturity_history": ("pem", 9),
    "planner:plan": ("pem", 5),
    "planner:run_detail": ("pem", 8),
    "planner:run_progress": ("pem", 3),
    "planner:run_accept": ("pem", 6),
    "planner:data": ("pem", 8),
}

#: API path -> (role, query budget).
API_BUDGETS: dict[str, tuple[str, int]] = {
    "/api/health": ("anonymous", 1),
    "/api/me": ("officer", 1),
    "/api/teams": ("officer", 3),
    "/api/officers": ("officer", 3),
    "/api/activities": ("officer", 6),
    "/api/calendar?from=2030-01-01&to=2030-12-31": ("provider", 9),
    "/api/providers": ("officer", 8),
    "/api/providers?page_size=200": ("provider", 9),
    "/api/services": ("officer", 7),
    "/api/contacts": ("officer", 7),
    "/api/enquiries": ("officer", 4),
    "/api/enquiries?page_size=200": ("provider", 5),
    "/api/groups": ("officer", 4),
    "/api/planner/runs/{plan_run}": ("pem", 5),
}
