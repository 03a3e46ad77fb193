"""The web chat's sign-in cookie, checked against the database so that signing out ends it.

The signed cookie carries the trainee's id and the browser's random web id, which is the
trainee's external id on the "web" channel. A request is signed in only while the two still
match in the database. Signing out renames the external id, so a copy of the cookie taken
before no longer matches anyone (signing in again makes a new web id, as before).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot_gateway.db.models import Trainee
from bot_gateway.db.transactions import Transactions

SIGNED_OUT_PREFIX = "signed-out:"


def _ids(session: Mapping[str, Any]) -> tuple[int, str] | None:
    trainee_id = session.get("trainee_id")
    web_id = session.get("web_id")
    if not isinstance(trainee_id, int) or not isinstance(web_id, str) or not web_id:
        return None
    return trainee_id, web_id


def _matches(trainee_id: int, web_id: str):
    return (Trainee.id == trainee_id, Trainee.channel == "web", Trainee.external_id == web_id)


async def web_trainee(session: Mapping[str, Any], sessionmaker: async_sessionmaker) -> int | None:
    """The trainee this cookie signs in, or None (no cookie, or signed out since)."""
    ids = _ids(session)
    if ids is None:
        return None
    async with sessionmaker() as db:
        return await db.scalar(select(Trainee.id).where(*_matches(*ids)))


_T = Trainee.__table__.c
#: the same check as `web_trainee`'s, built once (every web request and chat opening runs it)
_SIGNED_IN = select(_T.id).where(
    _T.id == bindparam("p_trainee", type_=_T.id.type),
    _T.channel == "web",
    _T.external_id == bindparam("p_web", type_=_T.external_id.type),
)


def _signed_in(conn: Connection, trainee_id: int, web_id: str) -> int | None:
    return conn.scalar(_SIGNED_IN, {"p_trainee": trainee_id, "p_web": web_id})


async def web_trainee_on(session: Mapping[str, Any], db: Transactions) -> int | None:
    """`web_trainee` on the conversation service's turn-path connection (db/transactions.py):
    the same query as plain Core in one hand-off to its thread, where an ORM session on the
    async driver cost a dozen (each web request and each chat opening asks)."""
    ids = _ids(session)
    if ids is None:
        return None
    return await db.run(_signed_in, *ids)


async def end_web_sign_in(session: Mapping[str, Any], sessionmaker: async_sessionmaker) -> None:
    """Make every copy of this cookie sign nobody in."""
    ids = _ids(session)
    if ids is None:
        return
    async with sessionmaker.begin() as db:
        await db.execute(
            update(Trainee)
            .where(*_matches(*ids))
            .values(external_id=SIGNED_OUT_PREFIX + secrets.token_urlsafe(16))
        )
