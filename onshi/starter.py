"""The sample inventory and a starter inventory, for a user who installed onshi without a checkout.

The sample is the repository's ``inventory/``: in an editable install it is read there, and a built
wheel carries it inside the package (``onshi/sample_inventory``, pyproject's force-include), so there
is one copy. ``onshi init DIR`` writes a commented starter: one clinic, its router, and a snapshot
to audit at once (the sample pharmacy's router config, which fits the starter's policy).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from onshi.files import write_atomic
from onshi.policy import file_schemas

_STARTER_FILES = ("hosts.yaml", "groups.yaml", "defaults.yaml")
_STARTER_SNAPSHOT = ("aoba-rtr1.cfg", "clinic-rtr1.cfg")  # (sample snapshot, starter host's snapshot)


def sample_inventory() -> Path:
    """The bundled sample inventory folder."""
    packaged = Path(str(resources.files("onshi").joinpath("sample_inventory")))
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "inventory"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(2, "the sample inventory is not installed with this onshi", str(packaged))


def write_starter(folder: Path) -> list[Path]:
    """Write the starter inventory into ``folder``; an existing inventory there is never overwritten."""
    if (folder / "hosts.yaml").exists():
        raise FileExistsError(17, "already holds an inventory (hosts.yaml): nothing was written", str(folder))
    written = []
    starter = resources.files("onshi").joinpath("data", "starter")
    for name in _STARTER_FILES:
        written.append(folder / name)
        write_atomic(folder / name, starter.joinpath(name).read_text(encoding="utf-8"))
    for name, schema in file_schemas().items():  # each file's yaml-language-server modeline points at its own
        write_atomic(folder / name, json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
        written.append(folder / name)
    sample, host = _STARTER_SNAPSHOT
    snapshot = (sample_inventory() / "configs" / sample).read_text(encoding="utf-8")
    written.append(folder / "configs" / host)
    write_atomic(folder / "configs" / host, snapshot, mode=0o600)
    return written
