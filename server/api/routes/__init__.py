"""The /api/v1 routers, one module per resource."""

from fastapi import APIRouter

from . import (
    auth,
    booking,
    cards,  # issue 18
    devices,
    events,
    halls,
    phone,
    ratings,
    reports,
    supervision,
    tickets,
    track,
    windows,
)

api = APIRouter(prefix="/api/v1")
for _module in (auth, halls, tickets, ratings, windows, track, devices, events, supervision, reports, booking, phone,
                cards):
    api.include_router(_module.router)

__all__ = ["api"]
