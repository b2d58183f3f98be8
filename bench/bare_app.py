"""The ceiling for bench_province: a bare uvicorn + FastAPI app with async endpoints answering a ~200-byte
JSON, run with the same uvicorn defaults as ``hallq server`` (uvloop, httptools when installed).

``python bench/bare_app.py PORT``
"""

from __future__ import annotations

import sys

from fastapi import FastAPI

app = FastAPI()
BODY = {"id": "bench-20260302-A001", "number": "A001", "service": "S00", "state": "waiting", "lane": "normal",
        "ahead": 3, "estimated_wait_s": 1440, "seq": 1234, "track_url": "http://hall.bench/t/abcdefghijklmnop"}


@app.post("/issue", status_code=201)
async def issue(body: dict) -> dict:
    return BODY


@app.get("/read")
async def read() -> dict:
    return BODY


@app.get("/healthz")
async def healthz() -> dict:
    return {"ok": True}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_config=None, access_log=False)
