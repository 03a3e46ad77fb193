"""Issue 15 on our own conversation sets, scored as `make score` scores them (trained NLU).

tests/scoring/data/scorecard_sets.yml holds good, good-but-slow, mixed, content-free and
abusive conversations in both languages, pre- and after-sales. Here they must come out in
order: every good one >= 75, every abusive one <= 30, a gap of at least 50 points between
the weakest good and the strongest abusive conversation in each language and scenario kind,
and the kinds ordered on average. The figures:

    .venv-rasa/bin/python -m tests.rasa_project.batch.test_scorecard_sets
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest

from batch import score
from tests.scoring.scorecard_sets import ANALYSIS_GAPS, KINDS, load_sets, score_input_lines

GOOD_MIN, ABUSIVE_MAX, GAP_MIN = 75, 30, 50


def scored(model_path: Path | None) -> list[tuple[dict, dict]]:
    from batch.nlu import nlu_analyzer

    items = load_sets()
    lines = score_input_lines(items)
    texts = [t["text"] for item in items for t in item["turns"] if t["role"] == "trainee"]
    analyzer = nlu_analyzer(str(model_path) if model_path else None, texts)
    return list(zip(items, score.score_lines(lines, analyzer), strict=True))


@pytest.fixture(scope="module")
def results(model_path) -> list[tuple[dict, dict]]:
    return scored(model_path)


def _by_group(results) -> dict[tuple[str, str], dict[str, list[int]]]:
    groups: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for item, card in results:
        groups[(item["lang"], item["scenario"])][item["kind"]].append(card["overall"])
    return groups


def test_every_set_covers_the_five_kinds_in_both_languages_and_scenarios():
    items = load_sets()
    for lang in ("zh", "en"):
        for kind in KINDS:
            assert len([i for i in items if i["lang"] == lang and i["kind"] == kind]) >= 2
        for scenario in ("pre_sales", "after_sales"):
            kinds = {i["kind"] for i in items if (i["lang"], i["scenario"]) == (lang, scenario)}
            assert kinds == set(KINDS), (lang, scenario)


def test_good_and_abusive_conversations_are_far_apart(results):
    for (lang, scenario), kinds in _by_group(results).items():
        good, abusive = min(kinds["good"]), max(kinds["abusive"])
        assert good >= GOOD_MIN, (lang, scenario, kinds["good"])
        assert abusive <= ABUSIVE_MAX, (lang, scenario, kinds["abusive"])
        assert good - abusive >= GAP_MIN, (lang, scenario)


def test_the_kinds_come_out_in_order(results):
    for (lang, scenario), kinds in _by_group(results).items():
        means = {kind: sum(scores) / len(scores) for kind, scores in kinds.items()}
        ordered = [means[k] for k in ("good", "good_but_slow", "mixed", "content_free", "abusive")]
        assert ordered == sorted(ordered, reverse=True), (lang, scenario, means)
        # every good conversation beats every mixed, content-free and abusive one
        for worse in ("mixed", "content_free", "abusive"):
            assert min(kinds["good"]) > max(kinds[worse]), (lang, scenario, worse)


ABUSIVE = [
    pytest.param(item["id"], marks=pytest.mark.xfail(strict=True, reason=ANALYSIS_GAPS[item["id"]]))
    if item["id"] in ANALYSIS_GAPS
    else item["id"]
    for item in load_sets()
    if item["kind"] == "abusive"
]


@pytest.mark.parametrize("item_id", ABUSIVE)
def test_no_abusive_conversation_gets_a_strength_or_a_step(results, item_id):
    card = next(card for item, card in results if item["id"] == item_id)
    assert card["red_lines"]
    # the first tip names the reply that crossed the line
    assert card["tips"][0]["evidence"]
    assert card["strengths"] == []
    assert not any(card["five_steps"].values())


def main() -> None:
    model = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    results = scored(model)
    for item, card in results:
        print(f"{card['overall']:3d}  {item['kind']:13s} {item['id']}")
    print()
    print(f"{'lang':4s} {'scenario':11s} {'min good':>8s} {'max abusive':>11s} {'gap':>4s}")
    for (lang, scenario), kinds in sorted(_by_group(results).items()):
        good, abusive = min(kinds["good"]), max(kinds["abusive"])
        print(f"{lang:4s} {scenario:11s} {good:8d} {abusive:11d} {good - abusive:4d}")


if __name__ == "__main__":
    main()
