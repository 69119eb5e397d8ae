"""Each service process's copy of the teams it serves, for as long as it is current.

Every authenticated request needs its team's row: its timezone, its settings, the overview of
its history. Loading the row (JSON columns included) cost about a quarter of the server's
time per read; reading one integer costs a fraction of that. Each team row therefore carries a
``version`` that the database itself adds one to in every ``UPDATE`` of the row (a trigger,
see migration 0004), and a request reads only that number, in its own transaction: when it
equals the version of the copy kept here, the copy is the row; otherwise the row is read again
(with its version, in one statement) and replaces the copy.

So a change is seen by every process from its commit on, whoever made it (another service
process, ``staffcast`` commands, SQL): nothing older than the row the request's transaction
sees is ever served. The cost is one small query per request; no time-based expiry is
involved.
"""

from __future__ import annotations

import threading
from typing import Final

from sqlalchemy.orm import Session

from api.storage.teams import TeamSnapshot, team_snapshot, team_version

MAX_TEAMS: Final = 10_000


class TeamCache:
    """The current row of each team a process has served, by team id."""

    def __init__(self) -> None:
        self._teams: dict[int, TeamSnapshot] = {}
        self._lock = threading.Lock()

    def current(self, session: Session, team_id: int) -> TeamSnapshot | None:
        """Team ``team_id`` as ``session``'s transaction sees it (``None`` if it does not
        exist): the kept copy if its version is the stored one, else a fresh read."""
        version = team_version(session, team_id)
        if version is None:
            return None
        kept = self._teams.get(team_id)
        if kept is not None and kept.version == version:
            return kept
        fresh = team_snapshot(session, team_id)
        if fresh is None:
            return None
        with self._lock:
            if len(self._teams) >= MAX_TEAMS:
                self._teams.clear()  # more teams than a process serves: start over, stay bounded
            self._teams[team_id] = fresh
        return fresh

    def __len__(self) -> int:
        return len(self._teams)
