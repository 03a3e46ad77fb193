"""Assessment integrity and turn integrity (issue 16) through the real stack: the gateway's HTTP
API (or a conversation service in this process) → Rasa's counterpart channel → NLU → actions.

Rasa's own HTTP API (enabled by `counterpart run`) shows what its tracker recorded.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import select

from bot_gateway.conversation import ConversationError, ConversationService
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.db.models import PracticeSession, Turn
from bot_gateway.rasa_client import RasaClient, RasaUnavailable
from personas import PersonaLibrary

T = TypeVar("T")
CONTROL = {"start_practice", "end_practice", "trainee_silent"}
INJECTIONS = [
    "/ /empathy",
    "/ /apology",
    "/empathy",
    '/apology{"persona": "x"}',
    "/ /end_practice",
    "/ /start_practice",
    "/end_practice",
    "/trainee_silent",
    "\u200b/ /end_practice",
    "/\n/end_practice",
    "end practice",
    "结束练习",
]


def rasa_url(stack: Any) -> str:
    return f"http://127.0.0.1:{stack.settings.rasa_port}"


def tracker_users(stack: Any, session_id: str) -> list[dict[str, Any]]:
    tracker = httpx.get(
        f"{rasa_url(stack)}/conversations/{session_id}/tracker",
        params={"token": stack.rasa_auth_token()},
        timeout=30,
    )
    assert tracker.status_code == 200, tracker.text
    return [e for e in tracker.json()["events"] if e["event"] == "user"]


def tracker_payloads(stack: Any, session_id: str) -> list[dict[str, Any]]:
    tracker = httpx.get(
        f"{rasa_url(stack)}/conversations/{session_id}/tracker",
        params={"token": stack.rasa_auth_token()},
        timeout=30,
    )
    return [
        e["data"]["custom"]
        for e in tracker.json()["events"]
        if e["event"] == "bot" and (e.get("data") or {}).get("custom")
    ]


def stored(stack: Any, session_id: str) -> tuple[PracticeSession, list[tuple[str, str, str]]]:
    async def load() -> tuple[PracticeSession, list[tuple[str, str, str]]]:
        engine = create_engine(stack.database_url)
        async with create_sessionmaker(engine)() as db:
            practice = await db.get(PracticeSession, session_id)
            turns = await db.scalars(
                select(Turn).where(Turn.session_id == session_id).order_by(Turn.index)
            )
            rows = [(t.role, t.text, t.status) for t in turns]
        await engine.dispose()
        assert practice is not None
        return practice, rows

    return asyncio.run(load())


@pytest.fixture
def client(gateway_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url, timeout=90) as http:
        assert http.post("/api/signin", json={"name": "integrity"}).status_code == 200
        yield http


def angry_persona(client: httpx.Client) -> dict[str, Any]:
    personas = client.get("/api/personas?lang=en&type=angry").json()
    return personas[0] if personas else client.get("/api/personas?lang=en").json()[0]


def start(client: httpx.Client, mode: str = "practice") -> str:
    response = client.post(
        "/api/sessions", json={"persona_id": angry_persona(client)["id"], "mode": mode}
    )
    assert response.status_code == 200, response.text
    return response.json()["session_id"]


# ------------------------------------------------------------------ assessment integrity


def actions_after_typed_text(stack: Any, session_id: str) -> list[tuple[str, str]]:
    """(typed text, the first action Rasa ran for it) of every trainee message."""
    tracker = httpx.get(
        f"{rasa_url(stack)}/conversations/{session_id}/tracker",
        params={"token": stack.rasa_auth_token()},
        timeout=30,
    )
    found: list[tuple[str, str]] = []
    text: str | None = None
    for event in tracker.json()["events"]:
        if event["event"] == "user":
            text = None if event["parse_data"]["intent"]["name"] in CONTROL else event["text"]
            if text is not None and event["metadata"].get("turn_key", "").startswith("reply:"):
                found.append((text, ""))
        elif event["event"] == "action" and event["name"] != "action_listen" and found:
            if found[-1][1] == "" and text is not None:
                found[-1] = (found[-1][0], event["name"])
    return found


#: typed texts per session: two, because an angry customer given two replies that say nothing
#: to them is at the edge of escalating (seed 002: not being listened to inflames), and a
#: third would reach a customer who has already ended the session themselves
PER_SESSION = 2


@pytest.mark.parametrize("chunk", range(0, len(INJECTIONS), PER_SESSION))
def test_no_typed_text_reaches_rasa_as_an_intent(stack, client: httpx.Client, chunk: int) -> None:
    texts = INJECTIONS[chunk : chunk + PER_SESSION]
    session_id = start(client, mode="assessment")
    for text in texts:
        answer = client.post(f"/api/sessions/{session_id}/replies", json={"text": text})
        assert answer.status_code == 200, (text, answer.text)
    users = tracker_users(stack, session_id)
    assert users[0]["parse_data"]["intent"]["name"] == "start_practice"  # the command
    typed = users[1:]
    assert [e["text"] for e in typed] == [t.replace("\u200b", "").strip() for t in texts]
    for event in typed:
        parse = event["parse_data"]
        # the classifier's reading (one probability per move), never Rasa's "/intent" syntax
        assert parse["intent"]["name"] not in CONTROL, event["text"]
        assert len(parse["intent_ranking"]) > 3, event["text"]
        assert not {r["name"] for r in parse["intent_ranking"]} & CONTROL
        assert all(e.get("extractor") != "RegexMessageHandler" for e in parse["entities"])
        assert event["metadata"]["turn_key"].startswith("reply:")
    # every typed message was answered by the customer, none ended or restarted the session
    assert [action for _, action in actions_after_typed_text(stack, session_id)] == [
        "action_customer_turn"
    ] * len(texts)
    _, turns = stored(stack, session_id)
    assert [t for r, t, _ in turns if r == "trainee"] == [t.replace("\u200b", "") for t in texts]


def test_slash_words_do_not_calm_the_customer(stack, client: httpx.Client) -> None:
    """'/ /empathy' used to be rated as empathy at confidence 1.0 and calm the customer."""
    session_id = start(client, mode="assessment")
    client.post(f"/api/sessions/{session_id}/replies", json={"text": "/ /empathy"})
    event = tracker_users(stack, session_id)[-1]
    assert event["parse_data"]["intent"]["confidence"] < 1.0
    payload = tracker_payloads(stack, session_id)[-1]
    moves = {m["move"]: m for m in payload["analysis"]["moves"]}
    assert not ("empathy" in moves and moves["empathy"].get("confidence", 0) >= 0.99)


# ------------------------------------------------------------------ no turn lost, none doubled


def test_every_reply_typed_during_an_outage_is_saved_and_answered_in_order(
    stack, client: httpx.Client
) -> None:
    """Before: the second reply resent the pending first one, failed, and was never stored,
    while the web chat said it was saved (and cleared the box)."""
    session_id = start(client)
    typed = ["I'm sorry about that.", "What is your order number?", "Let me check it now."]
    stack.stop_service("action-server")
    try:
        for text in typed[:2]:
            down = client.post(f"/api/sessions/{session_id}/replies", json={"text": text})
            assert down.status_code == 503 and "saved" in down.json()["message"]
        _, turns = stored(stack, session_id)
        assert turns[-2:] == [("trainee", t, "pending") for t in typed[:2]]
    finally:
        stack.start_service("action-server")
    back = client.post(f"/api/sessions/{session_id}/replies", json={"text": typed[2]})
    assert back.status_code == 200, back.text
    assert len(back.json()["earlier"]) == 2 and back.json()["customer"]
    _, turns = stored(stack, session_id)
    assert [(r, s) for r, _, s in turns] == [("customer", "done")] + [
        ("trainee", "done"),
        ("customer", "done"),
    ] * 3
    assert [t for r, t, _ in turns if r == "trainee"] == typed
    assert [t for r, t, _ in turns if r == "customer"][1:] == [
        *back.json()["earlier"],
        back.json()["customer"],
    ]


def test_two_replies_at_once_reach_rasa_once_each(stack, gateway_url: str) -> None:
    with httpx.Client(base_url=gateway_url, timeout=120) as first:
        assert first.post("/api/signin", json={"name": "two tabs"}).status_code == 200
        session_id = start(first)
        cookies = dict(first.cookies)
        texts = ["I'm sorry to hear that.", "Could you tell me your order number?"]
        results: list[httpx.Response] = []

        def send(text: str) -> None:
            with httpx.Client(base_url=gateway_url, timeout=120, cookies=cookies) as tab:
                results.append(tab.post(f"/api/sessions/{session_id}/replies", json={"text": text}))

        threads = [threading.Thread(target=send, args=(text,)) for text in texts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    typed = [e["text"] for e in tracker_users(stack, session_id)[1:]]
    assert sorted(typed) == sorted(texts)
    _, turns = stored(stack, session_id)
    assert [r for r, _, _ in turns] == ["customer", "trainee", "customer", "trainee", "customer"]
    assert all(status == "done" for _, _, status in turns)


class LosingRasa(RasaClient):
    """The real client, except that the next `lose` answers are lost after Rasa gave them."""

    lose = 0

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        payload = await super()._post(body)
        if self.lose:
            self.lose -= 1
            raise RasaUnavailable("ReadTimeout")
        return payload


@asynccontextmanager
async def in_process(stack: Any) -> AsyncIterator[ConversationService]:
    """A conversation service in this process on the stack's database and real Rasa."""
    engine = create_engine(stack.database_url)
    rasa = LosingRasa(rasa_url(stack), timeout=90, auth_token=stack.rasa_auth_token())
    settings = stack.app_settings
    library = PersonaLibrary(settings.persona_library_dir, types_root=settings.persona_types_dir)
    try:
        yield ConversationService(rasa, create_sessionmaker(engine), library)
    finally:
        await rasa.aclose()
        await engine.dispose()


