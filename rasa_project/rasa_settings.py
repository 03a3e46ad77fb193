"""Settings of the rasa env's processes (action server, batch tools), read once per process.

The rasa env pins pydantic 1.x (rasa 3.6), so this is pydantic's v1 ``BaseSettings``, not the
app env's pydantic-settings (bot_gateway/config.py). The variable names are the app's:
`counterpart run` passes its own values on, so the gateway lists exactly the personas the action
server plays. Only the environment is read (the rasa env has no python-dotenv for .env files).
Relative paths are taken from the project folder, whatever the working directory.

Nothing here imports rasa, and nothing is read at import: call ``get_settings()``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

try:  # pydantic 1.x, what the rasa env has
    from pydantic import BaseSettings, Field, validator
except ImportError:  # pydantic 2 keeps the 1.x API here (the app env, e.g. for its linters)
    from pydantic.v1 import BaseSettings, Field, validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = PROJECT_ROOT / "rasa_project" / "models" / "counterpart.tar.gz"


class RasaSettings(BaseSettings):
    """Every variable is documented in .env.example and the README's configuration table."""

    #: persona YAML files, one per customer (PERSONA_LIBRARY_DIR)
    persona_library_dir: Path = Field(
        PROJECT_ROOT / "personas" / "library", env="PERSONA_LIBRARY_DIR"
    )
    #: the customer types the personas build on (PERSONA_TYPES_DIR)
    persona_types_dir: Path = Field(PROJECT_ROOT / "personas" / "types", env="PERSONA_TYPES_DIR")
    #: the trained Rasa model the batch tools load (COUNTERPART_MODEL; RASA_MODEL, its older
    #: name, is still read)
    model: Path = Field(DEFAULT_MODEL, env=["COUNTERPART_MODEL", "RASA_MODEL"])
    #: the token Rasa's HTTP API requires (RASA_AUTH_TOKEN, also given as --auth-token); Rasa
    #: does not check it on channel webhooks, so the gateway's channel checks it itself
    rasa_auth_token: str | None = Field(None, env="RASA_AUTH_TOKEN")
    #: the Rasa server runs the custom actions itself, without an action server
    #: (ACTIONS_IN_PROCESS; the single-node `counterpart run` sets it, see serve.py)
    actions_in_process: bool = Field(False, env="ACTIONS_IN_PROCESS")

    class Config:
        case_sensitive = False

    @validator("persona_library_dir", "persona_types_dir", "model", "rasa_auth_token", pre=True)
    def _unset_when_empty(cls, value: object, field) -> object:
        # docker-compose and .env files pass unset variables as empty strings
        return field.default if value in ("", None) else value

    @validator("persona_library_dir", "persona_types_dir", "model")
    def _relative_to_project(cls, value: Path) -> Path:
        return value if value.is_absolute() else PROJECT_ROOT / value


@lru_cache(maxsize=1)
def get_settings() -> RasaSettings:
    return RasaSettings()
