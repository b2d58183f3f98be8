"""Storage: the tables (``schema``), engines and transactions (``db``), Alembic migrations."""
