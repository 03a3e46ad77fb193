"""Failure drills on the production topology (issue 17); each bounded in time (Deadline).

After every drill the conversations are checked in both stores: the trainees' replies in the
gateway's database and in Rasa's tracker store must be exactly the replies that were sent, in
order, once each.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from bot_gateway.runner import Topology
from tests.drills.conftest import Deadline, FlakyTelegram, PrivatePostgres
from tests.integration.test_telegram import TelegramTrainee, text_of

LINES = [
    "I'm sorry to hear that. Could you tell me what happened?",
    "Could I have your order number, please?",
    "Thank you. When did you first notice the problem?",
    "I understand. Let me check what we can do for you.",
]

TELEGRAM_LINES = [
    "So sorry about the trouble with your order. What went wrong?",
    "Thanks for explaining. Which model do you have?",
]


class WebTrainee:
    """One trainee in the web chat's JSON API, with their own cookie."""

    def __init__(self, topo: Topology, name: str) -> None:
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{topo.settings.web_port}", timeout=90)
        assert self.http.post("/api/signin", json={"name": name}).status_code == 200
        self.session_id = ""
        self.sent: list[str] = []

    def start(self, persona_index: int = 0) -> None:
        personas = self.http.get("/api/personas?lang=en").json()
        persona = personas[persona_index % len(personas)]
        response = self.http.post("/api/sessions", json={"persona_id": persona["id"]})
        assert response.status_code == 200, response.text
        self.session_id = response.json()["session_id"]

    def reply(self, text: str) -> httpx.Response:
        response = self.http.post(f"/api/sessions/{self.session_id}/replies", json={"text": text})
        if response.status_code in (200, 503):  # 503: saved, pending, delivered later
            self.sent.append(text)
        return response

    def close(self) -> None:
        self.http.close()


def assert_stored_once(topo: Topology, trainees: list[WebTrainee]) -> None:
    gateway, tracker = topo.databases.replies()
    for trainee in trainees:
        assert gateway.get(trainee.session_id, []) == trainee.sent, "gateway DB"
        assert tracker.get(trainee.session_id, []) == trainee.sent, "tracker store"


def started(topo: Topology, count: int, label: str) -> list[WebTrainee]:
    trainees = []
    for n in range(count):
        trainee = WebTrainee(topo, f"{label} {n}")
        trainee.start(n)
        trainees.append(trainee)
    return trainees


