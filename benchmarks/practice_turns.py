"""Practice turns in process: the action server's CPU per trainee reply, without the servers.

Plays every script of tests/personas/data/scripts*/ through the practice core the action server
uses (`practice.turn.play_turn`), with the analyzer it uses (`scoring.analysis.analyze` given
Rasa's parse of the reply), and times each turn in CPU time (`time.process_time`). Rasa's parses
are made once with the trained model and kept in a cache file in the temporary directory, keyed
by the model's digest, so the figure is the action server's share alone.

Each pass starts as a running action server stands when a new reply comes in: the caches keyed
by text (bounded `lru_cache`s in personas/, practice/, scoring/) are emptied, then the fact probes
of tests/personas/data/fact_probes.yml are played untimed (persona-side work is warm, the
scripts' replies are not). The figure is the median over the passes of CPU ms per turn, split
into the reply's analysis and the rest (the customer's reaction, the rating, the scorecard when
a session ends, the turn payload).

    .venv-rasa/bin/python benchmarks/practice_turns.py               # median of 5 passes
    .venv-rasa/bin/python benchmarks/practice_turns.py --profile /tmp/turns.prof
    .venv-rasa/bin/python benchmarks/practice_turns.py --digest      # outputs' digest only

``--digest`` prints a SHA-256 over every turn's payload (customer line, state, analysis,
rating, scorecard): the same digest before and after a change means the same behaviour on
the scripts. ``--no-nlu`` reads with the cue rules alone (no model, any env).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "personas" / "data"
WARM_PROBES = DATA / "fact_probes.yml"
DEFAULT_MODEL = ROOT / "rasa_project" / "models" / "counterpart.tar.gz"
#: the packages whose bounded caches are emptied before each pass
PACKAGES = ("personas", "practice", "scoring")


def scripts() -> list[dict[str, Any]]:
    items = []
    for path in sorted(DATA.glob("scripts*/*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                items.append(json.loads(raw))
    return items


def warm_questions() -> list[tuple[str, str]]:
    """(persona id, question) of the matcher's own fact probes."""
    import yaml

    doc = yaml.safe_load(WARM_PROBES.read_text(encoding="utf-8")) or {}
    out = []
    for persona_id, body in (doc.get("personas", doc) or {}).items():
        for questions in (body.get("facts") or {}).values():
            out.extend((persona_id, q) for q in questions)
        for key in ("general", "open", "uncovered"):
            out.extend((persona_id, q) for q in body.get(key) or ())
    return out


