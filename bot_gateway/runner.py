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
#: the Rasa server's listen backlog (Sanic's, SANIC_BACKLOG); uvicorn's default, as the gateway's
RASA_BACKLOG = 2048


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
        rasa_ports: list[int] | None = None,
    ):
        self.settings = settings
        self.app_settings = app_settings or get_settings()
        self.gateway_env = gateway_env or {}
        self.database_url = self._database_url()
        # RASA_SERVERS servers on rasa_port, rasa_port + 1, …, unless given their ports
        self.node_rasa_ports = rasa_ports or [
            settings.rasa_port + n for n in range(settings.rasa_servers)
        ]
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
            "ACTIONS_IN_PROCESS": "false",
            "TRACKER_DB_DIALECT": "sqlite",
            "TRACKER_DB_URL": f"sqlite:///{state / 'rasa-tracker.db'}",
            "LOCK_STORE_TYPE": "in_memory",
            "LOCK_STORE_HOST": "",
            "LOCK_STORE_PORT": "",
            # Rasa's telemetry would try the internet, which a training room may not have.
            "RASA_TELEMETRY_ENABLED": "false",
            # connections waiting to be accepted: Rasa's default (100) overflowed whenever its
            # event loop stalled for a moment under load (the gateway opens a connection per
            # request then in flight): each dropped SYN is sent again after 1 s, then 3 s, a
            # turn's latency at once (`nstat`: 2066 listen overflows in 20 s, 600 trainees)
            "SANIC_BACKLOG": str(RASA_BACKLOG),
            # Sanic builds an access-log record for every request (Rasa's and the action
            # server's), which no handler writes: ~0.4 % of the Rasa server's CPU per turn
            "SANIC_ACCESS_LOG": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
        }

    def rasa_auth_token(self) -> str | None:
        token = self.app_settings.rasa_auth_token
        return token.get_secret_value() if token else None

    def _services(self) -> list[Service]:
        """The processes to run: all three, or Rasa running the actions itself and the gateway
        (ACTIONS_IN_PROCESS, StackSettings.actions_in_process)."""
        services = self._all_services()
        if not self.settings.actions_in_process:
            return services
        for rasa in services:
            if rasa.name == "rasa" or rasa.name.startswith("rasa-"):
                rasa.env = {
                    **rasa.env,
                    "ACTIONS_IN_PROCESS": "true",
                    "ACTION_SERVER_URL": "in-process",
                }
        return [s for s in services if s.name != "action-server"]

    def _all_services(self) -> list[Service]:
        s = self.settings
        token = self.rasa_auth_token()
        # Rasa's HTTP API (model, trackers) answers only with ?token= when RASA_AUTH_TOKEN is set
        # one argument: a token starting with "-" (secrets.token_urlsafe gives one about once in
        # 64) given as its own argument reads as an option to Rasa's argparse, which then exits
        rasa_auth = [f"--auth-token={token}"] if token else []
        status_query = f"?token={token}" if token else ""
        base_env = {**os.environ, **self.shared_env(), **self.rasa_env()}
        gateway_env = {
            **os.environ,
            **self.shared_env(),
            "DATABASE_URL": self.database_url,
            "RASA_URL": ",".join(f"http://127.0.0.1:{port}" for port in self.node_rasa_ports),
            "WEB_HOST": s.web_host,
            "WEB_PORT": str(s.web_port),
            **({"RASA_AUTH_TOKEN": token} if token else {}),
            **self.gateway_env,
        }
        return [
            Service(
                "action-server",
                [
                    # serve.py is Rasa's own CLI, plus metrics when COUNTERPART_METRICS_PORT is set
                    str(s.rasa_env_dir / "bin" / "python"),
                    "serve.py",
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
            *self._rasa_services(rasa_auth, status_query, token, base_env),
            Service(
                "gateway",
                [sys.executable, "-m", "bot_gateway", "serve"],
                PROJECT_ROOT,
                gateway_env,
                f"http://127.0.0.1:{s.web_port}/healthz",
            ),
        ]

    def _rasa_services(
        self, rasa_auth: list[str], status_query: str, token: str | None, base_env: dict[str, str]
    ) -> list[Service]:
        """One Rasa server per port: "rasa" alone, "rasa-1", "rasa-2", … when there are more."""
        s = self.settings
        services = []
        for n, port in enumerate(self.node_rasa_ports, 1):
            name = "rasa" if len(self.node_rasa_ports) == 1 else f"rasa-{n}"
            services.append(
                Service(
                    name,
                    [
                        # serve.py is Rasa's own CLI with a validation speed-up (see its docstring)
                        str(s.rasa_env_dir / "bin" / "python"),
                        "serve.py",
                        "run",
                        "--enable-api",
                        "--port",
                        str(port),
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
                    # the gateway's channel checks the same token (Rasa leaves channel
                    # webhooks open)
                    {**base_env, **({"RASA_AUTH_TOKEN": token} if token else {})},
                    f"http://127.0.0.1:{port}/status{status_query}",
                    lambda r: r.status_code == 200 and bool(r.json().get("model_file")),
                )
            )
        return services

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

    def kill_service(self, name: str) -> None:
        """Kill one process at once (SIGKILL), as a crash would (the failure drills)."""
        service = self.service(name)
        if service.process is not None and service.process.poll() is None:
            os.killpg(service.process.pid, signal.SIGKILL)
            service.process.wait()

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


class StopSignals:
    """SIGINT and SIGTERM, caught from creation on, ask the foreground loop of `counterpart run`
    or `make topology` to stop: the stack is then stopped in order, not killed with the shell."""

    def __init__(self) -> None:
        self.requested = False
        signal.signal(signal.SIGINT, self._request)
        signal.signal(signal.SIGTERM, self._request)

    def _request(self, *_args: object) -> None:
        self.requested = True

    def wait(self, stack: LocalStack, poll: float = 0.5) -> list[Service]:
        """Until a stop is asked for ([]) or a process of `stack` exits (those that did)."""
        while not self.requested:
            if crashed := stack.exited():
                return crashed
            time.sleep(poll)
        return []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_stack(
    state_dir: Path,
    *,
    gateway_env: dict[str, str] | None = None,
    persona_library_dir: Path | None = None,
    actions_in_process: bool | None = None,
    rasa_servers: int = 1,
) -> LocalStack:
    """A stack on free ports with its own migrated SQLite files (integration tests, benchmark).

    `actions_in_process`: whether Rasa runs the actions itself (default: ACTIONS_IN_PROCESS's
    value, else no, as `counterpart run`); the outage tests need an action server to stop.

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
        **({} if actions_in_process is None else {"actions_in_process": actions_in_process}),
    )
    return LocalStack(
        settings,
        app_settings=app_settings,
        gateway_env={"DATABASE_URL": database_url, **(gateway_env or {})},
        rasa_ports=[settings.rasa_port, *(free_port() for _ in range(rasa_servers - 1))],
    )


# ------------------------------------------------------------------ the production topology

#: the PostgreSQL and Redis that docker-compose runs as services; locally (and in CI) they run
#: on this machine: one admin URL (trust auth) to create each run's own databases
POSTGRES_ADMIN_URL = os.environ.get(
    "COUNTERPART_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_HOST = os.environ.get("COUNTERPART_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("COUNTERPART_REDIS_PORT", "6379"))


class ScratchDatabases:
    """PostgreSQL databases of one run, uniquely named (the server is shared), dropped after.

    `gateway` is the gateway's database (asyncpg URL, migrated), `tracker` Rasa's tracker store
    (psycopg2 URL; Rasa creates its table on start).
    """

    def __init__(self, admin_url: str = POSTGRES_ADMIN_URL, prefix: str = "counterpart") -> None:
        import secrets

        self.admin_url = admin_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        suffix = secrets.token_hex(4)
        self.names = {"gateway": f"{prefix}_gw_{suffix}", "tracker": f"{prefix}_rasa_{suffix}"}
        self.server = self.admin_url.rsplit("/", 1)[0]

    @property
    def gateway_url(self) -> str:
        return self.server.replace("postgresql://", "postgresql+asyncpg://", 1) + (
            f"/{self.names['gateway']}"
        )

    @property
    def tracker_url(self) -> str:
        return f"{self.server}/{self.names['tracker']}"

    def _admin(self, *statements: str) -> None:
        import asyncio

        import asyncpg

        async def run() -> None:
            connection = await asyncpg.connect(self.admin_url)
            try:
                for statement in statements:
                    await connection.execute(statement)
            finally:
                await connection.close()

        asyncio.run(run())

    def create(self) -> None:
        from bot_gateway.db import migrate

        self._admin(*(f'CREATE DATABASE "{name}"' for name in self.names.values()))
        migrate.upgrade(self.gateway_url)

    async def _fetch(self, url: str, query: str) -> list[tuple[str, str]]:
        import asyncpg

        connection = await asyncpg.connect(url)
        try:
            return [tuple(row) for row in await connection.fetch(query)]
        finally:
            await connection.close()

    def replies(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """The trainees' replies stored per session: in the gateway's turns (answered ones) and
        in Rasa's tracker store (user events that are not commands like /start_practice)."""
        import asyncio

        async def both() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
            gateway = await self._fetch(
                f"{self.server}/{self.names['gateway']}",
                "SELECT session_id, text FROM turns WHERE role = 'trainee' AND status = 'done'"
                ' ORDER BY session_id, "index"',
            )
            tracker = await self._fetch(
                self.tracker_url,
                "SELECT sender_id, data::json->>'text' FROM events WHERE type_name = 'user'"
                " AND coalesce(data::json->>'text', '') NOT LIKE '/%' ORDER BY sender_id, id",
            )
            return gateway, tracker

        gateway, tracker = asyncio.run(both())
        return _group(gateway), _group(tracker)

    def drop(self) -> None:
        self._admin(
            *(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in self.names.values())
        )


def _group(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, text in rows:
        grouped.setdefault(key, []).append(text)
    return grouped


def _with_port(service: Service, name: str, port: int, env: dict[str, str]) -> Service:
    """A replica of `service` on another port (same command, flags and environment otherwise)."""
    command = list(service.command)
    command[command.index("--port") + 1] = str(port)
    _host, _, path = service.ready_url.partition("//")[2].partition("/")
    return Service(
        name,
        command,
        service.cwd,
        {**service.env, **env},
        f"http://127.0.0.1:{port}/{path}",
        service.ready,
    )


class Topology(LocalStack):
    """The production layout as local processes: what docker-compose.yml describes.

    The gateway on PostgreSQL; `rasa_replicas` Rasa servers sharing one PostgreSQL tracker store
    and a Redis lock store; `action_replicas` action servers (Rasa server n calls action server
    n mod count); the gateway spreads conversations over the Rasa servers (RASA_URL lists them
    all, bot_gateway/rasa_pool.py). Each process exports Prometheus metrics: the gateway at
    /metrics on its own port, the others on `metrics_ports` (also at /metrics).
    """

    def __init__(
        self,
        settings: StackSettings,
        *,
        databases: ScratchDatabases,
        rasa_ports: list[int],
        action_ports: list[int],
        metrics_ports: dict[str, int] | None = None,
        redis_host: str = REDIS_HOST,
        redis_port: int = REDIS_PORT,
        app_settings: Settings | None = None,
        gateway_env: dict[str, str] | None = None,
    ) -> None:
        self.databases = databases
        self.rasa_ports = rasa_ports
        self.action_ports = action_ports
        self.redis = (redis_host, redis_port)
        self.metrics_ports = metrics_ports or {}
        rasa_urls = ",".join(f"http://127.0.0.1:{port}" for port in rasa_ports)
        super().__init__(
            settings,
            app_settings=app_settings,
            # the Rasa servers are built here from one template (_services)
            rasa_ports=[settings.rasa_port],
            gateway_env={
                **(gateway_env or {}),
                "DATABASE_URL": databases.gateway_url,
                "RASA_URL": rasa_urls,
            },
        )

    def _services(self) -> list[Service]:
        # separate action servers whatever ACTIONS_IN_PROCESS says: the drills stop them
        base = {service.name: service for service in self._all_services()}
        services = []
        for n, port in enumerate(self.action_ports, 1):
            name = f"action-server-{n}"
            services.append(_with_port(base["action-server"], name, port, self._metrics(name)))
        for n, port in enumerate(self.rasa_ports, 1):
            name = f"rasa-{n}"
            action_port = self.action_ports[(n - 1) % len(self.action_ports)]
            env = {
                "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
                "TRACKER_DB_DIALECT": "postgresql",
                "TRACKER_DB_URL": self.databases.tracker_url,
                "LOCK_STORE_TYPE": "redis",
                "LOCK_STORE_HOST": self.redis[0],
                "LOCK_STORE_PORT": str(self.redis[1]),
                **self._metrics(name),
            }
            services.append(_with_port(base["rasa"], name, port, env))
        services.append(base["gateway"])
        return services

    def _metrics(self, name: str) -> dict[str, str]:
        port = self.metrics_ports.get(name)
        return {"COUNTERPART_METRICS_PORT": str(port)} if port else {}

    def metrics_urls(self) -> dict[str, str]:
        """Each process's Prometheus endpoint."""
        urls = {
            name: f"http://127.0.0.1:{port}/metrics" for name, port in self.metrics_ports.items()
        }
        urls["gateway"] = f"http://127.0.0.1:{self.settings.web_port}/metrics"
        return urls


def topology(
    state_dir: Path,
    *,
    rasa_replicas: int = 2,
    action_replicas: int = 2,
    gateway_env: dict[str, str] | None = None,
    admin_url: str = POSTGRES_ADMIN_URL,
    web_port: int | None = None,
) -> Topology:
    """A Topology on free ports with its own new PostgreSQL databases (call .databases.drop()
    after .stop()). Used by `make topology`, the topology tests, the drills and `make soak`."""
    databases = ScratchDatabases(admin_url)
    databases.create()
    settings = StackSettings(
        _env_file=None,
        web_port=web_port or free_port(),
        log_dir=state_dir / "log",
        state_dir=state_dir,
    )
    names = [f"action-server-{n}" for n in range(1, action_replicas + 1)] + [
        f"rasa-{n}" for n in range(1, rasa_replicas + 1)
    ]
    return Topology(
        settings,
        databases=databases,
        rasa_ports=[free_port() for _ in range(rasa_replicas)],
        action_ports=[free_port() for _ in range(action_replicas)],
        metrics_ports={name: free_port() for name in names},
        app_settings=Settings(_env_file=None),
        gateway_env={"ENVIRONMENT": "test", "TELEGRAM_BOT_TOKEN": "", **(gateway_env or {})},
    )


def main() -> int:
    """`make topology`: run the production topology locally until Ctrl-C; drop its databases."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--rasa", type=int, default=2, help="Rasa servers")
    parser.add_argument("--actions", type=int, default=2, help="action servers")
    parser.add_argument("--port", type=int, default=8080, help="the gateway's web port")
    args = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="counterpart-topology-"))
    stack = topology(
        state, rasa_replicas=args.rasa, action_replicas=args.actions, web_port=args.port
    )
    signals = StopSignals()
    print(f"==> databases {', '.join(stack.databases.names.values())}; logs in {state / 'log'}")
    try:
        stack.start(timeout=300)
        print(f"\nCounterpart topology running: http://127.0.0.1:{args.port}  (Ctrl-C stops)")
        for name, url in stack.metrics_urls().items():
            print(f"  metrics {name:<16} {url}")
        if crashed := signals.wait(stack):
            print("stopped unexpectedly: " + ", ".join(f"{s.name} ({s.log_path})" for s in crashed))
            return 1
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
        stack.databases.drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
