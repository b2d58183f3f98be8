"""``hallq`` under cProfile, for bench_server/bench_province with ``BENCH_PROFILE_DIR=dir``: the server's
event-loop thread (HTTP stack, routing, handlers) is profiled in CPU time, the writer thread is not; the stats are
written to ``$PROF_OUT`` when the server exits (SIGTERM from the bench). cProfile roughly doubles the
CPU per request, so a profiled run's rates are not figures; read its shares (``python -m pstats``).
"""

from __future__ import annotations

import atexit
import cProfile
import os
import runpy
import signal
import sys
import time

_out = os.environ["PROF_OUT"]
_prof = cProfile.Profile(time.thread_time)  # CPU of this thread: not the time spent waiting for the GIL
_done: list[bool] = []


def _dump() -> None:
    if not _done:
        _done.append(True)
        _prof.disable()
        _prof.dump_stats(_out)


def _term(_sig: int, _frame: object) -> None:
    _dump()
    sys.exit(0)


atexit.register(_dump)
# uvicorn restores the handler it found and raises SIGTERM again after its graceful shutdown: this one
signal.signal(signal.SIGTERM, _term)
sys.argv = ["hallq", *sys.argv[1:]]
_prof.enable()
try:
    runpy.run_module("hallq.cli", run_name="__main__")
finally:
    _dump()
