"""Filter hygiene (HYG-01, 02, 04, 05): unreachable and redundant lines as exact packet sets, checked
against a brute-force reading of random lists, and the rules on real configs of every platform."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from onshi.analysis.packets import PacketSpace
from onshi.model import Status
from onshi.pipeline import DeviceJob, Reading, audit
from onshi.platforms.cisco_ios.parser import parse
from onshi.sources import read_config_file
from onshi.validators.hygiene import line_verdicts
from tests.helpers import CORPUS, FIXTURES, evidence_lines

EDGE = (FIXTURES / "cisco_ios" / "edge_compliant.cfg").read_text(encoding="utf-8")


def _audit(
    platform: str, text: str, tmp_path: Path, name: str = "device.cfg"
) -> list[tuple[str, Status, str, list[int]]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = audit([DeviceJob("device", platform, read_config_file(path))])
    return [(f.rule, f.status, f.message.en, evidence_lines(f)) for f in report.findings if f.rule.startswith("HYG")]


def _with(text: str) -> str:
    return EDGE.replace("\nend", "\n" + text + "end")


def test_a_shadowed_line_is_named_with_the_lines_that_cover_it(tmp_path: Path) -> None:
    acl = ("ip access-list extended HYG-TEST\n permit tcp 10.0.0.0 0.0.0.255 any eq 443\n"
           " deny ip 10.0.0.0 0.255.255.255 any\n permit tcp host 10.0.0.5 any eq 443\n permit udp any any eq 53\n")  # fmt: skip
    text = _with(acl)
    found = [f for f in _audit("cisco_ios", text, tmp_path) if f[0] == "HYG-01" and f[1] is Status.FAIL]
    numbered = text.splitlines()
    assert len(found) == 1
    assert "never reached" in found[0][2]
    assert [numbered[line - 1].strip() for line in found[0][3]] == [
        "ip access-list extended HYG-TEST", "permit tcp 10.0.0.0 0.0.0.255 any eq 443",
        "deny ip 10.0.0.0 0.255.255.255 any", "permit tcp host 10.0.0.5 any eq 443"]  # fmt: skip


def test_a_permit_the_lines_after_it_make_anyway_is_redundant_a_spelled_out_deny_is_not(tmp_path: Path) -> None:
    acl = ("ip access-list extended HYG-TEST\n permit tcp 10.0.0.0 0.0.0.255 any eq 443\n"
           " permit ip 10.0.0.0 0.255.255.255 any\n deny ip any 192.168.0.0 0.0.255.255\n deny ip any any\n")  # fmt: skip
    text = _with(acl)
    redundant = [f for f in _audit("cisco_ios", text, tmp_path) if f[0] == "HYG-02" and f[1] is Status.FAIL]
    assert [text.splitlines()[f[3][-1] - 1].strip() for f in redundant] == ["permit tcp 10.0.0.0 0.0.0.255 any eq 443"]


def test_a_filter_bound_by_a_name_that_does_not_exist_is_named(tmp_path: Path) -> None:
    text = EDGE.replace(
        "interface GigabitEthernet0/0/1\n", "interface GigabitEthernet0/0/1\n ip access-group NO-SUCH-ACL out\n", 1
    )
    assert text != EDGE
    found = [f for f in _audit("cisco_ios", text, tmp_path) if f[0] == "HYG-04"]
    assert [(f[1], f[2]) for f in found] == [
        (Status.FAIL, "GigabitEthernet0/0/1 refers to NO-SUCH-ACL, which is not defined: the device may filter nothing "
                      "there (IOS does).")]  # fmt: skip


def test_ix_filters_naming_no_list_are_named(tmp_path: Path) -> None:
    text = (CORPUS / "nec_ix" / "ix2025-router1-first-showrun-aggressive-md5-telnet.cfg").read_text(encoding="utf-8")
    found = [f for f in _audit("nec_ix", text, tmp_path) if f[0] == "HYG-04" and f[1] is Status.FAIL]
    assert len(found) == 1
    assert "refers to udplist" in found[0][2]


def test_a_segment_filter_that_filters_nothing_is_named_an_internet_one_is_left_to_ext_01(tmp_path: Path) -> None:
    lan = EDGE.replace(" ip nat inside\n", " ip nat inside\n ip access-group OPEN-DOOR in\n", 1)
    assert lan != EDGE
    text = lan.replace("\nend", "\nip access-list extended OPEN-DOOR\n permit tcp any any\n permit ip any any\nend")
    found = [f for f in _audit("cisco_ios", text, tmp_path) if f[0] == "HYG-05" and f[1] is Status.FAIL]
    assert [f[2] for f in found] == ["OPEN-DOOR lets every packet through: it filters nothing."]


def test_an_ix_session_list_bound_out_is_not_a_filter_that_filters_nothing_bound_in_it_is(tmp_path: Path) -> None:
    """IX's dynamic list of every packet bound ``out`` opens sessions for replies (what may start is the
    inbound lists' to say): not HYG-05. The same list bound ``in`` lets every new connection start."""
    text = ("ip access-list any permit ip src any dest any\nip access-list dynamic dyn access any\n"
            "ip access-list seg-in permit tcp src 10.0.1.0/24 sport any dest any dport eq 443\n"
            "interface GigaEthernet0.0\n  ip address 203.0.113.2/30\n!\nip route default 203.0.113.1\n"
            "interface GigaEthernet1.0\n  ip address 10.0.1.1/24\n  ip filter seg-in 10 in\n"
            "  ip filter dyn 100 out\n")  # fmt: skip
    found = [f for f in _audit("nec_ix", text, tmp_path) if f[0] == "HYG-05"]
    assert [f[1] for f in found] == [Status.PASS]
    opened = text.replace("ip filter seg-in 10 in", "ip filter dyn 10 in")
    found = [f for f in _audit("nec_ix", opened, tmp_path) if f[0] == "HYG-05" and f[1] is Status.FAIL]
    assert [f[2] for f in found] == ["ip filter GigaEthernet1.0 in lets every packet through: it filters nothing."]


