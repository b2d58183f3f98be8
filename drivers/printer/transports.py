"""How bytes reach a printer and status bytes come back: one small contract, five backends.

* ``usb://VID:PID[?interface=0&in_ep=0x82&out_ep=0x01]``  python-escpos ``Usb`` (pyusb)
* ``serial:///dev/ttyUSB0[?baud=9600&flow=none]``          python-escpos ``Serial`` (pyserial)
* ``tcp://host[:9100]``                                     python-escpos ``Network``
* ``file:///path/out.bin``                                  python-escpos ``File``, appending
* ``sim://[?paper=ok|low|out&cover=open&offline=1&cutter=error&answer=0]``  in memory

All but ``file`` and ``sim`` also take ``timeout`` (seconds to wait for one status reply,
default 0.5) and ``write_timeout`` (seconds for one job to leave, default 10).

From python-escpos we use the device classes (finding, opening and closing the port) and
``_raw()``; never ``text()`` (see :mod:`drivers.printer.codec`) and never ``query_status()``:
its ``_read()`` reads 16 bytes, so on serial every status question waits out the whole
timeout, and on USB/TCP it uses the library's long or missing timeouts. python-escpos is
imported only when such a printer is opened (it pulls in Pillow, qrcode and barcode tables).
"""

from __future__ import annotations

import abc
import logging
import math
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from drivers.errors import (
    DeviceConfigError,
    DeviceError,
    DeviceTimeout,
    DeviceUnavailable,
    device_errors,
)
from drivers.urls import DeviceUrl

from . import commands as cmd
from .emulator import PrinterEmulator
from .status import is_status_byte

if TYPE_CHECKING:
    from escpos.escpos import Escpos

__all__ = [
    "FileTransport",
    "MemoryTransport",
    "NetworkTransport",
    "SerialTransport",
    "Transport",
    "UsbTransport",
    "backend_errors",
]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 0.5  # s, one DLE EOT reply: real printers answer within milliseconds
DEFAULT_WRITE_TIMEOUT = 10.0  # s, one job: ~1 KB is about 1 s at 9600 baud


class Transport(Protocol):
    """The wire to one printer."""

    name: str  # for messages: the device URL
    can_answer: bool  # False for file://, which can't report status

    def write(self, data: bytes) -> None:
        """Send one job; raise a :class:`~drivers.errors.DeviceError` on failure."""
        ...

    def query(self, n: int) -> bytes:
        """Send DLE EOT ``n``; return the reply, or ``b""`` if none came within the timeout."""
        ...

    def close(self) -> None: ...


def _timeout_errors() -> tuple[type[BaseException], ...]:
    import serial
    import usb.core

    return (TimeoutError, serial.SerialTimeoutException, usb.core.USBTimeoutError)


@contextmanager
def backend_errors(name: str) -> Iterator[None]:
    """Re-raise pyserial / pyusb / socket / python-escpos errors as :mod:`drivers.errors` ones."""
    from escpos.exceptions import Error as EscposError

    with device_errors(name):  # any other OSError: DeviceUnavailable
        try:
            yield
        except DeviceError:
            raise
        except _timeout_errors() as exc:
            raise DeviceTimeout(f"{name}：打印机写入超时：{exc}",
                                f"{name}: write timed out: {exc}") from exc
        except EscposError as exc:  # DeviceNotFoundError and friends are not OSErrors
            # the library's English goes in the English half only: the Chinese says what to check
            raise _unavailable(name, "无法打开打印机：找不到设备（请检查连线、电源和设备权限）",
                               f"cannot open printer: {exc}") from exc
        except RuntimeError as exc:  # python-escpos: "requires a usb library" (pyusb missing)
            raise _unavailable(name, "打印机不可用：缺少所需的程序库", f"printer unavailable: {exc}") from exc


def _bad_url(url: DeviceUrl, zh: str, en: str) -> DeviceConfigError:
    return DeviceConfigError(f"打印机地址 {url.raw!r}：{zh}", f"printer URL {url.raw!r}: {en}")


def _seconds(url: DeviceUrl, key: str, default: float) -> float:
    value = url.float_option(key, default)
    if not (math.isfinite(value) and value > 0):
        raise _bad_url(url, f"{key} 应为大于 0 的秒数", f"{key} must be seconds > 0")
    return value


