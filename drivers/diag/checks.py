"""Device checks: each device's ``health()`` under a time limit, with the diagnostic policy applied.

UI-free and importable: ``hallq diag``, the heartbeat and the kiosk's maintenance screen all call
:func:`check_device` / :func:`check_devices`.

Time limits. Every ``health()`` runs on its own daemon thread and the caller waits at most
:data:`CHECK_LIMIT_S` (or ``limit_s``): a device that hangs becomes FAIL "检查超时" and the caller
goes on. The drivers bound their own I/O too (serial ``timeout``×``retries``, printer status
``timeout``); the limit is the backstop. The announcer's limit is the longest because its check
synthesises a test call (voice lookup 5 s + phonemes 5 s + synthesis 10 s, and the espeak-ng
fallback 10 s when pyttsx3 fails).

What UNKNOWN means, per device (the drivers never fold UNKNOWN into OK; here it becomes a verdict):

=========  ===========  ==================================================================
device     UNKNOWN →    why
=========  ===========  ==================================================================
printer    FAIL         it must answer DLE EOT: a silent printer may be off or out of paper
printer    OK           …unless its link is one-way (``file://``): it can never answer, by design
announcer  FAIL         a speaker that cannot be checked cannot be trusted to call anyone
pad        FAIL         a serial pad must answer PING; an evdev pad is present or not
led        FAIL         an RS-485 LED must answer PING
touch      FAIL         the panel is present or not
idcard     FAIL         the reader's SAM must answer its status command
=========  ===========  ==================================================================

One more rule for a one-shot check (``fresh=True``: the devices were opened just now by
``hallq diag``): a touch panel that is present and touch-capable but has seen no touch yet is OK
(nobody could have touched it in the last second); the driver's WARN "touch it to test" stays for
long-running terminals (heartbeat) and ``hallq diag touch`` does the touch test.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from drivers.errors import DeviceError, DeviceTimeout
from drivers.health import Health, Level

if TYPE_CHECKING:
    from drivers.terminal import Devices

__all__ = [
    "CHECK_LIMIT_S",
    "DEVICE_LABELS",
    "call_with_limit",
    "check_device",
    "check_devices",
    "check_terminal",
    "label",
    "open_failure",
    "overall",
]

T = TypeVar("T")

#: device kind → (Chinese, English) name shown to maintenance staff
DEVICE_LABELS: dict[str, tuple[str, str]] = {
    "printer": ("打印机", "printer"),
    "announcer": ("语音播报", "speaker"),
    "pad": ("评价器", "rating pad"),
    "led": ("窗口屏", "window LED"),
    "touch": ("触摸屏", "touch panel"),
    "idcard": ("身份证读卡器", "ID card reader"),
}

#: seconds one device's check may take before it is reported FAIL (see the module docstring)
CHECK_LIMIT_S: dict[str, float] = {"printer": 10.0, "announcer": 40.0, "pad": 10.0, "led": 10.0, "touch": 5.0,
                                 "idcard": 10.0}

_SEVERITY = [Level.OK, Level.WARN, Level.UNKNOWN, Level.FAIL]


def label(kind: str) -> tuple[str, str]:
    return DEVICE_LABELS.get(kind, (kind, kind))


def call_with_limit(fn: Callable[[], T], limit_s: float, *, name: str = "hallq-check") -> T:
    """``fn()`` on a daemon thread; its result or exception, or :class:`DeviceTimeout` after
    ``limit_s`` seconds (the thread is left to finish on its own; it cannot be killed)."""
    return _Run(fn, name).start().result(limit_s)


class _Run:
    """One call on its own thread, waited for with a deadline."""

    def __init__(self, fn: Callable[[], Any], name: str) -> None:
        self._fn = fn
        self._done = threading.Event()
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> _Run:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self._value = self._fn()
        except BaseException as exc:  # handed to the waiting caller
            self._error = exc
        finally:
            self._done.set()

    def result(self, timeout_s: float) -> Any:
        if not self._done.wait(max(0.0, timeout_s)):
            raise DeviceTimeout(f"{timeout_s:g} 秒内无结果", f"no result within {timeout_s:g} s")
        if self._error is not None:
            raise self._error
        return self._value


def _timed_out(kind: str, limit_s: float) -> Health:
    zh, en = label(kind)
    return Health(kind, Level.FAIL, f"{zh}检查超时（{limit_s:g} 秒内无结果）",
                  f"{en} check timed out ({limit_s:g} s)", {"limit_s": limit_s})


def _crashed(kind: str, exc: BaseException) -> Health:
    zh, en = label(kind)
    if isinstance(exc, DeviceError):
        return Health(kind, Level.FAIL, f"{zh}检查失败：{exc.zh}", f"{en} check failed: {exc.en}")
    return Health(kind, Level.FAIL, f"{zh}检查出错：{exc!r}", f"{en} check raised {exc!r}")


def open_failure(kind: str, exc: DeviceError) -> Health:
    """The verdict for a configured device that could not even be opened."""
    zh, en = label(kind)
    return Health(kind, Level.FAIL, f"{zh}无法打开：{exc.zh}", f"{en} cannot be opened: {exc.en}")


def _one_way(device: Any) -> bool:
    transport = getattr(device, "transport", None)
    return transport is not None and getattr(transport, "can_answer", True) is False


def apply_policy(kind: str, device: Any, health: Health, *, fresh: bool = False) -> Health:
    """The driver's verdict → the diagnostic one (table in the module docstring)."""
    if health.device != kind:
        health = replace(health, device=kind)
    if health.level is Level.UNKNOWN:
        facts = {**health.facts, "reported": Level.UNKNOWN.value}
        if kind == "printer" and _one_way(device):
            # a file:// printer can never answer: that is how it was set up, not a fault, so OK (a WARN
            # here became a yellow device-fault warning on the dashboard that nothing could clear)
            return replace(health, level=Level.OK, facts={**facts, "status_readable": False},
                           detail_zh="打印到文件，纸量等状态无法读取",
                           detail_en="printing to a file; paper and cover status cannot be read")
        return replace(health, level=Level.FAIL, facts=facts)
    if (fresh and kind == "touch" and health.level is Level.WARN and health.facts.get("present", True)
            and not health.facts.get("events")):
        return replace(health, level=Level.OK, facts={**health.facts, "reported": Level.WARN.value},
                       detail_zh="触摸屏已连接（触摸测试：hallq diag touch）",
                       detail_en="touch panel present (touch test: hallq diag touch)")
    return health


