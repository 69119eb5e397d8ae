"""Initial schema: teams, API keys, history, uploads, jobs, agents.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """One step per table, parents before the tables that refer to them."""
    _create_teams()
    _create_agents()
    _create_api_keys()
    _create_history_intervals()
    _create_history_uploads()
    _create_jobs()
    _create_job_results()


def _create_teams() -> None:
    """A team: its timezone, holiday calendar, targets, rules and history shape."""
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("holiday_country", sa.String(length=8), nullable=True),
        sa.Column("holiday_subdivision", sa.String(length=16), nullable=True),
        sa.Column("special_days", sa.JSON(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=True),
        sa.Column("history_interval_minutes", sa.Integer(), nullable=True),
        sa.Column("history_channels", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
    )


def _create_agents() -> None:
    """The roster: one row per agent of a team."""
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("min_hours", sa.Float(), nullable=True),
        sa.Column("max_hours", sa.Float(), nullable=True),
        sa.Column("unavailable", sa.JSON(), nullable=False),
        sa.Column("time_off", sa.JSON(), nullable=False),
        sa.Column("preferred_start", sa.String(length=5), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _team_foreign_key("agents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("team_id", "agent_id", name=op.f("uq_agents_team_id")),
    )
    _index_team_id("agents")


def _create_api_keys() -> None:
    """API keys: a team's hashed secrets."""
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        _team_foreign_key("api_keys"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
    )
    _index_team_id("api_keys")


def _create_history_intervals() -> None:
    """The history: volume and AHT per team, channel and interval."""
    op.create_table(
        "history_intervals",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("interval_start", sa.DateTime(), nullable=False),
        sa.Column("volume", sa.Float(), nullable=True),
        sa.Column("aht_seconds", sa.Float(), nullable=True),
        _team_foreign_key("history_intervals"),
        sa.PrimaryKeyConstraint(
            "team_id", "channel", "interval_start", name=op.f("pk_history_intervals")
        ),
    )


def _create_history_uploads() -> None:
    """The log of accepted history uploads."""
    op.create_table(
        "history_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("rows_added", sa.Integer(), nullable=False),
        sa.Column("rows_replaced", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        _team_foreign_key("history_uploads"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_uploads")),
    )
    _index_team_id("history_uploads")


def _create_jobs() -> None:
    """Background jobs (forecast, schedule): request, status, progress."""
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("progress", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        _team_foreign_key("jobs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_status"), ["status"], unique=False)
        batch_op.create_index("ix_jobs_team_kind", ["team_id", "kind"], unique=False)


def _create_job_results() -> None:
    """A finished job's result, one row per part."""
    op.create_table(
        "job_results",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_job_results_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", "part", name=op.f("pk_job_results")),
    )


def _team_foreign_key(table: str) -> sa.ForeignKeyConstraint:
    """``table.team_id`` refers to a team; its rows go with the team."""
    return sa.ForeignKeyConstraint(
        ["team_id"], ["teams.id"], name=op.f(f"fk_{table}_team_id_teams"), ondelete="CASCADE"
    )


def _index_team_id(table: str) -> None:
    """An index on ``table.team_id`` (a team's rows are read together)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_team_id"), ["team_id"], unique=False)


def downgrade() -> None:

    op.drop_table("job_results")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_team_kind")
        batch_op.drop_index(batch_op.f("ix_jobs_status"))

    op.drop_table("jobs")
    with op.batch_alter_table("history_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_history_uploads_team_id"))

    op.drop_table("history_uploads")
    op.drop_table("history_intervals")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_team_id"))

    op.drop_table("api_keys")
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agents_team_id"))

    op.drop_table("agents")
    op.drop_table("teams")
