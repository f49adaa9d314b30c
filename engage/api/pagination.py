"""One pagination for every list endpoint: ``?page=1&page_size=50``."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class PageRows:
    """What a list endpoint returns when the rows of a page are completed after they are read:
    ``queryset`` (counted and sliced as usual) and ``finish``, which turns one page's rows into
    its items (with what one more query for the whole page reads, say, or shaped as the
    response schema names them). ``read``, when given, reads and finishes one page's rows
    instead (``read(page_queryset, finish)``): from a cache, say."""

    queryset: QuerySet[Any]
    finish: Callable[[list[Any]], list[Any]]
    read: Callable[[QuerySet[Any], Callable[[list[Any]], list[Any]]], list[Any]] | None = None


class EngagePagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1")
        page_size: int = Field(
            50, ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, at most {MAX_PAGE_SIZE}"
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Items on all pages")
        page: int
        page_size: int
        pages: int

    items_attribute = "items"

    def paginate_queryset(
        self,
        queryset: QuerySet[Any] | PageRows,
        pagination: Any,
        request: Any = None,
        **params: Any,
    ) -> dict[str, Any]:
        rows = queryset if isinstance(queryset, PageRows) else None
        source = cast(QuerySet[Any], rows.queryset if rows is not None else queryset)
        count = self._items_count(source)
        start = (pagination.page - 1) * pagination.page_size
        # Past the end there is nothing to fetch (and no offset the database might refuse).
        page = source[start : start + pagination.page_size]
        if start >= count:
            items: list[Any] = []
        elif rows is None:
            items = list(page)
        elif rows.read is not None:
            items = rows.read(page, rows.finish)
        else:
            items = rows.finish(list(page))
        return {
            "items": items,
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "pages": max(1, math.ceil(count / pagination.page_size)),
        }
