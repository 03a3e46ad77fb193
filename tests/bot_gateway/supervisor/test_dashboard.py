"""The dashboard pages, charts, filters and rating overrides."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.db.models import Cohort, PracticeSession, Trainee
from tests.bot_gateway.supervisor.conftest import World, sign_in


def test_the_session_page_shows_ratings_rules_and_the_mood_chart(
    client: TestClient, world: World
) -> None:
    sign_in(client, "sue")
    page = client.get(f"/staff/sessions/{world.session_a}?lang=en")
    assert page.status_code == 200
    assert "非常抱歉，我理解您的心情。" in page.text
    assert "empathy.empathise" in page.text and 'class="score ai-rating">68<' in page.text
    assert f"/staff/sessions/{world.session_a}/mood.png" in page.text
    chart = client.get(f"/staff/sessions/{world.session_a}/mood.png")
    assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG")


def test_the_language_toggle_is_remembered(client: TestClient) -> None:
    sign_in(client, "sue")
    assert "练习记录" in client.get("/staff/sessions").text
    assert "Sessions" in client.get("/staff/sessions?lang=en").text
    assert "Sessions" in client.get("/staff/cohorts").text


def test_filters_narrow_the_session_list(client: TestClient, world: World) -> None:
    sign_in(client, "ada")
    everything = client.get("/staff/sessions").text
    assert everything.count('class="session-row"') == 3
    doubtful = client.get("/staff/sessions?persona_type=doubtful").text
    assert doubtful.count('class="session-row"') == 1 and world.session_a not in doubtful
    english = client.get("/staff/sessions?language=en&since=2026-11-20&until=2026-11-20").text
    assert english.count('class="session-row"') == 1 and world.session_b in english
    later = client.get("/staff/sessions?since=2026-11-21").text
    assert later.count('class="session-row"') == 1
    cohort_a = client.get(f"/staff/sessions?cohort={world.cohort_a}&mode=&outcome=").text
    assert cohort_a.count('class="session-row"') == 2
    assert 'href="/staff/export?since=2026-11-21&amp;format=xlsx"' in later


def test_an_override_keeps_the_original_ai_rating(client: TestClient, world: World) -> None:
    sign_in(client, "sue")
    response = client.post(
        f"/staff/turns/{world.reply_a}/override",
        data={"overall": "85", "comment": "Good apology, tone fits."},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(f"/staff/sessions/{world.session_a}").text
    assert 'class="score supervisor-rating">85<' in page and 'ai-rating">68<' in page
    exported = client.get(f"/staff/export?format=json&cohort={world.cohort_a}").json()
    session = next(s for s in exported["sessions"] if s["session"] == world.session_a)
    assert session["ai_reply_mean"] == 68.0 and session["supervisor_reply_mean"] == 85.0
    reply = session["replies"][0]
    assert reply["ai_overall"] == 68 and reply["supervisor_overall"] == 85
    assert (
        reply["supervisor_comment"] == "Good apology, tone fits." and reply["supervisor"] == "sue"
    )


def test_an_override_needs_a_comment_and_a_visible_reply(client: TestClient, world: World) -> None:
    sign_in(client, "bob")
    refused = client.post(
        f"/staff/turns/{world.reply_a}/override", data={"overall": "10", "comment": "no"}
    )
    assert refused.status_code == 404  # session_a is in cohort A, not Bob's
    client.post("/staff/logout")
    sign_in(client, "sue")
    empty = client.post(
        f"/staff/turns/{world.reply_a}/override", data={"overall": "10", "comment": " "}
    )
    assert empty.status_code == 422
    too_high = client.post(
        f"/staff/turns/{world.reply_a}/override", data={"overall": "101", "comment": "x"}
    )
    assert too_high.status_code == 422


def test_progress_and_weakest_skill_charts_are_pngs(client: TestClient, world: World) -> None:
    sign_in(client, "sue")
    page = client.get("/staff/cohorts")
    assert f"/staff/cohorts/{world.cohort_a}/weakest.png" in page.text
    weakest = client.get(f"/staff/cohorts/{world.cohort_a}/weakest.png")
    assert weakest.status_code == 200 and weakest.content.startswith(b"\x89PNG")
    trainee_link = page.text.split('href="/staff/trainees/')[1].split('"')[0]
    assert client.get(f"/staff/trainees/{trainee_link}").status_code == 200
    progress = client.get(f"/staff/trainees/{trainee_link}/progress.png")
    assert progress.status_code == 200 and progress.content.startswith(b"\x89PNG")


def test_the_csv_export_has_one_row_per_visible_session(client: TestClient, world: World) -> None:
    sign_in(client, "sue")
    response = client.get("/staff/export?format=csv")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    header = lines[0].split(",")
    assert {"trainee", "cohort", "overall", "dim_empathy", "ai_reply_mean"} <= set(header)
    assert len(lines) == 3  # Wang Fang's two sessions; Tom's is in cohort B
    assert world.session_b not in response.text


def test_the_persona_library_page_lists_personas_for_staff(client: TestClient) -> None:
    sign_in(client, "tia")
    page = client.get("/personas")
    assert page.status_code == 200 and "angry_zh_test" in page.text
    client.post("/staff/logout")
    assert client.get("/personas", follow_redirects=False).status_code == 303


def test_json_export_is_valid_when_nothing_matches(client: TestClient) -> None:
    sign_in(client, "sue")
    response = client.get("/staff/export?format=json&since=2030-01-01")
    assert json.loads(response.content) == {"sessions": []}


def _add_namesakes_and_an_unfinished_session(world: World) -> None:
    async def add() -> None:
        engine = create_engine(world.database_url)
        async with create_sessionmaker(engine).begin() as db:
            cohort = await db.get(Cohort, world.cohort_a)
            first = Trainee(
                channel="telegram", external_id="701", display_name="小李", cohort=cohort
            )
            second = Trainee(channel="web", external_id="w9", display_name="小李", cohort=cohort)
            db.add_all([first, second])
            db.add(
                PracticeSession(
                    trainee=first,
                    persona_id="angry_zh_test",
                    persona_type="angry",
                    language="zh",
                    mode="practice",
                    status="ended",
                    outcome=None,
                    started_at=datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
                    rubric_version="test",
                )
            )
        await engine.dispose()

    asyncio.run(add())


def test_namesakes_are_told_apart_and_an_unfinished_session_says_how_it_stands(
    client: TestClient, world: World
) -> None:
    _add_namesakes_and_an_unfinished_session(world)
    sign_in(client, "ada")
    page = client.get("/staff/sessions?lang=zh").text
    assert "小李 · Telegram #" in page and "小李 · Web #" in page
    assert ">王芳</option>" in page  # a name nobody shares stays as it is
    assert "学员提前结束" in page and ">ended<" not in page
    assert "Ended by the trainee" in client.get("/staff/sessions?lang=en").text


def test_an_english_browser_gets_the_english_dashboard_until_it_switches(
    client: TestClient,
) -> None:
    sign_in(client, "sue")
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    assert "Sessions" in client.get("/staff/sessions", headers=english).text
    assert "练习记录" in client.get("/staff/sessions?lang=zh", headers=english).text
    assert "练习记录" in client.get("/staff/sessions", headers=english).text
