"""The two backends: ``serial://`` (a GA 467 reader on a serial port) and ``sim://`` (in process).

``serial:///dev/ttyUSB0?baud=115200&timeout=1&retries=1``

* ``baud``: 115200 is the readers' default (they can be set to 57600, 38400, 19200, 9600)
* ``timeout``: seconds to wait for each answer (default 1: a text + photo answer is 1295 bytes,
  0.11 s at 115200 baud)
* ``retries``: how often an unanswered command is sent again (default 1)

The port has a reader thread of its own that decodes continuously, so line noise never piles up in
the port's buffer between polls (a megabyte of it is read, logged in a few lines and dropped).

``sim://?card=elder`` — a :class:`~drivers.idcard.model.ReaderModel` in process, optionally with a
test card laid (keys of :data:`~drivers.idcard.testcards.CARDS`); ``.model`` lays, lifts and breaks it.
"""

from __future__ import annotations

import logging
import queue
import threading

import serial

from ..errors import DeviceConfigError, DeviceProtocolError, DeviceTimeout, DeviceUnavailable
from ..urls import DeviceUrl, open_by_scheme
from .codec import Command, Reply, ReplyDecoder, encode_command
from .model import ReaderModel
from .reader import IdCardReader
from .testcards import CARDS

__all__ = ["SerialIdCardReader", "SimIdCardReader", "open_idcard"]

log = logging.getLogger("drivers.idcard")

WRITE_TIMEOUT_S = 1.0


class SerialIdCardReader(IdCardReader):
    backend = "serial"
    OPTIONS = frozenset({"baud", "timeout", "retries"})

    def __init__(self, port: str, *, baud: int = 115200, timeout_s: float = 1.0, retries: int = 1) -> None:
        super().__init__()
        self.port = port
        self.baud = baud
        self.timeout_s = timeout_s
        self.retries = retries
        self._decoder = ReplyDecoder(f"身份证读卡器 {port}")
        self._replies: queue.SimpleQueue[Reply] = queue.SimpleQueue()
        self._serial: serial.Serial | None = None
        self._reader: threading.Thread | None = None
        self._link_error: str | None = None
        self._closing = False
        try:
            with self._lock:
                self._ensure_open()
        except DeviceUnavailable as exc:
            log.warning("%s", exc)  # not fatal: the next poll tries again, health() says FAIL

    @classmethod
    def from_url(cls, url: DeviceUrl) -> SerialIdCardReader:
        url.check_options(set(cls.OPTIONS))
        if not url.path:
            raise DeviceConfigError(f"设备地址 {url.raw!r} 缺少串口路径（如 serial:///dev/ttyUSB0）",
                                    f"device URL {url.raw!r} has no port path (e.g. serial:///dev/ttyUSB0)")
        baud = url.int_option("baud", 115200)
        timeout_s = url.float_option("timeout", 1.0)
        retries = url.int_option("retries", 1)
        if baud not in (9600, 19200, 38400, 57600, 115200):
            raise DeviceConfigError(f"设备地址 {url.raw!r}：读卡器波特率应为 9600/19200/38400/57600/115200，"
                                    f"实为 {baud}",
                                    f"device URL {url.raw!r}: reader baud must be 9600/19200/38400/57600/115200, "
                                    f"got {baud}")
        if not 0 < timeout_s <= 30:
            raise DeviceConfigError(f"设备地址 {url.raw!r}：timeout 应在 0–30 秒之间",
                                    f"device URL {url.raw!r}: timeout must be in (0, 30] seconds")
        if not 0 <= retries <= 5:
            raise DeviceConfigError(f"设备地址 {url.raw!r}：retries 应为 0–5",
                                    f"device URL {url.raw!r}: retries must be 0-5")
        return cls(url.path, baud=baud, timeout_s=timeout_s, retries=retries)

    @property
    def label(self) -> str:
        return self.port

    def _facts(self) -> dict[str, object]:
        return {"port": self.port, "baud": self.baud, "open": self._serial is not None and self._link_error is None,
                "link_error": self._link_error, "frames": self._decoder.frames, "dropped": dict(self._decoder.drops)}

    def _transact(self, command: Command) -> Reply:
        self._ensure_open()
        raw = encode_command(command)
        for attempt in range(self.retries + 1):
            while True:  # an answer that came after its command timed out belongs to nobody now
                try:
                    stale = self._replies.get_nowait()
                except queue.Empty:
                    break
                log.info("%s: 丢弃迟到的应答 / dropped a late answer: %s", self.port, stale.describe())
            checksum_drops = self._decoder.drops["checksum"]
            self._write(raw)
            try:
                return self._replies.get(timeout=self.timeout_s)
            except queue.Empty:
                if self._link_error is not None:
                    raise DeviceUnavailable(f"读卡器 {self.port} 连接中断：{self._link_error}",
                                            f"reader {self.port} link lost: {self._link_error}") from None
                garbled = self._decoder.drops["checksum"] > checksum_drops
                log.info("%s: %s 第 %d 次%s / %s on attempt %d", self.port, command.name, attempt + 1,
                         "应答校验错" if garbled else "无应答", "bad checksum" if garbled else "no answer",
                         attempt + 1)
        if garbled:
            raise DeviceProtocolError(f"读卡器 {self.port} 应答校验错（{command.name}）",
                                      f"reader {self.port} answered {command.name} with bad checksums")
        raise DeviceTimeout(f"读卡器 {self.port} 无应答（{command.name}，{self.retries + 1} 次，"
                            f"每次 {self.timeout_s:g} 秒）",
                            f"reader {self.port} did not answer {command.name} "
                            f"({self.retries + 1} attempt(s) of {self.timeout_s:g} s)")

    # -- the port ------------------------------------------------------------------------------------
    def _ensure_open(self) -> None:
        if self._closing:
            raise DeviceUnavailable(f"读卡器 {self.port} 已关闭", f"reader {self.port} is closed")
        if self._serial is not None and self._link_error is None:
            return
        self._stop_reader()
        try:
            port = serial.serial_for_url(self.port, baudrate=self.baud, timeout=None,
                                         write_timeout=WRITE_TIMEOUT_S, exclusive=True)
        except (serial.SerialException, OSError, ValueError) as exc:
            self._link_error = str(exc)
            raise DeviceUnavailable(f"读卡器串口 {self.port} 无法打开：{exc}",
                                    f"cannot open the reader's port {self.port}: {exc}") from exc
        self._decoder.reset()
        self._serial, self._link_error = port, None
        self._reader = threading.Thread(target=self._read_loop, args=(port,), name=f"idcard-reader {self.port}",
                                        daemon=True)
        self._reader.start()

    def _write(self, raw: bytes) -> None:
        port = self._serial
        if port is None:
            raise DeviceUnavailable(f"读卡器 {self.port} 未打开", f"reader {self.port} is not open")
        try:
            port.write(raw)
        except serial.SerialTimeoutException as exc:
            raise DeviceTimeout(f"读卡器 {self.port} 写超时", f"reader {self.port}: write timed out") from exc
        except (serial.SerialException, OSError) as exc:
            self._link_error = str(exc) or type(exc).__name__
            raise DeviceUnavailable(f"读卡器 {self.port} 写失败：{exc}",
                                    f"reader {self.port}: write failed: {exc}") from exc

    def _read_loop(self, port: serial.Serial) -> None:
        while not self._closing:
            try:
                chunk = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError, TypeError) as exc:
                if not self._closing:
                    log.error("读卡器 %s 连接中断 / link lost: %s", self.port, exc)
                    self._link_error = str(exc) or type(exc).__name__
                return
            for reply in self._decoder.feed(chunk):
                self._replies.put(reply)

    def _stop_reader(self) -> None:
        port, reader = self._serial, self._reader
        if port is not None:
            if port.is_open:
                port.cancel_read()
            if reader is not None and reader is not threading.current_thread():
                reader.join(timeout=2.0)
            port.close()
        self._serial = self._reader = None

    def close(self) -> None:
        with self._lock:
            if self._closing:
                return
            self._closing = True
            self._stop_reader()


