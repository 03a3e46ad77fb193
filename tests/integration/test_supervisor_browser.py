"""The supervisor dashboard in a real browser: sign-in, filters, override, XLSX export."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from bot_gateway import auth
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.db.models import Cohort, PracticeSession, RatingOverride, Trainee, Turn

PHONE = {"width": 390, "height": 800}
PASSWORD = "supervise-me-123"
expect.set_options(timeout=20_000)


def _in_thread(coroutine):
    # Playwright's sync API keeps an event loop running in this thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _setup(database_url: str, code: str, supervisor: str) -> None:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine).begin() as db:
        db.add(Cohort(name=f"Browser {code}", invite_code=code))
        await db.flush()
        await auth.create_user(db, supervisor, "supervisor", PASSWORD, [code])
    await engine.dispose()


async def _stored(database_url: str, code: str) -> dict:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as db:
        rows = (
            await db.execute(
                select(PracticeSession, Trainee)
                .join(Trainee)
                .join(Cohort)
                .where(Cohort.invite_code == code)
            )
        ).all()
        sessions = {p.id: (t.display_name, p.overall_score, p.persona_id) for p, t in rows}
        replies = (
            await db.scalars(
                select(Turn).where(Turn.session_id.in_(list(sessions)), Turn.role == "trainee")
            )
        ).all()
        overrides = (
            await db.scalars(
                select(RatingOverride).where(RatingOverride.turn_id.in_([t.id for t in replies]))
            )
        ).all()
        found = {
            "sessions": sessions,
            "ai": {t.id: (t.rating or {}).get("overall") for t in replies},
            "overrides": [(o.turn_id, o.overall, o.comment) for o in overrides],
        }
    await engine.dispose()
    return found


def _practice(gateway_url: str, code: str, name: str) -> str:
    """A short trainee session through the real gateway API."""
    with httpx.Client(base_url=gateway_url, timeout=60) as client:
        assert (
            client.post("/api/signin", json={"name": name, "cohort_code": code}).status_code == 200
        )
        persona = next(p for p in client.get("/api/personas").json() if p["language"] == "zh")
        opening = client.post("/api/sessions", json={"persona_id": persona["id"]}).json()
        session_id = opening["session_id"]
        reply = client.post(
            f"/api/sessions/{session_id}/replies",
            json={"text": "非常抱歉让您久等了，我理解您的心情。能具体说说发生了什么吗？"},
        )
        assert reply.status_code == 200, reply.text
        if not reply.json()["ended"]:
            assert client.post(f"/api/sessions/{session_id}/end").status_code == 200
    return session_id


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # a Chinese-speaking supervisor's browser: the dashboard follows the browser's language
    # until the toggle switches it
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, accept_downloads=True, locale="zh-CN"
    )
    page = context.new_page()
    yield page
    context.close()


def test_a_supervisor_filters_overrides_and_exports(
    page: Page, gateway_url: str, stack, tmp_path: Path
) -> None:
    code = f"S{uuid.uuid4().hex[:6].upper()}"
    other = f"O{uuid.uuid4().hex[:6].upper()}"
    supervisor = f"sup_{code.lower()}"
    _in_thread(_setup(stack.database_url, code, supervisor))
    _in_thread(_setup(stack.database_url, other, f"sup_{other.lower()}"))
    mine = _practice(gateway_url, code, "王芳")
    theirs = _practice(gateway_url, other, "Someone Else")

    page.goto(f"{gateway_url}/staff/sessions")
    expect(page.locator("#login-title")).to_be_visible()
    page.fill("#name", supervisor)
    page.fill("#password", "wrong-password")
    page.click("#signin-button")
    expect(page.locator("#login-error")).to_be_visible()
    page.fill("#name", supervisor)
    page.fill("#password", PASSWORD)
    page.click("#signin-button")
    expect(page.locator("#sessions-table")).to_be_visible()
    # only the assigned cohort's session
    expect(page.locator(f'tr[data-session="{mine}"]')).to_have_count(1)
    expect(page.locator(f'tr[data-session="{theirs}"]')).to_have_count(0)

    # filters: English narrows to nothing, Chinese brings the session back
    page.select_option("#f-language", "en")
    page.click("#apply-filters")
    expect(page.locator("#no-sessions")).to_be_visible()
    page.select_option("#f-language", "zh")
    page.select_option("#f-mode", "practice")
    page.click("#apply-filters")
    expect(page.locator(f'tr[data-session="{mine}"]')).to_have_count(1)

    # the language toggle
    page.click("#lang-toggle")
    expect(page.locator("#nav-sessions")).to_have_text("Sessions")

    # a session: transcript, rating, rules, mood chart; then an override
    page.click(f'tr[data-session="{mine}"] a >> nth=0')
    expect(page.locator(".reply").first).to_be_visible()
    assert page.wait_for_function(
        "() => document.getElementById('mood-chart').naturalWidth > 0", timeout=15_000
    )
    reply = page.locator(".reply").first
    ai_before = reply.locator(".ai-rating").inner_text()
    reply.locator("details.override summary").click()
    reply.locator("input[name=overall]").fill("91")
    reply.locator("textarea[name=comment]").fill("Warm apology, good open question.")
    reply.locator("button[type=submit]").click()
    expect(page.locator(".reply").first.locator(".supervisor-rating")).to_have_text("91")
    expect(page.locator(".reply").first.locator(".ai-rating")).to_have_text(ai_before)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]

    # export with the filters, as XLSX
    page.goto(f"{gateway_url}/staff/sessions?language=zh")
    with page.expect_download() as info:
        page.click("#export-xlsx")
    target = tmp_path / "export.xlsx"
    info.value.save_as(target)

    stored = _in_thread(_stored(stack.database_url, code))
    book = load_workbook(target)
    sessions = book["sessions"]
    header = [c.value for c in sessions[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sessions.iter_rows(2)]
    assert {r["session"] for r in rows} == set(stored["sessions"])
    for row in rows:
        name, overall, persona = stored["sessions"][row["session"]]
        assert (row["trainee"], row["overall"], row["persona"]) == (name, overall, persona)
    turns = book["turns"]
    turn_header = [c.value for c in turns[1]]
    turn_rows = [
        dict(zip(turn_header, (c.value for c in r), strict=True)) for r in turns.iter_rows(2)
    ]
    assert sorted(r["ai_overall"] for r in turn_rows) == sorted(stored["ai"].values())
    assert [
        (r["supervisor_overall"], r["supervisor_comment"])
        for r in turn_rows
        if r["supervisor_overall"]
    ] == [(o[1], o[2]) for o in stored["overrides"]]
    assert stored["overrides"][0][1] == 91
