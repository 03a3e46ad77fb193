from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot_gateway.config import Settings


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


def test_production_webhook_needs_its_secret_token() -> None:
    with pytest.raises(ValidationError, match="TELEGRAM_WEBHOOK_SECRET"):
        Settings(
            _env_file=None,
            environment="production",
            secret_key="a-real-secret-of-some-length",
            telegram_webhook_url="https://bot.example.com/telegram",
        )


def test_empty_optional_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "")
    settings = Settings(_env_file=None)
    assert settings.telegram_bot_token is None
    assert settings.telegram_webhook_url is None
