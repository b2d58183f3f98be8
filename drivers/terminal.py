"""A terminal's device configuration (kiosk, counter or lobby display) and opening its devices.

A terminal file names its hall (and window, for a counter), how to reach the server, one URL per
device it has, and a few device settings::

    role = "counter"
    hall = "county"
    window = 3
    heartbeat_interval_s = 30

    [server]
    url = "http://127.0.0.1:8080"
    token_file = "var/counter-3.token"     # from `hallq device add --kind counter …`

    [devices]                               # each optional; the URL picks the backend
    printer = "sim://"
    pad = "serial:///dev/ttyUSB0?baud=9600&addr=1"
    led = "serial:///dev/ttyUSB1?baud=9600&addr=3"
    idcard = "serial:///dev/ttyUSB2?baud=115200"   # kiosk: 身份证读卡器 (GA 467 SAM protocol)

    [printer]
    paper_width_mm = 80

    [announcer]                             # merged into the announcer URL's options
    voice = "cmn-latn-pinyin"

Problems are reported like the hall configuration's (file, key path, reason in Chinese and
English) through :mod:`config.loader`'s machinery. URLs are checked for form here; whether the
scheme and options suit the device is the driver's rule, checked when :func:`open_devices` opens it
(and reported at ``devices.<kind>``). Shipped examples: ``config/terminal-kiosk.toml``,
``terminal-counter.toml``, ``terminal-display.toml``.
"""

from __future__ import annotations

import enum
import logging
import os
import threading
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote, urlencode

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from config.errors import BilingualValueError, ConfigError, Problem
from config.loader import toml_problem, validation_problems

from .errors import DeviceConfigError, DeviceError
from .urls import DeviceUrl

if TYPE_CHECKING:
    from .announcer import Announcer
    from .idcard import IdCardReader
    from .led import WindowLed
    from .pad import RatingPad
    from .printer import EscPosPrinter
    from .touch import TouchPanel

__all__ = [
    "DEVICE_KINDS",
    "ENV_CONFIG",
    "Devices",
    "Role",
    "TerminalConfig",
    "default_terminal_config",
    "load_terminal",
    "loads_terminal",
    "open_device",
    "open_devices",
    "shipped_terminal_config",
]

log = logging.getLogger(__name__)

#: every kind of device a terminal can have, in the order diagnostics list them
DEVICE_KINDS: tuple[str, ...] = ("printer", "announcer", "pad", "led", "touch", "idcard")


class Role(enum.StrEnum):
    """What the terminal is; a counter also names its window."""

    KIOSK = "kiosk"
    COUNTER = "counter"
    DISPLAY = "display"


ENV_CONFIG = "HALLQ_TERMINAL_CONFIG"  # the apps' --config default too (client/appkit.py)
LOCAL_CONFIG = Path("var/terminal.toml")
_SHIPPED = Path(__file__).resolve().parent.parent / "config"

# The server reports a terminal "silent" after 180 s without a heartbeat (server/api/context.py):
# the interval is capped well below so that one lost post does not make a healthy terminal silent.
MAX_HEARTBEAT_S = 60


def _bilingual(check: Callable[[Any], object]) -> Callable[[Any], Any]:
    """Run a driver's own validator on a value; its DeviceError becomes a config key error."""

    def run(value: Any) -> Any:
        try:
            check(value)
        except (DeviceError, ValueError) as exc:
            zh, en = getattr(exc, "zh", str(exc)), getattr(exc, "en", str(exc))
            raise BilingualValueError(zh, en) from exc
        return value

    return run


def _parse_url(value: str) -> None:
    DeviceUrl.parse(value)  # a scheme, options given once; the driver judges the rest when opening


def _voice(value: str) -> None:
    from .announcer import VoiceSettings

    VoiceSettings(voice=value)


def _rate(value: int) -> None:
    from .announcer import VoiceSettings

    VoiceSettings(rate=value)


def _volume(value: float) -> None:
    from .announcer import VoiceSettings

    VoiceSettings(volume=value)


def _template(value: str) -> None:
    from .announcer import check_template

    check_template(value)


def _paper(value: int) -> None:
    from .printer import Paper

    try:
        Paper(value)
    except ValueError as exc:
        raise DeviceConfigError(f"纸宽应为 58 或 80 毫米，实为 {value!r}",
                                f"paper width must be 58 or 80 mm, got {value!r}") from exc


UrlText = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_bilingual(_parse_url))]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerLink(_Model):
    """Where the hall server is and the file holding this terminal's device token."""

    url: Annotated[str, Field(pattern=r"^https?://[^\s/]+(/\S*)?$")] = "http://127.0.0.1:8080"
    token_file: str | None = None


