"""``sim://`` output: every announcement written to a folder instead of a speaker.

Per announcement ``NNNN.txt`` (the sentence, UTF-8) and, when synthesis is on, ``NNNN.wav`` (exactly
the audio that would have been played: chime + speech × repeat), plus one JSON line in
``announcements.log``. Numbers continue after the highest already in the folder, so a restart never
overwrites earlier calls. Files appear whole (written to a temporary name, then renamed).
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from drivers.errors import DeviceUnavailable, device_errors
from drivers.health import Level

from .player import PlayerCheck

if TYPE_CHECKING:
    from .announcer import Announcement

__all__ = ["LOG_NAME", "FolderRecorder"]

LOG_NAME = "announcements.log"
_NUMBERED = re.compile(r"(\d{4,})\.(?:txt|wav)")


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class FolderRecorder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        with device_errors(f"播报模拟目录 {folder}"):
            folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise DeviceUnavailable(f"{folder} 不是目录", f"{folder} is not a directory")

    def first_free(self) -> int:
        """The number after the highest ``NNNN.txt``/``NNNN.wav`` already in the folder."""
        numbers = [int(m.group(1)) for p in self.folder.iterdir() if (m := _NUMBERED.fullmatch(p.name))]
        return max(numbers, default=0) + 1

    def record(self, item: Announcement, wav: bytes | None) -> None:
        stem = f"{item.seq:04d}"
        with device_errors(f"播报模拟目录 {self.folder}"):
            _write_atomically(self.folder / f"{stem}.txt", (item.text + "\n").encode("utf-8"))
            if wav is not None:
                _write_atomically(self.folder / f"{stem}.wav", wav)
            entry = {
                "seq": item.seq,
                "at": datetime.now().astimezone().isoformat(timespec="milliseconds"),
                "kind": item.kind.value,
                "number": item.number,
                "window": item.window,
                "text": item.text,
                "wav": f"{stem}.wav" if wav is not None else None,
                "audio_s": None if item.audio_s is None else round(item.audio_s, 3),
                "error": None if item.error is None else str(item.error),
            }
            with (self.folder / LOG_NAME).open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def probe(self) -> PlayerCheck:
        facts: dict[str, object] = {"dir": str(self.folder)}
        probe = self.folder / ".hallq-probe"
        try:
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            return PlayerCheck(Level.FAIL, f"模拟目录不可写：{exc}", f"sim folder not writable: {exc}", facts)
        return PlayerCheck(Level.OK, "写入模拟目录", "writing to the sim folder", facts)