def on_each_rasa(topo: Topology, count: int, label: str) -> list[WebTrainee]:
    """`count` conversations homed on both Rasa servers (at least two on each).

    Session ids are random and a conversation's home is a hash of its id, so six sessions all
    land on one server once in 32 runs; sessions are started until each server has its share.
    """
    from bot_gateway.rasa_pool import RasaPool

    pool = RasaPool([f"http://127.0.0.1:{port}" for port in topo.rasa_ports])
    homed: dict[int, list[WebTrainee]] = {0: [], 1: []}
    n = 0
    while min(len(group) for group in homed.values()) < count // 2 and n < 12 * count:
        trainee = WebTrainee(topo, f"{label} {n}")
        trainee.start(n)
        homed[pool.home(trainee.session_id)].append(trainee)
        n += 1
    assert min(len(group) for group in homed.values()) >= count // 2, homed
    for spare in homed[0][count // 2 :] + homed[1][count // 2 :]:
        spare.close()
    return homed[0][: count // 2] + homed[1][: count // 2]


def test_killing_one_rasa_server_mid_conversation_loses_and_doubles_no_turn(
    topo: Topology, bounded: Deadline
) -> None:
    trainees = on_each_rasa(topo, 6, "rasa drill")
    for trainee in trainees:
        assert trainee.reply(LINES[0]).status_code == 200
    topo.kill_service("rasa-1")  # SIGKILL: a crash, not a clean stop
    try:
        for line in LINES[1:3]:
            for trainee in trainees:
                answer = trainee.reply(line)
                assert answer.status_code == 200, answer.text
                assert answer.json()["customer"] or answer.json()["ended"]
                bounded.check("replies with one Rasa server down")
        assert_stored_once(topo, trainees)
        failovers = httpx.get(topo.metrics_urls()["gateway"]).text
        assert 'outcome="failover"' in failovers
    finally:
        topo.start_service("rasa-1")
    # back on two servers: the conversations go on where they were
    for trainee in trainees:
        assert trainee.reply(LINES[3]).status_code == 200
    assert_stored_once(topo, trainees)
    for trainee in trainees:
        trainee.close()


def test_without_action_servers_trainees_get_a_clear_message_and_continue_after_restart(
    topo: Topology, bounded: Deadline
) -> None:
    trainees = started(topo, 2, "actions drill")
    for trainee in trainees:
        assert trainee.reply(LINES[0]).status_code == 200
    for name in ("action-server-1", "action-server-2"):
        topo.kill_service(name)
    try:
        for trainee in trainees:
            down = trainee.reply(LINES[1])
            assert down.status_code == 503, down.text
            assert down.json()["error"] == "customer_unavailable"
            assert "saved" in down.json()["message"]
            bounded.check("replies without action servers")
    finally:
        for name in ("action-server-1", "action-server-2"):
            topo.start_service(name)
    for trainee in trainees:
        # the saved reply goes first, then this one
        back = trainee.reply(LINES[2])
        assert back.status_code == 200, back.text
        assert back.json()["customer"]
    gateway, tracker = topo.databases.replies()
    for trainee in trainees:
        assert gateway[trainee.session_id] == trainee.sent
        # the attempt the action servers never answered is not stored: the gateway's retry
        # is the reply's only user event (rasa_project/channels/counterpart.py)
        assert tracker[trainee.session_id] == [LINES[0], LINES[1], LINES[2]]
        trainee.close()


def test_a_gateway_restart_mid_session_continues_where_the_web_trainee_was(
    topo: Topology, bounded: Deadline
) -> None:
    (trainee,) = started(topo, 1, "gateway drill web")
    assert trainee.reply(LINES[0]).status_code == 200
    topo.stop_service("gateway")
    topo.start_service("gateway")
    bounded.check("gateway restart")
    # the same cookie, the same session: the conversation goes on
    assert trainee.reply(LINES[1]).status_code == 200
    detail = trainee.http.get(f"/api/sessions/{trainee.session_id}").json()
    replies = [t["text"] for t in detail["transcript"] if t["role"] == "trainee"]
    assert replies == LINES[:2]
    assert detail["summary"]["status"] == "active"
    assert_stored_once(topo, [trainee])
    trainee.close()


def test_a_gateway_restart_mid_session_continues_where_the_telegram_trainee_was(
    topo: Topology, telegram_api: str, bounded: Deadline
) -> None:
    chat = telegram_practice(topo, telegram_api, 910_000)
    mark = len(chat.received)
    chat.say(TELEGRAM_LINES[0])
    chat.wait_for(lambda e: customer_line(e), "answering the first reply", since=mark)

    topo.stop_service("gateway")
    topo.start_service("gateway")
    bounded.check("gateway restart")

    mark = len(chat.received)
    chat.say(TELEGRAM_LINES[1])
    answer = chat.wait_for(lambda e: customer_line(e), "answering after the restart", since=mark)
    assert "/practice" not in text_of(answer), "the session was lost with the restart"
    gateway, tracker = topo.databases.replies()
    sessions = [sid for sid, texts in gateway.items() if TELEGRAM_LINES[0] in texts]
    assert len(sessions) == 1, "one Telegram session"
    assert gateway[sessions[0]] == TELEGRAM_LINES, "it holds both replies, once each"
    assert tracker[sessions[0]] == TELEGRAM_LINES
    chat.http.close()


def telegram_practice(topo: Topology, api: str, base_id: int) -> TelegramTrainee:
    """A Telegram trainee who has started a practice session (the opening line arrived)."""
    chat = TelegramTrainee(api, user_id=base_id + int(time.time() * 10) % 80_000)
    chat.command("/start")
    chat.wait_for_text("Hi Mei Chen!")
    chat.command("/practice")
    picker = chat.wait_for(lambda e: bool(e["message"].get("reply_markup")), "with buttons")
    personas = httpx.get(f"http://127.0.0.1:{topo.settings.web_port}/api/personas?lang=en").json()
    mark = len(chat.received)
    chat.press(picker, f"mod:{personas[0]['id']}:practice")
    chat.wait_for(lambda e: customer_line(e), "with the opening line", since=mark)
    return chat


def test_telegram_429_and_5xx_are_retried_and_the_trainee_gets_the_line_once(
    topo: Topology, telegram_api: str, flaky_telegram: FlakyTelegram, bounded: Deadline
) -> None:
    chat = telegram_practice(topo, telegram_api, 930_000)
    flaky_telegram.fail("sendMessage", 429, 502, 503)
    mark = len(chat.received)
    chat.say(TELEGRAM_LINES[0])
    answer = chat.wait_for(lambda e: customer_line(e), "after 429, 502 and 503", since=mark)
    bounded.check("Telegram backoff")
    assert flaky_telegram.served == [("sendMessage", 429), ("sendMessage", 502),
                                     ("sendMessage", 503)]  # fmt: skip
    time.sleep(2.0)  # anything sent twice would have arrived by now
    chat.new_messages()
    lines = [text_of(e) for e in chat.received[mark:] if customer_line(e)]
    assert lines == [text_of(answer)], "the customer's line arrives exactly once"
    log = topo.service("gateway").log_path.read_text(errors="replace")
    assert log.count("telegram.backoff") >= 3
    chat.http.close()


def customer_line(entry: dict[str, Any]) -> bool:
    text = text_of(entry)
    return bool(text) and not text.startswith(("💡", "📋", "Starting", "Mood", "Hi "))


def test_a_postgresql_restart_loses_nothing_and_everyone_reconnects(
    topo: Topology, postgres: PrivatePostgres, bounded: Deadline
) -> None:
    trainees = started(topo, 4, "postgres drill")
    for trainee in trainees:
        assert trainee.reply(LINES[0]).status_code == 200
    postgres.restart()  # every pooled connection of the gateway and both Rasa servers dies
    bounded.check("PostgreSQL restart")
    for line in LINES[1:3]:
        for trainee in trainees:
            answer = trainee.reply(line)
            assert answer.status_code == 200, answer.text
    assert_stored_once(topo, trainees)
    for trainee in trainees:
        trainee.close()


@pytest.fixture(autouse=True)
def _every_process_is_up_after_a_drill(topo: Topology) -> Any:
    yield
    assert not topo.exited(), [s.name for s in topo.exited()]
