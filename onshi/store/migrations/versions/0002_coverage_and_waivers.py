"""Parse coverage per device (lines not understood) and the waiver of a waived finding.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("unrecognized", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("waiver_reason", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("waiver_reason")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("unrecognized")
