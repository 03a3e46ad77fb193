"""Settings of the gateway and the local process runner, read once from the environment.

Relative paths (in the environment or in .env) are taken from the project folder, so every
process reads the same folders whatever its working directory: the runner starts Rasa and the
action server in rasa_project/.
"""

from __future__ import annotations

import ipaddress
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-not-secret"
PLACEHOLDER_SECRETS = frozenset({"", DEV_SECRET, "change-me"})
#: a production SECRET_KEY needs this many characters, with at least MIN_KEY_DISTINCT different
MIN_KEY_LENGTH = 32
MIN_KEY_DISTINCT = 10
MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


def is_loopback(host: str) -> bool:
    """True when listening on `host` reaches this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[] ")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def _from_project(value: Path) -> Path:
    return value if value.is_absolute() else PROJECT_ROOT / value


class Settings(BaseSettings):
    """Every variable is documented in .env.example and the README's configuration table."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"
    log_json: bool = False

    database_url: str = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'counterpart.db'}"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 15.0
    # Rasa's --auth-token: the gateway sends it as ?token= (docker-compose and `counterpart run`
    # start Rasa with it when it is set)
    rasa_auth_token: SecretStr | None = None

    web_host: str = "127.0.0.1"
    web_port: int = 8080
    # addresses whose X-Forwarded-For/-Proto are believed (the TLS proxy's); "*" for any
    forwarded_allow_ips: str = "127.0.0.1"
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    # other sites allowed to post to the gateway and open its WebSocket (comma-separated
    # origins, e.g. https://training.example.com when the proxy does not pass the Host on)
    trusted_origins: str = ""

    telegram_bot_token: SecretStr | None = None
    telegram_api_server: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None

    # The action server reads the same two (rasa_project/rasa_settings.py); `counterpart run`
    # passes them on, so the gateway lists exactly the personas the customer is played from.
    persona_library_dir: Path = PROJECT_ROOT / "personas" / "library"
    persona_types_dir: Path = PROJECT_ROOT / "personas" / "types"

    @field_validator(
        "rasa_auth_token",
        "telegram_bot_token",
        "telegram_api_server",
        "telegram_webhook_url",
        "telegram_webhook_secret",
        mode="before",
    )
    @classmethod
    def _empty_means_unset(cls, value: object) -> object:
        # docker-compose and .env files pass unset optional variables as empty strings
        return None if value == "" else value

    @property
    def trusted_origin_list(self) -> list[str]:
        return [o.strip() for o in self.trusted_origins.split(",") if o.strip()]

    @field_validator("persona_library_dir", "persona_types_dir")
    @classmethod
    def _relative_to_project(cls, value: Path) -> Path:
        return _from_project(value)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        # The placeholder is public (it is in this file): anyone could sign a staff cookie with
        # it, so it only serves a gateway nobody else can reach.
        key = self.secret_key.get_secret_value()
        if key in PLACEHOLDER_SECRETS and not is_loopback(self.web_host):
            raise ValueError(
                f"SECRET_KEY is the public placeholder but the gateway listens on "
                f"{self.web_host}, beyond this machine: set SECRET_KEY (e.g. {MAKE_A_KEY}) "
                f"or WEB_HOST=127.0.0.1"
            )
        if self.environment == "production":
            if key in PLACEHOLDER_SECRETS:
                raise ValueError("SECRET_KEY must be set to a real secret in production")
            if len(key) < MIN_KEY_LENGTH or len(set(key)) < MIN_KEY_DISTINCT:
                raise ValueError(
                    f"SECRET_KEY is too weak for production: use at least {MIN_KEY_LENGTH} "
                    f"random characters, e.g. {MAKE_A_KEY}"
                )
            if self.telegram_webhook_url and not self.telegram_webhook_secret:
                raise ValueError("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL")
        return self


class StackSettings(BaseSettings):
    """Where `counterpart run` finds the rasa env and the model, and which local ports it uses."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    rasa_env_dir: Path = PROJECT_ROOT / ".venv-rasa"
    # COUNTERPART_MODEL is the name the rasa env's tools read too (rasa_project/rasa_settings.py);
    # RASA_MODEL is its older name, still honoured.
    rasa_model: Path = Field(
        default=PROJECT_ROOT / "rasa_project" / "models" / "counterpart.tar.gz",
        validation_alias=AliasChoices("counterpart_model", "rasa_model"),
    )
    rasa_port: int = 5005
    action_server_port: int = 5055
    web_port: int = 8080
    web_host: str = "127.0.0.1"
    # Rasa runs the custom actions itself, no action server process (rasa_project/serve.py):
    # ~2 ms less CPU per turn in all and one process less, but the actions' CPU then shares
    # the Rasa process's one core, whose ceiling is what limits a single node (250 trainees at
    # human pace, session 8: Rasa 6.8 ms per turn with an action server, 9.6 ms with the actions
    # in it; 15.5 vs 13.6 ms for the whole stack), so it is off by default. The production
    # topology (docker-compose, `make topology`) always runs separate action servers.
    actions_in_process: bool = False
    # Rasa servers on this node (RASA_SERVERS), on rasa_port, rasa_port + 1, …: each is one
    # Python event loop, so one server uses one core at most, and Rasa's loop was what saturated
    # first under load. Two let Rasa's share of the turn run on both cores of a small machine:
    # at 800 trainees replying every 8 s, p95 722 ms with two against 1,466 ms with one (2 cores,
    # `make bench`, session 12). They share the SQLite tracker store (WAL); the gateway keeps each
    # conversation on one of them and sends a turn only when the last one is answered
    # (bot_gateway/rasa_pool.py). Default: two on a machine with two or more cores, else one.
    rasa_servers: int = Field(default_factory=lambda: default_rasa_servers(), ge=1, le=8)
    log_dir: Path = PROJECT_ROOT / "var" / "log"
    state_dir: Path = PROJECT_ROOT / "var"

    @field_validator("rasa_env_dir", "rasa_model", "log_dir", "state_dir")
    @classmethod
    def _relative_to_project(cls, value: Path) -> Path:
        return _from_project(value)


def default_rasa_servers() -> int:
    """Two Rasa servers where there are two cores or more, one on a single core."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


@lru_cache
def get_settings() -> Settings:
    return Settings()
