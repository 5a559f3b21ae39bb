"""Process settings for the audit's work: fewer runs of Python's cycle collector.

Parsing and judging make millions of small objects that nearly all outlive the collections that
count them (the parsed devices, the findings) and hold no reference cycles. With CPython's default
(a collection every 700 net allocations), the collector spent about a sixth of an audit's time
tracing them over and over (``benchmarks/bench_audit``). During an audit it runs every
:data:`YOUNG_THRESHOLD` allocations instead, and leaves out what existed before (the imported
modules, caches), as ``gc.freeze`` does; both are restored after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 50_000  # allocations between collections of the youngest generation (CPython: 700)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Within the block, the cycle collector runs rarely and skips the objects made before it.

    Where objects are frozen already (an outer block, or the parent a worker process was forked
    from), they stay so: a worker that traversed what it inherited would write to every page of it
    (the collector marks each object it visits), making the parent's memory its own copy."""
    threshold = gc.get_threshold()
    outer = gc.get_freeze_count() > 0
    if not outer:
        gc.freeze()
    gc.set_threshold(max(threshold[0], YOUNG_THRESHOLD), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not outer:
            gc.unfreeze()


def no_collections_at_exit() -> None:
    """At exit, CPython runs full collections over every object still alive (each tens of
    milliseconds once onshi's modules are loaded, several in all: a fifth of a second of a fleet
    audit through the command line). Frozen, the objects are left out of them; the process ends
    all the same, with its files flushed and closed and its exit handlers run."""
    gc.freeze()
