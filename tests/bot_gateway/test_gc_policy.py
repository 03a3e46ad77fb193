"""The served gateway times its garbage collections and freezes what survives a full one."""

from __future__ import annotations

import gc
from typing import Any

from bot_gateway import metrics


def _pauses(generation: str) -> float:
    return metrics.GC_PAUSE_SECONDS.labels(metrics.PROCESS, generation)._sum.get()


def test_full_collections_are_timed_and_their_survivors_frozen_until_a_sweep() -> None:
    gc.unfreeze()
    callbacks = metrics.manage_collections(sweep_seconds=3600)
    try:
        before = _pauses("2")
        kept = [[n] for n in range(1000)]
        gc.collect()
        assert _pauses("2") > before
        assert gc.get_freeze_count() >= 1000  # `kept` among the frozen survivors
        cycle: list[Any] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1  # garbage made since is still found
        for callback in callbacks:
            gc.callbacks.remove(callback)
        callbacks = metrics.manage_collections(sweep_seconds=0)
        gc.collect()
        assert gc.get_freeze_count() == 0  # handed back for a whole walk
        assert len(kept) == 1000
    finally:
        for callback in callbacks:
            gc.callbacks.remove(callback)
        gc.unfreeze()
