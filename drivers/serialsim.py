"""A serial bus of simulated devices on the far end of an ``os.openpty()`` pair.

The host side opens :attr:`BusSimulator.port` (``/dev/pts/N``) with real pyserial through a
``serial://`` URL, exactly as it opens ``/dev/ttyUSB0`` in the hall. The simulator thread reads
the master end, decodes frames with the same codec, lets the device model at each address
answer, and can be told to misbehave per address (:class:`Fault`): stay silent, send noise,
corrupt checksums or answer late. ``drivers.pad.simulator`` and ``drivers.led.simulator`` add
the device models; several addresses on one simulator are one bus.
"""

from __future__ import annotations

import enum
import errno
import heapq
import itertools
import logging
import os
import select
import threading
import time
import tty
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .serialframe import (
    ETX,
    STX,
    Cmd,
    Frame,
    FrameDecoder,
    NakReason,
    encode_frame,
    stuff,
    xor_checksum,
)
from .simthread import LineSimulator

__all__ = ["GARBAGE", "BusSimulator", "DeviceModel", "Fault"]

log = logging.getLogger(__name__)

# Line noise as a real bus produces it: junk, a stray ETX, a lone DLE, a frame start cut short.
GARBAGE = bytes.fromhex("55 aa ff 03 00 10 41 02 07")


class Fault(enum.Enum):
    """How a simulated device misbehaves when it sends (answers and KEY reports alike)."""

    SILENT = "silent"  # sends nothing: a dead or unplugged device
    GARBAGE = "garbage"  # line noise (GARBAGE) before every frame
    BAD_CHECKSUM = "bad_checksum"  # frames with a wrong CHK
    SLOW = "slow"  # frames sent ``delay_s`` late


class DeviceModel(Protocol):
    """What sits at one address: answers one host frame with zero or more frames."""

    model: str

    def handle(self, frame: Frame) -> list[Frame] | None:
        """Reply frames; ``None`` means "not my command" (the bus NAKs it)."""
        ...


@dataclass(slots=True)
class _Rule:
    fault: Fault
    times: int | None
    delay_s: float


