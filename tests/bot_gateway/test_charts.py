from __future__ import annotations

import pytest

from bot_gateway.charts import mood_chart_png, mood_summary


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_mood_chart_is_a_png(lang: str) -> None:
    png = mood_chart_png([0.8, 0.6, None, 0.3], lang)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000


def test_an_empty_mood_series_still_draws() -> None:
    assert mood_chart_png([], "en").startswith(b"\x89PNG")


def test_text_summary_lists_the_mood_values_in_order() -> None:
    assert mood_summary([0.8, None, 0.25], "en") == "Mood (anger 0–1): 0.80 → 0.25"
    assert mood_summary([], "zh") == "—"
