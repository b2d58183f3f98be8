"""The panels with a real hall's lists (config/hall.toml: 24 services, materials lists of up to six items):
everything reads as written and the panel stays short enough to leave the current visitor on a
1366×768 screen (longer lists scroll)."""

from __future__ import annotations

from pathlib import Path

from counter_helpers import rendering_problems
from PySide6.QtWidgets import QVBoxLayout, QWidget

import config
from client.i18n import T
from counter.screens import SupplementPanel, TransferPanel
from counter.screens.panels import CHOICES_MAX_PX
from counter.style import stylesheet

HALL = config.load(Path(__file__).parents[2] / "config" / "hall.toml").halls[0]
PANEL_MAX_PX = CHOICES_MAX_PX + 140  # prompt and the row of note/confirm/back, with margins


def show(qtbot, panel: QWidget) -> QWidget:
    frame = QWidget()
    frame.setStyleSheet(stylesheet())
    QVBoxLayout(frame).addWidget(panel)
    qtbot.addWidget(frame)
    frame.resize(1366, panel.sizeHint().height() + 20)
    frame.show()
    return frame


def test_transfer_to_any_of_the_halls_services(qtbot) -> None:
    panel = TransferPanel()
    panel.load([(s.code, T(s.name_zh, s.name_en)) for s in HALL.services])
    panel.render("zh", "A012")
    frame = show(qtbot, panel)
    assert len(panel.services) == len(HALL.services) > 20
    assert panel.sizeHint().height() <= PANEL_MAX_PX
    visible = [b for b in panel.services.values() if b.isVisible()]
    assert rendering_problems(frame) == [], [b.text() for b in visible]
    panel.choose(HALL.services[-1].code)  # the last one can be reached (scrolled to) and chosen
    with qtbot.waitSignal(panel.confirmed) as sent:
        panel.confirm.click()
    assert sent.args == [HALL.services[-1].code, ""]


def test_supplement_with_the_longest_materials_list(qtbot) -> None:
    longest = max(HALL.services, key=lambda s: len(s.materials))
    panel = SupplementPanel()
    panel.load(list(longest.materials))
    panel.render("zh")
    frame = show(qtbot, panel)
    assert panel.offered() == list(longest.materials)
    assert panel.sizeHint().height() <= PANEL_MAX_PX
    assert rendering_problems(frame) == []
