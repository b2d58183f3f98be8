"""The window LED interface."""

from __future__ import annotations

import abc

from ..health import Health
from ._protocol import LedState

__all__ = ["WindowLed"]


class WindowLed(abc.ABC):
    """The LED above one window: its number, the ticket being served and a state line.

    ``show`` and ``clear`` return once the LED has acknowledged, or raise
    :class:`~drivers.errors.DeviceTimeout` (no ACK after the retries),
    :class:`~drivers.errors.DeviceUnavailable` (port gone) or
    :class:`~drivers.serialframe.PayloadError` (text the LED cannot take). They never block for
    longer than ``(1 + retries) × timeout`` plus a turn on a shared bus.
    """

    def show(self, window_no: int, ticket: str | None, text: str) -> None:
        """Show e.g. ``show(3, "A012", "A012 请到3号窗口")`` or ``show(3, None, "暂停服务")``."""
        self._show(LedState(window_no, ticket or "", text))

    @abc.abstractmethod
    def _show(self, state: LedState) -> None: ...

    @abc.abstractmethod
    def clear(self) -> None:
        """Blank the LED."""

    @abc.abstractmethod
    def health(self) -> Health:
        """Diagnostic verdict (device ``"led"``); FAIL names the port and bus address."""

    def close(self) -> None:  # noqa: B027 - backends with nothing to release keep the default
        """Release the device. Idempotent."""

    def __enter__(self) -> WindowLed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
