"""The counter's pure rules, without Qt or a server: which actions a clerk may start, what the LED says,
the one-time notice's list, and the outbox's exactly-once sending (driven by a synchronous ``submit``,
the same port the terminal gives it a worker thread for)."""

from __future__ import annotations

import doctest
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import counter.led
import counter.notice
from client import ApiError, ServerUnreachable
from client.i18n import T
from client.models import WindowInfo
from counter.led import fit, led_state
from counter.outbox import Outbox, Pending
from counter.view import Act, Situation, allowed
from drivers.led import LedState, encode_show

TZ = ZoneInfo("Asia/Shanghai")
AT_0930 = 1772415000.0  # 2026-03-02 09:30 in Shanghai


def window(status: str = "open", clerk: str | None = "6001", current: dict | None = None, **extra: Any) -> WindowInfo:
    return WindowInfo.of({
        "number": 3, "name_zh": "3号窗口", "name_en": "Window 3", "kind": "comprehensive", "status": status,
        "clerk": {"name": "张三", "staff_no": clerk} if clerk else None, "current": current, "seq": 1, **extra})


def ticket(state: str, **extra: Any) -> dict:
    return {"id": "ctr-20260302-A012", "number": "A012", "service": "GEN", "state": state, "hall": "ctr",
            "day": "2026-03-02", "lane": "normal", "channel": "kiosk", "issued_at": AT_0930 - 600,
            "queued_at": AT_0930 - 600, **extra}


R = Act.REQUEUE  # 过号重排 (F10) whenever the window is the clerk's (issue 16)


@pytest.mark.parametrize(("info", "me", "expected"), [
    (window("closed", clerk=None), "6001", {Act.SIGN_IN, Act.SWITCH}),
    (window(clerk="6002"), "6001", {Act.TAKEOVER, Act.SWITCH}),
    (window("paused", pause_reason="会议"), "6001", {Act.RESUME, Act.SWITCH, Act.SIGN_OUT, R}),
    (window(), "6001", {Act.CALL, Act.PAUSE, Act.SWITCH, Act.SIGN_OUT, R}),
    (window(current=ticket("called")), "6001", {Act.RECALL, Act.NO_SHOW, Act.START, Act.SWITCH, R}),
    (window(current=ticket("recalled", recalls=1)), "6001", {Act.RECALL, Act.NO_SHOW, Act.START, Act.SWITCH, R}),
    (window(current=ticket("serving")), "6001", {Act.FINISH, Act.TRANSFER, Act.SWITCH, R}),
])
def test_what_a_clerk_may_start(info: WindowInfo, me: str, expected: set[Act]) -> None:
    assert allowed(Situation(info, me, online=True)) == expected


def test_recall_is_not_offered_at_the_halls_limit() -> None:
    """F2 greys out once the hall's max_recalls is reached (issue 16): then only no-show or start."""
    under, at = window(current=ticket("recalled", recalls=1)), window(current=ticket("recalled", recalls=2))
    assert Act.RECALL in allowed(Situation(under, "6001", online=True, max_recalls=2))
    assert allowed(Situation(at, "6001", online=True, max_recalls=2)) == {Act.NO_SHOW, Act.START, Act.SWITCH, R}
    assert Act.RECALL in allowed(Situation(at, "6001", online=True))  # limit not known yet: the server decides


def test_nothing_while_offline_busy_or_logged_out() -> None:
    info = window()
    assert allowed(Situation(info, "6001", online=False)) == frozenset()
    assert allowed(Situation(info, "6001", online=True, busy=True)) == frozenset()  # one press, one action
    assert allowed(Situation(info, None, online=True)) == frozenset()


def test_the_led_follows_the_window() -> None:
    assert led_state(window("closed", clerk=None), TZ) == LedState(3, "", "暂停服务")
    assert led_state(window(), TZ) == LedState(3, "", "张三 工号6001　欢迎您")
    assert led_state(window(current=ticket("called")), TZ) == LedState(3, "A012", "请 A012 号到 3 号窗口")
    assert led_state(window(current=ticket("serving")), TZ).text == "正在办理 A012　张三 工号6001"
    paused = window("paused", pause_reason="业务培训", pause_until=AT_0930)
    assert led_state(paused, TZ) == LedState(3, "", "暂停服务：业务培训，09:30返回")
    assert led_state(window("paused", pause_reason="午休"), TZ).text == "暂停服务：午休"


def test_a_long_pause_reason_is_cut_to_what_the_led_takes() -> None:
    long = window("paused", pause_reason="到后台" * 80)
    state = led_state(long, TZ)
    encode_show(state)  # fits one SHOW frame
    assert state.text.startswith("暂停服务：到后台") and state.text.endswith("…")
    assert fit(LedState(3, "A012", "短")) == LedState(3, "A012", "短")


class Sync:
    """``submit`` that runs the call at once and answers from a script: an exception or a value."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, str]] = []

    def __call__(self, fn: Any, *args: Any, on_done: Any, on_error: Any, idempotency_key: str, **kw: Any) -> None:
        self.calls.append((args[0], idempotency_key))
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            on_error(answer)
        else:
            on_done(answer)


def action(name: str, done: list, refused: list | None = None) -> Pending:
    return Pending(name, T(name, name), print, (name,), on_done=lambda r: done.append((name, r)),
                   on_refused=None if refused is None else refused.append)


def test_the_outbox_holds_an_unanswered_action_and_sends_it_again_with_its_key() -> None:
    down = ServerUnreachable("http://hall", "refused", 3)
    submit = Sync(down, down, "called A001", "started A001")
    done: list = []
    reached: list[bool] = []
    box = Outbox(submit, on_reached=lambda ok, exc: reached.append(ok))
    box.put(action("call", done))
    box.put(action("start", done))  # waits behind the held call: never overtakes it
    assert box.held and [c[0] for c in submit.calls] == ["call"] and reached == [False]
    box.retry()
    assert box.held and len(submit.calls) == 2
    box.retry()
    assert not box.busy and done == [("call", "called A001"), ("start", "started A001")]
    keys = [key for name, key in submit.calls if name == "call"]
    assert len(keys) == 3 and len(set(keys)) == 1  # the same Idempotency-Key every time
    assert reached[-1] is True


def test_a_refusal_is_dropped_and_said_and_the_next_action_goes() -> None:
    busy = ApiError(409, "window_busy", "窗口忙", "window busy")
    submit = Sync(busy, "called")
    done: list = []
    refused: list = []
    box = Outbox(submit)
    box.put(action("pause", done, refused))
    box.put(action("call", done))
    assert refused == [busy] and done == [("call", "called")] and not box.busy


def test_a_server_error_is_held_like_silence() -> None:
    submit = Sync(ApiError(500, "internal", "服务器出错", "server error"), "ok")
    done: list = []
    box = Outbox(submit)
    box.put(action("finish", done))
    assert box.held
    box.retry()
    assert done == [("finish", "ok")]


def test_a_closed_outbox_sends_nothing() -> None:
    submit = Sync("never")
    box = Outbox(submit)
    box.close()
    box.put(action("call", []))
    assert submit.calls == [] and not box.busy


@pytest.mark.parametrize("module", [counter.led, counter.notice])
def test_doctests(module: Any) -> None:
    assert doctest.testmod(module).failed == 0
