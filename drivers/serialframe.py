"""The framed serial protocol of the rating pad and the window LEDs (pure codec, no I/O).

One frame on the wire::

    STX  ADDR  CMD  LEN  SEQ DATA...  CHK  ETX
    02   a     c    n    <- n bytes ->  x    03

* ``ADDR`` is the device's bus address (1..254) in both directions: the host writes to it,
  the device answers with its own address.
* ``LEN`` counts the payload bytes; the payload is ``SEQ`` (one byte) followed by ``DATA``,
  so ``1 <= LEN <= 255``. A reply carries the ``SEQ`` of the request it answers.
* ``CHK`` is the XOR of ``ADDR CMD LEN SEQ DATA`` (before stuffing).
* **Byte stuffing**: between STX and ETX, every byte equal to STX (0x02), ETX (0x03) or
  DLE (0x10) is sent as ``DLE, byte ^ 0x20`` (0x10 0x22, 0x10 0x23, 0x10 0x30). So an STX on
  the wire always starts a frame and an ETX always ends one: after line noise or a truncated
  frame the decoder is back in step at the very next STX, without waiting for a length to run
  out. ``LEN`` stays as a second check that nothing was lost.

Text (prompts, LED lines) is GB18030, which is what Chinese LED and pad firmware renders.
The command table is :class:`Cmd`; docs/devices-pad-led.md is the reader's version of this page.
"""

from __future__ import annotations

import enum
import logging
from collections import Counter
from dataclasses import dataclass

from .errors import DeviceError

__all__ = [
    "DLE",
    "ETX",
    "MAX_DATA",
    "STX",
    "Cmd",
    "Frame",
    "FrameDecoder",
    "NakReason",
    "PayloadError",
    "decode_text",
    "encode_frame",
    "encode_text",
    "nak_reason",
    "stuff",
    "xor_checksum",
]

log = logging.getLogger(__name__)

STX = 0x02
ETX = 0x03
DLE = 0x10
_ESCAPED = frozenset({STX, ETX, DLE})
MAX_DATA = 254  # LEN is one byte and the SEQ byte is part of the payload
# ADDR CMD LEN + 255 payload bytes + CHK: anything longer without an ETX is noise
_MAX_BODY = 3 + 1 + MAX_DATA + 1
TEXT_ENCODING = "gb18030"


class Cmd(enum.IntEnum):
    """Commands of the protocol family (DATA is what follows SEQ).

    ======  ==========  =============  ==========================================
    CMD     name        direction      DATA
    ======  ==========  =============  ==========================================
    0x05    PING        host → device  (none); answered by STATUS (ASCII ENQ)
    0x85    STATUS      device → host  flags u8 (0 = fine), model ASCII
    0x06    ACK         both ways      the acknowledged CMD (ASCII ACK)
    0x15    NAK         device → host  refused CMD, :class:`NakReason` (ASCII NAK)
    0x21    PROMPT      host → pad     invitation text, GB18030; empty = blank
    0x22    LIGHTS      host → pad     01 on / 00 off
    0x23    KEY         pad → host     key u8 (1..5), pad tick ms u32 BE; host ACKs
    0x31    SHOW        host → LED     window u16 BE, ticket len u8, ticket, text
    0x32    CLEAR       host → LED     (none)
    ======  ==========  =============  ==========================================
    """

    PING = 0x05
    STATUS = 0x85
    ACK = 0x06
    NAK = 0x15
    PROMPT = 0x21
    LIGHTS = 0x22
    KEY = 0x23
    SHOW = 0x31
    CLEAR = 0x32


class NakReason(enum.IntEnum):
    """Why a device refused a command (second DATA byte of NAK)."""

    BAD_DATA = 0x01
    UNKNOWN_COMMAND = 0x02
    TOO_LONG = 0x03


class PayloadError(DeviceError, ValueError):
    """Data that cannot be put in a frame (too long, not encodable): the caller's input is wrong."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded frame. ``cmd`` is an ``int`` so that unknown commands still decode.

    >>> encode_frame(Frame(addr=1, cmd=Cmd.PING, seq=0)).hex(" ")
    '02 01 05 01 00 05 03'
    """

    addr: int
    cmd: int
    seq: int
    data: bytes = b""

    @property
    def payload(self) -> bytes:
        return bytes((self.seq,)) + self.data

    def describe(self) -> str:
        """Short form for logs: ``addr=3 SHOW seq=7 data=00 03 …``."""
        name = _name(Cmd, self.cmd)
        return f"addr={self.addr} {name} seq={self.seq} data={self.data[:24].hex(' ')}"


def _name(enum_type: type[enum.IntEnum], value: int) -> str:
    try:
        return enum_type(value).name
    except ValueError:
        return f"0x{value:02x}"


def nak_reason(frame: Frame) -> str:
    """The reason of a NAK frame by name (``UNKNOWN_COMMAND``), or its hex value."""
    return _name(NakReason, frame.data[1] if len(frame.data) > 1 else 0)


def xor_checksum(body: bytes) -> int:
    """XOR of every byte (the frame's CHK over ADDR..DATA).

    >>> hex(xor_checksum(bytes([0x01, 0x05, 0x01, 0x00])))
    '0x5'
    """
    chk = 0
    for b in body:
        chk ^= b
    return chk


def stuff(raw: bytes) -> bytes:
    """Escape STX, ETX and DLE as ``DLE, byte ^ 0x20`` (the bytes between STX and ETX)."""
    out = bytearray()
    for b in raw:
        if b in _ESCAPED:
            out += bytes((DLE, b ^ 0x20))
        else:
            out.append(b)
    return bytes(out)


