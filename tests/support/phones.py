"""A citizen proving their phone (issue 13), as the phone pages do: ask for a code, read it off the message the
server sent (the ``sim://`` notifier writes ``notices.jsonl`` in the server's work directory), type it back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def sent_messages(workdir: Path) -> list[dict]:
    path = workdir / "notices.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def last_code(workdir: Path, mask: str) -> str:
    """The one-time code the phone ``mask`` received last (what its owner reads off the screen)."""
    sent = [n for n in sent_messages(workdir) if n["kind"] == "code" and n["to"] == mask]
    assert sent, f"no code was sent to {mask}"
    return next(w for w in sent[-1]["text_en"].split() if w.rstrip(",").isdigit()).rstrip(",")


def prove_phone(workdir: Path, client: Any, phone: str, hall: str) -> str:
    """The owner of ``phone`` proves it: a code by message, typed back → the phone token."""
    r = client.post(f"/api/v1/halls/{hall}/phone/code", json={"phone": phone})
    assert r.status_code == 202, r.text
    code = last_code(workdir, r.json()["to"])
    r = client.post(f"/api/v1/halls/{hall}/phone/verify", json={"phone": phone, "code": code})
    assert r.status_code == 200, r.text
    return r.json()["phone_token"]
