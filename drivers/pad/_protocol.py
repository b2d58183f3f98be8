"""DATA layouts of the serial rating pad's frames (the frame itself is drivers.serialframe)."""

from __future__ import annotations

import struct
from typing import NamedTuple

from ..serialframe import Cmd, Frame, encode_text

__all__ = [
    "PROMPT_EN",
    "PROMPT_ZH",
    "KeyReport",
    "decode_key",
    "encode_key",
    "lights_data",
    "prompt_data",
]

# 004 第三十三条: 引导 (invite) the visitor to rate, "不得违背申请人意愿": invite, never order.
PROMPT_ZH = "欢迎您对本次服务进行评价"
PROMPT_EN = "You are welcome to rate this service"

_KEY = struct.Struct(">BI")  # key 1..5, device tick in ms (wraps after 49.7 days)


def prompt_data(on: bool) -> bytes:
    """PROMPT DATA: the invitation in GB18030, or empty to blank the pad's display."""
    return encode_text(PROMPT_ZH, what="评价提示") if on else b""


def lights_data(on: bool) -> bytes:
    return b"\x01" if on else b"\x00"


class KeyReport(NamedTuple):
    """What a KEY frame says: which key went down, at which device tick (ms)."""

    key: int
    tick_ms: int


def encode_key(addr: int, seq: int, key: int, tick_ms: int) -> Frame:
    """The KEY frame a pad sends when ``key`` goes down at its clock ``tick_ms``.

    >>> encode_key(1, 7, 4, 1000).data.hex(" ")
    '04 00 00 03 e8'
    """
    return Frame(addr, Cmd.KEY, seq, _KEY.pack(key, tick_ms & 0xFFFFFFFF))


def decode_key(frame: Frame) -> KeyReport | None:
    """``(key, tick_ms)`` of a KEY frame, or ``None`` when its DATA is malformed."""
    if len(frame.data) != _KEY.size:
        return None
    return KeyReport(*_KEY.unpack(frame.data))
