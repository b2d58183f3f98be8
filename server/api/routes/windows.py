"""Window actions at a counter: sign in/out, call, recall, no-show, start, finish, transfer, pause,
resume, takeover (A/B post), and the window view for the counter terminal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response

from server.auth import Action, Principal, authorize
from server.core import Outcome
from server.halls.errors import Problem

from .. import fastpath, views
from ..context import AppContext
from ..deps import Ctx, IdemFast, WhoFast
from ..schemas import ERRORS, CallBody, FinishRequest, PauseRequest, TransferRequest
from .common import not_modified, respond, send_encoded

router = APIRouter(tags=["windows"])
PATH = "/halls/{hall}/windows/{window}"


@router.get(PATH, responses=ERRORS)
async def get_window(hall: str, window: int, request: Request, ctx: Ctx, who: WhoFast) -> Response:
    """The window, its current ticket and the waiting counts of the services in its profile (from the
    hall's read model, encoded once per seq, with an ETag)."""
    cfg = ctx.service.config(hall)
    authorize(who, Action.WINDOW_READ, hall, window)
    if not cfg.has_window(window):
        raise Problem("unknown_window", f"没有 {window} 号窗口", f"no window {window}", 404)
    rm = ctx.readmodels
    key = f"w{window}"
    model = await rm.model(hall)
    if early := not_modified(request, rm.etag(model, key)):
        return early

    return send_encoded(request, await fastpath.window(rm, cfg, model, window))


async def _act(
    ctx: Ctx,
    who: WhoFast,
    idem: IdemFast,
    hall: str,
    window: int,
    action: Action,
    command: Callable[[Any, float], Any],
    render: Callable[[Any, int], tuple[int, Any]],
    detail: dict[str, Any] | None = None,
) -> Response:
    ctx.service.config(hall)
    authorize(who, action, hall, window)
    return respond(
        await ctx.service.submit(
            hall,
            command,
            who=who,
            action=action,
            window=window,
            idem=idem,
            detail=detail,
            render=lambda done: render(done.result, done.seq),
        )
    )


def _ticket_body(ctx: Ctx, hall: str) -> Callable[[Any, int], tuple[int, Any]]:
    cfg = ctx.service.config(hall)
    return lambda ticket, seq: (
        200,
        {"ticket": views.ticket_view(ticket.to_dict(), cfg), "seq": seq},
    )


def _window_body(window_state: Any, seq: int) -> tuple[int, Any]:
    return 200, {"window": window_state.to_dict(), "seq": seq}


@router.post(
    PATH + "/call",
    responses={200: {"model": CallBody}, 204: {"description": "nobody waits"}, **ERRORS},
)
async def call(hall: str, window: int, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
    """Call the next ticket by the window's work profile; 204 when nobody waits for this window."""
    return respond(await ctx.service.submit(hall, **counter_job(ctx, who, hall, window, "call"), who=who, idem=idem))


def _call_render(cfg: Any) -> Callable[[Any, int], tuple[int, Any]]:
    def render(call: Any, seq: int) -> tuple[int, Any]:
        if call is None:
            return 204, None
        return 200, {
            "ticket": views.ticket_view(call.ticket.to_dict(), cfg),
            "reason": {"zh": call.reason_zh, "en": call.reason_en},
            "seq": seq,
        }

    return render


def counter_job(ctx: AppContext, who: Principal, hall: str, window: int, kind: str,
                body: FinishRequest | None = None) -> dict[str, Any]:
    """A counter's call, start or finish as ``submit``'s keywords (all but the caller and its key); raises
    the request's Problems (unknown hall, role, another's window) before anything is queued. One place for
    these routes and the lean POST path (server/api/fastpath.py)."""
    cfg = ctx.service.config(hall)
    if kind == "call":
        action, render = Action.CALL, _call_render(cfg)
        command: Callable[[Any, float], Any] = lambda h, now: h.call_next(window, now=now)  # noqa: E731
        detail = None
    else:
        render = _ticket_body(ctx, hall)
        if kind == "start":
            action, detail = Action.START, None
            command = lambda h, now: h.start(window, now=now)  # noqa: E731
        else:
            assert body is not None
            action, detail = Action.FINISH, {"outcome": body.outcome}
            command = lambda h, now: h.finish(window, Outcome(body.outcome), now=now)  # noqa: E731
    authorize(who, action, hall, window)
    return {"command": command, "action": action, "window": window, "detail": detail,
            "render": lambda done: render(done.result, done.seq)}


@router.post(PATH + "/recall", responses=ERRORS)
async def recall(hall: str, window: int, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
    return await _act(
        ctx,
        who,
        idem,
        hall,
        window,
        Action.RECALL,
        lambda h, now: h.recall(window, now=now),
        _ticket_body(ctx, hall),
    )


@router.post(PATH + "/no-show", responses=ERRORS)
async def no_show(hall: str, window: int, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
    return await _act(
        ctx,
        who,
        idem,
        hall,
        window,
        Action.NO_SHOW,
        lambda h, now: h.no_show(window, now=now),
        _ticket_body(ctx, hall),
    )


@router.post(PATH + "/start", responses=ERRORS)
async def start(hall: str, window: int, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
    """The called visitor arrived at the window."""
    return respond(await ctx.service.submit(hall, **counter_job(ctx, who, hall, window, "start"), who=who, idem=idem))


@router.post(PATH + "/finish", responses=ERRORS)
async def finish(hall: str, window: int, body: FinishRequest, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
    return respond(await ctx.service.submit(hall, **counter_job(ctx, who, hall, window, "finish", body), who=who,
                                            idem=idem))


@router.post(PATH + "/transfer", responses=ERRORS)
async def transfer(
    hall: str, window: int, body: TransferRequest, ctx: Ctx, who: WhoFast, idem: IdemFast
) -> Response:
    """Send the current visitor to another service's queue (keeps their place in time); returns the new ticket."""
    return await _act(
        ctx,
        who,
        idem,
        hall,
        window,
        Action.TRANSFER,
        lambda h, now: h.transfer(window, body.service, now=now, note=body.note),
        _ticket_body(ctx, hall),
        {"service": body.service},
    )


@router.post(PATH + "/pause", responses=ERRORS)
async def pause(hall: str, window: int, body: PauseRequest, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
    """去向留言 (004 第十三条): pause with a public reason and return time."""
    until = body.until
    if isinstance(until, datetime):
        until = (until if until.tzinfo else until.replace(tzinfo=ctx.service.tz)).timestamp()
    return await _act(
        ctx,
        who,
        idem,
        hall,
        window,
        Action.PAUSE,
        lambda h, now: h.pause(window, body.reason, until, now=now),
        _window_body,
        {"reason": body.reason, "until": until},
    )


@router.post(PATH + "/resume", responses=ERRORS)
async def resume(hall: str, window: int, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
    return await _act(
        ctx,
        who,
        idem,
        hall,
        window,
        Action.RESUME,
        lambda h, now: h.resume(window, now=now),
        _window_body,
    )


@router.post(PATH + "/sign-in", responses=ERRORS)
async def sign_in(hall: str, window: int, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
    """The calling clerk opens the window."""
    return await _act(
        ctx,
        who,
        idem,
        hall,
        window,
        Action.SIGN_IN,
        lambda h, now: h.sign_in(window, who.clerk_id, now=now),
        _window_body,
    )


@router.post(PATH + "/sign-out", responses=ERRORS)
async def sign_out(hall: str, window: int, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
    return await _act(
        ctx,
        who,
        idem,
        hall,
        window,
        Action.SIGN_OUT,
        lambda h, now: h.sign_out(window, now=now),
        _window_body,
    )


@router.post(PATH + "/takeover", responses=ERRORS)
async def takeover(hall: str, window: int, ctx: Ctx, who: WhoFast, idem: IdemFast) -> Response:
    """A/B post (001 第二十九条, 004 第十二条): the calling clerk takes the window over."""
    return await _act(
        ctx,
        who,
        idem,
        hall,
        window,
        Action.TAKEOVER,
        lambda h, now: h.takeover(window, who.clerk_id, now=now),
        _window_body,
    )
