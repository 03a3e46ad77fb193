"""Each named step of scoring.analysis on its own: build the state, run the step, check it."""

from __future__ import annotations

from typing import Any

import pytest

from scoring.analysis import (
    ADJUSTMENTS,
    MOVE_MIN,
    NLU_NEGATIVE_OVER_KIND_CUE_MIN,
    NLU_ONLY_FILLER_MAX,
    NLU_WEIGHT,
    NO_WORDS_CONFIDENCE,
    NO_WORDS_PENALTY,
    RANK_BELOW_MARGIN,
    STATEMENT_CONFIDENCE,
    AnalysisState,
    Evidence,
    analyze,
    answer_echoing_the_question_is_no_paraphrase,
    cap_classifier_only_filler,
    checked_proposal_is_offer_first,
    checked_restatement_is_paraphrase_first,
    combine_cue_and_classifier,
    courtesy_sorry_before_an_answer,
    drop_classifier_filler_in_long_reply,
    drop_doubtful_classifier_negatives,
    fall_back_when_nothing_found,
    found_option_answers_a_request,
    no_words_is_perfunctory,
    one_reading_per_question,
    overlap_alone_is_secondary_paraphrase,
    reported_moves,
    suggestion_question_is_an_offer,
    weigh_default_question,
    whole_filler_is_perfunctory,
)

BELOW = RANK_BELOW_MARGIN


def state(
    text: str = "About your parcel from Tuesday.",
    lang: str = "en",
    *,
    cue: dict[str, float] | None = None,
    nlu: dict[str, float] | None = None,
    combined: dict[str, float] | None = None,
    ranked: list[tuple[str, float]] | None = None,
    **flags: Any,
) -> AnalysisState:
    """A reply's state: cue and classifier moves, combined confidences, Evidence flags."""
    evidence = Evidence(cue_moves=dict(cue or {}), nlu_moves=dict(nlu or {}), **flags)
    return AnalysisState(
        text=text,
        lang=lang,
        evidence=evidence,
        ranked=list(ranked or []),
        combined=dict(combined or {}),
    )


def rounded(values: dict[str, float]) -> dict[str, float]:
    return {move: round(conf, 6) for move, conf in values.items()}


# --- the early exits ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["👍", "？？", "..."])
def test_a_reply_without_words_is_perfunctory(text: str) -> None:
    s = state(text, "zh")
    assert no_words_is_perfunctory(s) == [
        {"move": "perfunctory", "confidence": NO_WORDS_CONFIDENCE}
    ]
    assert s.evidence.cue_ids == {"no_words"}
    assert s.evidence.politeness_delta == -NO_WORDS_PENALTY


@pytest.mark.parametrize(("text", "lang"), [("ok", "en"), ("嗯", "zh"), ("2", "en")])
def test_a_reply_with_words_goes_on(text: str, lang: str) -> None:
    s = state(text, lang)
    assert no_words_is_perfunctory(s) is None
    assert s.evidence.cues == []
    assert s.evidence.politeness_delta == 0.0


def test_a_whole_reply_filler_is_perfunctory_whatever_the_classifier_said() -> None:
    s = state("ok", cue={"perfunctory": 0.9}, nlu={"apology": 0.95}, cue_ids={"filler"})
    assert whole_filler_is_perfunctory(s) == [{"move": "perfunctory", "confidence": 0.9}]


def test_a_filler_inside_a_reply_is_no_early_exit() -> None:
    # another cue gave perfunctory, but the whole-reply filler cue did not fire
    s = state("ok so", cue={"perfunctory": 0.9}, cue_ids={"short_ack"})
    assert whole_filler_is_perfunctory(s) is None


