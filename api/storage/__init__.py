"""Storage of the service: SQLAlchemy models, migrations, teams and keys, history."""

from api.storage.database import Database
from api.storage.migrate import upgrade_database

__all__ = ["Database", "upgrade_database"]
