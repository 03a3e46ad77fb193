"""`make chat PERSONA=<id>`: a trainer plays against a persona in the terminal, no servers.

Each reply goes through the trained NLU model in-process (`batch.nlu.load_nlu`), the move
analysis and the persona engine, exactly as the action server would; the terminal shows the
customer's line, the moves found, the mood and the coaching tip. Type /quit to stop,
/silent to stay silent for the persona's timeout. Runs in the rasa env.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO

from personas import PersonaLibrary, engine
from personas.mood import mood_0_1
from scoring import rubric
from scoring.analysis import analyze

Analyzer = Callable[[str, str, str], dict[str, Any]]


def nlu_analyzer(model: str | None) -> Analyzer:
    from batch.nlu import load_nlu

    nlu = load_nlu(model) if model else load_nlu()

    def run(text: str, lang: str, context: str) -> dict[str, Any]:
        return analyze(text, lang, context=context, nlu=nlu.parse(text))

    return run


def _mood_line(state: dict[str, Any]) -> str:
    mood = mood_0_1(state)
    return "  ".join(f"{name} {value:.2f}" for name, value in mood.items() if value is not None)


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
    reaction = engine.start(persona, seed)
    print(f"== {persona.name} ({persona.type}, {persona.language}, {persona.difficulty})", file=out)
    print(f"customer: {reaction['line']}", file=out)
    history: list[dict[str, Any]] = []
    while not reaction["ended"]:
        print("you> ", end="", file=out, flush=True)
        text = lines_in.readline()
        if not text or text.strip() == "/quit":
            return "ongoing"
        text = text.strip()
        if not text:
            continue
        state = reaction["state"]
        customer_text = reaction["line"]
        if text == "/silent":
            reaction = engine.react(
                persona, state, None, silence_seconds=persona.silence_timeout_seconds
            )
            print(f"customer: {reaction['line']}", file=out)
            continue
        analysis = analyzer(text, persona.language, customer_text)
        reaction = engine.react(persona, state, analysis)
        rating = rubric.rate_turn(
            analysis,
            {
                "lang": persona.language,
                "text": text,
                "persona_type": persona.type,
                "customer_text": customer_text,
                "state_before": mood_0_1(state),
                "state_after": mood_0_1(reaction["state"]),
                "stage": reaction.get("stage"),
                "turn_index": len(history),
                "history": history,
            },
        )
        history.append(rating)
        moves = ", ".join(m["move"] for m in analysis.get("moves") or []) or "—"
        print(f"  moves: {moves}", file=out)
        print(f"  score: {rating['overall']}   mood: {_mood_line(reaction['state'])}", file=out)
        if rating["tip"]["text"]:
            print(f"  tip: {rating['tip']['text']}", file=out)
        print(f"customer: {reaction['line']}", file=out)
    print(f"== ended: {reaction['outcome']}", file=out)
    return str(reaction["outcome"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("persona", help="persona id (a file in personas/library)")
    parser.add_argument("--model", help="trained model archive (default: the project's)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    library = PersonaLibrary()
    try:
        library.get(args.persona)
    except KeyError:
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