# --- the adjustments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cue", "nlu", "kept"),
    [
        # the classifier's main reading needs NLU_ONLY_NEGATIVE_MIN (0.35)
        ({}, {"rude": 0.4}, {"rude"}),
        ({}, {"rude": 0.3}, set()),
        # a secondary reading needs NLU_ONLY_NEGATIVE_SECONDARY_MIN (0.75)
        ({}, {"apology": 0.9, "rude": 0.7}, {"apology"}),
        ({}, {"apology": 0.9, "rude": 0.8}, {"apology", "rude"}),
        # kind words in the cues: near certain (0.9), unless the cues found negative words too
        ({"empathy": 0.8}, {"rude": 0.85}, set()),
        ({"empathy": 0.8}, {"rude": NLU_NEGATIVE_OVER_KIND_CUE_MIN}, {"rude"}),
        ({"empathy": 0.8, "argue": 0.7}, {"rude": 0.85}, {"rude"}),
        # a negative move the cues found too stays, however low the classifier is
        ({"rude": 0.8}, {"apology": 0.9, "rude": 0.1}, {"apology", "rude"}),
        # other moves are not this step's business
        ({}, {"inform": 0.25}, {"inform"}),
    ],
)
def test_doubtful_classifier_negatives_are_dropped(
    cue: dict[str, float], nlu: dict[str, float], kept: set[str]
) -> None:
    s = state(cue=cue, nlu=nlu)
    drop_doubtful_classifier_negatives(s)
    assert set(s.evidence.nlu_moves) == kept
    assert s.evidence.cue_moves == cue


@pytest.mark.parametrize(
    ("lang", "text", "cue", "kept"),
    [
        ("en", "ok thanks", {}, True),
        ("en", "I will check that for you now", {}, False),
        ("zh", "嗯嗯好的", {}, True),
        ("zh", "嗯嗯好的我看看", {}, False),
        # the cues' own filler reading keeps it
        ("en", "I will check that for you now", {"perfunctory": 0.7}, True),
    ],
)
def test_classifier_filler_needs_a_filler_sized_reply(
    lang: str, text: str, cue: dict[str, float], kept: bool
) -> None:
    s = state(text, lang, cue=cue, nlu={"perfunctory": 0.6, "inform": 0.5})
    drop_classifier_filler_in_long_reply(s)
    assert ("perfunctory" in s.evidence.nlu_moves) is kept
    assert s.evidence.nlu_moves["inform"] == 0.5


def test_cue_and_classifier_combine_as_independent_votes() -> None:
    s = state(cue={"apology": 0.8, "empathy": 0.5}, nlu={"empathy": 0.5, "inform": 0.5})
    combine_cue_and_classifier(s)
    assert rounded(s.combined) == {
        "apology": 0.8,  # cue alone
        "empathy": round(1 - 0.5 * (1 - 0.5 * NLU_WEIGHT), 6),  # both: surer than either
        "inform": round(0.5 * NLU_WEIGHT, 6),  # classifier alone, weighed
    }


@pytest.mark.parametrize(
    ("cue", "before", "after"),
    [
        ({}, 0.6, NLU_ONLY_FILLER_MAX),
        ({}, 0.2, 0.2),
        ({"perfunctory": 0.7}, 0.8, 0.8),
    ],
)
def test_a_classifier_only_filler_is_capped(
    cue: dict[str, float], before: float, after: float
) -> None:
    s = state(cue=cue, combined={"perfunctory": before, "inform": 0.9})
    cap_classifier_only_filler(s)
    assert s.combined == {"perfunctory": after, "inform": 0.9}


@pytest.mark.parametrize(
    ("lang", "cue", "combined", "kept"),
    [
        # Chinese: a short greeting or farewell said something; the classifier's filler goes
        ("zh", {"greeting": 0.7}, {"perfunctory": 0.6, "greeting": 0.7}, False),
        ("zh", {}, {"perfunctory": 0.6, "thanks_closing": 0.4}, False),
        # ... not when nothing else reaches MOVE_MIN
        ("zh", {}, {"perfunctory": 0.6, "thanks_closing": 0.2}, True),
        # ... nor when the cues themselves found the filler
        ("zh", {"perfunctory": 0.9}, {"perfunctory": 0.9, "greeting": 0.7}, True),
        # English is left as it was (capped, still reported)
        ("en", {"greeting": 0.7}, {"perfunctory": 0.6, "greeting": 0.7}, True),
    ],
)
def test_a_classifier_only_filler_beside_another_move_goes_zh(
    lang: str, cue: dict[str, float], combined: dict[str, float], kept: bool
) -> None:
    s = state("王老师好", lang, cue=cue, combined=combined)
    cap_classifier_only_filler(s)
    assert ("perfunctory" in s.combined) is kept
    assert {m: c for m, c in s.combined.items() if m != "perfunctory"} == {
        m: c for m, c in combined.items() if m != "perfunctory"
    }


