"""Baseline generation: the facility policy and host variables → a config per device, audited by the
same rules before anything is written."""
