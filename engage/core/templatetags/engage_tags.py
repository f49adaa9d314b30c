"""Template tags every page may use (loaded as builtins): breadcrumbs, sorting, pagination."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from engage.core.listing import SortState, page_links

register = template.Library()


@register.simple_tag
def breadcrumbs(*parts: Any) -> SafeString:
    """``{% breadcrumbs "Council" council_url "Officers" %}``: label/URL pairs, then the page.

    "Home" comes first by itself; the last label is the current page (not a link). A single
    list argument (``[label, url, label, url, page]``) works too, for shared templates.
    """
    if len(parts) == 1 and isinstance(parts[0], list | tuple):
        parts = tuple(parts[0])
    *pairs, current = parts if parts else ("",)
    if len(pairs) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes label/URL pairs, then the page name")
    crumbs = [("Home", reverse("core:home"))]
    crumbs += [(str(pairs[i]), str(pairs[i + 1])) for i in range(0, len(pairs), 2)]
    items = format_html_join(
        "",
        '<li class="govuk-breadcrumbs__list-item"><a class="govuk-breadcrumbs__link" href="{}">{}</a></li>',
        ((url, label) for label, url in crumbs),
    )
    if current:
        items = format_html(
            '{}<li class="govuk-breadcrumbs__list-item" aria-current="page">{}</li>', items, current
        )
    return format_html(
        '<nav class="govuk-breadcrumbs" aria-label="Breadcrumb"><ol class="govuk-breadcrumbs__list">{}</ol></nav>',
        items,
    )


def _query(context: template.Context, **changes: Any) -> str:
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        from django.http import QueryDict

        params = QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.inclusion_tag("includes/sortable_th.html", takes_context=True)
def sortable_th(
    context: template.Context, sort: SortState, key: str, numeric: bool = False
) -> dict[str, Any]:
    """A table header cell that sorts by ``key``, with ``aria-sort`` for screen readers."""
    header = sort.header(key)
    header["href"] = _query(context, sort=header["next"], page=None)
    header["numeric"] = numeric
    return header


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context: template.Context, page: Page[Any]) -> dict[str, Any]:
    """The GOV.UK pagination component for ``page``, keeping the other query parameters."""
    items = [
        {"number": n, "href": _query(context, page=n) if n else None, "current": n == page.number}
        for n in page_links(page)
    ]
    return {
        "page": page,
        "items": items,
        "previous_href": _query(context, page=page.previous_page_number())
        if page.has_previous()
        else None,
        "next_href": _query(context, page=page.next_page_number()) if page.has_next() else None,
    }


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters changed (``None`` removes one)."""
    return _query(context, **changes)


@register.filter
def yes_no(value: Any) -> str:
    return "Yes" if value else "No"