def _digest_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def nlu_parses(model: Path, texts: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Rasa's parse of each cleaned text, from the cache file, the model parsing what is
    missing (as batch.nlu.nlu_analyzer does)."""
    from scoring.analysis import clean_text

    cache = Path(tempfile.gettempdir()) / f"counterpart-practice-parses-{_digest_file(model)}.json"
    parses: dict[str, dict[str, Any]] = {}
    if cache.is_file():
        parses = json.loads(cache.read_text(encoding="utf-8"))
    wanted = list(dict.fromkeys(clean_text(t) for t in texts if t.strip()))
    missing = [t for t in wanted if t not in parses]
    if missing:
        from batch.nlu import load_nlu

        print(f"parsing {len(missing)} replies with {model.name} (cached afterwards)", flush=True)
        nlu = load_nlu(model)
        try:
            parses.update(zip(missing, nlu.parse_many(missing), strict=True))
        finally:
            nlu.close()
        cache.write_text(json.dumps(parses, ensure_ascii=False), encoding="utf-8")
    return parses


def bounded_caches() -> list[Any]:
    """The bounded lru caches of our packages (keyed by text; loaders use unbounded ones)."""
    found = []
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in PACKAGES or module is None:
            continue
        for value in list(vars(module).values()):
            info = getattr(value, "cache_parameters", None)
            if callable(info) and info().get("maxsize") is not None:
                found.append(value)
    return list({id(f): f for f in found}.values())


class Timed:
    """The analyzer of the action server, timing itself."""

    def __init__(self, parses: dict[str, dict[str, Any]] | None) -> None:
        from scoring.analysis import analyze, clean_text

        self.parses = parses
        self.analyze = analyze
        self.clean = clean_text
        self.seconds = 0.0

    def __call__(self, text: str, lang: str, context: str) -> Any:
        nlu = self.parses.get(self.clean(text)) if self.parses is not None else None
        began = time.process_time()
        try:
            return self.analyze(text, lang, context=context, nlu=nlu)
        finally:
            self.seconds += time.process_time() - began


def play_all(
    items: list[dict[str, Any]],
    analyzer: Timed,
    library: Any,
    on_turn: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[int, float]:
    """Plays every script; (turns, CPU seconds in play_turn and the payload)."""
    from practice import turn
    from practice.contracts import Reply

    turns, seconds = 0, 0.0
    for item in items:
        persona = library.get(item["persona"])
        result = turn.start(persona, seed=int(item.get("seed", 1)))
        for text in item["trainee_turns"]:
            if result.ended:
                break
            began = time.process_time()
            result = turn.play_turn(
                persona,
                result.state,
                Reply(text),
                analyzer=analyzer,
                transcript=result.transcript,
                at="2026-01-01T00:00:00+00:00",
            )
            body = turn.payload(result, analysis=result.analysis, rating=result.rating)
            seconds += time.process_time() - began
            turns += 1
            if on_turn is not None:
                on_turn(body)
    return turns, seconds


def warm(library: Any) -> None:
    from practice import turn
    from practice.contracts import Reply
    from scoring.analysis import analyze

    def cue_rules(text: str, lang: str, context: str) -> Any:
        return analyze(text, lang, context=context)

    for persona_id, question in warm_questions():
        try:
            persona = library.get(persona_id)
        except Exception:  # a probe for a persona no longer in the library
            continue
        first = turn.start(persona, seed=1)
        turn.play_turn(
            persona, first.state, Reply(question), analyzer=cue_rules, transcript=first.transcript
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--no-nlu", action="store_true", help="cue rules only (no model)")
    parser.add_argument("--repeats", type=int, default=5, help="timed passes (median)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of one pass here")
    parser.add_argument("--digest", action="store_true", help="print the outputs' digest only")
    parser.add_argument("--json", action="store_true", help="one JSON line as the last line")
    args = parser.parse_args(argv)

    from personas import PersonaLibrary

    items = scripts()
    parses = None
    if not args.no_nlu:
        parses = nlu_parses(args.model, (t for item in items for t in item["trainee_turns"]))
    # as the action server builds it (rasa_project/actions/practice.py)
    library = PersonaLibrary(
        ROOT / "personas" / "library", types_root=ROOT / "personas" / "types", recheck_seconds=1.0
    )
    analyzer = Timed(parses)

    if args.digest:
        digest = hashlib.sha256()

        def add(body: dict[str, Any]) -> None:
            digest.update(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8"))

        turns, _ = play_all(items, analyzer, library, on_turn=add)
        print(f"{turns} turns, outputs sha256 {digest.hexdigest()}")
        return 0

    warm(library)
    play_all(items, analyzer, library)  # loaders, compiled patterns, persona indexes
    caches = bounded_caches()
    per_turn, analysis = [], []
    for n in range(max(1, args.repeats)):
        for cached in caches:
            cached.cache_clear()
        warm(library)
        analyzer.seconds = 0.0
        if args.profile and n == 0:
            import cProfile

            profiler = cProfile.Profile(time.process_time)
            turns, seconds = profiler.runcall(play_all, items, analyzer, library)
            profiler.dump_stats(str(args.profile))
        else:
            turns, seconds = play_all(items, analyzer, library)
        per_turn.append(seconds * 1000 / turns)
        analysis.append(analyzer.seconds * 1000 / turns)
    if args.profile:  # the profiled pass is slower: left out of the figure
        per_turn, analysis = per_turn[1:] or per_turn, analysis[1:] or analysis
    ms = statistics.median(per_turn)
    ms_analysis = statistics.median(analysis)
    result = {
        "ms_per_turn": round(ms, 3),
        "analysis_ms_per_turn": round(ms_analysis, 3),
        "rest_ms_per_turn": round(ms - ms_analysis, 3),
        "min_ms_per_turn": round(min(per_turn), 3),
        "turns": turns,
        "passes": len(per_turn),
        "nlu": parses is not None,
        "cache_functions_emptied": len(caches),
    }
    print(
        f"practice turn in process: {result['ms_per_turn']} ms CPU "
        f"(analysis {result['analysis_ms_per_turn']}, reaction + rating + payload "
        f"{result['rest_ms_per_turn']}); {turns} turns, median of {len(per_turn)} passes "
        f"{'with' if parses is not None else 'without'} Rasa's parses"
    )
    # on a shared machine others' load only adds time: the fastest pass is the steadiest figure
    print(
        "  passes ms/turn: "
        + ", ".join(f"{v:.3f}" for v in per_turn)
        + f" (fastest {result['min_ms_per_turn']})"
    )
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
