"""What a clerk does at the terminal, as test steps: log in, press a button or a key, pick from a panel.

Each step acts through the real widgets and then waits (on the event loop, never with sleeps) until the
terminal has its answer and has read the window again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from client import Backoff
from client.appkit import save_screenshot
from client.models import Ticket, WindowInfo
from counter import Act, Counter
from tests.server.conftest import ServerProcess, start_server
from tests.support.photos import portrait
from tests.support.rendering import rendering_problems  # the tests import it here too

HALL = "ctr"
PIN = "246813"
WAIT_MS = 60_000  # generous: a loaded CI machine must not fail a test on time
FAST = Backoff(first=0.02, cap=0.2)  # reconnects in tests: the rule is under test, not the pacing
# staff of the test hall: (staff_no, name, role, windows)
CLERK_A = "6001"  # 张三, windows 1–3, with a photo (3:4)
CLERK_B = "6002"  # 李四, windows 1–3: the B post
CLERK_W4 = "6003"  # 王五, window 4 only
MANAGER = "6009"
STAFF = (
    (CLERK_A, "张三", "clerk", (1, 2, 3)),
    (CLERK_B, "李四", "clerk", (1, 2, 3)),
    (CLERK_W4, "王五", "clerk", (4,)),
    (MANAGER, "赵主任", "manager", (1, 2, 3, 4)),
)


HERE = Path(__file__).parent
COUNTER_CONFIG = HERE / "hall_counter.toml"


def start_counter_server(workdir: Path, port: int | None = None) -> ServerProcess:
    # a repeated --config wins over the server tests' config (argparse keeps the last value)
    return start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}", "--config", str(COUNTER_CONFIG), port=port)


def add_staff(srv: ServerProcess) -> None:
    for staff_no, name, role, windows in STAFF:
        # 张三 has a photo (004 第十四条), the others none: the terminal must do well with both
        photo = portrait(srv.workdir / f"{staff_no}.png", 1) if staff_no == CLERK_A else ""
        srv.add_clerk(staff_no, pin=PIN, role=role, windows=windows, hall=HALL, name=name, photo=photo)
    srv.tokens["kiosk"] = srv.add_device("kiosk", hall=HALL)
    srv.tokens["display"] = srv.add_device("display", hall=HALL)
    srv.tokens["manager"] = srv.login(MANAGER, PIN)


def wait_until(qtbot: Any, predicate: Callable[[], bool], timeout_ms: int = WAIT_MS) -> None:
    """Process events until ``predicate()`` holds (qtbot.waitUntil polls the event loop; no sleeps)."""
    qtbot.waitUntil(predicate, timeout=timeout_ms)


def settle(qtbot: Any, counter: Counter) -> None:
    """Until no action waits for an answer and the window has been read since."""
    wait_until(qtbot, lambda: counter.controller.idle)


def login(qtbot: Any, counter: Counter, staff_no: str, pin: str = PIN, *, expect_main: bool = True) -> None:
    screen = counter.window.login
    screen.staff_no.setText(staff_no)
    screen.pin.setText(pin)
    screen.submit.click()
    if expect_main:
        wait_until(qtbot, lambda: counter.window.stack.currentWidget() is counter.window.main)
        settle(qtbot, counter)


def signed_in(qtbot: Any, counter: Counter, staff_no: str) -> None:
    """Log in and wait until the window is open under this clerk."""
    login(qtbot, counter, staff_no)
    wait_until(qtbot, lambda: counter.controller.situation().holder == staff_no)
    settle(qtbot, counter)


def press(qtbot: Any, counter: Counter, act: Act) -> None:
    button = counter.window.main.buttons[act]
    assert button.isEnabled(), f"{act} is disabled; allowed: {sorted(counter.controller.allowed())}"
    button.click()
    settle(qtbot, counter)


def key(qtbot: Any, counter: Counter, k: Qt.Key) -> None:
    """A key as the clerk's keyboard sends it (to the focused widget; the window takes the F-keys)."""
    target = counter.window.focusWidget() or counter.window
    qtbot.keyClick(target, k)
    settle(qtbot, counter)


def info(counter: Counter) -> WindowInfo:
    assert counter.controller.info is not None
    return counter.controller.info


def current(counter: Counter) -> Ticket | None:
    return info(counter).current


def call_visitor(qtbot: Any, counter: Counter, number: str | None = None) -> Ticket:
    press(qtbot, counter, Act.CALL)
    ticket = current(counter)
    assert ticket is not None, counter.window.main.status.text()
    if number is not None:
        assert ticket.number == number
    return ticket


def serve(qtbot: Any, counter: Counter, number: str | None = None) -> Ticket:
    """Call the next visitor and start serving them."""
    call_visitor(qtbot, counter, number)
    press(qtbot, counter, Act.START)
    ticket = current(counter)
    assert ticket is not None and ticket.state == "serving"
    return ticket


def finish(qtbot: Any, counter: Counter, outcome: str = "completed") -> None:
    """F5 → the outcome's button (补正告知 opens its checklist: use the supplement panel then)."""
    press(qtbot, counter, Act.FINISH)
    main = counter.window.main
    assert main.panel is main.finish_panel
    main.finish_panel.buttons[_outcome(outcome)].click()
    settle(qtbot, counter)


def _outcome(value: str) -> Any:
    from server.core import Outcome

    return Outcome(value)


# -- what the clerk sees: walked over the real widgets --------------------------------------------------
def shoot(counter: Counter, folder: Path, name: str) -> Path:
    """Save the terminal as ``counter-<name>.png`` in ``folder`` (and in $HALLQ_SCREENSHOTS, e.g. docs/img,
    when set), after checking that everything on it reads as written."""
    problems = rendering_problems(counter.window)
    assert problems == [], f"{name}: {problems}"
    out = save_screenshot(counter.window, folder / f"counter-{name}.png")
    docs = os.environ.get("HALLQ_SCREENSHOTS")
    if docs:
        save_screenshot(counter.window, Path(docs) / f"counter-{name}.png")
    return out