class SimIdCardReader(IdCardReader):
    """In process: every exchange is encoded and decoded through the codec, like the serial one."""

    backend = "sim"

    def __init__(self, model: ReaderModel | None = None) -> None:
        super().__init__()
        self.model = model or ReaderModel()
        self._decoder = ReplyDecoder("模拟读卡器 / sim reader")

    @classmethod
    def from_url(cls, url: DeviceUrl) -> SimIdCardReader:
        url.check_options({"card"})
        card = url.options.get("card")
        if card is not None and card not in CARDS:
            raise DeviceConfigError(f"设备地址 {url.raw!r}：没有测试卡 {card!r}（可用：{', '.join(CARDS)}）",
                                    f"device URL {url.raw!r}: no test card {card!r} (known: {', '.join(CARDS)})")
        return cls(ReaderModel(card))

    @property
    def label(self) -> str:
        return "sim://"

    def _facts(self) -> dict[str, object]:
        return {"frames": self._decoder.frames, "dropped": dict(self._decoder.drops)}

    def _transact(self, command: Command) -> Reply:
        raw = encode_command(command)
        self._decoder.reset()  # no line between the two ends: nothing of a bad answer lingers
        answer = self.model.answer(raw[7], raw[8])
        replies = self._decoder.feed(answer)
        if replies:
            return replies[-1]
        if answer:
            raise DeviceProtocolError(f"模拟读卡器应答校验错（{command.name}）",
                                      f"simulated reader answered {command.name} with a bad frame")
        raise DeviceTimeout(f"模拟读卡器无应答（{command.name}）", f"simulated reader did not answer {command.name}")


_READERS = {"serial": SerialIdCardReader.from_url, "sim": SimIdCardReader.from_url}


def open_idcard(url: str) -> IdCardReader:
    """Open the ID card reader at ``url`` (``serial:///dev/ttyUSB0?baud=115200`` or ``sim://``)."""
    return open_by_scheme("身份证读卡器 / ID card reader", url, _READERS)
