"""Stopping ``hallq run`` at any moment: the first Ctrl-C (SIGINT) or SIGTERM raises KeyboardInterrupt in
the main thread, wherever it is — importing, preparing ``var/``, starting the server, in the summary
loop — and every later one is ignored, so the stop (apps, people, server, in that order) is never cut
short and the run ends with its totals and exit status 0, never a traceback or 130.

Installed by ``hallq run``'s ``register()`` before the heavy imports (``server.live.command``), i.e. a few
tens of milliseconds after the interpreter starts.
"""

from __future__ import annotations

import signal
from types import FrameType

__all__ = ["StopSignals", "install"]


class StopSignals:
    """Until :meth:`arm` (argument parsing, before ``hallq run`` has a place to catch it) a signal is only
    noted, and :meth:`arm` raises it; after, the first raises KeyboardInterrupt where the program is."""

    def __init__(self) -> None:
        self.received: int | None = None  # the first stop signal (signal.SIGINT or SIGTERM), if any
        self.stopping = False  # set when the stop begins: from then on signals are ignored
        self.armed = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum
        if self.armed and not self.stopping:
            self.stopping = True
            raise KeyboardInterrupt

    def arm(self) -> None:
        """From here on a stop signal interrupts; one that came before interrupts now."""
        self.armed = True
        if self.received is not None and not self.stopping:
            self.stopping = True
            raise KeyboardInterrupt

    @property
    def name(self) -> str:
        """How the run was stopped, for its last line."""
        if self.received == signal.SIGTERM:
            return "已终止 terminated (SIGTERM)"
        return "已中断 interrupted" if self.received is not None else "已停止 stopped"


_installed: StopSignals | None = None


def install() -> StopSignals:
    """The process's handler for SIGINT and SIGTERM (installed once)."""
    global _installed
    if _installed is None:
        _installed = StopSignals()
        signal.signal(signal.SIGINT, _installed)
        signal.signal(signal.SIGTERM, _installed)
    return _installed
