"""The production topology as local processes (issue 17): the gateway on PostgreSQL, two Rasa
servers on one PostgreSQL tracker store and a Redis lock store, two action servers.

Conversations are spread over both Rasa servers and both action servers; every reply is stored
exactly once in the gateway's database and in the tracker store; each process exports its
metrics; a session can be followed by its id through the three kinds of logs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from bot_gateway.rasa_pool import home_index
from bot_gateway.runner import Topology, topology
from tests.integration.conftest import running

REPLIES = [
    "I'm sorry about this. Could you tell me what happened?",
    "Could I have your order number, please?",
]


@pytest.fixture(scope="module")
def topo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    state = tmp_path_factory.mktemp("topology")
    local = topology(state, gateway_env={"TELEGRAM_WEBHOOK_URL": ""})
    try:
        yield from running(local, state)
    finally:
        local.databases.drop()


def metric(text: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        match = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(match.group(3))
    return total


def test_conversations_spread_over_both_rasa_servers_and_nothing_is_lost_or_doubled(
    topo: Topology,
) -> None:
    base = f"http://127.0.0.1:{topo.settings.web_port}"
    sessions: list[str] = []
    with httpx.Client(base_url=base, timeout=90) as client:
        assert client.post("/api/signin", json={"name": "topology"}).status_code == 200
        personas = client.get("/api/personas").json()
        # one trainee has one active session: each conversation here is its own trainee. Session
        # ids are random, so conversations go on until both servers are home to some (at least 6)
        n = 0
        while n < 6 or len({home_index(s, 2) for s in sessions}) < 2:
            assert n < 40, "forty random session ids all hashed to one server"
            client.cookies.clear()
            assert client.post("/api/signin", json={"name": f"topology {n}"}).status_code == 200
            persona = personas[n % len(personas)]
            started = client.post("/api/sessions", json={"persona_id": persona["id"]})
            assert started.status_code == 200, started.text
            session_id = started.json()["session_id"]
            sessions.append(session_id)
            for reply in REPLIES:
                answer = client.post(f"/api/sessions/{session_id}/replies", json={"text": reply})
                assert answer.status_code == 200, answer.text
                assert answer.json()["customer"] or answer.json()["ended"]
            n += 1

    gateway, tracker = topo.databases.replies()
    for session_id in sessions:
        assert gateway.get(session_id) == REPLIES, session_id
        assert tracker.get(session_id) == REPLIES, session_id

    scraped = {name: httpx.get(url).text for name, url in topo.metrics_urls().items()}
    rasa_turns = [
        metric(scraped[name], "counterpart_turns_total", process="rasa", outcome="ok")
        for name in ("rasa-1", "rasa-2")
    ]
    action_turns = [
        metric(scraped[name], "counterpart_turns_total", process="action-server", outcome="ok")
        for name in ("action-server-1", "action-server-2")
    ]
    # sticky: each server served exactly the turns (start + replies) of its own conversations
    expected = [
        sum(1 + len(REPLIES) for s in sessions if home_index(s, 2) == server) for server in (0, 1)
    ]
    assert all(expected)
    assert rasa_turns == expected, f"turns per Rasa server {rasa_turns}, by home {expected}"
    assert all(action_turns), f"an action server served nothing: {action_turns}"
    gateway_count = metric(
        scraped["gateway"], "counterpart_turn_seconds_count", process="gateway", kind="reply"
    )
    assert gateway_count == len(sessions) * len(REPLIES)
    active = metric(scraped["gateway"], "counterpart_active_sessions", process="gateway")
    assert active >= len(sessions)


def test_a_session_can_be_followed_through_the_three_kinds_of_logs(topo: Topology) -> None:
    gateway, _tracker = topo.databases.replies()
    session_id = next(iter(gateway))
    logs = {s.name: s.log_path.read_text(errors="replace") for s in topo.services if s.log_path}
    assert f"session={session_id}" in logs["gateway"]
    rasa = [name for name in ("rasa-1", "rasa-2") if f'"session": "{session_id}"' in logs[name]]
    actions = [
        name
        for name in ("action-server-1", "action-server-2")
        if f'"session": "{session_id}"' in logs[name]
    ]
    assert len(rasa) == 1, "one conversation, one Rasa server (sticky)"
    assert len(actions) == 1
    assert rasa[0][-1] == actions[0][-1], "Rasa server n calls action server n"
