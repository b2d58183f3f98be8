"""``serial://`` window LED on an RS-485 bus: SHOW / CLEAR, each ACKed, with timeout and retries.

Several LEDs share one port (one :class:`~drivers.serialbus.SerialBus` per port): a LED that
stops answering fails its own calls and its own health, naming its address, and the others
on the bus carry on.
"""

from __future__ import annotations

import logging
import threading

from ..errors import DeviceError
from ..health import Health
from ..serialbus import BusAddress, SerialBus, ping_health
from ..serialframe import Cmd
from ..urls import DeviceUrl
from ._base import WindowLed
from ._protocol import LedState, encode_show

__all__ = ["SerialLed"]

log = logging.getLogger("drivers.led")


class SerialLed(WindowLed):
    def __init__(self, where: BusAddress) -> None:
        self.where = where
        self._bus = SerialBus.attach(where.port, where.baud)
        self._lock = threading.Lock()
        self._last_error: str | None = None
        self._shown: LedState | None = None
        self._closed = False

    @classmethod
    def from_url(cls, url: DeviceUrl) -> SerialLed:
        return cls(BusAddress.from_url(url))

    def _show(self, state: LedState) -> None:
        self._send(Cmd.SHOW, encode_show(state))
        with self._lock:
            self._shown = state

    def clear(self) -> None:
        self._send(Cmd.CLEAR, b"")
        with self._lock:
            self._shown = None

    def health(self) -> Health:
        w = self.where
        facts: dict[str, object] = {"backend": "serial", "addr": w.addr, **self._bus.facts()}
        with self._lock:
            facts["showing"] = None if self._shown is None else self._shown.text
            facts["last_error"] = self._last_error
        return ping_health(self._bus, w, "led", ("窗口屏", "window LED"), facts)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._bus.detach()

    def _send(self, cmd: Cmd, data: bytes) -> None:
        w = self.where
        try:
            self._bus.request(w.addr, cmd, data, timeout_s=w.timeout_s, retries=w.retries)
        except DeviceError as exc:
            with self._lock:
                self._last_error = str(exc)
            log.warning("窗口屏 %s：%s", w.label, exc)
            raise
        with self._lock:
            self._last_error = None