@pytest.mark.parametrize(
    ("default_question", "cue_closed", "nlu", "ranked", "dropped"),
    [
        # the classifier clearly reads a confirmation: the default reading goes
        (True, 0.6, {"confirm": 0.7}, [("confirm", 0.7)], True),
        # ... not when its own first reading is a closed question
        (True, 0.6, {}, [("closed_question", 0.7), ("confirm", 0.6)], False),
        # ... or is not sure enough of the other move
        (True, 0.6, {}, [("confirm", 0.4)], False),
        # ... or also reads a closed question with some confidence
        (True, 0.6, {"confirm": 0.7, "closed_question": 0.3}, [("confirm", 0.7)], False),
        # another clause asks for a fact: that question stands
        (True, 0.8, {"confirm": 0.7}, [("confirm", 0.7)], False),
        # no default question, or no classifier
        (False, 0.8, {"confirm": 0.7}, [("confirm", 0.7)], False),
        (True, 0.6, {}, [], False),
    ],
)
def test_default_question_gives_way_to_a_clear_classifier(
    default_question: bool,
    cue_closed: float,
    nlu: dict[str, float],
    ranked: list[tuple[str, float]],
    dropped: bool,
) -> None:
    s = state(
        cue={"closed_question": cue_closed},
        nlu=nlu,
        ranked=ranked,
        combined={"closed_question": 0.6, "confirm": 0.7},
        default_question=default_question,
    )
    weigh_default_question(s)
    assert ("closed_question" not in s.combined) is dropped
    assert s.combined["confirm"] == 0.7


@pytest.mark.parametrize(
    ("flags", "combined", "expected"),
    [
        # the question is the restatement: every question move ranks below the paraphrase
        (
            {"restating_question": True},
            {"paraphrase": 0.85, "closed_question": 0.9, "open_question": 0.9, "confirm": 0.5},
            {
                "paraphrase": 0.85,
                "closed_question": 0.85 - BELOW,
                "open_question": 0.85 - BELOW,
                "confirm": 0.5,
            },
        ),
        # a tag checks the restatement: only confirm ranks below it
        (
            {"tag_confirm": True},
            {"paraphrase": 0.85, "confirm": 0.95, "closed_question": 0.9},
            {"paraphrase": 0.85, "confirm": 0.85 - BELOW, "closed_question": 0.9},
        ),
        # a paraphrase that is not reported changes nothing
        (
            {"restating_question": True},
            {"paraphrase": 0.25, "confirm": 0.9},
            {"paraphrase": 0.25, "confirm": 0.9},
        ),
        # nothing checks a restatement
        ({}, {"paraphrase": 0.85, "confirm": 0.95}, {"paraphrase": 0.85, "confirm": 0.95}),
    ],
)
def test_a_checked_restatement_is_a_paraphrase_first(
    flags: dict[str, Any], combined: dict[str, float], expected: dict[str, float]
) -> None:
    s = state(combined=combined, **flags)
    checked_restatement_is_paraphrase_first(s)
    assert rounded(s.combined) == rounded(expected)


@pytest.mark.parametrize(
    ("cue", "question_clauses", "default_question", "dropped"),
    [
        ({"open_question": 0.8}, 1, False, True),
        ({"confirm": 0.8}, 1, False, True),
        # the cues read it as closed: that reading stands
        ({"closed_question": 0.8}, 1, False, False),
        # one of two questions unread: the classifier's closed question may be that one
        ({"open_question": 0.8}, 2, False, False),
        ({"open_question": 0.8, "confirm": 0.8}, 2, False, True),
        # a by-default reading is weighed elsewhere; no question, nothing to do
        ({"open_question": 0.8}, 1, True, False),
        ({}, 0, False, False),
    ],
)
def test_one_reading_per_question(
    cue: dict[str, float], question_clauses: int, default_question: bool, dropped: bool
) -> None:
    combined = {"closed_question": 0.5, "open_question": 0.9, "confirm": 0.6}
    s = state(
        cue=cue,
        combined=combined,
        question_clauses=question_clauses,
        default_question=default_question,
    )
    one_reading_per_question(s)
    assert ("closed_question" not in s.combined) is dropped
    assert {m: c for m, c in s.combined.items() if m != "closed_question"} == {
        "open_question": 0.9,
        "confirm": 0.6,
    }


