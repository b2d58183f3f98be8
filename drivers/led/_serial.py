"""``serial://`` window LED on an RS-485 bus: SHOW / CLEAR, each ACKed, with timeout and retries.

Several LEDs share one port (one :class:`~drivers.serialbus.SerialBus` per port): a LED that
stops answering fails its own calls and its own health, naming its address, and the others
on the bus carry on.
"""

from __future__ import annotations

import logging
import threading

from ..errors import DeviceError
from ..health import Health, Level
from ..serialbus import BusAddress, SerialBus
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
        try:
            status = self._bus.ping(w.addr, timeout_s=w.timeout_s, retries=w.retries)
        except DeviceError as exc:
            facts["error"] = str(exc)
            return Health(
                "led",
                Level.FAIL,
                f"窗口屏（{w.port} 地址{w.addr}）故障：{exc.zh}",
                f"window LED ({w.port} address {w.addr}) failed: {exc.en}",
                facts,
            )
        facts.update(model=status.model, flags=status.flags)
        if status.flags:
            return Health(
                "led",
                Level.WARN,
                f"窗口屏（地址{w.addr}）报告故障标志 0x{status.flags:02x}",
                f"window LED (address {w.addr}) reports fault flags 0x{status.flags:02x}",
                facts,
            )
        return Health(
            "led",
            Level.OK,
            f"窗口屏 {status.model}（地址{w.addr}）正常",
            f"window LED {status.model} (address {w.addr}) OK",
            facts,
        )

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
