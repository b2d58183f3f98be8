"""What a window LED shows, and the DATA layout of SHOW frames."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..serialframe import MAX_DATA, PayloadError, decode_text, encode_text

__all__ = ["LedState", "decode_show", "encode_show"]

_HEAD = struct.Struct(">HB")  # window number, ticket length


@dataclass(frozen=True, slots=True)
class LedState:
    """One LED screen: the window's number, its current ticket (may be empty) and a state line,
    e.g. ``LedState(3, "A012", "A012 请到3号窗口")`` or ``LedState(3, "", "暂停服务")``."""

    window_no: int
    ticket: str
    text: str


def encode_show(state: LedState) -> bytes:
    """SHOW DATA: window u16 BE, ticket length, ticket, text, all text in GB18030.

    >>> encode_show(LedState(3, "A012", "请到3号窗口")).hex(" ")
    '00 03 04 41 30 31 32 c7 eb b5 bd 33 ba c5 b4 b0 bf da'

    Raises :class:`PayloadError` (Chinese + English) for input the LED cannot take.
    """
    if isinstance(state.window_no, bool) or not isinstance(state.window_no, int) or not 1 <= state.window_no <= 0xFFFF:
        raise PayloadError(
            f"窗口号应为 1–65535 的整数，实为 {state.window_no!r}",
            f"window number must be an integer 1-65535, got {state.window_no!r}",
        )
    if not isinstance(state.ticket, str) or not isinstance(state.text, str):
        raise PayloadError("号码和文字应为字符串", "ticket and text must be strings")
    ticket = encode_text(state.ticket, what="号码 / ticket")
    text = encode_text(state.text, what="显示文字 / text")
    room = MAX_DATA - _HEAD.size  # < 256, so the ticket length always fits its byte
    if len(ticket) + len(text) > room:
        raise PayloadError(
            f"显示内容过长：号码与文字共 {len(ticket) + len(text)} 字节（GB18030，汉字 2 字节），最多 {room} 字节",
            f"LED content too long: ticket and text take {len(ticket) + len(text)} bytes "
            f"(GB18030, 2 per Chinese character), at most {room}",
        )
    return _HEAD.pack(state.window_no, len(ticket)) + ticket + text


def decode_show(data: bytes) -> LedState | None:
    """The state a SHOW frame asks for, or ``None`` if its DATA is malformed."""
    if len(data) < _HEAD.size:
        return None
    window_no, ticket_len = _HEAD.unpack_from(data)
    if len(data) < _HEAD.size + ticket_len:
        return None
    ticket = data[_HEAD.size : _HEAD.size + ticket_len]
    return LedState(window_no, decode_text(ticket), decode_text(data[_HEAD.size + ticket_len :]))