class DeviceUrls(_Model):
    """One URL per device this terminal has; a missing key means the terminal has no such device."""

    printer: UrlText | None = None
    announcer: UrlText | None = None
    pad: UrlText | None = None
    led: UrlText | None = None
    touch: UrlText | None = None
    idcard: UrlText | None = None  # 身份证读卡器: serial:///dev/ttyUSB0?baud=115200 or sim:// (issue 18)


class PrinterSettings(_Model):
    paper_width_mm: Annotated[int, AfterValidator(_bilingual(_paper))] = 80


class AnnouncerOptions(_Model):
    """Added to the announcer URL's options (``voice``, ``rate``, ``volume``, ``template``); each is
    checked by the announcer's own rules. Unset: the announcer's default."""

    voice: Annotated[str, AfterValidator(_bilingual(_voice))] | None = None
    rate: Annotated[int, AfterValidator(_bilingual(_rate))] | None = None
    volume: Annotated[float, AfterValidator(_bilingual(_volume))] | None = None
    template: Annotated[str, AfterValidator(_bilingual(_template))] | None = None

    def options(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.model_dump().items() if v is not None}


class TerminalConfig(_Model):
    """One terminal: its role, hall, window (counters), server, devices and device settings."""

    role: Role
    hall: Annotated[str, Field(pattern=r"^[a-z0-9_-]+$", max_length=40)]
    window: Annotated[int, Field(ge=1, le=9999)] | None = None
    heartbeat_interval_s: Annotated[float, Field(ge=1, le=MAX_HEARTBEAT_S)] = 30
    server: ServerLink = ServerLink()
    devices: DeviceUrls = DeviceUrls()
    printer: PrinterSettings = PrinterSettings()
    announcer: AnnouncerOptions = AnnouncerOptions()

    _source: str = PrivateAttr(default="<terminal>")

    @property
    def source(self) -> str:
        """The file this came from, for error messages."""
        return self._source

    def url(self, kind: str) -> str | None:
        return getattr(self.devices, kind)

    @property
    def configured(self) -> list[str]:
        """Kinds with a URL, in :data:`DEVICE_KINDS` order."""
        return [kind for kind in DEVICE_KINDS if self.url(kind)]

    def announcer_url(self, url: str | None = None) -> str | None:
        """The announcer URL with the ``[announcer]`` settings added as options."""
        url = url or self.devices.announcer
        extra = self.announcer.options()
        if url is None or not extra:
            return url
        extra = {k: v for k, v in extra.items() if k not in DeviceUrl.parse(url).options}
        return f"{url}{'&' if '?' in url else '?'}{urlencode(extra, quote_via=quote)}" if extra else url


def _cross_check(cfg: TerminalConfig) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    if cfg.role is Role.COUNTER and cfg.window is None:
        found.append(("window", "柜台终端必须指定窗口号", "a counter terminal needs its window number"))
    if cfg.role is not Role.COUNTER and cfg.window is not None:
        found.append(("window", f"只有柜台终端有窗口号（本终端为 {cfg.role}）",
                      f"only a counter terminal has a window (this one is a {cfg.role})"))
    if cfg.devices.announcer:
        in_url = DeviceUrl.parse(cfg.devices.announcer).options
        for key in cfg.announcer.options():
            if key in in_url:
                found.append((f"announcer.{key}",
                              f"{key} 同时写在 devices.announcer 地址里；只在一处设置",
                              f"{key} is also set in the devices.announcer URL; set it in one place"))
    return found


def loads_terminal(text: str, *, source: str = "<string>") -> TerminalConfig:
    """Parse and validate terminal TOML; :class:`config.ConfigError` lists every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([toml_problem(source, exc)]) from None
    try:
        cfg = TerminalConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(validation_problems(exc, data, source=source, root=TerminalConfig)) from None
    found = _cross_check(cfg)
    if found:
        raise ConfigError([Problem(source, path, zh, en) for path, zh, en in found])
    cfg._source = source
    return cfg


def load_terminal(path: str | Path) -> TerminalConfig:
    """Read a terminal file (see :func:`loads_terminal`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(str(path), "", f"无法读取终端配置：{exc}",
                                   f"cannot read the terminal config: {exc}")]) from None
    return loads_terminal(text, source=str(path))


def shipped_terminal_config(role: str) -> Path:
    """``config/terminal-<role>.toml``: the example with ``sim://`` devices (``make run`` uses them)."""
    return _SHIPPED / f"terminal-{role}.toml"


def default_terminal_config() -> Path:
    """``$HALLQ_TERMINAL_CONFIG``, else ``var/terminal.toml`` if present, else the shipped kiosk."""
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env)
    return LOCAL_CONFIG if LOCAL_CONFIG.exists() else shipped_terminal_config("kiosk")


