"""Helpers shared by the kiosk tests (a module with its own name: ``conftest`` is ambiguous)."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QWidget

from client import theme
from drivers.terminal import Devices
from kiosk.widgets import Tile
from tests.support import phones
from tests.support.rendering import rendering_problems, shown_text_widgets  # noqa: F401  (the tests import it here)

HERE = Path(__file__).parent
KIOSK_CONFIG = HERE / "hall_kiosk.toml"
WAIT_MS = 60_000  # generous: a loaded CI machine must not fail a test on time
MAINT_STAFF, CLERK_STAFF, PIN = "9001", "9002", "246813"


def _server_support():
    """tests/server/conftest.py, loaded under its own name: its ``start_server`` / ``stop_server`` are
    the one way the test suite runs a server process (a conftest cannot be imported by name)."""
    name = "hallq_server_test_support"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE.parent / "server" / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


support = _server_support()


def start_kiosk_server(workdir: Path, port: int | None = None):
    """The kiosk tests' server; its clock starts on a Monday at 10:00 in the hall (server/testclock.py),
    so the soonest booking slot is always today's, whenever the suite runs."""
    # a repeated --config wins over the server tests' config (argparse keeps the last value)
    # one-time codes for booking phones go to a file the tests read, as a visitor reads the message (issue 13);
    # many test phones are proved from this one address
    env = {**support.fixed_clock_env(), "HALLQ_NOTIFY": f"sim://{workdir / 'notices.jsonl'}",
           "HALLQ_BOOKING_BOOKING_PER_IP_HOUR": "500"}
    return support.start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}", "--config", str(KIOSK_CONFIG),
                                port=port, env=env)


def prove_phone(server, client, phone: str, hall: str = "kiosk") -> str:
    """The phone's owner proves it (a code by message, typed back), as the phone pages do: a phone token."""
    return phones.prove_phone(server.workdir, client, phone, hall)


#: the hall's date on the kiosk tests' server (support.TEST_CLOCK_START; the tests take minutes, not 14 hours)
SERVER_TODAY = support.TEST_CLOCK_START[:10]


_phones = itertools.count(13700000100)  # one person per booking: one booking per person, service and day


def book(server, service: str = "CS01", hall: str = "kiosk") -> tuple[str, str]:
    """Book the soonest slot of ``service`` on the public booking API (issue 8), as a visitor would on
    the phone pages; the soonest slot starts within 30 min, so check-in is open. Returns (code, phone).
    The server's clock is the test clock (morning), so that slot is today's."""
    import httpx

    phone = str(next(_phones))
    with httpx.Client(base_url=server.base_url, timeout=30) as c:
        offer = c.get(f"/api/v1/halls/{hall}/booking/slots", params={"service": service})
        assert offer.status_code == 200, offer.text
        day = offer.json()["days"][0]
        assert day["day"] == SERVER_TODAY, day["day"]
        token = prove_phone(server, c, phone, hall)
        made = c.post(f"/api/v1/halls/{hall}/bookings", json={"service": service, "day": day["day"],
                                                              "start": day["slots"][0]["start"], "person": phone,
                                                              "phone_token": token})
        assert made.status_code == 201, made.text
    return made.json()["booking"]["code"], phone


def miss(server, number: str, hall: str = "kiosk", window: int = 1) -> None:
    """The clerk at ``window`` calls until ``number`` comes up, and nobody comes: 过号 (no-show).
    Tickets called before it (other tests') are marked no-show too."""
    with server.client(server.login(CLERK_STAFF, PIN)) as clerk:
        base = f"/api/v1/halls/{hall}/windows/{window}"
        assert clerk.post(f"{base}/sign-in").status_code == 200
        for _ in range(500):
            called = clerk.post(f"{base}/call")
            assert called.status_code == 200, called.text
            ticket = called.json().get("ticket")
            assert ticket is not None, f"{number} never called"
            assert clerk.post(f"{base}/no-show").status_code == 200
            if ticket["number"] == number:
                break
        assert clerk.post(f"{base}/sign-out").status_code == 200


