"""The platform registry: one driver per platform, keyed by :class:`Platform`.

Vendor syntax lives only in the driver packages below this one. Everything else reaches a platform
through :func:`get_driver` (the way hier_config's drivers and scrapli's platform maps are found).
Drivers are imported lazily, so auditing Cisco never imports another vendor's parser.
"""

from __future__ import annotations

import enum
import importlib
from functools import cache

from onshi.platforms.base import PlatformDriver


class Platform(enum.StrEnum):
    """Platforms by their netmiko device type names."""

    CISCO_IOS = "cisco_ios"
    YAMAHA_RTX = "yamaha_rtx"
    FORTINET = "fortinet"
    NEC_IX = "nec_ix"


_DRIVER_MODULES: dict[Platform, str] = {
    Platform.CISCO_IOS: "onshi.platforms.cisco_ios",
    Platform.YAMAHA_RTX: "onshi.platforms.yamaha_rtx",
    Platform.FORTINET: "onshi.platforms.fortinet",
    Platform.NEC_IX: "onshi.platforms.nec_ix",
}

# Other names a vendor's inventory may use for the same platform (netmiko aliases).
_ALIASES: dict[str, Platform] = {
    "cisco_xe": Platform.CISCO_IOS,
    "ios": Platform.CISCO_IOS,
    "yamaha": Platform.YAMAHA_RTX,
    "fortigate": Platform.FORTINET,
    "ix": Platform.NEC_IX,
}


class UnknownPlatformError(ValueError):
    def __init__(self, name: object) -> None:
        known = ", ".join(sorted([*(p.value for p in Platform), *_ALIASES]))
        super().__init__(f"unknown platform {name!r} (supported: {known})")


def resolve_platform(name: object) -> Platform:
    if isinstance(name, str):
        if name in _ALIASES:
            return _ALIASES[name]
        try:
            return Platform(name)
        except ValueError:
            pass
    raise UnknownPlatformError(name)


@cache
def get_driver(name: str) -> PlatformDriver:
    platform = resolve_platform(name)
    module = importlib.import_module(_DRIVER_MODULES[platform])
    driver: PlatformDriver = module.DRIVER
    return driver


__all__ = ["Platform", "PlatformDriver", "UnknownPlatformError", "get_driver", "resolve_platform"]
