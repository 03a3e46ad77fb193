"""Start Rasa's own command line with two performance fixes applied first.

Rasa 3.6 validates every custom-action response with `jsonschema.validate()`, which checks
Rasa's large events schema against the JSON Schema meta-schema on every call before it looks
at the response. Profiling `make bench` with py-spy showed that check alone taking ~40% of the
Rasa server's CPU per turn. The fix validates the same responses against the same schema with
a validator built once.

Rasa's SQL tracker store opens SQLite (the embedded default) in rollback-journal mode with a
full fsync on each of the two commits per turn; profiling showed the tracker saves taking ~40%
of the server's time. WAL with synchronous=NORMAL keeps the file consistent after a crash
and skips those syncs. PostgreSQL (production) is not touched.

With COUNTERPART_METRICS_PORT set, the process also serves Prometheus metrics on that port
(prometheus-client): turn latency and outcomes of the Rasa server (`Agent.handle_message`) or of
the action server (`ActionExecutor.run`), and database errors, with the gateway's family names
(bot_gateway/metrics.py). Each turn also logs one JSON line with the session id (Rasa's sender
id), so a session can be followed from the gateway's log through Rasa's to the action server's.

Usage: `python serve.py run --enable-api …` or `python serve.py run actions …` (as `rasa`).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from functools import cache
from typing import Any


def install() -> None:
    from jsonschema import ValidationError, validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions import action

    @cache
    def response_validator() -> Any:
        schema = action.RemoteAction.action_response_format_spec()
        validator_class = validators.validator_for(schema)
        validator_class.check_schema(schema)  # once, at the first response
        return validator_class(schema)

    def validate_action_result(self: action.RemoteAction, result: dict[str, Any]) -> bool:
        error = best_match(response_validator().iter_errors(result))
        if error is None:
            return True
        if isinstance(error, ValidationError):
            error.message += (
                ". Failed to validate Action server response from API, make sure your "
                "response from the Action endpoint is valid."
            )
        raise error

    action.RemoteAction._validate_action_result = validate_action_result

    _sqlite_wal()


def _sqlite_wal() -> None:
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()


LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0, 10.0, 15.0)
turn_log = logging.getLogger("counterpart.turns")


def observe(process: str, port: int | None) -> None:
    """Metrics on `port` (when given) and one JSON log line per turn with the session id."""
    from prometheus_client import Counter, Histogram, start_http_server

    seconds = Histogram(
        "counterpart_turn_seconds",
        "Time this process spent on one message of a conversation",
        ["process", "kind"],
        buckets=LATENCY_BUCKETS,
    )
    turns = Counter("counterpart_turns", "Messages by outcome", ["process", "kind", "outcome"])
    db_errors = Counter("counterpart_db_errors", "Database errors", ["process", "error"])

    def record(session: str, kind: str, began: float, outcome: str, **extra: Any) -> None:
        elapsed = time.perf_counter() - began
        turns.labels(process, kind, outcome).inc()
        if outcome == "ok":
            seconds.labels(process, kind).observe(elapsed)
        event = {"event": f"{process}.turn", "session": session, "kind": kind}
        turn_log.info(
            json.dumps({**event, "outcome": outcome, "ms": round(elapsed * 1000, 1), **extra})
        )

    if process == "rasa":
        # every message of a conversation comes through the gateway's channel
        from channels import counterpart

        handle = counterpart.handle

        async def timed_handle(
            agent: Any,
            sender: str,
            key: str,
            metadata: dict[str, Any],
            text: str | None,
            command: str | None,
        ) -> Any:
            kind = command or "reply"
            began = time.perf_counter()
            try:
                result = await handle(agent, sender, key, metadata, text, command)
            except Exception:
                record(sender, kind, began, "error")
                raise
            record(sender, kind, began, "ok")
            return result

        counterpart.handle = timed_handle  # type: ignore[assignment]
    else:
        from rasa_sdk.executor import ActionExecutor

        run = ActionExecutor.run

        async def timed_run(self: Any, action_call: dict[str, Any]) -> Any:
            kind = str(action_call.get("next_action"))
            began = time.perf_counter()
            try:
                result = await run(self, action_call)
            except Exception:
                record(str(action_call.get("sender_id")), kind, began, "error")
                raise
            record(str(action_call.get("sender_id")), kind, began, "ok")
            return result

        ActionExecutor.run = timed_run  # type: ignore[method-assign]

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "handle_error")
    def _db_error(context: Any) -> None:
        db_errors.labels(process, type(context.original_exception).__name__).inc()

    logging.getLogger("counterpart.turns").setLevel(logging.INFO)
    if port:
        start_http_server(port, addr="127.0.0.1")


if __name__ == "__main__":
    install()
    metrics_port = os.environ.get("COUNTERPART_METRICS_PORT")
    observe("action-server" if "actions" in sys.argv[1:3] else "rasa", int(metrics_port or 0))
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    main()
