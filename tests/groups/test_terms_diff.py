"""The comparison of two versions' text: lines added and removed, changed words, sections."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engage.groups.terms_diff import compare_texts

OLD = "\n".join(
    [
        "# Purpose",
        "",
        "To meet providers.",
        "",
        "# Membership",
        "",
        "- Commissioning",
        "- Contracts",
        "",
        "# Meetings",
        "",
        "Twice a year.",
    ]
)


def test_identical_texts_have_no_changes() -> None:
    comparison = compare_texts(OLD, OLD)
    assert comparison.is_unchanged
    assert comparison.sections_changed == ()
    assert [row.kind for row in comparison.rows] == ["gap"]


def test_a_changed_line_is_a_removed_and_an_added_row_with_the_changed_words_marked() -> None:
    comparison = compare_texts(OLD, OLD.replace("Twice a year.", "Three times a year."))
    changed = [row for row in comparison.rows if row.kind in {"removed", "added"}]
    assert [(r.kind, r.old_number, r.new_number) for r in changed] == [
        ("removed", 12, None),
        ("added", None, 12),
    ]
    removed, added = changed
    assert [s.text for s in removed.segments if s.changed] == ["Twice"]
    assert [s.text for s in added.segments if s.changed] == ["Three times"]
    assert added.text == "Three times a year."
    assert comparison.sections_changed == ("Meetings",)


def test_added_lines_name_their_section_and_unchanged_lines_far_away_are_left_out() -> None:
    new = OLD.replace("- Contracts", "- Contracts\n- Safeguarding")
    comparison = compare_texts(new and OLD, new, context=1)
    kinds = [row.kind for row in comparison.rows]
    assert kinds.count("added") == 1 and "removed" not in kinds
    assert kinds[0] == "gap" and kinds[-1] == "gap"
    assert comparison.sections_changed == ("Membership",)
    assert (comparison.added, comparison.removed) == (1, 0)


def test_whole_text_mode_keeps_every_line() -> None:
    new = OLD + "\n\n# Review\n\nEvery year."
    comparison = compare_texts(OLD, new, context=-1)
    assert "gap" not in [row.kind for row in comparison.rows]
    same = [row for row in comparison.rows if row.kind == "same"]
    assert len(same) == len(OLD.splitlines())
    assert comparison.sections_changed == ("Meetings", "Review")


def test_text_before_the_first_heading_is_named_as_such() -> None:
    comparison = compare_texts("Intro\n# Purpose\nx", "Introduction\n# Purpose\nx")
    assert comparison.sections_changed == ("(before the first heading)",)


lines = st.lists(st.sampled_from(["# A", "# B", "one", "two", "three", "", "- item"]), max_size=15)


@given(old=lines, new=lines)
def test_the_rows_rebuild_both_texts(old: list[str], new: list[str]) -> None:
    """Whatever the texts, the old text is the unchanged and removed rows, the new one the
    unchanged and added rows, in order."""
    comparison = compare_texts("\n".join(old), "\n".join(new), context=-1)
    rebuilt_old = [r.text for r in comparison.rows if r.kind in {"same", "removed"}]
    rebuilt_new = [r.text for r in comparison.rows if r.kind in {"same", "added"}]
    assert rebuilt_old == "\n".join(old).splitlines()
    assert rebuilt_new == "\n".join(new).splitlines()
    assert comparison.added == sum(r.kind == "added" for r in comparison.rows)
