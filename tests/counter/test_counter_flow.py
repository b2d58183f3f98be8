"""A clerk's shift at the real terminal against a real server: login, call, recall until no-show, start,
finish with each outcome (补正告知 with its printed notice), transfer with a note, pause and resume, A/B
takeover, a tide window, waiting counts and the dispatcher's reasons — with the window LED following."""

from __future__ import annotations

import pytest
from counter_helpers import (
    CLERK_A,
    CLERK_B,
    CLERK_W4,
    HALL,
    call_visitor,
    current,
    finish,
    info,
    key,
    login,
    press,
    serve,
    settle,
    signed_in,
    wait_until,
)
from PySide6.QtCore import Qt

from client import HallClient
from counter import Act
from counter.view import SHORTCUTS
from drivers.led import open_led
from drivers.printer import decode, open_printer
from drivers.terminal import Devices

pytestmark = [pytest.mark.timeout(300), pytest.mark.usefixtures("clean_hall")]


@pytest.fixture
def devices():
    devs = Devices(led=open_led("sim://"), printer=open_printer("sim://", paper=58))
    yield devs
    devs.close()


def led_text(devices: Devices) -> str:
    assert devices.led is not None and devices.led.current is not None
    return devices.led.current.text


def test_login_puts_the_clerk_on_the_led_and_the_lobby_display(qtbot, server, make_counter, devices,
                                                               manager) -> None:
    counter = make_counter(server, 1, devices, heartbeat=True)
    assert counter.window.stack.currentWidget() is counter.window.login
    wait_until(qtbot, lambda: devices.led.current is not None)
    assert led_text(devices) == "暂停服务"  # nobody signed in yet

    signed_in(qtbot, counter, CLERK_A)
    # 004 第十四条: the clerk's public information, on the LED and (through sign-in) the lobby display
    wait_until(qtbot, lambda: "张三 工号6001" in led_text(devices))
    assert devices.led.current.window_no == 1
    with HallClient(server.base_url, server.tokens["display"]) as display:
        board = next(w for w in display.snapshot(HALL).windows if w.number == 1)
    assert board.clerk is not None and (board.clerk.name, board.clerk.staff_no) == ("张三", CLERK_A)
    assert board.status == "open"
    main = counter.window.main
    assert "张三" in main.clerk.text() and "6001" in main.clerk.text()
    assert main.window_title.text() == "1号 综合窗口"
    # the terminal's heartbeat reports its devices to the hall's fleet list (issue 4 §7)
    def reported() -> bool:
        mine = [d for d in manager.devices(HALL) if d.kind == "counter" and d.window == 1 and d.health]
        return any({h["device"] for h in d.health} == {"led", "printer"} for d in mine)

    wait_until(qtbot, reported)


def test_the_clerks_photo_beside_the_name(qtbot, server, make_counter) -> None:
    """004 第十四条: the signed-in clerk's public photo in the header, at its own aspect ratio; a clerk
    without a photo gets none (no placeholder) and no error."""
    counter = make_counter(server, 2)
    main = counter.window.main
    signed_in(qtbot, counter, CLERK_B)  # no photo
    assert main.photo.isHidden() and "李四" in main.clerk.text() and main.status.property("kind") != "status-error"
    press(qtbot, counter, Act.SIGN_OUT)
    wait_until(qtbot, lambda: counter.window.stack.currentWidget() is counter.window.login)

    signed_in(qtbot, counter, CLERK_A)
    wait_until(qtbot, lambda: main.photo.isVisible())
    pixmap = main.photo.pixmap()
    assert pixmap.width() / pixmap.height() == pytest.approx(150 / 200, rel=0.03)
    header = main.photo.parentWidget()
    photo_at = main.photo.mapTo(header, main.photo.rect().center())
    name_at = main.clerk.mapTo(header, main.clerk.rect().center())
    assert photo_at.x() < name_at.x() and abs(photo_at.y() - name_at.y()) <= 2  # just left of the name
    assert main.photo.geometry().bottom() <= header.height()  # the header keeps its height for it
    assert "张三" in main.clerk.text() and main.status.property("kind") != "status-error"
    press(qtbot, counter, Act.SIGN_OUT)
    wait_until(qtbot, lambda: counter.window.stack.currentWidget() is counter.window.login)
    assert counter.controller.clerk_photo is None
    signed_in(qtbot, counter, CLERK_B)  # the next clerk never sees the last one's face
    assert main.photo.isHidden() and "李四" in main.clerk.text()


