"""The topology's wiring: which process talks to which, on which stores (no process started)."""

from __future__ import annotations

from pathlib import Path

from bot_gateway.config import Settings, StackSettings
from bot_gateway.runner import ScratchDatabases, Topology


def _topology(tmp_path: Path) -> Topology:
    databases = ScratchDatabases("postgresql://postgres@127.0.0.1:5432/postgres")
    return Topology(
        StackSettings(_env_file=None, web_port=18080, log_dir=tmp_path, state_dir=tmp_path),
        databases=databases,
        rasa_ports=[15005, 15006],
        action_ports=[15055, 15056],
        metrics_ports={"rasa-1": 19001, "action-server-2": 19002},
        app_settings=Settings(_env_file=None),
    )


def test_two_rasa_servers_share_the_postgresql_tracker_and_the_redis_lock_store(
    tmp_path: Path,
) -> None:
    topo = _topology(tmp_path)
    names = [s.name for s in topo.services]
    assert names == ["action-server-1", "action-server-2", "rasa-1", "rasa-2", "gateway"]
    for n, port in ((1, 15005), (2, 15006)):
        rasa = topo.service(f"rasa-{n}")
        assert rasa.command[rasa.command.index("--port") + 1] == str(port)
        assert rasa.ready_url == f"http://127.0.0.1:{port}/status"
        assert rasa.env["TRACKER_DB_DIALECT"] == "postgresql"
        assert rasa.env["TRACKER_DB_URL"] == topo.databases.tracker_url
        assert rasa.env["LOCK_STORE_TYPE"] == "redis"
        assert rasa.env["ACTION_SERVER_URL"] == f"http://127.0.0.1:{15054 + n}/webhook"
        # separate action servers, though `counterpart run` has Rasa run the actions itself
        assert rasa.env["ACTIONS_IN_PROCESS"] == "false"
    assert topo.service("rasa-1").env["COUNTERPART_METRICS_PORT"] == "19001"
    assert "COUNTERPART_METRICS_PORT" not in topo.service("rasa-2").env


def test_the_gateway_is_on_postgresql_and_lists_every_rasa_server(tmp_path: Path) -> None:
    topo = _topology(tmp_path)
    gateway = topo.service("gateway").env
    assert gateway["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert gateway["DATABASE_URL"] == topo.databases.gateway_url
    assert gateway["RASA_URL"] == "http://127.0.0.1:15005,http://127.0.0.1:15006"
    urls = topo.metrics_urls()
    assert urls["gateway"] == "http://127.0.0.1:18080/metrics"
    assert urls["action-server-2"] == "http://127.0.0.1:19002/metrics"


def test_each_run_gets_its_own_databases() -> None:
    first, second = ScratchDatabases(), ScratchDatabases()
    assert set(first.names.values()).isdisjoint(second.names.values())
    assert first.tracker_url.startswith("postgresql://")
