"""Actions at demo times: one scheduler thread, a few worker threads that run them (an HTTP call each,
mostly), so that a slow answer at one window never holds up the others.

Each window and each visitor has at most one action pending; an action schedules whatever comes next
(``agenda.at(now + service_s, finish)``). An action that raises is logged and counted, never fatal:
the hall goes on.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from client import ServerUnreachable

from .clock import DemoClock

log = logging.getLogger("hallq.live")
Action = Callable[[], None]
RECHECK_S = 0.5  # real seconds: the scheduler also wakes this often (the clock may have jumped)


class Agenda:
    def __init__(self, clock: DemoClock, *, workers: int = 6) -> None:
        self.clock = clock
        self.errors = 0
        self._heap: list[tuple[float, int, Action]] = []
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._stopping = False
        self._running = 0
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="hallq-live")
        self._thread = threading.Thread(target=self._loop, name="hallq-live-agenda", daemon=True)

    def at(self, when: float, action: Action) -> None:
        with self._cv:
            heapq.heappush(self._heap, (when, next(self._seq), action))
            self._cv.notify()

    def soon(self, action: Action) -> None:
        self.at(self.clock.now(), action)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop scheduling; wait for the actions already running (each bounded by the client's timeout)."""
        with self._cv:
            self._stopping = True
            self._heap.clear()
            self._cv.notify_all()
        self._thread.join(timeout=10)
        self._pool.shutdown(wait=True, cancel_futures=True)

    @property
    def busy(self) -> bool:
        """Something is running or due now."""
        with self._cv:
            return self._running > 0 or bool(self._heap and self._heap[0][0] <= self.clock.now())

    def _loop(self) -> None:
        with self._cv:
            while not self._stopping:
                if not self._heap:
                    self._cv.wait(RECHECK_S)
                    continue
                delay = self.clock.real_seconds(self._heap[0][0] - self.clock.now())
                if delay > 0:
                    self._cv.wait(min(delay, RECHECK_S))
                    continue
                _when, _seq, action = heapq.heappop(self._heap)
                self._running += 1
                self._pool.submit(self._run, action)

    def _run(self, action: Action) -> None:
        try:
            action()
        except ServerUnreachable:
            if not self._stopping:
                self.errors += 1
                log.warning("the server did not answer an action of the simulated hall")
        except Exception:
            self.errors += 1
            log.exception("an action of the simulated hall failed")
        finally:
            with self._cv:
                self._running -= 1
