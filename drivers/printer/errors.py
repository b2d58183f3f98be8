"""Errors of the ticket printer, on top of :mod:`drivers.errors`.

* PrintContentError (ValueError)      the ticket/notice cannot be printed as given (bad field)
* drivers.errors.DeviceUnavailable
  - PrinterNotReady                   the printer answered, and it cannot print (paper out, cover…)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from drivers.errors import DeviceUnavailable

if TYPE_CHECKING:
    from .status import PrinterStatus

__all__ = ["PrintContentError", "PrinterNotReady"]


class PrintContentError(ValueError):
    """A ticket or notice field that cannot be printed; ``str()`` is Chinese, ``.en`` English.

    Raised before any byte reaches the printer, so nothing is half printed.
    """

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en

    def __str__(self) -> str:
        return f"{self.zh} ({self.en})"


class PrinterNotReady(DeviceUnavailable):
    """The printer reported a fault (paper out, cover open, cutter…); the job was not sent."""

    def __init__(self, status: PrinterStatus) -> None:
        health = status.health()
        super().__init__(f"打印机无法打印：{health.detail_zh}",
                         f"printer cannot print: {health.detail_en}")
        self.status = status
