"""One async client for Rasa's REST channel, shared by every channel adapter."""

from __future__ import annotations

from typing import Any

import httpx
import structlog

log = structlog.get_logger(__name__)

TURN_PAYLOAD_TYPE = "counterpart.turn"


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
        # Only connection failures are retried: a request that reached Rasa may have changed the
        # tracker, and sending it again would make the customer answer twice.
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

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> dict[str, Any]:
        """Send one message; return the turn payload the action server attached to the reply."""
        body = {"sender": sender, "message": text, "metadata": metadata}
        try:
            response = await self._http.post("/webhooks/rest/webhook", json=body)
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
