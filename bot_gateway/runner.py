"""Runs Counterpart as local processes: action server, Rasa server and gateway.

`counterpart run` (and so `make run`) uses this with the embedded defaults: SQLite stores,
in-memory lock store, logs under var/log. The integration tests use it too, on free ports.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot_gateway.config import PROJECT_ROOT, Settings, StackSettings, get_settings

RASA_DIR = PROJECT_ROOT / "rasa_project"


class StackError(RuntimeError):
    """A process of the stack failed to start; the message names its log file."""


@dataclass
class Service:
    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    ready_url: str
    ready: Callable[[httpx.Response], bool] = lambda r: r.status_code == 200
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    log_path: Path | None = None


class LocalStack:
    def __init__(
        self,
        settings: StackSettings,
        *,
        app_settings: Settings | None = None,
        gateway_env: dict[str, str] | None = None,
    ):
        self.settings = settings
        self.app_settings = app_settings or get_settings()
        self.gateway_env = gateway_env or {}
        self.database_url = self._database_url()
        self.services = self._services()

    def _database_url(self) -> str:
        """The gateway database: DATABASE_URL when it is set, else a SQLite file in STATE_DIR."""
        if "DATABASE_URL" in self.gateway_env:
            return self.gateway_env["DATABASE_URL"]
        if "database_url" in self.app_settings.model_fields_set:
            return self.app_settings.database_url
        return f"sqlite+aiosqlite:///{self.settings.state_dir / 'counterpart.db'}"

    def shared_env(self) -> dict[str, str]:
        """What all three processes must agree on, as absolute paths (they run in two folders).

        The gateway lists the personas and the action server plays them, so both read the same
        library; the rasa env's tools and the Rasa server read the same model.
        """
        return {
            "PERSONA_LIBRARY_DIR": str(self.app_settings.persona_library_dir),
            "PERSONA_TYPES_DIR": str(self.app_settings.persona_types_dir),
            "COUNTERPART_MODEL": str(self.settings.rasa_model),
        }

    def rasa_env(self) -> dict[str, str]:
        state = self.settings.state_dir
        return {
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.settings.action_server_port}/webhook",
            "TRACKER_DB_DIALECT": "sqlite",
            "TRACKER_DB_URL": f"sqlite:///{state / 'rasa-tracker.db'}",
            "LOCK_STORE_TYPE": "in_memory",
            "LOCK_STORE_HOST": "",
            "LOCK_STORE_PORT": "",
            # Rasa's telemetry would try the internet, which a training room may not have.
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
        }

    def rasa_auth_token(self) -> str | None:
        token = self.app_settings.rasa_auth_token
        return token.get_secret_value() if token else None

    def _services(self) -> list[Service]:
        s = self.settings
        rasa = str(s.rasa_env_dir / "bin" / "rasa")
        token = self.rasa_auth_token()
        # Rasa's HTTP API (model, trackers) answers only with ?token= when RASA_AUTH_TOKEN is set
        rasa_auth = ["--auth-token", token] if token else []
        status_query = f"?token={token}" if token else ""
        base_env = {**os.environ, **self.shared_env(), **self.rasa_env()}
        gateway_env = {
            **os.environ,
            **self.shared_env(),
            "DATABASE_URL": self.database_url,
            "RASA_URL": f"http://127.0.0.1:{s.rasa_port}",
            "WEB_HOST": s.web_host,
            "WEB_PORT": str(s.web_port),
            **({"RASA_AUTH_TOKEN": token} if token else {}),
            **self.gateway_env,
        }
        return [
            Service(
                "action-server",
                [
                    rasa,
                    "run",
                    "actions",
                    "--actions",
                    "actions",
                    "--port",
                    str(s.action_server_port),
                ],
                RASA_DIR,
                base_env,
                f"http://127.0.0.1:{s.action_server_port}/health",
            ),
            Service(
                "rasa",
                [
                    # serve.py is Rasa's own CLI with a validation speed-up (see its docstring)
                    str(s.rasa_env_dir / "bin" / "python"),
                    "serve.py",
                    "run",
                    "--enable-api",
                    "--port",
                    str(s.rasa_port),
                    "--interface",
                    "127.0.0.1",
                    "--model",
                    str(s.rasa_model),
                    "--endpoints",
                    "endpoints.yml",
                    "--credentials",
                    "credentials.yml",
                    *rasa_auth,
                ],
                RASA_DIR,
                # the gateway's channel checks the same token (Rasa leaves channel webhooks open)
                {**base_env, **({"RASA_AUTH_TOKEN": token} if token else {})},
                f"http://127.0.0.1:{s.rasa_port}/status{status_query}",
                lambda r: r.status_code == 200 and bool(r.json().get("model_file")),
            ),
            Service(
                "gateway",
                [sys.executable, "-m", "bot_gateway", "serve"],
                PROJECT_ROOT,
                gateway_env,
                f"http://127.0.0.1:{s.web_port}/healthz",
            ),
        ]

    def start(self, progress: Callable[[str], None] = print, timeout: float = 180.0) -> None:
        if not self.settings.rasa_model.exists():
            raise StackError(f"no trained model at {self.settings.rasa_model}: run `make train`")
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        for service in self.services:
            self._spawn(service)
            progress(f"  started {service.name:<14} (log: {service.log_path})")
        self.wait_ready(progress, timeout)

    def _spawn(self, service: Service) -> None:
        service.log_path = self.settings.log_dir / f"{service.name}.log"
        with service.log_path.open("ab") as log:
            service.process = subprocess.Popen(
                service.command,
                cwd=service.cwd,
                env=service.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us, and we stop the children in order
            )

    def stop_service(self, name: str, timeout: float = 15.0) -> None:
        """Stop one process (the outage tests take Rasa or the action server away)."""
        self._terminate([self.service(name)], timeout)

    def start_service(self, name: str, timeout: float = 180.0) -> None:
        service = self.service(name)
        self._spawn(service)
        self.wait_ready(lambda _line: None, timeout, [service])

    def wait_ready(
        self,
        progress: Callable[[str], None],
        timeout: float,
        services: list[Service] | None = None,
    ) -> None:
        deadline = time.monotonic() + timeout
        pending = list(services or self.services)
        started = time.monotonic()
        while pending:
            for service in list(pending):
                if service.process and service.process.poll() is not None:
                    raise StackError(
                        f"{service.name} exited with status {service.process.returncode}; "
                        f"see {service.log_path}"
                    )
                try:
                    response = httpx.get(service.ready_url, timeout=2.0)
                    if service.ready(response):
                        pending.remove(service)
                        progress(
                            f"  ready   {service.name:<14} ({time.monotonic() - started:.0f} s)"
                        )
                except httpx.HTTPError:
                    pass
            if pending and time.monotonic() > deadline:
                names = ", ".join(s.name for s in pending)
                raise StackError(f"not ready after {timeout:.0f} s: {names}")
            if pending:
                time.sleep(0.5)

    def stop(self, timeout: float = 15.0) -> None:
        self._terminate(list(reversed(self.services)), timeout)

    @staticmethod
    def _terminate(services: list[Service], timeout: float) -> None:
        running = [s for s in services if s.process is not None and s.process.poll() is None]
        for service in running:
            os.killpg(service.process.pid, signal.SIGTERM)
        for service in running:
            process = service.process
            assert process is not None
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def exited(self) -> list[Service]:
        return [s for s in self.services if s.process and s.process.poll() is not None]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_stack(
    state_dir: Path,
    *,
    gateway_env: dict[str, str] | None = None,
    persona_library_dir: Path | None = None,
) -> LocalStack:
    """A stack on free ports with its own migrated SQLite files (integration tests, benchmark).

    No .env file is read; the model is COUNTERPART_MODEL's or the project's trained one, the
    persona library `persona_library_dir` (default: PERSONA_LIBRARY_DIR's or the project's).
    Rasa gets a fresh --auth-token, which the gateway sends (`LocalStack.rasa_auth_token()`).
    """
    from bot_gateway.db import migrate

    database_url = f"sqlite+aiosqlite:///{state_dir / 'gateway.db'}"
    migrate.upgrade(database_url)
    library = {"persona_library_dir": persona_library_dir} if persona_library_dir else {}
    app_settings = Settings(_env_file=None, rasa_auth_token=secrets.token_urlsafe(24), **library)
    settings = StackSettings(
        _env_file=None,
        rasa_port=free_port(),
        action_server_port=free_port(),
        web_port=free_port(),
        log_dir=state_dir / "log",
        state_dir=state_dir,
    )
    return LocalStack(
        settings,
        app_settings=app_settings,
        gateway_env={"DATABASE_URL": database_url, **(gateway_env or {})},
    )
