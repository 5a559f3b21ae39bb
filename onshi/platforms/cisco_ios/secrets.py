"""Cisco IOS secrets: masking lines, decoding type 7, classifying password types."""

from __future__ import annotations

import re

from onshi.model import Secret, SecretStorage
from onshi.secrets import MASK, describe_secret

# Words after which the next value (possibly after an encryption-type digit) is a secret.
_SECRET_WORDS = frozenset(
    {
        "password",
        "secret",
        "key",
        "key-string",
        "community",
        "pre-shared-key",
        "ascii",
        "hex",
        "authentication-key",
        "server-key",
        "psk",
    }
)
# Masking acts only on whole tokens: a line without any of these tokens holds no secret.
_TRIGGERS = _SECRET_WORDS | {"snmp-server", "md5", "sha", "encryption"}
_TYPE_DIGIT = re.compile(r"^\d{1,2}$")
_XLAT = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"
_SNMP_HOST_SKIP = frozenset({"traps", "informs", "version", "1", "2c", "3", "auth", "noauth", "priv"})
_SNMP_USER_AUTH = frozenset({"md5", "sha", "sha256", "sha384", "sha512"})
_SNMP_USER_PRIV = frozenset({"des", "3des", "aes", "des56"})
_PRIV_SIZES = frozenset({"128", "192", "256"})


_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)([^@\s]+)(@)", re.IGNORECASE)
_REDUNDANCY = frozenset({"standby", "vrrp", "glbp"})  # `standby 1 authentication TEXT`: a plaintext key


def mask_line(line: str) -> str:
    """Replace every secret on an IOS line by ``<masked>``; other text is unchanged."""
    if "://" in line:  # `archive path ftp://user:PASS@host/...`, `ip ftp` / `copy` URLs
        line = _URL_PASSWORD.sub(lambda m: f"{m[1]}{MASK}{m[3]}", line)
    lowered = line.lower().split()
    if _TRIGGERS.isdisjoint(lowered) and ("authentication" not in lowered or _REDUNDANCY.isdisjoint(lowered[:2])):
        return line
    tokens = line.split(" ")
    words = [token.lower() for token in tokens]
    positions = _secret_positions(words)
    for position in positions:
        tokens[position] = MASK
    return " ".join(tokens)


def _secret_positions(words: list[str]) -> set[int]:
    """Token positions holding secrets (tokens split on single spaces, so indentation is kept)."""
    significant = [index for index, word in enumerate(words) if word]
    if [words[index] for index in significant[:1]] == ["no"]:
        significant = significant[1:]  # `no snmp-server user ...` names the secrets it removes
    sig_words = [words[index] for index in significant]
    found: set[int] = set()
    if sig_words[:2] == ["snmp-server", "host"]:
        found.update(_snmp_host_secret(sig_words))
    elif sig_words[:2] == ["snmp-server", "user"]:
        found.update(_snmp_user_secrets(sig_words))
    elif "encryption" in sig_words and "size" in sig_words:
        found.update(_wep_key_secret(sig_words))
    elif sig_words[:1] and sig_words[0] in _REDUNDANCY and "authentication" in sig_words:
        found.update(_redundancy_secret(sig_words))
    for index, word in enumerate(sig_words):
        if word in _SECRET_WORDS or (word in ("md5", "sha") and sig_words[:1] != ["snmp-server"]):
            found.update(_value_after(sig_words, index))
    return {significant[index] for index in found if index < len(significant)}


def _value_after(words: list[str], index: int) -> list[int]:
    """The value following a secret keyword, skipping an encryption-type digit and qualifiers."""
    position = index + 1
    if words[index] == "pre-shared-key" and position < len(words) and words[position] in ("address", "hostname"):
        return []  # `pre-shared-key address A key K`: the value follows `key`
    if words[index] == "key" and position + 1 < len(words) and words[position + 1] == "size":
        return []  # `encryption key 1 size 128bit ...`: a WEP key index, the value follows the size
    if position + 1 < len(words) and words[position] == "level":
        position += 2  # `enable secret level 15 ...`
    while position < len(words) and words[position] in ("local", "remote", "0", "6", "7", "ascii", "hex"):
        nxt = position + 1
        if words[position] in ("0", "6", "7") and nxt >= len(words):
            break  # the digit is the value itself
        position = nxt
    if words[index] == "key" and position < len(words) and words[position] in ("chain", "config-key"):
        return []
    typed_value = position < len(words) and _TYPE_DIGIT.match(words[position]) and position + 1 < len(words)
    if typed_value and words[index] in ("password", "secret", "key", "key-string", "authentication-key"):
        position += 1
    return [position] if position < len(words) else []


