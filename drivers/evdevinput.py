"""Reading a Linux input device (USB keypad, touch panel) with python-evdev, unplug-proof.

``evdev:///dev/input/by-path/…`` names the device by path (stable per USB port);
``evdev://?name=USB%20Keypad`` by the name the device reports (first match in
``/dev/input/event*`` order). :class:`EvdevSource` runs one reader thread that opens the device,
optionally grabs it (so a rating keypad's digits never reach the focused app), and hands each
batch of real :class:`evdev.InputEvent` objects to a handler; when the device goes away it
reports absent and tries again every ``retry`` seconds.

This is the thin device part: the drivers' logic is in their ``handle_events(events)``, which
tests drive with real ``InputEvent`` objects. Note ``InputDevice.read_loop()`` cannot be used:
it blocks in ``select()`` with no way to be woken, so a closing driver would leave its thread
hanging until the next key press. The loop below also waits on a wake-up pipe.
"""

from __future__ import annotations

import logging
import os
import select
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from evdev import InputDevice, InputEvent, list_devices

from .errors import DeviceConfigError, DeviceUnavailable
from .urls import DeviceUrl

__all__ = [
    "EvdevSource",
    "EvdevTarget",
    "InputDeviceLike",
]

log = logging.getLogger(__name__)


class InputDeviceLike(Protocol):
    """The part of :class:`evdev.InputDevice` the drivers use."""

    name: str
    path: str

    def fileno(self) -> int: ...
    def read(self) -> Iterator[InputEvent]: ...
    def grab(self) -> None: ...
    def ungrab(self) -> None: ...
    def close(self) -> None: ...
    def capabilities(self, verbose: bool = ..., absinfo: bool = ...) -> dict[int, list[int]]: ...


@dataclass(frozen=True, slots=True)
class EvdevTarget:
    """Which input device: by ``path`` or by ``name`` (exactly one), and the reopen interval.

    >>> EvdevTarget.from_url(DeviceUrl.parse("evdev://?name=USB%20Keypad"))
    EvdevTarget(path='', name='USB Keypad', retry_s=1.0)
    """

    path: str
    name: str
    retry_s: float = 1.0

    OPTIONS = frozenset({"name", "retry"})

    @classmethod
    def from_url(cls, url: DeviceUrl, *, extra_options: frozenset[str] = frozenset()) -> EvdevTarget:
        url.check_options(set(cls.OPTIONS | extra_options))
        name = url.options.get("name", "")
        path = url.path if url.path not in ("", "/") else ""
        if bool(path) == bool(name):
            raise DeviceConfigError(
                f"设备地址 {url.raw!r}：请给出设备路径或 name= 之一"
                f"（如 evdev:///dev/input/by-path/… 或 evdev://?name=USB%20Keypad）",
                f"device URL {url.raw!r}: give either a device path or name=, not both or neither "
                f"(e.g. evdev:///dev/input/by-path/... or evdev://?name=USB%20Keypad)",
            )
        retry_s = url.float_option("retry", 1.0)
        if not 0 < retry_s <= 60:
            raise DeviceConfigError(
                f"设备地址 {url.raw!r}：retry 应在 0–60 秒之间",
                f"device URL {url.raw!r}: retry must be in (0, 60] seconds",
            )
        return cls(path, name, retry_s)

    @property
    def label(self) -> str:
        return self.path or f"name={self.name!r}"

    def open(self) -> InputDeviceLike:
        """Open the device; :class:`DeviceUnavailable` if it is not there."""
        if self.path:
            try:
                return InputDevice(self.path)
            except OSError as exc:
                raise DeviceUnavailable(
                    f"无法打开输入设备 {self.path}：{exc}",
                    f"cannot open input device {self.path}: {exc}",
                ) from exc
        for path in sorted(list_devices()):
            try:
                device = InputDevice(path)
            except OSError:
                continue  # vanished or not readable by us: not ours to report
            if device.name == self.name:
                return device
            device.close()
        raise DeviceUnavailable(f"未找到名为 {self.name!r} 的输入设备", f"no input device named {self.name!r}")


