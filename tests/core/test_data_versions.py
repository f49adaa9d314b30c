"""Data versions (``engage.core.data_versions``): what is cached from some data is used only
while that data is unchanged, in every process, whatever the cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from engage.core import data_versions
from engage.core.models import DataVersion
from engage.council.models import Team

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_value_is_computed_once_until_the_data_changes() -> None:
    compute = Counter()
    assert data_versions.cached("things", "a", compute, timeout=60) == 1
    assert data_versions.cached("things", "a", compute, timeout=60) == 1
    assert data_versions.cached("things", "b", compute, timeout=60) == 2  # other parts
    data_versions.bump("things")
    assert data_versions.cached("things", "a", compute, timeout=60) == 3
    assert data_versions.cached("other", "a", compute, timeout=60) == 4  # other data


def test_a_write_made_by_another_process_is_seen() -> None:
    # Another worker bumps the version in the database; this process's cache still holds the
    # old value, and must not use it.
    compute = Counter()
    data_versions.cached("things", "a", compute, timeout=60)
    DataVersion.objects.filter(name="things").update(version=F("version") + 1)
    assert data_versions.cached("things", "a", compute, timeout=60) == 2


def test_a_rebuilt_database_never_repeats_an_old_version() -> None:
    compute = Counter()
    data_versions.bump("things")
    data_versions.cached("things", "a", compute, timeout=60)
    old = data_versions.current("things")
    # A reseed: the table is emptied and the data written again, up to the same count.
    DataVersion.objects.all().delete()
    data_versions.bump("things")
    assert data_versions.current("things") != old
    assert data_versions.cached("things", "a", compute, timeout=60) == 2


def test_the_version_is_read_before_computing() -> None:
    # A write that lands while the value is being computed: the value is kept under the
    # version from before it, so the next reader computes afresh.
    def compute_during_a_write() -> str:
        data_versions.bump("things")
        return "computed during a write"

    data_versions.cached("things", "a", compute_during_a_write, timeout=60)
    compute = Counter()
    assert data_versions.cached("things", "a", compute, timeout=60) == 1


@pytest.fixture
def watched_teams() -> Iterator[None]:
    data_versions.watch("test-teams", [Team])
    yield
    post_save.disconnect(sender=Team, dispatch_uid="save:test-teams:council.Team")
    post_delete.disconnect(sender=Team, dispatch_uid="delete:test-teams:council.Team")


@pytest.mark.usefixtures("watched_teams")
def test_watched_models_bump_on_save_and_delete() -> None:
    before = data_versions.current("test-teams")
    team = Team.objects.create(name="Brokerage", slug="brokerage")
    after_save = data_versions.current("test-teams")
    assert after_save != before
    team.delete()
    assert data_versions.current("test-teams") != after_save


def test_a_sign_in_bumps_no_version_but_a_change_to_the_user_does(client: Any) -> None:
    from tests.council.factories import UserFactory

    user = UserFactory(email="someone@council.example")
    versions = dict(DataVersion.objects.values_list("name", "version"))
    assert any(versions.values())  # the user is watched: its save bumped versions
    client.force_login(user)  # signs in as a login does: user_logged_in saves last_login
    assert dict(DataVersion.objects.values_list("name", "version")) == versions
    user.refresh_from_db()
    assert user.last_login is not None
    user.full_name = "Someone Else"
    user.save()
    after = dict(DataVersion.objects.values_list("name", "version"))
    assert [name for name in after if after[name] != versions[name]]


def test_bumping_data_never_read_creates_its_version() -> None:
    data_versions.bump("fresh")
    assert data_versions.current("fresh").endswith(".1")


def test_forgetting_all_makes_every_cached_value_stale() -> None:
    compute = Counter()
    data_versions.cached("things", "a", compute, timeout=60)
    data_versions.cached("other", "a", compute, timeout=60)
    data_versions.forget_all()
    assert data_versions.cached("things", "a", compute, timeout=60) == 3
    assert data_versions.cached("other", "a", compute, timeout=60) == 4


def test_pinned_versions_are_read_in_one_query_and_used_within_the_block(
    django_assert_num_queries: Any,
) -> None:
    data_versions.bump("things")
    data_versions.bump("others")
    before = data_versions.current("things")
    with django_assert_num_queries(1), data_versions.pinned(["things", "others"]):
        assert data_versions.current("things") == before
        assert data_versions.current("others")
    # A version never made before is made (once).
    with data_versions.pinned(["never-seen"]):
        made = data_versions.current("never-seen")
    assert data_versions.current("never-seen") == made
    compute = Counter()
    with data_versions.pinned(["things"]), django_assert_num_queries(0):
        assert data_versions.cached("things", "a", compute, timeout=60) == 1
        assert data_versions.cached("things", "a", compute, timeout=60) == 1


def test_a_value_cached_within_a_pinned_block_is_stale_after_a_write() -> None:
    compute = Counter()
    with data_versions.pinned(["things"]):
        assert data_versions.cached("things", "a", compute, timeout=60) == 1
    data_versions.bump("things")
    with data_versions.pinned(["things"]):
        assert data_versions.cached("things", "a", compute, timeout=60) == 2
    # Outside the block the version is read again.
    assert data_versions.cached("things", "a", compute, timeout=60) == 2
