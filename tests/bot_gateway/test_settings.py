from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot_gateway.config import PROJECT_ROOT, Settings, StackSettings


def test_development_runs_on_embedded_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "RASA_URL", "WEB_PORT", "ENVIRONMENT", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.web_port == 8080
    assert settings.telegram_bot_token is None


@pytest.mark.parametrize("secret", ["", "change-me", "dev-only-not-secret"])
def test_production_refuses_placeholder_secrets(secret: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None, environment="production", secret_key=secret)


STRONG_KEY = "kT3v9Qx_2mL8pR4wZ7yB1nC6dF0hJ5sG"


@pytest.mark.parametrize("environment", ["development", "test", "production"])
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "gateway.example.com"])
def test_the_placeholder_key_is_refused_beyond_loopback(environment: str, host: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None, environment=environment, web_host=host)
    # a real key is fine there (production: a strong one)
    assert Settings(_env_file=None, environment=environment, web_host=host, secret_key=STRONG_KEY)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_the_placeholder_key_is_fine_on_loopback_outside_production(host: str) -> None:
    settings = Settings(_env_file=None, web_host=host)
    assert settings.secret_key.get_secret_value() == "dev-only-not-secret"


@pytest.mark.parametrize(
    "weak",
    ["a-real-secret", "short-but-not-placeholder", "a" * 40, "abababababababababababababababab"],
)
def test_production_refuses_weak_keys(weak: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None, environment="production", secret_key=weak)


def test_serve_refuses_to_start_on_all_interfaces_with_the_placeholder_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from bot_gateway import cli
    from bot_gateway.config import get_settings

    monkeypatch.setenv("WEB_HOST", "0.0.0.0")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("the gateway started"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli.app, ["serve"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "SECRET_KEY" in result.output and "0.0.0.0" in result.output


def test_production_webhook_needs_its_secret_token() -> None:
    with pytest.raises(ValidationError, match="TELEGRAM_WEBHOOK_SECRET"):
        Settings(
            _env_file=None,
            environment="production",
            secret_key=STRONG_KEY,
            telegram_webhook_url="https://bot.example.com/telegram",
        )


def test_empty_optional_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "")
    settings = Settings(_env_file=None)
    assert settings.telegram_bot_token is None
    assert settings.telegram_webhook_url is None


def test_relative_persona_folders_are_taken_from_the_project_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PERSONA_LIBRARY_DIR", "personas/library")
    monkeypatch.setenv("PERSONA_TYPES_DIR", str(tmp_path / "types"))
    settings = Settings(_env_file=None)
    assert settings.persona_library_dir == PROJECT_ROOT / "personas" / "library"
    assert settings.persona_types_dir == tmp_path / "types"


def test_counterpart_model_names_the_model_and_rasa_model_still_works(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("COUNTERPART_MODEL", "RASA_MODEL"):
        monkeypatch.delenv(name, raising=False)
    default = StackSettings(_env_file=None).rasa_model
    assert default == PROJECT_ROOT / "rasa_project" / "models" / "counterpart.tar.gz"
    monkeypatch.setenv("RASA_MODEL", str(tmp_path / "old.tar.gz"))
    assert StackSettings(_env_file=None).rasa_model == tmp_path / "old.tar.gz"
    monkeypatch.setenv("COUNTERPART_MODEL", "rasa_project/models/new.tar.gz")
    assert StackSettings(_env_file=None).rasa_model == default.parent / "new.tar.gz"


@cache
def _settings_variables() -> dict[str, set[str]]:
    """Every variable each settings class reads, by class name (the rasa env's one included:
    its pydantic 1.x API is pydantic.v1 here)."""
    spec = importlib.util.spec_from_file_location(
        "rasa_settings_for_docs", PROJECT_ROOT / "rasa_project" / "rasa_settings.py"
    )
    assert spec and spec.loader
    rasa_settings = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rasa_settings)
    found: dict[str, set[str]] = {}
    for cls in (Settings, StackSettings):
        names: set[str] = set()
        for name, field in cls.model_fields.items():
            alias = field.validation_alias
            choices = getattr(alias, "choices", None) or [alias or name]
            names |= {str(choice).upper() for choice in choices}
        found[cls.__name__] = names
    found["RasaSettings"] = {
        env.upper()
        for field in rasa_settings.RasaSettings.__fields__.values()
        for env in field.field_info.extra["env_names"]
    }
    return found


@pytest.mark.parametrize("settings_class", ["Settings", "StackSettings", "RasaSettings"])
def test_every_variable_is_documented(settings_class: str) -> None:
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") :]
    for variable in _settings_variables()[settings_class]:
        assert re.search(rf"^{variable}=", example, re.MULTILINE) or (
            variable == "RASA_MODEL" and "RASA_MODEL" in example
        ), f"{variable} is not in .env.example"
        assert f"`{variable}`" in table, f"{variable} is not in the README's settings table"
