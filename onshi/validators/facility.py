"""Which devices are judged together: a facility whose topology joins several devices is one network.

Its rules marked ``facility`` (segmentation, VPN transit, unsolicited inbound) run once, on the
facility's lead device, over the composed forwarding of every device the topology names; on the
other devices they are not applicable and say where the facility was judged. The lead is the first
device in inventory order that faces the internet (where a vendor looks first), else the first.
A facility with one device, or no links, is judged device by device as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from onshi.analysis.facility import FacilityNetwork, Member, composed, linked_devices
from onshi.validators.base import FacilityView, RuleInput


@dataclass(frozen=True, slots=True)
class Judged:
    """How one device takes part in its facility's judgement: the lead (with the view) or not."""

    lead: str
    view: FacilityView | None  # set on the lead only


def facility_roles(inputs: Iterable[RuleInput]) -> dict[str, Judged]:
    """Per host of a composed facility, its role; hosts of other facilities are absent."""
    by_facility: dict[str, list[RuleInput]] = defaultdict(list)
    for inp in inputs:
        if inp.facility_name is not None and composed(inp.policy):
            by_facility[inp.facility_name].append(inp)
    roles: dict[str, Judged] = {}
    for group in by_facility.values():
        policy = group[0].policy
        assert policy is not None
        named = linked_devices(policy)
        members = [inp for inp in group if inp.host in named]
        if not members:
            continue
        lead = next((inp for inp in members if inp.internet), members[0])
        present = {inp.host for inp in members}
        network = FacilityNetwork(
            [Member(inp.host, inp.device, tuple(i.name for i in inp.internet), inp.closed) for inp in members], policy
        )
        devices = {inp.host: inp.device for inp in members}
        partial = {inp.host: inp.partial for inp in members if inp.partial is not None}
        view = FacilityView(network, devices, tuple(sorted(named - present)), partial)
        for inp in members:
            roles[inp.host] = Judged(lead.host, view if inp is lead else None)
    return roles
