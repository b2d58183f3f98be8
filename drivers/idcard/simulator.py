"""An ID card reader simulated on a pty: it speaks the GA 467 serial protocol with test cards and faults.

The host opens :attr:`IdCardSimulator.port` (``/dev/pts/N``) with real pyserial through a
``serial://`` URL, exactly as it opens ``/dev/ttyUSB0`` in the hall::

    with IdCardSimulator("elder") as sim:
        reader = open_idcard(sim.url(timeout=0.3))
        reader.poll()            # Poll(read, card=IdCard(kind=resident, name='张*明', …))
        sim.lift(); sim.fault("sam_fault"); sim.send_raw(os.urandom(1 << 20))

One thread decodes the host's commands and lets the :class:`~drivers.idcard.model.ReaderModel` answer;
another writes, waiting for the host to read (a megabyte of noise does not fit a pty's buffer).
"""

from __future__ import annotations

import errno
import logging
import os
import queue
import select
import threading
import tty
from collections.abc import Callable

from ..simthread import LineSimulator
from .codec import ReplyDecoder
from .model import Fault, ReaderModel
from .testcards import SampleCard

__all__ = ["Fault", "IdCardSimulator"]

log = logging.getLogger(__name__)


class IdCardSimulator(LineSimulator):
    def __init__(self, card: SampleCard | str | None = None, *, baud: int = 115200) -> None:
        self.baud = baud
        self.model = ReaderModel(card)
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no CR/LF translation before the host opens it
        os.set_blocking(self._master, False)
        self.port = os.ttyname(self._slave)
        self._decoder = ReplyDecoder(f"模拟读卡器 {self.port}", head=2)
        self._out: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._cv = threading.Condition()
        self.handled = 0
        super().__init__(f"idcard-sim {self.port}")
        self._add_thread(self._write_loop, f"idcard-sim-w {self.port}")

    def url(self, **options: object) -> str:
        query = "&".join(f"{k}={v}" for k, v in {"baud": self.baud, **options}.items())
        return f"serial://{self.port}?{query}"

    # -- the card and the faults ---------------------------------------------------------------------
    def lay(self, card: SampleCard | str) -> None:
        self.model.lay(card)

    def lift(self) -> None:
        self.model.lift()

    def fault(self, fault: Fault | str, *, times: int | None = None) -> None:
        self.model.fault(fault, times=times)

    def clear_faults(self) -> None:
        self.model.clear_faults()

    def send_raw(self, data: bytes) -> None:
        """Put bytes on the line as they are (noise), in order with the answers."""
        self._out.put(bytes(data))

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Block until ``predicate()`` holds (checked after every command handled)."""
        with self._cv:
            return self._cv.wait_for(predicate, timeout)

    # -- life (start, close, with: drivers.simthread.LineSimulator) -----------------------------------
    def _stopping(self) -> None:
        self._out.put(None)  # the writer waits on its queue, not on the wake-up pipe

    def _release(self) -> None:
        os.close(self._master)
        os.close(self._slave)

    # -- threads -----------------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            ready, _, _ = select.select([self._master, self._wake_r], [], [])
            if self._wake_r in ready and self._closing:
                return
            if self._master not in ready:
                continue
            try:
                data = os.read(self._master, 4096)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EIO):
                    raise
                continue
            for command in self._decoder.feed(data):
                answer = self.model.answer(command.head[0], command.head[1])
                if answer:
                    self._out.put(answer)
                with self._cv:
                    self.handled += 1
                    self._cv.notify_all()

    def _write_loop(self) -> None:
        while (data := self._out.get()) is not None:
            view = memoryview(data)
            while view and not self._closing:
                try:
                    n = os.write(self._master, view)
                except BlockingIOError:
                    select.select([], [self._master], [], 0.1)  # the host has not read yet
                    continue
                except OSError as exc:
                    if not self._closing:
                        log.warning("模拟读卡器 %s 写失败 / write failed: %s", self.port, exc)
                    break
                view = view[n:]
