"""Shared mechanics of list pages: sorting, pagination and CSV/XLSX export.

A list page declares its sort options and export columns; these helpers do the rest the same
way everywhere, so every list sorts, pages and exports alike.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class SortOption:
    """One sortable column: ``?sort=<key>`` ascending, ``?sort=-<key>`` descending.
    ``nulls_last``: rows without a value come last either way (databases differ otherwise)."""

    key: str
    label: str
    ordering: tuple[str, ...]
    nulls_last: bool = False


@dataclass(frozen=True)
class SortState:
    key: str
    descending: bool
    options: tuple[SortOption, ...]

    def header(self, key: str) -> dict[str, Any]:
        """What a sortable table header needs: the link's sort value and ``aria-sort``."""
        active = key == self.key
        if active:
            aria = "descending" if self.descending else "ascending"
            next_value = key if self.descending else f"-{key}"
        else:
            aria = "none"
            next_value = key
        label = next(o.label for o in self.options if o.key == key)
        return {"key": key, "label": label, "aria_sort": aria, "next": next_value, "active": active}


def sort_queryset(
    request: HttpRequest,
    queryset: QuerySet[Any],
    options: Sequence[SortOption],
    default: str,
) -> tuple[QuerySet[Any], SortState]:
    """Order ``queryset`` by the ``sort`` parameter; an unknown value falls back to ``default``."""
    raw = request.GET.get("sort", default)
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    by_key = {o.key: o for o in options}
    if key not in by_key:
        descending = default.startswith("-")
        key = default.lstrip("-")
    option = by_key[key]
    ordering: tuple[Any, ...] = option.ordering
    if descending:
        ordering = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in option.ordering)
    if option.nulls_last:
        ordering = tuple(
            F(f[1:]).desc(nulls_last=True) if f.startswith("-") else F(f).asc(nulls_last=True)
            for f in ordering
        )
    # A unique tie-breaker keeps pages stable.
    return queryset.order_by(*ordering, "pk"), SortState(key, descending, tuple(options))


def paginate(
    request: HttpRequest, items: Any, per_page: int | None = None, *, count: int | None = None
) -> Page[Any]:
    """The requested page (``?page=``); a page past the end shows the last one. ``count``, if
    given, is the number of ``items`` counted more cheaply than ``items.count()`` (the same
    filters without the rows' joins and annotations)."""
    paginator = Paginator(items, per_page or settings.ENGAGE_PAGE_SIZE)
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    number = request.GET.get("page", 1)
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def page_links(page: Page[Any], window: int = 2) -> list[int | None]:
    """Page numbers to show around the current one; ``None`` stands for an ellipsis."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - window, page.number + window + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    links: list[int | None] = []
    previous = 0
    for n in numbers:
        if n - previous > 1:
            links.append(None)
        links.append(n)
        previous = n
    return links


def as_html(value: Any) -> str:
    """``value`` as ``{{ value }}`` prints it (autoescaping): markup already marked safe as it
    is, anything else as text, escaped. For tags that write a table's rows in Python; quicker
    than ``conditional_escape`` for the plain strings that make up nearly every cell."""
    if type(value) is str:
        return html.escape(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


#: A pk no row has, reversed into a path to mark where each row's pk goes.
_PK_MARK = 9_876_543_210


def pk_path(view_name: str) -> Callable[[int], str]:
    """``reverse(view_name, args=[pk])`` for any integer ``pk``, reversed once: a long list
    links every row, and ``reverse`` (or ``{% url %}``) per row costs more than the row."""
    before, after = reverse(view_name, args=[_PK_MARK]).split(str(_PK_MARK))
    return lambda pk: f"{before}{int(pk)}{after}"


@dataclass(frozen=True)
class Column:
    """An export column: its heading and how to read the value from a row."""

    heading: str
    value: Callable[[Any], Any]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in exported text (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_response(
    export_format: str,
    *,
    filename_stem: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
) -> HttpResponse | StreamingHttpResponse:
    """A CSV (streamed) or XLSX download of ``rows``, at most ENGAGE_EXPORT_MAX_ROWS of them."""
    stamp = timezone.localdate().isoformat()
    limited = _limit(rows, settings.ENGAGE_EXPORT_MAX_ROWS)
    if export_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(filename_stem[:31])
        sheet.append([c.heading for c in columns])
        for row in limited:
            sheet.append([_xlsx_cell(c.value(row)) for c in columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename_stem}-{stamp}.xlsx"'
        return response
    if export_format != "csv":
        raise ValueError(f"Unknown export format {export_format!r}")
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so that Excel reads UTF-8
        yield writer.writerow([c.heading for c in columns])
        for row in limited:
            yield writer.writerow([_safe_cell(c.value(row)) for c in columns])

    response_stream = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response_stream["Content-Disposition"] = f'attachment; filename="{filename_stem}-{stamp}.csv"'
    return response_stream


def _xlsx_cell(value: Any) -> Any:
    value = _safe_cell(value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        # Spreadsheets cannot hold aware datetimes: show local time.
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _limit(rows: Iterable[Any], maximum: int) -> Iterator[Any]:
    for index, row in enumerate(rows):
        if index >= maximum:
            return
        yield row