_OFFICE_HTTPS = """    edit 4
        set name "office-https"
        set srcintf "office"
        set dstintf "wan1"
        set srcaddr "office-net"
        set dstaddr "all"
        set action accept
        set schedule "always"
        set service "HTTPS"
    next
"""


def test_a_fortigate_policy_shadowed_or_redundant_in_its_zone_pairs_is_named(tmp_path: Path) -> None:
    """Policies are first match per source and destination zone: office → wan1 on HTTPS after the policy
    that accepts everything from the office is never reached; before it, it changes nothing."""
    text = (FIXTURES / "fortinet" / "fw_compliant.cfg").read_text(encoding="utf-8")
    assert [
        f for f in _audit("fortinet", text, tmp_path) if f[0] in ("HYG-01", "HYG-02") and f[1] is not Status.PASS
    ] == []
    after = text.replace("    edit 3\n", _OFFICE_HTTPS + "    edit 3\n", 1)
    line = after.splitlines().index("    edit 4") + 1
    everything = after.splitlines().index("    edit 2") + 1
    found = [(f[0], f[2], f[3]) for f in _audit("fortinet", after, tmp_path) if f[1] is Status.FAIL and f[0] < "HYG-03"]
    assert found == [
        (
            "HYG-01",
            f"The policy on line {line} is never reached: in every zone pair it applies to, earlier "
            f"policies decide every packet it matches (lines {everything}).",
            [everything, line],
        )
    ]
    before = text.replace("    edit 2\n", _OFFICE_HTTPS + "    edit 2\n", 1)
    line = before.splitlines().index("    edit 4") + 1
    redundant = [(f[0], f[2]) for f in _audit("fortinet", before, tmp_path) if f[1] is Status.FAIL and f[0] < "HYG-03"]
    assert redundant == [
        (
            "HYG-02",
            f"The policy on line {line} changes nothing: in every zone pair it applies to, the "
            "policies after it accept every packet it accepts first.",
        )
    ]


def test_a_fortigate_policy_letting_everything_between_two_segments_through_is_named(tmp_path: Path) -> None:
    """Over-broad on a segment boundary: office to the onshi segment, any source and destination, every
    service. The same policy to the internet is EXT-01's and the usual design's, not HYG-05's."""
    text = (FIXTURES / "fortinet" / "fw_compliant.cfg").read_text(encoding="utf-8")
    wide = _OFFICE_HTTPS.replace('"office-https"', '"office-all"').replace('"wan1"', '"internal"').replace(
        '"office-net"', '"all"').replace('"HTTPS"', '"ALL"')  # fmt: skip
    opened = text.replace("    edit 3\n", wide + "    edit 3\n", 1)
    line = opened.splitlines().index("    edit 4") + 1
    found = [(f[2], f[3]) for f in _audit("fortinet", opened, tmp_path) if f[0] == "HYG-05" and f[1] is Status.FAIL]
    assert found == [(f"The policy on line {line} lets every packet from office to internal through: any source, any "
                      "destination, every service.", [line])]  # fmt: skip
    assert [f[1] for f in _audit("fortinet", text, tmp_path) if f[0] == "HYG-05"] == [Status.PASS]


