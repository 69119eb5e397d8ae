"""Teams count the changes to their row (``version``), bumped by the database itself, so a
service process can keep a copy of a team's settings and know when it is out of date.

The count is kept by a trigger rather than by the code that writes: every ``UPDATE`` of a
team, from any process, command or SQL console, changes it in the same transaction.

SQLite drops a table's triggers when a later migration rebuilds the table (Alembic's batch
mode does for most changes other than adding a column): such a migration must create the
trigger again (:func:`create_version_trigger`). The service tests fail if it is missing.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SQLITE_TRIGGER = """
CREATE TRIGGER teams_count_changes AFTER UPDATE ON teams
FOR EACH ROW WHEN NEW.version = OLD.version
BEGIN
    UPDATE teams SET version = OLD.version + 1 WHERE id = OLD.id;
END
"""

POSTGRESQL_FUNCTION = """
CREATE FUNCTION teams_count_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END
$$
"""

POSTGRESQL_TRIGGER = """
CREATE TRIGGER teams_count_changes BEFORE UPDATE ON teams
FOR EACH ROW EXECUTE FUNCTION teams_count_changes()
"""


def create_version_trigger() -> None:
    """The trigger that adds one to ``teams.version`` in every update of a team."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_TRIGGER)
    else:
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)


def upgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    create_version_trigger()


def downgrade() -> None:
    op.execute("DROP TRIGGER teams_count_changes" + ("" if _is_sqlite() else " ON teams"))
    if not _is_sqlite():
        op.execute("DROP FUNCTION teams_count_changes()")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("version")


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"
