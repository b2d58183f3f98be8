"""/dev/input for the touch panel and rating pad tests: input devices fed from Python.

There is no ``/dev/uinput`` here to create a virtual device, so the tests stand in for the device
node only: :class:`PipeInputDevice` is real ``evdev.InputEvent`` objects behind a real fd (a pipe),
read by the drivers' own select/read loop (drivers/evdevinput.py ``EvdevSource``), and the
:func:`inputs` fixture puts a :class:`PipeInputDirectory` where that module looks devices up.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Iterable, Iterator

import pytest
from evdev import InputEvent

from drivers import evdevinput


class PipeInputDevice:
    """An input device fed from Python: real ``InputEvent`` objects behind a real fd (a pipe).

    The in-memory twin of :class:`evdev.InputDevice` for tests and the simulated hall, where
    there is no ``/dev/uinput`` to create a virtual device. It goes through the same select/read
    loop as a real device; :meth:`unplug` makes the next read fail with ENODEV as a pulled USB
    device does, ``grab_error`` makes :meth:`grab` fail with EBUSY.
    """

    def __init__(
        self,
        name: str,
        path: str,
        capabilities: dict[int, list[int]] | None = None,
        *,
        grab_error: bool = False,
    ) -> None:
        self.name = name
        self.path = path
        self.grabbed = False
        self.closed = False
        self.grab_error = grab_error
        self._capabilities = dict(capabilities or {})
        self._queue: list[InputEvent] = []
        self._lock = threading.Lock()
        self._unplugged = False
        self._r, self._w = os.pipe()
        os.set_blocking(self._r, False)

    def emit(self, events: Iterable[InputEvent]) -> None:
        """Make ``events`` readable, as one batch."""
        if self.closed:
            raise OSError(errno.EBADF, f"{self.path} is closed")
        with self._lock:
            self._queue.extend(events)
        os.write(self._w, b"x")

    def unplug(self) -> None:
        self._unplugged = True
        os.write(self._w, b"x")

    def fileno(self) -> int:
        return self._r

    def read(self) -> Iterator[InputEvent]:
        with contextlib.suppress(BlockingIOError):
            os.read(self._r, 4096)
        if self._unplugged:
            raise OSError(errno.ENODEV, "No such device")
        with self._lock:
            events, self._queue = self._queue, []
        if not events:
            raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
        return iter(events)

    def grab(self) -> None:
        if self.grab_error:
            raise OSError(errno.EBUSY, "Device or resource busy")
        self.grabbed = True

    def ungrab(self) -> None:
        self.grabbed = False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self._r)
            os.close(self._w)

    def capabilities(self, verbose: bool = False, absinfo: bool = True) -> dict[int, list[int]]:
        return {k: list(v) for k, v in self._capabilities.items()}


class PipeInputDirectory:
    """A ``/dev/input`` of :class:`PipeInputDevice`: stands in for ``evdev.InputDevice(path)`` and
    ``evdev.list_devices()`` (``EvdevTarget.open`` looks both up in this module by name).

    Each open returns a fresh handle, as each ``InputDevice(path)`` is a fresh fd; :meth:`emit`
    goes to the handle opened last.
    """

    def __init__(self) -> None:
        self._specs: dict[str, tuple[str, dict[int, list[int]], bool]] = {}
        self._handles: dict[str, PipeInputDevice] = {}
        self._lock = threading.Lock()

    def plug(
        self,
        name: str,
        path: str,
        capabilities: dict[int, list[int]] | None = None,
        *,
        grab_error: bool = False,
    ) -> None:
        with self._lock:
            self._specs[path] = (name, dict(capabilities or {}), grab_error)

    def unplug(self, path: str) -> None:
        with self._lock:
            del self._specs[path]
            handle = self._handles.pop(path, None)
        if handle is not None and not handle.closed:
            handle.unplug()

    def emit(self, path: str, events: Iterable[InputEvent]) -> None:
        with self._lock:
            handle = self._handles[path]
        handle.emit(events)

    def handle(self, path: str) -> PipeInputDevice | None:
        """The handle opened last for ``path`` (to look at ``grabbed``)."""
        with self._lock:
            return self._handles.get(path)

    def open(self, path: str) -> PipeInputDevice:
        with self._lock:
            spec = self._specs.get(path)
            if spec is None:
                raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
            name, caps, grab_error = spec
            handle = self._handles[path] = PipeInputDevice(name, path, caps, grab_error=grab_error)
            return handle

    def list_devices(self) -> list[str]:
        with self._lock:
            return sorted(self._specs)

    def close(self) -> None:
        """Close every handle still open (end of a test)."""
        with self._lock:
            handles = list(self._handles.values())
        for handle in handles:
            handle.close()


@pytest.fixture
def inputs(monkeypatch: pytest.MonkeyPatch) -> Iterator[PipeInputDirectory]:
    """/dev/input with pipe-backed devices: the only mocked seam (no /dev/uinput here)."""
    directory = PipeInputDirectory()
    monkeypatch.setattr(evdevinput, "InputDevice", directory.open)
    monkeypatch.setattr(evdevinput, "list_devices", directory.list_devices)
    yield directory
    directory.close()