@pytest.mark.parametrize(
    ("overlap_only", "nlu", "combined", "paraphrase"),
    [
        # an answer that repeats the customer's words: paraphrase ranks below the answer
        (True, {}, {"paraphrase": 0.8, "offer_solution": 0.7, "inform": 0.5}, 0.7 - BELOW),
        # already below: unchanged
        (True, {}, {"paraphrase": 0.5, "offer_solution": 0.7}, 0.5),
        # nothing else is reported: the paraphrase stays primary
        (True, {}, {"paraphrase": 0.8, "inform": 0.2}, 0.8),
        # the classifier reads a paraphrase too, or a restating frame was found
        (True, {"paraphrase": 0.6}, {"paraphrase": 0.8, "offer_solution": 0.7}, 0.8),
        (False, {}, {"paraphrase": 0.8, "offer_solution": 0.7}, 0.8),
    ],
)
def test_overlap_alone_makes_a_secondary_paraphrase(
    overlap_only: bool, nlu: dict[str, float], combined: dict[str, float], paraphrase: float
) -> None:
    s = state(nlu=nlu, combined=combined, overlap_only=overlap_only)
    overlap_alone_is_secondary_paraphrase(s)
    assert s.combined["paraphrase"] == pytest.approx(paraphrase)
    assert {m: c for m, c in s.combined.items() if m != "paraphrase"} == {
        m: c for m, c in combined.items() if m != "paraphrase"
    }


@pytest.mark.parametrize(
    ("flags", "combined", "expected"),
    [
        # only suggestions asked: the question readings rank below the offer
        (
            {"suggestion_question": True},
            {"offer_solution": 0.8, "closed_question": 0.9, "open_question": 0.85, "confirm": 0.5},
            {
                "offer_solution": 0.8,
                "closed_question": 0.8 - BELOW,
                "open_question": 0.8 - BELOW,
                "confirm": 0.5,
            },
        ),
        # another clause really asks: the questions stand
        (
            {"suggestion_question": True, "asks": True},
            {"offer_solution": 0.8, "closed_question": 0.9},
            {"offer_solution": 0.8, "closed_question": 0.9},
        ),
        # no offer found: nothing to rank below
        ({"suggestion_question": True}, {"closed_question": 0.9}, {"closed_question": 0.9}),
    ],
)
def test_a_suggestion_question_is_an_offer(
    flags: dict[str, Any], combined: dict[str, float], expected: dict[str, float]
) -> None:
    s = state(combined=combined, **flags)
    suggestion_question_is_an_offer(s)
    assert rounded(s.combined) == rounded(expected)


@pytest.mark.parametrize(
    ("ranked", "guess"),
    [
        # the classifier's clear favourite, weakly
        ([("follow_up", 0.4), ("empathy", 0.2)], "follow_up"),
        ([("follow_up", 0.2)], "follow_up"),
        # a negative favourite, an unsure one, or one too close to the next: a statement
        ([("rude", 0.6)], None),
        ([("follow_up", 0.1)], None),
        ([("follow_up", 0.3), ("empathy", 0.25)], None),
        ([], None),
    ],
)
def test_a_reply_with_no_reported_move_falls_back(
    ranked: list[tuple[str, float]], guess: str | None
) -> None:
    text = "About your parcel from Tuesday, the one sent to the office in Leeds."
    s = state(text, ranked=ranked, combined={"paraphrase": 0.2})
    fall_back_when_nothing_found(s)
    if guess:
        assert s.combined == {"paraphrase": 0.2, guess: MOVE_MIN}
        assert s.evidence.cues == []
    else:
        assert s.combined == {"paraphrase": 0.2, "inform": STATEMENT_CONFIDENCE}
        assert s.evidence.cues == [{"cue": "statement", "match": text[:40]}]
        assert s.evidence.cue_moves == {"inform": STATEMENT_CONFIDENCE}


