"""Dates written as the ``date`` template filter writes them, for pages that write many.

``{{ value|date:"D j M Y" }}`` looks up its format, builds a formatter and translates the
day's and the month's names anew for every value (about 25 µs each): a list of 50 rows spends
more on its dates than on the rest of each row. ``date_text`` writes the few format characters
the long lists use from names translated once per language, and hands any other format to
Django's own formatter.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from django.utils import dateformat
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.timezone import is_aware, localtime
from django.utils.translation import get_language

#: The format characters written here; a format with any other letter goes to Django.
_WRITTEN = frozenset("DjMYHi")


@lru_cache(maxsize=8)
def _names(language: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The abbreviated weekdays (Monday first) and months (index 1 to 12) of ``language``,
    as the formatter's ``D`` and ``M`` write them."""
    return (
        tuple(str(WEEKDAYS_ABBR[day]) for day in range(7)),
        ("", *(str(MONTHS_3[month]).title() for month in range(1, 13))),
    )


@lru_cache(maxsize=32)
def _plan(fmt: str) -> tuple[str, ...] | None:
    """``fmt`` as format characters and literal text ("=" and the text), or None when it
    holds a character only Django writes (or an escape)."""
    parts = []
    for char in fmt:
        if char in _WRITTEN:
            parts.append(char)
        elif char.isalpha() or char == "\\":
            return None
        else:
            parts.append("=" + char)
    return tuple(parts)


def date_text(value: date | datetime, fmt: str) -> str:
    """``{{ value|date:fmt }}``: an aware datetime in the current time zone, a date as it is."""
    if isinstance(value, datetime) and is_aware(value):
        value = localtime(value)
    plan = _plan(fmt)
    if plan is None:
        return dateformat.format(value, fmt)
    weekdays, months = _names(get_language())
    written = []
    for part in plan:
        if part == "j":
            written.append(str(value.day))
        elif part == "M":
            written.append(months[value.month])
        elif part == "Y":
            written.append(f"{value.year:04d}")
        elif part == "D":
            written.append(weekdays[value.weekday()])
        elif part == "H":
            written.append(f"{value.hour:02d}")  # type: ignore[union-attr]  # datetimes only
        elif part == "i":
            written.append(f"{value.minute:02d}")  # type: ignore[union-attr]
        else:
            written.append(part[1:])
    return "".join(written)