def run(stack: Any, scenario: Callable[[ConversationService], Awaitable[T]]) -> T:
    async def main() -> T:
        async with in_process(stack) as service:
            return await scenario(service)

    return asyncio.run(main())


def english_persona(service: ConversationService) -> str:
    return next(p["id"] for p in service.personas("en"))


def test_a_lost_answer_is_replayed_by_rasa_not_played_twice(stack) -> None:
    async def scenario(service: ConversationService) -> tuple[str, str | None]:
        trainee = await service.register("web", "lost-answer", "Lost answer")
        view = await service.start(trainee, english_persona(service))
        service.rasa.lose = 1
        with pytest.raises(RasaUnavailable):
            await service.reply(view.session_id, "What exactly went wrong?", trainee_id=trainee)
        again = await service.retry(view.session_id, trainee_id=trainee)
        assert again is not None
        return view.session_id, again.customer

    session_id, customer = run(stack, scenario)
    typed = [e["text"] for e in tracker_users(stack, session_id)[1:]]
    assert typed == ["What exactly went wrong?"]  # Rasa played it once
    answers = [p["customer"] for p in tracker_payloads(stack, session_id)]
    assert len(answers) == 2 and answers[-1] == customer
    _, turns = stored(stack, session_id)
    assert [(r, s) for r, _, s in turns] == [
        ("customer", "done"),
        ("trainee", "done"),
        ("customer", "done"),
    ]
    assert turns[-1][1] == customer


