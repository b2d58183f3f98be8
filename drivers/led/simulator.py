"""Window LEDs simulated on a pty: several addresses on one simulator are one RS-485 bus.

>>> from drivers.led import open_led
>>> with LedSimulator(addresses=(3, 4)) as bus:
...     led3, led4 = open_led(bus.url_for(3)), open_led(bus.url_for(4))
...     led3.show(3, "A012", "A012 请到3号窗口")
...     led4.show(4, None, "暂停服务")
...     print(bus.shown(3).text, "|", bus.shown(4).text)
...     led3.close(); led4.close()
A012 请到3号窗口 | 暂停服务

Each LED ACKs SHOW and CLEAR (NAK on malformed DATA), answers PING, and records what it shows
(:meth:`LedSimulator.shown`, :meth:`LedSimulator.history`). Faults: see
:meth:`~drivers.serialsim.BusSimulator.fault`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..serialframe import Cmd, Frame, NakReason
from ..serialsim import BusSimulator, Fault
from ._protocol import LedState, decode_show

__all__ = ["Fault", "LedSimulator"]


@dataclass(slots=True)
class _LedModel:
    model: str = "HQ-LED-SIM"
    current: LedState | None = None
    history: list[LedState | None] = field(default_factory=list)

    def handle(self, frame: Frame) -> list[Frame] | None:
        if frame.cmd == Cmd.SHOW:
            state = decode_show(frame.data)
            if state is None:
                return [Frame(frame.addr, Cmd.NAK, frame.seq, bytes((frame.cmd, NakReason.BAD_DATA)))]
            self.current = state
        elif frame.cmd == Cmd.CLEAR:
            self.current = None
        else:
            return None
        self.history.append(self.current)
        return [Frame(frame.addr, Cmd.ACK, frame.seq, bytes((frame.cmd,)))]


class LedSimulator(BusSimulator):
    """LEDs at ``addresses`` (default one LED at address 1) on one pty bus."""

    def __init__(self, addresses: tuple[int, ...] = (1,), *, baud: int = 9600) -> None:
        super().__init__(baud=baud)
        self.addresses = addresses
        self._leds = {addr: _LedModel() for addr in addresses}
        for addr, led in self._leds.items():
            self.add_device(addr, led)

    @property
    def url(self) -> str:
        return self.url_for(self.addresses[0])

    def shown(self, addr: int | None = None) -> LedState | None:
        """What the LED at ``addr`` shows now (``None``: blank)."""
        with self._cv:
            return self._leds[self.addresses[0] if addr is None else addr].current

    def history(self, addr: int | None = None) -> list[LedState | None]:
        """Everything the LED at ``addr`` was told to show, in order (repeats included)."""
        with self._cv:
            return list(self._leds[self.addresses[0] if addr is None else addr].history)
