"""One serial port shared by every device addressed on it (an RS-485 bus or a plain RS-232 line).

Window LEDs (and a serial rating pad) name their port and bus address in their URL,
``serial:///dev/ttyUSB1?baud=9600&addr=3``. Every device on the same port gets the same
:class:`SerialBus` from :meth:`SerialBus.attach` (reference-counted, keyed by the port's real
path), so the port is opened once and its traffic is not split between two readers.

* One reader thread decodes frames (:class:`~drivers.serialframe.FrameDecoder`: noise is
  logged and dropped, never raised).
* :meth:`SerialBus.request` is one transaction: send, wait for the reply carrying the same
  address and SEQ, resend on silence up to ``retries`` times. RS-485 is half duplex, so one
  transaction is on the wire at a time (the bus lock, held per attempt so that a dead device
  delays the others by one timeout at most, never starves them).
* Frames a device sends on its own (a pad's KEY) go to the address's subscriber, called on a
  separate dispatcher thread so that the callback may itself make requests.
* A lost link (USB adapter pulled, pty closed) fails the waiting request at once with
  :class:`~drivers.errors.DeviceUnavailable`; the next request tries to reopen the port.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import serial

from .errors import DeviceConfigError, DeviceError, DeviceProtocolError, DeviceTimeout, DeviceUnavailable
from .health import Health, Level
from .serialframe import Cmd, Frame, FrameDecoder, decode_text, encode_frame, nak_reason
from .urls import DeviceUrl

__all__ = ["BusAddress", "DeviceStatus", "SerialBus", "ping_health"]

log = logging.getLogger(__name__)

# How long a request waits for another device's transaction to finish before giving up.
# One attempt of another device is at most its own timeout (seconds, not minutes).
BUS_BUSY_TIMEOUT_S = 5.0
WRITE_TIMEOUT_S = 1.0
_REPLIES = frozenset({Cmd.ACK, Cmd.NAK, Cmd.STATUS})


@dataclass(frozen=True, slots=True)
class BusAddress:
    """Where a device sits: port, speed, bus address, and the per-request timeout/retries.

    >>> BusAddress.from_url(DeviceUrl.parse("serial:///dev/ttyUSB1?baud=9600&addr=3"))
    BusAddress(port='/dev/ttyUSB1', baud=9600, addr=3, timeout_s=0.3, retries=2)
    """

    port: str
    baud: int
    addr: int
    timeout_s: float = 0.3
    retries: int = 2

    OPTIONS = frozenset({"baud", "addr", "timeout", "retries"})

    @classmethod
    def from_url(cls, url: DeviceUrl, *, extra_options: frozenset[str] = frozenset()) -> BusAddress:
        url.check_options(set(cls.OPTIONS | extra_options))
        if not url.path:
            raise DeviceConfigError(
                f"设备地址 {url.raw!r} 缺少串口路径（如 serial:///dev/ttyUSB0）",
                f"device URL {url.raw!r} has no port path (e.g. serial:///dev/ttyUSB0)",
            )
        baud = url.int_option("baud", 9600)
        addr = url.int_option("addr", 1)
        timeout_s = url.float_option("timeout", 0.3)
        retries = url.int_option("retries", 2)
        if baud not in serial.Serial.BAUDRATES:
            raise DeviceConfigError(
                f"设备地址 {url.raw!r}：不支持的波特率 {baud}",
                f"device URL {url.raw!r}: unsupported baud rate {baud}",
            )
        if not 1 <= addr <= 254:
            raise DeviceConfigError(
                f"设备地址 {url.raw!r}：总线地址应为 1–254，实为 {addr}",
                f"device URL {url.raw!r}: bus address must be 1-254, got {addr}",
            )
        if not 0 < timeout_s <= 60:
            raise DeviceConfigError(
                f"设备地址 {url.raw!r}：timeout 应在 0–60 秒之间",
                f"device URL {url.raw!r}: timeout must be in (0, 60] seconds",
            )
        if not 0 <= retries <= 10:
            raise DeviceConfigError(
                f"设备地址 {url.raw!r}：retries 应为 0–10",
                f"device URL {url.raw!r}: retries must be 0-10",
            )
        return cls(url.path, baud, addr, timeout_s, retries)

    @property
    def label(self) -> str:
        return f"{self.port} 地址{self.addr}"


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """A device's answer to PING: fault flags (0 = fine) and its model string."""

    flags: int
    model: str

    @classmethod
    def from_frame(cls, frame: Frame) -> DeviceStatus:
        flags = frame.data[0] if frame.data else 0
        return cls(flags, decode_text(frame.data[1:]))