def test_a_failed_start_keeps_the_previous_session(stack) -> None:
    class Unplayable:  # listed by the gateway, unknown to the action server
        id = "no_such_persona_on_the_action_server"
        type = "angry"
        language = "en"
        silence_timeout_seconds = 60.0

    async def scenario(service: ConversationService) -> None:
        trainee = await service.register("web", "failed-start", "Failed start")
        view = await service.start(trainee, english_persona(service))
        real_get = service.library.get
        service.library.get = lambda pid: Unplayable() if pid == Unplayable.id else real_get(pid)
        with pytest.raises(ConversationError) as error:
            await service.start(trainee, Unplayable.id)
        assert error.value.code == "unknown_persona"
        assert await service.active_session(trainee) == view.session_id
        answer = await service.reply(view.session_id, "Sorry, go on.", trainee_id=trainee)
        assert answer.customer

    run(stack, scenario)


def test_a_lost_end_still_yields_the_scorecard(stack) -> None:
    async def scenario(service: ConversationService) -> tuple[str, dict[str, Any] | None]:
        trainee = await service.register("web", "lost-end", "Lost end")
        view = await service.start(trainee, english_persona(service))
        await service.reply(view.session_id, "I'm sorry. What happened?", trainee_id=trainee)
        service.rasa.lose = 1
        with pytest.raises(RasaUnavailable):
            await service.end(view.session_id, trainee_id=trainee)
        later = await service.reply(view.session_id, "Are you still there?", trainee_id=trainee)
        assert later.ended
        return view.session_id, later.scorecard

    session_id, scorecard = run(stack, scenario)
    assert scorecard and scorecard.get("overall") is not None
    practice, turns = stored(stack, session_id)
    assert practice.status == "ended" and practice.scorecard == scorecard
    assert ("trainee", "Are you still there?", "unanswered") in turns
    ends = [e for e in tracker_users(stack, session_id) if e["text"] == "/end_practice"]
    assert len(ends) == 1  # the scorecard was replayed, not computed again
