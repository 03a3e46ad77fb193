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
REQUIRED = {"POSTGRES_PASSWORD": "pw", "SECRET_KEY": "a-real-secret"}
# Read by the images themselves, not by our settings classes.
IMAGE_VARIABLES = {"postgres": {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}}


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
    assert "POSTGRES_PASSWORD" in result.stderr or "SECRET_KEY" in result.stderr


def _endpoint_variables() -> set[str]:
    text = (ROOT / "rasa_project" / "endpoints.yml").read_text(encoding="utf-8")
    return set(re.findall(r"\$\{(\w+)\}", text))


@pytest.mark.parametrize("service", ["gateway", "migrate", "rasa", "action-server", "postgres"])
def test_every_variable_compose_sets_is_read_by_the_service(service: str) -> None:
    readers = {
        "gateway": {name.upper() for name in Settings.model_fields},
        "migrate": {name.upper() for name in Settings.model_fields},
        "rasa": _endpoint_variables(),
        "action-server": _endpoint_variables(),
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
