"""Tests of the Rasa side (rasa_project/: actions, batch tools, components, stores), rasa env only.

They import its code as the Rasa server and the action server do (`import actions`,
`from batch import score`): `make setup` puts rasa_project/ on the rasa env's sys.path through a
.pth file, so nothing here edits sys.path. The app env does not collect this folder.

The NLU model comes from $COUNTERPART_MODEL, else rasa_project/models/counterpart.tar.gz, else it
is trained once per session into a temporary directory (about a minute).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from personas import PersonaLibrary

RASA_PROJECT = Path(__file__).resolve().parents[2] / "rasa_project"


@pytest.fixture(scope="session")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    default = RASA_PROJECT / "models" / "counterpart.tar.gz"
    for candidate in (os.environ.get("COUNTERPART_MODEL"), default):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    from rasa.model_training import train_nlu

    out = tmp_path_factory.mktemp("model")
    model = train_nlu(
        config=str(RASA_PROJECT / "config.yml"),
        nlu_data=str(RASA_PROJECT / "data" / "nlu"),
        output=str(out),
        domain=str(RASA_PROJECT / "domain"),
        fixed_model_name="counterpart",
    )
    assert model, "training the test model failed"
    return Path(model)


@pytest.fixture(scope="session")
def nlu(model_path: Path):
    from batch.nlu import load_nlu

    loaded = load_nlu(model_path)
    yield loaded
    loaded.close()


@pytest.fixture(scope="session")
def analyse(model_path: Path):
    """The move analysis with the trained model in-process (`batch.nlu.nlu_analyzer`), loaded
    once for every reading test: ``analyse(text, lang, context)``."""
    from batch.nlu import nlu_analyzer

    return nlu_analyzer(model_path)


@pytest.fixture(scope="session")
def library() -> PersonaLibrary:
    return PersonaLibrary()
