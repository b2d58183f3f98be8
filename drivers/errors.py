"""Errors raised by drivers.

* DeviceError            base class; ``str()`` is the Chinese text, ``.en`` the English one
  - DeviceConfigError    a device URL that cannot be used (bad scheme, option, value)
  - DeviceUnavailable    cannot open the device, or the link was lost
  - DeviceTimeout        the device did not answer in time
  - DeviceProtocolError  the device answered with something we cannot decode
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class DeviceError(Exception):
    """A device failure, described in Chinese first and English second."""

    def __init__(self, zh: str, en: str | None = None) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en or zh

    def __str__(self) -> str:
        return self.zh if self.en == self.zh else f"{self.zh} ({self.en})"


class DeviceConfigError(DeviceError):
    """The device URL or its options are wrong."""


class DeviceUnavailable(DeviceError):
    """The device cannot be opened or stopped answering at the link level."""


class DeviceTimeout(DeviceError):
    """The device did not answer within its timeout."""


class DeviceProtocolError(DeviceError):
    """The device sent bytes that do not decode."""


@contextmanager
def device_errors(name: str) -> Iterator[None]:
    """Re-raise OS-level errors of a backend as :class:`DeviceUnavailable`."""
    try:
        yield
    except DeviceError:
        raise
    except OSError as exc:  # serial.SerialException and usb.core.USBError subclass OSError/IOError
        raise DeviceUnavailable(f"{name}：设备不可用：{exc}", f"{name}: device unavailable: {exc}") from exc
