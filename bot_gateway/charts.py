"""The customer's mood over a conversation, drawn as a PNG (web chat, Telegram, dashboard)."""

from __future__ import annotations

import io
from collections.abc import Sequence

LABELS = {
    "zh": {
        "title": "顾客情绪变化",
        "x": "顾客发言（轮次）",
        "y": "愤怒程度",
        "calm": "平静",
        "angry": "愤怒",
    },
    "en": {
        "title": "Customer mood",
        "x": "customer turn",
        "y": "anger",
        "calm": "calm",
        "angry": "angry",
    },
}


def mood_chart_png(mood: Sequence[float | None], lang: str = "en") -> bytes:
    """Anger (0 calm … 1 furious) per customer turn; gaps where the state had no value."""
    import matplotlib

    matplotlib.use("Agg")  # no display; safe in servers and tests
    from matplotlib import pyplot as plt

    text = LABELS.get(lang, LABELS["en"])
    plt.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]
    points = [(i + 1, v) for i, v in enumerate(mood) if v is not None]
    figure, axes = plt.subplots(figsize=(6, 3.2), dpi=110)
    try:
        axes.axhspan(0.66, 1.0, color="#fde2e2")
        axes.axhspan(0.0, 0.33, color="#e3f4e1")
        if points:
            xs, ys = zip(*points, strict=True)
            axes.plot(xs, ys, marker="o", color="#c0392b", linewidth=2)
            axes.set_xticks(list(xs))
        axes.set_ylim(0, 1)
        axes.set_yticks([0, 0.5, 1], [text["calm"], "", text["angry"]])
        axes.set_title(text["title"])
        axes.set_xlabel(text["x"])
        axes.set_ylabel(text["y"])
        axes.grid(axis="y", alpha=0.3)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)


def mood_summary(mood: Sequence[float | None], lang: str = "en") -> str:
    """A text stand-in for the chart where images cannot be sent."""
    values = [v for v in mood if v is not None]
    if not values:
        return "—"
    bar = " → ".join(f"{v:.2f}" for v in values)
    label = "情绪（愤怒 0–1）" if lang == "zh" else "Mood (anger 0–1)"
    return f"{label}: {bar}"
