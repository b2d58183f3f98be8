"""The HTTP/WebSocket API under /api/v1 (FastAPI): routers, views, errors, event fan-out."""
