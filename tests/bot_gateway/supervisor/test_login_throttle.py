"""Staff sign-in: Argon2 runs off the event loop in a bounded pool, and repeated failures lock
an account and a client out for a while with a clear 429 in both languages."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from fastapi.testclient import TestClient

from bot_gateway import auth
from tests.bot_gateway.supervisor.conftest import PASSWORD, sign_in


def _login(client: TestClient, name: str, password: str, **headers: str):
    return client.post(
        "/staff/login",
        data={"name": name, "password": password},
        headers=headers,
        follow_redirects=False,
    )


def test_a_burst_of_logins_does_not_stall_the_event_loop(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each hash takes 0.5 s here (a sleep standing in for Argon2's work, so the test measures
    where it runs, not how busy the machine is); while six sign-ins hash, the loop keeps ticking
    (a hash on the loop would leave a gap of at least 0.5 s), and at most HASH_THREADS run at
    once."""
    running = 0
    peak = 0
    threads: set[int] = set()
    lock = threading.Lock()

    def slow_verify(password_hash: str, password: str) -> bool:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            threads.add(threading.get_ident())
        try:
            time.sleep(0.5)
            return False
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(auth, "verify_password", slow_verify)
    # warm up what runs once per process (template compilation, the first connection)
    assert _login(client, "ada", "wrong-password").status_code == 401
    gaps: list[float] = []
    loop_thread: list[int] = []
    stop = threading.Event()

    async def ticker() -> None:
        loop_thread.append(threading.get_ident())
        last = time.monotonic()
        while not stop.is_set():
            await anyio.sleep(0.005)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    future = client.portal.start_task_soon(ticker)
    names = ["sue", "bob", "ada", "tia", "nobody", "sue"]
    with ThreadPoolExecutor(len(names)) as pool:
        statuses = list(pool.map(lambda n: _login(client, n, "wrong-password").status_code, names))
    stop.set()
    future.result(timeout=5)
    assert statuses == [401] * len(names)
    assert loop_thread and loop_thread[0] not in threads
    assert 1 < peak <= auth.HASH_THREADS
    assert max(gaps) < 0.35, f"the event loop stalled for {max(gaps):.2f} s"


def test_an_account_is_locked_after_repeated_failures_with_a_clear_429(
    client: TestClient,
) -> None:
    for _ in range(auth.ACCOUNT_FREE_FAILURES):
        assert _login(client, "sue", "wrong-password").status_code == 401
    locked = client.post(
        "/staff/login?lang=en", data={"name": "sue", "password": PASSWORD}, follow_redirects=False
    )
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) >= 1
    assert "Too many failed sign-ins" in locked.text
    zh = client.post(
        "/staff/login?lang=zh", data={"name": "sue", "password": PASSWORD}, follow_redirects=False
    )
    assert zh.status_code == 429 and "登录失败次数太多" in zh.text
    # the lock is per account: another staff member still signs in from the same client
    sign_in(client, "bob")


def test_a_locked_account_is_not_even_hashed(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(auth.ACCOUNT_FREE_FAILURES):
        _login(client, "sue", "wrong-password")
    calls: list[str] = []
    real_verify = auth.verify_password

    def counting(password_hash: str, password: str) -> bool:
        calls.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", counting)
    assert _login(client, "sue", PASSWORD).status_code == 429
    assert calls == []


def test_one_client_trying_many_accounts_is_locked_out(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every guess is wrong; skipping the (slow) real hash keeps the test short
    monkeypatch.setattr(auth, "verify_password", lambda _hash, _password: False)
    names = [f"guess{i}" for i in range(auth.CLIENT_FREE_FAILURES)]
    for name in names:
        assert _login(client, name, "wrong-password").status_code == 401
    assert _login(client, "ada", PASSWORD).status_code == 429


def test_the_lock_backs_off_and_a_success_clears_the_account() -> None:
    now = [1000.0]
    throttle = auth.LoginThrottle(clock=lambda: now[0])
    for _ in range(auth.ACCOUNT_FREE_FAILURES):
        assert throttle.retry_after("sue", "10.0.0.1") == 0
        throttle.failed("sue", "10.0.0.1")
    first = throttle.retry_after("sue", "10.0.0.1")
    assert first == pytest.approx(auth.LOCK_BASE_SECONDS)
    now[0] += first
    assert throttle.retry_after("sue", "10.0.0.1") == 0
    throttle.failed("sue", "10.0.0.1")
    assert throttle.retry_after("sue", "10.0.0.1") == pytest.approx(2 * auth.LOCK_BASE_SECONDS)
    # another client trying the same account is held by the account's lock, not its own
    assert throttle.retry_after("sue", "10.0.0.2") > 0
    assert throttle.retry_after("bob", "10.0.0.2") == 0
    for _ in range(12):
        now[0] += throttle.retry_after("sue", "10.0.0.1")
        throttle.failed("sue", "10.0.0.1")
    assert throttle.retry_after("sue", "10.0.0.1") == pytest.approx(auth.LOCK_MAX_SECONDS)
    now[0] += auth.LOCK_MAX_SECONDS
    throttle.succeeded("sue", "10.0.0.1")
    throttle.failed("sue", "10.0.0.1")
    assert throttle.retry_after("sue", "10.0.0.1") == 0
    # strikes are forgotten after a quiet spell
    for _ in range(auth.ACCOUNT_FREE_FAILURES):
        throttle.failed("bob", "10.0.0.3")
    now[0] += auth.FORGET_SECONDS + 1
    throttle.failed("bob", "10.0.0.3")
    assert throttle.retry_after("bob", "10.0.0.3") == 0


def test_sign_ins_beyond_the_hashing_queue_are_refused_as_busy(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "HASH_QUEUE_LIMIT", 0)
    busy = client.post(
        "/staff/login?lang=en", data={"name": "sue", "password": PASSWORD}, follow_redirects=False
    )
    assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
    assert "Too many sign-ins at once" in busy.text
    zh = client.post(
        "/staff/login?lang=zh", data={"name": "sue", "password": PASSWORD}, follow_redirects=False
    )
    assert zh.status_code == 503 and "现在登录的人太多" in zh.text
    # a busy refusal is not a failed password: it does not count towards a lock
    monkeypatch.setattr(auth, "HASH_QUEUE_LIMIT", 32)
    for _ in range(auth.ACCOUNT_FREE_FAILURES - 1):
        assert _login(client, "sue", "wrong-password").status_code == 401
    sign_in(client, "sue")
