"""IOS keywords as a hand-edited file writes them: abbreviated and in any case.

A running-config that IOS prints is always in full, lower-case keywords, but configs that vendors
keep and hand-edit are typed as at the prompt (``lin vty 0 4``, ``tran in telnet ssh``, ``ip nat ins
source static ...``), and IOS accepts every unambiguous prefix of a keyword in any case. Before the
parser reads a line, :func:`canonical_lines` spells such keywords out along a small grammar of the
commands onshi reads: only a word at a keyword position is expanded, never an argument (a name, an
address, a community), and only to the one keyword of that position it is a prefix of. A prefix
shared by two keywords stays as written, so the line stays unrecognized (fail closed) rather than be
read as the wrong command. The text that reports cite is the original; only the parser's view of
the keywords changes, line for line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# A keyword position: the keywords it accepts, each with the positions that follow it ({} = the
# arguments start). Keywords absent here keep their spelling.
Grammar = Mapping[str, "Grammar"]
_END: Grammar = {}


def _words(*names: str) -> dict[str, Grammar]:
    return dict.fromkeys(names, _END)


_NAT_SOURCE: Grammar = {"source": _words("static", "list", "route-map"), "destination": _words("static", "list")}
_IP_TOP: Grammar = {
    "http": {
        **_words("server", "secure-server", "access-class", "authentication", "tls-version", "timeout-policy"),
        **_words("max-connections", "client", "secure-ciphersuite", "active-session-modules"),
    },
    "nat": {"inside": _NAT_SOURCE, "outside": _NAT_SOURCE, **_words("pool", "translation", "service")},
    "ssh": _words("version", "time-out", "authentication-retries", "source-interface", "server", "rsa"),
    "access-list": _words("standard", "extended", "resequence", "logging"),
    **_words("route", "domain", "name-server", "source-route", "finger", "bootp", "vrf", "inspect", "dhcp"),
    **_words("host", "cef", "forward-protocol", "tcp", "ftp", "tftp", "scp", "sla", "prefix-list"),
    **_words("multicast-routing", "classless", "subnet-zero", "flow-export", "general-prefix", "unicast-routing"),
}
_IPV6_TOP: Grammar = {
    **_words("access-list", "route", "unicast-routing", "general-prefix", "source-route", "cef", "inspect"),
    **_words("dhcp", "nd", "host"),
}
_SNMP: Grammar = _words(
    "community", "host", "user", "group", "view", "location", "contact", "enable", "trap-source", "ifindex",
    "engineid", "chassis-id", "system-shutdown", "manager", "queue-length", "tftp-server-list", "file-transfer",
)  # fmt: skip
_LINE_KINDS: Grammar = _words("vty", "console", "con", "aux")
TOP: Grammar = {
    "ip": _IP_TOP,
    "ipv6": _IPV6_TOP,
    "line": _LINE_KINDS,
    "snmp-server": _SNMP,
    "interface": _END,
    "hostname": _END,
    "crypto": _words("isakmp", "ikev2", "ipsec", "map", "dynamic-map", "pki", "key", "keyring"),
    "enable": _words("secret", "password"),
    "service": _words("password-encryption", "timestamps", "tcp-small-servers", "udp-small-servers", "pad"),
    **_words("access-list", "object-group", "router", "zone", "zone-pair", "class-map", "policy-map"),
    **_words("username", "aaa", "login", "logging", "ntp", "archive", "dot11", "banner", "version"),
    **_words("control-plane", "vrf", "cdp", "lldp", "platform", "security", "webvpn", "vpdn-group"),
}
INTERFACE: Grammar = {
    "ip": {
        "access-group": _END,
        "nat": _words("inside", "outside"),
        **_words("address", "inspect", "verify", "vrf", "unnumbered", "virtual-reassembly", "mtu", "tcp"),
        **_words("redirects", "unreachables", "proxy-arp", "helper-address", "route-cache", "directed-broadcast"),
    },
    "ipv6": _words("address", "enable", "traffic-filter", "verify", "nd", "inspect", "dhcp", "mtu", "nat"),
    **_words("shutdown", "description", "zone-member", "crypto", "encapsulation", "tunnel", "pppoe-client"),
    **_words("dialer", "switchport", "encryption", "ssid", "vrf", "duplex", "speed", "bandwidth", "negotiation"),
}
LINE: Grammar = {
    "transport": {"input": _END, "output": _END, "preferred": _END},
    "ipv6": _words("access-class"),
    **_words("exec-timeout", "access-class", "login", "password", "session-timeout", "absolute-timeout"),
    **_words("privilege", "logging", "history", "exec", "length", "width", "stopbits"),
}
# Sub-command grammars by the canonical keyword that opens the block.
CHILDREN: Mapping[str, Grammar] = {"interface": INTERFACE, "line": LINE}

MIN_TOP_PREFIX = 3  # `int`, `lin`: shorter top-level prefixes are ambiguous against IOS's own list


def with_keywords(grammar: Grammar, names: Iterable[str], under: str | None = None) -> Grammar:
    """``grammar`` also knowing ``names`` (at the top, or under the keyword ``under``) as keywords
    that take arguments: a real keyword must be known to be kept, or it could be read as the
    abbreviation of a longer one (IOS-XE's ``policy`` of ``policy-map``)."""
    if under is not None:
        return {**grammar, under: with_keywords(grammar[under], names)}
    return {**_words(*names), **grammar}


def canonical_lines(lines: Iterable[str], top: Grammar = TOP, children: Mapping[str, Grammar] = CHILDREN) -> list[str]:
    """Each line with its keywords in full and in lower case (indentation and arguments kept)."""
    result = []
    block: Grammar = _END
    for line in lines:
        stripped = line.lstrip()
        if stripped[:1] == "!":  # a comment: no keyword, and no block (a quarter of a config's lines)
            text = line
            block = _END if stripped == line else block
        elif stripped and stripped == line:  # a top-level command opens the block its children follow
            text = canonical(line, top, MIN_TOP_PREFIX)
            block = children.get(text.split(None, 1)[0], _END)  # not blank: stripped is the line
        elif stripped and (block or stripped[:2].lower() == "no"):
            text = line[: len(line) - len(stripped)] + canonical(stripped, block, 2)
        else:  # blank, or a sub-command of a block whose keywords onshi does not spell out: as it stands
            text = line
        result.append(text)
    return result


def canonical(line: str, grammar: Grammar, min_prefix: int) -> str:
    """One command with the keywords the grammar knows spelt out (after an optional ``no``)."""
    words = line.split(" ")
    position = grammar
    index = 0
    if words and words[0].lower() == "no":
        words[0] = "no"
        index = 1
    shortest = min_prefix
    while index < len(words) and position:
        word = words[index]
        if not word:  # runs of spaces split into empty words; keep them
            index += 1
            continue
        lowered = word.lower()
        keyword = lowered if lowered in position else expand(lowered, position, shortest)
        if keyword is None:
            break
        words[index] = keyword
        position = position[keyword]
        shortest = 2
        index += 1
    return " ".join(words)


def expand(word: str, keywords: Iterable[str], min_prefix: int) -> str | None:
    """The one keyword that ``word`` (lower case) abbreviates, or None (too short, none, or several)."""
    if len(word) < min_prefix:
        return None
    matches = [keyword for keyword in keywords if keyword.startswith(word)]
    return matches[0] if len(matches) == 1 else None
