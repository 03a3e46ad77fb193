"""Cross-site request refusal (CSRF): state-changing requests and WebSockets from other sites.

Browsers say which page a request comes from: ``Origin`` on every cross-site POST and every
WebSocket handshake, ``Referer`` otherwise. A POST, PUT, PATCH or DELETE, or a WebSocket, whose
origin is neither the gateway's own host (the ``Host`` the browser addressed) nor one of
TRUSTED_ORIGINS is refused before it reaches a route: 403 for HTTP, close code 4403 for a
WebSocket. ``Origin: null`` (sandboxed frames, some redirects) is refused too. Requests with
neither header come from scripts and servers (the export API with a token, Telegram's webhook),
which a cookie-riding attack cannot use, and pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSED = (
    "跨站请求已被拒绝：请在本站页面上操作。/ "
    "This cross-site request was refused: use the page on this site."
)
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _netloc(url: str) -> str | None:
    """host[:port] of an origin or URL, lower-case, default ports dropped; None if unusable."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == DEFAULT_PORTS.get(parts.scheme.lower()):
        return host
    return f"{host}:{port}"


def _host_netloc(host: str) -> str:
    host = host.strip().lower()
    for port in (":80", ":443"):
        if host.endswith(port):
            return host[: -len(port)]
    return host


class OriginCheck:
    """ASGI middleware refusing cross-site unsafe requests and WebSockets."""

    def __init__(self, app: ASGIApp, trusted_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.trusted = {n for n in (_netloc(o) for o in trusted_origins) if n}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "websocket" or (kind == "http" and scope["method"] in UNSAFE_METHODS):
            if not self._same_site(Headers(scope=scope)):
                await self._refuse(kind, send)
                return
        await self.app(scope, receive, send)

    def _same_site(self, headers: Headers) -> bool:
        source = headers.get("origin") or headers.get("referer")
        if source is None:
            return True  # not a browser: no cookie-riding request looks like this
        netloc = _netloc(source)
        if netloc is None:  # "null" or garbage
            return False
        own = _host_netloc(headers.get("host", ""))
        return netloc == own or netloc in self.trusted

    @staticmethod
    async def _refuse(kind: str, send: Send) -> None:
        if kind == "websocket":
            # closing before accepting refuses the handshake
            await send({"type": "websocket.close", "code": 4403, "reason": "cross-site"})
            return
        body = json.dumps({"detail": REFUSED}, ensure_ascii=False).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
