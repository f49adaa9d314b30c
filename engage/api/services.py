"""Making and revoking personal API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from engage.accounts.models import User
from engage.api.models import TOKEN_PREFIX, ApiToken, hash_token
from engage.core.audit import acting_as

#: last_used_at is written at most this often, so that reads stay reads.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def create_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``. Returns the record and the token itself, shown only once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic(), acting_as(user):
        record = ApiToken.objects.create(
            user=user, name=name, prefix=token[:10], key_hash=hash_token(token)
        )
    return record, token


def revoke_token(*, user: User, token: ApiToken) -> None:
    """Stop ``token`` working at once. Only its owner revokes it."""
    if token.user_id != user.pk:
        raise PermissionError("Not your token")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def user_for_token(token: str) -> User | None:
    """The active user a live token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
