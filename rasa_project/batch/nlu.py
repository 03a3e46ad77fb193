"""In-process Rasa NLU for the batch tools (`make moves`, `chat`, `simulate`, `score`).

Loads the trained model archive once and parses texts without a Rasa server:

    from batch.nlu import load_nlu
    nlu = load_nlu()                      # rasa_project/models/counterpart.tar.gz
    nlu.parse("您好")                      # {"text", "intent", "intent_ranking", "entities", ...}
    nlu.parse_many(["hi", "sorry"])       # one dict per text, same order

`nlu_analyzer()` wraps it into the practice core's analyzer (text, lang, context -> analysis).
The result is Rasa's own parse result (what `latest_message` holds on the server), so
`scoring.analysis.analyze(text, lang, context, nlu=result)` takes it as is. Runs in the
rasa env only (it imports rasa).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from practice.contracts import Analysis, Analyzer

RASA_PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = RASA_PROJECT / "models" / "counterpart.tar.gz"
#: texts per graph run: big enough to amortise the graph overhead, small enough for memory
CHUNK = 256


def _quiet_rasa() -> None:
    # TensorFlow and Rasa log a screenful at import and load; batch output must stay clean
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    for name in ("rasa", "tensorflow", "absl", "jieba"):
        logging.getLogger(name).setLevel(logging.ERROR)


class NLU:
    """A loaded Rasa NLU model; build it with `load_nlu()`."""

    def __init__(self, model_path: Path) -> None:
        _quiet_rasa()
        from rasa.engine.loader import load_predict_graph_runner
        from rasa.engine.runner.dask import DaskGraphRunner
        from rasa.engine.storage.local_model_storage import LocalModelStorage

        self.model_path = model_path
        self._storage_dir = Path(tempfile.mkdtemp(prefix="counterpart-nlu-"))
        self._metadata, self._runner = load_predict_graph_runner(
            self._storage_dir, model_path, LocalModelStorage, DaskGraphRunner
        )
        if not self._metadata.nlu_target:
            raise ValueError(f"{model_path} holds no NLU model")

    def parse(self, text: str) -> dict[str, Any]:
        """Rasa's parse result for one text."""
        return self.parse_many([text])[0]

    def parse_many(self, texts: Iterable[str]) -> list[dict[str, Any]]:
        """Parse results for many texts, in order; the graph runs once per chunk of texts."""
        from rasa.core.channels.channel import UserMessage
        from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
        from rasa.shared.core.trackers import DialogueStateTracker

        texts = list(texts)
        results: list[dict[str, Any]] = []
        tracker = DialogueStateTracker.from_events("batch", [])
        target = self._metadata.nlu_target
        for start in range(0, len(texts), CHUNK):
            chunk = [UserMessage(text=t) for t in texts[start : start + CHUNK]]
            out = self._runner.run(
                inputs={PLACEHOLDER_MESSAGE: chunk, PLACEHOLDER_TRACKER: tracker},
                targets=[target],
            )[target]
            for message in out:
                parsed = {
                    "text": "",
                    "intent": {"name": None, "confidence": 0.0},
                    "entities": [],
                }
                parsed.update(message.as_dict(only_output_properties=True))
                results.append(parsed)
        return results

    def close(self) -> None:
        """Remove the unpacked model files from the temporary directory."""
        shutil.rmtree(self._storage_dir, ignore_errors=True)


def load_nlu(model_path: str | Path | None = None) -> NLU:
    """Load the NLU model (default: $COUNTERPART_MODEL, else the project's trained model)."""
    from rasa_settings import get_settings

    path = Path(model_path) if model_path else Path(get_settings().model)
    if not path.is_file():
        raise FileNotFoundError(f"no trained model at {path} (run `make train`)")
    return NLU(path)


def nlu_analyzer(model_path: str | Path | None = None, texts: Iterable[str] = ()) -> Analyzer:
    """The move analysis with the trained model in-process: what the action server does with
    Rasa's parse, for the batch tools (`make chat`, `make simulate`, `make score`, calibration).

    ``texts`` known up front are parsed in one batch; any other text is parsed when it comes.
    The classifier reads the cleaned reply, as Rasa does behind the gateway.
    """
    from scoring.analysis import analyze, clean_text

    nlu = load_nlu(model_path)
    unique = list(dict.fromkeys(clean_text(t) for t in texts if isinstance(t, str) and t.strip()))
    parses: dict[str, dict[str, Any]] = dict(zip(unique, nlu.parse_many(unique), strict=True))

    def run(text: str, lang: str, context: str) -> Analysis:
        cleaned = clean_text(text)
        if cleaned and cleaned not in parses:
            parses[cleaned] = nlu.parse(cleaned)
        return analyze(text, lang, context=context, nlu=parses.get(cleaned))

    return run
