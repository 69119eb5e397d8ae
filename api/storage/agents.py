"""A team's roster in the database, and its conversion to and from the optimizer's agents
table (columns of :mod:`scheduler.shifts.agents`; lists joined with ``|`` and ``;`` in CSV form).

Every write is validated by ``scheduler.agents_from_frame`` first: what is stored is a roster
the optimizer accepts.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.storage.models import Agent
from forecast.limits import CONTROL_CHARACTERS, HOLDS_A_CONTROL_CHARACTER
from scheduler.errors import InvalidAgentsError
from scheduler.shifts import AGENT_COLUMNS, agents_from_frame
from scheduler.shifts import Agent as RosterAgent


class UnreadableRosterError(ValueError):
    """The uploaded roster is not CSV text."""


@dataclass(frozen=True)
class RosterWrite:
    """What a roster upload did."""

    added: int
    updated: int
    removed: int


def _number_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def roster_frame(records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Agents (stored rows or API bodies, as mappings) as the optimizer's agents table."""
    return pd.DataFrame(
        [
            {
                "agent_id": record["agent_id"],
                "name": record.get("name") or "",
                "skills": "|".join(record.get("skills") or []),
                "min_hours": _number_text(record.get("min_hours")),
                "max_hours": _number_text(record.get("max_hours")),
                "unavailable": ";".join(record.get("unavailable") or []),
                "time_off": ";".join(record.get("time_off") or []),
                "preferred_start": record.get("preferred_start") or "",
            }
            for record in records
        ],
        columns=list(AGENT_COLUMNS),
    )


def checked_roster(records: Sequence[Mapping[str, Any]]) -> tuple[RosterAgent, ...]:
    """Validate agents with the optimizer's own parser.

    Raises:
        InvalidAgentsError: naming each row, column and value.
    """
    return agents_from_frame(roster_frame(records))


def _split(text: str, separator: str) -> list[str]:
    return [part.strip() for part in text.split(separator) if part.strip()]


MAX_AGENTS: Final = 10_000  # rows of one roster upload
MAX_LABEL_CHARACTERS: Final = 100  # an id, a name, a skill, one entry of a list
MAX_CELL_CHARACTERS: Final = 2_000  # a whole cell (a list of dates or windows)
LIST_COLUMNS: Final = {"skills": "|", "unavailable": ";", "time_off": ";"}
MAX_LISTED: Final = 20  # cells named in one answer


def check_roster_bounds(table: pd.DataFrame) -> None:
    """Refuse a roster with more than :data:`MAX_AGENTS` rows, a cell over
    :data:`MAX_CELL_CHARACTERS` or a label (an id, a name, one skill or list entry) over
    :data:`MAX_LABEL_CHARACTERS`, naming the row, column, value and limit, before anything
    else is done with it.

    Raises:
        InvalidAgentsError: listing the cells over a limit.
    """
    if len(table) > MAX_AGENTS:
        raise InvalidAgentsError(
            f"row {MAX_AGENTS + 2}: the roster has {len(table):,} rows, more than the limit of "
            f"{MAX_AGENTS:,} agents per upload"
        )
    problems: list[str] = []
    for column in table.columns:
        cells = table[column]
        lengths = cells.str.len().to_numpy()
        for position in np.flatnonzero(lengths > MAX_LABEL_CHARACTERS)[:MAX_LISTED]:
            problem = _over_limit(str(cells.iloc[position]), str(column))
            if problem:
                problems.append(f"row {position + 2}, column `{column}`: {problem}")
        # Cells are stripped when read: a tab or line break at either end is dropped there.
        inner = cells.str.strip().str.contains(CONTROL_CHARACTERS, regex=True)
        controlled = inner.to_numpy(dtype=bool)
        for position in np.flatnonzero(controlled)[:MAX_LISTED]:
            problems.append(
                f"row {position + 2}, column `{column}`: {str(cells.iloc[position])[:40]!r} "
                f"{HOLDS_A_CONTROL_CHARACTER}; ids, names, skills and dates are one line of "
                "printable text"
            )
    if problems:
        raise InvalidAgentsError(
            f"the roster was rejected with {len(problems)} cell(s) over a limit or not one line "
            f"of text: {problems[0]}",
            problems,
        )


