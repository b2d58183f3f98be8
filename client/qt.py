"""``QtHallLink``: the one bridge between the API client and the PySide6 apps (kiosk, counter, display).

* Events: an :class:`~client.events.EventStream` runs on its own thread; its callbacks emit
  the signals ``event(dict)``, ``snapshot(dict)``, ``connection_changed(bool)`` and
  ``stream_failed(object)``. The link lives in the GUI thread, so Qt queues each emission to the GUI
  thread: slots may touch widgets.
* Requests: :meth:`QtHallLink.submit` runs a :class:`~client.http.HallClient` call on a worker
  of the link's ``QThreadPool`` and hands the result (or the exception) to ``on_done`` / ``on_error``
  on the GUI thread. No HTTP call ever blocks a screen. With the default single worker, requests run
  one at a time in the order they were submitted, so a clerk's "finish" always reaches the server
  before the "call" pressed after it.

Qt is imported here and nowhere else in ``client``. Call :meth:`QtHallLink.stop` before the
application quits: it ends the stream thread and waits for the workers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage

from .errors import ClientError
from .events import EventStream
from .http import HallClient

log = logging.getLogger("hallq.client.qt")

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class QtHallLink(QObject):
    """Signals for one hall's live state, and off-GUI-thread API calls.

    ``client`` is the app's :class:`HallClient` (its token decides what the app may do). The event
    stream uses its own connection with the same server, token and hall.
    """

    event = Signal(dict)  # {"seq", "kind", "at", "data"}, in seq order, exactly once
    snapshot = Signal(dict)  # GET /snapshot JSON: at start and after every resync
    connection_changed = Signal(bool)  # link to the event stream up (True) or down (False)
    stream_failed = Signal(object)  # ClientError: the server refused the stream for good (bad token)
    request_failed = Signal(object)  # a submitted call failed and had no on_error

    # worker → GUI thread hand-over: (callback, value); queued because emitted off the GUI thread
    _finished = Signal(object, object)

    def __init__(
        self,
        client: HallClient,
        hall: str,
        *,
        max_workers: int = 1,
        parent: QObject | None = None,
        stream_options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = client
        self.hall = hall
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_workers)
        self._stream: EventStream | None = None
        self._stream_options = stream_options or {}
        self._finished.connect(self._run_callback)

    # -- event stream --------------------------------------------------------------------------------
    def start(self, since: int | None = None) -> None:
        """Start following the hall's events (a snapshot first unless ``since`` is given)."""
        if self._stream is not None and self._stream.running:
            return
        self._stream = EventStream(
            self.client.base_url,
            self.client.token,
            self.hall,
            since=since,
            on_event=self.event.emit,
            on_snapshot=self.snapshot.emit,
            on_connection=self.connection_changed.emit,
            on_error=self.stream_failed.emit,
            **self._stream_options,
        ).start()

    @property
    def last_seq(self) -> int | None:
        return self._stream.last_seq if self._stream is not None else None

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the stream thread and wait (bounded) for submitted calls to finish."""
        if self._stream is not None:
            self._stream.stop(timeout)
            self._stream = None
        if not self._pool.waitForDone(int(timeout * 1000)):
            log.warning("API calls still running after %.1f s", timeout)

    # -- requests ------------------------------------------------------------------------------------
    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Done | None = None,
        on_error: Failed | None = None,
        **kwargs: Any,
    ) -> None:
        """Run ``fn(*args, **kwargs)`` (typically a bound ``HallClient`` method) on a worker thread;
        then, on the GUI thread, ``on_done(result)`` or ``on_error(exception)``.

        A failure without ``on_error`` is emitted as ``request_failed``.
        """

        def work() -> None:
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:  # handed to the GUI thread, not lost in the pool
                if not isinstance(exc, ClientError):
                    log.exception("API call %r failed unexpectedly", fn)
                self._finished.emit(on_error or self.request_failed.emit, exc)
            else:
                if on_done is not None:
                    self._finished.emit(on_done, result)

        self._pool.start(work)

    @Slot(object, object)
    def _run_callback(self, callback: Callable[[Any], None], value: Any) -> None:
        try:
            callback(value)
        except Exception:
            log.exception("callback %r failed", callback)


def clerk_photo_image(client: HallClient, staff_no: str, max_px: int = 240) -> QImage | None:
    """The clerk's public photo (004 第十四条) decoded and shrunk to at most ``max_px`` either way, or
    None when there is none or it is not an image. Blocking: run it through :meth:`QtHallLink.submit`
    (a QImage, unlike a QPixmap, may be made off the GUI thread; a camera's 20-megapixel file is
    decoded there, not on the screen's thread)."""
    data = client.clerk_photo(staff_no)
    if data is None:
        return None
    # The format named from the file's first bytes: left to guess, QImageReader asks every plugin,
    # and the SVG plugin's probe makes a QTextStream, which takes Qt's signal-slot lock on this worker
    # thread while PySide holds the GIL; a GUI thread in QObject::disconnect holding that lock and waiting
    # for the GIL then deadlocked the counter (a CI run: 15 min in test_the_clerks_photo_beside_the_name).
    image = QImage.fromData(data, _raster_format(data))
    if image.isNull():
        log.warning("the photo of clerk %s is not an image Qt can read (%d bytes)", staff_no, len(data))
        return None
    if max(image.width(), image.height()) > max_px:
        image = image.scaled(max_px, max_px, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image


_MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPG"), (b"GIF8", "GIF"), (b"BM", "BMP"))


def _raster_format(data: bytes) -> str | None:
    """The Qt format name of a PNG, JPEG, GIF or BMP file (WebP: ``RIFF…WEBP``), else None (Qt guesses)."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None
