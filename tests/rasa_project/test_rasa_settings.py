"""The rasa env's settings: which persona library, types and model its processes use."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import rasa_settings
from personas import PersonaLibrary
from rasa_settings import RasaSettings, get_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VARIABLES = ("PERSONA_LIBRARY_DIR", "PERSONA_TYPES_DIR", "COUNTERPART_MODEL", "RASA_MODEL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_defaults_are_the_projects_library_types_and_trained_model() -> None:
    settings = RasaSettings()
    assert settings.persona_library_dir == PROJECT_ROOT / "personas" / "library"
    assert settings.persona_types_dir == PROJECT_ROOT / "personas" / "types"
    assert settings.model == PROJECT_ROOT / "rasa_project" / "models" / "counterpart.tar.gz"


def test_each_variable_is_honoured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PERSONA_LIBRARY_DIR", str(tmp_path / "library"))
    monkeypatch.setenv("PERSONA_TYPES_DIR", str(tmp_path / "types"))
    monkeypatch.setenv("COUNTERPART_MODEL", str(tmp_path / "model.tar.gz"))
    settings = RasaSettings()
    assert settings.persona_library_dir == tmp_path / "library"
    assert settings.persona_types_dir == tmp_path / "types"
    assert settings.model == tmp_path / "model.tar.gz"


def test_relative_paths_are_taken_from_the_project_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # the action server runs in rasa_project/, the batch tools in the project folder
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PERSONA_LIBRARY_DIR", "personas/library")
    monkeypatch.setenv("COUNTERPART_MODEL", "rasa_project/models/other.tar.gz")
    settings = RasaSettings()
    assert settings.persona_library_dir == PROJECT_ROOT / "personas" / "library"
    assert settings.model == PROJECT_ROOT / "rasa_project" / "models" / "other.tar.gz"


def test_an_empty_variable_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PERSONA_LIBRARY_DIR", "PERSONA_TYPES_DIR", "COUNTERPART_MODEL"):
        monkeypatch.setenv(name, "")
    assert RasaSettings() == RasaSettings.construct()  # the declared defaults


def test_rasa_model_is_the_older_name_of_counterpart_model(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RASA_MODEL", str(tmp_path / "old.tar.gz"))
    assert RasaSettings().model == tmp_path / "old.tar.gz"
    monkeypatch.setenv("COUNTERPART_MODEL", str(tmp_path / "new.tar.gz"))
    assert RasaSettings().model == tmp_path / "new.tar.gz"


def test_settings_are_read_once_per_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = get_settings()
    monkeypatch.setenv("PERSONA_LIBRARY_DIR", str(tmp_path))
    assert get_settings() is first
    assert first.persona_library_dir == PROJECT_ROOT / "personas" / "library"


def test_the_library_loads_personas_from_the_configured_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = PROJECT_ROOT / "personas" / "library" / "angry_zh_broadband_outage.yml"
    text = source.read_text(encoding="utf-8").replace(
        "id: angry_zh_broadband_outage", "id: angry_zh_only_here"
    )
    (tmp_path / "angry_zh_only_here.yml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("PERSONA_LIBRARY_DIR", str(tmp_path))
    settings = get_settings()
    library = PersonaLibrary(settings.persona_library_dir, types_root=settings.persona_types_dir)
    assert [p.id for p in library.list()] == ["angry_zh_only_here"]


def test_importing_reads_nothing_and_imports_no_rasa() -> None:
    probe = (
        "import sys, rasa_settings\n"
        "assert rasa_settings.get_settings.cache_info().currsize == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(rasa_settings.__file__).parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"
