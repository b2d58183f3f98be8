"""A serial rating pad simulated on a pty, for tests and the simulated hall.

>>> from drivers.pad import open_pad
>>> with PadSimulator() as sim:
...     pad = open_pad(sim.url)
...     pad.open_rating("V1", timeout_s=30)
...     print(sim.prompt(), sim.lights())
...     sim.press(4)
...     print(pad.wait_rating().label_zh)
...     pad.close()
...     print(sim.lights())
欢迎您对本次服务进行评价 True
满意
False

It ACKs PROMPT and LIGHTS, answers PING, sends a KEY report on :meth:`PadSimulator.press`, and
misbehaves on request (:meth:`~drivers.serialsim.BusSimulator.fault`).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

from ..serialframe import Cmd, Frame, NakReason, decode_text
from ..serialsim import BusSimulator, Fault
from ._protocol import encode_key

__all__ = ["Fault", "PadSimulator"]


@dataclass(slots=True)
class _PadModel:
    model: str = "HQ-PAD-SIM"
    prompt: str = ""
    lights: bool = False
    key_acks: list[int] = field(default_factory=list)  # SEQs of KEY reports the host ACKed

    def handle(self, frame: Frame) -> list[Frame] | None:
        if frame.cmd == Cmd.PROMPT:
            self.prompt = decode_text(frame.data)
        elif frame.cmd == Cmd.LIGHTS:
            if frame.data not in (b"\x00", b"\x01"):
                return [Frame(frame.addr, Cmd.NAK, frame.seq, bytes((frame.cmd, NakReason.BAD_DATA)))]
            self.lights = frame.data == b"\x01"
        elif frame.cmd == Cmd.ACK and frame.data[:1] == bytes((Cmd.KEY,)):
            self.key_acks.append(frame.seq)
            return []
        else:
            return None
        return [Frame(frame.addr, Cmd.ACK, frame.seq, bytes((frame.cmd,)))]


class PadSimulator(BusSimulator):
    """Serial rating pads at ``addresses`` (default one pad at address 1) on one pty."""

    def __init__(self, addresses: tuple[int, ...] = (1,), *, baud: int = 9600) -> None:
        super().__init__(baud=baud)
        self.addresses = addresses
        self._pads = {addr: _PadModel() for addr in addresses}
        for addr, pad in self._pads.items():
            self.add_device(addr, pad)
        self._seq = itertools.count(1)
        self._t0 = time.monotonic()

    @property
    def url(self) -> str:
        """URL of the first pad, with a generous timeout (success returns at once)."""
        return self.url_for(self.addresses[0])

    def press(
        self,
        key: int,
        *,
        addr: int | None = None,
        tick_ms: int | None = None,
        seq: int | None = None,
    ) -> None:
        """Send a KEY report as the pad does when ``key`` goes down.

        ``tick_ms`` is the pad's clock (default: ms since the simulator started); give it to
        test debouncing. ``seq`` repeats an earlier report (a resend).
        """
        addr = self.addresses[0] if addr is None else addr
        tick = round((time.monotonic() - self._t0) * 1000) if tick_ms is None else tick_ms
        self.emit(encode_key(addr, next(self._seq) & 0xFF if seq is None else seq, key, tick))

    def prompt(self, addr: int | None = None) -> str:
        with self._cv:
            return self._pads[self.addresses[0] if addr is None else addr].prompt

    def lights(self, addr: int | None = None) -> bool:
        with self._cv:
            return self._pads[self.addresses[0] if addr is None else addr].lights

    def key_acks(self, addr: int | None = None) -> list[int]:
        with self._cv:
            return list(self._pads[self.addresses[0] if addr is None else addr].key_acks)
