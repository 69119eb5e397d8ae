"""Column mappings saved per team, by the columns of the file they read.

An interval report read through a mapping (given with the upload, or found by the usual
header names) is remembered under its header: the next upload whose header has the same
columns (compared as :func:`forecast.column_mapping.header_key` normalises them) is read with
it without being told again. The mapping keeps everything it was read with, a fixed channel
included: a team whose queues export identical headers gives each file's channel with the
upload (a given channel replaces the saved one).
"""

from __future__ import annotations

import csv
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.storage.models import SavedColumnMapping
from forecast import ColumnMapping
from forecast.column_mapping import header_key

SEPARATORS = (",", ";", "\t")


def file_columns(content: bytes | str) -> tuple[str, ...]:
    """The header of a CSV file as written (the separator is the one its first line uses
    most, as the history reader decides)."""
    text = content.decode("utf-8-sig", errors="replace") if isinstance(content, bytes) else content
    first = text.removeprefix("\ufeff").split("\n", 1)[0].rstrip("\r")
    separator = max(SEPARATORS, key=first.count)
    try:
        cells = next(csv.reader([first], delimiter=separator), [])
    except csv.Error:  # not a CSV header (a stray carriage return, a cell over csv's limit):
        return ()  # no saved mapping fits it, and the history reader names the problem
    return tuple(cell.strip() for cell in cells)


def layout_key(columns: tuple[str, ...]) -> str:
    """The key of a header: its normalised column names, in order, hashed."""
    joined = "\x1f".join(header_key(column) for column in columns)
    return hashlib.sha256(joined.encode()).hexdigest()


def mapping_for_columns(
    session: Session, team_id: int, columns: tuple[str, ...]
) -> ColumnMapping | None:
    """The team's mapping for files with these columns, if one was saved."""
    row = session.scalar(
        select(SavedColumnMapping).where(
            SavedColumnMapping.team_id == team_id,
            SavedColumnMapping.header_key == layout_key(columns),
        )
    )
    return None if row is None else ColumnMapping.from_dict(row.mapping)


def save_mapping(
    session: Session, team_id: int, columns: tuple[str, ...], mapping: ColumnMapping
) -> None:
    """Remember ``mapping`` for the team's files with these columns (replacing an older one);
    the caller commits."""
    key = layout_key(columns)
    row = session.scalar(
        select(SavedColumnMapping).where(
            SavedColumnMapping.team_id == team_id, SavedColumnMapping.header_key == key
        )
    )
    if row is None:
        session.add(
            SavedColumnMapping(
                team_id=team_id, header_key=key, columns=list(columns), mapping=mapping.to_dict()
            )
        )
    else:
        row.columns = list(columns)
        row.mapping = mapping.to_dict()


def team_mappings(session: Session, team_id: int) -> list[SavedColumnMapping]:
    """Every mapping the team has saved, the newest first."""
    return list(
        session.scalars(
            select(SavedColumnMapping)
            .where(SavedColumnMapping.team_id == team_id)
            .order_by(SavedColumnMapping.updated_at.desc(), SavedColumnMapping.id.desc())
        )
    )
