"""`make moves IN=in.jsonl OUT=out.jsonl`: analyse trainee replies in bulk (../shared/moves.md).

Input, one JSON object a line: {"id", "lang": "zh"|"en", "text", "context"} (other keys ignored).
Output, one line per input line, same order:
    {"id", "moves": [{"move", "confidence"}...], "scores": {"empathy", "politeness"}}
or {"id", "error": "..."} for a line that cannot be analysed (bad JSON, unknown lang, empty
text ...). The run goes on after bad lines; the exit status is non-zero only when the input
cannot be read (or the output cannot be written).

    python -m batch.moves [--model PATH] IN OUT      (IN / OUT may be "-" for stdin / stdout)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Iterator
from typing import Any, BinaryIO, TextIO

from scoring.analysis import analyze, check_text, clean_text

#: lines analysed per NLU call
BATCH = 512
#: the classifier reads a reply's opening only (a chat reply's moves sit up front; its cost
#: grows with length); the cue rules still read the whole reply
NLU_MAX_CHARS = 200


def nlu_text(text: str) -> str:
    """What the classifier gets to read of a reply."""
    return clean_text(text)[:NLU_MAX_CHARS]


#: stands in for a line that is not UTF-8 (no JSON text can look like this)
_NOT_UTF8 = "\x00not-utf-8"


def read_request(line: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(request, None) for a usable line, (None, error line) otherwise."""
    if line == _NOT_UTF8:
        return None, {"id": None, "error": "line is not valid UTF-8"}
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return None, {"id": None, "error": f"invalid JSON: {exc.msg}"}
    if not isinstance(obj, dict):
        return None, {"id": None, "error": "line is not a JSON object"}
    rid = obj.get("id")
    problem = check_text(obj.get("text"), obj.get("lang"))
    if problem:
        return None, {"id": rid, "error": problem}
    context = obj.get("context")
    return {
        "id": rid,
        "lang": obj["lang"],
        "text": obj["text"],
        "context": context if isinstance(context, str) else "",
    }, None


def analyse_lines(lines: list[str], nlu: Any) -> Iterator[dict[str, Any]]:
    """Output records for a batch of input lines, in order."""
    parsed = [read_request(line) for line in lines]
    requests = [req for req, _ in parsed if req is not None]
    results = nlu.parse_many([nlu_text(r["text"]) for r in requests]) if nlu else []
    by_position = iter(results)
    for req, err in parsed:
        if req is None:
            yield err
            continue
        parse = next(by_position) if nlu else None
        try:
            analysis = analyze(req["text"], req["lang"], req["context"], nlu=parse)
        except Exception as exc:  # one bad line must not end the run
            yield {"id": req["id"], "error": f"analysis failed: {type(exc).__name__}: {exc}"}
            continue
        if "error" in analysis:
            yield {"id": req["id"], "error": analysis["error"]}
        else:
            yield {"id": req["id"], "moves": analysis["moves"], "scores": analysis["scores"]}


def run(src: BinaryIO, dst: TextIO, nlu: Any) -> int:
    """Analyse every line of src (bytes) into dst; returns the number of lines written."""
    count, chunk = 0, []
    for raw in src:
        try:
            chunk.append(raw.decode("utf-8-sig").rstrip("\r\n"))
        except UnicodeDecodeError:
            chunk.append(_NOT_UTF8)
        if len(chunk) >= BATCH:
            count += _flush(chunk, dst, nlu)
            chunk = []
    if chunk:
        count += _flush(chunk, dst, nlu)
    return count


def _flush(chunk: list[str], dst: TextIO, nlu: Any) -> int:
    for record in analyse_lines(chunk, nlu):
        dst.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(chunk)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make moves", description=__doc__.split("\n")[0])
    parser.add_argument("input", help="JSONL file of replies, or - for stdin")
    parser.add_argument("output", help="JSONL file to write, or - for stdout")
    parser.add_argument("--model", default=None, help="trained model (default: $COUNTERPART_MODEL)")
    parser.add_argument("--no-nlu", action="store_true", help="cue rules only (no model)")
    args = parser.parse_args(argv)

    try:
        src = sys.stdin.buffer if args.input == "-" else open(args.input, "rb")
    except OSError as exc:
        print(f"moves: cannot read {args.input}: {exc.strerror}", file=sys.stderr)
        return 2
    nlu = None
    if not args.no_nlu:
        # rasa's dependencies print deprecation warnings by the screenful; the output is JSONL
        warnings.filterwarnings("ignore")
        from batch.nlu import load_nlu

        nlu = load_nlu(args.model)
    started = time.perf_counter()
    try:
        dst = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
        with src, dst:
            count = run(src, dst, nlu)
    except OSError as exc:
        print(f"moves: {exc}", file=sys.stderr)
        return 2
    finally:
        if nlu is not None:
            nlu.close()
    elapsed = time.perf_counter() - started
    rate = count / elapsed if elapsed > 0 else 0.0
    print(f"moves: {count} lines in {elapsed:.1f}s ({rate:.0f} lines/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