def test_wrong_pin_and_unauthorised_window_keep_the_login_screen(qtbot, server, make_counter) -> None:
    counter = make_counter(server, 1)
    screen = counter.window.login
    login(qtbot, counter, CLERK_A, "0000", expect_main=False)
    wait_until(qtbot, lambda: "还可尝试" in screen.error.text())
    assert screen.pin.text() == ""  # the wrong PIN is not left in the box
    login(qtbot, counter, CLERK_W4, expect_main=False)  # authorised for window 4 only
    wait_until(qtbot, lambda: "无权使用 1 号窗口" in screen.error.text())
    assert "4" in screen.error.text()
    assert counter.window.stack.currentWidget() is screen
    assert counter.controller.session is None
    login(qtbot, counter, "", expect_main=False)
    assert screen.error.text() == "请输入工号和密码"


def test_call_recall_until_no_show(qtbot, server, make_counter, devices, kiosk) -> None:
    counter = make_counter(server, 1, devices)
    signed_in(qtbot, counter, CLERK_A)
    issued = kiosk.issue(HALL, "GEN")
    main = counter.window.main
    wait_until(qtbot, lambda: "综合受理（A）：1 人" in main.waiting.text())

    key(qtbot, counter, Qt.Key.Key_F1)  # the clerk's F1
    wait_until(qtbot, lambda: current(counter) is not None)
    assert current(counter).id == issued.id
    assert main.number.text() == issued.number
    assert main.values["reason"].text() not in ("", "—")  # the dispatcher's reason for this call
    assert main.values["service"].text() == "综合受理"
    assert main.values["lane"].text() == "普通"
    assert main.values["booking"].text() == "现场取号"
    assert "分" in main.values["waited"].text()
    wait_until(qtbot, lambda: led_text(devices) == f"请 {issued.number} 号到 1 号窗口")
    assert devices.led.current.ticket == issued.number

    for n in (1, 2):  # the test hall allows two recalls
        press(qtbot, counter, Act.RECALL)
        assert current(counter).recalls == n
        assert f"已重呼 {n} 次" in main.state.text()
    # the hall's limit (GET /halls rules): F2 greys out and the state says what is left (issue 16)
    assert not main.buttons[Act.RECALL].isEnabled() and Act.RECALL not in counter.controller.allowed()
    assert main.state.text() == "已重呼 2 次（上限 2 次），请标记过号"
    key(qtbot, counter, Qt.Key.Key_F2)  # the key does nothing either
    assert current(counter).recalls == 2

    key(qtbot, counter, Qt.Key.Key_F3)
    assert current(counter) is None
    with HallClient(server.base_url, server.tokens["manager"]) as mgr:
        assert mgr.ticket(HALL, issued.id).state == "no_show"
    assert "过号" in main.status.text()
    wait_until(qtbot, lambda: "欢迎您" in led_text(devices))


def test_finish_with_each_outcome(qtbot, server, make_counter, kiosk, manager) -> None:
    counter = make_counter(server, 1)
    signed_in(qtbot, counter, CLERK_A)
    for outcome in ("completed", "accepted", "rejected", "consulted"):  # 补正告知: the next test
        issued = kiosk.issue(HALL, "GEN")
        serve(qtbot, counter, issued.number)
        finish(qtbot, counter, outcome)
        assert current(counter) is None
        done = manager.ticket(HALL, issued.id)
        assert (done.state, done.outcome, done.clerk, done.window) == ("done", outcome, CLERK_A, 1)
    # no pad at this counter: the rating panel says so, and nothing is stored for the clerk to fake
    assert counter.window.main.rating.text() == "本窗口未配置评价器"


