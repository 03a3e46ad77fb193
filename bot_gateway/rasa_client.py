"""One async client for Rasa, shared by every channel adapter.

It speaks the project's own Rasa input channel (rasa_project/channels/counterpart.py): trainee
text and session commands travel in separate fields, so no text is ever read as an intent, and
every request carries an idempotency key, so a request sent again (after a timeout, a lost
response or a failed save) gets the answer Rasa already gave instead of a second reaction.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

import httpx
import structlog

log = structlog.get_logger(__name__)

# httpcore looks for sniffio whenever it sets up a lock (a few times per request) and falls back
# to asyncio when the import fails; with sniffio not installed, as here, each of those failed
# imports searched every sys.path entry again (~0.1 ms each, ~4 % of the gateway's CPU under
# load in py-spy). A None entry in sys.modules makes the same ImportError immediate. Only when
# sniffio is not installed, so nothing that could import it is changed.
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]

TURN_PAYLOAD_TYPE = "counterpart.turn"
WEBHOOK = "/webhooks/counterpart/webhook"
COMMANDS = ("start", "end", "silence")


class RasaUnavailable(RuntimeError):
    """Rasa or its action server could not produce the customer's reply."""


class RasaClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 15.0,
        connect_retries: int = 2,
        auth_token: str | None = None,  # h3-access: Rasa's --auth-token, sent as ?token=
    ) -> None:
        # Connection failures are retried here; a request that may have reached Rasa is sent again
        # by the conversation service with the same key, which Rasa answers from its tracker.
        transport = httpx.AsyncHTTPTransport(retries=connect_retries)
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout, connect=3.0),
            transport=transport,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            params={"token": auth_token} if auth_token else None,  # h3-access
        )

    async def aclose(self) -> None:
        await self._http.aclose()

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
            response = await self._http.post(WEBHOOK, json=body)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("rasa.unavailable", sender=sender, error=repr(exc))
            raise RasaUnavailable(str(exc) or exc.__class__.__name__) from exc
        return extract_turn_payload(response.json())

    async def parse(self, text: str) -> dict[str, Any]:
        """NLU only (the benchmark's baseline)."""
        response = await self._http.post("/model/parse", json={"text": text})
        response.raise_for_status()
        return response.json()

    async def is_ready(self) -> bool:
        try:
            response = await self._http.get("/status")
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and bool(response.json().get("model_file"))


def extract_turn_payload(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """Rasa returns the customer's line and our JSON payload as separate messages."""
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == TURN_PAYLOAD_TYPE:
            return custom
    # An action server that failed leaves Rasa with nothing (or only its fallback text) to send.
    raise RasaUnavailable("the customer simulation did not answer (action server down?)")
