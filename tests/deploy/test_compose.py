"""The production compose file is valid and sets only variables our services read."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot_gateway.config import Settings

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "POSTGRES_PASSWORD": "pw",
    "SECRET_KEY": "a-real-secret",
    "COUNTERPART_DB_PASSWORD": "app-pw",
    "RASA_DB_PASSWORD": "rasa-pw",
    "RASA_AUTH_TOKEN": "rasa-token-123",
}
INIT_SCRIPT = ROOT / "docker" / "postgres-init.sh"
# Read by the image itself and by our first-start script, not by our settings classes.
#: Sanic settings the Rasa service is given through the environment (SANIC_ prefix)
SANIC_VARIABLES = {"SANIC_BACKLOG", "SANIC_ACCESS_LOG"}

IMAGE_VARIABLES = {
    "postgres": {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}
    | set(re.findall(r"\$\{?(\w+)", INIT_SCRIPT.read_text(encoding="utf-8")))
}


def _resolved_config() -> dict:
    assert shutil.which("docker-compose"), "docker-compose missing: run `make setup`"
    env = {**os.environ, **REQUIRED}
    result = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return yaml.safe_load(result.stdout)


def test_compose_file_is_valid() -> None:
    env = {**os.environ, **REQUIRED}
    subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        env=env,
        check=True,
    )


def test_compose_refuses_to_start_without_required_secrets() -> None:
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    result = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert any(name in result.stderr for name in REQUIRED)


def _endpoint_variables() -> set[str]:
    text = (ROOT / "rasa_project" / "endpoints.yml").read_text(encoding="utf-8")
    return set(re.findall(r"\$\{(\w+)\}", text))


def _rasa_settings_variables() -> set[str]:
    """The variables the rasa env's processes read through rasa_project/rasa_settings.py."""
    from rasa_project.rasa_settings import RasaSettings

    names: set[str] = set()
    for field in RasaSettings.__fields__.values():
        env = field.field_info.extra.get("env") or field.name
        names.update(e.upper() for e in ([env] if isinstance(env, str) else env))
    return names


@pytest.mark.parametrize("service", ["gateway", "migrate", "rasa", "action-server", "postgres"])
def test_every_variable_compose_sets_is_read_by_the_service(service: str) -> None:
    readers = {
        "gateway": {name.upper() for name in Settings.model_fields},
        "migrate": {name.upper() for name in Settings.model_fields},
        # Sanic (Rasa's web server) reads SANIC_<SETTING> into its config itself
        # (sanic.config.Config.load_environment_vars): the backlog, and no access-log records
        "rasa": _endpoint_variables() | _rasa_settings_variables() | SANIC_VARIABLES,
        "action-server": _endpoint_variables() | _rasa_settings_variables(),
        "postgres": IMAGE_VARIABLES["postgres"],
    }[service]
    environment = _resolved_config()["services"][service].get("environment") or {}
    unread = set(environment) - readers
    assert not unread, f"{service} sets variables nothing reads: {sorted(unread)}"


def test_services_wait_for_healthy_dependencies() -> None:
    services = _resolved_config()["services"]
    assert services["rasa"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["rasa"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["gateway"]["depends_on"]["rasa"]["condition"] == "service_healthy"
    for name in ("postgres", "redis", "rasa", "action-server", "gateway"):
        assert "healthcheck" in services[name], name


def _published(port: object) -> tuple[str | None, str]:
    """(host ip, host port) of a `ports:` entry, in either form docker-compose prints."""
    if isinstance(port, dict):
        return port.get("host_ip"), str(port.get("published"))
    parts = str(port).split("/")[0].split(":")
    return (parts[0] if len(parts) == 3 else None), parts[-2] if len(parts) > 1 else parts[0]


def test_only_the_gateway_is_published_and_only_on_loopback() -> None:
    services = _resolved_config()["services"]
    published = {name: s["ports"] for name, s in services.items() if s.get("ports")}
    assert set(published) == {"gateway"}
    assert [_published(p) for p in published["gateway"]] == [("127.0.0.1", "8080")]
    assert not any(s.get("network_mode") == "host" for s in services.values())


def test_rasa_requires_the_auth_token_and_the_gateway_sends_it() -> None:
    services = _resolved_config()["services"]
    token = REQUIRED["RASA_AUTH_TOKEN"]
    command = services["rasa"]["command"]
    assert command[command.index("--auth-token") + 1] == token
    assert f"status?token={token}" in " ".join(services["rasa"]["healthcheck"]["test"])
    assert services["gateway"]["environment"]["RASA_AUTH_TOKEN"] == token
    # the rest of the command is the image's, so the model and endpoints stay the same
    dockerfile = (ROOT / "docker" / "rasa.Dockerfile").read_text(encoding="utf-8")
    for part in ("serve.py", "--enable-api", "models/counterpart.tar.gz", "endpoints.yml"):
        assert part in command and part in dockerfile


def _user_of(url: str) -> str:
    return url.split("://", 1)[1].split(":", 1)[0]


def test_services_connect_as_their_own_roles_not_the_superuser() -> None:
    services = _resolved_config()["services"]
    postgres_env = services["postgres"]["environment"]
    superuser = postgres_env.get("POSTGRES_USER", "postgres")
    gateway_url = services["gateway"]["environment"]["DATABASE_URL"]
    migrate_url = services["migrate"]["environment"]["DATABASE_URL"]
    tracker_url = services["rasa"]["environment"]["TRACKER_DB_URL"]
    assert _user_of(gateway_url) == _user_of(migrate_url) == "counterpart"
    assert _user_of(tracker_url) == "rasa"
    assert superuser not in {"counterpart", "rasa"}
    # each role's password is the one the first-start script gives it
    assert ":app-pw@" in gateway_url and ":rasa-pw@" in tracker_url
    assert postgres_env["COUNTERPART_DB_PASSWORD"] == "app-pw"
    assert postgres_env["RASA_DB_PASSWORD"] == "rasa-pw"
    script = INIT_SCRIPT.read_text(encoding="utf-8")
    assert "app_role=counterpart" in script and "rasa_role=rasa" in script
    volumes = " ".join(str(v) for v in services["postgres"]["volumes"])
    assert "postgres-init.sh" in volumes and "postgres-roles.sql" in volumes
    roles = (ROOT / "docker" / "postgres-roles.sql").read_text(encoding="utf-8")
    assert roles.count("NOSUPERUSER NOCREATEDB NOCREATEROLE") == 2
