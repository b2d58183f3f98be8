"""Errors raised by drivers.

* DeviceError            base class; ``str()`` is the Chinese text, ``.en`` the English one
  - DeviceConfigError    a device URL that cannot be used (bad scheme, option, value)
  - DeviceUnavailable    cannot open the device, or the link was lost
  - DeviceTimeout        the device did not answer in time
  - DeviceProtocolError  the device answered with something we cannot decode
"""

from __future__ import annotations

import errno
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
        raise DeviceUnavailable(f"{name}：设备不可用：{os_error_zh(exc)}",
                                f"{name}: device unavailable: {exc}") from exc


_ERRNO_ZH = {
    errno.ENOENT: "设备或文件不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.EBUSY: "设备被占用",
    errno.ENODEV: "设备不存在", errno.ENXIO: "设备不存在", errno.EIO: "读写出错", errno.ETIMEDOUT: "超时",
    errno.ECONNREFUSED: "连接被拒绝", errno.EHOSTUNREACH: "主机不可达", errno.ENETUNREACH: "网络不可达",
    errno.ECONNRESET: "连接被重置", errno.EPIPE: "连接已断开", errno.EISDIR: "是目录，不是设备或文件",
}


def os_error_zh(exc: OSError) -> str:
    """A system error in Chinese, for the Chinese half of a message (the English half keeps the OS's words).

    >>> os_error_zh(FileNotFoundError(2, "No such file or directory"))
    '设备或文件不存在'
    """
    known = _ERRNO_ZH.get(exc.errno) if exc.errno is not None else None
    return known or (f"系统错误 {exc.errno}" if exc.errno is not None else "系统错误")
