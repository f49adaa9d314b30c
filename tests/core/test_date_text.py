"""``date_text`` writes what the ``date`` template filter writes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from engage.core.date_text import date_text

FORMATS = ("j M Y", "D j M Y", "j M Y H:i", "j M", "l j F Y", "Y-m-d")


@given(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(FORMATS),
)
def test_an_aware_datetime_is_written_in_local_time_as_the_filter_writes_it(
    moment: datetime, fmt: str
) -> None:
    aware = moment.replace(tzinfo=UTC)
    expected = Template("{{ value|date:fmt }}").render(Context({"value": aware, "fmt": fmt}))
    assert date_text(aware, fmt) == expected


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
    st.sampled_from(("j M Y", "D j M Y", "j M", "l j F Y")),
)
def test_a_date_is_written_as_the_filter_writes_it(day: date, fmt: str) -> None:
    expected = Template("{{ value|date:fmt }}").render(Context({"value": day, "fmt": fmt}))
    assert date_text(day, fmt) == expected
