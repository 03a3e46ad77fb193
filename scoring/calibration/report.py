"""Print how well the rubric agrees with the labelled calibration sets, and where not.

python -m scoring.calibration.report              # gold moves: the rubric alone
python -m scoring.calibration.report --source cues   # cue-only analysis + rubric
python -m scoring.calibration.report --all        # list every reply, not just misses
"""

from __future__ import annotations

import argparse
import sys

from scoring.calibration.calibrate import (
    band_of,
    load_transcripts,
    reply_agreement,
    reply_rating,
    transcript_agreement,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=("gold", "cues", "nlu"), default="gold")
    parser.add_argument("--all", action="store_true", help="list every reply")
    args = parser.parse_args(argv)

    replies = reply_agreement(args.source)
    print(f"== replies ({len(replies.rows)}), analysis: {args.source}")
    print(f"Spearman(band, overall) = {replies.spearman:.3f}")
    print(f"band exact = {replies.band_exact:.0%}, within one band = {replies.band_within_one:.0%}")
    by_dim: dict[str, list[int]] = {}
    for item, score in replies.rows:
        by_dim.setdefault(item.get("dimension", "?"), []).append(abs(band_of(score) - item["band"]))
    print("mean band error by dimension:")
    for dim, errors in sorted(by_dim.items()):
        print(f"  {dim:<15} n={len(errors):<3} {sum(errors) / len(errors):.2f}")
    print("\nreplies whose rubric band differs from the label (label -> rubric):")
    for item, score in replies.rows:
        miss = band_of(score) != item["band"]
        if miss or args.all:
            rules = ", ".join(
                f"{r['effect']}{r['id']}" for r in reply_rating(item, args.source)["rules"]
            )
            mark = "*" if abs(band_of(score) - item["band"]) >= 2 else " "
            bands = f"{item['band']} -> {band_of(score)} ({score:>3})"
            print(f" {mark}{item['id']:<12} {bands}  {rules}")

    transcripts = transcript_agreement(args.source)
    print(f"\n== transcripts ({len(load_transcripts())})")
    print(f"pairs in the labelled order = {transcripts.pairs_in_order:.1%}")
    for item in sorted(load_transcripts(), key=lambda i: (i["rank"], i["id"])):
        print(f"  rank {item['rank']:>2}  {transcripts.scores[item['id']]:>3}  {item['id']}")
    if transcripts.inversions:
        print("pairs out of order (ranked better -> scored not higher):")
        for better, worse in transcripts.inversions:
            scores = transcripts.scores
            print(f"  {better} ({scores[better]}) vs {worse} ({scores[worse]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
