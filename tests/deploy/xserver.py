"""A bare X server for the kiosk-session tests: Xvfb with no window manager, as deploy/kiosk runs the apps."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image


@contextmanager
def bare_x(width: int, height: int) -> Iterator[str]:
    """Start ``Xvfb`` on a free display (``-displayfd``) and yield its ``DISPLAY`` (":N")."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as f:
            number = f.readline().strip()  # Xvfb writes the display number once it accepts clients
        if not number:
            raise RuntimeError(f"Xvfb did not start (exit {proc.poll()})")
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def top_windows(display: str) -> list[tuple[str, int, int]]:
    """(title, width, height) of the root window's mapped children, from ``xwininfo``."""
    out = subprocess.run(
        ["xwininfo", "-root", "-children"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=15,
    ).stdout
    found = []
    for line in out.splitlines():
        line = line.strip()
        if not line.startswith("0x") or '"' not in line:
            continue
        title = line.split('"')[1]
        geometry = line.rsplit(")", 1)[-1].split()[0]  # "1366x768+0+0"
        size = geometry.split("+")[0]
        w, h = (int(v) for v in size.split("x"))
        found.append((title, w, h))
    return found


def grab_root(display: str, path: Path) -> Image.Image:
    """The whole screen as the people in front of it see it (``import -window root``, ImageMagick)."""
    subprocess.run(
        ["import", "-window", "root", str(path)], env={**os.environ, "DISPLAY": display}, check=True, timeout=30
    )
    return Image.open(path).convert("RGB")


def bare_fraction(image: Image.Image) -> float:
    """Share of the screen still showing Xvfb's black root window (no app painted there)."""
    histogram = image.convert("L").histogram()
    return histogram[0] / (image.width * image.height)
