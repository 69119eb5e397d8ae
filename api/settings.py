"""Service settings, read from ``STAFFCAST_*`` environment variables (pydantic-settings).

Nothing here is built at import time: the command line and the tests create a
:class:`ServiceSettings` and hand it to :func:`api.service.create_app`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path(".staffcast")
SQLITE_FILE_NAME = "staffcast.db"


class ServiceSettings(BaseSettings):
    """Everything the service can be configured with; each field is ``STAFFCAST_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="STAFFCAST_", extra="ignore", frozen=True)

    data_dir: Path = Field(
        default=DEFAULT_DATA_DIR,
        description="Folder for the embedded SQLite database (created if missing).",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database, e.g. "
            "`postgresql+psycopg://user:password@host/staffcast`. "
            "Unset: a SQLite file in `data_dir`."
        ),
    )
    max_upload_bytes: int = Field(
        default=64 * 1024 * 1024,
        gt=0,
        description="Largest request body accepted (history and roster uploads); more is a 413.",
    )
    job_workers: int = Field(
        default=2, ge=1, le=64, description="Forecast and schedule jobs run at the same time."
    )
    job_heartbeat_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="How often a service process confirms the jobs it runs; a running job "
        "unconfirmed for 6 beats is taken as interrupted (its process is gone) and failed.",
    )
    solver_time_limit_seconds: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="Default and maximum time the shift optimizer may spend on one schedule.",
    )
    solver_workers: int = Field(
        default=8, ge=1, le=64, description="CP-SAT search workers per schedule job."
    )

    key_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        le=300,
        description="How long an API key confirmed active is trusted without asking the "
        "database again; a revoked key stops working at most this long after `staffcast keys "
        "revoke`. 0: check every request.",
    )

    download_cache_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        description="Memory per server process for rendered history downloads, reused until "
        "the team's history changes (every upload or delete makes them out of date at once), "
        "and for the results of finished jobs (which never change). "
        "0: render every download and read every result from the database.",
    )

    access_log: bool = Field(
        default=False,
        description="Log one line per request (uvicorn's access log). Off by default: about 2% "
        "of the server's time per read, and a proxy in front usually logs requests anyway.",
    )

    server_processes: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Server processes sharing the database (`staffcast serve --workers` sets "
        "it); each takes its share of PostgreSQL's `max_connections`.",
    )

    def resolved_database_url(self) -> str:
        """The database URL to connect to: ``database_url``, or the SQLite file in the data
        folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+pysqlite:///{(self.data_dir / SQLITE_FILE_NAME).resolve()}"
