"""The ID-card reader (SAM) serial protocol of GA 467: frames, commands and status words (pure, no I/O).

Host → reader::

    AA AA AA 96 69   LEN(2, big-endian)   CMD   PARA   DATA…   CHK

Reader → host::

    AA AA AA 96 69   LEN(2, big-endian)   SW1   SW2   SW3   DATA…   CHK

* ``AA AA AA 96 69`` is the preamble: three bytes of frame sync, then ``96 69`` marking the start.
* ``LEN`` counts what follows it, checksum included: CMD PARA DATA CHK (host) or SW1 SW2 SW3 DATA CHK
  (reader).
* ``CHK`` is the XOR of every byte after the preamble up to the checksum (LEN included).
* ``SW1 SW2`` pass on the card's APDU status, ``SW3`` is the reader's own status (:class:`Status`).

Checked against the public descriptions of the protocol (docs/devices-idcard.md lists them), and
against frames published there byte for byte, e.g. the find-card command
``AA AA AA 96 69 00 03 20 01 22`` and the reader's "read failed" answer
``AA AA AA 96 69 00 04 00 00 41 45``.

>>> encode_command(Command.FIND_CARD).hex(" ")
'aa aa aa 96 69 00 03 20 01 22'
"""

from __future__ import annotations

import enum
import logging
import struct
from collections import Counter
from dataclasses import dataclass

from ..serialframe import xor_checksum

__all__ = [
    "MAX_LEN",
    "PREAMBLE",
    "Command",
    "Reply",
    "ReplyDecoder",
    "Status",
    "encode_command",
    "encode_reply",
    "parse_read_data",
]

log = logging.getLogger(__name__)

PREAMBLE = bytes.fromhex("AA AA AA 96 69")
# The longest answer of the protocol is text + photo + fingerprints: LEN 0x0910 (2321-byte frame).
# A LEN above this is line noise that happened to look like a preamble: drop it and resync.
MAX_LEN = 0x0A00
_LEN = struct.Struct(">H")
LOG_EVERY_BYTES = 1 << 20  # a lasting burst of noise is summarised once per this many bytes


class Command(enum.Enum):
    """(CMD, PARA) pairs. Only what a kiosk needs is sent; the others are named for logs."""

    RESET_SAM = (0x10, 0xFF)  # 复位 SAM
    SAM_STATUS = (0x11, 0xFF)  # SAM 状态检测
    SAM_ID = (0x12, 0xFF)  # 读 SAM 管理信息（编号）
    FIND_CARD = (0x20, 0x01)  # 寻找证/卡
    SELECT_CARD = (0x20, 0x02)  # 选取证/卡
    READ_TEXT_PHOTO = (0x30, 0x01)  # 读固定信息：文字 + 照片
    READ_NEW_ADDRESS = (0x30, 0x03)  # 读最新住址（追加信息）
    READ_TEXT_PHOTO_FP = (0x30, 0x10)  # 读固定信息：文字 + 照片 + 指纹

    @property
    def cmd(self) -> int:
        return self.value[0]

    @property
    def para(self) -> int:
        return self.value[1]

    @classmethod
    def of(cls, cmd: int, para: int) -> Command | None:
        for c in cls:
            if c.value == (cmd, para):
                return c
        return None


class Status(enum.IntEnum):
    """SW3, the reader's own status (with the published meaning)."""

    OK = 0x90  # 操作成功
    CARD_FOUND = 0x9F  # 找卡成功（DATA: 4 bytes）
    HOST_CHECKSUM = 0x10  # 接收业务终端数据的校验和错
    HOST_LENGTH = 0x11  # 接收业务终端数据的长度错
    HOST_COMMAND = 0x21  # 接收业务终端的命令错误（数值或逻辑搭配错误）
    UNAUTHORISED_OP = 0x23  # 越权操作
    UNKNOWN_ERROR = 0x24  # 无法识别的错误
    CARD_AUTH_SAM = 0x31  # 证/卡认证 SAM 失败
    SAM_AUTH_CARD = 0x32  # SAM 认证证/卡失败
    VERIFY_FAILED = 0x33  # 信息验证失败
    WRONG_CARD = 0x40  # 无法识别的卡类型（错误的卡）
    READ_FAILED = 0x41  # 读证/卡操作失败
    RANDOM_FAILED = 0x47  # 取随机数失败
    SAM_SELF_TEST = 0x60  # SAM 自检失败，不能接收命令
    SAM_UNAUTHORISED = 0x66  # SAM 未经授权，无法使用
    NO_CARD = 0x80  # 找证/卡失败（读卡区没有证件）
    SELECT_FAILED = 0x81  # 选取证/卡失败
    NO_CONTENT = 0x91  # 证/卡中此项无内容（如无追加住址）

    @classmethod
    def name_of(cls, sw3: int) -> str:
        try:
            return cls(sw3).name
        except ValueError:
            return f"0x{sw3:02x}"


#: statuses that say the SAM itself cannot work (a fault for maintenance, not for the visitor)
SAM_FAULTS = frozenset({Status.SAM_SELF_TEST, Status.SAM_UNAUTHORISED})
#: statuses after which the card was there but could not be read: lifted too early, moved, damaged
CARD_TROUBLE = frozenset({Status.READ_FAILED, Status.SELECT_FAILED, Status.CARD_AUTH_SAM, Status.SAM_AUTH_CARD,
                          Status.VERIFY_FAILED, Status.RANDOM_FAILED})


