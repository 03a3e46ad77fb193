"""The literal prefilter of the cue groups (speed only): it must never change a match."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from practice import literals
from scoring.analysis import _folded, _group_match, _literals, load_cues

NLU_DIR = Path(__file__).resolve().parents[2] / "rasa_project" / "data" / "nlu"

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


def _same(m1: re.Match[str] | None, m2: re.Match[str] | None) -> bool:
    if m1 is None or m2 is None:
        return m1 is m2
    return (m1.group(0), m1.start()) == (m2.group(0), m2.start())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_prefilter_never_changes_a_group_match(lang: str) -> None:
    rules = load_cues(lang)
    assert sum(g.literals is not None for g in rules.groups) > len(rules.groups) // 2
    texts = OWN + _nlu_texts(7)
    skipped = 0
    for group in rules.groups:
        plain = dataclasses.replace(group, literals=None)
        for text in texts:
            fast, slow = _group_match(group, text), _group_match(plain, text)
            assert _same(fast, slow), (group.id, text)
            skipped += group.literals is not None and slow is None
    assert skipped > 0  # the prefilter had texts to skip
    assert any(g.by_literal for g in rules.groups)  # patterns picked one by one


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
    monkeypatch.setattr(offers, "cannot_match", lambda pattern, text: False)
    monkeypatch.setattr(reply_scores, "cannot_match", lambda pattern, text: False)
    assert [offers._named(offers._fold(t)) for t in texts] == fast_named
    slow = [reply_scores.feature_matches(t, lang) for t in texts for lang in ("en", "zh")]
    assert slow == fast_features
