"""Portal access helpers: the contact and its segments looked up once while a page reads."""

from __future__ import annotations

from typing import Any

import pytest

from engage.market.audience import contact_segments
from engage.portal.access import contact_for, reading, segments_for

pytestmark = pytest.mark.django_db


def test_segments_are_worked_out_once_while_reading(
    provider_a_user: Any, django_assert_num_queries: Any
) -> None:
    contact = contact_for(provider_a_user)
    assert contact is not None
    expected = contact_segments(contact)
    assert expected
    with reading(), django_assert_num_queries(1):
        assert segments_for(contact) == expected
        assert segments_for(contact) == expected


def test_segments_are_worked_out_afresh_outside_reading(
    provider_a_user: Any, django_assert_num_queries: Any
) -> None:
    contact = contact_for(provider_a_user)
    assert contact is not None
    with django_assert_num_queries(2):
        segments_for(contact)
        segments_for(contact)
