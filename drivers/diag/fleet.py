"""The two fleet calls a terminal and maintenance staff make to the hall server, over HTTP.

* ``POST /api/v1/devices/heartbeat`` {"devices": [Health dicts]}  (a device token) → 204
* ``GET  /api/v1/devices[?hall=…]``                              (maintenance/manager) → the fleet
* ``POST /api/v1/auth/login``                                    staff number + PIN → token

All HTTP of ``drivers.diag`` goes through :class:`FleetClient`, one small class, so that it can be
moved onto the apps' shared client (``server.client.http``, not there yet) in one place. Every
failure is a :class:`FleetError` with Chinese and English text; nothing waits longer than
``timeout_s`` per request (no retries here: the heartbeat's next round is the retry).
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    import httpx

__all__ = ["HEARTBEAT_LIMITS", "FleetClient", "FleetError"]

API = "/api/v1"

#: what the server's HeartbeatRequest accepts (server/api/schemas.py): devices per beat, text lengths
HEARTBEAT_LIMITS = {"devices": 32, "device": 32, "detail": 500}


class FleetError(Exception):
    """The server could not be reached, or refused the request (``status`` and ``code`` then)."""

    def __init__(self, zh: str, en: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(f"{zh}（{en}）")
        self.zh = zh
        self.en = en
        self.status = status
        self.code = code


class FleetClient:
    """Heartbeats and the device list; ``token`` is a device token (heartbeat) or a staff token."""

    def __init__(self, base_url: str, token: str | None = None, *, timeout_s: float = 5.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        import httpx  # here, not at import: `hallq diag` without --send never needs it

        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout_s, transport=transport)

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        import httpx

        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = self._http.request(method, API + path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise FleetError(f"无法连接服务器 {self.base_url}：{exc}",
                             f"cannot reach the server {self.base_url}: {exc}") from exc
        if response.status_code >= 400:
            try:
                body = response.json()
                zh, en, code = body["message_zh"], body["message_en"], body.get("code")
            except (ValueError, KeyError, TypeError):
                zh = en = f"HTTP {response.status_code}"
                code = None
            raise FleetError(f"服务器拒绝：{zh}", f"the server refused: {en}",
                             status=response.status_code, code=code)
        return response

    def heartbeat(self, reports: list[dict[str, Any]]) -> None:
        """Post this terminal's device health (``Health.as_dict()`` items), trimmed to the server's
        limits so that one over-long detail never costs the whole beat."""
        cap = HEARTBEAT_LIMITS
        body = [
            {**r, "device": str(r["device"])[: cap["device"]],
             "detail_zh": str(r.get("detail_zh", ""))[: cap["detail"]],
             "detail_en": str(r.get("detail_en", ""))[: cap["detail"]]}
            for r in reports[: cap["devices"]]
        ]
        self._request("POST", "/devices/heartbeat", json={"devices": body})

    def devices(self, hall: str | None = None) -> list[dict[str, Any]]:
        """The fleet: each device with ``kind``, ``last_seen``, ``silent`` and its ``health`` list."""
        response = self._request("GET", "/devices", params={"hall": hall} if hall else None)
        try:
            devices = response.json()["devices"]
            if not isinstance(devices, list):
                raise TypeError(type(devices).__name__)
        except (ValueError, KeyError, TypeError) as exc:
            raise FleetError("服务器应答无法识别", f"unexpected server answer: {exc!r}") from exc
        return devices

    def login(self, staff_no: str, pin: str) -> str:
        """Log a staff member in; the token is kept for the next calls and returned."""
        response = self._request("POST", "/auth/login", json={"staff_no": staff_no, "pin": pin})
        try:
            self.token = str(response.json()["token"])
        except (ValueError, KeyError, TypeError) as exc:
            raise FleetError("服务器应答无法识别", f"unexpected server answer: {exc!r}") from exc
        return self.token

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
