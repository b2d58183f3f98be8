"""Reading a QR code the way a visitor's phone does: zbar (``zbarimg``, Debian ``zbar-tools``) on a picture.

The tests compare what zbar reads with the ticket's tracking URL, so a QR that looks right to our own
code but does not scan (wrong module size, no quiet zone, wrong data) fails. zbar shares no code with
hallq or with the ``qrcode`` library that draws the previews.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PIL import Image

__all__ = ["zbar_decode"]


def zbar_decode(image: Image.Image | Path, workdir: Path) -> list[str]:
    """Every QR code zbar finds in ``image`` (a PIL image or a PNG file), as text, top to bottom."""
    exe = shutil.which("zbarimg")
    assert exe, "zbarimg is missing: run .ci/bootstrap-system (Debian package zbar-tools)"
    path = image if isinstance(image, Path) else workdir / "qr-under-test.png"
    if not isinstance(image, Path):
        image.save(path)
    done = subprocess.run([exe, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
                          capture_output=True, timeout=60)
    assert done.returncode in (0, 4), done.stderr  # 4: no symbol found
    return done.stdout.decode("utf-8").splitlines()
