"""The board's voice: calls handed to the announcer, and its progress back on the GUI thread.

The announcer (``drivers.announcer``) owns the order: one queue, one worker, one WAV per call, so
announcements never overlap and a burst is spoken in full, one after the other (issue 7). ``repeat``,
``chime``, voice and template are the announcer URL's options (the terminal file's ``[announcer]``).
Its listeners run on its worker thread; here they become Qt signals, which Qt queues to the GUI thread.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from drivers.announcer import Announcement, AnnouncementTextError, Announcer
from drivers.errors import DeviceError

from .state import Call

log = logging.getLogger("hallq.display.voice")


class CallVoice(QObject):
    """Speaks calls through an announcer (``None``: a silent board, e.g. a second screen in one room)."""

    queued = Signal(object, object)  # Call, Announcement: handed to the announcer
    started = Signal(object)  # Announcement: its audio starts now
    finished = Signal(object)  # Announcement: done (``item.error`` if it could not be spoken)

    def __init__(self, announcer: Announcer | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.announcer = announcer
        self._closed = False
        if announcer is not None:
            announcer.on_started(self._started)
            announcer.on_finished(self._finished)

    def speak(self, call: Call) -> Announcement | None:
        """Queue the call's sentence (a recall uses the recall template); None if it cannot be said."""
        if self.announcer is None or self._closed:
            return None
        try:
            item = self.announcer.announce(call.number, call.window, recall=call.recall)
        except (AnnouncementTextError, DeviceError) as exc:  # an odd number, a closed announcer
            log.warning("call %s → window %s not announced: %s", call.number, call.window, exc)
            return None
        self.queued.emit(call, item)
        return item

    def close(self) -> None:
        """Stop reporting (the announcer has no way to remove a listener; it may outlive the board)."""
        self._closed = True

    # announcer worker thread → queued signals
    def _started(self, item: Announcement) -> Any:
        if not self._closed:
            self.started.emit(item)

    def _finished(self, item: Announcement) -> Any:
        if not self._closed:
            self.finished.emit(item)
