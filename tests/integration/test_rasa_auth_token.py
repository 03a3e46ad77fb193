"""The real Rasa runs with --auth-token: its HTTP API refuses requests without the token, and the
gateway, which sends it, still reaches it."""

from __future__ import annotations

import httpx

from bot_gateway.runner import LocalStack


def test_rasa_refuses_its_api_without_the_token_and_the_gateway_has_it(
    stack: LocalStack, gateway_url: str
) -> None:
    token = stack.rasa_auth_token()
    assert token
    rasa = f"http://127.0.0.1:{stack.settings.rasa_port}"
    assert httpx.get(f"{rasa}/status", timeout=10).status_code == 401
    assert httpx.get(f"{rasa}/status", params={"token": "wrong"}, timeout=10).status_code == 401
    assert httpx.get(f"{rasa}/status", params={"token": token}, timeout=10).status_code == 200
    health = httpx.get(f"{gateway_url}/healthz", timeout=10).json()
    assert health["rasa_ready"] is True


def test_the_gateways_channel_refuses_requests_without_the_token(stack: LocalStack) -> None:
    """Rasa leaves channel webhooks open; the gateway's channel takes session commands, so it
    checks the token itself: nobody who can reach Rasa's port can end or reset a session."""
    rasa = f"http://127.0.0.1:{stack.settings.rasa_port}"
    body = {"sender": "intruder", "key": "k1", "metadata": {}, "command": "end"}
    for params in ({}, {"token": "wrong"}):
        answer = httpx.post(
            f"{rasa}/webhooks/counterpart/webhook", json=body, params=params, timeout=10
        )
        assert answer.status_code == 401
        assert answer.json()["error"] == "unauthorized"
