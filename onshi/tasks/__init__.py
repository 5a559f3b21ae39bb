"""Nornir tasks: thin wrappers that fetch text; the work is in :mod:`onshi.pipeline`."""
