"""The persona state's mood, as the rest of the product reads it.

The engine keeps mood values (anger, trust, patience, openness) on a 0–100 scale under
``state["mood"]``; the rubric, the scorecard and the charts use 0–1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def mood_0_1(state: Mapping[str, Any] | None) -> dict[str, float]:
    mood = (state or {}).get("mood") or {}
    return {
        name: round(float(value) / 100, 3)
        for name, value in mood.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
