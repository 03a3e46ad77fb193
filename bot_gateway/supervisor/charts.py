"""Dashboard charts as PNG: a trainee's progress per dimension, a cohort's weakest skills."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime

from bot_gateway.supervisor.i18n import CHART_TEXT


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no display; safe in servers and tests
    from matplotlib import pyplot as plt

    plt.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]
    return plt


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def progress_chart_png(
    points: Sequence[tuple[datetime, Mapping[str, int]]],
    dimension_names: Mapping[str, str],
    lang: str = "en",
) -> bytes:
    """One line per dimension over the trainee's scored sessions, oldest first."""
    plt = _pyplot()
    text = CHART_TEXT.get(lang, CHART_TEXT["en"])
    figure, axes = plt.subplots(figsize=(7, 3.6), dpi=100)
    try:
        xs = list(range(1, len(points) + 1))
        for dim, label in dimension_names.items():
            ys = [scores.get(dim) for _, scores in points]
            axes.plot(
                xs, [y if y is not None else float("nan") for y in ys], marker="o", label=label
            )
        if points:
            axes.set_xticks(xs, [moment.strftime("%m-%d") for moment, _ in points], rotation=45)
        axes.set_ylim(0, 100)
        axes.set_ylabel(text["score"])
        axes.set_title(text["progress"])
        axes.grid(alpha=0.3)
        axes.legend(fontsize=7, ncol=2, loc="lower right")
        return _png(figure)
    finally:
        plt.close(figure)


def weakest_chart_png(means: Mapping[str, float], lang: str = "en") -> bytes:
    """Horizontal bars of the cohort's mean per skill, weakest at the top."""
    plt = _pyplot()
    text = CHART_TEXT.get(lang, CHART_TEXT["en"])
    ordered = sorted(means.items(), key=lambda item: item[1], reverse=True)
    figure, axes = plt.subplots(figsize=(6, 3.6), dpi=100)
    try:
        if ordered:
            labels, values = zip(*ordered, strict=True)
            colors = ["#c0392b" if v < 60 else "#2e86c1" for v in values]
            axes.barh(list(labels), list(values), color=colors)
        axes.set_xlim(0, 100)
        axes.set_xlabel(text["score"])
        axes.set_title(text["weakest"])
        axes.grid(axis="x", alpha=0.3)
        return _png(figure)
    finally:
        plt.close(figure)
