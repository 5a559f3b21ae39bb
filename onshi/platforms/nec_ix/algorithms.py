"""IX's names for IKE and IPsec algorithms and Diffie-Hellman groups, as the rules read them."""

from __future__ import annotations

GROUPS = {"768-bit": 1, "1024-bit": 2, "1536-bit": 5, "2048-bit": 14, "3072-bit": 15, "4096-bit": 16,
          "256-bit-ecp": 19, "384-bit-ecp": 20, "521-bit-ecp": 21}  # fmt: skip
ALGORITHMS = {"sha": "sha1", "sha1": "sha1", "md5": "md5", "sha2-256": "sha256", "sha2-384": "sha384",
              "sha2-512": "sha512", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}  # fmt: skip


def algorithm(word: str) -> str:
    """``esp-sha`` → ``sha1``, ``sha2-512`` → ``sha512``; other names as written."""
    bare = word.removeprefix("esp-").removeprefix("ah-")
    return ALGORITHMS.get(bare, bare)