class BusSimulator(LineSimulator):
    """Devices at bus addresses behind a pty. Use as a context manager; see the subclasses."""

    def __init__(self, *, baud: int = 9600) -> None:
        self.baud = baud
        self._master, self._slave = os.openpty()
        # raw before anyone writes: with the default line discipline the pty would echo the
        # simulator's answers back to it and translate CR/LF (pyserial sets raw too, later)
        tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        self.port = os.ttyname(self._slave)
        # what the host sent, newest last (bounded: a simulated hall runs for hours)
        self.received: deque[Frame] = deque(maxlen=10_000)
        self._devices: dict[int, DeviceModel] = {}
        self._rules: dict[int, _Rule] = {}
        self._decoder = FrameDecoder(f"模拟器 {self.port}")
        self._cv = threading.Condition()
        self._wlock = threading.Lock()
        self._later: list[tuple[float, int, bytes]] = []  # heap of (due, tiebreak, bytes)
        self._tiebreak = itertools.count()
        super().__init__(f"bus-sim {self.port}")

    # -- set-up --------------------------------------------------------------------------------
    def add_device(self, addr: int, device: DeviceModel) -> None:
        self._devices[addr] = device

    def url_for(self, addr: int, **options: object) -> str:
        """``serial://`` URL of the device at ``addr``, plus options such as timeout, retries."""
        query = "&".join(f"{k}={v}" for k, v in {"baud": self.baud, "addr": addr, **options}.items())
        return f"serial://{self.port}?{query}"

    def _release(self) -> None:
        os.close(self._master)
        os.close(self._slave)

    # -- misbehaviour --------------------------------------------------------------------------
    def fault(self, addr: int, fault: Fault, *, times: int | None = None, delay_s: float = 1.0) -> None:
        """Make ``addr`` misbehave for its next ``times`` frames (``None``: until cleared)."""
        with self._cv:
            self._rules[addr] = _Rule(fault, times, delay_s)

    def clear_faults(self, addr: int | None = None) -> None:
        with self._cv:
            if addr is None:
                self._rules.clear()
            else:
                self._rules.pop(addr, None)

    def send_raw(self, data: bytes) -> None:
        """Put bytes on the line as they are (noise between frames)."""
        self._write(data)

    # -- observation ---------------------------------------------------------------------------
    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Block until ``predicate()`` holds (checked after every frame the simulator handles)."""
        with self._cv:
            return self._cv.wait_for(predicate, timeout)

    def received_from_host(self, addr: int, cmd: Cmd | None = None) -> list[Frame]:
        with self._cv:
            return [f for f in self.received if f.addr == addr and (cmd is None or f.cmd == cmd)]

    @property
    def pending_sends(self) -> int:
        """Frames held back by a SLOW fault and not yet sent."""
        with self._cv:
            return len(self._later)

    # -- device side -----------------------------------------------------------------------------
    def emit(self, frame: Frame) -> None:
        """Send ``frame`` from its device, through that address's fault rule."""
        raw = encode_frame(frame)
        with self._cv:
            rule = self._rules.get(frame.addr)
            if rule is not None and rule.times is not None:
                rule.times -= 1
                if rule.times <= 0:
                    del self._rules[frame.addr]
        if rule is None:
            self._write(raw)
        elif rule.fault is Fault.SILENT:
            log.info("模拟器地址 %d 不应答 / silent: %s", frame.addr, frame.describe())
        elif rule.fault is Fault.GARBAGE:
            self._write(GARBAGE + raw)
        elif rule.fault is Fault.BAD_CHECKSUM:
            body = bytes((frame.addr, frame.cmd, len(frame.payload))) + frame.payload
            self._write(bytes((STX,)) + stuff(body + bytes((xor_checksum(body) ^ 0x5A,))) + bytes((ETX,)))
        else:  # Fault.SLOW
            with self._cv:
                heapq.heappush(self._later, (time.monotonic() + rule.delay_s, next(self._tiebreak), raw))
            self._wake()

    def _answer(self, frame: Frame) -> None:
        device = self._devices.get(frame.addr)
        if device is None:
            return  # nobody at that address: a real bus stays quiet too
        if frame.cmd == Cmd.PING:
            replies: list[Frame] | None = [
                Frame(frame.addr, Cmd.STATUS, frame.seq, b"\x00" + device.model.encode("ascii"))
            ]
        else:
            replies = device.handle(frame)
        if replies is None:
            replies = [Frame(frame.addr, Cmd.NAK, frame.seq, bytes((frame.cmd, NakReason.UNKNOWN_COMMAND)))]
        for reply in replies:
            self.emit(reply)

    def _write(self, data: bytes) -> None:
        with self._wlock:
            try:
                os.write(self._master, data)
            except BlockingIOError:
                log.warning(
                    "模拟器 %s：主机未读取，丢弃 %d 字节 / host not reading, dropped",
                    self.port,
                    len(data),
                )
            except OSError as exc:
                if not self._closing:
                    log.warning("模拟器 %s 写失败 / write failed: %s", self.port, exc)

    def _run(self) -> None:
        while True:
            with self._cv:
                timeout = max(0.0, self._later[0][0] - time.monotonic()) if self._later else None
            ready, _, _ = select.select([self._master, self._wake_r], [], [], timeout)
            if self._wake_r in ready:
                os.read(self._wake_r, 4096)
                if self._closing:
                    return
            if self._master in ready:
                try:
                    data = os.read(self._master, 4096)
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EIO):
                        raise
                    data = b""
                for frame in self._decoder.feed(data):
                    with self._cv:
                        self.received.append(frame)
                    self._answer(frame)
                    with self._cv:
                        self._cv.notify_all()
            self._send_due()

    def _send_due(self) -> None:
        now = time.monotonic()
        while True:
            with self._cv:
                if not self._later or self._later[0][0] > now:
                    return
                _, _, raw = heapq.heappop(self._later)
            self._write(raw)
            with self._cv:
                self._cv.notify_all()
