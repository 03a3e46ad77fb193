"""One async client for Rasa, shared by every channel adapter.

It speaks the project's own Rasa input channel (rasa_project/channels/counterpart.py): trainee
text and session commands travel in separate fields, so no text is ever read as an intent, and
every request carries an idempotency key, so a request sent again (after a timeout, a lost
response or a failed save) gets the answer Rasa already gave instead of a second reaction.

The HTTP client is aiohttp (already installed with aiogram): ~0.1 ms of CPU per request on
loopback where httpx took ~1 ms (its transport, anyio and httpcore layers; measured with the
same body against the same local server), about an eighth of the gateway's CPU per turn. One
session per client, kept-alive connections closed by the client before Rasa's server does.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import structlog

log = structlog.get_logger(__name__)

TURN_PAYLOAD_TYPE = "counterpart.turn"
WEBHOOK = "/webhooks/counterpart/webhook"
COMMANDS = ("start", "end", "silence")
#: seconds an idle connection to Rasa is kept: below Sanic's keep-alive timeout (5 s), so the
#: client, not the server, closes it and no request goes out on a connection being closed
KEEPALIVE_SECONDS = 3.0
#: connections to one Rasa server at most (Rasa's listen backlog is above it: runner.py)
MAX_CONNECTIONS = 200
#: pause before each new attempt at a connection Rasa refused (a restarting server)
CONNECT_RETRY_PAUSE = 0.5


class RasaUnavailable(RuntimeError):
    """Rasa or its action server could not produce the customer's reply."""


class ConnectFailed(ConnectionError):
    """The request never reached Rasa: the connection was refused or not made in time. Only
    such a request may be sent to another server (bot_gateway/rasa_pool.py)."""


class HTTPStatusError(RuntimeError):
    """Rasa answered with an error status."""

    def __init__(self, status: int) -> None:
        super().__init__(f"Rasa answered HTTP {status}")
        self.status = status


class RasaClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 15.0,
        connect_retries: int = 2,
        auth_token: str | None = None,  # h3-access: Rasa's --auth-token, sent as ?token=
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # the whole request, and making the connection (not waiting for a pooled one)
        self.timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=3.0)
        # Connection failures are retried here; a request that may have reached Rasa is sent
        # again by the conversation service with the same key, which Rasa answers from its
        # tracker.
        self.connect_retries = connect_retries
        self.params = {"token": auth_token} if auth_token else {}  # h3-access
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        """The client's session, made on first use inside the event loop that serves (again
        in another loop: a session belongs to the loop it was made in)."""
        session = self._session
        if session is None or session.closed or session._loop is not asyncio.get_running_loop():
            self._session = aiohttp.ClientSession(
                timeout=self.timeout,
                connector=aiohttp.TCPConnector(
                    limit=MAX_CONNECTIONS,
                    keepalive_timeout=KEEPALIVE_SECONDS,
                    enable_cleanup_closed=False,
                ),
                json_serialize=json.dumps,
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def _exchange(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        """One request: (status, the JSON answer or None). A connection refused is tried again
        `connect_retries` times; raises ConnectFailed when it never reached Rasa, else
        aiohttp's errors or TimeoutError."""
        url = self.base_url + path
        for attempt in range(self.connect_retries + 1):
            try:
                async with self._http().request(
                    method, url, json=body, params=self.params
                ) as response:
                    try:
                        answer = await response.json(content_type=None)
                    except ValueError:
                        answer = None
                    return response.status, answer
            except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
                if attempt == self.connect_retries:
                    raise ConnectFailed(str(exc) or exc.__class__.__name__) from exc
                await asyncio.sleep(CONNECT_RETRY_PAUSE * attempt)
        raise AssertionError("unreachable")

    async def reply(
        self, sender: str, text: str, metadata: dict[str, Any], *, key: str
    ) -> dict[str, Any]:
        """Send what the trainee typed; return the turn payload of the customer's answer."""
        return await self._post({"sender": sender, "key": key, "metadata": metadata, "text": text})

    async def command(
        self, sender: str, command: str, metadata: dict[str, Any], *, key: str
    ) -> dict[str, Any]:
        """Start, end, or report the trainee's silence; return the turn payload."""
        if command not in COMMANDS:
            raise ValueError(f"unknown command {command!r}")
        body = {"sender": sender, "key": key, "metadata": metadata, "command": command}
        return await self._post(body)

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        sender = body["sender"]
        try:
            status, answer = await self._exchange("POST", WEBHOOK, body)
            if status >= 400:
                raise HTTPStatusError(status)
        except (aiohttp.ClientError, ConnectFailed, HTTPStatusError, TimeoutError) as exc:
            log.warning("rasa.unavailable", sender=sender, error=repr(exc))
            raise RasaUnavailable(str(exc) or exc.__class__.__name__) from exc
        return extract_turn_payload(answer if isinstance(answer, list) else [])

    async def parse(self, text: str) -> dict[str, Any]:
        """NLU only (the benchmark's baseline)."""
        status, answer = await self._exchange("POST", "/model/parse", {"text": text})
        if status >= 400:
            raise HTTPStatusError(status)
        return answer

    async def is_ready(self) -> bool:
        try:
            status, answer = await self._exchange("GET", "/status")
        except (aiohttp.ClientError, ConnectFailed, TimeoutError):
            return False
        return status == 200 and isinstance(answer, dict) and bool(answer.get("model_file"))


def extract_turn_payload(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """Rasa returns the customer's line and our JSON payload as separate messages."""
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == TURN_PAYLOAD_TYPE:
            return custom
    # An action server that failed leaves Rasa with nothing (or only its fallback text) to send.
    raise RasaUnavailable("the customer simulation did not answer (action server down?)")
