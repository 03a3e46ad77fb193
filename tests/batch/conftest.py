"""Batch-tool tests (rasa env): one trained NLU model per session.

The model comes from $COUNTERPART_MODEL, else rasa_project/models/counterpart.tar.gz, else it
is trained once into a temporary directory (about a minute).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

RASA_PROJECT = Path(__file__).resolve().parents[2] / "rasa_project"
if str(RASA_PROJECT) not in sys.path:
    sys.path.insert(0, str(RASA_PROJECT))


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
