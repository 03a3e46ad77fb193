"""The persona-type rules: what a silent, doubtful, arrogant or talkative customer and a
female or male shopper need besides the general rules (seed 001's customer types).

Each fires only for its persona type. The silent customer's closed-question chain sits
beside questioning.closed_chain in rules.py.
"""

from __future__ import annotations

from scoring.rubric.rules import rule, yes
from scoring.rubric.turn import Turn


@rule("type.silent.open_up")
def _silent_open_up(t: Turn) -> float:
    return yes(
        t.persona_type == "silent"
        and (t.has("open_question") or (t.signal("concern_question") and t.question_marks > 0))
    )


@rule("type.silent.choice_question")
def _silent_choice(t: Turn) -> float:
    return yes(t.persona_type == "silent" and t.signal("choice_question") and t.question_marks > 0)


@rule("type.doubtful.evidence")
def _doubtful_evidence(t: Turn) -> float:
    return yes(
        t.persona_type == "doubtful"
        and t.has("inform", "offer_solution")
        and (t.signal("figures") or bool(t.entities))
    )


@rule("type.doubtful.no_hype")
def _doubtful_no_hype(t: Turn) -> float:
    return yes(
        t.persona_type == "doubtful"
        and (t.has("deceive") or t.signal("absolute_promise") or t.signal("false_urgency"))
    )


@rule("type.arrogant.acknowledge")
def _arrogant_acknowledge(t: Turn) -> float:
    return yes(t.persona_type == "arrogant" and t.has("praise"))


@rule("type.arrogant.no_lecture")
def _arrogant_no_lecture(t: Turn) -> float:
    return yes(t.persona_type == "arrogant" and (t.has("argue") or t.signal("lecturing")))


@rule("type.female_shopper.detail_and_time")
def _female_detail(t: Turn) -> float:
    detailed = t.length >= (40 if t.lang == "zh" else 25)
    return yes(
        t.persona_type == "female_shopper"
        and t.has("recommend", "inform")
        and (detailed or t.signal("take_your_time"))
    )


@rule("type.female_shopper.recognise")
def _female_recognise(t: Turn) -> float:
    return yes(t.persona_type == "female_shopper" and t.has("praise"))


@rule("type.female_shopper.no_false_urgency")
def _female_urgency(t: Turn) -> float:
    return yes(
        t.persona_type == "female_shopper" and (t.has("deceive") or t.signal("false_urgency"))
    )


@rule("type.male_shopper.efficient")
def _male_efficient(t: Turn) -> float:
    short = t.length <= (60 if t.lang == "zh" else 35)
    return yes(
        t.persona_type == "male_shopper"
        and t.has("recommend", "offer_solution", "inform")
        and short
    )


@rule("type.male_shopper.no_hassle")
def _male_no_hassle(t: Turn) -> float:
    long = t.length > (100 if t.lang == "zh" else 50)
    return yes(t.persona_type == "male_shopper" and (long or t.question_marks >= 2))


@rule("type.talkative.focus")
def _talkative_focus(t: Turn) -> float:
    return yes(t.persona_type == "talkative" and t.has("paraphrase"))
