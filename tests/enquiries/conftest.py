from __future__ import annotations

from tests.enquiries.fixtures import (  # noqa: F401 - fixtures
    api_for,
    categories,
    contract_manager,
    enquiry_a,
    enquiry_b,
    smtp_server,
)