@pytest.mark.parametrize(
    ("text", "combined"),
    [
        ("About your parcel.", {"apology": MOVE_MIN}),  # a move is reported
        ("A", {}),  # too short to state anything
    ],
)
def test_no_fallback_when_a_move_is_found_or_the_reply_is_too_short(
    text: str, combined: dict[str, float]
) -> None:
    s = state(text, ranked=[("follow_up", 0.9)], combined=combined)
    fall_back_when_nothing_found(s)
    assert s.combined == combined
    assert s.evidence.cues == []


# --- the steps together and the result ---------------------------------------------------


def test_the_adjustments_run_in_a_fixed_order() -> None:
    names = [step.__name__ for step in ADJUSTMENTS]
    assert len(set(names)) == len(names)
    # the drops change what the combination reads; the fallback looks at the end result
    combine = names.index("combine_cue_and_classifier")
    assert names.index("drop_doubtful_classifier_negatives") < combine
    assert names.index("drop_classifier_filler_in_long_reply") < combine
    assert names.index("answer_echoing_the_question_is_no_paraphrase") < combine
    # an offer found for a request is checked after it is made
    assert names.index("found_option_answers_a_request") < names.index(
        "checked_proposal_is_offer_first"
    )
    assert names[-1] == "fall_back_when_nothing_found"
    assert all(step.__doc__ for step in ADJUSTMENTS)


def test_reported_moves_are_the_confident_ones_best_first() -> None:
    s = state(
        combined={
            "inform": 0.5,
            "apology": 0.999,
            "empathy": 0.5,
            "greeting": 0.504,  # rounds to 0.5 as well: ties go by position
            "paraphrase": 0.29,  # below MOVE_MIN
        },
    )
    s.evidence.position.update({"empathy": 3, "inform": 10, "apology": 0})
    # greeting has no position: after every cue position
    assert reported_moves(s) == [
        {"move": "apology", "confidence": 0.99},
        {"move": "empathy", "confidence": 0.5},
        {"move": "inform", "confidence": 0.5},
        {"move": "greeting", "confidence": 0.504},
    ]


def test_reported_moves_break_a_full_tie_by_the_vocabulary_order() -> None:
    s = state(combined={"reassurance": 0.9, "apology": 0.9, "empathy": 0.9})
    assert [m["move"] for m in reported_moves(s)] == ["empathy", "apology", "reassurance"]


# --- issue 14: service agents' replies ------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "kept"),
    [
        # the customer asked, the reply answers in the question's words: no paraphrase vote
        ({"customer_asked": True, "overlap_only": True}, False),
        # a restating frame ("so you...") was found: the overlap backs it
        ({"customer_asked": True, "overlap_only": False}, True),
        # the reply asks back ("Union Station, you said?"): a restatement checked
        ({"customer_asked": True, "overlap_only": True, "asks": True}, True),
        # the customer told something: repeating it restates it
        ({"customer_asked": False, "overlap_only": True}, True),
    ],
)
def test_an_answer_echoing_the_question_is_no_paraphrase(flags: dict[str, Any], kept: bool) -> None:
    s = state(cue={"paraphrase": 0.7, "inform": 0.6}, nlu={"paraphrase": 0.5}, **flags)
    answer_echoing_the_question_is_no_paraphrase(s)
    assert ("paraphrase" in s.evidence.cue_moves) is kept
    # the classifier's reading and the other cues stay
    assert s.evidence.nlu_moves == {"paraphrase": 0.5}
    assert s.evidence.cue_moves["inform"] == 0.6


def test_an_answer_to_a_question_reads_as_information_end_to_end() -> None:
    answer = analyze(
        "It arrives at Union Station at 6 pm.", "en", "Which station does it arrive at?"
    )
    assert answer["moves"][0]["move"] == "inform"
    told = analyze(
        "Your parcel never arrived at the station.", "en", "My parcel never arrived at the station."
    )
    assert "paraphrase" in [m["move"] for m in told["moves"]]