def check_device(kind: str, device: Any, *, limit_s: float | None = None, fresh: bool = False) -> Health:
    """One device's verdict within its time limit; never raises, never blocks past the limit."""
    return check_devices([(kind, device)], limit_s=limit_s, fresh=fresh)[0]


def check_devices(devices: list[tuple[str, Any]], *, limit_s: float | None = None,
                  fresh: bool = False) -> list[Health]:
    """Check ``(kind, device)`` pairs concurrently, each within its own limit; results in order.

    The whole call takes about as long as the slowest device, never more than the largest limit.
    """
    started = time.monotonic()
    runs = [(kind, device, _Run(device.health, f"hallq-check-{kind}").start()) for kind, device in devices]
    out: list[Health] = []
    for kind, device, run in runs:
        limit = CHECK_LIMIT_S.get(kind, 10.0) if limit_s is None else limit_s
        try:
            health = run.result(limit - (time.monotonic() - started))
        except DeviceTimeout:
            out.append(_timed_out(kind, limit))
            continue
        except Exception as exc:  # a driver bug is a FAIL line, not a crashed diagnostic
            out.append(_crashed(kind, exc))
            continue
        if not isinstance(health, Health):
            out.append(_crashed(kind, TypeError(f"health() returned {type(health).__name__}")))
            continue
        out.append(apply_policy(kind, device, health, fresh=fresh))
    return out


def check_terminal(devices: Devices, *, limit_s: float | None = None, fresh: bool = False) -> list[Health]:
    """Every configured device of a terminal, opened or not, in :data:`~drivers.terminal.DEVICE_KINDS`
    order: the failed-to-open ones are FAIL with the reason."""
    opened = dict(devices.opened())
    checked = dict(zip(opened, check_devices(list(opened.items()), limit_s=limit_s, fresh=fresh), strict=True))
    return [checked[kind] if kind in checked else open_failure(kind, devices.failed[kind])
            for kind in devices.kinds]


def overall(healths: list[Health]) -> Level:
    """The worst verdict (OK for none). UNKNOWN left by a caller counts as FAIL."""
    worst = max((h.level for h in healths), key=_SEVERITY.index, default=Level.OK)
    return Level.FAIL if worst is Level.UNKNOWN else worst
