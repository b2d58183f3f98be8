"""The simulated hall's devices: the drivers' own ``sim://`` backends, used as the apps use them.

* each kiosk prints every ticket it issues on its ``sim://`` printer (the real ESC/POS bytes, counted);
* each window's ``sim://`` LED shows the number it calls;
* each window's ``sim://`` rating pad lights up after a visit; the visitor may press a key — or not
  (004 第三十三条: a rating is never forced or faked; 未评价 is recorded as such);
* every device reports its health to the server (the heartbeat the terminals send).
"""

from __future__ import annotations

import random
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from client import Issued
from drivers.led import open_led
from drivers.pad import open_pad
from drivers.printer import Paper, TicketPrint, open_printer

RATED_SHARE = 0.7  # visitors who press a key at all
SCORES = (5, 4, 3, 2, 1)
SCORE_WEIGHTS = (60, 25, 10, 3, 2)  # mostly satisfied; now and then a bad rating (→ a follow-up, 003 (七)1)


class SimDevices:
    def __init__(self, hall_name: str, kiosks: int, windows: list[int], tz: ZoneInfo) -> None:
        self.hall_name = hall_name
        self.tz = tz
        self.printers = [open_printer("sim://", paper=Paper.MM80) for _ in range(kiosks)]
        self.leds = {n: open_led("sim://") for n in windows}
        self.pads = {n: open_pad("sim://") for n in windows}
        self._lock = threading.Lock()

    def print_ticket(self, kiosk: int, ticket: Issued, service_name: str) -> None:
        slip = TicketPrint(self.hall_name, ticket.number, service_name, str(ticket.lane), ticket.ahead,
                           ticket.estimated_wait_s, datetime.fromtimestamp(ticket.issued_at, self.tz),
                           ticket.track_url or "http://127.0.0.1/")
        with self._lock:
            printer = self.printers[kiosk]
            printer.print_ticket(slip)
            printer.clear()

    def show_call(self, window: int, number: str) -> None:
        self.leds[window].show(window, number, f"请 {number} 号到 {window} 号窗口")

    def show_idle(self, window: int) -> None:
        self.leds[window].show(window, None, f"{window} 号窗口")

    def rate(self, window: int, visit_id: str, rng: random.Random) -> int | None:
        """The pad after a visit: the visitor's score, or None (未评价)."""
        pad = self.pads[window]
        pad.open_rating(visit_id, timeout_s=30)
        if rng.random() < RATED_SHARE:
            pad.press(rng.choices(SCORES, SCORE_WEIGHTS)[0])
            result = pad.wait_rating(timeout_s=5)
        else:
            result = pad.close_rating()
        return int(result.score) if result is not None and result.score is not None else None

    def health(self) -> dict[str, list[dict]]:
        """Per device group, the reports its terminal would send (``Health.as_dict()``)."""
        out: dict[str, list[dict]] = {f"kiosk{i}": [p.health().as_dict()] for i, p in enumerate(self.printers)}
        for n in self.leds:
            out[f"counter{n}"] = [self.leds[n].health().as_dict()]
            out[f"pad{n}"] = [self.pads[n].health().as_dict()]
        return out

    def close(self) -> None:
        for device in [*self.printers, *self.leds.values(), *self.pads.values()]:
            device.close()