def type_number(qtbot, screen, number: str) -> None:
    """Type a ticket number on the 过号重排 screen's keys, as a visitor would."""
    for ch in number:
        pad = screen.letters if ch.isalpha() else screen.digits
        tap(qtbot, pad.keys[ch])


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def take(qtbot, kiosk, *taps) -> None:
    """Tap the widgets in order; the last tap must produce a printed ticket."""
    for widget in taps[:-1]:
        tap(qtbot, widget)
    with qtbot.waitSignal(kiosk.controller.printed, timeout=WAIT_MS):
        tap(qtbot, taps[-1])


def voice_texts(devices: Devices) -> list[str]:
    """What the announcer was asked to say so far (sim:// writes one .txt per item)."""
    announcer = devices.announcer
    assert announcer is not None
    assert announcer.wait_idle(WAIT_MS / 1000)
    folder = Path(announcer.url.split("dir=", 1)[1].split("&", 1)[0])
    return [p.read_text(encoding="utf-8").strip() for p in sorted(folder.glob("*.txt"))]


def wait_until(qtbot, predicate: Callable[[], bool], timeout_ms: int = WAIT_MS) -> None:
    """Process events until ``predicate()`` holds (qtbot.waitUntil polls the event loop, no sleeps)."""
    qtbot.waitUntil(predicate, timeout=timeout_ms)


# -- what a visitor sees: walked over the real widgets ----------------------------------------------
def touch_targets(root) -> list:
    return [w for w in root.findChildren(QWidget) if w.isVisible() and isinstance(w, QAbstractButton | Tile)]


def colours(widget) -> tuple[str, str]:
    """(text colour, background colour) as painted: the widget's palette, and for a transparent
    widget the nearest ancestor that paints its own background."""
    role = widget.foregroundRole()
    if isinstance(widget, QLineEdit) and not widget.text():
        role = QPalette.ColorRole.PlaceholderText  # an empty field shows its hint
    fg = widget.palette().color(role)
    w = widget
    while w is not None:
        bg = w.palette().color(w.backgroundRole())
        paints = (w is widget and isinstance(w, QAbstractButton | QLineEdit)) or w.autoFillBackground() or \
            w.testAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        if bg.alpha() == 255 and paints:
            return fg.name(), bg.name()
        w = w.parentWidget()
    raise AssertionError(f"no painted background behind {widget!r}")


def dpi_px(points: float) -> float:
    return points * QGuiApplication.primaryScreen().logicalDotsPerInch() / 72


def elder_problems(root) -> list[str]:
    """The elder-mode numbers of issue 5 (``client.theme``), checked on what is on screen."""
    problems = []
    for w in shown_text_widgets(root):
        name = f"{type(w).__name__}({w.text()[:24]!r})"
        pt = w.font().pointSizeF()
        role = w.property("role")
        need = theme.ELDER_MIN_MAIN_PT if role in ("main", "title", "number") else theme.ELDER_MIN_BODY_PT
        if role is None:
            problems.append(f"{name}: no font role")
        if pt < need:
            problems.append(f"{name}: {pt} pt < {need} pt ({role})")
        spacing = QFontMetricsF(w.font()).lineSpacing() / dpi_px(pt)
        if spacing < theme.ELDER_MIN_LINE_SPACING:
            problems.append(f"{name}: line spacing {spacing:.2f} < {theme.ELDER_MIN_LINE_SPACING}")
        fg, bg = colours(w)
        ratio = theme.contrast(fg, bg)
        if ratio < theme.MIN_CONTRAST:
            problems.append(f"{name}: contrast {fg} on {bg} = {ratio:.2f} < {theme.MIN_CONTRAST}")
    for w in touch_targets(root):
        if w.width() < theme.ELDER_MIN_TARGET_PX or w.height() < theme.ELDER_MIN_TARGET_PX:
            problems.append(f"{type(w).__name__}({getattr(w, 'text', lambda: '')()!r}): "
                            f"{w.width()}×{w.height()} px < {theme.ELDER_MIN_TARGET_PX}")
    return problems


