"""The counter terminal's window: the login screen, then the main screen.

It routes the screens' intents to the controller and re-renders on the controller's ``changed``; it owns
only the language and the last message. The F-keys are read here (``keyPressEvent``) and handed to the
main screen, so they work wherever the focus is (an input box does not take F1–F12).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from client.i18n import Lang, T
from client.models import HallRules
from client.rules import requeue_rule
from vocab import Outcome

from . import texts
from .controller import CounterController, Message
from .screens import LoginScreen, MainScreen
from .style import stylesheet
from .view import Act

log = logging.getLogger("hallq.counter")


class CounterWindow(QWidget):
    def __init__(self, controller: CounterController, *, lang: Lang = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("counter")
        self.setWindowTitle("hallq 窗口叫号终端 counter")
        self.setStyleSheet(stylesheet())
        self.controller = ctrl = controller
        self.lang: Lang = lang
        self.last_message: tuple[str, T] | None = None
        self.login = LoginScreen()
        self.main = MainScreen()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.login)
        self.stack.addWidget(self.main)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        ctrl.changed.connect(self.render)
        ctrl.message.connect(self._message)
        ctrl.logged_in.connect(self._logged_in)
        ctrl.logged_out.connect(self._logged_out)
        ctrl.login_failed.connect(lambda text: self.login.failed(text, self.lang))
        self.login.login_requested.connect(ctrl.login)
        self.login.lang_toggled.connect(self.toggle_language)
        m = self.main
        m.action.connect(self._act)
        m.finish_chosen.connect(self._finish)
        m.supplement_confirmed.connect(lambda items: self._done_if(ctrl.finish(Outcome.SUPPLEMENT, items)))
        m.transfer_confirmed.connect(lambda service, note: self._done_if(ctrl.transfer(service, note)))
        m.pause_confirmed.connect(lambda reason, until: self._done_if(ctrl.pause(reason, until)))
        m.requeue_confirmed.connect(lambda number: self._done_if(ctrl.requeue(number)))
        m.reprint.connect(ctrl.print_notice)
        m.lang_toggled.connect(self.toggle_language)
        self.render()

    # -- intents --------------------------------------------------------------------------------------
    def _act(self, value: str) -> None:
        act, ctrl, m = Act(value), self.controller, self.main
        if act is Act.FINISH:
            m.open_panel(m.finish_panel)
        elif act is Act.TRANSFER:
            m.transfer_panel.load(m.service_choices(ctrl))
            m.open_panel(m.transfer_panel)
        elif act is Act.PAUSE:
            m.pause_panel.load(ctrl.default_return_time())
            m.open_panel(m.pause_panel)
        elif act is Act.REQUEUE:
            m.requeue_panel.load(requeue_rule(ctrl.listing.rules if ctrl.listing is not None else HallRules()))
            m.open_panel(m.requeue_panel)
        else:
            ctrl.act(act)
        self.render()

    def _finish(self, value: str) -> None:
        m, ctrl = self.main, self.controller
        if Outcome(value) is Outcome.SUPPLEMENT:
            # 003 §14: the service's complete list, from the hall config
            current = ctrl.info.current if ctrl.info is not None else None
            m.supplement_panel.load(ctrl.materials(current.service) if current is not None else [])
            m.open_panel(m.supplement_panel)
            self.render()
            return
        self._done_if(ctrl.finish(value))

    def _done_if(self, sent: bool) -> None:
        if sent:
            self.main.close_panel()
        self.render()

    def _logged_in(self, _login: Any) -> None:
        self.stack.setCurrentWidget(self.main)
        self.render()

    def _logged_out(self) -> None:
        self.last_message = None  # the next clerk does not see the last one's status line (issue 16)
        self.main.close_panel()
        self.login.reset()
        self.stack.setCurrentWidget(self.login)
        self.render()

    def _message(self, message: Message) -> None:
        self.last_message = (message.level, message.text)
        self.render()

    def toggle_language(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        self.render()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.stack.currentWidget() is self.main and self.main.key(event.key()):
            event.accept()
            return
        super().keyPressEvent(event)

    # -- rendering ------------------------------------------------------------------------------------
    def render(self) -> None:
        ctrl = self.controller
        if self.stack.currentWidget() is self.main:
            self.main.render(ctrl, self.lang, self.last_message)
        else:
            strips = []
            if ctrl.stream_error is not None:
                strips.append(("danger", texts.STREAM_REFUSED.fill(
                    reason=T(ctrl.stream_error.zh, ctrl.stream_error.en)).text(self.lang)))
            elif not ctrl.online:
                strips.append(("danger", texts.OFFLINE_BANNER.text(self.lang)))
            self.login.render(self.lang, ctrl.window_name(), ctrl.online, strips)
