"""`make chat PERSONA=<id>`: a trainer plays against a persona in the terminal, no servers.

Each reply is one practice turn (`practice.turn.play_turn`) with the trained NLU model loaded
in-process (`batch.nlu.nlu_analyzer`): the same analysis, reaction and rating as the action
server. The terminal shows the customer's line, the moves found, the mood and the coaching tip.
Type /quit to stop, /silent to stay silent for the persona's timeout. Runs in the rasa env.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from batch.library import persona_library
from personas import PersonaLibrary, UnknownPersonaError
from personas.mood import mood_0_1
from practice import turn
from practice.contracts import Analyzer, Reply


def _mood_line(state: dict[str, Any]) -> str:
    mood = mood_0_1(state)
    return "  ".join(f"{name} {value:.2f}" for name, value in mood.items())


def play(
    persona_id: str,
    analyzer: Analyzer,
    lines_in: TextIO,
    out: TextIO,
    *,
    library: PersonaLibrary | None = None,
    seed: int = 1,
) -> str:
    """Play one conversation; returns its outcome ("ongoing" when the trainer quit)."""
    library = library or PersonaLibrary()
    persona = library.get(persona_id)
    result = turn.start(persona, seed=seed)
    print(f"== {persona.name} ({persona.type}, {persona.language}, {persona.difficulty})", file=out)
    print(f"customer: {result.line}", file=out)
    while not result.ended:
        print("you> ", end="", file=out, flush=True)
        text = lines_in.readline()
        if not text or text.strip() == "/quit":
            return "ongoing"
        text = text.strip()
        if not text:
            continue
        if text == "/silent":
            reply = Reply(silence_seconds=persona.silence_timeout_seconds)
        else:
            reply = Reply(text)
        result = turn.play_turn(
            persona, result.state, reply, analyzer=analyzer, transcript=result.transcript
        )
        if result.analysis is not None and result.rating is not None:
            moves = ", ".join(m["move"] for m in result.analysis.get("moves") or []) or "—"
            print(f"  moves: {moves}", file=out)
            print(
                f"  score: {result.rating['overall']}   mood: {_mood_line(result.state)}", file=out
            )
            if result.rating["tip"]["text"]:
                print(f"  tip: {result.rating['tip']['text']}", file=out)
        print(f"customer: {result.line}", file=out)
    print(f"== ended: {result.outcome}", file=out)
    return str(result.outcome)


def main(argv: list[str] | None = None) -> int:
    from batch.nlu import nlu_analyzer

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("persona", help="persona id (a file in the persona library)")
    parser.add_argument("--model", help="trained model archive (default: $COUNTERPART_MODEL)")
    parser.add_argument("--personas", default=None, help="persona library folder")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    library = persona_library(args.personas)
    try:
        library.get(args.persona)
    except UnknownPersonaError:
        known = ", ".join(p.id for p in library.list())
        print(f"no persona {args.persona!r}; known: {known}", file=sys.stderr)
        return 2
    print("loading the NLU model …", file=sys.stderr)
    play(
        args.persona,
        nlu_analyzer(args.model),
        sys.stdin,
        sys.stdout,
        library=library,
        seed=args.seed,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
