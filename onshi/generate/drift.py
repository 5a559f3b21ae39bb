"""What differs between the intended (generated) config and the running one, and how to get there."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Drift:
    missing: tuple[str, ...]  # intended lines the device lacks (with their parent sections)
    extra: tuple[str, ...]  # running lines the intended config does not have
    remediation: tuple[
        str, ...
    ]  # commands, in an order safe to paste (ACLs defined before bound, unbound before removed)
    predicted: str  # the running config after the remediation, as the platform's diff library predicts it
    # Intended lines the running config cannot be compared with (keys the device stores encrypted with
    # its own key): reported, never counted as in sync or as drift.
    unverified: tuple[str, ...] = ()

    @property
    def in_sync(self) -> bool:
        return not self.missing and not self.extra


class NotRemediable(ValueError):
    """A running config a platform generates no remediation for (it says why): reported for that host."""
