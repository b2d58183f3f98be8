"""HallClient against a real ``hallq server``: every endpoint the apps use, typed answers, bilingual
errors."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta

import pytest

import client.backoff
import client.http
import client.models
from client import ApiError, HallClient
from client.models import Lane, Outcome, TicketState, WindowStatus
from drivers.health import Health, Level
from tests.client.support import HALL, Hall, clear_window


@pytest.mark.parametrize("module", [client.backoff, client.http, client.models])
def test_docstring_examples(module) -> None:
    assert doctest.testmod(module).failed == 0


def test_issue_call_start_finish(kiosk: HallClient, clerk: HallClient) -> None:
    clear_window(clerk, 1)
    issued = kiosk.issue(HALL, "GEN")
    assert issued.number.startswith("A") and issued.state is TicketState.WAITING
    assert issued.lane is Lane.NORMAL and issued.ahead == 0 and issued.estimated_wait_s >= 0
    assert issued.service_name_zh == "综合受理" and issued.track_url
    assert issued.raw["id"] == issued.id  # the JSON as received stays available

    called = clerk.call(HALL, 1)
    assert called is not None
    assert called.ticket.id == issued.id and called.ticket.state is TicketState.CALLED
    assert called.ticket.window == 1 and called.reason.zh and called.reason.en
    assert called.seq > issued.seq

    assert clerk.start(HALL, 1).ticket.state is TicketState.SERVING
    done = clerk.finish(HALL, 1, Outcome.COMPLETED)
    assert done.ticket.state is TicketState.DONE and done.ticket.outcome is Outcome.COMPLETED
    assert clerk.call(HALL, 1) is None  # 204: nobody waits


def test_recall_no_show_and_requeue(kiosk: HallClient, clerk: HallClient) -> None:
    clear_window(clerk, 1)
    issued = kiosk.issue(HALL, "GEN")
    clerk.call(HALL, 1)
    assert clerk.recall(HALL, 1).ticket.recalls == 1
    with pytest.raises(ApiError) as refused:  # hall_test.toml: max_recalls = 1
        clerk.recall(HALL, 1)
    assert refused.value.code == "recall_limit" and refused.value.status == 409
    assert clerk.no_show(HALL, 1).ticket.state is TicketState.NO_SHOW
    back = kiosk.requeue(HALL, issued.id)  # 过号重排: the visitor came back to the kiosk
    assert back.ticket.state is TicketState.WAITING and back.ticket.requeues == 1


def test_transfer_keeps_the_visitor_and_says_where_from(kiosk: HallClient, clerk: HallClient) -> None:
    clear_window(clerk, 1)
    issued = kiosk.issue(HALL, "GEN")
    clerk.call(HALL, 1)
    clerk.start(HALL, 1)
    moved = clerk.transfer(HALL, 1, "SOC", note="需办社保")
    assert moved.ticket.service == "SOC" and moved.ticket.state is TicketState.WAITING
    assert moved.ticket.transferred_from == issued.id and moved.ticket.note == "需办社保"
    assert clerk.ticket(HALL, issued.id).state is TicketState.TRANSFERRED
    clerk.cancel(HALL, moved.ticket.id)


def test_pause_resume_and_refusal_while_paused(clerk: HallClient) -> None:
    clear_window(clerk, 1)
    back_at = datetime.now(UTC) + timedelta(minutes=30)  # naive would mean the hall's local time
    paused = clerk.pause(HALL, 1, "会议", back_at)
    assert paused.window.status is WindowStatus.PAUSED and paused.window.pause_reason == "会议"
    assert paused.window.pause_until == pytest.approx(back_at.timestamp(), abs=1)
    with pytest.raises(ApiError) as refused:
        clerk.call(HALL, 1)
    assert refused.value.code == "window_paused"
    assert clerk.resume(HALL, 1).window.status is WindowStatus.OPEN


def test_takeover_by_the_b_post_and_sign_out(hall: Hall, kiosk: HallClient) -> None:
    with hall.client(hall.clerk_token) as a, hall.client(hall.counter) as b:
        b.login(hall.clerk_b, "246813")  # the B clerk logs in at the A clerk's terminal
        a.sign_in(HALL, 3)
        taken = b.takeover(HALL, 3)
        assert taken.window.clerk == hall.clerk_b and taken.window.status is WindowStatus.OPEN
        info = b.window(HALL, 3)
        assert info.clerk is not None and info.clerk.staff_no == hall.clerk_b
        assert b.sign_out(HALL, 3).window.status is WindowStatus.CLOSED


def test_window_info_snapshot_halls_and_track(hall: Hall, kiosk: HallClient,
                                              clerk: HallClient) -> None:
    clear_window(clerk, 1)
    listing = kiosk.halls()
    assert [s.code for s in listing.hall(HALL).services] == ["GEN", "TAX", "SOC"]
    assert listing.hall(HALL).windows[0].profile[0].services == ["GEN"]

    issued = kiosk.issue(HALL, "GEN", "priority")
    info = clerk.window(HALL, 1)
    assert info.status is WindowStatus.OPEN and info.current is None
    assert [(w.service, w.priority) for w in info.waiting] == [("GEN", 1)]

    with hall.client(hall.display) as display:
        snap = display.snapshot(HALL)
    assert snap.seq >= issued.seq
    gen = next(w for w in snap.waiting if w.service == "GEN")
    assert gen.priority == 1 and gen.total == 1

    tracked = kiosk.track(issued.track_url)  # the QR code's URL works as well as the bare token
    assert tracked.number == issued.number and tracked.state is TicketState.WAITING
    clerk.call(HALL, 1)
    tracked = kiosk.track(issued.track_url)
    assert tracked.window == 1 and tracked.window_name_zh == "1号 综合窗口"

    history = clerk.ticket(HALL, issued.id).history
    assert [h["kind"] for h in history] == ["ticket.issued", "ticket.called"]


def test_tide_open_and_close_by_a_manager(hall: Hall) -> None:
    with hall.client(hall.manager_token) as manager:
        manager.sign_in(HALL, 3)
        opened = manager.open_tide(HALL, 3, "GEN")
        assert opened.window.tide_service == "GEN" and opened.window.tide_manual
        assert manager.close_tide(HALL, 3).window.tide_service is None
        manager.sign_out(HALL, 3)


def test_heartbeat_reaches_the_device_list(hall: Hall, kiosk: HallClient) -> None:
    kiosk.heartbeat([Health("printer", Level.WARN, "纸将尽", "paper low", {"paper": "low"}),
                     {"device": "touch", "level": "OK"}])
    with hall.client(hall.manager_token) as manager:
        devices = manager.devices(HALL)
    mine = [d for d in devices if d.kind == "kiosk" and not d.silent]
    assert mine and {h["device"]: h["level"] for h in mine[0].health} == {"printer": "WARN",
                                                                          "touch": "OK"}


def test_login_adopts_the_clerk_token_and_logout_restores_the_device_token(hall: Hall) -> None:
    with hall.client(hall.counter) as client:
        login = client.login(hall.clerk, "246813")
        assert client.token == login.token and login.role == "clerk" and login.windows == [1, 2, 3]
        client.logout()
        assert client.token == hall.counter
        with hall.client(login.token) as stale, pytest.raises(ApiError) as revoked:
            stale.window(HALL, 1)
        assert revoked.value.status == 401 and revoked.value.code == "unauthorized"


def test_errors_are_bilingual_with_the_servers_code(hall: Hall, kiosk: HallClient) -> None:
    with pytest.raises(ApiError) as unknown:
        kiosk.issue(HALL, "NOPE")
    assert unknown.value.status == 422 and unknown.value.code == "unknown_service"
    assert unknown.value.message_zh and unknown.value.message_en
    assert str(unknown.value) == f"{unknown.value.zh}（{unknown.value.en}）"

    with pytest.raises(ApiError) as forbidden:  # a kiosk may not call visitors
        kiosk.call(HALL, 1)
    assert forbidden.value.status == 403 and forbidden.value.code == "forbidden"

    with hall.client() as anonymous, pytest.raises(ApiError) as anon:
        anonymous.snapshot(HALL)
    assert anon.value.status == 401

    with pytest.raises(ApiError) as bad_pin, hall.client() as c:
        c.login(hall.clerk, "0000")
    assert bad_pin.value.status == 401

    with pytest.raises(ApiError) as no_hall:
        kiosk.issue("atlantis", "GEN")
    assert no_hall.value.status == 404 and no_hall.value.code == "unknown_hall"


def test_daily_cap_is_a_clear_refusal(kiosk: HallClient) -> None:
    for _ in range(3):  # TAX: daily_cap = 3
        kiosk.issue(HALL, "TAX")
    with pytest.raises(ApiError) as full:
        kiosk.issue(HALL, "TAX")
    assert full.value.code == "daily_cap" and full.value.status == 409 and full.value.zh


def test_bad_base_url_is_refused_up_front() -> None:
    with pytest.raises(ValueError, match="http://"):
        HallClient("hall.local:8080")


def test_a_rating_from_the_counter_terminal_once_per_visit(hall: Hall, kiosk: HallClient, clerk: HallClient) -> None:
    clear_window(clerk, 1)
    issued = kiosk.issue(HALL, "GEN")
    clerk.call(HALL, 1)
    clerk.start(HALL, 1)
    clerk.finish(HALL, 1, Outcome.COMPLETED)
    with pytest.raises(ApiError) as not_yours:  # the clerk cannot rate for the visitor
        clerk.rate(HALL, issued.id, 5)
    assert not_yours.value.status == 403
    with hall.client(hall.counter) as terminal:  # the terminal of window 1, on the visitor's behalf
        rating = terminal.rate(HALL, issued.id, None)
        assert rating.score is None and rating.label_zh == "未评价" and rating.window == 1
        with pytest.raises(ApiError) as twice:
            terminal.rate(HALL, issued.id, 4)
        assert twice.value.code == "already_rated"


def test_clerk_photo_is_the_file_or_none(hall: Hall) -> None:
    """004 第十四条: the photo shown with the window information; a clerk without one is no error."""
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c63f8cfc0f01f0005000201e5270de80000000049454e44ae426082"
    )
    photo = hall.server.workdir / "client-photo.png"
    photo.write_bytes(png)
    hall.server.add_clerk("cp1", windows=(1,), name="照片", photo=str(photo))
    with hall.client() as public:  # no token: the photo is public
        assert public.clerk_photo("cp1") == png
        assert public.clerk_photo(hall.clerk) is None
        assert public.clerk_photo("nobody/../x") is None
