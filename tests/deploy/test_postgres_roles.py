"""docker/postgres-roles.sql (what the compose PostgreSQL runs on first start) on a real
PostgreSQL: the roles it makes are not superusers, each reaches only its own database, and the
gateway migrates and serves as its role."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.ext.asyncio import create_async_engine

from bot_gateway import auth
from bot_gateway.config import Settings
from bot_gateway.db import migrate
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
HOST = "127.0.0.1"


@dataclass
class Roles:
    app_role: str
    app_db: str
    rasa_role: str
    rasa_db: str

    def url(self, role: str, database: str) -> str:
        return f"postgresql+asyncpg://{role}:pw@{HOST}:5432/{database}"


async def _admin(statement: str):
    engine = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        result = await connection.exec_driver_sql(statement)
        rows = result.all() if result.returns_rows else []
    await engine.dispose()
    return rows


@pytest.fixture
def roles() -> Iterator[Roles]:
    assert shutil.which("psql"), "psql missing (postgresql-client)"
    tag = uuid.uuid4().hex[:8]
    found = Roles(f"cp_app_{tag}", f"cp_appdb_{tag}", f"cp_rasa_{tag}", f"cp_rasadb_{tag}")
    subprocess.run(
        [
            "psql", "-h", HOST, "-U", "postgres", "-d", "postgres", "-q",
            "-v", f"app_role={found.app_role}", "-v", f"app_db={found.app_db}",
            "-v", "app_password=app-pw",
            "-v", f"rasa_role={found.rasa_role}", "-v", f"rasa_db={found.rasa_db}",
            "-v", "rasa_password=rasa-pw",
            "-f", str(ROOT / "docker" / "postgres-roles.sql"),
        ],
        check=True,
        capture_output=True,
        text=True,
    )  # fmt: skip
    yield found
    for database in (found.app_db, found.rasa_db):
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    for role in (found.app_role, found.rasa_role):
        asyncio.run(_admin(f'DROP ROLE IF EXISTS "{role}"'))


async def _as(url: str, statement: str):
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            result = await connection.exec_driver_sql(statement)
            return result.all() if result.returns_rows else []
    finally:
        await engine.dispose()


def test_the_service_roles_are_not_superusers(roles: Roles) -> None:
    rows = asyncio.run(
        _admin(
            "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles "
            f"WHERE rolname IN ('{roles.app_role}', '{roles.rasa_role}') ORDER BY rolname"
        )
    )
    assert [r[0] for r in rows] == sorted([roles.app_role, roles.rasa_role])
    assert all(not any(r[1:]) for r in rows)
    app = roles.url(roles.app_role, roles.app_db)
    assert asyncio.run(_as(app, "SELECT current_user"))[0][0] == roles.app_role
    with pytest.raises(Exception, match="permission denied"):
        asyncio.run(_as(app, f'CREATE DATABASE "{roles.app_db}_x"'))


def test_each_role_reaches_only_its_own_database(roles: Roles) -> None:
    with pytest.raises(Exception, match="permission denied"):
        asyncio.run(_as(roles.url(roles.app_role, roles.rasa_db), "SELECT 1"))
    with pytest.raises(Exception, match="permission denied"):
        asyncio.run(_as(roles.url(roles.rasa_role, roles.app_db), "SELECT 1"))
    # Rasa's tracker store creates its tables in its own database
    rasa = roles.url(roles.rasa_role, roles.rasa_db)
    asyncio.run(_as(rasa, "CREATE TABLE events (id serial PRIMARY KEY)"))


def test_the_gateway_migrates_and_serves_as_its_own_role(roles: Roles) -> None:
    url = roles.url(roles.app_role, roles.app_db)
    migrate.upgrade(url)

    async def seed() -> None:
        engine = create_engine(url)
        async with create_sessionmaker(engine).begin() as db:
            await auth.create_user(db, "ada", "admin", "correct horse battery")
        await engine.dispose()

    asyncio.run(seed())
    settings = Settings(_env_file=None, database_url=url, environment="test")
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/signin", json={"name": "Wang"}).status_code == 200
        signed = client.post(
            "/staff/login",
            data={"name": "ada", "password": "correct horse battery"},
            follow_redirects=False,
        )
        assert signed.status_code == 303
        assert client.get("/staff/sessions").status_code == 200
        assert client.post("/staff/logout", follow_redirects=False).status_code == 303
    owners = asyncio.run(
        _as(url, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
    )
    assert owners == [(roles.app_role,)]
