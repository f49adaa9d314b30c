"""Schemas shared by every router: errors and small references."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from ninja import Field, Path, Schema
from pydantic import AfterValidator, ModelWrapValidatorHandler, model_validator


class InputSchema(Schema):
    """The base of every request body: a JSON object, nothing else.

    django-ninja's Schema reads attributes, so a list or a number would otherwise pass as an
    object whose optional fields are all missing.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _a_json_object(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        if not isinstance(data, dict) and not isinstance(data, cls):
            raise ValueError("The body must be a JSON object")
        return handler(data)


class ErrorOut(Schema):
    detail: str
    code: str


class ValidationErrorOut(Schema):
    detail: str
    code: str
    errors: list[dict[str, object]]


class HealthOut(Schema):
    status: str
    database: str


class RefOut(Schema):
    id: int
    name: str


#: The error answers every authenticated endpoint can give, for the OpenAPI description.
COMMON_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    422: ValidationErrorOut,
}


#: The largest id a database integer column holds; bigger numbers are refused, not crashed on.
MAX_DB_ID = 2**63 - 1
#: An id in a request body or query string.
DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
#: An id in a URL path.
PathId = Annotated[int, Path(ge=1, le=MAX_DB_ID)]


#: The years a date and time in a request may fall in: wide enough for any real plan, narrow
#: enough that every database stores it.
MOMENT_YEARS = (2000, 2100)
_LONDON = ZoneInfo("Europe/London")


def _moment(value: datetime) -> datetime:
    """A date and time from a request, in UTC: without an offset it is Europe/London time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=_LONDON)
    low, high = MOMENT_YEARS
    if not low <= value.year < high:
        raise ValueError(f"must be a date and time between the years {low} and {high - 1}")
    return value.astimezone(UTC)


#: A date and time in a request body or query string (ISO 8601).
Moment = Annotated[
    datetime,
    AfterValidator(_moment),
    Field(description="ISO 8601; without an offset, Europe/London time"),
]
