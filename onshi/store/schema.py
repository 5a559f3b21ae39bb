"""The store's tables (SQLAlchemy Core). Migrations in ``migrations/versions`` create and change
them; this module states the current shape for the queries."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", String(40), nullable=False),  # ISO 8601 with offset, as the report states it
    Column("onshi_version", String(40), nullable=False),
    Column("inventory_hash", String(64), nullable=False),  # sha256 of hosts, groups and defaults as read
    Column("command", String(200), nullable=False),
)  # fmt: skip

devices = Table(
    "devices", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("host", String(100), nullable=False),
    Column("facility", String(200)),
    Column("platform", String(40), nullable=False),
    Column("config_sha256", String(64)),
    Column("lines", Integer, nullable=False),
    Column("unrecognized", Integer, nullable=False, server_default="0"),  # parse coverage (0002)
    Column("error", Text),
    Index("ix_devices_run", "run_id"),
    Index("ix_devices_host", "host", "run_id"),
)  # fmt: skip

findings = Table(
    "findings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("host", String(100), nullable=False),
    Column("facility", String(200)),
    Column("rule", String(20), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("message_en", Text, nullable=False),
    Column("message_ja", Text, nullable=False),
    Column("waiver_reason", Text),  # set on a waived finding (0002)
    Index("ix_findings_run", "run_id"),
    Index("ix_findings_run_host", "run_id", "host"),  # (0003)
)  # fmt: skip
