"""The command line and the service refuse the same hostile values with the same limits.

Both read them from :mod:`forecast.limits`; these tests catch a message that spells a limit
out by hand (the command line checks a workload file, the service an uploaded history, so the
two messages are built apart).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from forecast import limits
from tests.api.conftest import TeamCredentials


class HostileValue(NamedTuple):
    """Cells (channel, volume, AHT) past one limit, and the limit both messages must name."""

    name: str
    cells: tuple[str, ...]
    limit: float


HOSTILE_VALUES = (
    HostileValue("a long channel name", (f"{'x' * 101},4,300",), limits.MAX_CELL_CHARACTERS),
    HostileValue("a huge volume", ("voice,1e308,300",), limits.MAX_VOLUME_PER_ROW),
    HostileValue("a huge AHT", ("voice,4,1e308",), limits.MAX_AHT_SECONDS),
    HostileValue("a tiny AHT", ("voice,4,0.25",), limits.MIN_AHT_SECONDS),
    HostileValue(
        "too many channels",
        tuple(f"queue {number},1,300" for number in range(limits.MAX_CHANNELS)),
        limits.MAX_CHANNELS,
    ),
)
HEADER = "interval_start,channel,volume,aht_seconds\n"


def _limits_named(message: str) -> set[str]:
    """The numbers a message gives as a limit ("limit of 100", "limits of 1 to 86,400")."""
    return set(re.findall(r"\b(?:of|to) ([\d,]+)\b", " ".join(message.split())))


def _command_line_message(cells: tuple[str, ...], tmp_path: Path) -> str:
    workload = tmp_path / "workload.csv"
    rows = "".join(f"2026-12-07T09:30:00+00:00,{row}\n" for row in cells)
    workload.write_text(HEADER + "2026-12-07T09:00:00+00:00,voice,100,180\n" + rows)
    flags = ["--service-level", "0.8", "--answer-seconds", "20", "--interval-minutes", "30"]
    result = CliRunner().invoke(
        app, ["requirements", str(workload), "-o", str(tmp_path / "out.csv"), *flags]
    )
    assert result.exit_code == 2, result.output[:300]
    return result.stderr


def _service_message(cells: tuple[str, ...], client: TestClient, team: TeamCredentials) -> str:
    rows = "".join(f"2026-12-07T09:30,{row}\n" for row in cells)
    history = HEADER + "2026-12-07T09:00,voice,4,300\n" + rows
    response = client.post(
        "/v1/history", headers=team.headers, files={"file": ("h.csv", history, "text/csv")}
    )
    assert response.status_code == 422, response.text[:300]
    return " ".join(response.json()["errors"])


@pytest.mark.parametrize("hostile", HOSTILE_VALUES, ids=[value.name for value in HOSTILE_VALUES])
def test_the_command_line_and_the_service_name_the_same_limit_for_a_hostile_value(
    hostile: HostileValue, client: TestClient, team: TeamCredentials, tmp_path: Path
) -> None:
    limit = f"{hostile.limit:,g}"
    command_line = _command_line_message(hostile.cells, tmp_path)
    service = _service_message(hostile.cells, client, team)
    assert limit in _limits_named(command_line), command_line[:300]
    assert limit in _limits_named(service), service[:300]
