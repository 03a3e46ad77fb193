"""Failure drills (issue 17): the production topology on a PostgreSQL server of its own.

The drills kill and restart processes, PostgreSQL included. The PostgreSQL on 127.0.0.1:5432 is
shared (other test runs use it), so the drills run their own throwaway cluster (initdb on a
free port) with the same server binaries; Redis is the machine's (every lock key holds a
session id, a fresh UUID, so runs cannot collide). `make test-drills` runs them.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from bot_gateway.runner import Topology, free_port, topology
from tests.integration.conftest import running, telegram_api  # noqa: F401
from tests.integration.telegram_emulator import TELEGRAM_TOKEN

DRILL_SECONDS = 240  # each drill is bounded (pytest-timeout is not used: see bounded())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.integration)


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        pytest.fail(f"PostgreSQL's {name} is missing (install the postgresql package)")
    return str(candidates[-1])


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary folder, on a free loopback port, trust auth."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="counterpart-drill-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.log = self.root / "postgres.log"
        # initdb and postgres refuse to run as root: run them as the postgres user then
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        self._run(
            _pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        self.start()

    def pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run(
            _pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log),
            "-m", "fast", "-w", "-t", "60", action,
        )  # fmt: skip

    def start(self) -> None:
        self.pg_ctl("start")

    def restart(self) -> None:
        self.pg_ctl("restart")

    def destroy(self) -> None:
        try:
            self.pg_ctl("stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    server.init()
    yield server
    server.destroy()


class FlakyTelegram:
    """A stub Bot API server on loopback in front of the emulator: it passes every call through,
    except the next ones that `fail()` names, which it answers with 429 or a 5xx as Telegram
    does (JSON error bodies, retry_after for 429)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.failures: list[tuple[str, int]] = []
        self.served: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                method = self.path.rsplit("/", 1)[-1]
                status = stub._injected(method)
                if status:
                    error: dict[str, object] = {"ok": False, "error_code": status}
                    if status == 429:
                        error["description"] = "Too Many Requests: retry after 1"
                        error["parameters"] = {"retry_after": 1}
                    else:
                        error["description"] = "Bad Gateway"
                    self._answer(status, json.dumps(error).encode(), "application/json")
                    return
                headers = {"Content-Type": self.headers.get("Content-Type", "")}
                response = httpx.post(
                    stub.upstream + self.path, content=body, headers=headers, timeout=60
                )
                self._answer(
                    response.status_code,
                    response.content,
                    response.headers.get("content-type", "application/json"),
                )

            do_GET = do_POST

            def _answer(self, status: int, content: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def fail(self, method: str, *statuses: int) -> None:
        with self.lock:
            self.failures += [(method, status) for status in statuses]

    def _injected(self, method: str) -> int | None:
        with self.lock:
            for index, (name, status) in enumerate(self.failures):
                if name == method:
                    del self.failures[index]
                    self.served.append((method, status))
                    return status
        return None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def flaky_telegram(telegram_api: str | None) -> Iterator[FlakyTelegram]:  # noqa: F811
    assert telegram_api, "node_modules/telegram-test-api is missing: run `make setup` (npm ci)"
    stub = FlakyTelegram(telegram_api)
    yield stub
    stub.close()


@pytest.fixture(scope="session")
def topo(
    tmp_path_factory: pytest.TempPathFactory,
    postgres: PrivatePostgres,
    flaky_telegram: FlakyTelegram,
) -> Iterator[Topology]:
    state = tmp_path_factory.mktemp("drills")
    local = topology(
        state,
        admin_url=postgres.admin_url,
        gateway_env={
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            # the bot talks to the emulator through the stub, which can answer 429 or 5xx
            "TELEGRAM_API_SERVER": flaky_telegram.url,
            "TELEGRAM_WEBHOOK_URL": "",
        },
    )
    yield from running(local, state)


@pytest.fixture
def web(topo: Topology) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"http://127.0.0.1:{topo.settings.web_port}", timeout=90) as c:
        yield c


class Deadline:
    """Each drill is bounded in time: fail rather than hang."""

    def __init__(self, seconds: float = DRILL_SECONDS) -> None:
        self.end = time.monotonic() + seconds
        self.seconds = seconds

    def check(self, what: str) -> None:
        if time.monotonic() > self.end:
            pytest.fail(f"the drill took more than {self.seconds:.0f} s ({what})")


@pytest.fixture
def bounded() -> Deadline:
    return Deadline()
