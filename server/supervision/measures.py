"""How long a visitor waited and was served: the one definition supervision and reports share.

* **wait** of a ticket = from when it joined its service's queue to when it was (last) called.
  It joined at ``issued_at``; a transfer continuation joined when the first window handed it on (the
  original ticket's ``finished_at``), although it keeps the original's ``queued_at`` for its place in
  line; a requeued no-show (过号重排) is counted from its new ``queued_at`` (just behind the ticket it
  was placed after). Hence ``max(queued_at, transferred_at or issued_at)``.
* **service time** = ``finished_at − started_at`` (the visitor at the window).

>>> wait_start(issued_at=100.0, queued_at=100.0)
100.0
>>> wait_start(issued_at=100.0, queued_at=100.0, transferred_at=700.0)   # waited again after a transfer
700.0
"""

from __future__ import annotations


def wait_start(*, issued_at: float, queued_at: float, transferred_at: float | None = None) -> float:
    return max(queued_at, issued_at if transferred_at is None else transferred_at)


def wait_s(*, issued_at: float, queued_at: float, called_at: float | None,
           transferred_at: float | None = None) -> float | None:
    """Seconds from joining the queue to the call; None if never called."""
    if called_at is None:
        return None
    return max(0.0, called_at - wait_start(issued_at=issued_at, queued_at=queued_at,
                                           transferred_at=transferred_at))


def service_s(started_at: float | None, finished_at: float | None) -> float | None:
    if started_at is None or finished_at is None:
        return None
    return max(0.0, finished_at - started_at)