def _unavailable(name: str, zh: str, en: str) -> DeviceUnavailable:
    return DeviceUnavailable(f"{name}：{zh}", f"{name}: {en}")


def _read_reply(read: Callable[[float], bytes], timeout: float, name: str) -> bytes:
    """Read until a plausible status byte arrives or ``timeout`` passes; noise is logged and
    skipped. ``read(remaining)`` returns b"" when nothing came in ``remaining`` seconds."""
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        chunk = read(remaining)
        if not chunk:
            return b""
        good = bytes(b for b in chunk if is_status_byte(b))
        if len(good) != len(chunk):
            log.warning("%s: ignoring %d stray byte(s) on the line: %s", name,
                        len(chunk) - len(good), chunk.hex(" "))
        if good:
            return good[-1:]
    return b""


class _EscposTransport(abc.ABC):
    """Common part of the python-escpos backed transports."""

    can_answer = True

    def __init__(self, name: str, esc: Escpos, timeout: float) -> None:
        self.name = name
        self._esc = esc
        self.timeout = timeout
        self._closed = False

    def _open(self) -> None:
        try:
            with backend_errors(self.name):
                self._esc.open()  # explicit: reading ``esc.device`` would open it as a side effect
        except BaseException:
            self._esc._device = False  # half-opened: keep Escpos.__del__ from closing it later
            raise
        if not self._esc.device:
            raise _unavailable(self.name, "无法打开打印机", "cannot open printer")

    def _check_open(self) -> None:
        if self._closed:
            raise _unavailable(self.name, "打印机已关闭", "printer is closed")

    def write(self, data: bytes) -> None:
        self._check_open()
        with backend_errors(self.name):
            self._esc._raw(data)

    def query(self, n: int) -> bytes:
        self._check_open()
        with backend_errors(self.name):
            self._drain()
            self._esc._raw(cmd.status_request(n))
            return _read_reply(self._read, self.timeout, self.name)

    @abc.abstractmethod
    def _drain(self) -> None:
        """Drop stale bytes (a late reply to an earlier question) before asking."""

    @abc.abstractmethod
    def _read(self, remaining: float) -> bytes:
        """Up to a few bytes from the printer; b"" if none within ``remaining`` seconds."""

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            with backend_errors(self.name):
                self._esc.close()
        except DeviceError as exc:
            log.warning("%s: error while closing: %s", self.name, exc)


class SerialTransport(_EscposTransport):
    """RS-232 / USB-serial printers, and the pty simulator."""

    FLOW = ("none", "rtscts", "dsrdtr", "xonxoff")

    @classmethod
    def from_url(cls, url: DeviceUrl) -> SerialTransport:
        url.check_options({"baud", "timeout", "write_timeout", "flow"})
        if not url.path:
            raise _bad_url(url, "缺少设备路径（如 serial:///dev/ttyUSB0）",
                           "no device path (e.g. serial:///dev/ttyUSB0)")
        flow = url.options.get("flow", "none")
        if flow not in cls.FLOW:
            raise _bad_url(url, f"flow 应为 {'/'.join(cls.FLOW)} 之一",
                           f"flow must be one of {', '.join(cls.FLOW)}")
        from escpos.printer import Serial

        timeout = _seconds(url, "timeout", DEFAULT_TIMEOUT)
        write_timeout = _seconds(url, "write_timeout", DEFAULT_WRITE_TIMEOUT)
        esc = Serial(devfile=url.path, baudrate=url.int_option("baud", 9600), timeout=timeout,
                     dsrdtr=flow == "dsrdtr", xonxoff=flow == "xonxoff")
        transport = cls(url.raw, esc, timeout)
        transport._open()
        try:
            with backend_errors(url.raw):
                port: Any = esc.device
                # python-escpos sets no write timeout: a printer holding flow control would
                # block ``write()`` for ever
                port.write_timeout = write_timeout
                port.rtscts = flow == "rtscts"
        except DeviceError:
            transport.close()
            raise
        return transport

    def _drain(self) -> None:
        port: Any = self._esc.device
        if port.in_waiting:
            stale = port.read(port.in_waiting)
            log.warning("%s: discarding %d stale byte(s): %s", self.name, len(stale),
                        stale.hex(" "))

    def _read(self, remaining: float) -> bytes:
        port: Any = self._esc.device
        port.timeout = remaining
        return bytes(port.read(1))

    def close(self) -> None:
        if self._closed:
            return
        port: Any = self._esc.device if self._esc._device else None
        if port is not None:
            # python-escpos's close() calls flush() (tcdrain), which waits for ever on a printer
            # that holds flow control: wait for the output queue a bounded time instead
            deadline = time.monotonic() + (port.write_timeout or DEFAULT_WRITE_TIMEOUT)
            try:
                while port.out_waiting and time.monotonic() < deadline:
                    time.sleep(0.01)
                port.reset_output_buffer()
                port.close()
            except OSError as exc:
                log.warning("%s: error while closing: %s", self.name, exc)
            self._esc._device = False
        self._closed = True