def test_a_fortigate_policy_naming_an_address_nobody_defined_is_named(tmp_path: Path) -> None:
    """FortiOS refuses an undefined name when it is entered; a hand-edited file may still hold one."""
    text = (FIXTURES / "fortinet" / "fw_compliant.cfg").read_text(encoding="utf-8")
    typo = text.replace('set dstaddr "claims-net"', 'set dstaddr "claims-nett"', 1)
    line = typo.splitlines().index('        set dstaddr "claims-nett"')
    found = [(f[1], f[2], f[3]) for f in _audit("fortinet", typo, tmp_path) if f[0] == "HYG-04"]
    assert found == [
        (
            Status.FAIL,
            "policy 1 refers to claims-nett, which is not defined: the device may filter nothing there (IOS does).",
            [line - 4],
        )
    ]  # the policy's edit line
    assert [f[1] for f in _audit("fortinet", text, tmp_path) if f[0] == "HYG-04"] != [Status.FAIL]


def _unused(platform: str, text: str, tmp_path: Path) -> list[tuple[Status, str]]:
    return [(f[1], f[2]) for f in _audit(platform, text, tmp_path) if f[0] == "HYG-03" and f[1] is not Status.PASS]


def test_an_acl_defined_but_used_nowhere_is_named_a_used_one_never_is(tmp_path: Path) -> None:
    """IOS: an ACL no line names is unused; one an SNMP community, a vty or a NAT rule names is used
    (any line but its own naming it counts), and so is a numbered one whose remarks repeat its number."""
    assert _unused("cisco_ios", EDGE, tmp_path) == []
    text = _with("ip access-list extended FORGOTTEN\n permit tcp any any eq 22\naccess-list 97 remark spare\n"
                 "access-list 97 permit 10.0.0.1\n")  # fmt: skip
    assert _unused("cisco_ios", text, tmp_path) == [
        (Status.FAIL, "ACL FORGOTTEN is defined but used nowhere: remove it, or bind it where it was meant to be."),
        (Status.FAIL, "ACL 97 is defined but used nowhere: remove it, or bind it where it was meant to be."),
    ]
    used = text.replace("\nend", "\nsnmp-server community Public-Ro-9931 RO 97\nend")
    assert [m for _, m in _unused("cisco_ios", used, tmp_path)] == [
        "ACL FORGOTTEN is defined but used nowhere: remove it, or bind it where it was meant to be."
    ]


def test_an_ix_entry_and_a_yamaha_filter_after_a_catch_all_are_never_reached(tmp_path: Path) -> None:
    """Line by line on every platform: an IX entry after ``permit ip src any dest any`` in the lists an
    interface joins (sequence order), a Yamaha filter after ``pass * *`` in a secure filter list."""
    ix = ("ip access-list first permit ip src any dest any\nip access-list later deny tcp src any sport any dest "
          "any dport eq 23\ninterface GigaEthernet0.0\n  ip address 10.0.1.1/24\n  ip filter later 20 in\n"
          "  ip filter first 10 in\n")  # fmt: skip
    found = [(f[2], f[3]) for f in _audit("nec_ix", ix, tmp_path) if f[0] == "HYG-01" and f[1] is Status.FAIL]
    assert found == [("Line 2 of ip filter GigaEthernet0.0 in is never reached: every packet it matches is decided "
                      "by earlier lines (1).", [1, 2, 5])]  # fmt: skip
    yamaha = ("# RTX830 Rev.15.02.29 (Fri Dec 15 10:00:00 2023)\nip lan1 address 10.0.1.1/24\n"
              "ip lan1 secure filter in 100 101\nip filter 100 pass * * * * *\nip filter 101 reject * * tcp * 23\n")  # fmt: skip
    found = [(f[2], f[3]) for f in _audit("yamaha", yamaha, tmp_path) if f[0] == "HYG-01" and f[1] is Status.FAIL]
    assert [line for _, line in found] == [[3, 4, 5]]


_RTX = "# RTX830 Rev.15.02.29 (Fri Dec 15 10:00:00 2023)\nip lan2 address 203.0.113.2/30\nip lan1 address 10.0.1.1/24\n"


