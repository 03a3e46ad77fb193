"""Sign-ins and API tokens can be taken back: signing out ends a copied cookie, tokens expire
and can be revoked, and a disabled user loses every sign-in and token at once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from bot_gateway import cli
from bot_gateway.config import get_settings
from bot_gateway.db.models import ApiToken, User
from tests.bot_gateway.supervisor.conftest import PASSWORD, World, sign_in

runner = CliRunner()
COOKIE = "counterpart_session"


@pytest.fixture
def configured(world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[World]:
    monkeypatch.setenv("DATABASE_URL", world.database_url)
    get_settings.cache_clear()
    yield world
    get_settings.cache_clear()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _run(url: str, statement) -> None:
    async def go() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as db:
            await db.execute(statement)
        await engine.dispose()

    asyncio.run(go())


def _token_rows(url: str) -> list[tuple[int, str, datetime | None, datetime | None]]:
    async def go():
        engine = create_async_engine(url)
        async with engine.connect() as db:
            rows = await db.execute(
                select(ApiToken.id, User.name, ApiToken.expires_at, ApiToken.revoked_at)
                .join(User)
                .order_by(ApiToken.id)
            )
            found = [tuple(r) for r in rows.all()]
        await engine.dispose()
        return found

    return asyncio.run(go())


def test_a_cookie_copied_before_sign_out_no_longer_signs_in(client: TestClient) -> None:
    sign_in(client, "sue")
    copied = client.cookies.get(COOKIE)
    assert copied and client.get("/staff/sessions").status_code == 200
    client.post("/staff/logout")
    client.cookies.set(COOKIE, copied)
    response = client.get("/staff/sessions", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"
    # signing in again works and gives a fresh, valid cookie
    sign_in(client, "sue")
    assert client.get("/staff/sessions").status_code == 200


def test_new_tokens_expire(client: TestClient, world: World) -> None:
    rows = _token_rows(world.database_url)
    assert rows and all(expires is not None for _, _, expires, _ in rows)
    token = world.tokens["sue"]
    assert client.get("/api/export?format=csv", headers=_bearer(token)).status_code == 200
    past = datetime.now(UTC) - timedelta(minutes=1)
    _run(world.database_url, update(ApiToken).values(expires_at=past))
    response = client.get("/api/export?format=csv", headers=_bearer(token))
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_token_create_takes_a_lifetime_and_refuses_a_bad_one(configured: World) -> None:
    made = runner.invoke(cli.app, ["token", "create", "ada", "--days", "7", "--label", "cron"])
    assert made.exit_code == 0, made.output
    expires = _token_rows(configured.database_url)[-1][2]
    assert expires is not None
    left = expires.replace(tzinfo=expires.tzinfo or UTC) - datetime.now(UTC)
    assert timedelta(days=6) < left <= timedelta(days=7)
    bad = runner.invoke(cli.app, ["token", "create", "ada", "--days", "0"])
    assert bad.exit_code != 0 and "days" in bad.output


def test_token_revoke_by_token_by_id_and_by_user(client: TestClient, configured: World) -> None:
    sue, ada = configured.tokens["sue"], configured.tokens["ada"]
    assert client.get("/api/export", headers=_bearer(sue)).status_code == 200
    revoked = runner.invoke(cli.app, ["token", "revoke", sue])
    assert revoked.exit_code == 0, revoked.output
    response = client.get("/api/export", headers=_bearer(sue))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]

    listed = runner.invoke(cli.app, ["token", "list", "ada"])
    assert listed.exit_code == 0 and "expires" in listed.output
    ada_id = next(i for i, name, _, _ in _token_rows(configured.database_url) if name == "ada")
    assert str(ada_id) in listed.output
    assert runner.invoke(cli.app, ["token", "revoke", str(ada_id)]).exit_code == 0
    assert client.get("/api/export", headers=_bearer(ada)).status_code == 401

    extra = runner.invoke(cli.app, ["token", "create", "ada"]).output.strip()
    assert client.get("/api/export", headers=_bearer(extra)).status_code == 200
    everything = runner.invoke(cli.app, ["token", "revoke", "--user", "ada"])
    assert everything.exit_code == 0 and "1 token" in everything.output
    assert client.get("/api/export", headers=_bearer(extra)).status_code == 401

    unknown = runner.invoke(cli.app, ["token", "revoke", "cpt_no-such-token"])
    assert unknown.exit_code == 1 and "no token" in unknown.output


def test_user_disable_ends_sign_ins_and_tokens(client: TestClient, configured: World) -> None:
    sign_in(client, "sue")
    assert client.get("/staff/sessions").status_code == 200
    disabled = runner.invoke(cli.app, ["user", "disable", "sue"])
    assert disabled.exit_code == 0, disabled.output
    assert client.get("/staff/sessions", follow_redirects=False).status_code == 303
    token = configured.tokens["sue"]
    assert client.get("/api/export", headers=_bearer(token)).status_code == 401
    login = client.post(
        "/staff/login", data={"name": "sue", "password": PASSWORD}, follow_redirects=False
    )
    assert login.status_code == 401
    assert runner.invoke(cli.app, ["user", "disable", "nobody"]).exit_code == 1

    enabled = runner.invoke(cli.app, ["user", "enable", "sue"])
    assert enabled.exit_code == 0, enabled.output
    sign_in(client, "sue")
    # tokens stay revoked: re-enabling an account does not bring old credentials back
    assert client.get("/api/export", headers=_bearer(token)).status_code == 401