class NetworkTransport(_EscposTransport):
    """Ethernet/Wi-Fi printers on raw TCP (port 9100, "JetDirect")."""

    write_timeout = DEFAULT_WRITE_TIMEOUT

    @classmethod
    def from_url(cls, url: DeviceUrl) -> NetworkTransport:
        url.check_options({"timeout", "write_timeout"})
        if not url.host:
            raise _bad_url(url, "缺少主机（如 tcp://192.0.2.10:9100）",
                           "no host (e.g. tcp://192.0.2.10:9100)")
        from escpos.printer import Network

        timeout = _seconds(url, "timeout", DEFAULT_TIMEOUT)
        write_timeout = _seconds(url, "write_timeout", DEFAULT_WRITE_TIMEOUT)
        esc = Network(host=url.host, port=url.port or 9100, timeout=write_timeout)
        # Network.open() drops its socket unclosed when connect() fails (3.1 network.py sets
        # ``self.device = None``; Python reports "ResourceWarning: unclosed socket"): connect
        # here and hand python-escpos the connected socket
        try:
            sock = socket.create_connection((esc.host, esc.port), timeout=write_timeout)
        except OSError as exc:
            raise _unavailable(url.raw, f"无法打开打印机：{exc}",
                               f"cannot open printer: {exc}") from exc
        esc.device = sock
        transport = cls(url.raw, esc, timeout)
        transport.write_timeout = write_timeout
        return transport

    def _drain(self) -> None:
        sock: Any = self._esc.device
        sock.setblocking(False)
        try:
            while stale := sock.recv(64):
                log.warning("%s: discarding %d stale byte(s)", self.name, len(stale))
        except BlockingIOError:
            pass
        finally:
            sock.settimeout(self.write_timeout)

    def _read(self, remaining: float) -> bytes:
        sock: Any = self._esc.device
        sock.settimeout(remaining)
        try:
            data = sock.recv(16)
        except TimeoutError:
            return b""
        finally:
            sock.settimeout(self.write_timeout)
        if not data:
            raise _unavailable(self.name, "打印机断开了连接", "printer closed the connection")
        return bytes(data)


class UsbTransport(_EscposTransport):
    """USB printer-class devices, talked to directly with pyusb (no kernel ``usblp``)."""

    @classmethod
    def from_url(cls, url: DeviceUrl) -> UsbTransport:
        url.check_options({"interface", "in_ep", "out_ep", "timeout", "write_timeout"})
        vid, pid = cls.parse_ids(url)
        from escpos.printer import Usb

        timeout = _seconds(url, "timeout", DEFAULT_TIMEOUT)
        write_ms = int(_seconds(url, "write_timeout", DEFAULT_WRITE_TIMEOUT) * 1000)
        interface = url.int_option("interface", 0)
        # Usb's default timeout 0 means "wait for ever" to libusb; always pass ours
        esc = Usb(idVendor=vid, idProduct=pid, timeout=write_ms,
                  in_ep=url.int_option("in_ep", 0x82), out_ep=url.int_option("out_ep", 0x01))
        transport = cls(url.raw, esc, timeout)
        transport._open()
        if interface:
            # python-escpos detaches the kernel driver from interface 0 only (Usb._check_driver)
            try:
                with backend_errors(url.raw):
                    dev: Any = esc.device
                    if dev.is_kernel_driver_active(interface):
                        dev.detach_kernel_driver(interface)
            except DeviceError:
                transport.close()
                raise
        return transport

    @staticmethod
    def parse_ids(url: DeviceUrl) -> tuple[int, int]:
        """``usb://04b8:0e15`` → (0x04B8, 0x0E15); hex, with or without ``0x``."""
        vid, sep, pid = url.netloc.partition(":")
        try:
            ids = (int(vid, 16), int(pid, 16)) if sep else None
        except ValueError:
            ids = None
        if ids is None or not all(0 < i <= 0xFFFF for i in ids):
            raise _bad_url(url, "应为 usb://厂商ID:产品ID（十六进制，如 usb://0416:5011）",
                           "must be usb://VID:PID in hex (e.g. usb://0416:5011)")
        return ids

    def _drain(self) -> None:
        import usb.core

        dev: Any = self._esc.device
        for _ in range(4):
            try:
                stale = dev.read(self._esc.in_ep, 64, 1)  # type: ignore[attr-defined]
            except usb.core.USBTimeoutError:
                return
            log.warning("%s: discarding %d stale byte(s)", self.name, len(stale))

    def _read(self, remaining: float) -> bytes:
        import usb.core

        dev: Any = self._esc.device
        try:
            data = dev.read(self._esc.in_ep, 64, max(1, int(remaining * 1000)))  # type: ignore[attr-defined]
        except usb.core.USBTimeoutError:
            return b""
        return bytes(data)


