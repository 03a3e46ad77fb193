"""serve.py leaves the Rasa server's and the action server's start-up heap out of later garbage
collections (gc.freeze once it is loaded)."""

from __future__ import annotations

import gc
from typing import Any

import pytest
import serve
from rasa.core import run as rasa_run


@pytest.fixture
def unfrozen() -> Any:
    gc.unfreeze()
    yield
    gc.unfreeze()


async def test_the_rasa_server_freezes_its_heap_once_the_model_is_loaded(
    monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    seen: list[int] = []

    async def load(*args: Any) -> str:
        seen.append(gc.get_freeze_count())  # nothing frozen while loading
        return "agent"

    monkeypatch.setattr(rasa_run, "load_agent_on_start", load)
    serve._freeze_after_loading()
    serve._freeze_after_loading()  # installed once
    assert rasa_run.load_agent_on_start is not load
    assert await rasa_run.load_agent_on_start("model", None, None, None, None) == "agent"
    assert seen == [0]
    assert gc.get_freeze_count() > 0  # frozen after the load


def test_objects_made_after_the_freeze_are_collected_as_before(unfrozen: None) -> None:
    serve.freeze_startup_heap()
    frozen = gc.get_freeze_count()
    cycle: list[Any] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1  # the new cycle is garbage and found
    assert gc.get_freeze_count() == frozen


def test_the_action_server_is_prepared_before_it_serves(
    monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    """Every persona's indexes are built and a warm-up turn per language is played before
    prepare_personas returns (no background thread racing the first trainees), then the heap is
    frozen."""
    from personas import listening
    from practice import turn

    prepared: list[str] = []
    played: list[str] = []
    real_prepare, real_play = listening.prepare, turn.play_turn
    monkeypatch.setattr(
        listening, "prepare", lambda persona: (prepared.append(persona.id), real_prepare(persona))
    )
    monkeypatch.setattr(
        turn,
        "play_turn",
        lambda persona, *a, **k: (played.append(persona.language), real_play(persona, *a, **k))[1],
    )
    serve.prepare_personas()
    from actions.practice import persona_library

    assert sorted(prepared) == sorted(p.id for p in persona_library().list())
    assert sorted(played) == ["en", "zh"]
    assert gc.get_freeze_count() > 0


def test_what_survives_a_full_collection_is_frozen_and_handed_back_for_a_sweep(
    unfrozen: None,
) -> None:
    callback = serve.freeze_survivors(sweep_seconds=3600)
    try:
        kept = [[n] for n in range(1000)]
        gc.collect()
        assert gc.get_freeze_count() >= 1000  # the survivors, `kept` among them
        cycle: list[Any] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1  # garbage made after the freeze is still found
        gc.callbacks.remove(callback)
        callback = serve.freeze_survivors(sweep_seconds=0)  # every full collection sweeps
        gc.collect()
        assert gc.get_freeze_count() == 0  # handed back: the next full collection walks all
        assert len(kept) == 1000
    finally:
        gc.callbacks.remove(callback)
