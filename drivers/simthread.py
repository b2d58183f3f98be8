"""The life cycle every line simulator shares: its threads, a wake-up pipe, start once, close once.

The serial-bus simulator (:mod:`drivers.serialsim`: window LEDs and rating pads on a pty), the
printer simulators (:mod:`drivers.printer.simulator`: pty and TCP) and the ID card reader's
(:mod:`drivers.idcard.simulator`) each run a thread that waits in ``select()`` on its line and on
the read end of a pipe; the card reader adds a writer thread, which :meth:`LineSimulator._stopping`
ends. :meth:`LineSimulator.close` writes to the pipe, so the threads wake at once and stop instead
of sitting in ``select()`` until the host happens to send something; then the subclass releases
its line (:meth:`LineSimulator._release`) and the pipe is closed. Nothing keeps running after a
test::

    with LedSimulator() as sim:     # start() on enter, close() on exit
        ...
"""

from __future__ import annotations

import abc
import os
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Self

__all__ = ["LineSimulator"]

#: how long close() waits for the thread (it wakes at once; this bounds a wedged device model)
JOIN_TIMEOUT_S = 10.0


class LineSimulator(abc.ABC):
    """A simulated device on a real line, served by one thread. Subclasses implement
    :meth:`_run` (return when :attr:`_closing` is set and the wake-up pipe is readable) and
    :meth:`_release` (close the line's file descriptors; the thread has stopped)."""

    def __init__(self, thread_name: str) -> None:
        self._wake_r, self._wake_w = os.pipe()
        self._closing = False
        self._started = False
        self._threads = [threading.Thread(target=self._run, name=thread_name, daemon=True)]

    def _add_thread(self, target: Callable[[], None], name: str) -> None:
        """Another thread of this simulator (before :meth:`start`); it must end once :meth:`_stopping` ran."""
        self._threads.append(threading.Thread(target=target, name=name, daemon=True))

    def start(self) -> Self:
        if not self._started:
            self._started = True
            for thread in self._threads:
                thread.start()
        return self

    def close(self) -> None:
        """Stop the thread and close the line: the host then sees its link drop."""
        if self._closing:
            return
        self._closing = True
        self._wake()
        self._stopping()
        if self._started:
            for thread in self._threads:
                thread.join(timeout=JOIN_TIMEOUT_S)
        self._release()
        os.close(self._wake_r)
        os.close(self._wake_w)

    def _wake(self) -> None:
        """Make the thread's ``select()`` return (to stop, or to look at its timers again)."""
        os.write(self._wake_w, b"x")

    def _stopping(self) -> None:  # noqa: B027 - optional hook: most simulators have no such thread
        """Tell threads that do not watch the wake-up pipe to end (default: there are none)."""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @abc.abstractmethod
    def _run(self) -> None:
        """The simulator's thread."""

    @abc.abstractmethod
    def _release(self) -> None:
        """Close the line's file descriptors (the thread has stopped)."""
