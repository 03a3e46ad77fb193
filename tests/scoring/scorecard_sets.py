"""The conversations of tests/scoring/data/scorecard_sets.yml as `make score` input lines.

Shared by the scorecard tests of both environments (cue analysis here, the trained NLU in
tests/rasa_project/batch/test_scorecard_sets.py). Timestamps are built from each line's
``after`` (seconds since the previous line), so reply times are part of the conversation.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

SETS_PATH = Path(__file__).resolve().parent / "data" / "scorecard_sets.yml"
KINDS = ("good", "good_but_slow", "mixed", "content_free", "abusive")
#: the default gap before a line: a reply (t) and a customer line (c)
DEFAULT_AFTER = {"t": 20, "c": 15}
_START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
#: abusive conversations where the move analysis with the trained NLU (scoring/analysis.py, not
#: the rubric) misses a red line, so a reply in them still earns a credit; the checks expect the
#: miss (strict xfail), so that they say when the analysis reads it
ANALYSIS_GAPS: dict[str, str] = {}
#: the same with the cue rules alone
CUE_ANALYSIS_GAPS = {
    "zh-after-abusive-earphones": "“这种一般都是用户自己弄的” is not read as blame_customer",
}


def load_sets(path: Path = SETS_PATH) -> list[dict[str, Any]]:
    """The conversations, each as a `make score` input object plus `kind` and `scenario`."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = []
    for entry in raw["transcripts"]:
        at = _START
        turns = []
        for line in entry["turns"]:
            (role_key,) = [key for key in ("c", "t") if key in line]
            at += timedelta(seconds=line.get("after", DEFAULT_AFTER[role_key]))
            role = "customer" if role_key == "c" else "trainee"
            turns.append({"role": role, "text": line[role_key], "at": at.isoformat()})
        item = {
            "id": entry["id"],
            "lang": entry["lang"],
            "persona": entry.get("persona"),
            "turns": turns,
            "kind": entry["kind"],
            "scenario": entry["scenario"],
        }
        if entry.get("outcome"):
            item["outcome"] = entry["outcome"]
        items.append(item)
    return items


def score_input_lines(items: list[dict[str, Any]]) -> list[str]:
    """`make score` input lines (the extra keys `kind` and `scenario` are ignored by it)."""
    return [json.dumps(item, ensure_ascii=False) for item in items]
