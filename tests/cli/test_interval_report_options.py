"""Interval reports on the command line: ``--channel`` and the column-mapping options."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from api.cli import app

runner = CliRunner()

ACD_REPORT = """\
"Day","Slot","Offered","Handled","Talk+Wrap"
"07/12/2026","1:00 PM","42","40","312"
"07/12/2026","1:30 PM","50","45","300"
"08/12/2026","1:00 PM","38","38","290"
"""


def _summary(tmp_path: Path, report: str, *options: str, wide: bool = False) -> Result:
    """``staffcast history summary`` of ``report`` as one voice queue, day-first dates and
    the times of day in `Slot` (``wide``: a terminal wide enough for the table)."""
    path = tmp_path / "acd.csv"
    path.write_text(report)
    mapping = ["--channel", "voice", "--time-column", "Slot", "--date-order", "day_first"]
    arguments = ["history", "summary", str(path), *mapping, *options]
    return runner.invoke(app, arguments, env={"COLUMNS": "200"} if wide else None)


def test_history_summary_reads_an_interval_report_through_the_mapping_options(
    tmp_path: Path,
) -> None:
    result = _summary(tmp_path, ACD_REPORT, "--aht-column", "Talk+Wrap", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["source_format"] == "interval_report"
    assert summary["channels"] == ["voice"]
    assert summary["first_interval"] == "2026-12-07T00:00:00+00:00"
    assert summary["mapping"] == {
        "date_column": "Day",
        "time_column": "Slot",
        "volume_column": "Offered",
        "handled_column": "Handled",
        "aht_column": "Talk+Wrap",
        "channel_column": None,
        "channel": "voice",
        "date_order": "day_first",
    }


def test_history_summary_shows_the_mapping_used_in_its_table(tmp_path: Path) -> None:
    result = _summary(tmp_path, ACD_REPORT, wide=True)
    assert result.exit_code == 0, result.output
    assert "column mapping" in result.stdout
    assert "date_order=day_first" in result.stdout


def test_a_bad_time_in_an_interval_report_names_row_and_value(tmp_path: Path) -> None:
    result = _summary(tmp_path, ACD_REPORT.replace('"1:30 PM"', '"25:30"'), wide=True)
    assert result.exit_code != 0
    assert "row 3, column `Slot`: '25:30' is not a time" in " ".join(result.output.split())
