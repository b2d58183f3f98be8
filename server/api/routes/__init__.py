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
from .admin import router as admin_router
from .hall_config import router as hall_config_router

api = APIRouter(prefix="/api/v1")
for _module in (auth, halls, tickets, ratings, windows, track, devices, events, supervision, reports, booking, phone,
                cards):
    api.include_router(_module.router)
api.include_router(admin_router)  # devices and staff accounts without SQL (issue 15)
api.include_router(hall_config_router)  # live configuration from the dashboard (issue 15)

__all__ = ["api"]
