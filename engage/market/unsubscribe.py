"""The "stop these emails" link in every email a provider contact gets unasked (invitations,
evaluations, surveys, meeting notes): a signed link to a page where one button records that
they unsubscribed (``services.unsubscribe_contact``), and the ``List-Unsubscribe`` headers
(RFC 8058) with which a mail program offers the same in one click.

The link carries the contact's id, signed with the site's secret key under its own salt; it
does not expire, because an old email's link must still work, and using it twice is harmless.
Emails a person asked for (the answers to their own enquiries) carry no link.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "engage.market.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    """What an email to one contact adds: lines at the end of its text, and headers."""

    lines: tuple[str, ...]
    headers: dict[str, str]


def token_for(contact_id: int) -> str:
    """The contact's token: the same every time (no timestamp), so every email to them
    carries the same link."""
    return signing.Signer(salt=SALT).sign_object(contact_id, compress=True)


def contact_id_of(token: str) -> int | None:
    """The contact a token was made for, or None if it was not made here."""
    try:
        value = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    return value if isinstance(value, int) else None


def url_for(contact_id: int) -> str:
    return settings.SITE_URL + reverse("market:unsubscribe", args=[token_for(contact_id)])


def for_contact(contact_id: int) -> Unsubscribe:
    """The link's lines and headers for an email to the contact ``contact_id``."""
    url = url_for(contact_id)
    return Unsubscribe(
        lines=("", f"To stop emails like this from {settings.COUNCIL_NAME}: {url}"),
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


#: For an email to someone who is not a provider contact (an officer, a partner).
NOTHING = Unsubscribe(lines=(), headers={})


def for_person_key(key: str) -> Unsubscribe:
    """`for_contact` for a person key such as "contact:12"; `NOTHING` for "user:3" and the
    other kinds of person, who are not emailed as a mailing."""
    kind, _, pk = key.partition(":")
    return for_contact(int(pk)) if kind == "contact" and pk.isdigit() else NOTHING
