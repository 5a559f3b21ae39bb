"""The aspect sets the platforms' block tables are written with (:class:`~onshi.model.Aspect`)."""

from __future__ import annotations

from onshi.model import Aspect

FORWARDING = frozenset({Aspect.FORWARDING})
VPN = frozenset({Aspect.VPN})
MANAGEMENT = frozenset({Aspect.MANAGEMENT})
ACCOUNTS = frozenset({Aspect.ACCOUNTS})
LOGGING = frozenset({Aspect.LOGGING})
WIRELESS = frozenset({Aspect.WIRELESS})
NONE: frozenset[Aspect] = frozenset()
