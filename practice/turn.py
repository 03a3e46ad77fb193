"""One practice turn: the trainee's reply in, the analysis, the customer's reaction and the
rating out. This is a turn; the action server, `make chat`, `make simulate`, `make score`,
`make rescore` and the calibration are adapters over these three functions.

    result = start(persona, seed=7, mode="practice")             # the customer opens
    result = play_turn(persona, result.state, Reply("您好，请问…"),  # one reply
                       analyzer=analyze_with_nlu, transcript=result.transcript)
    result = finish(persona, result.state, transcript=result.transcript)  # the trainee ends it

Pure: no clock (callers pass ``at`` timestamps), no I/O beyond the persona and rubric files
their loaders cache, randomness only from the session seed inside the persona engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from personas import Persona, engine
from personas.mood import mood_0_1
from personas.offers import normalise_remedy
from practice.contracts import (
    Analysis,
    Analyzer,
    PersonaState,
    Rating,
    RatingContext,
    Reaction,
    Reply,
    ScenarioContext,
    TranscriptEntry,
    TurnResult,
)
from practice.transcript import customer_entry, last_customer_text, ratings, trainee_entry
from practice.vocabulary import MODES, PAYLOAD_TYPE
from scoring import dialect
from scoring.rubric import rate_turn
from scoring.scorecard import score_session


def _mode(mode: str | None) -> str:
    return mode if mode in MODES else "practice"


def start(
    persona: Persona, *, seed: int, mode: str | None = None, at: str | None = None
) -> TurnResult:
    """The customer's opening line and the initial persona state."""
    reaction: Reaction = engine.start(persona, seed)
    return TurnResult(
        persona_id=persona.id,
        reaction=reaction,
        mode=_mode(mode),
        transcript=(customer_entry(reaction["line"] or "", state=reaction["state"], at=at),),
    )


def scenario_context(persona: Persona, state: PersonaState) -> ScenarioContext:
    """What the conversation is about so far, for tips that speak about this conversation."""
    remedies = persona.scenario.get("remedies") or {}
    return ScenarioContext(
        kind=str(persona.scenario.get("kind") or ""),
        product=str(persona.scenario.get("product") or ""),
        told=_told(persona, state),
        remedies=tuple(
            dict.fromkeys(normalise_remedy(str(r)) for r in remedies.get("acceptable") or ())
        ),
    )


def _told(persona: Persona, state: PersonaState) -> dict[str, str]:
    """What the customer has said or confirmed, fact by fact: a fact's value once it is out;
    of a fact the trainee guessed only in part, just the part the customer confirmed (never
    the rest of a hidden need nobody has said)."""
    revealed = set(state.get("facts_revealed") or ())
    confirmed = state.get("confirmed") or {}
    sep = "，" if persona.language == "zh" else ", "
    told: dict[str, str] = {}
    for fact in persona.facts:
        fid = str(fact["id"])
        if fid in revealed:
            told[fid] = str(fact.get("value", ""))
        elif confirmed.get(fid):
            told[fid] = sep.join(str(p) for p in confirmed[fid])
    return told


def rate_reply(
    persona: Persona,
    state: PersonaState,
    text: str,
    analysis: Analysis,
    *,
    transcript: Sequence[TranscriptEntry],
    reply_seconds: float | None = None,
    heard: Mapping[str, Any] | None = None,
) -> Rating:
    """The rubric's rating of one reply, in the conversation it answers (``state`` is the
    persona state before it; ``heard`` what the customer made of it)."""
    heard = heard or {}
    context = RatingContext(
        lang=persona.language,
        text=text,
        persona_type=persona.type,
        customer_text=last_customer_text(transcript),
        state_before=mood_0_1(state),
        stage=state.get("stage"),
        reply_seconds=reply_seconds,
        history=ratings(transcript),
        scenario=scenario_context(persona, state),
        asked_again=heard.get("fact") if heard.get("answer") == "already_told" else None,
        heard_by_persona=True,
        offer_judged=str(heard["judged"]) if heard.get("kind") == "offer" else None,
        offer_unmet=tuple(str(n) for n in heard.get("unmet") or ())
        if heard.get("kind") == "offer"
        else (),
        hollow=str(heard["hollow"]) if heard.get("hollow") else None,
    )
    return rate_turn(analysis, context)


