"""Printer status from the DLE EOT 1–4 replies, and the diagnostic verdict built from it.

Each reply is one byte; bits 1 and 4 are always 1, bits 0 and 7 always 0 (so a healthy printer
answers 0x12 to all four):

===  ===================  ================================================
n    reply is about        bits hallq reads
===  ===================  ================================================
1    printer              3: offline
2    offline cause         2: cover open · 5: stopped by paper end · 6: error
3    error cause           3: autocutter error · 5: unrecoverable error
4    paper roll sensor     2+3: near end (low) · 5+6: roll end (out)
===  ===================  ================================================

python-escpos's ``paper_status()`` is not used: it returns 2 ("paper adequate") when the
printer does not answer at all, and we must never report a silent printer as fine.

>>> s = decode_status({1: b"\\x12", 2: b"\\x12", 3: b"\\x12", 4: b"\\x1e"})
>>> s.paper, s.health().level.value
(<PaperState.LOW: 'low'>, 'WARN')
>>> decode_status({}).health().level.value
'UNKNOWN'
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from drivers.health import Health, Level

__all__ = ["PaperState", "PrinterStatus", "decode_status", "is_status_byte"]

log = logging.getLogger(__name__)

_FIXED_MASK = 0x93  # bits 0, 1, 4, 7
_FIXED_BITS = 0x12  # bit 1 and bit 4 set, bits 0 and 7 clear


class PaperState(enum.StrEnum):
    OK = "ok"
    LOW = "low"
    OUT = "out"
    UNKNOWN = "unknown"


def is_status_byte(byte: int) -> bool:
    """Whether ``byte`` can be a DLE EOT reply (its fixed bits are right); other bytes on the
    line are noise and are skipped."""
    return byte & _FIXED_MASK == _FIXED_BITS


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """What the printer said about itself. ``answered`` is False unless all four replies came."""

    answered: bool
    online: bool = False
    paper: PaperState = PaperState.UNKNOWN
    cover_open: bool = False
    cutter_error: bool = False
    unrecoverable_error: bool = False

    @property
    def faults(self) -> list[tuple[str, str]]:
        """Known reasons the printer cannot print, (Chinese, English)."""
        out = []
        if self.paper is PaperState.OUT:
            out.append(("打印机缺纸", "paper out"))
        if self.cover_open:
            out.append(("打印机盖未关", "cover open"))
        if self.cutter_error:
            out.append(("切刀故障", "cutter error"))
        if self.unrecoverable_error:
            out.append(("打印机不可恢复错误，请断电重启",
                        "unrecoverable error, power-cycle the printer"))
        if not out and self.answered and not self.online:
            out.append(("打印机离线", "printer offline"))
        return out

    @property
    def can_print(self) -> bool | None:
        """True/False when known; None when the printer did not answer."""
        if self.faults:
            return False
        return True if self.answered else None

    def health(self) -> Health:
        """OK / WARN (paper low) / FAIL (a fault) / UNKNOWN (no answer: never OK)."""
        facts: dict[str, object] = {
            "answered": self.answered, "online": self.online, "paper": self.paper.value,
            "cover_open": self.cover_open, "cutter_error": self.cutter_error,
            "unrecoverable_error": self.unrecoverable_error,
        }
        faults = self.faults
        if faults:  # a fault it did report counts even if another reply was missing
            return Health("printer", Level.FAIL, "；".join(zh for zh, _ in faults),
                          "; ".join(en for _, en in faults), facts)
        if not self.answered:
            return Health("printer", Level.UNKNOWN, "打印机未应答，状态未知",
                          "printer did not answer; status unknown", facts)
        if self.paper is PaperState.LOW:
            return Health("printer", Level.WARN, "打印纸将尽，请及时更换", "paper low", facts)
        return Health("printer", Level.OK, "打印机正常", "printer ready", facts)


def _reply_byte(n: int, reply: bytes | int | None) -> int | None:
    if reply is None:
        return None
    data = bytes([reply]) if isinstance(reply, int) else bytes(reply)
    valid = [b for b in data if is_status_byte(b)]
    if len(valid) != len(data):
        log.warning("printer: ignoring %d stray byte(s) in DLE EOT %d reply: %s",
                    len(data) - len(valid), n, data.hex(" "))
    return valid[-1] if valid else None


def decode_status(responses: Mapping[int, bytes | int | None]) -> PrinterStatus:
    """Status from the replies to DLE EOT n, keyed by n (1–4).

    A missing, empty or garbage-only reply means that question went unanswered: the facts it
    would give stay unknown and ``answered`` is False. Stray bytes around a reply are logged
    and skipped (the last plausible byte wins).
    """
    got = {n: _reply_byte(n, responses.get(n)) for n in (1, 2, 3, 4)}
    printer, offline, error, paper = got[1], got[2], got[3], got[4]
    if paper is None:
        paper_state = PaperState.UNKNOWN
    elif paper & 0x60:
        paper_state = PaperState.OUT
    elif paper & 0x0C:
        paper_state = PaperState.LOW
    else:
        paper_state = PaperState.OK
    if paper_state is PaperState.UNKNOWN and offline is not None and offline & 0x20:
        paper_state = PaperState.OUT  # "printing stopped by paper end" (n=2 bit 5)
    return PrinterStatus(
        answered=all(b is not None for b in got.values()),
        online=printer is not None and not printer & 0x08,
        paper=paper_state,
        cover_open=offline is not None and bool(offline & 0x04),
        cutter_error=error is not None and bool(error & 0x08),
        unrecoverable_error=error is not None and bool(error & 0x20),
    )
