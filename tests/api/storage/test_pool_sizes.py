"""PostgreSQL connection pools are sized against the server's ``max_connections``."""

from __future__ import annotations

import pytest
from sqlalchemy.pool import QueuePool

from api.storage.database import (
    SPARE_CONNECTIONS,
    Database,
    PoolSizes,
    pool_sizes,
    server_pool_sizes,
)


def test_the_defaults_are_kept_when_every_process_fits() -> None:
    assert pool_sizes(max_connections=1000, reserved=3, processes=2) == PoolSizes()


def test_processes_share_what_the_server_allows_without_overflow() -> None:
    # PostgreSQL's default: 100 connections, 3 reserved for superusers.
    for processes in (1, 2, 4):
        sizes = pool_sizes(max_connections=100, reserved=3, processes=processes)
        assert sizes.overflow == sizes.async_overflow == 0
        assert sizes.most * processes <= 100 - 3 - SPARE_CONNECTIONS
        assert sizes.pool >= 2 * sizes.async_pool - 2
    assert pool_sizes(max_connections=100, reserved=3, processes=1) == PoolSizes(58, 0, 29, 0)


def test_the_service_asks_the_server_and_sizes_its_pools(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        assert server_pool_sizes(database_url, 64) == PoolSizes()
        return
    sizes = server_pool_sizes(database_url, 64)
    assert sizes.most < PoolSizes().most
    database = Database(database_url, sizes)
    try:
        pool = database.engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.size() == sizes.pool
        assert database.async_engine is not None
        assert database.async_engine.pool.size() == sizes.async_pool  # type: ignore[attr-defined]
    finally:
        database.dispose()


@pytest.mark.parametrize("processes", [1, 8])
def test_every_process_keeps_at_least_two_connections_of_each_kind(processes: int) -> None:
    sizes = pool_sizes(max_connections=20, reserved=3, processes=processes)
    assert sizes.pool >= 2
    assert sizes.async_pool >= 2