# ------------------------------------------------------------------------------------ opening
def _open_printer(url: str, cfg: TerminalConfig) -> EscPosPrinter:
    from .printer import open_printer

    return open_printer(url, paper=cfg.printer.paper_width_mm)


def _open_announcer(url: str, cfg: TerminalConfig) -> Announcer:
    from .announcer import open_announcer

    return open_announcer(cfg.announcer_url(url) or url)


def _open_pad(url: str, cfg: TerminalConfig) -> RatingPad:
    from .pad import open_pad

    return open_pad(url)


def _open_led(url: str, cfg: TerminalConfig) -> WindowLed:
    from .led import open_led

    return open_led(url)


def _open_touch(url: str, cfg: TerminalConfig) -> TouchPanel:
    from .touch import open_touch

    return open_touch(url)


def _open_idcard(url: str, cfg: TerminalConfig) -> IdCardReader:
    from .idcard import open_idcard

    return open_idcard(url)


_OPENERS: dict[str, Callable[[str, TerminalConfig], Any]] = {
    "printer": _open_printer,
    "announcer": _open_announcer,
    "pad": _open_pad,
    "led": _open_led,
    "touch": _open_touch,
    "idcard": _open_idcard,
}


def open_device(kind: str, cfg: TerminalConfig, url: str | None = None) -> Any:
    """Open one device through its driver's ``open_*``: the configured URL, or ``url`` instead
    (maintenance ``--device``). Raises the driver's DeviceConfigError / DeviceUnavailable."""
    if kind not in _OPENERS:
        raise DeviceConfigError(f"未知设备类型 {kind!r}（可用：{', '.join(DEVICE_KINDS)}）",
                                f"unknown device kind {kind!r} (known: {', '.join(DEVICE_KINDS)})")
    chosen = url or cfg.url(kind)
    if not chosen:
        raise DeviceConfigError(f"终端配置 {cfg.source} 没有 devices.{kind}",
                                f"terminal config {cfg.source} has no devices.{kind}")
    return _OPENERS[kind](chosen, cfg)


@dataclass
class Devices:
    """The opened devices of one terminal; ``failed`` holds those configured but not openable.

    Close it (or leave the ``with``) to close them all.
    """

    printer: EscPosPrinter | None = None
    announcer: Announcer | None = None
    pad: RatingPad | None = None
    led: WindowLed | None = None
    touch: TouchPanel | None = None
    idcard: IdCardReader | None = None
    failed: dict[str, DeviceError] = field(default_factory=dict)

    def opened(self) -> list[tuple[str, Any]]:
        """(kind, device) of every opened device, in :data:`DEVICE_KINDS` order."""
        return [(k, getattr(self, k)) for k in DEVICE_KINDS if getattr(self, k) is not None]

    @property
    def kinds(self) -> list[str]:
        """Every configured kind, opened or failed, in :data:`DEVICE_KINDS` order."""
        return [k for k in DEVICE_KINDS if getattr(self, k) is not None or k in self.failed]

    def close(self, limit_s: float = 10.0) -> None:
        """Close every device, each within ``limit_s``: a device stuck in a call (a bus held by a
        dead LED) is logged and left behind rather than freezing the caller. Idempotent."""
        for kind, device in self.opened():
            setattr(self, kind, None)
            closer = threading.Thread(target=_close_quietly, args=(kind, device), daemon=True,
                                      name=f"hallq-close-{kind}")
            closer.start()
            closer.join(limit_s)
            if closer.is_alive():
                log.error("%s did not close within %.1f s; left to finish on its own", kind, limit_s)

    def __enter__(self) -> Devices:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _close_quietly(kind: str, device: Any) -> None:
    try:
        device.close()
    except Exception:
        log.exception("closing %s failed", kind)


def open_devices(cfg: TerminalConfig, *, only: Iterable[str] | None = None) -> Devices:
    """Open every configured device (or those in ``only``) through its driver.

    A URL the driver refuses is a configuration problem: everything opened so far is closed and a
    :class:`config.ConfigError` names ``devices.<kind>``. A device that is configured right but
    cannot be opened now (unplugged, port missing) does not stop the others: it goes to
    ``Devices.failed`` and diagnostics report it.
    """
    wanted = set(DEVICE_KINDS if only is None else only)
    devices = Devices()
    problems: list[Problem] = []
    for kind in cfg.configured:
        if kind not in wanted:
            continue
        try:
            setattr(devices, kind, open_device(kind, cfg))
        except DeviceConfigError as exc:
            problems.append(Problem(cfg.source, f"devices.{kind}", exc.zh, exc.en))
        except DeviceError as exc:
            log.warning("%s: %s", kind, exc)
            devices.failed[kind] = exc
    if problems:
        devices.close()
        raise ConfigError(problems)
    return devices
