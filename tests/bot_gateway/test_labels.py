"""The interface labels come from the guidelines catalogue and cover the whole vocabulary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot_gateway.config import Settings
from bot_gateway.labels import Labels, catalogue_labels, parse_labels
from bot_gateway.web.app import create_app
from personas.model import OUTCOMES
from scoring.rubric import DIMENSIONS, FIVE_STEPS, PERSONA_TYPES, load_catalogue

CJK = re.compile(r"[\u4e00-\u9fff]")
WEB = Path(__file__).resolve().parents[2] / "bot_gateway" / "web"


def test_the_catalogue_names_every_dimension_step_outcome_and_persona_type() -> None:
    table = catalogue_labels().table
    assert tuple(table["dimensions"]) == DIMENSIONS
    assert tuple(table["steps"]) == FIVE_STEPS
    assert tuple(table["outcomes"]) == tuple(OUTCOMES)
    assert set(table["persona_types"]) == set(PERSONA_TYPES)


@pytest.mark.parametrize("kind", ["dimensions", "steps", "outcomes", "persona_types"])
def test_every_label_is_chinese_and_english_in_both_forms(kind: str) -> None:
    labels = catalogue_labels()
    for key in labels.table[kind]:
        for short in (False, True):
            assert CJK.search(labels.label(kind, key, "zh", short=short)), (kind, key)
            assert not CJK.search(labels.label(kind, key, "en", short=short)), (kind, key)


def test_dimension_names_are_the_rubrics_own() -> None:
    names = load_catalogue().dimension_names
    for dim in DIMENSIONS:
        for lang in ("zh", "en"):
            assert catalogue_labels().label("dimensions", dim, lang) == names[dim][lang]


def test_a_short_form_falls_back_to_the_full_one_and_unknown_keys_show_as_themselves() -> None:
    labels = parse_labels({"steps": {"listen": {"zh": "倾听", "en": "Listen"}}})
    assert labels.label("steps", "listen", "zh", short=True) == "倾听"
    assert labels.label("steps", "follow_up", "en") == "follow up"
    assert labels.label("outcomes", None, "en") == "—"
    assert labels.label("steps", "listen", "fr") == "Listen"


def test_a_label_missing_a_language_is_refused() -> None:
    with pytest.raises(ValueError, match=r"steps\.listen has no en label"):
        parse_labels({"steps": {"listen": {"zh": "倾听"}}})


def test_the_web_chat_gets_the_labels_as_json(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'g.db'}", environment="test"
    )
    served = TestClient(create_app(settings)).get("/api/labels")
    assert served.status_code == 200
    body = served.json()
    labels: Labels = catalogue_labels()
    assert body["zh"]["dimensions"]["empathy"] == {
        "long": labels.label("dimensions", "empathy", "zh"),
        "short": labels.label("dimensions", "empathy", "zh", short=True),
    }
    assert set(body["en"]) == {"dimensions", "steps", "outcomes", "persona_types"}


def test_no_interface_keeps_its_own_copy_of_the_labels() -> None:
    sources = {
        "chat.js": (WEB / "static" / "chat.js").read_text(encoding="utf-8"),
        "telegram/i18n.py": (WEB.parent / "telegram" / "i18n.py").read_text(encoding="utf-8"),
        "supervisor/i18n.py": (WEB.parent / "supervisor" / "i18n.py").read_text(encoding="utf-8"),
    }
    labels = catalogue_labels()
    distinctive = {
        labels.label(kind, key, "zh", short=short)
        for kind in ("dimensions", "outcomes", "persona_types")
        for key in labels.table[kind]
        for short in (False, True)
    }
    distinctive = {name for name in distinctive if len(name) >= 3}
    assert distinctive, "nothing to look for"
    for source, text in sources.items():
        copies = sorted(name for name in distinctive if name in text)
        assert not copies, f"{source} has its own copy of {copies}"
