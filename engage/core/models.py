from __future__ import annotations

import uuid

from django.db import models


def _new_token() -> str:
    return uuid.uuid4().hex


class DataVersion(models.Model):
    """A named counter that every write to some data increases, in the writer's transaction.

    What is cached from that data is stored under the version read before computing it, so a
    cached value is used only while the data is unchanged — in every process at once, whatever
    the cache (see ``engage.core.data_versions``).
    """

    name = models.CharField(max_length=60, primary_key=True)
    #: Random, made with the row: a database rebuilt from scratch (a reseed) never repeats the
    #: versions of the one before it, which a shared cache may still hold values for.
    token = models.CharField(max_length=32, default=_new_token, editable=False)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} version {self.version}"
