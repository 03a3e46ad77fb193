"""The literal prefilter of the cue groups, the score features and the remedy phrases (speed
only): it must never change a match. Checked over own sentences, the NLU training examples and
the trainee replies of the golden transcripts and the persona scripts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from practice import literals
from practice.literals import LiteralIndex, _folded, _literals, pattern_requirements
from scoring.analysis import _group_kept, _group_match, _kept_patterns, clean_text, load_cues

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "rasa_project" / "data" / "nlu"
GOLDEN_DIR = ROOT / "tests" / "rasa_project" / "batch" / "golden"
SCRIPTS_DIR = ROOT / "tests" / "personas" / "data"

# own sentences, both languages, with case, negation and full-width forms
OWN = [
    "I'm SO sorry, I can see why you'd be upset about the delay.",
    "You shouldn't feel it's your fault, the courier broke it.",
    "Could you tell me your ORDER number, please?",
    "That's not my problem. Read the FAQ.",
    "ok",
    "OK!!",
    "非常抱歉让您久等了，我马上帮您查一下。",
    "这不是我们的问题，您自己看说明书吧",
    "您看换货可以吗？",
    "好的",
    "It isn't your fault, and it's not your fault that the box was late either; you broke nothing.",
    "We can't refund it, but we can replace it, or we could repair it, or maybe try a voucher?",
    "不是您的错，也不是您操作不当，我们可以给您换一个，或者退款。",
    "ſorry about that",  # long s: IGNORECASE reads it as "s"; the prefilter must step aside
    "I \u212aNOW how you feel",  # Kelvin sign for K
    "Ｉ'm ｓｏｒｒｙ",
]


def _nlu_texts(step: int) -> list[str]:
    texts: list[str] = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in (item.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    texts.append(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip()[2:]))
    return texts[::step]


def _replies(step: int) -> list[str]:
    """Trainee replies of the golden transcripts and the persona scripts (every step-th)."""
    texts: list[str] = []
    for path in sorted(GOLDEN_DIR.rglob("*.json*")):
        for raw in (
            path.read_text(encoding="utf-8").splitlines()
            if path.suffix == ".jsonl"
            else [path.read_text(encoding="utf-8")]
        ):
            texts.extend(_trainee_texts(json.loads(raw)) if raw.strip() else ())
    for path in sorted(SCRIPTS_DIR.glob("scripts*/*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                texts.extend(json.loads(raw)["trainee_turns"])
    return texts[::step]


def _trainee_texts(doc: object) -> list[str]:
    """Every trainee text in a golden file, wherever it sits."""
    if isinstance(doc, list):
        return [t for item in doc for t in _trainee_texts(item)]
    if not isinstance(doc, dict):
        return []
    found = [str(doc["text"])] if doc.get("role") == "trainee" and doc.get("text") else []
    return found + [t for value in doc.values() for t in _trainee_texts(value)]


def _same(m1: re.Match[str] | None, m2: re.Match[str] | None) -> bool:
    if m1 is None or m2 is None:
        return m1 is m2
    return (m1.group(0), m1.start()) == (m2.group(0), m2.start())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_prefilter_never_changes_a_group_match(lang: str) -> None:
    rules = load_cues(lang)
    assert rules.index is not None
    indexed = sum(g.first >= 0 for g in rules.groups)
    assert indexed == len(rules.groups)  # every group's patterns compile alone
    texts = OWN + _nlu_texts(17) + [clean_text(t) for t in _replies(7)]
    assert len(texts) > 600
    skipped = narrowed = 0
    for text in texts:
        kept = _kept_patterns(rules, text)
        for position, group in enumerate(rules.groups):
            some = _group_kept(kept, position, group)
            fast, slow = _group_match(group, text, some), _group_match(group, text)
            assert _same(fast, slow), (group.id, text, some)
            skipped += some == [] and slow is None
            narrowed += bool(some) and len(some) < len(group.alternatives)
    assert skipped > 0 and narrowed > 0  # the prefilter had texts to skip and to narrow


def test_no_indexed_pattern_is_left_out_where_it_matches() -> None:
    """Pattern by pattern: every pattern that matches a text is among the index's matchable."""
    for lang in ("en", "zh"):
        rules = load_cues(lang)
        patterns = [p for g in rules.groups for p in g.alternatives]
        index = LiteralIndex(patterns)
        for text in OWN + _nlu_texts(9) + [clean_text(t) for t in _replies(4)]:
            may = index.matchable(text)
            if may is None:
                continue
            left_out = set(range(len(patterns))) - set(may)
            assert not [patterns[i].pattern for i in left_out if patterns[i].search(text)], text


def test_requirements_need_every_part_of_a_sequence() -> None:
    def needs(pattern: str) -> list[set[str]]:
        return [set(s) for s in pattern_requirements(re.compile(pattern, re.IGNORECASE))]

    assert needs(r"\byou (should|must) calm down") == [{"you "}, {"should", "must"}, {" calm down"}]
    assert needs(r"(so |very )?sorry") == [{"sorry"}]
    assert needs(r"\d+") == []
    assert needs(r"(?:a|b)c") == [{"c"}]  # a one-character choice is a class, not a literal
    assert needs(r"(?=your )order") == [{"order"}]  # a lookahead is no part of the match
    index = LiteralIndex([re.compile(p, re.IGNORECASE) for p in (r"you (should|must) go", r"\d+")])
    assert index.matchable("You MUST go now") == [0, 1]
    assert index.matchable("you could go") == [1]  # "should"/"must" missing
    assert index.matchable("ſhould") is None  # a cased letter beyond ASCII: no prefilter


def test_required_literals_are_read_off_the_pattern() -> None:
    def lits(*patterns: str) -> tuple[str, ...] | None:
        return _literals(tuple(re.compile(p, re.IGNORECASE) for p in patterns))

    assert lits(r"\bI'?m (so |very )?sorry\b") == ("sorry",)
    assert lits(r"(?:thank you|thanks)+ a lot|cheers") == (" a lot", "cheers")
    assert lits(r"\d+") is None  # no literal: the regex always runs
    assert lits(r"(so )?sorry|\w+ly") == ("ly", "sorry")
    assert lits(r"(so )?sorry|[a-z]+") is None  # one alternative without a literal
    assert lits(r"不(?:好意思|客气)") == ("好意思", "客气")
    assert lits(r"(?P<a>[\u4e00-\u9fff])不(?P=a)") == ("不",)


def test_texts_with_cased_letters_beyond_ascii_skip_the_prefilter() -> None:
    assert _folded("I'm SORRY，您好") == "i'm sorry，您好"
    assert _folded("ſorry") is None
    assert _folded("\u212aNOW") is None
    assert literals._CASELESS_TEXT.fullmatch("Ｉ") is None


def test_prefilter_never_changes_the_remedies_named_or_the_score_features(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from personas import offers
    from scoring import reply_scores

    texts = OWN + _nlu_texts(5)
    fast_named = [offers._named(offers._fold(t)) for t in texts]
    fast_features = [reply_scores.feature_matches(t, lang) for t in texts for lang in ("en", "zh")]
    assert any(fast_named) and any(fast_features)
    monkeypatch.setattr(LiteralIndex, "matchable", lambda self, text: None)
    assert [offers._named(offers._fold(t)) for t in texts] == fast_named
    slow = [reply_scores.feature_matches(t, lang) for t in texts for lang in ("en", "zh")]
    assert slow == fast_features