def encode_command(command: Command, data: bytes = b"") -> bytes:
    """The frame the host sends for ``command``.

    >>> encode_command(Command.SAM_STATUS).hex(" ")
    'aa aa aa 96 69 00 03 11 ff ed'
    """
    body = _LEN.pack(len(data) + 3) + bytes((command.cmd, command.para)) + data
    return PREAMBLE + body + bytes((xor_checksum(body),))


def encode_reply(sw3: int, data: bytes = b"", *, sw1: int = 0, sw2: int = 0) -> bytes:
    """The frame a reader sends (the simulator's side).

    >>> encode_reply(Status.READ_FAILED).hex(" ")
    'aa aa aa 96 69 00 04 00 00 41 45'
    """
    if len(data) + 4 > MAX_LEN:
        raise ValueError(f"reply data too long: {len(data)} bytes")
    body = _LEN.pack(len(data) + 4) + bytes((sw1, sw2, sw3)) + data
    return PREAMBLE + body + bytes((xor_checksum(body),))


@dataclass(frozen=True, slots=True)
class Reply:
    """One decoded frame. For a reader's answer ``head`` is (SW1, SW2, SW3); for a host's command
    (decoded by the simulator) it is (CMD, PARA)."""

    head: bytes
    data: bytes

    @property
    def sw3(self) -> int:
        return self.head[-1]

    @property
    def status(self) -> str:
        return Status.name_of(self.sw3)

    def describe(self) -> str:
        return f"{self.head.hex(' ')} ({self.status}) data={len(self.data)} B"


class ReplyDecoder:
    """Streaming decoder for either direction: feed it what the port returned, get whole frames back.

    Never raises on line noise. Bytes before a preamble, a LEN out of range and a wrong checksum are
    dropped and counted in :attr:`drops` (reason → count). Noise is logged by the burst: a WARNING
    when it starts, a summary when a good frame ends it (and one per :data:`LOG_EVERY_BYTES` while
    it lasts), so a megabyte of noise is a few log lines, not hundreds. After a bad frame the search for the next
    preamble starts one byte after the bad one's, so a real frame swallowed by a fake LEN is still found.

    ``head`` is 3 bytes for the reader's answers (SW1 SW2 SW3), 2 for host commands (CMD PARA).
    """

    def __init__(self, name: str = "idcard", *, head: int = 3) -> None:
        self.name = name
        self.head = head
        self.drops: Counter[str] = Counter()
        self.frames = 0
        self._buf = bytearray()
        self._burst: Counter[str] = Counter()  # drops since the last good frame
        self._burst_logged = 0  # bytes of the burst already reported

    def feed(self, chunk: bytes) -> list[Reply]:
        self._buf += chunk
        out: list[Reply] = []
        dropped: Counter[str] = Counter()
        buf = self._buf
        while True:
            at = buf.find(PREAMBLE)
            if at < 0:
                # keep a tail that may be the start of a preamble cut by the chunk boundary
                keep = len(PREAMBLE) - 1
                if len(buf) > keep:
                    dropped["garbage"] += len(buf) - keep
                    del buf[: len(buf) - keep]
                break
            if at:
                dropped["garbage"] += at
                del buf[:at]
            if len(buf) < len(PREAMBLE) + 2:
                break
            (length,) = _LEN.unpack_from(buf, len(PREAMBLE))
            if not self.head + 1 <= length <= MAX_LEN:
                dropped["length"] += 1
                del buf[:1]
                continue
            end = len(PREAMBLE) + 2 + length
            if len(buf) < end:
                break
            body = bytes(buf[len(PREAMBLE) : end])
            if xor_checksum(body[:-1]) != body[-1]:
                dropped["checksum"] += 1
                del buf[:1]
                continue
            del buf[:end]
            self._note(dropped)
            dropped = Counter()
            self.frames += 1
            if self._burst:
                self._log("结束 / ended")
                self._burst.clear()
            out.append(Reply(body[2 : 2 + self.head], body[2 + self.head : -1]))
        self._note(dropped)
        return out

    def _note(self, dropped: Counter[str]) -> None:
        if not dropped:
            return
        started = not self._burst
        self.drops.update(dropped)
        self._burst.update(dropped)
        if started:
            self._burst_logged = 0
            self._log("开始 / started")
        elif self._burst["garbage"] - self._burst_logged >= LOG_EVERY_BYTES:
            self._log("持续 / continuing")

    def _log(self, phase: str) -> None:
        self._burst_logged = self._burst["garbage"]
        log.warning("%s: 线路杂波%s，已丢弃 / line noise %s, dropped so far: %s", self.name, phase.split(" / ")[0],
                    phase.split(" / ")[1], ", ".join(f"{k} {v}" for k, v in sorted(self._burst.items())))

    def reset(self) -> None:
        self._buf.clear()

    @property
    def pending(self) -> int:
        """Bytes held waiting for the rest of a frame."""
        return len(self._buf)


_READ_HEAD = struct.Struct(">HH")


def parse_read_data(data: bytes) -> tuple[bytes, int]:
    """DATA of a successful read-text command: text length u16 BE, photo length u16 BE, text, photo
    (then fingerprints for 0x30 0x10). Returns (text block, photo length): the photo is *not* returned,
    decoded or kept (000 第二十八条: the kiosk needs no picture of the visitor).

    Raises ``ValueError`` for DATA that does not add up."""
    if len(data) < _READ_HEAD.size:
        raise ValueError(f"read answer too short: {len(data)} bytes")
    text_len, photo_len = _READ_HEAD.unpack_from(data)
    if text_len != 256 or len(data) < _READ_HEAD.size + text_len + photo_len:
        raise ValueError(f"read answer does not add up: text {text_len} + photo {photo_len}, {len(data)} bytes")
    return bytes(data[_READ_HEAD.size : _READ_HEAD.size + text_len]), photo_len
