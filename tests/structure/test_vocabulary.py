"""The wire vocabulary is complete: every error code the server can answer and every event kind it can
send is a member of ``vocab``, so a terminal can match on ``ErrorCode``/``EventKind`` and never on a
string that the server has silently renamed."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import server.core.events as core_events
from server.supervision import events as supervision_events
from vocab import ErrorCode, EventKind

ROOT = Path(__file__).resolve().parents[2]
ERROR_MAKERS = {"Problem", "Refused", "BookingRefused", "_bad"}


def codes_raised_by_the_server() -> dict[str, str]:
    """code → first place it is made, for every literal code given to an error constructor."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "server").rglob("*.py")):
        if path.parent.name == "sim":
            continue  # the simulator's Problem is config.errors.Problem (a bad option), not an API answer
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name not in ERROR_MAKERS:
                continue
            args = [node.args[0]] if node.args else []
            args += [k.value for k in node.keywords if k.arg == "code"]
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_walker_finds_the_codes_it_should() -> None:
    codes = codes_raised_by_the_server()
    assert {"daily_cap", "illegal_transition", "window_busy"} <= set(codes)


def test_every_error_code_the_server_raises_is_in_the_vocabulary() -> None:
    from server.api.errors import _HTTP

    assert {code for code, _, _ in _HTTP.values()} <= set(ErrorCode)
    missing = {code: where for code, where in codes_raised_by_the_server().items() if code not in set(ErrorCode)}
    assert missing == {}


def test_every_event_kind_is_in_the_vocabulary() -> None:
    kinds = {cls.kind for _, cls in inspect.getmembers(core_events, inspect.isclass)
             if issubclass(cls, core_events.Event) and cls is not core_events.Event}
    assert len(kinds) == 17
    assert kinds <= set(EventKind)
    source = inspect.getsource(supervision_events)
    for action in ("raised", "escalated", "cleared", "acknowledged"):
        assert f"warning.{action}" in set(EventKind) and action in source
    for action in ("opened", "assigned", "contacted", "rectified", "closed"):
        assert f"followup.{action}" in set(EventKind) and action in source
