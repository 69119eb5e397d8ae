"""Alembic migrations of the service database; run by :func:`api.storage.upgrade_database`."""