def test_yamaha_and_ix_redundant_undefined_and_over_broad_filters_are_named(tmp_path: Path) -> None:
    """The rest of the five cases on Yamaha and IX: a pass the next filter makes anyway, a list naming
    a filter number nobody wrote (a number written but not read is only inexact), a segment list that
    lets everything through; an IX permit the next list's catch-all makes anyway."""
    redundant = (
        _RTX + "ip lan1 secure filter in 100 101\nip filter 100 pass * * tcp * 22\nip filter 101 pass * * * * *\n"
    )
    found = {f[0]: (f[1], f[2]) for f in _audit("yamaha", redundant, tmp_path) if f[0] in ("HYG-02", "HYG-05")}
    assert found["HYG-02"] == (Status.FAIL, "Line 5 of ip lan1 secure filter in changes nothing: the lines after it "
                                            "permit every packet it permits first.")  # fmt: skip
    assert found["HYG-05"] == (Status.FAIL, "ip lan1 secure filter in lets every packet through: it filters nothing.")
    undefined = _RTX + "ip lan1 secure filter in 100 102\nip filter 100 reject * * tcp * 23\n"
    found = {f[0]: (f[1], f[2]) for f in _audit("yamaha", undefined, tmp_path) if f[0] == "HYG-04"}
    assert found["HYG-04"] == (Status.FAIL, "ip lan1 secure filter in refers to 102, which is not defined: the "
                                            "device may filter nothing there (IOS does).")  # fmt: skip
    unread = undefined + "ip filter 102 pass * * tcp * 99999\n"  # written, but a port onshi cannot read
    assert [f[1] for f in _audit("yamaha", unread, tmp_path) if f[0] == "HYG-04"] == [Status.PASS]
    ix = ("ip access-list ssh permit tcp src any sport any dest any dport eq 22\n"
          "ip access-list rest permit ip src any dest any\ninterface GigaEthernet0.0\n  ip address 10.0.1.1/24\n"
          "  ip filter ssh 10 in\n  ip filter rest 20 in\n")  # fmt: skip
    found_ix = [(f[1], f[2]) for f in _audit("nec_ix", ix, tmp_path) if f[0] == "HYG-02"]
    assert found_ix == [(Status.FAIL, "Line 1 of ip filter GigaEthernet0.0 in changes nothing: the lines after it "
                                      "permit every packet it permits first.")]  # fmt: skip


def test_ix_lists_and_yamaha_filters_used_nowhere_are_named(tmp_path: Path) -> None:
    ix = ("ip access-list spare permit ip src any dest any\nip access-list wan-in deny ip src any dest any\n"
          "ip access-list any permit ip src any dest any\nip access-list dynamic dyn access any\n"
          "interface GigaEthernet0.0\n  ip address 203.0.113.2/30\n  ip filter wan-in 1 in\n")  # fmt: skip
    assert [m for _, m in _unused("nec_ix", ix, tmp_path)] == [
        "ip access-list spare is defined but used nowhere: remove it, or bind it where it was meant to be.",
        "ip access-list dynamic dyn is defined but used nowhere: remove it, or bind it where it was meant to be.",
    ]  # `any` is used by the dynamic list, itself bound nowhere
    yamaha = ("# RTX830 Rev.15.02.29 (Fri Dec 15 10:00:00 2023)\n"
              "ip lan2 address 203.0.113.2/30\nip lan2 secure filter in 200 dynamic 300\n"
              "ip filter 200 reject * * * * *\nip filter 201 pass * * tcp * 22\nip filter 202 pass * * * * *\n"
              "ip filter dynamic 300 * * filter 202\n")  # fmt: skip
    assert [m for _, m in _unused("yamaha", yamaha, tmp_path)] == [
        "ip filter 201 is defined but used nowhere: remove it, or bind it where it was meant to be."
    ]


def test_fortigate_objects_of_the_owner_used_nowhere_are_named_those_fortios_ships_never(tmp_path: Path) -> None:
    """An address with a space in its name, unused, then used by a policy; FortiOS's own objects (the
    shipped services the fixture never names) are not the owner's to tidy."""
    fortigate = (FIXTURES / "fortinet" / "fw_compliant.cfg").read_text(encoding="utf-8")
    assert _unused("fortinet", fortigate, tmp_path) == []
    spare = fortigate.replace('    edit "claims-net"\n', '    edit "spare pc"\n        set subnet 192.168.10.99 '
                              '255.255.255.255\n    next\n    edit "claims-net"\n', 1)  # fmt: skip
    assert [m for _, m in _unused("fortinet", spare, tmp_path)] == [
        "address spare pc is defined but used nowhere: remove it, or bind it where it was meant to be."
    ]
    used = spare.replace('set srcaddr "onshi-net"', 'set srcaddr "onshi-net" "spare pc"', 1)
    assert used != spare
    assert _unused("fortinet", used, tmp_path) == []


