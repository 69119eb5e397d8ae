"""Storage: migrations match the models; history writes replace, add and keep gaps apart."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from api.storage.database import Database
from api.storage.history import delete_history, history_by_channel, load_history, store_history
from api.storage.migrate import current_revision, head_revision, upgrade_database
from api.storage.models import Base
from api.storage.teams import create_team


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    upgrade_database(database)
    yield database
    database.dispose()


def _history(start: str, volumes: list[float], channel: str = "voice") -> pd.DataFrame:
    starts = pd.date_range(start, periods=len(volumes), freq="30min", tz="America/New_York")
    return pd.DataFrame(
        {
            "interval_start": starts,
            "channel": channel,
            "volume": np.array(volumes, dtype="float64"),
            "aht_seconds": 200.0,
        }
    )


def test_the_migrations_create_exactly_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    assert current_revision(database) == head_revision()


def test_upgrading_twice_changes_nothing(database: Database) -> None:
    upgrade_database(database)
    assert current_revision(database) == head_revision()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(database: Database) -> None:
    if not database.is_sqlite:
        pytest.skip("SQLite only")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_overlapping_history_replaces_and_counts(database: Database) -> None:
    with database.session(write=True) as session:
        team = create_team(session, "support", timezone="America/New_York")
        first = store_history(session, team.id, _history("2026-03-02 08:00", [10, 20, 30, 40]))
        second = store_history(session, team.id, _history("2026-03-02 09:00", [33, 44, 55]))
        session.commit()
        team_id = team.id
    assert (first.rows_added, first.rows_replaced) == (4, 0)
    assert (second.rows_added, second.rows_replaced) == (1, 2)
    with database.session() as session:
        stored = load_history(session, team_id, timezone="America/New_York")
    assert stored["volume"].tolist() == [10, 20, 33, 44, 55]
    assert stored["interval_start"].iloc[0] == pd.Timestamp(
        "2026-03-02 08:00", tz="America/New_York"
    )


def test_a_gap_in_a_new_file_never_erases_known_volume(database: Database) -> None:
    with database.session(write=True) as session:
        team = create_team(session, "support")
        store_history(session, team.id, _history("2026-03-02 08:00", [10, 20]))
        write = store_history(session, team.id, _history("2026-03-02 08:00", [np.nan, 25, np.nan]))
        session.commit()
        stored = load_history(session, team.id, timezone="America/New_York")
        summary = history_by_channel(session, team.id)
    assert (write.rows_added, write.rows_replaced) == (1, 1)
    assert stored["volume"].tolist()[:2] == [10, 25]
    assert np.isnan(stored["volume"].iloc[2])
    assert summary[0].gap_intervals == 1
    assert summary[0].intervals == 3
    assert summary[0].total_volume == 35


def test_teams_never_see_each_others_history(database: Database) -> None:
    with database.session(write=True) as session:
        first = create_team(session, "first")
        second = create_team(session, "second")
        store_history(session, first.id, _history("2026-03-02 08:00", [1, 2]))
        store_history(session, second.id, _history("2026-03-02 08:00", [7, 8, 9], "chat"))
        session.commit()
        assert load_history(session, first.id)["volume"].tolist() == [1, 2]
        assert [item.channel for item in history_by_channel(session, second.id)] == ["chat"]
        assert delete_history(session, first.id) == 2
        session.commit()
        assert load_history(session, first.id).empty
        assert len(load_history(session, second.id)) == 3
