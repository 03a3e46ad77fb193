"""`make score IN=transcripts.jsonl OUT=scorecards.jsonl`: score whole transcripts offline.

Input, one JSON object a line:
    {"id", "lang": "zh" | "en", "persona": "<persona id or null>",
     "turns": [{"role": "customer" | "trainee", "text", "at": "ISO-8601 time"}],
     "outcome": optional}
Output, one line per input line, same order:
    {"id", "overall", "dimensions", "not_observed", "dimension_evidence", "five_steps",
     "five_steps_order_ok", "step_evidence", "red_lines", "overall_parts", "outcome", "tips",
     "strengths", "improvements", "rubric_version"}
(a dimension nobody observed is null; every credit names its evidence: {"turn": the n-th
trainee reply, "quote": …}; see scoring/scorecard.py)
or {"id", "error"} for a line that cannot be scored; the run goes on. The exit status is
non-zero only when the input cannot be read at all.

Trainee replies are analysed with the trained NLU model loaded in-process
(rasa_project/batch/nlu.py) plus the cue rules; `--no-nlu` uses the cue rules alone.
Runs in the rasa env; needs no server.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from practice import transcript as transcripts
from practice.contracts import Analysis, Analyzer
from scoring.analysis import analyze
from scoring.rubric import normalize_persona_type
from scoring.scorecard import score_session


def cue_analyzer(text: str, lang: str, context: str) -> Analysis:
    """The move analysis from the cue rules alone (no model; either env)."""
    return analyze(text, lang, context=context, nlu=None)


OUTPUT_KEYS = (
    "overall",
    "dimensions",
    "not_observed",
    "dimension_evidence",
    "five_steps",
    "five_steps_order_ok",
    "step_evidence",
    "red_lines",
    "overall_parts",
    "outcome",
    "tips",
    "strengths",
    "improvements",
    "rubric_version",
)


def persona_type_resolver() -> Callable[[str | None], str | None]:
    """Persona id -> persona type, from the persona library when it is there."""
    try:
        from batch.library import persona_library

        library = persona_library()
    except Exception:  # the library is optional here: fall back to the id's wording
        library = None
    cache: dict[str | None, str | None] = {}

    def resolve(persona_id: str | None) -> str | None:
        if persona_id not in cache:
            persona_type = None
            if library is not None and persona_id:
                try:
                    persona_type = library.get(persona_id).type
                except Exception:  # unknown or invalid persona: use the id itself
                    persona_type = None
            cache[persona_id] = normalize_persona_type(persona_type or persona_id)
        return cache[persona_id]

    return resolve


def check_line(raw: str) -> dict[str, Any]:
    """Parse one input line or raise ValueError saying why it cannot be scored."""
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg}") from None
    if not isinstance(item, dict):
        raise ValueError("line is not a JSON object")
    if item.get("lang") not in ("zh", "en"):
        raise ValueError(f"unknown lang {item.get('lang')!r}")
    turns = item.get("turns")
    if not isinstance(turns, list) or not turns:
        raise ValueError("turns must be a non-empty list")
    for turn in turns:
        if not isinstance(turn, dict) or turn.get("role") not in ("customer", "trainee"):
            raise ValueError("each turn needs role 'customer' or 'trainee'")
        if not isinstance(turn.get("text"), str):
            raise ValueError("each turn needs a text")
    return item


def score_lines(lines: list[str], analyzer: Analyzer | None) -> list[dict[str, Any]]:
    resolve = persona_type_resolver()
    results = []
    for raw in lines:
        item_id = None
        try:
            item = check_line(raw)
            item_id = item.get("id")
            card = score_session(
                transcripts.from_turns(
                    {"role": t["role"], "text": t["text"], "at": t.get("at")} for t in item["turns"]
                ),
                lang=item["lang"],
                persona_type=resolve(item.get("persona")),
                outcome=item.get("outcome"),
                mode="assessment",
                analyzer=analyzer or cue_analyzer,
            )
            results.append({"id": item_id, **{key: card[key] for key in OUTPUT_KEYS}})
        except ValueError as exc:
            if item_id is None:
                try:
                    item_id = json.loads(raw).get("id")
                except (json.JSONDecodeError, AttributeError):
                    item_id = None
            results.append({"id": item_id, "error": str(exc)})
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score transcripts into scorecards (JSONL).")
    parser.add_argument("--in", dest="inp", required=True, help="input JSONL file")
    parser.add_argument("--out", required=True, help="output JSONL file")
    parser.add_argument("--model", default=None, help="trained model (default: $COUNTERPART_MODEL)")
    parser.add_argument("--no-nlu", action="store_true", help="cue rules only, no NLU model")
    args = parser.parse_args(argv)

    try:
        text = Path(args.inp).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"score: cannot read {args.inp}: {exc}", file=sys.stderr)
        return 2
    lines = [line for line in text.splitlines() if line.strip()]

    analyzer = None
    if not args.no_nlu:
        trainee_texts = []
        for raw in lines:
            try:
                item = check_line(raw)
            except ValueError:
                continue
            trainee_texts += [t["text"] for t in item["turns"] if t["role"] == "trainee"]
        from batch.nlu import nlu_analyzer

        analyzer = nlu_analyzer(args.model, trainee_texts)

    results = score_lines(lines, analyzer)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for result in results:
            handle.write(json.dumps(result, ensure_ascii=False) + "\n")
    errors = sum(1 for r in results if "error" in r)
    print(f"score: {len(results)} transcripts, {errors} errors -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