# -- a walk through every screen -------------------------------------------------------------------
def tour(qtbot, kiosk, devices: Devices, server):
    """Bring up every screen of a kiosk in turn, by tapping like a visitor (and maintenance staff),
    against its real server; yields each screen's name while it is shown. The language and elder
    mode are whatever the kiosk is set to."""
    w = kiosk.window
    c = kiosk.controller
    w.go_home()
    yield "home"
    tap(qtbot, w.home.priority_tile)
    yield "priority"
    tap(qtbot, w.home.leave)
    tap(qtbot, w.home.grid.tile_for("market"))
    yield "services"
    tap(qtbot, w.services.back_button)
    tap(qtbot, w.home.grid.tile_for("general"))
    w.services.keys.type_text("BDC")
    yield "search"
    take(qtbot, kiosk, w.services.grid.tile_for("RE01"))
    yield "ticket"
    missed = w.ticket.ticket.number  # its visitor will not be there when it is called: 过号重排 below
    tap(qtbot, w.ticket.done_button)
    devices.printer.set_paper("out")
    with qtbot.waitSignal(c.print_failed, timeout=WAIT_MS):
        tap(qtbot, w.home.grid.tile_for("police"))
    yield "ticket-photo"
    tap(qtbot, w.ticket.done_button)
    yield "home-printer-fault"
    devices.printer.set_paper("ok")
    with qtbot.waitSignal(c.printer_state, timeout=WAIT_MS, check_params_cb=lambda h: h.level.value == "OK"):
        c.beat_timer.start(1)
    for _ in range(2):  # the tax service's cap is one a day: at the latest the second tap is refused
        with qtbot.waitSignal(w.screen_changed, timeout=WAIT_MS):
            tap(qtbot, w.home.grid.tile_for("tax"))
        if w.current is w.notice:
            break
        tap(qtbot, w.ticket.done_button)
    assert w.current is w.notice
    yield "notice-cap"
    tap(qtbot, w.notice.ok_button)
    _code, phone = book(server)
    tap(qtbot, w.home.booking_tile)
    w.booking.keys.type_text(phone[:7])
    yield "booking"
    w.booking.keys.type_text(phone[7:])
    with qtbot.waitSignal(c.printed, timeout=WAIT_MS):
        tap(qtbot, w.booking.check_in)
    yield "ticket-booking"
    tap(qtbot, w.ticket.done_button)
    tap(qtbot, w.home.booking_tile)
    tap(qtbot, w.booking.keys.clear_key)
    w.booking.keys.type_text("13800000000")  # nobody booked with this number
    with qtbot.waitSignal(c.check_in_refused, timeout=WAIT_MS):
        tap(qtbot, w.booking.check_in)
    yield "booking-refused"
    tap(qtbot, w.notice.ok_button)
    miss(server, missed)
    tap(qtbot, w.home.requeue_tile)
    type_number(qtbot, w.requeue, missed)
    yield "requeue"
    with qtbot.waitSignal(c.printed, timeout=WAIT_MS):
        tap(qtbot, w.requeue.go)
    assert w.current is w.ticket and w.ticket.ticket.number == missed
    yield "ticket-requeued"
    tap(qtbot, w.ticket.done_button)
    tap(qtbot, w.home.requeue_tile)
    type_number(qtbot, w.requeue, missed)  # again: it is waiting now, nothing to rejoin
    with qtbot.waitSignal(c.requeue_refused, timeout=WAIT_MS):
        tap(qtbot, w.requeue.go)
    yield "requeue-refused"
    tap(qtbot, w.notice.ok_button)
    w.on_server_state(False)  # what the controller signals when the server is unreachable
    yield "server-down"
    w.on_server_state(True)
    from kiosk.gesture import CornerTaps

    w.taps = CornerTaps(5, 3.0, clock=lambda: 0.0)
    for _ in range(5):
        tap(qtbot, w.corner)
    m = w.maintenance
    tap(qtbot, m.staff_field)
    m.keys.type_text(MAINT_STAFF)
    tap(qtbot, m.pin_field)
    m.keys.type_text(PIN)
    yield "maintenance-login"
    with qtbot.waitSignal(c.login_ok, timeout=WAIT_MS):
        tap(qtbot, m.login_button)
    for name in ("test_print", "paper", "server"):
        with qtbot.waitSignal(c.check_done, timeout=WAIT_MS):
            tap(qtbot, m.check_buttons[name])
    yield "maintenance"
    tap(qtbot, m.check_buttons["touch"])
    for cell in m.cells[:5]:
        tap(qtbot, cell)
    yield "maintenance-touch"
    for cell in m.cells[5:]:
        tap(qtbot, cell)
    tap(qtbot, m.leave_button)
    assert w.current is w.home
