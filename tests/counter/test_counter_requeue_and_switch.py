"""Issue 16 at the counter: 过号重排 on the clerk's F10, the next clerk's clean screen after F11, and the
pause panel's return time without broken spin arrows. Real terminal offscreen, real server process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from counter_helpers import (
    CLERK_A,
    CLERK_B,
    HALL,
    current,
    finish,
    key,
    login,
    serve,
    settle,
    shoot,
    signed_in,
    wait_until,
)
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QAbstractSpinBox, QDateTimeEdit

from counter import Timings
from counter.view import Act
from drivers.pad import open_pad
from drivers.pad.simulator import PadSimulator
from drivers.terminal import Devices

pytestmark = [pytest.mark.timeout(300), pytest.mark.usefixtures("clean_hall")]


@pytest.fixture
def pad_sim() -> Iterator[PadSimulator]:
    with PadSimulator() as sim:
        yield sim


def test_f10_requeues_a_missed_number_and_says_the_rule_when_it_cannot(qtbot, server, make_counter, kiosk,
                                                                       manager) -> None:
    counter = make_counter(server, 1)
    signed_in(qtbot, counter, CLERK_A)
    main = counter.window.main
    issued = kiosk.issue(HALL, "GEN")
    key(qtbot, counter, Qt.Key.Key_F1)
    assert current(counter).id == issued.id
    key(qtbot, counter, Qt.Key.Key_F3)  # nobody came: 过号
    assert manager.ticket(HALL, issued.id).state == "no_show"

    key(qtbot, counter, Qt.Key.Key_F10)  # the visitor is back at the window
    panel = main.requeue_panel
    assert main.panel is panel
    assert panel.rule.text() == "过号后 60 分钟内可重新排队，排在 1 位等候的人之后；超过时间请重新取号"
    panel.number.setText(issued.number.lower())
    key(qtbot, counter, Qt.Key.Key_Return)
    assert main.panel is None  # back to the action bar
    assert main.status.text() == f"{issued.number} 已重新排队，前面 0 人"
    assert manager.ticket(HALL, issued.id).state == "waiting"

    key(qtbot, counter, Qt.Key.Key_F10)  # again: it is waiting, there is nothing to rejoin
    panel.number.setText(issued.number)
    key(qtbot, counter, Qt.Key.Key_Return)
    assert main.status.text() == (f"{issued.number} 号还在排队，不需要重排，请留意叫号"
                                  "（过号后 60 分钟内可重新排队，排在 1 位等候的人之后；超过时间请重新取号）")
    key(qtbot, counter, Qt.Key.Key_F10)
    panel.number.setText("Z999")
    key(qtbot, counter, Qt.Key.Key_Return)
    assert main.status.text().startswith("今天本大厅没有 Z999 号")
    key(qtbot, counter, Qt.Key.Key_F1)  # and the requeued visitor is called like any other
    assert current(counter).id == issued.id and current(counter).requeues == 1


def test_the_next_clerk_sees_neither_the_last_rating_nor_the_last_status(qtbot, server, pad_sim, make_counter,
                                                                        kiosk, tmp_path) -> None:
    counter = make_counter(server, 1, Devices(pad=open_pad(pad_sim.url_for(1, timeout=2))),
                           timings=Timings(probe_ms=100, rating_s=0.5))
    signed_in(qtbot, counter, CLERK_A)
    main = counter.window.main
    issued = kiosk.issue(HALL, "GEN")
    serve(qtbot, counter, issued.number)
    finish(qtbot, counter, "consulted")
    wait_until(qtbot, lambda: main.rating.text() == f"{issued.number}：未评价（已记录）")
    assert issued.number in main.status.text()  # A's "办结" line

    key(qtbot, counter, Qt.Key.Key_F11)  # A hands over: the window stays open for the B post
    wait_until(qtbot, lambda: counter.window.stack.currentWidget() is counter.window.login)
    login(qtbot, counter, CLERK_B)
    wait_until(qtbot, lambda: Act.TAKEOVER in counter.controller.allowed())
    settle(qtbot, counter)
    assert main.rating.text() == "" and main.status.text() == ""
    assert main.clerk.text().startswith("李四")
    folder = Path(os.environ.get("HALLQ_SCREENSHOTS", tmp_path))
    shoot(counter, folder if folder.is_dir() else tmp_path, "after-switch")


def test_the_return_time_box_has_no_spin_arrows(qtbot, server, make_counter, tmp_path) -> None:
    """Under the stylesheet the spin buttons were drawn as broken glyphs: the box has none; the time is
    typed, or stepped with the arrow keys."""
    counter = make_counter(server, 1)
    signed_in(qtbot, counter, CLERK_A)
    main = counter.window.main
    key(qtbot, counter, Qt.Key.Key_F7)
    until = main.pause_panel.until
    assert until.buttonSymbols() == QAbstractSpinBox.ButtonSymbols.NoButtons
    until.setTime(QTime(10, 30))  # not the clock's own time: at 23:xx the hour cannot step on
    until.setFocus()
    until.setCurrentSection(QDateTimeEdit.Section.HourSection)
    qtbot.keyClick(until, Qt.Key.Key_Up)  # the hour section steps on
    assert until.time() == QTime(11, 30)
    shoot(counter, tmp_path, "pause-panel")
    key(qtbot, counter, Qt.Key.Key_Escape)
    assert main.panel is None
