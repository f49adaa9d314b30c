"""What changed between two versions of a text (terms of reference): pure, no database.

``compare_texts`` gives line rows for a table (removed, added, unchanged context) with the
changed words of a changed line marked, and the headed sections whose text changed. It uses
``difflib`` from the standard library.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

RowKind = Literal["same", "removed", "added", "gap"]

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    """A run of text in a changed line; ``changed`` marks the words that differ."""

    text: str
    changed: bool = False


@dataclass(frozen=True)
class DiffRow:
    """One line of the comparison. ``gap`` rows stand for unchanged lines left out."""

    kind: RowKind
    old_number: int | None
    new_number: int | None
    segments: tuple[Segment, ...] = ()
    skipped: int = 0

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


@dataclass(frozen=True)
class TextComparison:
    rows: tuple[DiffRow, ...]
    added: int
    removed: int
    #: Headings of the sections whose text changed, in the order of the newer text.
    sections_changed: tuple[str, ...] = field(default=())

    @property
    def is_unchanged(self) -> bool:
        return not self.added and not self.removed


def _sections(lines: list[str]) -> list[str]:
    """For each line, the heading of the section it sits in ("" before the first heading)."""
    current = ""
    found = []
    for line in lines:
        match = _HEADING.match(line)
        if match:
            current = match.group(2)
        found.append(current)
    return found


def _word_segments(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """The two lines cut into segments, the words that differ marked as changed."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    old_segments: list[Segment] = []
    new_segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            old_segments.append(Segment("".join(old_tokens[i1:i2])))
            new_segments.append(Segment("".join(new_tokens[j1:j2])))
            continue
        if i2 > i1:
            old_segments.append(Segment("".join(old_tokens[i1:i2]), changed=True))
        if j2 > j1:
            new_segments.append(Segment("".join(new_tokens[j1:j2]), changed=True))
    return _joined(old_segments), _joined(new_segments)


def _joined(segments: list[Segment]) -> tuple[Segment, ...]:
    """Changed words separated only by spaces read as one change ("agreed at each meeting")."""
    joined: list[Segment] = []
    for index, segment in enumerate(segments):
        between_changes = (
            not segment.changed
            and not segment.text.strip()
            and 0 < index < len(segments) - 1
            and segments[index - 1].changed
            and segments[index + 1].changed
        )
        changed = segment.changed or between_changes
        if joined and joined[-1].changed == changed:
            joined[-1] = Segment(joined[-1].text + segment.text, changed)
        else:
            joined.append(Segment(segment.text, changed))
    return tuple(joined)


def compare_texts(old: str, new: str, *, context: int = 2) -> TextComparison:
    """The line-by-line changes from ``old`` to ``new``, with ``context`` unchanged lines around
    each change (``context < 0`` keeps every line)."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    old_sections, new_sections = _sections(old_lines), _sections(new_lines)
    changed_sections: dict[str, None] = {}
    rows: list[DiffRow] = []
    added = removed = 0
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            rows.extend(_context_rows(i1, i2, j1, old_lines, index, len(opcodes), context))
            continue
        removed += i2 - i1
        added += j2 - j1
        for i in range(i1, i2):
            changed_sections[old_sections[i]] = None
        for j in range(j1, j2):
            changed_sections[new_sections[j]] = None
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        word_pairs = [_word_segments(old_lines[i1 + k], new_lines[j1 + k]) for k in range(pairs)]
        for k, i in enumerate(range(i1, i2)):
            segments = word_pairs[k][0] if k < pairs else (Segment(old_lines[i], changed=True),)
            rows.append(DiffRow("removed", i + 1, None, segments))
        for k, j in enumerate(range(j1, j2)):
            segments = word_pairs[k][1] if k < pairs else (Segment(new_lines[j], changed=True),)
            rows.append(DiffRow("added", None, j + 1, segments))
    ordered = [s for s in dict.fromkeys(new_sections) if s in changed_sections]
    ordered += [s for s in changed_sections if s not in ordered]
    return TextComparison(
        rows=tuple(rows),
        added=added,
        removed=removed,
        sections_changed=tuple(s or "(before the first heading)" for s in ordered),
    )


def _context_rows(
    i1: int, i2: int, j1: int, lines: list[str], index: int, count: int, context: int
) -> list[DiffRow]:
    """Unchanged lines: all of them, or ``context`` either side of a change and a gap row."""

    def row(i: int) -> DiffRow:
        return DiffRow("same", i + 1, j1 + (i - i1) + 1, (Segment(lines[i]),))

    span = range(i1, i2)
    if context < 0:
        return [row(i) for i in span]
    keep_start = context if index > 0 else 0
    keep_end = context if index < count - 1 else 0
    if keep_start + keep_end >= len(span):
        return [row(i) for i in span]
    rows = [row(i) for i in span[:keep_start]]
    skipped = len(span) - keep_start - keep_end
    rows.append(DiffRow("gap", None, None, skipped=skipped))
    rows.extend(row(i) for i in span[len(span) - keep_end :])
    return rows
