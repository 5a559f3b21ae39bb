"""``python -m onshi``: the ``onshi`` command."""

from onshi.cli import main

main()
