"""Maintenance actions behind ``hallq diag printer|speaker|pad|led|touch``: UI-free, so the kiosk's
maintenance screen calls the same functions and shows the results its own way.

* :func:`sample_ticket` / :func:`print_test_ticket`  a recognisable test ticket through the driver
* :func:`synthesize_test_call` / :func:`play_test_call`  "请 A012 号到 3 号窗口办理"
* :func:`watch_pad`    each key press as it comes ("4 满意")
* :func:`watch_touch`  touches as they come
* :func:`show_led_text`  text on the window LED
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from drivers.errors import DeviceError, DeviceTimeout

if TYPE_CHECKING:
    from drivers.announcer import Announcement, Announcer, AnnouncerSettings, WavStats
    from drivers.idcard import IdCardReader, Poll
    from drivers.led import WindowLed
    from drivers.pad import RatingPad, Score
    from drivers.printer import EscPosPrinter, TicketPrint
    from drivers.touch import TouchPanel

__all__ = [
    "TEST_CALL",
    "TEST_TRACK_URL",
    "SpokenCall",
    "play_test_call",
    "print_test_ticket",
    "sample_ticket",
    "show_led_text",
    "synthesize_test_call",
    "watch_pad",
    "watch_touch",
]

#: the test call of DOMAIN.md ("请 A012 号到 3 号窗口办理"): number and window
TEST_CALL = ("A012", 3)
TEST_TRACK_URL = "https://hallq.invalid/t/TEST"  # .invalid (RFC 2606): scanning it leads nowhere
_POLL_S = 0.2  # how often a watcher looks at its stop flag while waiting for the device


def sample_ticket(now: datetime | None = None) -> TicketPrint:
    """A ticket that cannot be mistaken for a real one: hall name and closing line say 测试."""
    from drivers.printer import TicketPrint

    number, _ = TEST_CALL
    return TicketPrint(
        hall_name="打印测试 PRINT TEST",
        number=number,
        service_name="测试业务（无效）",
        lane="normal",
        ahead=3,
        estimated_wait_s=600,
        issued_at=now or datetime.now(),
        track_url=TEST_TRACK_URL,
        notice="此为打印机测试票，不能办理业务",
    )


def print_test_ticket(printer: EscPosPrinter, now: datetime | None = None) -> int:
    """Print :func:`sample_ticket` (after the printer's own status check); returns the bytes sent.

    Raises PrinterNotReady (paper out, cover open … nothing sent) or another DeviceError.
    """
    from drivers.printer import encode_ticket

    job = encode_ticket(sample_ticket(now), printer.paper)
    printer.print_job(job)
    return len(job)


@dataclass(frozen=True, slots=True)
class SpokenCall:
    """The synthesised test call: its text, WAV and measurements."""

    text: str
    wav: bytes
    stats: WavStats
    engine: str | None  # "pyttsx3" or "espeak-ng": what really spoke
    synth_s: float  # seconds the synthesis took


def synthesize_test_call(settings: AnnouncerSettings, *, timeout_s: float = 20.0) -> SpokenCall:
    """Synthesise the test call with the announcer's voice, rate, volume and template."""
    from drivers.announcer import Synthesizer, call_text, measure

    number, window = TEST_CALL
    text = call_text(number, window, template=settings.templates.call, lang=settings.lang,
                     readings=settings.readings)
    synth = Synthesizer(settings.voice, engine=settings.engine, timeout=timeout_s / 2)
    started = time.monotonic()
    try:
        wav = synth.synthesize(text)
    finally:
        synth.close()
    return SpokenCall(text, wav, measure(wav), synth.last_engine, time.monotonic() - started)


def play_test_call(announcer: Announcer, *, timeout_s: float = 60.0) -> Announcement:
    """Announce the test call through the terminal's announcer (chime, repeats, the real output)
    and wait until it has been played or failed (``item.error``)."""
    done = threading.Event()
    number, window = TEST_CALL
    item = announcer.announce(number, window)
    announcer.on_finished(lambda finished: done.set() if finished is item else None)
    if item.finished_at is None and not done.wait(timeout_s):
        raise DeviceTimeout(f"测试播报 {timeout_s:g} 秒内未播完", f"test call not finished within {timeout_s:g} s")
    return item


def watch_pad(pad: RatingPad, seconds: float, on_key: Callable[[Score], object], *,
              stop: threading.Event | None = None, on_ready: Callable[[], object] | None = None) -> int:
    """Report every key press for ``seconds`` (or until ``stop`` is set); returns how many.

    The pad counts a press only while a rating is open and once per visit (its own rule, DOMAIN
    rule 8), so the watcher keeps a test visit ``diag-…`` open, and opens the next one before
    reporting a press (a quick second press is not lost). ``on_ready`` is called once the first
    visit is open. Nothing is recorded anywhere: these are not ratings.
    """
    results: queue.SimpleQueue[Score | None] = queue.SimpleQueue()
    previous = pad.on_rating
    pad.on_rating = lambda _visit, score: results.put(score)
    deadline = time.monotonic() + seconds
    stop = stop or threading.Event()
    visits = (f"diag-{os.getpid()}-{time.monotonic_ns()}-{n}" for n in itertools.count(1))
    count = 0
    try:
        pad.open_rating(next(visits), timeout_s=max(seconds, 0.001))
        if on_ready is not None:
            on_ready()
        while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            try:
                score = results.get(timeout=min(_POLL_S, left))
            except queue.Empty:
                continue
            if (left := deadline - time.monotonic()) > 0:
                pad.open_rating(next(visits), timeout_s=left)
            if score is not None:
                count += 1
                on_key(score)
    finally:
        pad.close_rating()
        pad.on_rating = previous
    return count


def watch_touch(panel: TouchPanel, seconds: float, on_touch: Callable[[int, tuple[object, object]], object], *,
                stop: threading.Event | None = None) -> int:
    """Report touches for ``seconds`` (or until ``stop``): ``on_touch(events_so_far, (x, y))`` each
    time new touch events arrive. Returns the number of touch events seen."""
    deadline = time.monotonic() + seconds
    stop = stop or threading.Event()
    seen = panel.events_seen
    while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
        if panel.wait_for_events(seen + 1, timeout=min(_POLL_S, left)):
            seen = panel.events_seen
            position = panel.health().facts.get("last_position") or [None, None]
            on_touch(seen, (position[0], position[1]))
    return seen


def show_led_text(led: WindowLed, window_no: int, text: str) -> None:
    """Show ``text`` on the LED (no ticket number); raises PayloadError for text it cannot take,
    DeviceTimeout / DeviceUnavailable when the LED does not acknowledge."""
    if not isinstance(text, str) or not text.strip():
        raise DeviceError("显示文字不能为空", "the text must not be empty")
    led.show(window_no, None, text)


def wait_for_card(reader: IdCardReader, seconds: float, *, interval_s: float = 0.3) -> Poll | None:
    """Poll the ID card reader until a card is laid (read, refused or unreadable) or ``seconds`` pass;
    the last :class:`~drivers.idcard.Poll` that was about a card, or None. A reader fault ends it too."""
    from drivers.idcard import CardState

    deadline = time.monotonic() + seconds
    while True:
        poll = reader.poll()
        if poll.state is not CardState.NO_CARD:
            return poll
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        time.sleep(min(interval_s, left))
