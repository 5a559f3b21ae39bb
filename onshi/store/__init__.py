"""The history store: every audit run, its devices and findings, in SQLite or PostgreSQL."""
