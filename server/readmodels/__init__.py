"""In-memory read models of the halls (issue 14): what displays, counters and phones read, kept current
from the committed events (this process's and other processes') and served as pre-encoded JSON per ``seq``.

* :mod:`.state`  ``HallState``: windows, the tickets that matter, waiting counts — loaded once, then
  advanced event by event (pure; no I/O)
* :mod:`.hub`    ``ReadModels``: one ``HallState`` per hall on the event loop, fed by the hall writer,
  PostgreSQL ``LISTEN`` and a poll of ``halls.seq``; encodes and caches the answers, with ETags
"""

from .hub import Encoded, ReadModels
from .state import HallState

__all__ = ["Encoded", "HallState", "ReadModels"]
