"""The move NLU data, domain and rules agree with the move vocabulary (pure YAML checks)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from practice.vocabulary import MOVES

RASA = Path(__file__).resolve().parents[2] / "rasa_project"
CJK = re.compile(r"[\u3400-\u9fff]")
MIN_EXAMPLES = 80


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def move_blocks() -> list[dict]:
    blocks = []
    for path in sorted((RASA / "data" / "nlu").glob("*.yml")):
        doc = load(path)
        assert doc["version"] == "3.1", path.name
        blocks += [b for b in doc.get("nlu") or [] if "intent" in b]
    return [b for b in blocks if all(m in MOVES for m in b["intent"].split("+"))]


def examples(block: dict) -> list[str]:
    return [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]


@pytest.fixture(scope="module")
def domain_intents() -> list[str]:
    return load(RASA / "domain" / "moves.yml")["intents"]


def test_every_move_has_at_least_80_own_examples_per_language() -> None:
    counts: Counter[tuple[str, str]] = Counter()
    for block in move_blocks():
        if "+" not in block["intent"]:
            for text in examples(block):
                counts[(block["intent"], "zh" if CJK.search(text) else "en")] += 1
    short = {k: v for k, v in counts.items() if v < MIN_EXAMPLES}
    missing = {(m, lang) for m in MOVES for lang in ("zh", "en")} - set(counts)
    assert not short and not missing, (short, missing)


def test_no_example_is_listed_twice() -> None:
    seen: Counter[str] = Counter(t for b in move_blocks() for t in examples(b))
    assert [t for t, n in seen.items() if n > 1] == []


def test_domain_declares_every_trained_move_intent(domain_intents: list[str]) -> None:
    trained = {b["intent"] for b in move_blocks()}
    assert trained == set(domain_intents)
    assert set(MOVES) <= trained


def test_combined_intents_use_known_moves(domain_intents: list[str]) -> None:
    combos = [i for i in domain_intents if "+" in i]
    assert combos
    for combo in combos:
        parts = combo.split("+")
        assert len(parts) == len(set(parts)) and set(parts) <= set(MOVES), combo


def test_every_move_intent_goes_to_the_customer(domain_intents: list[str]) -> None:
    routed = set()
    for rule in load(RASA / "data" / "rules" / "moves.yml")["rules"]:
        steps = rule["steps"]
        assert steps[-1] == {"action": "action_customer_turn"}
        for step in steps[:-1]:
            routed |= {s["intent"] for s in step.get("or", [step]) if "intent" in s}
    assert routed == set(domain_intents)


def test_entities_the_persona_engine_needs_are_declared() -> None:
    entities = [
        e if isinstance(e, str) else next(iter(e))
        for e in load(RASA / "domain" / "moves.yml")["entities"]
    ]
    assert set(entities) == {"remedy", "order_number", "time_frame"}


ANNOTATION = re.compile(r"\[([^\]]+)\]\((remedy|order_number|time_frame)[^)]*\)")


def test_the_cue_rules_find_every_entity_the_training_data_marks() -> None:
    # no entity extractor is trained (config.yml): the cue rules are what finds them
    from scoring.analysis import analyze

    missed = []
    for block in move_blocks():
        for line in examples(block):
            text = ANNOTATION.sub(r"\1", line)
            found = {
                e["entity"] for e in analyze(text, "zh" if CJK.search(text) else "en")["entities"]
            }
            missed += [(m[2], m[1], text) for m in ANNOTATION.finditer(line) if m[2] not in found]
    assert missed == []
