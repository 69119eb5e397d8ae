"""Teams and their API keys.

A key reads ``sc_<key id>_<secret>``. The key id is public (it names the key in listings and
in ``staffcast keys revoke``); the secret is 256 random bits, shown once at creation and
stored only as its SHA-256. A fast hash is the right tool here: the secret is random, not a
password, so there is nothing to guess (the approach of GitHub's and Stripe's tokens).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import zoneinfo
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.storage.models import ApiKey, Team, utc_now

TEAMS: Final = Team.__table__

KEY_PREFIX: Final = "sc"
KEY_ID_BYTES: Final = 6
SECRET_BYTES: Final = 32


class TeamExistsError(ValueError):
    """A team with this name already exists."""


class UnknownTeamError(LookupError):
    """No team has this name."""


class UnknownKeyError(LookupError):
    """No API key has this id."""


@dataclass(frozen=True)
class IssuedKey:
    """A freshly created key: ``token`` is the only time the full secret is available."""

    key_id: str
    team_name: str
    token: str


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def checked_timezone(name: str) -> str:
    """``name`` if it is an IANA timezone (e.g. ``America/New_York``).

    Raises:
        ValueError: naming the value and how to fix it.
    """
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{name!r} is not an IANA timezone; use a name such as 'America/New_York' or 'UTC'"
        ) from None
    return name


def create_team(session: Session, name: str, *, timezone: str = "UTC") -> Team:
    """Add a team named ``name`` (flushes; the caller commits).

    Raises:
        TeamExistsError: if the name is taken.
    """
    name = name.strip()
    if not name:
        raise ValueError("a team needs a name")
    if session.scalar(select(Team.id).where(Team.name == name)) is not None:
        raise TeamExistsError(f"a team named {name!r} already exists")
    team = Team(name=name, timezone=checked_timezone(timezone), special_days=[])
    session.add(team)
    session.flush()
    return team


def find_team(session: Session, name: str) -> Team:
    """The team named ``name``.

    Raises:
        UnknownTeamError: if there is none.
    """
    team = session.scalar(select(Team).where(Team.name == name.strip()))
    if team is None:
        raise UnknownTeamError(f"there is no team named {name!r}; create it with `teams create`")
    return team


def issue_key(session: Session, team: Team, *, label: str = "") -> IssuedKey:
    """Create an API key for ``team`` (flushes; the caller commits)."""
    key_id = secrets.token_hex(KEY_ID_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    session.add(ApiKey(id=key_id, team_id=team.id, secret_sha256=_sha256(secret), label=label))
    session.flush()
    return IssuedKey(key_id=key_id, team_name=team.name, token=f"{KEY_PREFIX}_{key_id}_{secret}")


def revoke_key(session: Session, key_id: str) -> ApiKey:
    """Mark a key revoked; requests made with it fail from now on.

    Raises:
        UnknownKeyError: if no key has this id.
    """
    key = session.get(ApiKey, key_id.strip())
    if key is None:
        raise UnknownKeyError(f"there is no API key with id {key_id!r}")
    if key.revoked_at is None:
        key.revoked_at = utc_now()
    return key


def team_keys(session: Session, team_id: int) -> list[ApiKey]:
    """The team's API keys, revoked ones too, oldest first."""
    query = select(ApiKey).where(ApiKey.team_id == team_id).order_by(ApiKey.created_at)
    return list(session.scalars(query))


def split_token(token: str) -> tuple[str, str] | None:
    """``(key id, secret)`` of a presented ``sc_<key id>_<secret>`` key, or ``None`` if it is
    malformed."""
    prefix, _, rest = token.strip().partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != KEY_PREFIX or not key_id or not secret:
        return None
    return key_id, secret


def secret_sha256(secret: str) -> str:
    """The stored form of a key's secret (hex SHA-256)."""
    return _sha256(secret)


@dataclass(frozen=True)
class ActiveKey:
    """What verifying a key needs: its team and the hash of its secret."""

    key_id: str
    team_id: int
    secret_sha256: str


def active_key(session: Session, key_id: str) -> ActiveKey | None:
    """The key ``key_id`` if it exists and is not revoked."""
    found = session.execute(
        select(ApiKey.team_id, ApiKey.secret_sha256).where(
            ApiKey.id == key_id, ApiKey.revoked_at.is_(None)
        )
    ).one_or_none()
    if found is None:
        return None
    return ActiveKey(key_id=key_id, team_id=found.team_id, secret_sha256=found.secret_sha256)


@dataclass(frozen=True)
class TeamSnapshot:
    """A team's row as it was at ``version`` (the same names as :class:`Team`'s attributes).

    Read with plain SQL rather than as an ORM object, and shared by the requests of one
    service process (see :mod:`api.service.team_cache`): treat the JSON values as read-only.
    """

    id: int
    name: str
    timezone: str
    holiday_country: str | None
    holiday_subdivision: str | None
    special_days: list[Any]
    targets: dict[str, Any] | None
    rules: dict[str, Any] | None
    history_interval_minutes: int | None
    history_channels: list[Any]
    history_version: int
    created_at: dt.datetime
    version: int


def team_version(session: Session, team_id: int) -> int | None:
    """The ``version`` of team ``team_id`` (changed by every update of its row), or ``None``
    if there is no such team. One indexed read of an integer, without the ORM."""
    version = (
        session.connection()
        .execute(select(TEAMS.c.version).where(TEAMS.c.id == team_id))
        .scalar_one_or_none()
    )
    return None if version is None else int(version)


def team_snapshot(session: Session, team_id: int) -> TeamSnapshot | None:
    """Team ``team_id``'s row with its ``version`` (read together, so they always match), or
    ``None`` if there is no such team."""
    row = (
        session.connection()
        .execute(select(*(TEAMS.c[name] for name in SNAPSHOT_COLUMNS)).where(TEAMS.c.id == team_id))
        .one_or_none()
    )
    return None if row is None else TeamSnapshot(**row._asdict())


SNAPSHOT_COLUMNS: Final = tuple(TeamSnapshot.__dataclass_fields__)
