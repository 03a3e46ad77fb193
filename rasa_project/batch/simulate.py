"""Scripted conversations through the real NLU model and the persona engine, no servers.

    python -m batch.simulate --in in.jsonl --out out.jsonl [--model M]

Input line: ``{"id", "persona": "<persona id>", "seed": 1, "trainee_turns": ["…", …]}``; a turn
may also be ``{"silence_seconds": 60}`` (the trainee stayed silent that long).
Output line: ``{"id", "persona", "outcome": "resolved" | "escalated" | "walked_away" |
"turn_limit" | "ongoing", "opening": "<customer's first line>", "turns": [{"trainee", "customer",
"moves", "state", "reaction", "stage", "answered"}]}``; ``answered`` says what the customer's
line answered (``{"kind": "question", "answer": "fact", "fact": "order_number"}``,
``{"kind": "offer", "judged": "rejected", "remedies": ["discount"]}``, ``{"kind": "check",
"result": "corrected", "fact": "budget"}`` …; see personas/README.md). Turns after the
conversation ended are not played (``unplayed_turns`` counts them). A line that cannot be run
gets ``{"id", "error"}`` and the run goes on; the exit status is non-zero only if the input
cannot be read.

Every reply is one practice turn (``practice.turn.play_turn``). The NLU model is loaded
in-process by ``batch.nlu.nlu_analyzer`` (rasa env); ``--no-nlu`` uses the cue rules alone
(works in either env, for trainers trying a persona quickly).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from batch.library import persona_library
from personas import PersonaLibrary, UnknownPersonaError
from practice import turn
from practice.contracts import Analysis, Analyzer, Reply
from scoring.analysis import analyze


def cue_analyzer(text: str, lang: str, context: str) -> Analysis:
    """The move analysis from the cue rules alone (no model; either env)."""
    return analyze(text, lang, context=context, nlu=None)


def check_script(raw: str) -> dict[str, Any]:
    """The parsed script line, or ValueError saying what is wrong with it."""
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg}") from exc
    if not isinstance(item, dict):
        raise ValueError("a script line must be a JSON object")
    if not isinstance(item.get("persona"), str):
        raise ValueError("'persona' (a persona id) is required")
    turns = item.get("trainee_turns")
    if not isinstance(turns, list):
        raise ValueError("'trainee_turns' must be a list")
    for i, spoken in enumerate(turns):
        silent = isinstance(spoken, dict) and isinstance(
            spoken.get("silence_seconds"), (int, float)
        )
        if not isinstance(spoken, str) and not silent:
            raise ValueError(f"trainee_turns[{i}] must be text or {{'silence_seconds': n}}")
    seed = item.get("seed", 1)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError("'seed' must be an integer")
    return item


def simulate_one(item: dict[str, Any], library: PersonaLibrary, analyzer: Analyzer) -> dict:
    persona = library.get(item["persona"])
    result = turn.start(persona, seed=item.get("seed", 1))
    out: dict[str, Any] = {
        "id": item.get("id"),
        "persona": persona.id,
        "opening": result.line,
        "turns": [],
    }
    turns = item["trainee_turns"]
    for index, spoken in enumerate(turns):
        if result.ended:
            out["unplayed_turns"] = len(turns) - index
            break
        if isinstance(spoken, dict):
            reply = Reply(silence_seconds=float(spoken["silence_seconds"]))
        else:
            reply = Reply(spoken)
        result = turn.play_turn(
            persona, result.state, reply, analyzer=analyzer, transcript=result.transcript
        )
        out["turns"].append(
            {
                "trainee": reply.text,
                "customer": result.line,
                "moves": (result.analysis or {}).get("moves", []),
                "state": result.state,
                "reaction": result.reaction["reaction"],
                "stage": result.reaction["stage"],
                # what the customer's line answered: the fact drawn out, the proposal judged
                # and how, the check confirmed or corrected (personas.engine, state["heard"])
                "answered": result.state.get("heard"),
            }
        )
    out["outcome"] = result.outcome if result.ended else "ongoing"
    return out


def simulate_lines(
    lines: list[str], analyzer: Analyzer, library: PersonaLibrary | None = None
) -> list[dict[str, Any]]:
    library = library or PersonaLibrary()
    out = []
    for raw in lines:
        if not raw.strip():
            continue
        item_id = None
        try:
            item = check_script(raw)
            item_id = item.get("id")
            out.append(simulate_one(item, library, analyzer))
        except (ValueError, UnknownPersonaError) as exc:
            if item_id is None:
                try:
                    item_id = json.loads(raw).get("id")
                except (json.JSONDecodeError, AttributeError):
                    item_id = None
            out.append({"id": item_id, "error": str(exc)})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--in", dest="inp", required=True, help="scripts JSONL")
    parser.add_argument("--out", required=True, help="results JSONL")
    parser.add_argument("--model", default=None, help="Rasa model (default: the trained one)")
    parser.add_argument("--no-nlu", action="store_true", help="cue rules only, no NLU model")
    parser.add_argument("--personas", default=None, help="persona library folder")
    args = parser.parse_args(argv)
    try:
        lines = Path(args.inp).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        print(f"cannot read {args.inp}: {exc}", file=sys.stderr)
        return 2
    library = persona_library(args.personas)
    for error in library.errors:
        print(f"warning: {error}", file=sys.stderr)
    analyzer: Analyzer = cue_analyzer
    if not args.no_nlu:
        from batch.nlu import nlu_analyzer

        texts = []
        for raw in lines:
            try:
                texts.extend(
                    t for t in json.loads(raw).get("trainee_turns", []) if isinstance(t, str)
                )
            except (json.JSONDecodeError, AttributeError, TypeError):
                continue
        analyzer = nlu_analyzer(args.model, texts)
    results = simulate_lines(lines, analyzer, library)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for result in results:
            fh.write(json.dumps(result, ensure_ascii=False) + "\n")
    outcomes: dict[str, int] = {}
    for result in results:
        key = result.get("outcome", "error")
        outcomes[key] = outcomes.get(key, 0) + 1
    print(f"{len(results)} conversation(s): {outcomes}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
