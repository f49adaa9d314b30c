"""Markdown written by people, shown as safe HTML in GOV.UK style.

Python-Markdown turns the text into HTML; nh3 (a maintained sanitiser) then keeps only the tags
and attributes listed here, so a ``<script>``, an event handler or a ``javascript:`` link typed
into the text never reaches a page. Headings start at level 2 (the page has its own ``h1``).
"""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

#: Tags the rendered HTML may contain, with the GOV.UK classes each is given.
_CLASSES: dict[str, str] = {
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "h5": "govuk-heading-s",
    "h6": "govuk-heading-s",
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
}
_PLAIN_TAGS = {"li", "strong", "em", "code", "pre", "br", "del", "ins"}
ALLOWED_TAGS = frozenset(_CLASSES) | _PLAIN_TAGS
_ATTRIBUTES = {
    "a": {"href", "title"},
    **{f"h{level}": {"id"} for level in range(2, 7)},
    "th": {"scope"},
}


def _heading_id(value: str, separator: str) -> str:
    return slugify(value) or "section"


def render_markdown(text: str, *, id_prefix: str = "section-") -> SafeString:
    """``text`` (Markdown) as sanitised HTML with GOV.UK classes; headings get ``id``s.

    ``id_prefix`` keeps the headings' ids apart from the page's own.
    """
    html = markdown_lib.markdown(
        text or "",
        extensions=["toc", "tables", "sane_lists"],
        extension_configs={"toc": {"baselevel": 2, "slugify": _heading_id}},
        output_format="html",
    )
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        set_tag_attribute_values={tag: {"class": css} for tag, css in _CLASSES.items()},
        id_prefix=id_prefix,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
