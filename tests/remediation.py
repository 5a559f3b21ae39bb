"""Apply a finding's remediation commands to a configuration text, as the device would, so that a
test can audit the result (the commands are proven by parsing them back, not by reading them).

Cisco IOS: configuration mode, block by block (see :func:`apply_ios`).

FortiOS: the commands are configuration text themselves; entered after the config, each setting
they make replaces the one before (which the parser reads as the device would).

NEC IX: configuration mode; ``interface X`` or ``ppp profile X`` enters that block (any other
top-level command leaves it); ``no X`` removes the line X there (a secret in X given as the
placeholder), ``no ip access-list NAME`` the whole list, ``no interface X`` the whole block; a command
holding one value per key (``username NAME``, ``ike policy NAME`` ...) replaces the one before; any
other command is added there (``ssh-server ip enable``).

Yamaha RTX: commands are entered at the prompt; ``pp select N`` / ``tunnel select N`` choose the
block a command acts in (``… select none`` leaves it); ``no X`` removes the line X there; any other
command replaces the line with the same command name (its leading words) there, or is added.
"""

from __future__ import annotations

import re

from onshi.platforms.nec_ix.secrets import mask_line

_PLACEHOLDER = re.compile(r"<value from line (\d+)>")

# How many leading words name a Yamaha command (the rest are its values): two unless listed.
_NAME_WORDS = {"schedule": 3, "ip": 3, "nat": 5}
_SELECT = re.compile(r"^(pp|tunnel) select (\S+)$")


def apply_yamaha(text: str, commands: tuple[str, ...]) -> str:
    lines = text.splitlines()
    block: str | None = None  # "pp select 1" while a block is selected
    for command in commands:
        selected = _SELECT.match(command)
        if selected:
            block = None if selected[2] == "none" else command
            continue
        span = _span(lines, block)
        if command.startswith("no "):
            target = command[3:].strip()
            lines = [line for i, line in enumerate(lines) if i not in span or not _is(line, target)]
            continue
        name = _name(command)
        same = [i for i in span if _name(lines[i].strip()) == name]
        indent = " " if block else ""
        if same:
            lines[same[0]] = indent + command
        else:
            lines.insert(span.stop if block else len(lines), indent + command)
    return "\n".join(lines) + "\n"


def _span(lines: list[str], block: str | None) -> range:
    """The lines of the selected block (its indented lines), or the whole text at top level."""
    if block is None:
        return range(len(lines))
    start = next(i for i, line in enumerate(lines) if line.strip() == block) + 1
    end = start
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    return range(start, end)


def _is(line: str, target: str) -> bool:
    stripped = line.strip()
    return stripped == target or stripped.startswith(target + " ")


def _name(command: str) -> tuple[str, ...]:
    words = command.split()
    if words[:1] == ["ipsec"]:  # `ipsec ike group 1 …`, `ipsec sa policy 101 …`: named up to their number
        number = next((i for i, word in enumerate(words) if word.isdigit()), len(words) - 1)
        return tuple(words[: number + 1])
    return tuple(words[: _NAME_WORDS.get(words[0], 2)]) if words else ()


def apply_fortios(text: str, commands: tuple[str, ...]) -> str:
    return text.rstrip("\n") + "\n" + "\n".join(commands) + "\n"


def with_secret(command: str, raw_lines: list[str]) -> str:
    """A command as the engineer enters it: a ``<value from line N>`` placeholder (onshi prints no
    secret) filled with the value the unmasked line N holds: undoing that whole line, or entering it
    again (the value is the word of line N after the words the command has before the placeholder)."""
    found = _PLACEHOLDER.search(command)
    if found is None:
        return command
    raw = raw_lines[int(found[1]) - 1].strip()
    if command.lstrip().startswith("no "):
        return command[: command.index(command.lstrip())] + "no " + raw
    before, words = command[: found.start()].split(), raw.split()
    assert words[: len(before)] == before, (command, "does not enter line", found[1], "again")
    return command.replace(found[0], words[len(before)])


def apply_ios(text: str, commands: tuple[str, ...]) -> str:
    """Cisco IOS, as configuration mode takes the commands: a command at the left margin acts at the
    top level (and, when indented commands follow, opens that block: the existing one, or a new one
    before ``end``); an indented one acts in the open block. ``no X`` removes the line X (and its
    block); when there is none it stays as a line (IOS shows ``no ip http server`` and the like).
    Any other command replaces the line that differs from it only in its last word (``exec-timeout
    5 0`` → ``exec-timeout 15 0`` by its name, ``ip ssh version 1`` → ``2``), or is added."""
    lines = text.splitlines()
    block: int | None = None  # index of the open block's header
    added = 0  # lines of a new block written so far (a new block takes its lines as they are)
    for number, command in enumerate(commands):
        if not command.startswith(" "):
            opens = number + 1 < len(commands) and commands[number + 1].startswith(" ")
            existed = opens and any(line.strip() == command for line in lines)
            block, added = _top_level(lines, command, opens), 0 if existed or not opens else 1
            continue
        if added:
            assert block is not None
            lines.insert(block + added, command)
            added += 1
        else:
            _in_block(lines, block, command.strip())
    return "\n".join(lines) + "\n"


def _top_level(lines: list[str], command: str, opens: bool) -> int | None:
    headers = [i for i, line in enumerate(lines) if line and not line.startswith((" ", "!"))]
    if opens:
        found = next((i for i in headers if lines[i].strip() == command), None)
        if found is None:
            found = _end(lines)
            lines.insert(found, command)
        return found
    if command.startswith("no "):
        target = command[3:]
        doomed = [i for i in headers if _is(lines[i], target)]
        for index in reversed(doomed):
            del lines[index : _block_end(lines, index)]
        if not doomed and not target.startswith(("ip access-list", "ipv6 access-list")):  # none to delete
            lines.insert(_end(lines), command)
        return None
    same = next((i for i in headers if _same_but_last(lines[i], command) or _same_header(lines[i], command)), None)
    if same is not None:
        lines[same] = command
    elif command not in (line.strip() for line in lines):
        lines.insert(_end(lines), command)
    return None


