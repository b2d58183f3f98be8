"""What the board shows about the hall, against a real server: window states (paused with reason and
return time, closed, tide window), the clerk's public name and staff number, waiting counts, tide
notices, no personal data; and ``hallq display`` on the command line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtGui import QImage

from display import style
from display.models import ItemRole
from tests.display.display_support import HALL, MANAGER, MANAGER_NAME, PIN, WAIT_MS, clear_windows
from tests.support.photos import solid_photo

pytestmark = pytest.mark.timeout(240)
TZ = ZoneInfo("Asia/Shanghai")


def card(display, number: int):
    return display.board.windows.row_of(number)


def state_text(display, number: int) -> str:
    model = display.board.windows
    return " · ".join(model.state_lines(model.row_of(number)))


def test_window_states_clerks_and_tide_notices(qtbot, make_display, people, staff, kiosk) -> None:
    clear_windows(staff, [3, 5, 6, 7])
    staff.sign_out(HALL, 6)
    display = make_display(notices=["请提前备好身份证原件"])
    board = display.board
    assert "暂停服务" in state_text(display, 6)  # closed: nobody signed in
    assert board.windows.clerk_text(card(display, 3)) == f"{MANAGER_NAME} 工号{MANAGER}"  # 004 第十四条

    until = time.time() + 1800
    staff.pause(HALL, 3, "到后台取件", until=until)  # 去向留言 (004 第十三条)
    back = datetime.fromtimestamp(until, TZ).strftime("%H:%M")
    qtbot.waitUntil(lambda: "到后台取件" in state_text(display, 3), timeout=WAIT_MS)
    assert state_text(display, 3) == f"暂停：到后台取件 · 预计 {back} 回来"

    staff.open_tide(HALL, 5, "MA01")  # 潮汐窗口 (000 第十八条)
    notice = "5号窗口临时增开为企业开办业务"
    qtbot.waitUntil(lambda: notice in board.notices(), timeout=WAIT_MS)
    assert board.notices() == [notice, "请提前备好身份证原件"]
    assert "潮汐窗口·企业开办" in state_text(display, 5)
    drawn = display.window.drawn_text()
    assert "到后台取件" in drawn and f"预计 {back} 回来" in drawn and notice in drawn

    # a clerk the board has never seen signs in: it fetches the public name by itself
    people.server.add_clerk("2002", pin=PIN, role="clerk", windows=(7,), hall=HALL, name="李芳")
    staff.sign_out(HALL, 7)
    with people.client(people.server.login("2002", PIN)) as clerk:
        clerk.sign_in(HALL, 7)
        qtbot.waitUntil(lambda: board.windows.clerk_text(card(display, 7)) == "李芳 工号2002", timeout=WAIT_MS)
        assert "李芳 工号2002" in display.window.drawn_text()
        clerk.sign_out(HALL, 7)

    staff.close_tide(HALL, 5)
    staff.resume(HALL, 3)
    qtbot.waitUntil(lambda: notice not in board.notices() and "到后台" not in state_text(display, 3),
                    timeout=WAIT_MS)
    assert state_text(display, 5) == "等待叫号" and state_text(display, 7) == "暂停服务"


def test_clerk_photo_on_the_window_card(qtbot, make_display, people, staff) -> None:
    """004 第十四条: the photo is public window information. A clerk with one shows it on the card at its
    own aspect ratio; a clerk without one shows none (no placeholder) and nothing fails."""
    path = people.server.workdir / "2003.png"
    green = solid_photo(path, 60, 80, "#00ff7f")  # a 3:4 ID photo
    people.server.add_clerk("2003", pin=PIN, role="clerk", windows=(13,), hall=HALL, name="赵敏", photo=str(path))
    people.server.add_clerk("2004", pin=PIN, role="clerk", windows=(14,), hall=HALL, name="钱进")
    clear_windows(staff, [13, 14])
    staff.sign_out(HALL, 13)
    staff.sign_out(HALL, 14)
    display = make_display()
    grid = display.window.grid

    def painted(window: int) -> bool:
        grid.show_page(grid.page_of(window))  # the window list is paged: turn to the window's page
        grid.grab()  # paint now
        return window in grid.photos

    with (people.client(people.server.login("2003", PIN)) as with_photo,
          people.client(people.server.login("2004", PIN)) as without):
        without.sign_in(HALL, 14)
        with_photo.sign_in(HALL, 13)
        qtbot.waitUntil(lambda: painted(13), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "钱进 工号2004" in display.window.drawn_text(), timeout=WAIT_MS)
        shot = grid.grab().toImage()
        box = grid.photos[13]
        assert box.width() / box.height() == pytest.approx(60 / 80, rel=0.02)
        assert box.height() > 50  # a thumbnail a visitor can see at 1920×1080 (≥ 32 mm on a 55-inch TV), not a dot
        assert shot.pixelColor(box.center().toPoint()) == green
        assert "赵敏 工号2003" in display.window.drawn_text()
        assert 14 not in grid.photos and not display.board.photos_loading
        with_photo.sign_out(HALL, 13)
        without.sign_out(HALL, 14)
        qtbot.waitUntil(lambda: not painted(13), timeout=WAIT_MS)  # closed window: no clerk, no photo


def test_waiting_counts_follow_the_hall(qtbot, make_display, staff, kiosk) -> None:
    clear_windows(staff, [9, 12])
    display = make_display()
    board = display.board
    for service in ("PS01", "PS01", "HR01"):
        kiosk.issue(HALL, service)
    issued = kiosk.issue(HALL, "PS01", lane="priority")
    qtbot.waitUntil(lambda: board.last_seq >= issued.seq, timeout=WAIT_MS)
    assert board.waiting.total("PS01") == 3 and board.waiting.total("HR01") == 1
    staff.call(HALL, 9)
    last = staff.cancel(HALL, kiosk.issue(HALL, "HR01").id)
    qtbot.waitUntil(lambda: board.last_seq >= last.seq, timeout=WAIT_MS)
    truth = {w.service: w.total for w in staff.snapshot(HALL).waiting}
    assert {c.service: c.total for c in board.waiting.counts()} == truth
    assert truth["PS01"] == 2 and truth["HR01"] == 1
    assert "户籍证件" in display.window.drawn_text()


def test_no_personal_data_reaches_the_board(qtbot, make_display, staff, kiosk) -> None:
    """000 第二十八条: names, ID and phone numbers never in public places (DOMAIN rule 11)."""
    clear_windows(staff, [1, 10])
    display = make_display()
    kiosk.issue(HALL, "MA01")
    staff.call(HALL, 1)
    staff.start(HALL, 1)
    moved = staff.transfer(HALL, 1, "TX01", note="张三 身份证 110101199003071234 电话 13800138000")
    qtbot.waitUntil(lambda: display.board.last_seq >= moved.seq, timeout=WAIT_MS)
    secret = ("张三", "110101199003071234", "13800138000")
    shown = [display.window.drawn_text()]
    for model in (display.board.calls, display.board.windows, display.board.waiting):
        for row in range(model.rowCount()):
            for col in range(1 if model is display.board.waiting else model.columnCount()):
                index = model.index(row, col)
                shown += [str(index.data()), repr(index.data(ItemRole))]  # the text and the object behind it
    assert not [s for s in secret if any(s in text for text in shown)]


def test_heartbeat_reports_the_speaker_and_a_refused_token_is_said_on_screen(
        qtbot, make_display, announcer_url, staff) -> None:
    display = make_display(announcer_url(), heartbeat_s=30)
    assert display.heartbeat.wait_rounds(1, 60) and display.heartbeat.sent == 1
    mine = [d for d in staff.devices(HALL) if d.kind == "display" and d.health]
    assert any(h["device"] == "announcer" and h["level"] == "OK" for d in mine for h in d.health)

    refused = make_display(token="d_not-a-token", wait_ready=False)
    qtbot.waitUntil(lambda: refused.board.refusal is not None, timeout=WAIT_MS)  # 401: no retrying
    drawn = refused.window.drawn_text()
    assert "无法接收叫号信息" in drawn and refused.board.offline


# -- the command line -------------------------------------------------------------------------------
def hallq(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HALLQ_TERMINAL_CONFIG": ""}
    return subprocess.run([sys.executable, "-m", "hallq.cli", "display", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=Path(__file__).parents[2])


def test_cli_screenshot_of_a_zone_screen(people, staff, kiosk, tmp_path: Path) -> None:
    clear_windows(staff, [2])
    kiosk.issue(HALL, "MA01")
    called = staff.call(HALL, 2).ticket
    out = tmp_path / "board.png"
    done = hallq("--server", people.server.base_url, "--token", people.display_token(), "--hall", HALL,
                 "--zone", "A", "--size", "1280x720", "--notice", "请提前备好身份证原件", "--screenshot", str(out))
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
    colours = {image.pixelColor(x, y).name() for x in range(0, 1280, 4) for y in range(0, 720, 4)}
    assert style.ACCENT in colours  # the hall's calls and headings, not an empty screen …
    assert style.ALERT_BG not in colours  # … and no "连接中断": the snapshot was there
    assert called.number and out.stat().st_size > 20_000


def test_cli_refuses_bad_flags_in_both_languages(tmp_path: Path) -> None:
    done = hallq("--windows", "8-1", "--screenshot", str(tmp_path / "x.png"))
    assert done.returncode == 2
    assert "起点大于终点" in done.stderr and "starts after it ends" in done.stderr
    kiosk_file = Path(__file__).parents[2] / "config" / "terminal-kiosk.toml"
    done = hallq("--config", str(kiosk_file), "--screenshot", str(tmp_path / "x.png"))
    assert done.returncode == 2 and "display" in done.stderr and "叫号屏" in done.stderr
    notices = tmp_path / "missing.txt"
    done = hallq("--notices", str(notices), "--screenshot", str(tmp_path / "x.png"))
    assert done.returncode == 2 and "公告文件" in done.stderr and "notices file" in done.stderr
    assert not (tmp_path / "x.png").exists()  # refused before any window or connection is made


def test_the_board_clock_is_the_hall_clock_named_by_the_server(qtbot, make_display, tmp_path) -> None:
    """A lobby TV in a Xinjiang hall (Asia/Urumqi, +06:00), started without ``--tz``: its clock and pause
    times follow the hall's configuration, not a Beijing-time default (issue 15 §6)."""
    from datetime import timedelta

    from tests.display.display_support import HALL_CONFIG
    from tests.server.conftest import start_server, stop_server

    config = tmp_path / "hall_urumqi.toml"
    config.write_text(HALL_CONFIG.read_text(encoding="utf-8").replace(
        'timezone = "Asia/Shanghai"', 'timezone = "Asia/Urumqi"'), encoding="utf-8")
    srv = start_server(tmp_path, f"sqlite:///{tmp_path / 'hallq.db'}", "--config", str(config))
    try:
        display = make_display(base_url=srv.base_url, token=srv.add_device("display", hall=HALL))
        urumqi = ZoneInfo("Asia/Urumqi")
        qtbot.waitUntil(lambda: display.window.header.tz == urumqi, timeout=WAIT_MS)
        assert display.window.header.now().utcoffset() == timedelta(hours=6)
        assert display.board.windows.tz == urumqi  # "暂停至 HH:MM" on the window cards too
        fixed = make_display(base_url=srv.base_url, token=srv.add_device("display", hall=HALL), tz="Asia/Shanghai")
        assert fixed.window.header.now().utcoffset() == timedelta(hours=8)  # an explicit --tz is kept
    finally:
        stop_server(srv)
