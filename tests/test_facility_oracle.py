"""The composed facility engine against the multi-device single-packet oracle on random two- and
three-device facilities (see ``tests/facilities.py``; ``benchmarks.bench_facility`` runs more)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onshi.analysis.facility import FacilityNetwork
from tests.facilities import check_agreement, facilities


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(network=facilities(), data=st.data())
def test_composed_engine_and_multi_device_oracle_agree(network: FacilityNetwork, data: st.DataObject) -> None:
    check_agreement(network, data)
