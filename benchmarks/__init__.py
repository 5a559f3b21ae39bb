"""Benchmarks: each ``python -m benchmarks.<name>``; see the README for what each measures."""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CISCO_CORPUS = ROOT.parent / "shared" / "corpus" / "cisco_ios"  # the shared real-world Cisco configs


def compile_onshi(checkout: Path = ROOT) -> None:
    """Byte-compile onshi's modules, as ``pip install`` leaves an installed package: a benchmark that
    runs the command line as a fresh process would otherwise time compiling every module at every
    start wherever PYTHONDONTWRITEBYTECODE is set (this machine sets it)."""
    compileall.compile_dir(checkout / "onshi", quiet=1)
