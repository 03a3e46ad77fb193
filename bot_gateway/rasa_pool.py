"""Several Rasa servers behind the RasaClient interface: sticky by conversation, with failover.

RASA_URL may list several servers separated by commas (the production topology runs two or
more Rasa servers over one PostgreSQL tracker store and a Redis lock store). Each conversation
(the sender id, our session id) goes to one server, chosen by a stable hash, so that server's
tracker cache (rasa_project/stores/cached_sql.py) serves it. When that server cannot be reached
the message goes to the next one: safe because the trackers are shared and every turn is
serialised by the lock store, and because only a request that never reached a server (refused
or timed-out connection) is sent elsewhere. A request that reached a server and then failed may
have changed the tracker, so it is reported as RasaUnavailable like a single server's (the
gateway keeps the reply pending and sends it again later) and never repeated here.

A server that refused a connection is skipped for COOLDOWN_SECONDS, then tried again, so a
restarted server takes its conversations back. With one URL this is one RasaClient, plus the
turn metrics (bot_gateway/metrics.py) that every turn of the gateway goes through.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
import structlog

from bot_gateway import metrics
from bot_gateway.rasa_client import ConnectFailed, HTTPStatusError, RasaClient, RasaUnavailable

log = structlog.get_logger(__name__)

COOLDOWN_SECONDS = 5.0
NEVER_REACHED = (ConnectFailed,)


def split_urls(urls: str | Sequence[str]) -> list[str]:
    """'http://a:5005, http://b:5005' -> ['http://a:5005', 'http://b:5005']."""
    items = urls.split(",") if isinstance(urls, str) else list(urls)
    cleaned = [url.strip().rstrip("/") for url in items if url and url.strip()]
    if not cleaned:
        raise ValueError("RASA_URL names no Rasa server")
    return cleaned


def never_reached(exc: BaseException) -> bool:
    """True when the failure was a connection the server never accepted."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, NEVER_REACHED):
            return True
        seen = seen.__cause__
    return False


def home_index(sender: str, servers: int) -> int:
    """The server (0..servers-1) a conversation belongs to while every server is up."""
    return zlib.crc32(sender.encode()) % servers


def error_kind(exc: BaseException) -> str:
    cause = exc.__cause__
    if cause is None:
        return "no_reply"  # Rasa answered without the action server's payload
    if isinstance(cause, NEVER_REACHED):
        return "connect"
    if isinstance(cause, (TimeoutError, aiohttp.ServerTimeoutError)):
        return "timeout"
    if isinstance(cause, HTTPStatusError):
        return f"http_{cause.status}"
    return type(cause).__name__


class RasaPool:
    """reply/command/parse/is_ready/aclose over one or more Rasa servers (module docstring)."""

    def __init__(
        self,
        urls: str | Sequence[str],
        *,
        timeout: float = 15.0,
        cooldown: float = COOLDOWN_SECONDS,
        client_factory: Callable[..., Any] = RasaClient,
        auth_token: str | None = None,
    ) -> None:
        self.urls = split_urls(urls)
        self.clients = [
            client_factory(url, timeout=timeout, auth_token=auth_token) for url in self.urls
        ]
        self.cooldown = cooldown
        self._down_until = [0.0] * len(self.urls)
        self._next_parse = 0

    def home(self, sender: str) -> int:
        """The server a conversation belongs to while every server is up (stable hash)."""
        return home_index(sender, len(self.urls))

    def order(self, sender: str) -> list[int]:
        """Servers to try for `sender`: its own first, those marked down last."""
        first = self.home(sender)
        ring = [(first + step) % len(self.urls) for step in range(len(self.urls))]
        now = time.monotonic()
        return [i for i in ring if self._down_until[i] <= now] + [
            i for i in ring if self._down_until[i] > now
        ]

    def _mark_down(self, index: int) -> None:
        self._down_until[index] = time.monotonic() + self.cooldown

    async def reply(
        self, sender: str, text: str, metadata: dict[str, Any], *, key: str
    ) -> dict[str, Any]:
        """What the trainee typed, to the conversation's server (RasaClient.reply)."""
        return await self._turn(
            sender, "reply", lambda client: client.reply(sender, text, metadata, key=key)
        )

    async def command(
        self, sender: str, command: str, metadata: dict[str, Any], *, key: str
    ) -> dict[str, Any]:
        """Start, end or silence, to the conversation's server (RasaClient.command)."""
        return await self._turn(
            sender, command, lambda client: client.command(sender, command, metadata, key=key)
        )

    async def _turn(
        self, sender: str, kind: str, call: Callable[[Any], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any]:
        started = time.perf_counter()
        last: RasaUnavailable | None = None
        for attempt, index in enumerate(self.order(sender)):
            try:
                payload = await call(self.clients[index])
            except RasaUnavailable as exc:
                metrics.rasa_error(self.urls[index], error_kind(exc))
                if not never_reached(exc):
                    metrics.observe_turn(sender, kind, time.perf_counter() - started, "unavailable")
                    raise
                self._mark_down(index)
                log.warning("rasa.failover", sender=sender, server=self.urls[index])
                last = exc
                continue
            self._down_until[index] = 0.0
            elapsed = time.perf_counter() - started
            metrics.observe_turn(sender, kind, elapsed, "ok")
            log.info(
                "gateway.turn",
                session=sender,
                kind=kind,
                server=self.urls[index],
                ms=round(elapsed * 1000, 1),
            )
            if attempt:
                metrics.TURNS.labels(metrics.PROCESS, kind, "failover").inc()
            return payload
        metrics.observe_turn(sender, kind, time.perf_counter() - started, "unavailable")
        assert last is not None
        raise last

    async def parse(self, text: str) -> dict[str, Any]:
        """NLU only, round robin over the servers, skipping one that refuses connections."""
        start = self._next_parse
        self._next_parse = (start + 1) % len(self.urls)
        last: Exception | None = None
        for step in range(len(self.urls)):
            index = (start + step) % len(self.urls)
            try:
                return await self.clients[index].parse(text)
            except NEVER_REACHED as exc:
                metrics.rasa_error(self.urls[index], "connect")
                last = exc
        assert last is not None
        raise last

    async def is_ready(self) -> bool:
        """Ready when at least one server has its model loaded."""
        for client in self.clients:
            if await client.is_ready():
                return True
        return False

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


def connect(
    urls: str | Sequence[str], *, timeout: float = 15.0, auth_token: str | None = None
) -> RasaPool:
    """The gateway's Rasa client for RASA_URL (one URL or several, comma-separated)."""
    return RasaPool(urls, timeout=timeout, auth_token=auth_token)