def _snmp_host_secret(words: list[str]) -> list[int]:
    position = 3  # snmp-server host <address> ...
    while position < len(words) and words[position] in _SNMP_HOST_SKIP:
        position += 1
    if position < len(words) and words[position] == "vrf":
        position += 2
    return [position] if position < len(words) else []


def _snmp_user_secrets(words: list[str]) -> list[int]:
    found = []
    for index, word in enumerate(words):
        if word in _SNMP_USER_AUTH and index > 0 and words[index - 1] == "auth":
            found.append(index + 1)
        if word in _SNMP_USER_PRIV and index > 0 and words[index - 1] == "priv":
            value = index + 1
            if value < len(words) and words[value] in _PRIV_SIZES:
                value += 1
            found.append(value)
    return found


def _redundancy_secret(words: list[str]) -> list[int]:
    """``standby 1 authentication TEXT`` / ``vrrp 1 authentication text TEXT``; the md5 forms name a
    ``key-string`` (masked by its keyword) or a key chain (not a secret)."""
    position = words.index("authentication") + 1
    if position < len(words) and words[position] == "text":
        position += 1
    if position >= len(words) or words[position] == "md5":
        return []
    return [position]


def _wep_key_secret(words: list[str]) -> list[int]:
    index = words.index("size") + 2
    if index < len(words) and words[index] in ("0", "7"):
        index += 1
    return [index]


def decode_type7(encoded: str) -> str | None:
    """Decode a Cisco type 7 string; None when it is not valid type 7."""
    if len(encoded) < 4 or len(encoded) % 2 or not encoded[:2].isdigit():
        return None
    try:
        seed = int(encoded[:2])
        pairs = [int(encoded[i : i + 2], 16) for i in range(2, len(encoded), 2)]
    except ValueError:
        return None
    return "".join(chr(value ^ ord(_XLAT[(seed + i) % len(_XLAT)])) for i, value in enumerate(pairs))


_HASH_STORAGE = {
    "4": SecretStorage.WEAK_HASH,
    "5": SecretStorage.WEAK_HASH,
    "8": SecretStorage.STRONG_HASH,
    "9": SecretStorage.STRONG_HASH,
    "6": SecretStorage.ENCRYPTED,
}


def typed_secret(kind: str, type_digit: str | None, value: str, line: int, *, hashed: bool) -> Secret:
    """Describe a secret written as ``[TYPE] VALUE``.

    ``hashed`` is True for ``secret`` keywords, whose untyped value IOS hashes (as type 5) itself:
    a running-config always shows the stored type, so an untyped ``secret`` only appears in
    hand-written configs, where it will be stored as a hash.
    """
    if type_digit in (None, "0"):
        if hashed and type_digit is None:
            return describe_secret(kind, SecretStorage.WEAK_HASH, value, line)
        return describe_secret(kind, SecretStorage.PLAINTEXT, value, line)
    if type_digit == "7":
        decoded = decode_type7(value)
        if decoded is None:
            return describe_secret(kind, SecretStorage.ENCRYPTED, value, line)
        return describe_secret(kind, SecretStorage.REVERSIBLE, decoded, line)
    return describe_secret(kind, _HASH_STORAGE.get(str(type_digit), SecretStorage.ENCRYPTED), value, line)


def split_typed(tokens: list[str], index: int) -> tuple[str | None, str] | None:
    """At ``tokens[index]``: ``TYPE VALUE`` or ``VALUE``; None when nothing is there."""
    if index >= len(tokens):
        return None
    if _TYPE_DIGIT.match(tokens[index]) and index + 1 < len(tokens):
        return tokens[index], tokens[index + 1]
    return None, tokens[index]