def test_supplement_prints_the_one_time_notice_with_every_missing_item(qtbot, server, make_counter, devices,
                                                                       kiosk) -> None:
    counter = make_counter(server, 1, devices)
    signed_in(qtbot, counter, CLERK_A)
    issued = kiosk.issue(HALL, "GEN")
    serve(qtbot, counter, issued.number)
    main = counter.window.main
    press(qtbot, counter, Act.FINISH)
    main.finish_panel.buttons[_outcome("supplement")].click()
    panel = main.supplement_panel
    assert main.panel is panel
    # 003 §14: the service's complete list from the hall config
    assert panel.offered() == ["申请表（原件）", "申请人身份证原件及复印件", "户口簿原件", "授权委托书（委托办理的）"]
    panel.confirm.click()  # nothing ticked: refused, nothing sent
    assert main.status.text() == "请至少勾选一项缺少的材料" and current(counter) is not None
    panel.tick("户口簿原件")
    panel.tick("申请表（原件）")
    panel.other.setText("结婚证原件")
    panel.add.click()
    panel.confirm.click()
    settle(qtbot, counter)
    wait_until(qtbot, lambda: main.notice.text() == "一次性告知单已打印（3 项材料）")
    slip = decode(devices.printer.sent)
    text = "\n".join(slip.texts)
    for item in ("申请表（原件）", "户口簿原件", "结婚证原件", issued.number, "张三", "6001", "1号 综合窗口"):
        assert item in text, item
    assert "授权委托书" not in text and slip.cut
    with HallClient(server.base_url, server.tokens["manager"]) as mgr:
        assert mgr.ticket(HALL, issued.id).outcome == "supplement"


def test_a_printer_fault_keeps_the_notice_for_a_reprint(qtbot, server, make_counter, devices, kiosk) -> None:
    counter = make_counter(server, 1, devices)
    signed_in(qtbot, counter, CLERK_A)
    kiosk.issue(HALL, "GEN")
    serve(qtbot, counter)
    devices.printer.set_paper("out")
    main = counter.window.main
    press(qtbot, counter, Act.FINISH)
    main.finish_panel.buttons[_outcome("supplement")].click()
    main.supplement_panel.tick("户口簿原件")
    main.supplement_panel.confirm.click()
    wait_until(qtbot, lambda: "未能打印" in main.notice.text())
    assert "缺纸" in main.notice.text()
    assert main.reprint_button.isVisible()
    devices.printer.set_paper("ok")
    main.reprint_button.click()
    wait_until(qtbot, lambda: "已打印" in main.notice.text())
    assert "户口簿原件" in "\n".join(decode(devices.printer.sent).texts)
    assert not main.reprint_button.isVisible()


def test_transfer_with_a_note_is_seen_by_the_next_window(qtbot, server, make_counter, kiosk) -> None:
    first = make_counter(server, 1)
    signed_in(qtbot, first, CLERK_A)
    issued = kiosk.issue(HALL, "GEN")
    serve(qtbot, first, issued.number)
    press(qtbot, first, Act.TRANSFER)
    panel = first.window.main.transfer_panel
    assert sorted(panel.services) == ["BDC", "TAX"]  # every service but the visitor's own
    panel.choose("TAX")
    panel.note.setText("已核验身份证，需办税务登记")
    key(qtbot, first, Qt.Key.Key_Return)
    assert current(first) is None
    assert "已转办至 税务登记" in first.window.main.status.text()

    tax = make_counter(server, 3)
    signed_in(qtbot, tax, CLERK_B)
    ticket = call_visitor(qtbot, tax, issued.number)  # same number, the tax queue
    assert ticket.transferred_from == issued.id and ticket.service == "TAX"
    main = tax.window.main
    wait_until(qtbot, lambda: main.values["from"].text() == f"综合受理（{issued.number}）")
    assert main.values["note"].text() == "已核验身份证，需办税务登记"
    assert main.values["from"].isVisible() and main.values["note"].isVisible()


def test_pause_with_whereabouts_and_resume(qtbot, server, make_counter, devices) -> None:
    counter = make_counter(server, 1, devices)
    signed_in(qtbot, counter, CLERK_A)
    main = counter.window.main
    key(qtbot, counter, Qt.Key.Key_F7)
    panel = main.pause_panel
    assert main.panel is panel
    panel.confirm.click()  # no reason chosen
    assert main.status.text() == "请选择或填写去向"
    panel.choose(0)  # 会议
    until = panel.until.time().toString("HH:mm")
    panel.confirm.click()
    settle(qtbot, counter)
    assert info(counter).status == "paused" and info(counter).pause_reason == "会议"
    wait_until(qtbot, lambda: led_text(devices) == f"暂停服务：会议，{until}返回")
    assert f"暂停服务：会议（预计 {until} 返回）" in main.banners.texts()
    assert not main.buttons[Act.CALL].isEnabled() and main.buttons[Act.RESUME].isEnabled()
    with HallClient(server.base_url, server.tokens["display"]) as display:
        board = next(w for w in display.snapshot(HALL).windows if w.number == 1)
    assert board.status == "paused" and board.pause_reason == "会议" and board.pause_until is not None

    key(qtbot, counter, Qt.Key.Key_F8)
    assert info(counter).status == "open"
    wait_until(qtbot, lambda: "欢迎您" in led_text(devices))

    press(qtbot, counter, Act.PAUSE)  # another reason, in the clerk's own words
    panel.other.setText("到档案室调取材料")
    panel.choose(4)
    panel.confirm.click()
    settle(qtbot, counter)
    assert info(counter).pause_reason == "到档案室调取材料"
    press(qtbot, counter, Act.RESUME)


