"""Where a provider contact's personal data is held, for their export and their erasure.

The contact row lives in this app; the rest of what Engage holds about a person lives in the
apps that hold it (their registrations, enquiries, evaluation answers, emails sent to them).
Each such app registers one `Holder` from its ``AppConfig.ready()``:

- ``export(contact)`` returns that app's JSON-ready section of the person's download
  (``selectors.personal_data_of_contact``), named by ``section``;
- ``erase(contact, user)`` removes or pseudonymises what identifies them in that app. It is
  called by ``services.erase_contact`` inside its transaction, *before* the contact's own
  name and email are cleared, so it can still match rows by them. ``user`` is their portal
  sign-in, or None.

A holder without an ``erase`` keeps its rows: they point at the contact, whose own row no
longer names them once erased.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditlog.models import LogEntry
    from django.db.models import Model

    from engage.accounts.models import User
    from engage.market.models import Contact

#: The name an erased person's rows show instead of theirs.
ERASED_NAME = "Erased contact"
#: What replaces a value a person typed in an audit entry's changes.
ERASED_VALUE = "[erased]"


@dataclass(frozen=True)
class Holder:
    """One app's part of a person's data: its section of the export and its erasure."""

    section: str
    export: Callable[[Contact], Any]
    erase: Callable[[Contact, User | None], None] | None = None


HOLDERS: list[Holder] = []


def register(holder: Holder) -> None:
    """Add ``holder`` (call from an ``AppConfig.ready``); one holder per section."""
    if any(h.section == holder.section for h in HOLDERS):
        raise ValueError(f"A holder of {holder.section!r} is registered already")
    HOLDERS.append(holder)


@dataclass(frozen=True)
class Identity:
    """The names and addresses a person is known by: their contact row's and their sign-in's
    (they may differ, e.g. a portal enquiry is signed with the sign-in's)."""

    names: frozenset[str]
    addresses: frozenset[str]  # lower-cased


def identity_of(contact: Contact, user: User | None) -> Identity:
    names = {contact.name, user.full_name if user else ""}
    addresses = {contact.email, user.email if user else ""}
    return Identity(
        names=frozenset(n.strip() for n in names if n.strip() and n != ERASED_NAME),
        addresses=frozenset(a.strip().lower() for a in addresses if a.strip()),
    )


def without_identity(text: str, identity: Identity) -> str:
    """``text`` with each of the person's names (as whole words, any case) replaced by
    ERASED_NAME and each of their addresses by ERASED_VALUE."""
    for address in identity.addresses:
        text = re.sub(re.escape(address), ERASED_VALUE, text, flags=re.IGNORECASE)
    for name in sorted(identity.names, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", ERASED_NAME, text, flags=re.IGNORECASE)
    return text


def scrub(value: Any) -> Any:
    """Replace what a person typed with ERASED_VALUE; keep emptiness and the erased name."""
    if isinstance(value, str):
        return value if value in {"", "None", ERASED_NAME} else ERASED_VALUE
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def scrub_audit_entries(
    entries: Iterable[LogEntry],
    fields: Sequence[str],
    replacement_repr: str | None = None,
    *,
    identity: Identity | None = None,
) -> None:
    """Scrub ``fields`` from each audit entry's recorded changes and drop its serialised
    copy. Its description (``object_repr``) becomes ``replacement_repr`` if given, else has
    the person's names and addresses (``identity``) replaced."""
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else None
        if changes:
            for field in fields:
                if field in changes:
                    changes[field] = scrub(changes[field])
            entry.changes = changes
        if replacement_repr is not None:
            entry.object_repr = replacement_repr
        elif identity is not None:
            entry.object_repr = without_identity(entry.object_repr, identity)
        entry.changes_text = ""
        entry.serialized_data = None
        entry.save(update_fields=["changes", "object_repr", "changes_text", "serialized_data"])


def scrub_audit_of(
    model: type[Model], pks: Iterable[Any], fields: Sequence[str], *, identity: Identity
) -> None:
    """`scrub_audit_entries` for every audit entry about the rows ``pks`` of ``model``,
    including rows already deleted."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_pk__in=[str(pk) for pk in pks],
    )
    scrub_audit_entries(entries, fields, identity=identity)


def iso(moment: datetime | date | None) -> str | None:
    """A date or time for the export, or None."""
    return moment.isoformat() if moment else None