@dataclass(slots=True)
class _Pending:
    addr: int
    cmd: int
    seq: int
    reply: Frame | None = None


Subscriber = Callable[[Frame], None]


class SerialBus:
    """A serial port with its reader, transaction lock and subscribers. Use :meth:`attach`."""

    _registry: ClassVar[dict[str, SerialBus]] = {}
    _registry_lock = threading.Lock()

    def __init__(self, port: str, baud: int) -> None:
        self.port = port
        self.baud = baud
        self._users = 0
        self._txn = threading.Lock()  # one transaction on the wire at a time
        self._wlock = threading.Lock()  # whole frames only, never interleaved bytes
        self._cv = threading.Condition()  # guards _pending, _link_error, counters
        self._pending: _Pending | None = None
        self._serial: serial.Serial | None = None
        self._reader: threading.Thread | None = None
        self._link_error: str | None = None
        self._closing = False
        self._seq = 0
        self._stray = 0
        self._decoder = FrameDecoder(f"串口 {port}")
        self._subscribers: dict[int, Subscriber] = {}
        self._inbox: queue.SimpleQueue[tuple[Subscriber, Frame] | None] = queue.SimpleQueue()
        self._dispatcher = threading.Thread(target=self._dispatch_loop, name=f"bus-dispatch {port}", daemon=True)
        self._dispatcher.start()

    # -- sharing -------------------------------------------------------------------------------
    @classmethod
    def attach(cls, port: str, baud: int) -> SerialBus:
        """The bus on ``port``, opened on first use. Pair every call with :meth:`detach`."""
        key = os.path.realpath(port)
        with cls._registry_lock:
            bus = cls._registry.get(key)
            if bus is None:
                bus = cls._registry[key] = cls(port, baud)
            elif bus.baud != baud:
                raise DeviceConfigError(
                    f"串口 {port} 已以 {bus.baud} 波特率打开，不能再用 {baud}",
                    f"port {port} is already open at {bus.baud} baud, cannot also use {baud}",
                )
            bus._users += 1
        with bus._txn:
            try:
                bus._ensure_open()
            except DeviceUnavailable as exc:
                log.warning("%s", exc)  # not fatal: the next request retries, health() says FAIL
        return bus

    def detach(self) -> None:
        """Drop one user; the last one closes the port and stops the threads."""
        with self._registry_lock:
            self._users -= 1
            if self._users > 0:
                return
            self._registry.pop(os.path.realpath(self.port), None)
            # still under the registry lock: a new attach() must not open the port before
            # this bus has let go of it (the port is opened exclusively)
            self._close()

    # -- traffic -------------------------------------------------------------------------------
    def subscribe(self, addr: int, callback: Subscriber) -> None:
        """Send frames that ``addr`` sends unasked (not replies) to ``callback``."""
        if addr in self._subscribers:
            raise DeviceConfigError(
                f"串口 {self.port} 地址 {addr} 已被另一设备使用",
                f"port {self.port} address {addr} is already used by another device",
            )
        self._subscribers[addr] = callback

    def unsubscribe(self, addr: int) -> None:
        self._subscribers.pop(addr, None)

    def request(self, addr: int, cmd: Cmd, data: bytes = b"", *, timeout_s: float, retries: int) -> Frame:
        """Send ``cmd`` to ``addr`` and return its ACK (or STATUS for PING).

        Raises :class:`DeviceTimeout` after ``1 + retries`` unanswered attempts of
        ``timeout_s`` seconds each, :class:`DeviceProtocolError` on a NAK, and
        :class:`DeviceUnavailable` when the port cannot be used.
        """
        with self._cv:
            seq = self._seq = (self._seq + 1) & 0xFF
        raw = encode_frame(Frame(addr, cmd, seq, data))
        where = f"{self.port} 地址{addr}"
        for attempt in range(retries + 1):
            if attempt:
                log.info(
                    "%s：%s 第 %d 次无应答，重发 / no answer to %s, resending (attempt %d)",
                    where,
                    cmd.name,
                    attempt,
                    cmd.name,
                    attempt + 1,
                )
            reply = self._attempt(addr, cmd, seq, raw, timeout_s)
            if reply is None:
                continue
            if reply.cmd == Cmd.NAK:
                name = nak_reason(reply)
                raise DeviceProtocolError(
                    f"{where} 拒绝命令 {cmd.name}（{name}）", f"{where} refused {cmd.name} ({name})"
                )
            return reply
        raise DeviceTimeout(
            f"{where} 无应答（{cmd.name}，共 {retries + 1} 次，每次 {timeout_s:g} 秒）",
            f"{self.port} address {addr} did not answer {cmd.name} ({retries + 1} attempt(s) of {timeout_s:g} s)",
        )

    def ping(self, addr: int, *, timeout_s: float, retries: int) -> DeviceStatus:
        return DeviceStatus.from_frame(self.request(addr, Cmd.PING, timeout_s=timeout_s, retries=retries))

    def send(self, frame: Frame) -> None:
        """Send a frame that expects no answer (the host's ACK of a KEY). Failures are logged."""
        try:
            self._write(encode_frame(frame))
        except (DeviceUnavailable, DeviceTimeout) as exc:
            log.warning("%s", exc)

    def facts(self) -> dict[str, object]:
        with self._cv:
            return {
                "port": self.port,
                "baud": self.baud,
                "open": self._serial is not None and self._link_error is None,
                "link_error": self._link_error,
                "frames": self._decoder.frames,
                "dropped": dict(self._decoder.drops),
                "stray_replies": self._stray,
            }

    # -- internals -----------------------------------------------------------------------------
    def _attempt(self, addr: int, cmd: Cmd, seq: int, raw: bytes, timeout_s: float) -> Frame | None:
        if not self._txn.acquire(timeout=BUS_BUSY_TIMEOUT_S):
            raise DeviceTimeout(
                f"串口 {self.port} 忙，{BUS_BUSY_TIMEOUT_S:g} 秒内未轮到",
                f"port {self.port} busy for {BUS_BUSY_TIMEOUT_S:g} s",
            )
        try:
            self._ensure_open()
            pending = _Pending(addr, cmd, seq)
            with self._cv:
                self._pending = pending
            try:
                self._write(raw)
                with self._cv:
                    self._cv.wait_for(lambda: pending.reply is not None or self._link_error is not None, timeout_s)
                    if pending.reply is None and self._link_error is not None:
                        raise DeviceUnavailable(
                            f"串口 {self.port} 连接中断：{self._link_error}",
                            f"port {self.port} link lost: {self._link_error}",
                        )
                    return pending.reply
            finally:
                with self._cv:
                    self._pending = None
        finally:
            self._txn.release()

    def _ensure_open(self) -> None:
        """Open (or reopen after a lost link) the port. Caller holds the transaction lock."""
        if self._closing:
            raise DeviceUnavailable(f"串口 {self.port} 已关闭", f"port {self.port} is closed")
        if self._serial is not None and self._link_error is None:
            return
        self._stop_reader()
        try:
            port = serial.serial_for_url(
                self.port,
                baudrate=self.baud,
                timeout=None,
                write_timeout=WRITE_TIMEOUT_S,
                exclusive=True,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            with self._cv:
                self._link_error = str(exc)
            raise DeviceUnavailable(
                f"串口 {self.port} 无法打开：{exc}", f"cannot open port {self.port}: {exc}"
            ) from exc
        self._decoder.reset()
        with self._cv:
            self._serial = port
            self._link_error = None
        self._reader = threading.Thread(
            target=self._read_loop, args=(port,), name=f"bus-reader {self.port}", daemon=True
        )
        self._reader.start()

    def _write(self, raw: bytes) -> None:
        with self._wlock:
            port = self._serial
            if port is None or self._link_error is not None:
                raise DeviceUnavailable(
                    f"串口 {self.port} 未打开：{self._link_error}",
                    f"port {self.port} is not open: {self._link_error}",
                )
            try:
                port.write(raw)
            except serial.SerialTimeoutException as exc:
                raise DeviceTimeout(f"串口 {self.port} 写超时", f"port {self.port}: write timed out") from exc
            except (serial.SerialException, OSError) as exc:
                self._lose_link(exc)
                raise DeviceUnavailable(
                    f"串口 {self.port} 写失败：{exc}", f"port {self.port}: write failed: {exc}"
                ) from exc

    def _read_loop(self, port: serial.Serial) -> None:
        while not self._closing:
            try:
                chunk = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError, TypeError) as exc:
                # TypeError: pyserial reading a port closed under it (fd None) during shutdown
                if not self._closing:
                    self._lose_link(exc)
                return
            for frame in self._decoder.feed(chunk):
                self._route(frame)

    def _route(self, frame: Frame) -> None:
        with self._cv:
            p = self._pending
            if frame.cmd in _REPLIES:
                if (
                    p is not None
                    and p.addr == frame.addr
                    and p.seq == frame.seq
                    and p.reply is None
                    and (frame.cmd == Cmd.STATUS if p.cmd == Cmd.PING else frame.data[:1] == bytes((p.cmd,)))
                ):
                    p.reply = frame
                    self._cv.notify_all()
                    return
                self._stray += 1
        subscriber = self._subscribers.get(frame.addr)
        if frame.cmd in _REPLIES or subscriber is None:
            log.warning(
                "串口 %s：忽略无人等待的帧 / ignored unexpected frame: %s",
                self.port,
                frame.describe(),
            )
            return
        self._inbox.put((subscriber, frame))

    def _dispatch_loop(self) -> None:
        while (item := self._inbox.get()) is not None:
            callback, frame = item
            try:
                callback(frame)
            except Exception:
                log.exception("串口 %s：处理帧出错 / subscriber failed on %s", self.port, frame.describe())

    def _lose_link(self, exc: BaseException) -> None:
        log.error("串口 %s 连接中断 / link lost: %s", self.port, exc)
        with self._cv:
            self._link_error = str(exc) or type(exc).__name__
            self._cv.notify_all()

    def _stop_reader(self) -> None:
        port, reader = self._serial, self._reader
        if port is not None:
            if port.is_open:
                port.cancel_read()
            if reader is not None:
                reader.join(timeout=2.0)
            port.close()
        self._serial = self._reader = None

    def _close(self) -> None:
        with self._txn:
            self._closing = True
            with self._wlock:
                self._stop_reader()
        self._inbox.put(None)
        if self._dispatcher is not threading.current_thread():
            self._dispatcher.join(timeout=2.0)


