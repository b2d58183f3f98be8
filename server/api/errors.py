"""Every error the API returns is ``{"code", "message", "message_zh", "message_en"}``.

That includes FastAPI's own request validation (rewritten with the field path, e.g. ``body.lane``),
404/405 from routing, and — as a last resort — 500, which is logged with its traceback. Bad input
never produces a 500: it is rejected by a model or by the core with a 4xx.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.core import Refused
from server.halls.errors import Problem, refused_status

log = logging.getLogger("hallq.api")

# pydantic error type → Chinese reason; the English reason is pydantic's own message
_ZH: dict[str, str] = {
    "missing": "缺少此字段",
    "extra_forbidden": "不允许此字段",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "string_type": "应为字符串",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为布尔值",
    "bool_parsing": "应为布尔值",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "JSON 格式错误",
    "json_type": "应为 JSON",
    "string_too_short": "字符串太短",
    "string_too_long": "字符串太长",
    "string_pattern_mismatch": "格式不正确",
    "too_short": "条目太少",
    "too_long": "条目太多",
    "greater_than": "数值太小",
    "greater_than_equal": "数值太小",
    "less_than": "数值太大",
    "less_than_equal": "数值太大",
    "finite_number": "应为有限数值",
    "datetime_parsing": "日期时间格式不正确",
    "datetime_type": "应为日期时间",
    "datetime_from_date_parsing": "日期时间格式不正确",
    "timezone_aware": "须带时区",
    "value_error": "取值无效",
    "string_unicode": "应为 UTF-8 文本",
}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_problem(exc: RequestValidationError) -> Problem:
    zh_parts, en_parts = [], []
    for err in exc.errors()[:10]:
        path = _path(tuple(err.get("loc", ())))
        zh_parts.append(f"{path}：{_ZH.get(err.get('type', ''), '取值无效')}")
        en_parts.append(f"{path}: {err.get('msg', 'invalid value')}")
    return Problem(
        "invalid_request",
        "请求无效：" + "；".join(zh_parts),
        "invalid request: " + "; ".join(en_parts),
        422,
    )


def problem_response(problem: Problem) -> JSONResponse:
    headers = dict(problem.headers)
    if problem.status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(problem.to_dict(), status_code=problem.status, headers=headers)


_HTTP: dict[int, tuple[str, str, str]] = {
    404: ("not_found", "找不到该地址", "no such path"),
    405: ("method_not_allowed", "该地址不支持此方法", "method not allowed on this path"),
}


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(_request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc)

    @app.exception_handler(Refused)
    async def _refused(_request: Request, exc: Refused) -> JSONResponse:  # a core refusal outside mutate()
        return problem_response(Problem(exc.code, exc.zh, exc.en, refused_status(exc.code)))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(validation_problem(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, zh, en = _HTTP.get(
            exc.status_code,
            (
                "http_error",
                f"HTTP 错误 {exc.status_code}",
                f"HTTP error {exc.status_code}: {exc.detail}",
            ),
        )
        if exc.status_code == 404:
            zh, en = f"{zh}：{request.url.path}", f"{en}: {request.url.path}"
        return problem_response(Problem(code, zh, en, exc.status_code, dict(exc.headers or {})))

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # a value the database cannot store (e.g. out of range) that no model caught: still bad input
        log.warning("database refused a value on %s %s: %s", request.method, request.url.path, exc.orig)
        return problem_response(
            Problem("invalid_request", "请求中的取值无法保存", "a value in the request cannot be stored", 422))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            Problem(
                "internal_error", "服务器内部错误，已记录", "internal server error (logged)", 500
            )
        )
