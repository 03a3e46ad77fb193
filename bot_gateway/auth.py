"""Staff users, roles, API tokens and who may see which cohorts.

Passwords are hashed with Argon2id (argon2-cffi); API tokens are random and only their
SHA-256 is stored, so a leaked database gives neither passwords nor usable tokens.

Hashing is deliberately slow (tens of milliseconds and 64 MiB each), so sign-ins hash in a small
thread pool of their own, never on the event loop that serves every trainee's turn, and
:class:`LoginThrottle` locks an account or a client out for a while after repeated failures.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot_gateway.db.models import ApiToken, Cohort, User
from bot_gateway.ids import MAX_ID

ROLES = ("trainee", "trainer", "supervisor", "admin")
#: roles that may open the dashboard, override ratings and export
SUPERVISING_ROLES = frozenset({"supervisor", "admin"})
#: roles that may browse the persona library as staff
LIBRARY_ROLES = frozenset({"trainer", "supervisor", "admin"})
TOKEN_PREFIX = "cpt_"
#: lifetime of a new API token unless `counterpart token create --days` says otherwise
TOKEN_DAYS = 90
TOKEN_MAX_DAYS = 366

_hasher = PasswordHasher()
# Verifying an unknown user's password still costs one hash, so names cannot be probed by timing.
_DUMMY_HASH = _hasher.hash("counterpart-no-such-user")

#: at most this many password hashes run at once (argon2-cffi releases the GIL while hashing)
HASH_THREADS = 2
#: sign-ins waiting for a hash beyond this are refused as "busy" rather than queued
HASH_QUEUE_LIMIT = 32
_hash_pool = ThreadPoolExecutor(max_workers=HASH_THREADS, thread_name_prefix="argon2")
_hash_waiting = 0

#: failures an account (or a client, over every account it tries) may make before locks start
ACCOUNT_FREE_FAILURES = 5
CLIENT_FREE_FAILURES = 20
#: the first lock; each further failure after a lock doubles it, up to the maximum
LOCK_BASE_SECONDS = 30.0
LOCK_MAX_SECONDS = 15 * 60.0
#: strikes are forgotten after this long without a failure
FORGET_SECONDS = 60 * 60.0


class AuthError(Exception):
    """A user or token request that cannot be carried out (unknown role, cohort, user …)."""


class HashingBusy(Exception):
    """Too many sign-ins are already waiting for a password hash; try again in a moment."""


@dataclass
class _Strikes:
    failures: int = 0
    locked_until: float = 0.0
    last_failure: float = 0.0


class LoginThrottle:
    """Failed staff sign-ins per account name and per client address, in this process.

    An account may fail ACCOUNT_FREE_FAILURES times and a client CLIENT_FREE_FAILURES times
    (summed over every name it tries); each failure beyond that locks it for LOCK_BASE_SECONDS,
    doubling with every further failure up to LOCK_MAX_SECONDS. A locked sign-in is refused
    before any hashing. A successful sign-in clears the account's strikes (not the client's,
    so one valid account does not reset guessing at others); strikes are forgotten after
    FORGET_SECONDS without a failure. Unknown names are counted like real ones, so a lock tells
    nothing about which names exist. Held in memory: the gateway runs as one process.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_entries: int = 10_000):
        self._clock = clock
        self._max_entries = max_entries
        self._accounts: dict[str, _Strikes] = {}
        self._clients: dict[str, _Strikes] = {}

    @staticmethod
    def _account_key(name: str) -> str:
        return name.strip().casefold()

    def retry_after(self, name: str, client: str) -> float:
        """Seconds until this name may be tried from this client again (0: now)."""
        now = self._clock()
        waits = [
            strikes.locked_until - now
            for strikes in (
                self._accounts.get(self._account_key(name)),
                self._clients.get(client),
            )
            if strikes is not None
        ]
        return max([0.0, *waits])

    def failed(self, name: str, client: str) -> None:
        now = self._clock()
        for table, key, free in (
            (self._accounts, self._account_key(name), ACCOUNT_FREE_FAILURES),
            (self._clients, client, CLIENT_FREE_FAILURES),
        ):
            strikes = table.get(key)
            if strikes is None or now - strikes.last_failure > FORGET_SECONDS:
                strikes = table[key] = _Strikes()
            strikes.failures += 1
            strikes.last_failure = now
            beyond = strikes.failures - free
            if beyond >= 0:
                lock = min(LOCK_BASE_SECONDS * 2**beyond, LOCK_MAX_SECONDS)
                strikes.locked_until = now + lock
            self._prune(table, now)

    def succeeded(self, name: str, client: str) -> None:
        self._accounts.pop(self._account_key(name), None)

    def _prune(self, table: dict[str, _Strikes], now: float) -> None:
        if len(table) <= self._max_entries:
            return
        for key, strikes in list(table.items()):
            if strikes.locked_until <= now and now - strikes.last_failure > LOCK_MAX_SECONDS:
                del table[key]


