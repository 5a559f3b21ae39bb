"""The first store: runs, devices, findings.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("onshi_version", sa.String(40), nullable=False),
        sa.Column("inventory_hash", sa.String(64), nullable=False),
        sa.Column("command", sa.String(200), nullable=False),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("host", sa.String(100), nullable=False),
        sa.Column("facility", sa.String(200)),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("config_sha256", sa.String(64)),
        sa.Column("lines", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_devices_run", "devices", ["run_id"])
    op.create_index("ix_devices_host", "devices", ["host", "run_id"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("host", sa.String(100), nullable=False),
        sa.Column("facility", sa.String(200)),
        sa.Column("rule", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("message_en", sa.Text, nullable=False),
        sa.Column("message_ja", sa.Text, nullable=False),
    )
    op.create_index("ix_findings_run", "findings", ["run_id"])


def downgrade() -> None:
    op.drop_table("findings")
    op.drop_table("devices")
    op.drop_table("runs")
