"""A pretend ESC/POS printer: bytes in, DLE EOT replies out, state you can change at run time.

No I/O and no thread of its own: ``sim://`` feeds it directly, and the serial/TCP simulators in
:mod:`drivers.printer.simulator` put it behind a pty or a socket. One place for "how a printer
answers DLE EOT", so every backend's status handling is tested against the same replies.
"""

from __future__ import annotations

import threading

from . import commands as cmd
from .status import PaperState

__all__ = ["PrinterEmulator"]

_BASE = 0x12  # fixed bits of every DLE EOT reply


def paper_state(value: str | PaperState) -> PaperState:
    try:
        state = PaperState(value)
    except ValueError:
        state = None
    if state is None or state is PaperState.UNKNOWN:
        raise ValueError(f"纸张状态应为 ok/low/out，实为 {value!r} (paper must be ok, low or out)")
    return state


class PrinterEmulator:
    """Records every byte received; answers DLE EOT 1–4 from its state. Thread-safe.

    ``answering=False`` is a printer that stays silent (dead, or a one-way cable).
    """

    def __init__(self, *, paper: str | PaperState = PaperState.OK, cover_open: bool = False,
                 offline: bool = False, cutter_error: bool = False, answering: bool = True) -> None:
        self._cv = threading.Condition()
        self._received = bytearray()
        self._tail = b""  # a DLE EOT split across two writes
        self.paper = paper_state(paper)
        self.cover_open = cover_open
        self.offline = offline
        self.cutter_error = cutter_error
        self.answering = answering

    # -- state, changed by tests and the kiosk's diagnostics ---------------------------------
    def set_paper(self, value: str | PaperState) -> None:
        self.paper = paper_state(value)

    def set_cover_open(self, value: bool = True) -> None:
        self.cover_open = value

    def set_offline(self, value: bool = True) -> None:
        self.offline = value

    def set_cutter_error(self, value: bool = True) -> None:
        self.cutter_error = value

    def set_answering(self, value: bool = True) -> None:
        self.answering = value

    # -- the wire ------------------------------------------------------------------------------
    def status_byte(self, n: int) -> int:
        """The reply to DLE EOT n in the current state (see :mod:`drivers.printer.status`)."""
        out = self.paper is PaperState.OUT
        if n == 1:
            stopped = self.offline or self.cover_open or out or self.cutter_error
            return _BASE | (0x08 if stopped else 0)
        if n == 2:
            return _BASE | (0x04 if self.cover_open else 0) | (0x20 if out else 0) \
                | (0x40 if self.cutter_error else 0)
        if n == 3:
            return _BASE | (0x08 if self.cutter_error else 0)
        if n == 4:
            # an empty roll also trips the near-end sensor
            return _BASE | (0x6C if out else 0x0C if self.paper is PaperState.LOW else 0)
        raise ValueError(f"DLE EOT n must be 1..4, got {n}")

    def receive(self, data: bytes) -> bytes:
        """Take bytes from the host; return the bytes the printer sends back."""
        with self._cv:
            self._received += data
            self._cv.notify_all()
            stream = self._tail + bytes(data)
            replies = bytearray()
            start = 0
            while (i := stream.find(cmd.STATUS_REQUEST, start)) != -1 and i + 2 < len(stream):
                n = stream[i + 2]
                if n in (1, 2, 3, 4) and self.answering:
                    replies.append(self.status_byte(n))
                start = i + 3
            self._tail = b""
            for partial in (cmd.STATUS_REQUEST, cmd.DLE):
                if stream.endswith(partial) and len(stream) - len(partial) >= start:
                    self._tail = partial
                    break
            return bytes(replies)

    @property
    def received(self) -> bytes:
        with self._cv:
            return bytes(self._received)

    def clear(self) -> None:
        with self._cv:
            self._received.clear()

    def wait_for(self, pattern: bytes, *, count: int = 1, timeout: float = 10.0) -> bool:
        """Block until ``pattern`` has been received ``count`` times (e.g. the cut of N jobs)."""
        with self._cv:
            return self._cv.wait_for(lambda: self._received.count(pattern) >= count, timeout)


class EmulatorControls:
    """The fault switches of a simulated printer, for whatever holds a :class:`PrinterEmulator`
    (the in-memory ``sim://`` printer and the pty/TCP simulators): tests and kiosk diagnostics use them."""

    emulator: PrinterEmulator

    def set_paper(self, value: str | PaperState) -> None:
        self.emulator.set_paper(value)

    def set_cover_open(self, value: bool = True) -> None:
        self.emulator.set_cover_open(value)

    def set_offline(self, value: bool = True) -> None:
        self.emulator.set_offline(value)

    def set_cutter_error(self, value: bool = True) -> None:
        self.emulator.set_cutter_error(value)

    def set_answering(self, value: bool = True) -> None:
        self.emulator.set_answering(value)
