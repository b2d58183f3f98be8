"""Putting a window of a shared test server back to empty between tests."""

from __future__ import annotations

from client import HallClient


def serve_out(client: HallClient, hall: str, window: int) -> None:
    """Resume the window if paused, finish whoever is at it, and serve everyone waiting for it, until a
    call finds nobody. ``client`` must be allowed to act at the window (its clerk or a manager)."""
    while True:
        info = client.window(hall, window)
        if info.status == "paused":
            client.resume(hall, window)
        if info.current is not None:
            if info.current.state != "serving":
                client.start(hall, window)
            client.finish(hall, window, "completed")
        if client.call(hall, window) is None:
            return
