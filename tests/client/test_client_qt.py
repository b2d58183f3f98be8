"""QtHallLink with real Qt (offscreen) and a real server: the stream's signals and the results of
submitted calls arrive on the GUI thread; failures arrive as bilingual errors, never as exceptions
lost in a worker."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from client import ApiError, HallClient, Issued
from client.qt import QtHallLink
from tests.client.support import HALL, Hall

pytestmark = pytest.mark.timeout(180)
WAIT_MS = 60_000  # generous limits for a loaded machine; never a pass condition


def on_gui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@pytest.fixture
def link(qtbot, hall: Hall) -> Iterator[QtHallLink]:
    client = hall.client(hall.kiosk)
    link = QtHallLink(client, HALL)
    yield link
    link.stop()
    client.close()
    link.deleteLater()


def test_stream_signals_arrive_on_the_gui_thread(qtbot, link: QtHallLink, kiosk: HallClient) -> None:
    threads: list[bool] = []
    snapshots: list[dict] = []
    links: list[bool] = []
    link.snapshot.connect(lambda s: (threads.append(on_gui_thread()), snapshots.append(s)))
    link.connection_changed.connect(lambda up: (threads.append(on_gui_thread()), links.append(up)))
    link.event.connect(lambda _e: threads.append(on_gui_thread()))

    with qtbot.waitSignals([link.snapshot, link.connection_changed], timeout=WAIT_MS):
        link.start()
    assert snapshots[0]["hall"] == HALL and links == [True]

    issued: list[Issued] = []  # known before the signal's slot runs: delivery waits for this thread
    with qtbot.waitSignal(link.event, timeout=WAIT_MS,
                          check_params_cb=lambda e: e["seq"] == issued[0].seq) as got:
        issued.append(kiosk.issue(HALL, "GEN"))
    assert got.args[0]["kind"] == "ticket.issued" and got.args[0]["data"]["ticket"]["id"] == issued[0].id
    assert threads and all(threads) and link.last_seq == issued[0].seq


def test_submit_delivers_results_and_errors_on_the_gui_thread(qtbot, link: QtHallLink) -> None:
    seen: list[tuple[str, bool, object]] = []

    with qtbot.waitCallback(timeout=WAIT_MS) as done:
        link.submit(link.client.issue, HALL, "GEN",
                    on_done=lambda r: (seen.append(("done", on_gui_thread(), r)), done(r)))
    assert isinstance(done.args[0], Issued) and done.args[0].number.startswith("A")

    with qtbot.waitCallback(timeout=WAIT_MS) as failed:
        link.submit(link.client.issue, HALL, "NOPE",
                    on_error=lambda e: (seen.append(("error", on_gui_thread(), e)), failed(e)))
    error = failed.args[0]
    assert isinstance(error, ApiError) and error.code == "unknown_service" and error.zh and error.en

    with qtbot.waitSignal(link.request_failed, timeout=WAIT_MS) as unhandled:
        link.submit(link.client.call, HALL, 1)  # a kiosk may not call: 403, and nobody handles it
    assert isinstance(unhandled.args[0], ApiError) and unhandled.args[0].status == 403
    assert [(kind, gui) for kind, gui, _ in seen] == [("done", True), ("error", True)]


def test_calls_run_in_the_order_they_were_submitted(qtbot, link: QtHallLink) -> None:
    order: list[str] = []
    with qtbot.waitCallback(timeout=WAIT_MS) as last:
        for i in range(5):
            link.submit(link.client.issue, HALL, "SOC", on_done=lambda r, i=i: order.append(f"{i}:{r.number}"))
        link.submit(link.client.health, on_done=last)
    numbers = [entry.split(":")[1] for entry in order]
    assert [entry.split(":")[0] for entry in order] == ["0", "1", "2", "3", "4"]
    assert numbers == sorted(numbers)  # issued one after another, in submission order


def test_a_refused_stream_is_reported(qtbot, hall: Hall) -> None:
    client = HallClient(hall.server.base_url, "revoked-or-wrong")
    link = QtHallLink(client, HALL)
    try:
        with qtbot.waitSignal(link.stream_failed, timeout=WAIT_MS) as failed:
            link.start()
        assert isinstance(failed.args[0], ApiError) and failed.args[0].status == 401
    finally:
        link.stop()
        client.close()


def test_a_sigterm_during_start_up_still_ends_the_app(qapp) -> None:
    """systemd stops a terminal that is still starting (the signal lands before the event loop runs):
    the loop ends as soon as it starts, with status 0, instead of running on until the SIGKILL."""
    import os
    import signal

    from PySide6.QtCore import QTimer

    from client.appkit import quit_on_signals

    before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    lost = QTimer()  # a lost signal ends the loop as 7, not as a hung test; stopped after (the application
    lost.setSingleShot(True)  # outlives this test: a pending exit would end a later test's waits)
    lost.timeout.connect(lambda: qapp.exit(7))
    try:
        quit_on_signals(qapp)
        os.kill(os.getpid(), signal.SIGTERM)  # the handler runs now, on this thread, before exec()
        lost.start(WAIT_MS)
        assert qapp.exec() == 0
    finally:
        lost.stop()
        for sig, handler in before.items():
            signal.signal(sig, handler)


class _Photos:
    """A client whose clerk photo is ``data``."""

    def __init__(self, data: bytes | None) -> None:
        self.data = data

    def clerk_photo(self, staff_no: str) -> bytes | None:
        return self.data


@pytest.mark.parametrize("fmt", ["PNG", "JPG", "BMP"])
def test_a_clerk_photo_is_decoded_by_its_own_format(qapp, fmt: str) -> None:
    """Named from its first bytes (the worker thread never lets Qt probe every plugin: see clerk_photo_image),
    decoded and shrunk to the size asked for, at its own aspect ratio; what is not an image is no photo."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    from client.qt import _raster_format, clerk_photo_image

    image = QImage(300, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    raw = QByteArray()
    buffer = QBuffer(raw)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, fmt)
    data = bytes(raw)
    assert _raster_format(data) == fmt
    photo = clerk_photo_image(_Photos(data), "6001", max_px=200)  # type: ignore[arg-type]
    assert (photo.width(), photo.height()) == (150, 200)
    assert clerk_photo_image(_Photos(b"<html>not a photo</html>"), "6001") is None  # type: ignore[arg-type]
    assert clerk_photo_image(_Photos(None), "6001") is None  # type: ignore[arg-type]