def _over_limit(cell: str, column: str) -> str | None:
    shown = repr(cell[:40]) + (f"... ({len(cell):,} characters)" if len(cell) > 40 else "")
    if len(cell) > MAX_CELL_CHARACTERS:
        return f"{shown} is longer than the limit of {MAX_CELL_CHARACTERS:,} characters"
    separator = LIST_COLUMNS.get(column)
    parts = cell.split(separator) if separator else [cell]
    if any(len(part.strip()) > MAX_LABEL_CHARACTERS for part in parts):
        return (
            f"{shown} has an entry longer than the limit of {MAX_LABEL_CHARACTERS} characters; "
            "ids, names, skills and dates are short labels"
        )
    return None


def records_from_csv(content: bytes) -> list[dict[str, Any]]:
    """Read an agents CSV into API-shaped records (validated with :func:`checked_roster`).

    Raises:
        UnreadableRosterError: not UTF-8 CSV text.
        InvalidAgentsError: bad rows (via the optimizer's parser).
    """
    try:
        table = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise UnreadableRosterError(f"the roster is not a readable CSV file ({error})") from None
    table.columns = [str(column).strip() for column in table.columns]
    _check_repeated_columns(list(table.columns))
    check_roster_bounds(table)
    agents_from_frame(table)  # every row checked before anything is stored
    records = []
    for row in table.to_dict("records"):
        minimum, maximum = str(row.get("min_hours", "")), str(row.get("max_hours", ""))
        records.append(
            {
                "agent_id": str(row["agent_id"]).strip(),
                "name": str(row.get("name", "")).strip(),
                "skills": [skill.lower() for skill in _split(str(row["skills"]), "|")],
                "min_hours": float(minimum) if minimum.strip() else None,
                "max_hours": float(maximum) if maximum.strip() else None,
                "unavailable": _split(str(row.get("unavailable", "")), ";"),
                "time_off": _split(str(row.get("time_off", "")), ";"),
                "preferred_start": str(row.get("preferred_start", "")).strip() or None,
            }
        )
    return records


def _check_repeated_columns(columns: list[str]) -> None:
    """Refuse a roster whose header names a column twice (pandas reads the second
    ``agent_id`` as ``agent_id.1``): which one holds the data cannot be told."""
    for number, column in enumerate(columns, start=1):
        base, dot, copy = column.rpartition(".")
        if dot and copy.isdigit() and base in AGENT_COLUMNS and base in columns:
            raise InvalidAgentsError(
                f"row 1, columns {columns.index(base) + 1} and {number}: the header names "
                f"{base!r} twice; keep one of them (staffcast cannot tell which holds the data)"
            )


def agent_record(agent: Agent) -> dict[str, Any]:
    """A stored agent as an API-shaped record."""
    return {column: getattr(agent, column) for column in AGENT_COLUMNS}


def team_agents(session: Session, team_id: int) -> list[Agent]:
    """The team's agents, by ``agent_id``."""
    return list(
        session.scalars(
            select(Agent).where(Agent.team_id == team_id).order_by(Agent.agent_id)
        ).all()
    )


def find_agent(session: Session, team_id: int, agent_id: str) -> Agent | None:
    """The team's agent ``agent_id``, if any."""
    return session.scalar(select(Agent).where(Agent.team_id == team_id, Agent.agent_id == agent_id))


def store_roster(
    session: Session, team_id: int, records: Sequence[Mapping[str, Any]], *, replace: bool
) -> RosterWrite:
    """Add or update agents by ``agent_id``; with ``replace``, remove the others (the caller
    commits). ``records`` must already be validated."""
    existing = {agent.agent_id: agent for agent in team_agents(session, team_id)}
    added = updated = 0
    for record in records:
        agent = existing.get(record["agent_id"])
        if agent is None:
            session.add(Agent(team_id=team_id, **dict(record)))
            added += 1
        else:
            for column in AGENT_COLUMNS[1:]:
                setattr(agent, column, record[column])
            updated += 1
    removed = 0
    if replace:
        kept = {record["agent_id"] for record in records}
        gone = [agent_id for agent_id in existing if agent_id not in kept]
        if gone:
            session.execute(delete(Agent).where(Agent.team_id == team_id, Agent.agent_id.in_(gone)))
            removed = len(gone)
    session.flush()
    return RosterWrite(added=added, updated=updated, removed=removed)
