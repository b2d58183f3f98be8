"""Parsing device URLs: the scheme picks the backend, each backend validates its own options."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import DeviceConfigError

T = TypeVar("T")

#: schemes whose authority is an identifier, not host:port (``usb://04b8:0e15`` is VID:PID in hex):
#: their port is not parsed; the backend reads :attr:`DeviceUrl.netloc` itself.
OPAQUE_AUTHORITY_SCHEMES = frozenset({"usb"})


@dataclass(frozen=True, slots=True)
class DeviceUrl:
    """A parsed device URL.

    >>> u = DeviceUrl.parse("serial:///dev/ttyUSB0?baud=9600")
    >>> (u.scheme, u.path, u.options)
    ('serial', '/dev/ttyUSB0', {'baud': '9600'})
    """

    raw: str
    scheme: str
    host: str
    port: int | None
    path: str
    options: dict[str, str]
    netloc: str = ""  # the raw authority ("host:port", or "VID:PID" for usb://)

    @classmethod
    def parse(cls, raw: str) -> DeviceUrl:
        parts = urlsplit(raw)
        if not parts.scheme:
            raise DeviceConfigError(f"设备地址 {raw!r} 缺少协议（如 sim://）",
                                    f"device URL {raw!r} has no scheme (e.g. sim://)")
        opts: dict[str, str] = {}
        for key, values in parse_qs(parts.query, keep_blank_values=True).items():
            if len(values) != 1:
                raise DeviceConfigError(f"设备地址 {raw!r}：选项 {key} 重复",
                                        f"device URL {raw!r}: option {key} given twice")
            opts[key] = values[0]
        try:
            port = None if parts.scheme.lower() in OPAQUE_AUTHORITY_SCHEMES else parts.port
        except ValueError as exc:
            raise DeviceConfigError(f"设备地址 {raw!r}：端口无效", f"device URL {raw!r}: bad port") from exc
        return cls(raw, parts.scheme.lower(), parts.hostname or "", port, unquote(parts.path), opts,
                   parts.netloc)

    def check_options(self, allowed: set[str]) -> None:
        """Refuse options the backend does not know, naming the ones it does."""
        unknown = sorted(set(self.options) - allowed)
        if unknown:
            raise DeviceConfigError(
                f"设备地址 {self.raw!r}：未知选项 {', '.join(unknown)}；可用选项：{', '.join(sorted(allowed)) or '无'}",
                f"device URL {self.raw!r}: unknown option(s) {', '.join(unknown)}; "
                f"allowed: {', '.join(sorted(allowed)) or 'none'}",
            )

    def int_option(self, key: str, default: int) -> int:
        value = self.options.get(key)
        if value is None:
            return default
        try:
            return int(value, 0)
        except ValueError as exc:
            raise DeviceConfigError(f"设备地址 {self.raw!r}：{key} 应为整数，实为 {value!r}",
                                    f"device URL {self.raw!r}: {key} must be an integer, got {value!r}") from exc

    def float_option(self, key: str, default: float) -> float:
        value = self.options.get(key)
        if value is None:
            return default
        try:
            return float(value)
        except ValueError as exc:
            raise DeviceConfigError(f"设备地址 {self.raw!r}：{key} 应为数字，实为 {value!r}",
                                    f"device URL {self.raw!r}: {key} must be a number, got {value!r}") from exc


def open_by_scheme(kind: str, raw: str, table: Mapping[str, Callable[[DeviceUrl], T]]) -> T:
    """Open a device through an explicit scheme → factory table (no import guessing)."""
    url = DeviceUrl.parse(raw)
    factory = table.get(url.scheme)
    if factory is None:
        raise DeviceConfigError(
            f"{kind} 设备地址 {raw!r}：协议必须是 {', '.join(sorted(table))} 之一",
            f"{kind} device URL {raw!r}: scheme must be one of {', '.join(sorted(table))}",
        )
    return factory(url)