class FileTransport(_EscposTransport):
    """Jobs appended to a file (a spool to inspect, or a device node such as /dev/usb/lp0)."""

    can_answer = False

    @classmethod
    def from_url(cls, url: DeviceUrl) -> FileTransport:
        url.check_options(set())
        if not url.path:
            raise _bad_url(url, "缺少文件路径（如 file:///var/spool/hallq/tickets.bin）",
                           "no file path (e.g. file:///var/spool/hallq/tickets.bin)")
        from escpos.printer import File

        esc = File(devfile=url.path)
        # File.open() opens with "wb", truncating earlier jobs: hand it an appending file instead
        with device_errors(url.raw):
            esc.device = open(url.path, "ab")  # noqa: SIM115 - closed by File.close()
        return cls(url.raw, esc, DEFAULT_TIMEOUT)

    def query(self, n: int) -> bytes:
        self._check_open()
        return b""  # a file never answers

    def _drain(self) -> None:
        return None

    def _read(self, remaining: float) -> bytes:
        return b""


class MemoryTransport:
    """``sim://``: jobs collect in :attr:`sent`; status comes from a :class:`PrinterEmulator`."""

    can_answer = True

    def __init__(self, name: str = "sim://", emulator: PrinterEmulator | None = None) -> None:
        self.name = name
        self.emulator = emulator or PrinterEmulator()
        self.sent = bytearray()
        self.connected = True
        self._closed = False

    @classmethod
    def from_url(cls, url: DeviceUrl) -> MemoryTransport:
        url.check_options({"paper", "cover", "offline", "cutter", "answer"})
        def choice(key: str, allowed: dict[str, bool], default: str) -> bool:
            value = url.options.get(key, default)
            if value not in allowed:
                raise _bad_url(url, f"{key} 应为 {'/'.join(allowed)} 之一",
                               f"{key} must be one of {', '.join(allowed)}")
            return allowed[value]

        try:
            emulator = PrinterEmulator(
                paper=url.options.get("paper", "ok"),
                cover_open=choice("cover", {"closed": False, "open": True}, "closed"),
                offline=choice("offline", {"0": False, "1": True}, "0"),
                cutter_error=choice("cutter", {"ok": False, "error": True}, "ok"),
                answering=choice("answer", {"1": True, "0": False}, "1"),
            )
        except ValueError as exc:
            raise _bad_url(url, str(exc), str(exc)) from exc
        return cls(url.raw, emulator)

    def _check(self) -> None:
        if self._closed:
            raise _unavailable(self.name, "打印机已关闭", "printer is closed")
        if not self.connected:
            raise _unavailable(self.name, "打印机连接断开", "printer link lost")

    def write(self, data: bytes) -> None:
        self._check()
        self.sent += data
        self.emulator.receive(data)

    def query(self, n: int) -> bytes:
        self._check()
        return self.emulator.receive(cmd.status_request(n))

    def close(self) -> None:
        self._closed = True
