"""RasaPool: sticky by conversation, failover only for requests that never reached a server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from prometheus_client import REGISTRY, generate_latest

from bot_gateway.rasa_client import ConnectFailed, RasaClient, RasaUnavailable
from bot_gateway.rasa_pool import RasaPool, split_urls

PAYLOAD = {"type": "counterpart.turn", "customer": "Where is my parcel?"}


class Servers:
    """Fake Rasa servers in place of each client's HTTP exchange (RasaClient._exchange, whose
    own failures are tested in test_rasa_client.py): each records the senders it served."""

    def __init__(self, urls: list[str]) -> None:
        self.served: dict[str, list[str]] = {url: [] for url in urls}
        self.state: dict[str, str] = {url: "up" for url in urls}

    def factory(self, url: str, *, timeout: float, auth_token: str | None = None) -> RasaClient:
        client = RasaClient(url, timeout=timeout, auth_token=auth_token)

        async def exchange(method: str, path: str, body: Any = None) -> tuple[int, Any]:
            state = self.state[url]
            if state == "refused":
                raise ConnectFailed("connection refused")
            if state == "dies":  # accepted the request, then the process went away
                raise aiohttp.ServerDisconnectedError()
            if path == "/status":
                return 200, {"model_file": "m.tar.gz"}
            self.served[url].append(json.dumps(body))
            if state == "no_actions":
                return 200, [{"text": "fallback"}]
            return 200, [{"custom": PAYLOAD}]

        client._exchange = exchange  # type: ignore[method-assign]
        return client

    def count(self, url: str, sender: str) -> int:
        return sum(f'"sender":"{sender}"' in body.replace(" ", "") for body in self.served[url])


URLS = ["http://rasa-1.test:5005", "http://rasa-2.test:5005"]


@pytest.fixture
def servers() -> Servers:
    return Servers(URLS)


def pool_of(servers: Servers, **kwargs: Any) -> RasaPool:
    factory: Callable[..., RasaClient] = servers.factory
    return RasaPool(",".join(URLS), client_factory=factory, **kwargs)


def test_urls_are_split_on_commas_and_an_empty_list_is_refused() -> None:
    assert split_urls(" http://a:5005/ , http://b:5005 ") == ["http://a:5005", "http://b:5005"]
    with pytest.raises(ValueError):
        split_urls(" , ")


async def test_a_conversation_stays_on_one_server_and_conversations_spread(
    servers: Servers,
) -> None:
    pool = pool_of(servers)
    senders = [f"session-{n}" for n in range(40)]
    for _ in range(3):
        for sender in senders:
            assert await pool.reply(sender, "hello", {}, key="k1") == PAYLOAD
    for sender in senders:
        home = URLS[pool.home(sender)]
        other = next(u for u in URLS if u != home)
        assert servers.count(home, sender) == 3
        assert servers.count(other, sender) == 0
    assert all(len(served) >= 30 for served in servers.served.values()), "not spread"
    await pool.aclose()


async def test_a_refused_server_fails_over_once_and_is_retried_after_cooldown(
    servers: Servers,
) -> None:
    pool = pool_of(servers, cooldown=0.2)
    sender = "session-failover"
    home = URLS[pool.home(sender)]
    other = next(u for u in URLS if u != home)
    servers.state[home] = "refused"
    assert await pool.reply(sender, "first", {}, key="k2") == PAYLOAD
    assert await pool.reply(sender, "second", {}, key="k3") == PAYLOAD
    assert servers.count(other, sender) == 2, "each message delivered exactly once elsewhere"
    assert pool.order(sender)[0] == URLS.index(other), "the refused server is skipped"
    servers.state[home] = "up"
    await asyncio.sleep(0.25)
    assert await pool.reply(sender, "third", {}, key="k4") == PAYLOAD
    assert servers.count(home, sender) == 1, "back home after the cooldown"
    metrics = generate_latest(REGISTRY).decode()
    assert 'counterpart_turns_total{kind="reply",outcome="failover",process="gateway"}' in metrics
    assert f'error="connect",process="gateway",server="{home}"' in metrics
    await pool.aclose()


async def test_a_request_that_reached_a_server_is_never_sent_to_another(
    servers: Servers,
) -> None:
    pool = pool_of(servers)
    sender = "session-reached"
    home = URLS[pool.home(sender)]
    other = next(u for u in URLS if u != home)
    servers.state[home] = "dies"
    with pytest.raises(RasaUnavailable):
        await pool.reply(sender, "maybe stored", {}, key="k5")
    servers.state[home] = "no_actions"  # Rasa answered, the action server did not
    with pytest.raises(RasaUnavailable):
        await pool.reply(sender, "no customer", {}, key="k6")
    assert servers.count(other, sender) == 0
    await pool.aclose()


async def test_every_server_down_is_rasa_unavailable_and_ready_needs_one(servers: Servers) -> None:
    pool = pool_of(servers)
    assert await pool.is_ready()
    servers.state[URLS[0]] = "refused"
    assert await pool.is_ready()
    servers.state[URLS[1]] = "refused"
    assert not await pool.is_ready()
    with pytest.raises(RasaUnavailable):
        await pool.reply("session-down", "hello", {}, key="k7")
    await pool.aclose()


async def test_turn_latency_is_recorded_in_the_histogram(servers: Servers) -> None:
    def observed() -> float:
        value = REGISTRY.get_sample_value(
            "counterpart_turn_seconds_count", {"process": "gateway", "kind": "start"}
        )
        return value or 0.0

    pool = pool_of(servers)
    before = observed()
    await pool.command("session-metrics", "start", {"persona": "p"}, key="start")
    assert observed() == before + 1
    await pool.aclose()
