"""Text from devices and inventories, made safe for where it is shown.

Interface names, SSIDs, usernames, descriptions and host names come from configs and inventories
that a hostile party may have written: an escape sequence in them would drive the terminal, and a
cell starting with ``=``, ``+``, ``-``, ``@`` would run as a formula in a spreadsheet. Each output
neutralises what it shows (rich markup is never interpreted in such text either: it is passed as
:class:`rich.text.Text`).
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and the C1 controls (CSI is U+009B): shown as \xNN.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``) instead of sent as is."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match[0]):02x}", text)


def spreadsheet_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: one that starts like a formula gets a leading
    apostrophe (OWASP's CSV-injection advice), and controls are shown as escapes."""
    text = printable(text)
    return "'" + text if text.startswith(_FORMULA_START) else text
