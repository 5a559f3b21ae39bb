"""FortiAP SSIDs from the FortiGate's wireless controller (``wireless-controller vap``)."""

from __future__ import annotations

from onshi.model import Secret, Ssid, WifiSecurity
from onshi.platforms.fortinet.secrets import stored_secret
from onshi.platforms.fortinet.tree import Tree

_SECURITY = {
    "open": (WifiSecurity.OPEN, ()), "captive-portal": (WifiSecurity.OPEN, ()),
    "wep64": (WifiSecurity.WEP, ("psk",)), "wep128": (WifiSecurity.WEP, ("psk",)),
    "wpa-personal": (WifiSecurity.WPA, ("psk",)), "wpa-only-personal": (WifiSecurity.WPA, ("psk",)),
    "wpa2-only-personal": (WifiSecurity.WPA2, ("psk",)), "wpa-enterprise": (WifiSecurity.WPA, ("dot1x",)),
    "wpa-only-enterprise": (WifiSecurity.WPA, ("dot1x",)), "wpa2-only-enterprise": (WifiSecurity.WPA2, ("dot1x",)),
    "wpa3-sae": (WifiSecurity.WPA3, ("sae",)), "wpa3-enterprise": (WifiSecurity.WPA3, ("dot1x",)),
    "wpa3-sae-transition": (WifiSecurity.WPA3, ("sae", "psk")),
}  # fmt: skip
_CIPHERS = {"AES": ("aes-ccm",), "TKIP": ("tkip",), "TKIP-AES": ("tkip", "aes-ccm")}


def ssids(tree: Tree) -> tuple[Ssid, ...]:
    found = []
    for name, entry in tree.block("wireless-controller vap").entries.items():
        security, management = _SECURITY.get(
            entry.value("security", "wpa2-only-personal") or "", (WifiSecurity.OPEN, ())
        )
        ciphers = (
            () if security is WifiSecurity.OPEN else _CIPHERS.get(entry.value("encryption", "AES") or "", ("tkip",))
        )
        if security is WifiSecurity.WEP:
            ciphers = ("wep",)
        passphrase = entry.settings.get("passphrase")
        psk: Secret | None = None
        if passphrase is not None and passphrase.values:
            psk = stored_secret("wifi_psk", passphrase.values, passphrase.line)
        found.append(Ssid(
            name=entry.value("ssid") or name, security=security, ciphers=ciphers, key_management=management, psk=psk,
            broadcast=entry.value("broadcast-ssid", "enable") == "enable",
            mac_filter=entry.value("mac-filter") == "enable", vlan=int(entry.value("vlanid", "0") or 0) or None,
            lines=entry.lines(),
        ))  # fmt: skip
    return tuple(found)
