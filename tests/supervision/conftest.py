"""The server tests' database fixtures (SQLite file; PostgreSQL when reachable, marked ``postgres``)."""

from tests.server.conftest import db_url, pg_admin, pg_url, sqlite_url  # noqa: F401
