"""Findings indexed by run and host: reading each host's latest failures back (--compare last) is one
indexed join, not a scan of the run per host.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_index("ix_findings_run_host", "findings", ["run_id", "host"])


def downgrade() -> None:
    op.drop_index("ix_findings_run_host", "findings")
