"""Issue 15 in the supervisor's views: the dashboard, the exports and the trainee's Telegram
scorecard show the reply behind every credit, "not observed", the red lines and the rubric
version that scored a session."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient

from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.db.models import PracticeSession
from bot_gateway.telegram.render import scorecard_text
from scoring.rubric import RUBRIC_VERSION
from scoring.scorecard import score_session
from tests.bot_gateway.supervisor.conftest import World, sign_in


def _reply(text: str, *moves: str) -> dict:
    return {
        "role": "trainee",
        "text": text,
        "analysis": {"moves": [{"move": m, "confidence": 0.9} for m in moves]},
    }


def _said(text: str) -> dict:
    return {"role": "customer", "text": text}


GOOD_THEN_BLAME = [
    _said("The vacuum arrived broken!!"),
    _reply(
        "I'm so sorry, that must be really annoying. What happened?",
        "apology",
        "empathy",
        "open_question",
    ),
    _said("The dock is dead."),
    _reply("So the dock doesn't charge at all, right?", "paraphrase", "confirm"),
    _said("Yes."),
    _reply("You probably plugged it in wrong, to be honest.", "blame_customer"),
]


def _store(world: World, card: dict) -> None:
    async def store() -> None:
        engine = create_engine(world.database_url)
        async with create_sessionmaker(engine).begin() as db:
            practice = await db.get(PracticeSession, world.session_a)
            practice.scorecard = card
            practice.overall_score = card["overall"]
            practice.rubric_version = card["rubric_version"]
        await engine.dispose()

    asyncio.run(store())


def test_the_session_page_cites_the_reply_behind_each_credit(
    client: TestClient, world: World
) -> None:
    card = score_session(GOOD_THEN_BLAME, lang="en", persona_type="angry")
    _store(world, card)
    sign_in(client, "sue")
    page = client.get(f"/staff/sessions/{world.session_a}?lang=en").text
    # the confirm step and the confirmation score point to the paraphrase, reply 2
    assert 'data-step="confirm">✔' in page
    assert "Reply 2: “So the dock doesn&#39;t charge at all, right?”" in page
    # the blame is a red line that caps the score, and it is named
    assert 'id="red-lines"' in page and "Reply 3: “You probably plugged it in wrong" in page
    assert "red-line cap 40" in page
    # nothing about follow-up happened: not observed, not half good
    follow_up = 'data-dimension="follow_up">Follow-up &amp; closing: '
    assert follow_up + '<span class="muted not-observed">not observed' in page
    assert 'id="scorecard-help"' in page and "0.7" in page
    assert f"Rubric version {RUBRIC_VERSION}" in page
    zh = client.get(f"/staff/sessions/{world.session_a}?lang=zh").text
    assert "第2条回复" in zh and "未观察到" in zh and "总分怎么算" in zh
    listing = client.get("/staff/sessions?lang=en").text
    assert "Rubric version" in listing and f'rubric-version">{RUBRIC_VERSION}<' in listing
    assert 'rubric-version">test<' in listing  # the sessions scored by an older rubric


def test_the_exports_carry_the_evidence_columns(client: TestClient, world: World) -> None:
    card = score_session(GOOD_THEN_BLAME, lang="en", persona_type="angry")
    _store(world, card)
    sign_in(client, "sue")
    exported = client.get(f"/staff/export?format=json&cohort={world.cohort_a}").json()
    session = next(s for s in exported["sessions"] if s["session"] == world.session_a)
    assert session["rubric_version"] == RUBRIC_VERSION
    assert session["red_line_cap"] == 40
    assert (
        session["red_lines"]
        == "listening.no_blame @ 3: “You probably plugged it in wrong, to be honest.”"
    )
    assert session["evidence_step_confirm"] == "2: “So the dock doesn't charge at all, right?”"
    assert session["evidence_follow_up"] is None and "follow_up" in session["not_observed"]
    assert "2: “So the dock" in session["evidence_confirmation"]
    assert session["strength_evidence"].count("@") == len(card["strengths"])
    csv_text = client.get(f"/staff/export?format=csv&cohort={world.cohort_a}").text
    header = csv_text.splitlines()[0]
    assert "evidence_step_confirm" in header and "strength_evidence" in header
    assert "So the dock doesn't charge at all" in csv_text


def test_the_telegram_scorecard_shows_evidence_and_not_observed() -> None:
    card = score_session(GOOD_THEN_BLAME, lang="zh", persona_type="angry")
    text = scorecard_text(card, "zh", None)
    assert "未观察到" in text
    assert "↳ 第1条回复" in text  # a strength with the reply that earned it
    english = scorecard_text(score_session(GOOD_THEN_BLAME, lang="en"), "en", None)
    assert "not observed" in english and "↳ Reply " in english