@pytest.mark.parametrize(
    ("flags", "combined", "offer"),
    [
        # information answering a request for options: an offer, just above it
        ({"customer_wants_options": True}, {"inform": 0.6}, 0.6 + BELOW),
        # ... also when the only question checks it ("Does that work for you?")
        (
            {
                "customer_wants_options": True,
                "asks": True,
                "question_clauses": 1,
                "confirm_clauses": 1,
            },
            {"inform": 0.6, "confirm": 0.8},
            0.6 + BELOW,
        ),
        # the reply asks for a fact: no offer
        (
            {"customer_wants_options": True, "asks": True, "question_clauses": 1},
            {"inform": 0.6, "closed_question": 0.8},
            None,
        ),
        # no request for options, or nothing informative, or an apology first: no offer
        ({}, {"inform": 0.6}, None),
        ({"customer_wants_options": True}, {"empathy": 0.6}, None),
        ({"customer_wants_options": True}, {"apology": 0.9, "inform": 0.6}, None),
        # already proposing as surely: unchanged
        ({"customer_wants_options": True}, {"inform": 0.6, "recommend": 0.6}, None),
        # a weaker proposal reading (the classifier's) is lifted to lead the information
        (
            {"customer_wants_options": True},
            {"inform": 0.6, "offer_solution": 0.4},
            0.6 + BELOW,
        ),
    ],
)
def test_a_found_option_answers_a_request(
    flags: dict[str, Any], combined: dict[str, float], offer: float | None
) -> None:
    s = state(combined=combined, **flags)
    found_option_answers_a_request(s)
    assert s.combined.get("offer_solution") == (None if offer is None else pytest.approx(offer))
    assert {m: c for m, c in s.combined.items() if m != "offer_solution"} == {
        m: c for m, c in combined.items() if m != "offer_solution"
    }
    assert s.evidence.found_option is (offer is not None)


@pytest.mark.parametrize(
    ("flags", "cue", "combined", "expected"),
    [
        # a proposal and a check on it: the proposal first
        (
            {"question_clauses": 1, "confirm_clauses": 1},
            {"offer_solution": 0.8},
            {"offer_solution": 0.8, "confirm": 0.9},
            {"offer_solution": 0.8, "confirm": 0.8 - BELOW},
        ),
        # another clause asks for a fact: the questions stand
        (
            {"question_clauses": 2, "confirm_clauses": 1},
            {"recommend": 0.8},
            {"recommend": 0.8, "confirm": 0.9, "closed_question": 0.85},
            {"recommend": 0.8, "confirm": 0.9, "closed_question": 0.85},
        ),
        # the proposal is the classifier's alone: unchanged
        (
            {"question_clauses": 1, "confirm_clauses": 1},
            {},
            {"offer_solution": 0.8, "confirm": 0.9},
            {"offer_solution": 0.8, "confirm": 0.9},
        ),
        # ... unless it is an option found for the customer's request
        (
            {"question_clauses": 1, "confirm_clauses": 1, "found_option": True},
            {},
            {"offer_solution": 0.8, "confirm": 0.9},
            {"offer_solution": 0.8, "confirm": 0.8 - BELOW},
        ),
    ],
)
def test_a_checked_proposal_is_an_offer_first(
    flags: dict[str, Any],
    cue: dict[str, float],
    combined: dict[str, float],
    expected: dict[str, float],
) -> None:
    s = state(cue=cue, combined=combined, **flags)
    checked_proposal_is_offer_first(s)
    assert rounded(s.combined) == rounded(expected)