def play_turn(
    persona: Persona,
    state: PersonaState,
    reply: Reply,
    *,
    analyzer: Analyzer,
    transcript: Sequence[TranscriptEntry] = (),
    mode: str | None = None,
    at: str | None = None,
) -> TurnResult:
    """The customer's reaction to one reply (or to silence), the reply's analysis and rating,
    and the scorecard when the customer ends the conversation."""
    entries = list(transcript)
    analysis: Analysis | None = None
    rating: Rating | None = None
    if reply.text is None:
        reaction: Reaction = engine.react(
            persona, state, None, silence_seconds=reply.silence_seconds or 0.0
        )
    else:
        # the customer and the rating read Cantonese written forms as standard Chinese (the
        # transcript keeps the trainee's words; scoring.dialect)
        read = dialect.fold(reply.text) if persona.language == "zh" else reply.text
        analysis = analyzer(read, persona.language, last_customer_text(entries))
        reaction = engine.react(persona, state, analysis, text=read)
        rating = rate_reply(
            persona,
            state,
            read,
            analysis,
            transcript=entries,
            reply_seconds=reply.reply_seconds,
            heard=reaction["state"].get("heard"),
        )
        entries.append(
            trainee_entry(
                reply.text,
                analysis=analysis,
                rating=rating,
                reply_seconds=reply.reply_seconds,
                at=at,
            )
        )
    entries.append(customer_entry(reaction["line"] or "", state=reaction["state"], at=at))
    card = (
        scorecard(persona, entries, reaction["outcome"], mode, state=reaction["state"])
        if reaction["ended"]
        else None
    )
    return TurnResult(
        persona_id=persona.id,
        reaction=reaction,
        analysis=analysis,
        rating=rating,
        scorecard=card,
        mode=_mode(mode),
        transcript=tuple(entries),
    )


def finish(
    persona: Persona,
    state: PersonaState,
    *,
    transcript: Sequence[TranscriptEntry] = (),
    mode: str | None = None,
    reason: str = "trainee_ended",
    at: str | None = None,
) -> TurnResult:
    """The trainee ends the session (or asks again for the scorecard of an ended one)."""
    entries = list(transcript)
    if state.get("ended"):
        reaction: Reaction = {
            "line": None,
            "state": state,
            "stage": str(state.get("stage") or "closing"),
            "ended": True,
            "outcome": state.get("outcome"),
            "reaction": str(state.get("last_reaction") or ""),
        }
    else:
        reaction = engine.finish(persona, state, reason)
        if reaction["line"]:
            # the parting line is said in the mood the customer was in
            entries.append(customer_entry(reaction["line"], state=state, at=at))
    reaction = {**reaction, "ended": True}
    return TurnResult(
        persona_id=persona.id,
        reaction=reaction,
        scorecard=scorecard(persona, entries, reaction["outcome"], mode, state=reaction["state"]),
        mode=_mode(mode),
        transcript=tuple(entries),
    )


def scorecard(
    persona: Persona,
    transcript: Sequence[TranscriptEntry],
    outcome: str | None,
    mode: str | None = None,
    *,
    state: PersonaState | None = None,
) -> dict[str, Any]:
    """The whole session summed up against the guidelines (``state``: the persona state at
    the end, so the tips speak about this conversation)."""
    return score_session(
        transcript,
        lang=persona.language,
        persona_type=persona.type,
        outcome=outcome,
        mode=_mode(mode),
        scenario=scenario_context(persona, state) if state is not None else None,
    )


def payload(result: TurnResult, **extra: Any) -> dict[str, Any]:
    """The JSON turn payload the action server sends with the customer's line
    (docs/payload.md); ``extra`` adds the fields of one kind of turn (mode at the start,
    analysis and rating after a reply)."""
    body: dict[str, Any] = {
        "type": PAYLOAD_TYPE,
        "persona": result.persona_id,
        "customer": result.reaction["line"],
        "state": result.state,
        "stage": result.reaction["stage"],
        "ended": result.ended,
        "outcome": result.outcome,
        "reaction": result.reaction["reaction"],
    }
    if result.scorecard is not None:
        body["scorecard"] = result.scorecard
    body.update(extra)
    return body


def error_payload(code: str, message: str) -> dict[str, Any]:
    return {"type": PAYLOAD_TYPE, "error": code, "message": message}
