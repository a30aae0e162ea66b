"""When a file's or a folder's times can stand for what it holds.

Clocks and file systems count time coarser than changes can come: a file written twice
within one tick keeps the times of the first write. A status is trusted only once its
times are older than :data:`SETTLED_NS`; anything more recent is read afresh next time.
"""

from __future__ import annotations

import time

#: How old a change must be for every later change to show in the times.
SETTLED_NS = 2_000_000_000


def settled_cutoff() -> int:
    """The ``time_ns`` time a change must be at or before to count as settled, now."""
    return time.time_ns() - SETTLED_NS