def encode_frame(frame: Frame) -> bytes:
    """The bytes to send for ``frame``; raises :class:`PayloadError` when it cannot fit."""
    if not 0 <= frame.addr <= 0xFF or not 0 <= frame.cmd <= 0xFF or not 0 <= frame.seq <= 0xFF:
        raise PayloadError(f"帧字段超出一个字节：{frame!r}", f"frame field out of byte range: {frame!r}")
    if len(frame.data) > MAX_DATA:
        raise PayloadError(
            f"数据过长：{len(frame.data)} 字节，最多 {MAX_DATA} 字节",
            f"data too long: {len(frame.data)} bytes, at most {MAX_DATA}",
        )
    body = bytes((frame.addr, frame.cmd, len(frame.data) + 1, frame.seq)) + frame.data
    return bytes((STX,)) + stuff(body + bytes((xor_checksum(body),))) + bytes((ETX,))


def encode_text(text: str, *, what: str = "text") -> bytes:
    """GB18030 bytes of ``text``, or a :class:`PayloadError` naming ``what``."""
    try:
        return text.encode(TEXT_ENCODING)
    except UnicodeEncodeError as exc:
        raise PayloadError(
            f"{what} 含有无法编码的字符：{text!r}",
            f"{what} has characters GB18030 cannot encode: {text!r}",
        ) from exc


def decode_text(raw: bytes) -> str:
    """Text from a device; undecodable bytes become U+FFFD rather than failing the frame."""
    return raw.decode(TEXT_ENCODING, errors="replace")


class FrameDecoder:
    """Streaming decoder: feed it whatever the port returned, get the complete frames back.

    It never raises on line noise. Bytes outside a frame, frames cut short by a new STX,
    bad escapes, wrong LEN and wrong checksums are dropped, logged at WARNING and counted
    in :attr:`drops` (reason → count); decoding carries on at the next STX.

    >>> d = FrameDecoder("doc")
    >>> d.feed(b"\\xff\\x02\\x01\\x05\\x01\\x00\\x05")      # noise, then a frame split in two
    []
    >>> d.feed(b"\\x03")
    [Frame(addr=1, cmd=5, seq=0, data=b'')]
    >>> dict(d.drops)
    {'garbage': 1}
    """

    def __init__(self, name: str = "serial") -> None:
        self.name = name
        self.drops: Counter[str] = Counter()
        self.frames = 0
        self._body = bytearray()
        self._in_frame = False
        self._escape = False
        self._garbage = bytearray()

    def feed(self, data: bytes) -> list[Frame]:
        frames: list[Frame] = []
        for b in data:
            if b == STX:
                self._flush_garbage()
                if self._in_frame:
                    self._drop("truncated", "帧不完整，被新的帧头打断 / frame cut short by a new STX")
                self._start()
            elif not self._in_frame:
                self._garbage.append(b)
            elif b == ETX:
                frame = self._finish()
                if frame is not None:
                    frames.append(frame)
            elif self._escape:
                self._escape = False
                if b ^ 0x20 not in _ESCAPED:
                    self._body += bytes((DLE, b))
                    self._drop("escape", f"非法转义 / bad escape 10 {b:02x}")
                    continue
                self._append(b ^ 0x20)
            elif b == DLE:
                self._escape = True
            else:
                self._append(b)
        self._flush_garbage()
        return frames

    def reset(self) -> None:
        """Forget a partial frame (e.g. after the port was reopened)."""
        self._in_frame = False
        self._escape = False
        self._body.clear()
        self._garbage.clear()

    def _start(self) -> None:
        self._in_frame = True
        self._escape = False
        self._body.clear()

    def _append(self, b: int) -> None:
        self._body.append(b)
        if len(self._body) > _MAX_BODY:
            self._drop("overlong", f"超过 {_MAX_BODY} 字节仍无帧尾 / no ETX within {_MAX_BODY} bytes")

    def _finish(self) -> Frame | None:
        body = bytes(self._body)
        if self._escape:
            self._drop("escape", "帧尾前缺转义字节 / DLE right before ETX")
            return None
        self._in_frame = False
        if len(body) < 5:
            self._drop("short", "帧过短 / frame too short", body)
            return None
        addr, cmd, length = body[0], body[1], body[2]
        payload, chk = body[3:-1], body[-1]
        if length != len(payload):
            self._drop("length", f"长度字段 {length} 与实际 {len(payload)} 不符 / LEN mismatch", body)
            return None
        expected = xor_checksum(body[:-1])
        if chk != expected:
            self._drop("checksum", f"校验错 {chk:02x}≠{expected:02x} / bad checksum", body)
            return None
        self.frames += 1
        return Frame(addr, cmd, payload[0], payload[1:])

    def _drop(self, reason: str, text: str, body: bytes | None = None) -> None:
        shown = bytes(self._body if body is None else body)
        self.drops[reason] += 1
        log.warning("%s: 丢弃帧 / dropped frame (%s): %s [%s]", self.name, reason, text, shown[:32].hex(" "))
        self._in_frame = False
        self._escape = False
        self._body.clear()

    def _flush_garbage(self) -> None:
        if self._garbage:
            self.drops["garbage"] += len(self._garbage)
            log.warning(
                "%s: 忽略帧外杂散字节 / ignored %d byte(s) outside frames [%s]",
                self.name,
                len(self._garbage),
                bytes(self._garbage[:32]).hex(" "),
            )
            self._garbage.clear()
