"""``sim:`` and ``sim:///path.jsonl``: a stand-in SMS gateway that keeps what it was sent.

In memory (``sent``) for tests in one process; with a path, each message is also appended to the file as
one JSON line (recipient masked), flushed before ``send`` returns, so another process can read it.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from ._api import Message


class SimNotifier:
    name = "sim"

    def __init__(self, path: str | Path | None = None) -> None:
        self.sent: list[Message] = []
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def send(self, message: Message) -> None:
        with self._lock:
            self.sent.append(message)
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(message.public(), ensure_ascii=False) + "\n")

    def close(self) -> None:
        pass
