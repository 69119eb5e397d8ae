"""``staffcast teams``, ``keys``, ``db upgrade`` and ``demo`` as an operator runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from api.service import create_app
from api.settings import ServiceSettings
from api.storage.database import Database
from api.storage.teams import find_team

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every command here works on a SQLite file in the test's folder."""
    monkeypatch.setenv("STAFFCAST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("STAFFCAST_DATABASE_URL", raising=False)
    return tmp_path / "data"


def _database() -> Database:
    return Database(ServiceSettings().resolved_database_url())


def _team_of_key(token: str) -> str | None:
    """The name of the team ``token`` authenticates as, asked of the service itself (its one
    key check), or ``None`` if the service refuses the key."""
    with TestClient(create_app(ServiceSettings())) as client:
        response = client.get("/v1/team", headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 401:
        return None
    assert response.status_code == 200, response.text
    name: str = response.json()["name"]
    return name


def test_db_upgrade_creates_the_schema() -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "is at revision 0004" in result.output


def test_a_created_key_authenticates_until_it_is_revoked() -> None:
    assert runner.invoke(app, ["teams", "create", "support"]).exit_code == 0
    created = runner.invoke(app, ["keys", "create", "support", "--label", "laptop"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    key_id = token.split("_")[1]
    assert _team_of_key(token) == "support"
    listed = runner.invoke(app, ["keys", "list", "support"])
    assert key_id in listed.output
    assert "laptop" in listed.output
    assert token not in listed.output
    assert runner.invoke(app, ["keys", "revoke", key_id]).exit_code == 0
    assert _team_of_key(token) is None


def test_mistakes_are_clear_messages_with_exit_code_2() -> None:
    assert runner.invoke(app, ["teams", "create", "support"]).exit_code == 0
    again = runner.invoke(app, ["teams", "create", "support"])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert runner.invoke(app, ["keys", "create", "nobody"]).exit_code == 2
    assert runner.invoke(app, ["keys", "revoke", "0000"]).exit_code == 2
    zone = runner.invoke(app, ["teams", "create", "x", "--timezone", "Mars/Olympus"])
    assert zone.exit_code == 2
    assert "IANA" in zone.output


def test_demo_loads_the_sample_once_and_prints_a_fresh_key(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "history.csv").write_text(
        "interval_start,channel,volume,aht_seconds\n"
        "2026-03-02T09:00,voice,10,200\n2026-03-02T09:30,voice,12,210\n"
    )
    (sample / "targets.toml").write_text(
        "[channels.voice]\nservice_level = 0.8\nanswer_seconds = 20\n"
    )
    first = runner.invoke(app, ["demo", "--no-serve", "--sample-dir", str(sample)])
    assert first.exit_code == 0, first.output
    assert "48 intervals of voice" in first.output
    second = runner.invoke(app, ["demo", "--no-serve", "--sample-dir", str(sample)])
    assert "already loaded (kept)" in second.output
    tokens = [
        line.split()[-1]
        for run in (first, second)
        for line in run.output.splitlines()
        if line.startswith("Demo API key")
    ]
    assert len(tokens) == 2
    assert _team_of_key(tokens[0]) is None  # the previous demo key is revoked
    assert _team_of_key(tokens[1]) == "demo"
    database = _database()
    with database.session() as session:
        team = find_team(session, "demo")
        assert team.targets == {"channels": {"voice": {"service_level": 0.8, "answer_seconds": 20}}}
        assert team.history_interval_minutes == 30
    database.dispose()


def test_demo_says_plainly_which_sample_files_are_missing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--no-serve", "--sample-dir", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    assert "history.csv is missing" in result.output
    assert "targets.toml is missing" in result.output
