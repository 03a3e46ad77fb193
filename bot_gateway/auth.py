"""Staff users, roles, API tokens and who may see which cohorts.

Passwords are hashed with Argon2id (argon2-cffi); API tokens are random and only their
SHA-256 is stored, so a leaked database gives neither passwords nor usable tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot_gateway.db.models import ApiToken, Cohort, User

ROLES = ("trainee", "trainer", "supervisor", "admin")
#: roles that may open the dashboard, override ratings and export
SUPERVISING_ROLES = frozenset({"supervisor", "admin"})
#: roles that may browse the persona library as staff
LIBRARY_ROLES = frozenset({"trainer", "supervisor", "admin"})
TOKEN_PREFIX = "cpt_"

_hasher = PasswordHasher()
# Verifying an unknown user's password still costs one hash, so names cannot be probed by timing.
_DUMMY_HASH = _hasher.hash("counterpart-no-such-user")


class AuthError(Exception):
    """A user or token request that cannot be carried out (unknown role, cohort, user …)."""


@dataclass(frozen=True)
class Principal:
    """Who is asking, with the cohorts they may see."""

    user_id: int
    name: str
    role: str
    cohort_ids: frozenset[int]

    @property
    def sees_everything(self) -> bool:
        return self.role == "admin"

    @property
    def supervises(self) -> bool:
        return self.role in SUPERVISING_ROLES

    def may_see_cohort(self, cohort_id: int | None) -> bool:
        return self.sees_everything or (cohort_id is not None and cohort_id in self.cohort_ids)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _principal(user: User) -> Principal:
    return Principal(user.id, user.name, user.role, frozenset(c.id for c in user.cohorts))


async def _load(db: AsyncSession, **where: object) -> User | None:
    query = select(User).options(selectinload(User.cohorts)).filter_by(**where)
    return await db.scalar(query)


async def create_user(
    db: AsyncSession, name: str, role: str, password: str, cohorts: Iterable[str] = ()
) -> User:
    """Create a user; cohorts are invite codes (or numeric ids) of existing cohorts."""
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise AuthError("the password needs at least 8 characters")
    if await db.scalar(select(User.id).where(User.name == name)) is not None:
        raise AuthError(f"a user named {name!r} exists already")
    user = User(name=name, role=role, password_hash=hash_password(password))
    user.cohorts = [await find_cohort(db, code) for code in cohorts]
    db.add(user)
    await db.flush()
    return user


async def find_cohort(db: AsyncSession, code: str) -> Cohort:
    """A cohort by invite code, or by id when the code is a number."""
    query = select(Cohort).where(Cohort.invite_code == code)
    if code.isdigit():
        query = select(Cohort).where((Cohort.invite_code == code) | (Cohort.id == int(code)))
    cohort = await db.scalar(query)
    if cohort is None:
        raise AuthError(f"no cohort {code!r}")
    return cohort


async def authenticate(db: AsyncSession, name: str, password: str) -> Principal | None:
    user = await _load(db, name=name)
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return _principal(user)


async def principal(db: AsyncSession, user_id: int) -> Principal | None:
    user = await _load(db, id=user_id)
    return _principal(user) if user is not None and user.active else None


async def create_token(db: AsyncSession, user_name: str, label: str = "") -> str:
    """A new API token for the user; the plain token is returned once and never stored."""
    user = await _load(db, name=user_name)
    if user is None:
        raise AuthError(f"no user {user_name!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(ApiToken(user_id=user.id, token_hash=hash_token(token), label=label))
    await db.flush()
    return token


async def principal_for_token(db: AsyncSession, token: str) -> Principal | None:
    found = await db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if found is None:
        return None
    found.last_used_at = datetime.now(UTC)
    return await principal(db, found.user_id)
