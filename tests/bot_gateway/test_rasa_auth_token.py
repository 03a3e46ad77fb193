"""Rasa's HTTP API is protected by --auth-token: the runner starts Rasa with it and the gateway's
client sends it as ?token= on every request (over real HTTP here)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from bot_gateway.config import Settings, StackSettings
from bot_gateway.rasa_client import RasaClient
from bot_gateway.runner import LocalStack, isolated_stack


class _FakeRasaHTTP(BaseHTTPRequestHandler):
    """Answers like Rasa with --auth-token: 401 without the right ?token=."""

    token = "s3cret-token"
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def _reply(self, body: object) -> None:
        query = parse_qs(urlsplit(self.path).query)
        given = (query.get("token") or [None])[0]
        self.seen.append((urlsplit(self.path).path, given))
        status = 200 if given == self.token else 401
        data = json.dumps(body if status == 200 else {"message": "unauthorized"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._reply({"model_file": "counterpart.tar.gz"})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._reply([{"custom": {"type": "counterpart.turn", "customer": "hi"}}])

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def rasa_http() -> Iterator[str]:
    _FakeRasaHTTP.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeRasaHTTP)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_the_client_sends_the_token_on_every_request(rasa_http: str) -> None:
    client = RasaClient(rasa_http, auth_token=_FakeRasaHTTP.token)
    try:
        assert await client.is_ready()
        assert (await client.reply("s1", "hello", {}, key="reply:1"))["customer"] == "hi"
    finally:
        await client.aclose()
    assert _FakeRasaHTTP.seen == [
        ("/status", _FakeRasaHTTP.token),
        ("/webhooks/counterpart/webhook", _FakeRasaHTTP.token),
    ]


async def test_without_the_token_rasa_refuses(rasa_http: str) -> None:
    client = RasaClient(rasa_http)
    try:
        assert not await client.is_ready()
    finally:
        await client.aclose()


def test_the_setting_is_read_and_empty_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_AUTH_TOKEN", "tok-from-env")
    assert Settings(_env_file=None).rasa_auth_token.get_secret_value() == "tok-from-env"
    monkeypatch.setenv("RASA_AUTH_TOKEN", "")
    assert Settings(_env_file=None).rasa_auth_token is None


def _stack(tmp_path: Path, **app: object) -> LocalStack:
    settings = StackSettings(
        _env_file=None,
        rasa_model=tmp_path / "m.tar.gz",
        rasa_port=15005,
        web_port=18080,
        rasa_servers=1,
    )
    return LocalStack(settings, app_settings=Settings(_env_file=None, **app))


def test_the_runner_starts_rasa_with_the_token_and_hands_it_to_the_gateway(
    tmp_path: Path,
) -> None:
    stack = _stack(tmp_path, rasa_auth_token="tok-123")
    rasa = stack.service("rasa")
    assert "--auth-token=tok-123" in rasa.command
    assert rasa.ready_url.endswith("/status?token=tok-123")
    assert stack.service("gateway").env["RASA_AUTH_TOKEN"] == "tok-123"


def test_without_the_setting_rasa_starts_without_a_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    stack = _stack(tmp_path)
    assert not any(a.startswith("--auth-token") for a in stack.service("rasa").command)
    assert stack.service("rasa").ready_url.endswith("/status")


def test_isolated_stacks_protect_rasa_with_a_fresh_token(tmp_path: Path) -> None:
    first = isolated_stack(tmp_path / "a")
    second = isolated_stack(tmp_path / "b")
    tokens = [s.service("gateway").env["RASA_AUTH_TOKEN"] for s in (first, second)]
    assert all(len(t) >= 24 for t in tokens) and tokens[0] != tokens[1]
    assert f"--auth-token={tokens[0]}" in first.service("rasa").command


def test_a_token_that_starts_with_a_dash_reaches_rasa_as_the_tokens_value(tmp_path: Path) -> None:
    """Rasa's command line reads the token as the option's value, not as another option (a
    fresh token starts with "-" about once in 64: Rasa exited with 'expected one argument')."""
    import argparse

    stack = _stack(tmp_path, rasa_auth_token="-dash-first")
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--auth-token")
    parsed, _ = parser.parse_known_args(
        [a for a in stack.service("rasa").command if a.startswith("--auth-token")]
    )
    assert parsed.auth_token == "-dash-first"