@pytest.mark.parametrize(
    ("lang", "text", "context", "primary"),
    [
        # offers asked as questions, in several trades
        ("en", "How about the navy one in a size 10?", "", "offer_solution"),
        ("en", "What about the 2-year contract at 25 a month?", "", "offer_solution"),
        ("en", "Would you like me to book the technician for Thursday?", "", "offer_solution"),
        ("en", "Shall I reserve the grey sofa for you until Saturday?", "", "offer_solution"),
        ("zh", "要不要我帮您预约周六上午的体检？", "", "offer_solution"),
        # a product put forward is a pre-sales recommendation (moves.md recommend)
        ("zh", "您看这款保湿面霜怎么样？", "", "recommend"),
        # options laid out
        ("en", "Here are three plans that fit: Basic, Plus or Family.", "", "offer_solution"),
        ("zh", "这两款沙发都符合您的要求，您可以从中挑一个。", "", "offer_solution"),
        # a proposal checked
        ("zh", "A套餐和B套餐都挺划算的，你觉得呢？", "", "offer_solution"),
        # replies to thanks
        ("zh", "不用谢～", "谢谢你啊", "thanks_closing"),
        ("zh", "这是我们应该做的。", "太感谢了", "thanks_closing"),
        ("en", "You're very welcome!", "Thanks a lot.", "thanks_closing"),
        ("en", "My pleasure.", "Cheers for that.", "thanks_closing"),
        # confirmations that restate details
        ("en", "Just to confirm: two nights from Friday, a double room?", "", "paraphrase"),
        ("en", "Please confirm: a repair visit on May 3rd at 10 am.", "", "paraphrase"),
        # plain answers with figures
        ("en", "It's $72 a night, breakfast included.", "How much is the room?", "inform"),
        ("en", "We're open from 9 am to 6 pm on weekdays.", "When are you open?", "inform"),
    ],
)
def test_service_phrasings_read_by_kind(lang: str, text: str, context: str, primary: str) -> None:
    moves = [m["move"] for m in analyze(text, lang, context)["moves"]]
    assert moves and moves[0] == primary, moves


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # the same words that ask rather than offer stay questions
        ("en", "What about the delivery is worrying you?"),
        ("en", "How about you, how was your weekend?"),
        ("en", "Would you like to tell me more about it?"),
        ("zh", "请问您的订单号是多少？"),
    ],
)
def test_questions_that_only_look_like_offers_stay_questions(lang: str, text: str) -> None:
    moves = [m["move"] for m in analyze(text, lang)["moves"]]
    assert moves and moves[0] in {"open_question", "closed_question", "confirm"}, moves


@pytest.mark.parametrize(
    ("flags", "combined", "expected"),
    [
        # the customer asked; "Sorry, it's not.": the answer first, the apology still reported
        (
            {"customer_asked": True, "courtesy_sorry": True},
            {"apology": 0.9},
            {"inform": 0.9, "apology": 0.9 - BELOW},
        ),
        (
            {"customer_asked": True, "courtesy_sorry": True},
            {"apology": 0.9, "inform": 0.6},
            {"inform": 0.9, "apology": 0.9 - BELOW},
        ),
        # an apology for a fault, no question before it, or other moves in the reply: as is
        (
            {"customer_asked": True, "courtesy_sorry": False},
            {"apology": 0.9, "inform": 0.6},
            {"apology": 0.9, "inform": 0.6},
        ),
        (
            {"courtesy_sorry": True},
            {"apology": 0.9, "inform": 0.6},
            {"apology": 0.9, "inform": 0.6},
        ),
        (
            {"customer_asked": True, "courtesy_sorry": True},
            {"apology": 0.9, "offer_solution": 0.8},
            {"apology": 0.9, "offer_solution": 0.8},
        ),
    ],
)
def test_a_courtesy_sorry_before_an_answer_lets_the_answer_lead(
    flags: dict[str, Any], combined: dict[str, float], expected: dict[str, float]
) -> None:
    s = state(combined=combined, **flags)
    courtesy_sorry_before_an_answer(s)
    assert rounded(s.combined) == rounded(expected)


@pytest.mark.parametrize(
    ("lang", "text", "context", "primary"),
    [
        ("en", "Sorry, it isn't furnished.", "Is the flat furnished?", "inform"),
        ("zh", "抱歉，这家店周边没有停车场。", "这家店附近有停车场吗？", "inform"),
        # an apology for the trouble stays an apology
        ("en", "Sorry for the wait, it isn't furnished.", "Is the flat furnished?", "apology"),
        ("zh", "抱歉让您久等了，周边没有停车场。", "附近有停车场吗？", "apology"),
    ],
)
def test_courtesy_sorry_end_to_end(lang: str, text: str, context: str, primary: str) -> None:
    assert analyze(text, lang, context)["moves"][0]["move"] == primary


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # blunt without insults: saying the customer is wrong, a flat refusal
        ("你这样说就不对了", "negative"),
        ("您这么理解可就错了。", "negative"),
        ("那不行。", "negative"),
        ("想都别想", "negative"),
        # pushing the fault away is no apology
        ("这可不是我们的问题", "negative"),
        # an apology owning our fault stays one
        ("非常抱歉，是我们的问题", "apology"),
    ],
)
def test_blunt_chinese_replies_read_by_kind(text: str, family: str) -> None:
    from practice.vocabulary import MOVE_FAMILIES

    moves = analyze(text, "zh")["moves"]
    assert moves and MOVE_FAMILIES[moves[0]["move"]] == family, moves
