"""The shared vocabulary is one table; every group and step set is derived from it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from practice import vocabulary as v

DOMAIN = Path(__file__).resolve().parents[2] / "rasa_project" / "domain" / "moves.yml"


def test_the_rasa_domain_knows_exactly_the_vocabulary_moves():
    intents = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["intents"]
    single = [i for i in intents if "+" not in i]
    assert tuple(single) == v.MOVES
    for combined in (i for i in intents if "+" in i):
        assert set(combined.split("+")) <= set(v.MOVES), combined


def test_every_group_a_move_names_is_a_documented_group():
    for move, info in v.MOVE_TABLE.items():
        assert info.groups <= set(v.GROUP_MEANINGS), move
        assert info.steps <= set(v.FIVE_STEPS), move


@pytest.mark.parametrize(
    ("group", "members"),
    [
        ("negative", {"blame_customer", "argue", "rude", "dismiss", "perfunctory", "deceive"}),
        ("question", {"open_question", "closed_question", "confirm"}),
        ("solution", {"offer_solution", "recommend"}),
        ("calming", {"empathy", "apology", "reassurance"}),
    ],
)
def test_groups_hold_the_moves_the_guidelines_name(group, members):
    assert v.group(group) == members


def test_negative_moves_are_the_negative_family_and_never_goodwill():
    assert {m for m, f in v.MOVE_FAMILIES.items() if f == "negative"} == v.NEGATIVE_MOVES
    assert not v.NEGATIVE_MOVES & v.GOODWILL_MOVES


def test_each_step_is_shown_by_some_move_and_solve_only_by_solutions():
    assert set(v.STEP_MOVES) == set(v.FIVE_STEPS)
    assert all(v.STEP_MOVES[step] for step in v.FIVE_STEPS)
    assert v.STEP_MOVES["solve"] == v.SOLUTION_MOVES


def test_an_unknown_group_or_move_is_an_error():
    with pytest.raises(KeyError):
        v.group("friendly")
    with pytest.raises(KeyError):
        v.family_of("shout")