@dataclass(frozen=True)
class Principal:
    """Who is asking, with the cohorts they may see."""

    user_id: int
    name: str
    role: str
    cohort_ids: frozenset[int]
    session_version: int = 0

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
    return Principal(
        user.id,
        user.name,
        user.role,
        frozenset(c.id for c in user.cohorts),
        user.session_version or 0,
    )


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
    if code.isascii() and code.isdigit() and int(code) <= MAX_ID:  # '²'.isdigit() is True
        query = select(Cohort).where((Cohort.invite_code == code) | (Cohort.id == int(code)))
    cohort = await db.scalar(query)
    if cohort is None:
        raise AuthError(f"no cohort {code!r}")
    return cohort


async def _off_loop(work: Callable[..., object], *args: object) -> object:
    """Run a password hash in the bounded hashing pool; HashingBusy when too many wait."""
    global _hash_waiting
    if _hash_waiting >= HASH_QUEUE_LIMIT:
        raise HashingBusy
    _hash_waiting += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_hash_pool, work, *args)
    finally:
        _hash_waiting -= 1


async def authenticate(db: AsyncSession, name: str, password: str) -> Principal | None:
    user = await _load(db, name=name)
    if user is None or not user.active:
        await _off_loop(verify_password, _DUMMY_HASH, password)
        return None
    if not await _off_loop(verify_password, user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = str(await _off_loop(hash_password, password))
    return _principal(user)


async def principal(
    db: AsyncSession, user_id: int, session_version: int | None = None
) -> Principal | None:
    """The active user with this id; with a session version (from a staff cookie), only while
    it is the user's current one, so signing out or disabling the user ends older cookies."""
    user = await _load(db, id=user_id)
    if user is None or not user.active:
        return None
    if session_version is not None and session_version != (user.session_version or 0):
        return None
    return _principal(user)


async def end_sign_ins(db: AsyncSession, user_id: int) -> None:
    """Invalidate every staff cookie of the user (each carries the old session version)."""
    await db.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes (stored as UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def create_token(
    db: AsyncSession, user_name: str, label: str = "", days: int = TOKEN_DAYS
) -> str:
    """A new API token for the user, valid for `days`; the plain token is returned once and
    never stored."""
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise AuthError(f"a token lives from 1 to {TOKEN_MAX_DAYS} days (asked: {days})")
    user = await _load(db, name=user_name)
    if user is None:
        raise AuthError(f"no user {user_name!r}")
    if not user.active:
        raise AuthError(f"user {user_name!r} is disabled")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=days)
    db.add(ApiToken(user_id=user.id, token_hash=hash_token(token), label=label, expires_at=expires))
    await db.flush()
    return token


class TokenRefused(Exception):
    """A token that exists but may not be used; the message says why (expired, revoked)."""


async def principal_for_token(db: AsyncSession, token: str) -> Principal | None:
    """The token's user; None for an unknown token, TokenRefused for an expired or revoked one."""
    found = await db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if found is None:
        return None
    now = datetime.now(UTC)
    if found.revoked_at is not None:
        raise TokenRefused("this token was revoked")
    if found.expires_at is not None and _aware(found.expires_at) <= now:
        raise TokenRefused("this token expired; make a new one with `counterpart token create`")
    found.last_used_at = now
    return await principal(db, found.user_id)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


async def list_tokens(db: AsyncSession, user_name: str | None = None) -> list[TokenInfo]:
    query = select(ApiToken, User.name).join(User).order_by(ApiToken.id)
    if user_name is not None:
        query = query.where(User.name == user_name)
    return [
        TokenInfo(t.id, name, t.label, t.created_at, t.expires_at, t.last_used_at, t.revoked_at)
        for t, name in (await db.execute(query)).all()
    ]


async def revoke_tokens(
    db: AsyncSession,
    *,
    token: str | None = None,
    token_id: int | None = None,
    user_name: str | None = None,
) -> int:
    """Revoke one token (by its plain text or id) or every live token of a user; returns how
    many were revoked. AuthError when the token or user does not exist."""
    query = select(ApiToken).where(ApiToken.revoked_at.is_(None))
    if token is not None:
        exists = select(ApiToken.id).where(ApiToken.token_hash == hash_token(token))
        if await db.scalar(exists) is None:
            raise AuthError("no token like that (it is shown once, when made)")
        query = query.where(ApiToken.token_hash == hash_token(token))
    elif token_id is not None:
        if await db.get(ApiToken, token_id) is None:
            raise AuthError(f"no token with id {token_id} (see `counterpart token list`)")
        query = query.where(ApiToken.id == token_id)
    elif user_name is not None:
        user = await _load(db, name=user_name)
        if user is None:
            raise AuthError(f"no user {user_name!r}")
        query = query.where(ApiToken.user_id == user.id)
    else:
        raise AuthError("say which token to revoke")
    now = datetime.now(UTC)
    found = list((await db.scalars(query)).all())
    for row in found:
        row.revoked_at = now
    await db.flush()
    return len(found)


async def set_active(db: AsyncSession, user_name: str, active: bool) -> int:
    """Enable or disable a user. Disabling also ends every sign-in and revokes every token
    (enabling does not bring them back); returns the number of tokens revoked."""
    user = await _load(db, name=user_name)
    if user is None:
        raise AuthError(f"no user {user_name!r}")
    user.active = active
    revoked = 0
    if not active:
        await end_sign_ins(db, user.id)
        revoked = await revoke_tokens(db, user_name=user_name)
    await db.flush()
    return revoked
