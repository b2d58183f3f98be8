"""Alembic environment: always run from code (``server.storage.db.upgrade``) with a live connection."""

from __future__ import annotations

from alembic import context

from server.storage.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "hallq migrations run through server.storage.db.upgrade(engine), "
        "which passes the connection; use `hallq init` or start the server"
    )

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
