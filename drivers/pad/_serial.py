"""``serial://`` rating pad: a pad with a display, key lights and keys 1–5 on the framed protocol.

The host sends PROMPT (invitation text) and LIGHTS; the pad sends KEY (key, its ms tick) when
a key goes down and resends it until the host ACKs. A resent KEY carries the same SEQ and tick
and is counted once. Anything else from the pad is logged and ignored.
"""

from __future__ import annotations

import logging

from ..errors import DeviceError
from ..health import Health, Level
from ..serialbus import BusAddress, SerialBus, ping_health
from ..serialframe import Cmd, Frame
from ..urls import DeviceUrl
from ._base import RatingPad
from ._debounce import DEFAULT_DEBOUNCE_S
from ._protocol import decode_key, lights_data, prompt_data

__all__ = ["SerialPad"]

log = logging.getLogger("drivers.pad")


class SerialPad(RatingPad):
    def __init__(self, where: BusAddress, *, debounce_s: float = DEFAULT_DEBOUNCE_S) -> None:
        super().__init__(f"评价器 {where.label}", debounce_s=debounce_s)
        self.where = where
        self._last_report: tuple[int, bytes] | None = None
        self._bus = SerialBus.attach(where.port, where.baud)
        try:
            self._bus.subscribe(where.addr, self._on_frame)
        except DeviceError:
            self._bus.detach()
            raise

    @classmethod
    def from_url(cls, url: DeviceUrl) -> SerialPad:
        where = BusAddress.from_url(url, extra_options=frozenset({"debounce_ms"}))
        return cls(where, debounce_s=url.int_option("debounce_ms", round(DEFAULT_DEBOUNCE_S * 1000)) / 1000)

    def health(self) -> Health:
        facts: dict[str, object] = {
            "backend": "serial",
            "addr": self.where.addr,
            **self._bus.facts(),
            **self._rating_facts(),
        }
        w = self.where
        health = ping_health(self._bus, w, "pad", ("评价器", "rating pad"), facts)
        if health.level is Level.OK and facts["prompt_error"]:
            return Health(
                "pad",
                Level.WARN,
                f"评价器（地址{w.addr}）上次提示失败：{facts['prompt_error']}",
                f"rating pad (address {w.addr}) last prompt failed",
                facts,
            )
        return health

    def _set_prompt(self, on: bool) -> None:
        w = self.where
        self._bus.request(w.addr, Cmd.PROMPT, prompt_data(on), timeout_s=w.timeout_s, retries=w.retries)
        self._bus.request(w.addr, Cmd.LIGHTS, lights_data(on), timeout_s=w.timeout_s, retries=w.retries)

    def _on_frame(self, frame: Frame) -> None:
        """Frames the pad sends unasked (on the bus's dispatcher thread).

        A KEY is ACKed after it was handled, so an ACKed press has been counted or refused.
        """
        if frame.cmd != Cmd.KEY:
            log.warning("%s：忽略未知帧 / ignored unknown frame: %s", self.name, frame.describe())
            return
        try:
            self._on_key(frame)
        finally:
            self._bus.send(Frame(frame.addr, Cmd.ACK, frame.seq, bytes((Cmd.KEY,))))

    def _on_key(self, frame: Frame) -> None:
        report = decode_key(frame)
        if report is None:
            log.warning("%s：按键帧格式错误 / malformed KEY: %s", self.name, frame.describe())
            return
        if self._last_report == (frame.seq, frame.data):
            return  # the pad resent a report whose ACK it missed
        self._last_report = (frame.seq, frame.data)
        self._key(report.key, report.tick_ms / 1000)

    def _shutdown(self) -> None:
        self._bus.unsubscribe(self.where.addr)
        self._bus.detach()
