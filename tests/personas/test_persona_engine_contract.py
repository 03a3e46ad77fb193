"""The engine's contract (docs/contracts.md): Reaction shape, JSON state, determinism,
variety, silence, finish and every ending."""

from __future__ import annotations

import dataclasses
import json

import pytest
from persona_scripts import BAD, GOOD, NEUTRAL, analysis

from personas import engine
from personas.lines import PLACEHOLDER, condition_of, text_of
from practice import vocabulary

REACTION_KEYS = {"line", "state", "stage", "ended", "outcome", "reaction"}
STAGES = {"opening", "venting", "clarifying", "negotiating", "closing"}
OUTCOMES = {None, "resolved", "escalated", "walked_away", "turn_limit"}


def test_contract_names_are_the_shared_vocabulary(library):
    persona = library.get("angry_zh_broadband_outage")
    assert set(vocabulary.STAGES) == STAGES
    assert set(vocabulary.OUTCOMES) == OUTCOMES - {None}
    assert tuple(engine.start(persona, 0)["state"]["mood"]) == vocabulary.MOOD_KEYS


def test_negative_reactions_are_keyed_by_negative_moves():
    """The engine's own reaction table for red-line moves names only negative moves, each once
    in the priority order; perfunctory is the one negative move without a reaction of its own
    (its type effects wear the customer down instead)."""
    reacting = set(engine.NEGATIVE_REACTION)
    assert reacting <= vocabulary.NEGATIVE_MOVES
    assert sorted(engine.NEGATIVE_PRIORITY) == sorted(reacting)
    assert vocabulary.NEGATIVE_MOVES - reacting == {"perfunctory"}


def play(persona, script, seed, *, via_json=False):
    r = engine.start(persona, seed)
    out = [r]
    for a in script:
        state = json.loads(json.dumps(r["state"])) if via_json else r["state"]
        r = engine.react(persona, state, a)
        out.append(r)
        if r["ended"]:
            break
    return out


def test_reaction_shape_and_state_contents(library):
    persona = library.get("angry_zh_broadband_outage")
    for r in play(persona, GOOD["angry"], 1):
        assert set(r) == REACTION_KEYS
        assert r["stage"] in STAGES and r["outcome"] in OUTCOMES
        assert isinstance(r["line"], str) and r["line"]
        mood = r["state"]["mood"]
        assert {"anger", "trust", "patience"} <= set(mood)
        for key in ("stage", "turn", "seed", "lines_used", "facts_revealed"):
            assert key in r["state"]
        assert r["state"]["stage"] == r["stage"]


def test_start_is_the_opening(library):
    persona = library.get("female_en_sofa")
    r = engine.start(persona, 9)
    assert r["stage"] == "opening" and r["reaction"] == "opening"
    assert r["line"] in persona.lines["opening"]
    assert not r["ended"] and r["outcome"] is None


@pytest.mark.parametrize("persona_id", ["angry_en_vacuum_broken", "talkative_en_tv_setup"])
def test_same_seed_same_conversation(library, persona_id):
    persona = library.get(persona_id)
    script = GOOD[persona.type]
    a = [(r["line"], r["reaction"]) for r in play(persona, script, 11)]
    b = [(r["line"], r["reaction"]) for r in play(persona, script, 11)]
    assert a == b


def test_different_seeds_vary_the_lines(library):
    persona = library.get("arrogant_zh_watch_service")
    runs = {tuple(r["line"] for r in play(persona, NEUTRAL, seed)) for seed in range(6)}
    assert len(runs) > 1


def test_engine_does_not_touch_global_random(library):
    import random

    persona = library.get("talkative_en_tv_setup")
    random.seed(123)
    expected = random.random()
    random.seed(123)
    play(persona, NEUTRAL, 3)
    assert random.random() == expected


def test_state_round_trips_through_json(library):
    for persona in library.list():
        direct = play(persona, GOOD[persona.type], 5)
        via_json = play(persona, GOOD[persona.type], 5, via_json=True)
        assert [r["line"] for r in direct] == [r["line"] for r in via_json]
        assert json.loads(json.dumps(direct[-1]["state"])) == direct[-1]["state"]


def test_react_does_not_mutate_the_callers_state(library):
    persona = library.get("doubtful_en_solar_quote")
    state = engine.start(persona, 1)["state"]
    snapshot = json.dumps(state, sort_keys=True)
    engine.react(persona, state, analysis("inform"))
    assert json.dumps(state, sort_keys=True) == snapshot


def test_no_line_repeats_while_alternatives_remain(library):
    persona = library.get("arrogant_en_hotel_suite")
    patient = dataclasses.replace(
        persona,
        behaviour={**persona.behaviour, "no_move": {}, "per_turn": {}, "stall": {}},
        max_turns=40,
    )
    bank = patient.lines["neutral"]
    state = engine.start(patient, 1)["state"]
    lines = []
    for _ in range(len(bank) + 2):
        r = engine.react(patient, state, analysis())
        state = r["state"]
        assert r["reaction"] == "neutral"
        lines.append(r["line"])
    first_round = lines[: len(bank)]
    assert len(set(first_round)) == len(bank)
    assert set(lines[len(bank) :]) <= set(bank)  # reuse only once the bank is exhausted


