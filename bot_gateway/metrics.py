"""Prometheus metrics of the gateway (prometheus-client), served at /metrics.

The turn path is measured where every channel's turn goes through: the Rasa pool
(bot_gateway/rasa_pool.py) times each message to Rasa and counts its outcome, so the web chat
and Telegram are both covered without touching the conversation service. Database errors are
counted by a SQLAlchemy event on every engine of the process. Active sessions are the
conversations that had a turn in the last ACTIVE_WINDOW_SECONDS.

The Rasa server and the action server export the same family names (``counterpart_*``) on
their own ports (rasa_project/serve.py), labelled by ``process``, so one dashboard reads all.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

ACTIVE_WINDOW_SECONDS = 15 * 60

#: turn latency buckets, seconds: the service level is p95 < 1 s at human pace
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0, 10.0, 15.0)

TURN_SECONDS = Histogram(
    "counterpart_turn_seconds",
    "Time from the gateway sending a message to Rasa until the customer's reply came back",
    ["process", "kind"],
    buckets=LATENCY_BUCKETS,
)
TURNS = Counter(
    "counterpart_turns",
    "Messages to Rasa by outcome (ok, unavailable, failover)",
    ["process", "kind", "outcome"],
)
RASA_ERRORS = Counter(
    "counterpart_rasa_errors",
    "Failed requests to a Rasa server, by server and kind of failure",
    ["process", "server", "error"],
)
DB_ERRORS = Counter(
    "counterpart_db_errors",
    "Database errors seen by SQLAlchemy in this process",
    ["process", "error"],
)
TURN_STAGE_SECONDS = Histogram(
    "counterpart_turn_stage_seconds",
    "The gateway's own part of a turn: before_rasa (wait for and claim the session's turn, "
    "store the reply) and after_rasa (store the answer, give the turn back)",
    ["process", "stage"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
DB_STATEMENTS = Counter(
    "counterpart_db_statements",
    "SQL statements this process sent to its database (all engines)",
    ["process"],
)
ACTIVE_SESSIONS = Gauge(
    "counterpart_active_sessions",
    f"Conversations with a turn in the last {ACTIVE_WINDOW_SECONDS // 60} minutes",
    ["process"],
)

GC_PAUSE_SECONDS = Histogram(
    "counterpart_gc_pause_seconds",
    "Garbage collections of this process (its event loop stopped meanwhile)",
    ["process", "generation"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)

PROCESS = "gateway"
#: a collection that stops the process this long or longer is logged
GC_LOG_SECONDS = 0.05
#: seconds between full collections that walk the whole heap, frozen survivors included
FULL_SWEEP_SECONDS = 600.0


class ActiveSessions:
    """Last turn time per conversation; the gauge counts those inside the window."""

    def __init__(self, window: float = ACTIVE_WINDOW_SECONDS) -> None:
        self.window = window
        self._seen: dict[str, float] = {}

    def touch(self, session_id: str) -> None:
        self._seen[session_id] = time.monotonic()
        if len(self._seen) % 1024 == 0:
            self.count()  # prune now and then, not on every turn

    def count(self) -> int:
        horizon = time.monotonic() - self.window
        for key in [k for k, at in self._seen.items() if at < horizon]:
            del self._seen[key]
        return len(self._seen)


ACTIVE = ActiveSessions()
ACTIVE_SESSIONS.labels(PROCESS).set_function(ACTIVE.count)


def observe_turn(session_id: str, kind: str, seconds: float, outcome: str) -> None:
    TURNS.labels(PROCESS, kind, outcome).inc()
    if outcome == "ok":
        TURN_SECONDS.labels(PROCESS, kind).observe(seconds)
        ACTIVE.touch(session_id)


def observe_stage(stage: str, seconds: float) -> None:
    TURN_STAGE_SECONDS.labels(PROCESS, stage).observe(seconds)


def rasa_error(server: str, error: str) -> None:
    RASA_ERRORS.labels(PROCESS, server, error).inc()


_db_events_installed = False


def count_database_errors() -> None:
    """Count every error SQLAlchemy raises from a database call, and every statement, in
    every engine (once)."""
    global _db_events_installed
    if _db_events_installed:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def _handle_error(context: Any) -> None:
        original = context.original_exception
        DB_ERRORS.labels(PROCESS, type(original).__name__).inc()

    statements = DB_STATEMENTS.labels(PROCESS)

    def _statement(*_args: Any) -> None:
        statements.inc()

    event.listen(Engine, "handle_error", _handle_error)
    event.listen(Engine, "before_cursor_execute", _statement)
    _db_events_installed = True


def mount(app: Any) -> None:
    """Serve the metrics at /metrics on the gateway's own port; count database errors."""
    from starlette.responses import Response

    async def exposition(_request: Any) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    count_database_errors()
    app.add_route("/metrics", exposition, include_in_schema=False)


def manage_collections(sweep_seconds: float = FULL_SWEEP_SECONDS) -> list[Any]:
    """Time every garbage collection of the served process (`counterpart_gc_pause_seconds`; a
    pause of GC_LOG_SECONDS or more is logged) and freeze what survives each full collection,
    so the next walks only what was made since; every `sweep_seconds` the frozen objects are
    handed back for one full walk (cycles among them collected). The Rasa server and the action
    server do the same (rasa_project/serve.py, freeze_survivors: why). Returns the callbacks."""
    import gc

    import structlog

    log = structlog.get_logger("bot_gateway.gc")
    began = [0.0, 0.0]
    last_sweep = [time.monotonic()]
    # a young collection runs every few hundred allocations, several times a turn: its
    # histogram child is looked up once, not through labels() (a lock and a dict) each time
    by_generation: dict[int, Any] = {}

    def timed(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            began[:] = [time.perf_counter(), time.thread_time()]
            return
        elapsed = time.perf_counter() - began[0]
        generation = info.get("generation", 0)
        pauses = by_generation.get(generation)
        if pauses is None:
            pauses = by_generation[generation] = GC_PAUSE_SECONDS.labels(PROCESS, str(generation))
        pauses.observe(elapsed)
        if elapsed >= GC_LOG_SECONDS:
            # the collection's own CPU: on a busy machine the wall time includes being
            # descheduled
            cpu = time.thread_time() - began[1]
            log.warning(
                "gateway.gc",
                generation=generation,
                ms=round(elapsed * 1000, 1),
                cpu_ms=round(cpu * 1000, 1),
                collected=info.get("collected"),
            )
        if generation == 2:
            now = time.monotonic()
            if now - last_sweep[0] >= sweep_seconds:
                last_sweep[0] = now
                gc.unfreeze()  # the next full collection walks the whole heap
            else:
                gc.freeze()  # a full collection just ran: the younger generations are empty

    gc.callbacks.append(timed)
    return [timed]