def ping_health(bus: SerialBus, where: BusAddress, device: str, noun: tuple[str, str],
                facts: dict[str, object]) -> Health:
    """PING the device at ``where`` and say what its answer means, for every device on a bus
    (window LED, serial rating pad): no answer or a NAK is FAIL, fault flags are WARN, else OK.

    ``noun`` names the device in the details (``("窗口屏", "window LED")``); ``facts`` are the
    caller's, completed with the answer (``model``, ``flags``) or the ``error``.
    """
    zh, en = noun
    try:
        status = bus.ping(where.addr, timeout_s=where.timeout_s, retries=where.retries)
    except DeviceError as exc:
        facts["error"] = str(exc)
        return Health(device, Level.FAIL, f"{zh}（{where.port} 地址{where.addr}）故障：{exc.zh}",
                      f"{en} ({where.port} address {where.addr}) failed: {exc.en}", facts)
    facts.update(model=status.model, flags=status.flags)
    if status.flags:
        return Health(device, Level.WARN, f"{zh}（地址{where.addr}）报告故障标志 0x{status.flags:02x}",
                      f"{en} (address {where.addr}) reports fault flags 0x{status.flags:02x}", facts)
    return Health(device, Level.OK, f"{zh} {status.model}（地址{where.addr}）正常",
                  f"{en} {status.model} (address {where.addr}) OK", facts)