def test_no_line_repeats_in_a_whole_library_conversation(library):
    """Per reaction, a line comes back only once that reaction's whole bank has been used."""
    for persona in library.list():
        for script in (GOOD[persona.type], BAD, NEUTRAL):
            by_reaction: dict[str, list[str]] = {}
            for r in play(persona, script, 2):
                by_reaction.setdefault(r["reaction"], []).append(r["line"])
            for reaction, lines in by_reaction.items():
                bank = persona.lines.get(reaction)
                if not isinstance(bank, list) or any(
                    condition_of(e) or PLACEHOLDER.search(text_of(e)) for e in bank
                ):
                    continue  # the usable part of a conditional or slotted bank varies by turn
                size = len({text_of(e) for e in bank})
                assert len(set(lines)) == min(len(lines), size), (persona.id, reaction, lines)


def test_silence_reaction(library):
    persona = library.get("male_zh_laptop")
    state = engine.start(persona, 1)["state"]
    r = engine.react(persona, state, None, silence_seconds=persona.silence_timeout)
    assert r["reaction"] == "silence"
    assert r["state"]["mood"]["patience"] < state["mood"]["patience"]
    longer = engine.react(persona, state, None, silence_seconds=3 * persona.silence_timeout)
    assert longer["state"]["mood"]["patience"] < r["state"]["mood"]["patience"]


def test_long_silences_can_lose_the_customer(library):
    persona = library.get("male_en_cordless_drill")
    r = engine.start(persona, 1)
    for _ in range(5):
        r = engine.react(persona, r["state"], None, silence_seconds=10 * persona.silence_timeout)
        if r["ended"]:
            break
    assert r["outcome"] == "walked_away"


def test_finish_by_trainee(library):
    persona = library.get("angry_en_vacuum_broken")
    state = engine.start(persona, 1)["state"]
    r = engine.finish(persona, state, "trainee_ended")
    assert r["ended"] and r["outcome"] is None and r["reaction"] == "end_finished"
    again = engine.react(persona, r["state"], analysis("apology"))
    assert again["ended"] and again["line"] == r["line"]


def test_finish_after_agreement_counts_as_resolved(library):
    persona = library.get("male_en_cordless_drill")
    r = play(persona, GOOD["male_shopper"][:-1], 1)[-1]
    assert r["reaction"] == "accepted" and not r["ended"]
    done = engine.finish(persona, r["state"], "trainee_ended")
    assert done["outcome"] == "resolved"


def test_a_spoiled_deal_reopens(library):
    persona = library.get("male_en_cordless_drill")
    r = play(persona, GOOD["male_shopper"][:-1], 1)[-1]
    spoiled = engine.react(persona, r["state"], analysis("rude"))
    assert spoiled["outcome"] != "resolved"
    assert spoiled["state"]["accepted"] is None


@pytest.mark.parametrize(
    ("persona_id", "script", "outcome"),
    [
        ("angry_en_vacuum_broken", GOOD["angry"], "resolved"),
        ("angry_en_vacuum_broken", [analysis("dismiss")] * 3, "escalated"),
        ("doubtful_en_solar_quote", [analysis("perfunctory")] * 20, "walked_away"),
        ("arrogant_en_hotel_suite", [analysis("praise", "paraphrase")] * 20, "turn_limit"),
    ],
)
def test_every_ending_is_reachable(library, persona_id, script, outcome):
    persona = library.get(persona_id)
    final = play(persona, script, 1)[-1]
    assert final["ended"] and final["outcome"] == outcome
    assert final["reaction"] == f"end_{outcome}"
    assert final["stage"] == "closing"


def test_analysis_with_error_counts_as_no_move(library):
    persona = library.get("angry_en_vacuum_broken")
    state = engine.start(persona, 1)["state"]
    r = engine.react(persona, state, {"moves": [], "error": "empty text"})
    assert r["reaction"] == "neutral"
    assert r["state"]["turn"] == 1


def test_random_conversations_keep_the_contract(library):
    """Fuzz with seeded random move mixes (incl. silences and odd entities): no exceptions,
    moods stay in 0-100, states stay JSON, an ended conversation stays ended."""
    import random

    rng = random.Random(2024)
    for persona in library.list():
        for seed in range(4):
            r = engine.start(persona, seed)
            ended_at = None
            for _ in range(3 * persona.max_turns):
                if rng.random() < 0.1:
                    r = engine.react(persona, r["state"], None, silence_seconds=rng.uniform(1, 500))
                else:
                    moves = rng.sample(vocabulary.MOVES, rng.randint(0, 3))
                    a = analysis(*moves, remedy=rng.choice([None, "refund", "退款", "weird"]))
                    for m in a["moves"]:
                        m["confidence"] = rng.random()
                    r = engine.react(persona, r["state"], a)
                assert set(r) == REACTION_KEYS
                assert r["stage"] in STAGES and r["outcome"] in OUTCOMES
                assert all(0 <= v <= 100 for v in r["state"]["mood"].values())
                assert json.loads(json.dumps(r)) == r
                if ended_at is not None:
                    assert r["ended"] and r["state"]["turn"] == ended_at
                elif r["ended"]:
                    ended_at = r["state"]["turn"]
                    assert r["outcome"] is not None
            assert r["ended"], (persona.id, seed)  # the turn limit always ends it
