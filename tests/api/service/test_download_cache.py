"""Rendered downloads kept in memory (api.service.download_cache): bounded, least recently
used first out."""

from __future__ import annotations

from api.service.download_cache import DownloadCache


def test_a_kept_body_is_returned_under_its_key_only() -> None:
    cache = DownloadCache(1000)
    cache.put(("history.csv", 1, 0), b"a,b\n1,2\n")
    assert cache.get(("history.csv", 1, 0)) == b"a,b\n1,2\n"
    assert cache.get(("history.csv", 1, 1)) is None  # another version of the history
    assert cache.get(("history.csv", 2, 0)) is None  # another team


def test_the_least_recently_used_bodies_go_first_when_full() -> None:
    cache = DownloadCache(1000)
    for name in "abcd":
        cache.put(name, name.encode() * 250)
    assert len(cache) == 4
    assert cache.get("a") is not None  # "a" is now the most recently used
    cache.put("e", b"e" * 250)
    assert cache.get("b") is None
    assert [cache.get(name) is not None for name in "acde"] == [True] * 4
    assert cache.size_bytes == 1000


def test_replacing_a_body_counts_its_size_once() -> None:
    cache = DownloadCache(1000)
    cache.put("a", b"x" * 200)
    cache.put("a", b"y" * 100)
    assert cache.size_bytes == 100
    assert cache.get("a") == b"y" * 100


def test_a_body_over_a_quarter_of_the_budget_or_a_zero_budget_keeps_nothing() -> None:
    cache = DownloadCache(1000)
    cache.put("big", b"x" * 251)
    assert cache.get("big") is None
    off = DownloadCache(0)
    off.put("small", b"")
    off.put("a", b"x")
    assert off.get("a") is None
    assert off.size_bytes == 0
