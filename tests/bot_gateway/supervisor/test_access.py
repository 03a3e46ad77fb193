"""Who may see what: roles, cohort assignments, tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.bot_gateway.supervisor.conftest import World, sign_in


def test_the_dashboard_sends_a_signed_out_visitor_to_the_staff_sign_in(client: TestClient) -> None:
    response = client.get("/staff/sessions", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"
    assert client.get("/staff/login").status_code == 200


def test_a_wrong_password_is_refused(client: TestClient) -> None:
    response = client.post("/staff/login", data={"name": "sue", "password": "nope-nope"})
    assert response.status_code == 401
    assert client.get("/staff/sessions", follow_redirects=False).status_code == 303


def test_passwords_are_stored_hashed(world: World) -> None:
    import asyncio

    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import create_async_engine

    from bot_gateway.db.models import ApiToken, User

    async def read() -> tuple[list[str], list[str]]:
        engine = create_async_engine(world.database_url)
        async with engine.connect() as db:
            hashes = list((await db.execute(select(User.password_hash))).scalars())
            tokens = list((await db.execute(select(ApiToken.token_hash))).scalars())
        await engine.dispose()
        return hashes, tokens

    hashes, tokens = asyncio.run(read())
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert set(world.tokens.values()).isdisjoint(tokens)


def test_a_trainee_or_trainer_account_gets_403_on_the_dashboard(client: TestClient) -> None:
    for name in ("li", "tia"):
        sign_in(client, name)
        assert client.get("/staff/sessions").status_code == 403
        assert client.get("/staff/export?format=csv").status_code == 403
        client.post("/staff/logout")


def test_a_web_chat_trainee_is_not_staff(client: TestClient) -> None:
    assert client.post("/api/signin", json={"name": "王芳"}).status_code == 200
    response = client.get("/staff/sessions", follow_redirects=False)
    assert response.status_code == 303
    # but the persona library is open to them
    assert client.get("/personas").status_code == 200


def test_a_supervisor_sees_only_their_cohorts_sessions(client: TestClient, world: World) -> None:
    sign_in(client, "sue")
    page = client.get("/staff/sessions")
    assert page.status_code == 200
    assert world.session_a in page.text and world.session_b not in page.text
    assert client.get(f"/staff/sessions/{world.session_b}").status_code == 404
    assert client.get(f"/staff/sessions?cohort={world.cohort_b}").status_code == 403
    assert client.get(f"/staff/cohorts/{world.cohort_b}/weakest.png").status_code == 403
    cohorts = client.get("/staff/cohorts").text
    assert "Cohort A" in cohorts and "Cohort B" not in cohorts


def test_an_admin_sees_every_cohort(client: TestClient, world: World) -> None:
    sign_in(client, "ada")
    page = client.get("/staff/sessions").text
    assert world.session_a in page and world.session_b in page
    assert client.get(f"/staff/sessions/{world.session_b}").status_code == 200


def test_the_export_endpoint_needs_a_supervisors_token(client: TestClient, world: World) -> None:
    assert client.get("/api/export").status_code == 401
    bad = client.get("/api/export", headers={"Authorization": "Bearer cpt_forged"})
    assert bad.status_code == 401
    trainee = client.get("/api/export", headers={"Authorization": f"Bearer {world.tokens['li']}"})
    assert trainee.status_code == 403
    sue = client.get(
        "/api/export?format=json", headers={"Authorization": f"Bearer {world.tokens['sue']}"}
    )
    assert sue.status_code == 200
    assert [s["session"] for s in sue.json()["sessions"]].count(world.session_b) == 0
    assert world.session_a in {s["session"] for s in sue.json()["sessions"]}
    other = client.get(
        "/api/export?cohort=COHORT-B", headers={"Authorization": f"Bearer {world.tokens['sue']}"}
    )
    assert other.status_code == 403


def test_staff_sign_in_does_not_sign_in_the_web_chat(client: TestClient) -> None:
    sign_in(client, "sue")
    assert client.get("/api/me").status_code == 401
