"""到号提醒 through the real hall core: one message when the ticket is ``notify_ahead`` places from the
front, sent right after the commit that moved the queue, once per ticket; the sim backend keeps it."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.auth import Principal
from server.booking.runtime import BookingRuntime
from server.booking.watcher import NoticeWatcher, Recipient
from server.core import Outcome
from server.notify import NotifierError, SimNotifier, open_notifier
from tests.booking.booking_helpers import KIOSK, PHONE, SECRET, Bench, make_bench

CLERK = Principal(actor="clerk:1001", role="clerk", hall="t", windows=frozenset({1, 2}), staff_no="1001")


@pytest.fixture
def bench(tmp_path: Path, template_db: Path) -> Bench:
    return make_bench(tmp_path, template_db, now="2026-09-21 09:00")


def issue(bench: Bench, n: int) -> list[str]:
    return [bench.halls.mutate("t", lambda h, now: h.issue("GEN", now=now).ticket.id, who=KIOSK,
                               action="ticket.issue", render=lambda done: (201, done.result)).body for _ in range(n)]


def serve_next(bench: Bench, window: int = 1) -> None:
    def step(h, now):
        h.call_next(window, now=now)
        h.start(window, now=now)
        return h.finish(window, Outcome.COMPLETED, now=now)

    bench.halls.mutate("t", step, who=CLERK, action="window.call")


def test_one_message_when_three_are_ahead_then_none_again(bench: Bench, tmp_path: Path) -> None:
    sim = SimNotifier(tmp_path / "notices.jsonl")
    watcher = NoticeWatcher(bench.halls, sim, notify_ahead=3)
    bench.halls.listeners.append(watcher.on_commit)
    ids = issue(bench, 6)
    watcher.subscribe("t", ids[5], Recipient(PHONE, "138****5678"))  # five ahead
    bench.halls.mutate("t", lambda h, now: h.sign_in(1, "1001", now=now), who=CLERK, action="window.sign_in")
    serve_next(bench)
    assert sim.sent == []  # four ahead
    serve_next(bench)  # three ahead: the message leaves before mutate() returns
    assert [(m.ticket_id, m.kind, m.to_mask) for m in sim.sent] == [(ids[5], "near", "138****5678")]
    assert "前面还有 3 人" in sim.sent[0].text_zh and "A006" in sim.sent[0].text_zh
    serve_next(bench)
    serve_next(bench)
    assert len(sim.sent) == 1  # once per ticket
    assert watcher.watching("t") == 0
    line = (tmp_path / "notices.jsonl").read_text(encoding="utf-8")
    assert "138****5678" in line and PHONE not in line  # the file, like the database, never has the number


def test_a_ticket_already_near_the_front_is_told_at_once_and_once_only_across_watchers(bench: Bench) -> None:
    ids = issue(bench, 2)
    first, second = SimNotifier(), SimNotifier()
    a = NoticeWatcher(bench.halls, first, notify_ahead=3)
    b = NoticeWatcher(bench.halls, second, notify_ahead=3)  # e.g. a second server process
    a.subscribe("t", ids[1], Recipient(PHONE, "138****5678"))
    b.subscribe("t", ids[1], Recipient(PHONE, "138****5678"))
    assert a.check("t") == 1 and b.check("t") == 0
    assert "前面还有 1 人" in first.sent[0].text_zh and second.sent == []


def test_a_called_ticket_gets_the_window_when_subscribed_late(bench: Bench) -> None:
    ids = issue(bench, 1)
    bench.halls.mutate("t", lambda h, now: h.sign_in(2, "1001", now=now), who=CLERK, action="window.sign_in")
    bench.halls.mutate("t", lambda h, now: h.call_next(2, now=now), who=CLERK, action="window.call")
    sim = SimNotifier()
    watcher = NoticeWatcher(bench.halls, sim, notify_ahead=3)
    watcher.subscribe("t", ids[0], Recipient(PHONE, "138****5678"))
    watcher.check_all()
    assert sim.sent[0].kind == "called" and "请 A001 号到 2 号窗口办理" in sim.sent[0].text_zh


def test_finished_and_unknown_tickets_are_dropped_without_a_message(bench: Bench) -> None:
    ids = issue(bench, 1)
    bench.halls.mutate("t", lambda h, now: h.cancel(ids[0], now=now), who=KIOSK, action="ticket.cancel")
    sim = SimNotifier()
    watcher = NoticeWatcher(bench.halls, sim, notify_ahead=3)
    watcher.subscribe("t", ids[0], Recipient(PHONE, "138****5678"))
    watcher.subscribe("t", "t-20200101-A001", Recipient(PHONE, "138****5678"))
    assert watcher.check("t") == 0 and sim.sent == [] and watcher.watching("t") == 0


@pytest.mark.parametrize("url, fragment", [
    ("sms+http://gateway.example/send", "尚未实现"),
    ("sms+https://gateway.example/send", "not implemented"),
    ("smtp://mail", "unknown notifier URL"),
    ("sim://host/x", "sim:///"),
])
def test_notifier_urls_other_than_log_and_sim_are_refused_plainly(url: str, fragment: str) -> None:
    with pytest.raises(NotifierError, match=fragment):
        open_notifier(url)
    assert open_notifier("log:").name == "log" and open_notifier("sim:").name == "sim"


def test_the_server_refuses_to_start_with_an_sms_gateway_url_rather_than_drop_reminders(bench: Bench) -> None:
    """The booking router's lifespan starts the runtime: a bad HALLQ_NOTIFY stops the start-up."""
    with pytest.raises(NotifierError, match="短信网关"):
        BookingRuntime.start(bench.halls, SECRET, {"HALLQ_NOTIFY": "sms+http://gateway.example/send"})
    assert bench.halls.listeners == []
    runtime = BookingRuntime.start(bench.halls, SECRET, {"HALLQ_NOTIFY": "log:", "HALLQ_BOOKING_NOTIFY_AHEAD": "5"})
    assert runtime.watcher.notify_ahead == 5 and bench.halls.listeners == [runtime.watcher.on_commit]
    runtime.close()
    assert bench.halls.listeners == []


class FlakyGateway(SimNotifier):
    """Fails its first send, like a gateway that is briefly away."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    def send(self, message) -> None:
        if self.failures:
            self.failures -= 1
            raise OSError("gateway away")
        super().send(message)


def test_a_message_that_could_not_be_sent_is_tried_again_not_lost(bench: Bench, caplog) -> None:
    ids = issue(bench, 1)
    gateway = FlakyGateway()
    watcher = NoticeWatcher(bench.halls, gateway, notify_ahead=3)
    watcher.subscribe("t", ids[0], Recipient(PHONE, "138****5678"))
    assert watcher.check("t") == 0 and gateway.sent == []
    assert "could not be sent" in caplog.text and PHONE not in caplog.text
    assert watcher.check("t") == 1 and len(gateway.sent) == 1