def test_unused_objects_are_not_judged_where_the_text_is_cut(tmp_path: Path) -> None:
    cut = _with("ip access-list extended FORGOTTEN\n permit tcp any any eq 22\n").replace("\nend", "\n")
    path = tmp_path / "cut.cfg"
    path.write_text(cut, encoding="utf-8")
    report = audit([DeviceJob("device", "cisco_ios", read_config_file(path), reading=Reading.PARTIAL)])
    assert [(f.status, f.message.en) for f in report.findings if f.rule == "HYG-03"] == [
        (Status.MANUAL, "The configuration is not whole: a use of these filters may stand in the part that is missing.")
    ]


def test_yamaha_dynamic_filters_are_not_judged_as_unreachable(tmp_path: Path) -> None:
    """`secure filter out 200099 dynamic 200080 …` with 200099 passing everything is Yamaha's own
    pattern: the dynamic filters admit the replies, which first-match order does not show."""
    text = (FIXTURES / "yamaha_rtx" / "edge_compliant.cfg").read_text(encoding="utf-8")
    assert "dynamic 200080" in text
    found = [f for f in _audit("yamaha", text, tmp_path) if f[1] is Status.FAIL]
    assert found == []


# --- exactness against a brute-force reading --------------------------------------------------------------

# Every region the lists below can tell apart has one of these points: the verdicts must be what
# evaluating the list on them says.
ADDRESSES = ["10.0.0.1", "10.0.1.5", "10.1.0.1", "192.0.2.1"]
PREFIXES = {"any": None, "10.0.0.0 0.0.0.255": "10.0.0.0/24", "10.0.0.0 0.255.255.255": "10.0.0.0/8",
            "host 10.0.1.5": "10.0.1.5/32"}  # fmt: skip
PORT_SPECS = {"": None, " eq 22": (22, 22), " eq 443": (443, 443), " range 1024 65535": (1024, 65535)}
PORTS = [22, 443, 8080, 80]
PROTOCOLS = {"ip": None, "tcp": 6, "udp": 17, "icmp": 1}


@dataclass(frozen=True)
class Line:
    action: str
    protocol: str
    source: str
    destination: str
    port: str

    def text(self) -> str:
        port = self.port if self.protocol in ("tcp", "udp") else ""
        return f" {self.action} {self.protocol} {self.source} {self.destination}{port}"

    def matches(self, packet: tuple[str, str, int, int]) -> bool:
        source, destination, protocol, port = packet
        wanted = PROTOCOLS[self.protocol]
        if wanted is not None and protocol != wanted:
            return False
        for spec, address in ((self.source, source), (self.destination, destination)):
            network = PREFIXES[spec]
            if network is not None and ipaddress.ip_address(address) not in ipaddress.ip_network(network):
                return False
        bounds = PORT_SPECS[self.port] if self.protocol in ("tcp", "udp") else None
        return bounds is None or bounds[0] <= port <= bounds[1]


PACKETS = [(s, d, p, port) for s in ADDRESSES for d in ADDRESSES for p in (6, 17, 1, 47)
           for port in (PORTS if p in (6, 17) else [0])]  # fmt: skip


def _first(lines: list[Line], packet: tuple[str, str, int, int], skip: int | None = None) -> int | None:
    return next((i for i, line in enumerate(lines) if i != skip and line.matches(packet)), None)


LINES = st.builds(Line, st.sampled_from(["permit", "deny"]), st.sampled_from(list(PROTOCOLS)),
                  st.sampled_from(list(PREFIXES)), st.sampled_from(list(PREFIXES)), st.sampled_from(list(PORT_SPECS)))  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=7))
def test_verdicts_are_what_evaluating_the_list_says(lines: list[Line]) -> None:
    text = "ip access-list extended RANDOM\n" + "\n".join(line.text() for line in lines) + "\n"
    device = parse(text, "random.cfg")
    acl = device.acl("RANDOM")
    assert acl is not None
    verdicts = {verdict.line - 2: verdict for verdict in line_verdicts(PacketSpace(), acl)}
    for index, line in enumerate(lines):
        decided_here = [packet for packet in PACKETS if _first(lines, packet) == index]
        if not any(line.matches(packet) for packet in PACKETS):
            continue  # matches nothing the sample can tell (impossible here, kept for clarity)
        assert verdicts[index].unreachable == (not decided_here), (text, index)
        if line.action == "permit" and decided_here:

            def permitted_without(packet: tuple[str, str, int, int], index: int = index) -> bool:
                rest = _first(lines, packet, skip=index)
                return rest is not None and lines[rest].action == "permit"

            assert verdicts[index].redundant == all(permitted_without(p) for p in decided_here), (text, index)
