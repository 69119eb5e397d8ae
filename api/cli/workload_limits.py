"""The workload table ``staffcast requirements`` reads, checked against the limits of an
uploaded history (:mod:`forecast.limits`) before the staffing math sees it, so that a hand-made
or hostile workload is refused with its row, column, value and limit instead of running the
staffing search on ``1e308`` contacts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from api.cli.errors import fail
from forecast.limits import (
    CONTROL_CHARACTERS,
    HOLDS_A_CONTROL_CHARACTER,
    MAX_AHT_SECONDS,
    MAX_CELL_CHARACTERS,
    MAX_CHANNELS,
    MAX_ROWS,
    MAX_VOLUME_PER_ROW,
    MIN_AHT_SECONDS,
)

if TYPE_CHECKING:
    import pandas as pd

VOLUME_COLUMNS: Final = ("volume", "volume_low", "volume_high")
SHOWN: Final = 20


def check_workload(table: pd.DataFrame, path: str) -> None:
    """Exit with code 2 naming every cell over a limit (the first :data:`SHOWN`)."""
    import numpy as np
    import pandas as pd

    if len(table) > MAX_ROWS:
        fail(
            f"{path}: row {MAX_ROWS + 2:,}: the workload has {len(table):,} rows, more than the "
            f"limit of {MAX_ROWS:,}; split it"
        )
    problems: list[str] = []

    def report(mask: np.ndarray, column: str, why: str) -> None:
        for position in np.flatnonzero(mask)[: SHOWN - len(problems)]:
            value = str(table[column].iloc[position])
            shown = repr(value[:40]) + (
                f"... ({len(value):,} characters)" if len(value) > 40 else ""
            )
            problems.append(f"row {position + 2}, column `{column}`: {shown} {why}")

    if "channel" in table.columns:
        text = table["channel"].astype("string")
        report(
            (text.str.len() > MAX_CELL_CHARACTERS).to_numpy(dtype=bool, na_value=False),
            "channel",
            f"is longer than the limit of {MAX_CELL_CHARACTERS} characters",
        )
        report(
            text.str.strip().str.contains(CONTROL_CHARACTERS).to_numpy(dtype=bool, na_value=False),
            "channel",
            f"{HOLDS_A_CONTROL_CHARACTER}; a channel name is one line of printable text",
        )
        codes, names = pd.factorize(text)
        if len(names) > MAX_CHANNELS:
            report(
                codes == MAX_CHANNELS,
                "channel",
                f"is channel number {MAX_CHANNELS + 1}, more than the limit of {MAX_CHANNELS}",
            )
    volume = None
    for column in VOLUME_COLUMNS:
        if column in table.columns:
            values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=np.float64)
            volume = values if column == "volume" else volume
            report(
                np.abs(values) > MAX_VOLUME_PER_ROW,
                column,
                f"is above the limit of {MAX_VOLUME_PER_ROW:,} contacts per interval",
            )
    if "aht_seconds" in table.columns:
        aht = pd.to_numeric(table["aht_seconds"], errors="coerce").to_numpy(dtype=np.float64)
        busy = volume > 0 if volume is not None else np.ones(aht.shape, dtype=bool)
        with np.errstate(invalid="ignore"):
            outside = busy & ((aht < MIN_AHT_SECONDS) | (aht > MAX_AHT_SECONDS))
        report(
            outside,
            "aht_seconds",
            f"is outside the limits of {MIN_AHT_SECONDS:g} to {MAX_AHT_SECONDS:,g} seconds",
        )
    if problems:
        fail(f"{path}: {len(problems)} cell(s) refused: {problems[0]}", problems)
