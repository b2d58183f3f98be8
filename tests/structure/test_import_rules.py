"""The arrows between hallq's packages go one way (docs/architecture.md):

    kiosk/ counter/ display/ drivers/  →  client/  →  vocab
    server/                            →  vocab, config
    everything                         →  config (the hall's files and their loader)

Nothing outside ``server/`` imports ``server.*``; ``client/`` never imports the terminals or the
server; ``vocab`` imports only the standard library. The one exception is ``server/live`` (``hallq
run``), the simulated hall, which plays the terminals through the same client and device simulators.
Every import statement of every module counts, also those inside functions and ``if TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("vocab", "config", "client", "drivers", "kiosk", "counter", "display", "server", "hallq")

# package → the packages of ours it may import (itself always)
ALLOWED: dict[str, set[str]] = {
    "vocab": set(),
    "config": {"vocab"},
    "client": {"vocab", "config"},
    "drivers": {"client", "vocab", "config"},
    "kiosk": {"client", "drivers", "vocab", "config"},
    "counter": {"client", "drivers", "vocab", "config"},
    "display": {"client", "drivers", "vocab", "config"},
    "server": {"vocab", "config"},
    "hallq": set(),  # loads subcommands by name (importlib), never by import statement
}
EXCEPTIONS: dict[str, set[str]] = {
    "server.live": {"client", "drivers", "hallq"},  # the simulated hall plays kiosks, clerks and pads
}
# what each package may take from outside the standard library and ours, by extra (pyproject.toml)
THIRD_PARTY: dict[str, set[str]] = {
    "vocab": set(),
    "config": {"pydantic"},
    "hallq": set(),
}


def modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import statement in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module))
    return out


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def forbidden_arrows() -> list[str]:
    bad = []
    for package, allowed in ALLOWED.items():
        for path in modules(package):
            name = module_name(path)
            extra = next((v for k, v in EXCEPTIONS.items() if name == k or name.startswith(k + ".")), set())
            for line, target in imports_of(path):
                top = target.split(".")[0]
                if top in OURS and top != package and top not in allowed | extra:
                    bad.append(f"{path.relative_to(ROOT)}:{line}: {package} → {target}")
    return bad


def test_no_forbidden_arrow_between_packages() -> None:
    assert forbidden_arrows() == []


@pytest.mark.parametrize("package", sorted(THIRD_PARTY))
def test_the_shared_base_needs_no_extra(package: str) -> None:
    """vocab, config and the command line install with the base dependencies alone."""
    std = set(sys.stdlib_module_names) | {"__future__"}
    found = {f"{path.relative_to(ROOT)}:{line}: {target}"
             for path in modules(package) for line, target in imports_of(path)
             if (top := target.split(".")[0]) not in std and top not in OURS and top not in THIRD_PARTY[package]}
    assert found == set()


def test_the_rule_catches_a_forbidden_arrow(tmp_path, monkeypatch) -> None:
    """The walker is not blind: a display module importing the server's core is reported."""
    fake = tmp_path / "display"
    fake.mkdir()
    (fake / "oops.py").write_text("def f():\n    from server.core.lifecycle import TRANSITIONS\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert forbidden_arrows() == ["display/oops.py:2: display → server.core.lifecycle"]
