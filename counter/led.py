"""What the window LED above the counter shows, from the window's state — pure.

004 第十四条: window information is public, so an open window with nobody called shows the clerk's
name and staff number; a called ticket shows its number and where to go; a paused window shows the
去向留言 (004 第十三条) with the return time. The LED is the public's: Chinese only, short, and cut to
what one SHOW frame carries (never refused for length).

>>> from client.models import WindowInfo
>>> info = WindowInfo.of({"number": 3, "name_zh": "3号窗口", "name_en": "W3", "kind": "comprehensive",
...     "status": "paused", "pause_reason": "会议", "pause_until": 1772418600.0, "seq": 1})
>>> led_state(info, ZoneInfo("Asia/Shanghai"))
LedState(window_no=3, ticket='', text='暂停服务：会议，10:30返回')
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from client.models import WindowInfo
from drivers.led import LedState, encode_show
from drivers.serialframe import PayloadError
from vocab import TicketState, WindowStatus

from . import texts
from .view import AT_WINDOW, clock_text

ELLIPSIS = "…"


def led_state(info: WindowInfo, tz: ZoneInfo) -> LedState:
    """The LED screen for the window as ``info`` describes it."""
    n = info.number
    if info.status is WindowStatus.CLOSED:
        return fit(LedState(n, "", texts.LED_CLOSED.zh))
    if info.status is WindowStatus.PAUSED:
        until = clock_text(info.pause_until, tz)
        template = texts.LED_PAUSED_UNTIL if until else texts.LED_PAUSED
        return fit(LedState(n, "", template.zh.format(reason=info.pause_reason, until=until)))
    clerk = texts.LED_CLERK.zh.format(name=info.clerk.name, staff_no=info.clerk.staff_no) if info.clerk else ""
    current = info.current
    if current is not None and current.state in AT_WINDOW:
        return fit(LedState(n, current.number, texts.LED_CALL.zh.format(number=current.number, window=n)))
    if current is not None and current.state is TicketState.SERVING:
        return fit(LedState(n, current.number, texts.LED_SERVING.zh.format(number=current.number, clerk=clerk)))
    return fit(LedState(n, "", texts.LED_IDLE.zh.format(clerk=clerk)))


def fit(state: LedState) -> LedState:
    """``state`` with its text shortened (ending in …) until one SHOW frame carries it.

    >>> len(fit(LedState(1, "A001", "很长" * 200)).text)
    123
    """
    text = state.text
    while True:
        candidate = LedState(state.window_no, state.ticket, text)
        try:
            encode_show(candidate)
        except PayloadError:
            if not text:
                raise
            text = text[: -2 if text.endswith(ELLIPSIS) else -1].rstrip() + ELLIPSIS
            continue
        return candidate
