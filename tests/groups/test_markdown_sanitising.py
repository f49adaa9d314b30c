"""Terms of reference are Markdown shown as HTML: nothing a writer types runs on the page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.core.markdown import ALLOWED_TAGS, render_markdown
from engage.groups import services
from tests.groups.factories import GroupFactory

ATTACKS = [
    "<script>alert('x')</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<p onclick="alert(1)" style="color:red">styled</p>',
    "<svg onload=alert(1)>",
]


class _Elements(HTMLParser):
    """Every tag and attribute of an HTML fragment, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def _is_safe(html: str) -> bool:
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        if tag not in ALLOWED_TAGS:
            return False
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                return False
            if name == "href" and (value or "").strip().lower().startswith(("javascript", "data")):
                return False
    return True


@pytest.mark.parametrize("attack", ATTACKS)
def test_dangerous_markup_never_survives(attack: str) -> None:
    assert _is_safe(render_markdown(f"# Purpose\n\n{attack}\n"))


def test_headings_lists_and_links_become_govuk_html() -> None:
    html = render_markdown(
        "# Purpose\n\nSee [the guide](https://example.org).\n\n## Detail\n\n- one\n"
    )
    assert '<h2 id="section-purpose" class="govuk-heading-m">Purpose</h2>' in html
    assert '<h3 id="section-detail" class="govuk-heading-s">Detail</h3>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html


@given(
    text=st.lists(
        st.one_of(st.sampled_from(ATTACKS), st.text(max_size=40)), min_size=1, max_size=6
    ).map("\n".join)
)
def test_whatever_is_typed_the_output_is_safe(text: str) -> None:
    assert _is_safe(render_markdown(text))


@pytest.mark.django_db
def test_a_script_in_the_terms_never_reaches_the_page(client_for, pem) -> None:
    group = GroupFactory()
    services.draft_terms(
        actor=pem,
        group=group,
        title="Terms <script>alert('title')</script>",
        body="# Purpose\n\n<script>alert('body')</script>\n\n[x](javascript:alert(1))\n",
    )
    html = client_for(pem).get(f"/groups/{group.pk}/terms/1/").content.decode()
    assert "alert('body')" not in html
    assert "javascript:alert" not in html
    assert "<script>alert('title')" not in html  # the title is escaped
    assert "&lt;script&gt;alert(&#x27;title&#x27;)" in html
    assert '<h2 id="terms-purpose" class="govuk-heading-m">Purpose</h2>' in html


def test_the_safety_check_itself_catches_unsafe_html() -> None:
    assert not _is_safe("<script>x</script>")
    assert not _is_safe('<p onclick="x">a</p>')
    assert not _is_safe('<a href=" JavaScript:x">a</a>')
    assert _is_safe('<p class="govuk-body">fine</p>')
