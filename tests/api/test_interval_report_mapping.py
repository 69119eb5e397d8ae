"""An interval report with unusual headers reads the same through the command line's column
options as through the service's upload form (:class:`forecast.ColumnMapping` behind both)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from tests.api.conftest import TeamCredentials

# No header here is one the importer finds by its usual name.
REPORT = """\
"Tag","Slot","Arrived","Answered","Talk+Wrap","Line"
"2026-12-07","09:00","42","40","312","Phone"
"2026-12-07","09:30","50","45","300","Phone"
"2026-12-07","09:00","12","12","540","Web Chat"
"2026-12-07","09:30","9","8","505","Web Chat"
"""
MAPPING = {
    "date_column": "Tag",
    "time_column": "Slot",
    "volume_column": "Arrived",
    "handled_column": "Answered",
    "aht_column": "Talk+Wrap",
    "channel_column": "Line",
}
COMPARED = ("source_format", "channels", "first_interval", "last_interval", "rows_read", "mapping")


def test_the_handled_and_channel_column_options_read_a_report_as_the_upload_form_does(
    client: TestClient, team: TeamCredentials, tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    path.write_text(REPORT)
    # The command line calls the volume column "offered", as the report's own word.
    flags = {"volume_column": "--offered-column"}
    arguments = [
        part
        for field, column in MAPPING.items()
        for part in (flags.get(field, f"--{field.replace('_', '-')}"), column)
    ]
    result = CliRunner().invoke(app, ["history", "summary", str(path), *arguments, "--json"])
    assert result.exit_code == 0, result.output
    command_line = json.loads(result.stdout)

    response = client.post(
        "/v1/history", headers=team.headers, files={"file": ("report.csv", REPORT)}, data=MAPPING
    )
    assert response.status_code == 201, response.text
    service = response.json()["summary"]

    assert {key: command_line[key] for key in COMPARED} == {key: service[key] for key in COMPARED}
    assert command_line["channels"] == ["chat", "voice"]
    assert command_line["mapping"]["handled_column"] == "Answered"
    assert command_line["mapping"]["channel_column"] == "Line"


def test_a_channel_column_and_one_channel_for_the_file_are_refused_together(
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.csv"
    path.write_text(REPORT)
    result = CliRunner().invoke(
        app, ["history", "summary", str(path), "--channel-column", "Line", "--channel", "voice"]
    )
    assert result.exit_code == 2, result.output
    assert "give either channel_column ('Line') or a fixed channel ('voice')" in result.stderr