def _in_block(lines: list[str], header: int | None, command: str) -> None:
    assert header is not None, f"{command!r} outside a block"
    members = range(header + 1, _block_end(lines, header))
    if command.startswith("no "):
        doomed = [i for i in members if _is(lines[i], command[3:])]
        for index in reversed(doomed):
            del lines[index]
        if not doomed:  # IOS shows the default it turned off (`no cdp enable`)
            lines.insert(members.stop, " " + command)
        return
    name = _ios_name(command)
    same = [i for i in members if _ios_name(lines[i].strip()) == name]
    if same:
        lines[same[0]] = " " + command
        for index in reversed(same[1:]):
            del lines[index]
    else:
        lines.insert(members.stop, " " + command)


def _ios_name(command: str) -> tuple[str, ...]:
    """A sub-mode command's name: its words up to the first value (a number or after `input`)."""
    words = command.split()
    name: list[str] = []
    for word in words:
        if (word[0].isdigit() and name[-1:] != ["vlan"]) or (name and name[-1] == "input"):
            break  # a radio's `encryption vlan N …` is one setting per VLAN
        name.append(word)
    return tuple(name)


def _same_header(line: str, command: str) -> bool:
    """A line whose values are entered again with it (``crypto ipsec transform-set NAME transforms``,
    ``snmp-server community STRING …``): the same named object, changed in place (its block stays)."""
    have, want = line.split(), command.split()
    if want[:2] == ["snmp-server", "community"]:
        return have[:3] == want[:3]
    return want[:3] == ["crypto", "ipsec", "transform-set"] and have[:4] == want[:4]


def _same_but_last(line: str, command: str) -> bool:
    have, want = line.split(), command.split()
    return len(have) == len(want) > 2 and have[:-1] == want[:-1]


def _block_end(lines: list[str], header: int) -> int:
    end = header + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    return end


def _end(lines: list[str]) -> int:
    """Where a new top-level line goes: before the final ``end``."""
    return max((i for i, line in enumerate(lines) if line.strip() == "end"), default=len(lines))


def apply_ix(text: str, commands: tuple[str, ...]) -> str:
    lines = text.splitlines()
    block: str | None = None  # "interface GigaEthernet0.1" while in that block
    for command in commands:
        stripped = command.strip()
        if not command.startswith(" "):
            block = stripped if stripped.startswith(_IX_BLOCKS) else None
            if block is not None:
                if block not in (line.strip() for line in lines):
                    lines += ["!", block]
                continue
        span = _span(lines, block)
        if stripped.startswith("no ") and block is None and _ix_removes_whole(stripped[3:], lines):
            lines = _ix_without(lines, stripped[3:])
        elif stripped.startswith("no "):
            target = stripped[3:]
            lines = [line for i, line in enumerate(lines) if i not in span or not _ix_is(line.strip(), target)]
            if stripped in _IX_SHOWN_NO:  # a state the router shows as it is: `no shutdown`
                span = _span(lines, block)
                lines.insert(span.stop if block else len(lines), ("  " if block else "") + stripped)
        elif stripped not in (lines[i].strip() for i in span):
            same = [i for i in span if block is None and _ix_key(lines[i]) is not None
                    and _ix_key(lines[i]) == _ix_key(stripped)]  # fmt: skip
            if same:  # one value per key: entering it replaces the one before
                lines[same[0]] = stripped
            else:
                lines.insert(span.stop if block else len(lines), ("  " if block else "") + stripped)
    return "\n".join(lines) + "\n"


_IX_BLOCKS = ("interface ", "ppp profile ")
_IX_SHOWN_NO = ("no shutdown", "no ip address", "no auto-connect")
_IX_KEYED = (("hostname", 1), ("timezone", 1), ("username", 2), ("logging buffered", 2), ("ntp interval", 2),
             ("ike proposal", 3), ("ike policy", 3), ("ike keepalive", 3), ("ipsec autokey-proposal", 3),
             ("ipsec autokey-map", 3), ("ipsec local-id", 3), ("ipsec remote-id", 3),
             ("ssh-server ip access-list", 3))  # fmt: skip


def _ix_key(line: str) -> str | None:
    words = line.split()
    for prefix, length in _IX_KEYED:
        if " ".join(words).startswith(prefix + " ") and len(words) >= length:
            return " ".join(words[:length])
    return None


def _ix_is(line: str, target: str) -> bool:
    """The line a ``no`` names, a secret in it given as the placeholder for the value configured."""
    return line == target or ("<value as configured>" in target and _ix_masked(line) == target)


def _ix_masked(line: str) -> str:
    return mask_line(line).replace("<masked>", "<value as configured>")


def _ix_removes_whole(target: str, lines: list[str]) -> bool:
    """``no ip access-list NAME`` (the whole list) and ``no interface X`` / ``no ppp profile X`` (the block)."""
    words = target.split()
    return (words[1:2] == ["access-list"] and len(words) == 3) or target in (
        line.strip() for line in lines if line.startswith(_IX_BLOCKS)
    )


def _ix_without(lines: list[str], target: str) -> list[str]:
    words = target.split()
    if words[1:2] == ["access-list"]:
        return [line for line in lines if line.split()[:3] != words]
    start = next(i for i, line in enumerate(lines) if line.strip() == target)
    end = start + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    return lines[:start] + lines[end:]
