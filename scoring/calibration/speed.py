"""Benchmark: how long score_session takes for a 30-turn session whose analyses are given.

    python -m scoring.calibration.speed [--turns 30] [--runs 200]

Prints the median and 95th percentile in milliseconds. A benchmark, not a test: the
target (well under 20 ms) depends on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from scoring.rubric import load_catalogue
from scoring.scorecard import score_session

_CYCLE = [
    ("你们怎么回事！东西坏了！", "真的很抱歉，能说说发生了什么吗？", ["apology", "open_question"]),
    ("屏幕碎了，订单号20231103558。", "您是说收到时屏幕就碎了，对吗？", ["paraphrase", "confirm"]),
    ("对。", "我马上给您换新，今天发出，后天送到，您看可以吗？", ["offer_solution", "confirm"]),
    ("好吧。", "明天下午我再联系您确认收货情况。", ["follow_up"]),
    ("还要等多久？", "大概很快吧。", ["inform"]),
    ("你们总是这样！", "公司规定，我也没办法。", ["dismiss"]),
]


def build_session(turns: int) -> list[dict]:
    """A transcript with `turns` trainee replies, each after a customer line."""
    transcript = []
    for i in range(turns):
        customer, reply, moves = _CYCLE[i % len(_CYCLE)]
        transcript.append(
            {
                "role": "customer",
                "text": customer,
                "at": f"2026-01-05T10:{i:02d}:00+00:00",
                "state": {"anger": round(0.9 - 0.02 * i, 2)},
            }
        )
        transcript.append(
            {
                "role": "trainee",
                "text": reply,
                "at": f"2026-01-05T10:{i:02d}:25+00:00",
                "analysis": {
                    "moves": [{"move": m, "confidence": 0.9} for m in moves],
                    "scores": {"empathy": 0.6, "politeness": 0.8},
                    "entities": [],
                    "cues": [],
                    "lang": "zh",
                },
            }
        )
    return transcript


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args(argv)

    load_catalogue()  # read once per process, as in the action server
    session = build_session(args.turns)
    score_session(session, lang="zh", persona_type="angry", outcome="resolved")
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        score_session(session, lang="zh", persona_type="angry", outcome="resolved")
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"score_session, {args.turns} trainee turns (+{args.turns} customer), "
        f"{args.runs} runs: median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
