"""The memory of recently verified API keys (api.service.key_cache)."""

from __future__ import annotations

from api.service.key_cache import MAX_ENTRIES, VerifiedKeyCache
from api.storage.teams import ActiveKey, secret_sha256


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _key(key_id: str = "abc123", secret: str = "s3cret", team_id: int = 7) -> ActiveKey:
    return ActiveKey(key_id=key_id, team_id=team_id, secret_sha256=secret_sha256(secret))


def test_a_remembered_key_gives_its_team_until_its_time_is_up() -> None:
    clock = FakeClock()
    cache = VerifiedKeyCache(5.0, clock=clock)
    assert cache.team_id("abc123", "s3cret") is None  # never verified: ask the database
    cache.remember(_key())
    assert cache.team_id("abc123", "s3cret") == 7
    clock.now += 4.9
    assert cache.team_id("abc123", "s3cret") == 7
    clock.now += 0.1
    assert cache.team_id("abc123", "s3cret") is None
    assert cache.team_id("abc123", "s3cret") is None  # the expired entry is gone, not revived


def test_a_remembered_key_id_with_another_secret_is_not_trusted() -> None:
    cache = VerifiedKeyCache(5.0, clock=FakeClock())
    cache.remember(_key())
    assert cache.team_id("abc123", "guess") is None
    assert cache.team_id("other", "s3cret") is None


def test_a_zero_lifetime_remembers_nothing() -> None:
    cache = VerifiedKeyCache(0.0, clock=FakeClock())
    cache.remember(_key())
    assert cache.team_id("abc123", "s3cret") is None


def test_the_memory_stays_bounded_under_a_flood_of_keys() -> None:
    cache = VerifiedKeyCache(60.0, clock=FakeClock())
    for number in range(MAX_ENTRIES + 5):
        cache.remember(_key(key_id=f"k{number}", team_id=number))
    assert len(cache._entries) <= MAX_ENTRIES
    assert cache.team_id(f"k{MAX_ENTRIES + 4}", "s3cret") == MAX_ENTRIES + 4
