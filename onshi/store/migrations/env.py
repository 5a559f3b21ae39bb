"""Alembic runs the store's migrations on the connection the store hands it (never from a URL in
a config file: onshi opens the store itself)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
