"""The rule registry and the general rules (persona-type rules: persona_rules.py).

A rule is a plain function of the Turn registered under its guideline id; it returns how
strongly it fires (0 = not at all, 1 = the guideline's catalogue weight). The catalogue
(guidelines.yml) owns each rule's wording, dimension, effect and weight.

Registration order matters: rules firing with the same strength are listed, and the tip
chosen among the worst lapses, in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from practice.vocabulary import ACTION_MOVES, CALMING_MOVES, NEGATIVE_MOVES
from scoring.rubric.turn import Turn

#: a rule returns how strongly it fires: 0 = not at all, 1 = its catalogue weight
Rule = Callable[[Turn], float]
#: guideline id -> rule, in registration order
RULES: Final[dict[str, Rule]] = {}

#: moves that engage with what the customer said (anything but small talk and negatives)
_RESPONSIVE: Final = ACTION_MOVES | CALMING_MOVES | {"praise"}


def rule(guideline_id: str) -> Callable[[Rule], Rule]:
    """Register the decorated function as the rule of this guideline."""

    def register(fn: Rule) -> Rule:
        RULES[guideline_id] = fn
        return fn

    return register


def yes(condition: bool) -> float:
    """Full strength when the condition holds, else not at all."""
    return 1.0 if condition else 0.0


@rule("steps.listen_first")
def _listen_first(t: Turn) -> float:
    return yes(
        not t.understood_before
        and not t.solution_now
        and t.has("open_question", "empathy", "paraphrase")
        and not t.moves & NEGATIVE_MOVES
        and t.question_marks < 3  # an interrogation is not listening
    )


def _premature(t: Turn) -> bool:
    return (
        t.solution_now
        and not t.understood_before
        and "paraphrase" not in t.moves
        and t.persona_type != "male_shopper"
        and not t.facts_given
    )


@rule("steps.solve_before_understanding")
def _solve_before_understanding(t: Turn) -> float:
    if not _premature(t):
        return 0.0
    # worse still when an upset customer has not even been calmed
    return 1.3 if t.upset and not t.moves & CALMING_MOVES else 1.0


@rule("steps.solve_concrete")
def _solve_concrete(t: Turn) -> float:
    # a pre-sales recommendation is the remedy of a shopping conversation
    return yes(t.solution_now and not _premature(t))


@rule("steps.follow_up")
def _follow_up(t: Turn) -> float:
    return yes(t.has("follow_up") and not t.solution_before and not t.solution_now)


@rule("emotion.report_back")
def _report_back(t: Turn) -> float:
    return yes(t.has("follow_up") and (t.solution_before or t.solution_now))


@rule("listening.paraphrase_facts")
def _paraphrase_facts(t: Turn) -> float:
    return yes(t.has("paraphrase"))


@rule("listening.paraphrase_feelings")
def _paraphrase_feelings(t: Turn) -> float:
    return yes(t.empathic and not t.upset)


@rule("emotion.empathise")
def _empathise(t: Turn) -> float:
    return yes(t.empathic and t.upset)


@rule("listening.ignored_customer")
def _ignored_customer(t: Turn) -> float:
    if not t.customer_text or t.signal("customer_closing", t.customer_text):
        return 0.0
    return yes((t.customer_asked or t.upset) and not t.moves & _RESPONSIVE)


@rule("listening.asked_again")
def _asked_again(t: Turn) -> float:
    if t.heard_by_persona:
        # the customer knows what they already told: only a fact really given counts
        return yes(t.asked_again is not None)
    # offline transcripts: the customer's last line gave an order number the reply asks for
    return yes(
        t.signal("order_number", t.customer_text)
        and t.signal("asks_order_number")
        and t.has("closed_question")
        and not t.has("paraphrase")  # reading the number back is checking, not asking
    )


@rule("listening.never_argue")
def _never_argue(t: Turn) -> float:
    return yes(t.has("argue"))


@rule("listening.no_blame")
def _no_blame(t: Turn) -> float:
    return yes(t.has("blame_customer"))


@rule("listening.no_filler")
def _no_filler(t: Turn) -> float:
    return yes(t.has("perfunctory"))


@rule("listening.stay_on_their_matter")
def _stay_on_their_matter(t: Turn) -> float:
    # the customer heard a sales pitch in place of their matter (personas.relevance.pitch)
    return yes(t.heard_by_persona and t.hollow == "pitch")


@rule("listening.no_dismiss")
def _no_dismiss(t: Turn) -> float:
    return yes(t.has("dismiss"))


@rule("listening.curt_reply")
def _curt_reply(t: Turn) -> float:
    return yes(t.curt)


@rule("emotion.stay_calm")
def _stay_calm(t: Turn) -> float:
    return yes(t.has("rude"))


@rule("emotion.overpromise")
def _overpromise(t: Turn) -> float:
    # made-up urgency and false claims are a red line of their own (emotion.made_up_pressure)
    return yes(t.signal("absolute_promise") and not t.made_up_pressure)


@rule("emotion.made_up_pressure")
def _made_up_pressure(t: Turn) -> float:
    return yes(t.made_up_pressure)


@rule("questioning.open_question")
def _open_question(t: Turn) -> float:
    if not t.has("open_question"):
        return 0.0
    # most valuable while the problem is still being found out
    return 1.0 if not t.solution_before else 0.5


@rule("questioning.closed_for_facts")
def _closed_for_facts(t: Turn) -> float:
    return yes(
        t.has("closed_question")
        and (not t.upset or t.soothed_before or bool(t.moves & CALMING_MOVES))
        and t.closed_streak() < 2
        and t.question_marks < 3
    )


@rule("questioning.details_before_calm")
def _details_before_calm(t: Turn) -> float:
    return yes(
        t.has("closed_question")
        and t.upset
        and not t.moves & CALMING_MOVES
        and not t.soothed_before
    )


@rule("questioning.closed_chain")
def _closed_chain(t: Turn) -> float:
    return yes(
        t.persona_type != "silent"
        and t.has("closed_question")
        and not t.has("open_question")
        and t.closed_streak() >= 2
    )


# the silent customer's side of questioning.closed_chain: registered right after it (not in
# persona_rules.py) so that it keeps its place among equally strong rules and tips
@rule("type.silent.closed_chain")
def _silent_closed_chain(t: Turn) -> float:
    if t.persona_type != "silent" or not t.has("closed_question") or t.has("open_question"):
        return 0.0
    streak = t.closed_streak()
    return 0.0 if streak < 1 else (1.0 if streak == 1 else 1.5)


@rule("questioning.too_many_questions")
def _too_many_questions(t: Turn) -> float:
    if t.question_marks < 3:
        return 0.0
    return 1.0 if t.question_marks == 3 else 1.5


@rule("questioning.speculative")
def _speculative(t: Turn) -> float:
    guesses = t.signal_count("speculative_question")
    return yes(guesses >= 2 or (guesses >= 1 and t.question_marks >= 2 and t.lang == "en"))


@rule("questioning.leading")
def _leading(t: Turn) -> float:
    return yes(
        t.persona_type != "silent"
        and t.signal("leading_question")
        and not t.has("paraphrase", "confirm")  # "…, right?" after a summary is a check
    )


@rule("questioning.reframe_complaint")
def _reframe_complaint(t: Turn) -> float:
    return yes(
        t.has("open_question")
        and t.signal("customer_sweeping", t.customer_text)
        and t.signal("improvement_question")
    )


@rule("confirm.check_understanding")
def _check_understanding(t: Turn) -> float:
    if not t.has("confirm"):
        return 0.0
    # checking agreement right after explaining or proposing is the textbook moment
    return 1.0 if (t.solution_now or t.has("inform") or t.solution_before) else 0.6


@rule("emotion.apologise_once")
def _apologise_once(t: Turn) -> float:
    return yes(t.has("apology") and not any("apology" in m for m in t.history_moves))


@rule("emotion.repeated_apology")
def _repeated_apology(t: Turn) -> float:
    earlier = sum(1 for moves in t.history_moves if "apology" in moves)
    # "sorry again for the trouble" said while thanking and closing is courtesy, not a loop
    if not t.has("apology") or earlier == 0 or t.moves & ACTION_MOVES or t.has("thanks_closing"):
        return 0.0
    return 1.0 if earlier == 1 else 1.5


@rule("emotion.reassure")
def _reassure(t: Turn) -> float:
    # an empty guarantee is not reassurance (emotion.overpromise rates it)
    return yes(t.has("reassurance") and not t.has("deceive") and not t.signal("absolute_promise"))


@rule("emotion.ignored")
def _emotion_ignored(t: Turn) -> float:
    previous = t.history_moves[-1] if t.history_moves else frozenset()
    # a remedy put forward once the feeling was met and the problem understood answers the
    # upset customer's "now do something about it" (seed 003 Ch3.1: solve at once, step 5)
    solving_in_turn = t.solution_now and t.soothed_before and t.understood_before
    return yes(
        t.upset
        and bool(t.moves)
        and not t.moves & (CALMING_MOVES | {"paraphrase"})
        and not previous & CALMING_MOVES
        and not solving_in_turn
    )


@rule("emotion.time_frame")
def _time_frame(t: Turn) -> float:
    return yes(t.has("offer_solution", "follow_up") and t.has_time_frame)


@rule("emotion.vague_promise")
def _vague_promise(t: Turn) -> float:
    return yes(
        t.has("offer_solution", "follow_up", "reassurance")
        and t.signal("vague_soon")
        and not t.has_time_frame
    )


@rule("solution.explore_together")
def _explore_together(t: Turn) -> float:
    return yes(t.solution_now and (t.has("confirm") or t.signal("choice_question")))


@rule("solution.inform_clearly")
def _inform_clearly(t: Turn) -> float:
    return yes(
        t.has("inform") and (t.understood_before or t.customer_asked) and not t.signal("guessing")
    )


@rule("follow_up.close_politely")
def _close_politely(t: Turn) -> float:
    return yes(t.has("thanks_closing") and (t.solution_before or t.solution_now))


@rule("follow_up.premature_close")
def _premature_close(t: Turn) -> float:
    return yes(
        t.has("thanks_closing")
        and not (t.solution_before or t.solution_now or t.has("follow_up"))
        and not t.signal("customer_closing", t.customer_text)
        and (t.upset or t.turn_index > 0)
    )


@rule("language.greeting")
def _greeting(t: Turn) -> float:
    return yes(t.has("greeting") and not t.history_moves)


@rule("language.polite")
def _polite(t: Turn) -> float:
    return yes(t.politeness is not None and t.politeness >= 0.75 and not t.moves & NEGATIVE_MOVES)


@rule("language.impolite")
def _impolite(t: Turn) -> float:
    return yes(t.politeness is not None and t.politeness <= 0.3 and not t.has("rude"))


@rule("language.concise")
def _concise(t: Turn) -> float:
    limit = 150 if t.lang == "zh" else 75
    return yes(t.length > limit)


@rule("language.no_jargon")
def _no_jargon(t: Turn) -> float:
    return yes(t.signal("jargon"))


@rule("language.no_guessing")
def _no_guessing(t: Turn) -> float:
    return yes(t.has("inform", "offer_solution") and t.signal("guessing"))


@rule("language.precise_details")
def _precise_details(t: Turn) -> float:
    return yes(
        t.has("inform", "offer_solution")
        and (t.signal("figures") or bool(t.entities))
        and not t.signal("guessing")
    )


@rule("responsiveness.quick_reply")
def _quick_reply(t: Turn) -> float:
    return yes(t.reply_seconds is not None and 0 <= t.reply_seconds <= 30)


@rule("responsiveness.slow_reply")
def _slow_reply(t: Turn) -> float:
    if t.reply_seconds is None or t.reply_seconds <= 90:
        return 0.0
    return 1.0 if t.reply_seconds <= 180 else 1.5