class EvdevSource:
    """A reader thread over one input device. ``handler`` gets each batch of events read."""

    def __init__(
        self,
        target: EvdevTarget,
        handler: Callable[[Iterable[InputEvent]], None],
        *,
        grab: bool,
        what: str,
    ) -> None:
        self.target = target
        self._handler = handler
        self._grab = grab
        self._what = what
        self._cv = threading.Condition()
        self._device: InputDeviceLike | None = None
        self._grabbed = False
        self._capabilities: dict[int, list[int]] = {}
        self._error: str | None = "尚未打开 / not opened yet"
        self._stop = threading.Event()
        self._pipe_lock = threading.Lock()
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name=f"evdev {target.label}", daemon=True)
        self._thread.start()

    @property
    def present(self) -> bool:
        with self._cv:
            return self._device is not None

    def snapshot(self) -> dict[str, object]:
        """Facts for health(): whether open, grabbed, the device's name/path, the last error."""
        with self._cv:
            dev = self._device
            return {
                "target": self.target.label,
                "present": dev is not None,
                "device_name": dev.name if dev else None,
                "device_path": dev.path if dev else None,
                "grabbed": self._grabbed,
                "error": self._error,
            }

    @property
    def capabilities(self) -> dict[int, list[int]]:
        with self._cv:
            return dict(self._capabilities)

    def wait_present(self, present: bool = True, timeout: float = 5.0) -> bool:
        """Block until the device is (or is no longer) open."""
        with self._cv:
            return self._cv.wait_for(lambda: (self._device is not None) == present, timeout)

    def close(self) -> None:
        """Stop the reader and release the device. Safe from the handler itself."""
        with self._pipe_lock:
            if self._stop.is_set():
                return
            self._stop.set()
            os.write(self._wake_w, b"x")
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5.0)

    # -- the thread ------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._session()
                if not self._stop.is_set():
                    self._stop.wait(self.target.retry_s)
        finally:
            # the thread owns the wake-up pipe: close() writes to it only under the lock and
            # only before _stop is set, and the loop above ends only once _stop is set
            with self._pipe_lock:
                os.close(self._wake_r)
                os.close(self._wake_w)

    def _session(self) -> None:
        """Open the device once and read it until it goes away or we are closed."""
        try:
            device = self.target.open()
        except DeviceUnavailable as exc:
            self._set_absent(str(exc))
            return
        try:
            self._adopt(device)
            self._pump(device)
        except OSError as exc:  # unplugged: ENODEV
            log.warning("%s %s 断开 / disconnected: %s", self._what, self.target.label, exc)
            self._set_absent(f"设备断开 / disconnected: {exc}")
        finally:
            self._release(device)

    def _adopt(self, device: InputDeviceLike) -> None:
        grabbed = False
        if self._grab:
            try:
                device.grab()
                grabbed = True
            except OSError as exc:  # EBUSY: another program holds the grab
                log.warning(
                    "%s %s 无法独占，按键可能流入其他程序 / grab failed: %s",
                    self._what,
                    self.target.label,
                    exc,
                )
        caps = device.capabilities(absinfo=False)
        with self._cv:
            self._device, self._grabbed, self._error = device, grabbed, None
            self._capabilities = {int(k): [int(c) for c in v] for k, v in caps.items()}
            self._cv.notify_all()
        log.info("%s 已打开 / opened: %s (%s)", self._what, device.path, device.name)

    def _pump(self, device: InputDeviceLike) -> None:
        while True:
            ready, _, _ = select.select([device.fileno(), self._wake_r], [], [])
            if self._wake_r in ready:
                return
            try:
                events = list(device.read())
            except BlockingIOError:
                continue
            try:
                self._handler(events)
            except Exception:
                log.exception("%s：处理输入事件出错 / event handler failed", self._what)

    def _release(self, device: InputDeviceLike) -> None:
        with self._cv:
            grabbed = self._grabbed
            self._device, self._grabbed = None, False
            self._cv.notify_all()
        try:
            if grabbed:
                device.ungrab()
        except OSError:
            pass  # already gone: the kernel dropped the grab with it
        finally:
            device.close()

    def _set_absent(self, error: str) -> None:
        with self._cv:
            if self._error != error:
                log.warning("%s %s：%s", self._what, self.target.label, error)
            self._error = error
            self._cv.notify_all()
