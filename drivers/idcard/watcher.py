"""Polling a reader on a thread and reporting what a kiosk acts on: each laid card once, and changes
of state (a fault appears or clears, the card is lifted).

A card that stays on the reader is reported once: the same card again counts only after a poll found
the reader empty (compared by a digest kept in memory, never the number). Callbacks run on the
watcher's thread; a Qt app forwards them with a signal.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable

from .reader import CardState, IdCardReader, Poll

__all__ = ["CardWatcher"]

log = logging.getLogger("drivers.idcard")

#: states that interrupt "the card is still there" (the next read of the same card is news)
_GONE = frozenset({CardState.NO_CARD})


class CardWatcher:
    """``CardWatcher(reader, on_card, on_state, interval_s)``: ``on_card(poll)`` once per laid card,
    ``on_state(poll)`` whenever the state differs from the previous poll's (card reads included)."""

    def __init__(self, reader: IdCardReader, on_card: Callable[[Poll], None],
                 on_state: Callable[[Poll], None] | None = None, *, interval_s: float = 0.4) -> None:
        self.reader = reader
        self.on_card = on_card
        self.on_state = on_state
        self.interval_s = interval_s
        self._salt = os.urandom(16)  # the digest of a laid card means nothing outside this process
        self._present: bytes | None = None
        self._last: CardState | None = None
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._thread: threading.Thread | None = None
        self.polls = 0

    def start(self) -> CardWatcher:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="hallq-idcard-watch", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def pause(self, on: bool) -> None:
        """Stop polling while the kiosk is busy elsewhere (maintenance); resumes with ``False``."""
        if on:
            self._paused.set()
        else:
            self._paused.clear()

    def forget(self) -> None:
        """Report the card on the reader again at the next poll (its last report could not be used)."""
        self._present = None

    def step(self) -> Poll:
        """One poll and its reports, on the caller's thread (the loop's body; tests call it too)."""
        poll = self.reader.poll()
        self.polls += 1
        if poll.state is CardState.READ and poll.card is not None:
            digest = hashlib.sha256(self._salt + poll.card.number.encode()).digest()
            if digest != self._present:
                self._present = digest
                self._report(self.on_card, poll)
        elif poll.state in _GONE:
            self._present = None
        if poll.state is not self._last:
            self._last = poll.state
            if self.on_state is not None:
                self._report(self.on_state, poll)
        return poll

    def _report(self, callback: Callable[[Poll], None], poll: Poll) -> None:
        try:
            callback(poll)
        except Exception:
            log.exception("id card callback failed on %r", poll)

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._paused.is_set():
                try:
                    self.step()
                except Exception:  # a driver bug must not end the kiosk's card reading
                    log.exception("id card poll failed")
            self._stop.wait(self.interval_s)