def test_ab_takeover_keeps_the_visitor(qtbot, server, make_counter, devices, kiosk) -> None:
    counter = make_counter(server, 2, devices)
    signed_in(qtbot, counter, CLERK_A)
    issued = kiosk.issue(HALL, "GEN")
    serve(qtbot, counter, issued.number)
    press(qtbot, counter, Act.SWITCH)  # A leaves without signing out: the window stays open
    wait_until(qtbot, lambda: counter.window.stack.currentWidget() is counter.window.login)

    login(qtbot, counter, CLERK_B)
    main = counter.window.main
    wait_until(qtbot, lambda: any("张三（工号 6001）签到" in t for t in main.banners.texts()))
    assert counter.controller.allowed() == {Act.TAKEOVER, Act.SWITCH}
    assert main.buttons[Act.TAKEOVER].text().startswith("A/B 岗接管")
    key(qtbot, counter, Qt.Key.Key_F9)
    wait_until(qtbot, lambda: counter.controller.situation().holder == CLERK_B)
    assert current(counter).id == issued.id and current(counter).clerk == CLERK_B
    wait_until(qtbot, lambda: "李四" in led_text(devices))
    finish(qtbot, counter)
    with HallClient(server.base_url, server.tokens["manager"]) as mgr:
        assert mgr.ticket(HALL, issued.id).clerk == CLERK_B


def test_a_tide_window_is_said_plainly(qtbot, server, make_counter, manager, kiosk) -> None:
    counter = make_counter(server, 3)
    signed_in(qtbot, counter, CLERK_A)
    kiosk.issue(HALL, "GEN")
    manager.open_tide(HALL, 3, "GEN")
    main = counter.window.main
    wait_until(qtbot, lambda: "本窗口已临时增开为 综合受理 潮汐窗口" in main.banners.texts())
    assert "综合受理（A）：1 人" in main.waiting.text()  # the tide service's queue joins the window's
    manager.close_tide(HALL, 3)
    wait_until(qtbot, lambda: not any("潮汐" in t for t in main.banners.texts()))


def test_waiting_counts_and_the_reason_for_a_priority_call(qtbot, server, make_counter, kiosk) -> None:
    counter = make_counter(server, 1)
    signed_in(qtbot, counter, CLERK_A)
    kiosk.issue(HALL, "GEN")
    elder = kiosk.issue(HALL, "GEN", "priority")
    kiosk.issue(HALL, "TAX")
    main = counter.window.main
    wait_until(qtbot, lambda: "综合受理（A）：2 人" in main.waiting.text())
    assert "税务登记（B）：1 人" in main.waiting.text()
    assert "其中优先 1" in main.waiting.text()
    ticket = call_visitor(qtbot, counter, elder.number)
    assert ticket.lane == "priority"
    assert main.values["lane"].text() == "绿色通道（优先）"
    assert "优先" in main.values["reason"].text()
    wait_until(qtbot, lambda: "综合受理（A）：1 人" in main.waiting.text())


def test_every_button_shows_its_key_and_english_is_one_press_away(qtbot, server, make_counter) -> None:
    counter = make_counter(server, 1)
    signed_in(qtbot, counter, CLERK_A)
    main = counter.window.main
    for act, button in main.buttons.items():
        assert button.text().endswith(SHORTCUTS[act]), (act, button.text())
    assert main.buttons[Act.CALL].text() == "叫号\nF1"
    main.lang_button.click()
    assert main.buttons[Act.CALL].text() == "Call next\nF1"
    assert "Staff no." not in main.clerk.text() or "6001" in main.clerk.text()
    main.lang_button.click()
    assert main.buttons[Act.CALL].text() == "叫号\nF1"


def _outcome(value: str):
    from server.core import Outcome

    return Outcome(value)
