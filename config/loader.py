"""Reading a deployment TOML file into validated models, or a ConfigError listing every problem.

Pydantic reports errors as ``loc`` tuples and English messages; here each becomes a key path that
names list items by identity (``halls[county].windows[number=5]``, not ``halls.0.windows.4``) and a
reason in Chinese and English. Structure is checked first; cross-checks run once it is sound.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .checks import cross_check
from .errors import BilingualValueError, ConfigError, Problem
from .models import Deployment

# how list items are named in key paths: parent key → (item key, label format)
_IDENTITY = {"halls": ("id", "{}"), "categories": ("id", "{}"), "services": ("code", "{}"),
             "windows": ("number", "number={}")}

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def default_config_path() -> Path:
    """The shipped example deployment: a county hall and a township centre."""
    return Path(__file__).with_name("hall.toml")


def load(path: str | Path) -> Deployment:
    """Read, validate and cross-check a deployment file."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(source, "", f"无法读取配置文件：{exc}", f"cannot read the file: {exc}")
        raise ConfigError([problem]) from None
    return loads(text, source=source)


def loads(text: str, *, source: str = "<string>") -> Deployment:
    """Like :func:`load` for TOML text; ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([_toml_problem(source, exc)]) from None
    return validate(data, source=source)


def validate(data: dict[str, Any], *, source: str = "<data>") -> Deployment:
    """Validate an already parsed mapping (e.g. a hall embedded in a simulator scenario)."""
    try:
        dep = Deployment.model_validate(data)
    except ValidationError as exc:
        raise ConfigError([_pydantic_problem(source, data, err) for err in exc.errors()]) from None
    found = cross_check(dep)
    if found:
        raise ConfigError([Problem(source, path, zh, en) for path, zh, en in found])
    return dep


def _toml_problem(source: str, exc: tomllib.TOMLDecodeError) -> Problem:
    # Python 3.11's TOMLDecodeError has the position only in its message ("… (at line 3, column 7)")
    msg = str(exc)
    m = _TOML_POS.search(msg)
    line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    reason = _TOML_POS.sub("", msg).strip()
    return Problem(source, "", f"TOML 语法错误：{reason}", f"TOML syntax error: {reason}",
                   line, col)


def key_path(loc: tuple[int | str, ...], data: Any) -> str:
    """``("halls", 0, "windows", 4)`` → ``halls[county].windows[number=5]``.

    >>> data = {"halls": [{"id": "c", "windows": [{"number": 5}]}]}
    >>> key_path(("halls", 0, "windows", 0, "zone"), data)
    'halls[c].windows[number=5].zone'
    """
    out = ""
    node: Any = data
    parent: str | None = None
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            label = str(part)
            ident = _IDENTITY.get(parent or "")
            if ident and isinstance(item, dict) and isinstance(item.get(ident[0]), str | int) \
                    and not isinstance(item.get(ident[0]), bool):
                label = ident[1].format(item[ident[0]])
            out += f"[{label}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
            parent = str(part)
    return out


def _model_at(loc: tuple[int | str, ...],
              root: type[BaseModel] = Deployment) -> type[BaseModel] | None:
    """The model class that owns the key at ``loc`` (for "did you mean" hints)."""
    cls: type[BaseModel] = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = cls.model_fields.get(part)
        if field is None:
            return None
        inner = _model_in(field.annotation)
        if inner is None:
            return None
        cls = inner
    return cls


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def validation_problems(exc: ValidationError, data: Any, *, source: str,
                        root: type[BaseModel] = Deployment) -> list[Problem]:
    """Every error of ``root.model_validate(data)`` as a :class:`Problem` in this module's format
    (the simulator's scenario files, another root model, report their problems through it)."""
    return [_pydantic_problem(source, data, err, root) for err in exc.errors()]


def toml_problem(source: str, exc: tomllib.TOMLDecodeError) -> Problem:
    """A TOML syntax error as a :class:`Problem` with file:line:col."""
    return _toml_problem(source, exc)


def _pydantic_problem(source: str, data: Any, err: Any,
                      root: type[BaseModel] = Deployment) -> Problem:
    # drop pydantic's "list[...]"/"function-after[...]" steps, which are not keys of the file
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
    zh, en = _reason(err, loc, root)
    return Problem(source, key_path(loc, data), zh, en)


def _reason(err: Any, loc: tuple[int | str, ...],
            root: type[BaseModel] = Deployment) -> tuple[str, str]:
    kind: str = err["type"]
    ctx: dict[str, Any] = err.get("ctx") or {}
    got = err.get("input")
    if kind == "value_error" and isinstance(ctx.get("error"), BilingualValueError):
        e: BilingualValueError = ctx["error"]
        return e.zh, e.en
    if kind == "extra_forbidden":
        key = loc[-1] if loc else "?"
        owner = _model_at(loc[:-1], root)
        hint_zh = hint_en = ""
        if owner is not None:
            close = difflib.get_close_matches(str(key), list(owner.model_fields), n=1)
            if close:
                hint_zh, hint_en = f"；是否应为 \"{close[0]}\"？", f"; did you mean \"{close[0]}\"?"
        return (f"未知配置项 \"{key}\"（拼写错误？）{hint_zh}",
                f"unknown key \"{key}\" (a typo?){hint_en}")
    if kind == "missing":
        return "缺少必填项", "required key is missing"
    date = ("应为日期，如 2026-10-01", "must be a date such as 2026-10-01")
    simple = {
        "string_type": ("应为字符串", "must be a string"),
        "int_type": ("应为整数", "must be an integer"),
        "int_parsing": ("应为整数", "must be an integer"),
        "int_from_float": ("应为整数（不能有小数）", "must be a whole number"),
        "float_type": ("应为数字", "must be a number"),
        "float_parsing": ("应为数字", "must be a number"),
        "bool_type": ("应为 true 或 false", "must be true or false"),
        "bool_parsing": ("应为 true 或 false", "must be true or false"),
        "list_type": ("应为列表 [...]", "must be a list [...]"),
        "model_type": ("应为表（table）", "must be a table"),
        "model_attributes_type": ("应为表（table）", "must be a table"),
        "dict_type": ("应为表（table）", "must be a table"),
        "date_type": date,
        "date_parsing": date,
        "date_from_datetime_parsing": date,
        "date_from_datetime_inexact": ("应为日期（不含时刻）", "must be a date without a time"),
    }
    if kind in simple:
        zh, en = simple[kind]
        return f"{zh}，实为 {got!r}", f"{en}, got {got!r}"
    bounds = {"greater_than_equal": ("ge", "≥"), "greater_than": ("gt", ">"),
              "less_than_equal": ("le", "≤"), "less_than": ("lt", "<")}
    if kind in bounds:
        key, sign = bounds[kind]
        limit = ctx.get(key)
        return f"应 {sign} {limit}，实为 {got!r}", f"must be {sign} {limit}, got {got!r}"
    if kind == "string_pattern_mismatch":
        return (f"格式不符（应匹配 {ctx.get('pattern')}），实为 {got!r}",
                f"does not match {ctx.get('pattern')}, got {got!r}")
    if kind in ("string_too_short", "too_short"):
        return "不能为空", "must not be empty"
    if kind in ("string_too_long", "too_long"):
        most = ctx.get("max_length")
        return f"过长（最多 {most}）", f"too long (at most {most})"
    if kind == "enum":
        return (f"应为以下之一：{ctx.get('expected')}，实为 {got!r}",
                f"must be one of {ctx.get('expected')}, got {got!r}")
    return f"取值无效：{err.get('msg')}", f"invalid value: {err.get('msg')}"
