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

The hop to the action server (`action_hop`): Rasa 3.6 opens a new aiohttp session, and so a new
TCP connection, for every custom-action call and serialises the whole tracker (every event of the
conversation, growing each turn) with the standard library's encoder. Here each endpoint keeps one
session per event loop (keep-alive connections, closed by the client before the action server's
idle timeout), encodes with ujson (already in the lock file, 4x faster; any value ujson cannot
encode falls back to the standard encoder), and sends the events the actions read: user and bot
messages and session boundaries (`ACTION_EVENTS`), each with only the fields the actions read of it
(practice.transcript.read_fields: a user message's text, intent, time and reply time, a bot
message's turn payload without what the transcript does not use; the latest message still arrives
whole as `latest_message`, slots as `slots`). A whole event list was ~22 kB per call in a 12-turn
conversation, most of it each user message's intent ranking and tokens and each bot message's
persona state, encoded by Rasa and decoded by the action server on every turn. The
response is validated against Rasa's schema event by event, with the sub-schema its `event` names
(the schema's `oneOf` tried all of them for each event: ~7 % of the server's CPU per turn).

Actions in process (`ACTIONS_IN_PROCESS=true`, an option of the single-node `counterpart run`): the
Rasa server runs the custom actions itself with rasa_sdk's own `ActionExecutor`, given the same
call Rasa would POST to an action server and answering with what that server would send back
(both as JSON, through the same encoder), so the events that come out are the same; there is no
HTTP hop, no second process and no second encode/decode of the call on the other side (make
bench: ~2 ms less CPU per turn in all, but the actions' ~3 ms then run on the Rasa process's one
core, the single node's ceiling, hence not the default). The production topology
(docker-compose, `make topology`, the drills, the soak) keeps separate action servers that scale
on their own.

With COUNTERPART_METRICS_PORT set, the process also serves Prometheus metrics on that port
(prometheus-client): turn latency and outcomes of the Rasa server (`Agent.handle_message`) or of
the action server (`ActionExecutor.run`), and database errors, with the gateway's family names
(bot_gateway/metrics.py). Each turn also logs one JSON line with the session id (Rasa's sender
id), so a session can be followed from the gateway's log through Rasa's to the action server's.

Usage: `python serve.py run --enable-api …` or `python serve.py run actions …` (as `rasa`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from functools import cache
from typing import Any

#: the event kinds the actions read from the tracker (practice/transcript.py reads user and bot
#: messages; session and restart events mark where the conversation starts)
ACTION_EVENTS = frozenset({"user", "bot", "session_started", "restart"})
#: seconds an idle connection to the action server is kept; below Sanic's keep-alive timeout (5 s)
#: so the client, not the server, closes it and no request is sent on a closing connection
KEEPALIVE_SECONDS = 3.0


def install() -> None:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.core.actions import action

    def validate_action_result(self: action.RemoteAction, result: dict[str, Any]) -> bool:
        error = best_match(response_errors(result))
        if error is None:
            return True
        if isinstance(error, ValidationError):
            error.message += (
                ". Failed to validate Action server response from API, make sure your "
                "response from the Action endpoint is valid."
            )
        raise error

    action.RemoteAction._validate_action_result = validate_action_result

    action_hop()
    _log_only_copies()
    _sqlite_wal()
    _event_classes_by_name()
    _actions_on_the_tracker()
    _session_check_by_type()


class _CopyForDebugLog:
    """`copy` as rasa.core.processor sees it. There `copy.deepcopy` only snapshots events and
    slots for its debug log lines (structlogger.debug(..., rasa_events=copy.deepcopy(events)));
    the copy is made before structlog drops the line, ~3 % of the server's CPU per turn. Copies
    are made only while that logger is enabled for DEBUG."""

    def __init__(self) -> None:
        import copy

        self.copy = copy.copy
        self._deepcopy = copy.deepcopy
        self.logger = logging.getLogger("rasa.core.processor")

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if self.logger.isEnabledFor(logging.DEBUG):
            return self._deepcopy(value, memo)
        return value


def _log_only_copies() -> None:
    from rasa.core import processor

    processor.copy = _CopyForDebugLog()  # type: ignore[attr-defined]


def _event_classes_by_name() -> None:
    """`Event.resolve_by_type` from a table. Rasa looks an event's class up by its name by
    walking every subclass of Event (recursively, checking each for abstract methods) for each
    event it reads: the events of each action response and of each tracker read from the
    database (~5 % of the server's CPU per turn). The table holds what that walk finds first for
    each name, built at the first lookup; a name it lacks (`topic`, an unknown name, a class
    defined later) goes to Rasa's own lookup, defaults and errors included."""
    from rasa.shared.core import events
    from rasa.shared.utils import common

    walk = events.Event.resolve_by_type
    table: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        if not table:
            for found in common.all_subclasses(events.Event):
                table.setdefault(found.type_name, found)
        found = table.get(type_name)
        return found if found is not None else walk(type_name, default)

    events.Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]


#: actions whose `run` only reads the tracker it is given (Rasa's own and the custom actions'
#: stand-in, which sends the tracker's state to the action server)
_READ_ONLY_ACTIONS = ("RemoteAction", "ActionListen", "ActionSessionStart")


def _actions_on_the_tracker() -> None:
    """`MessageProcessor._run_action` runs each action on `tracker.copy()` with the policy's
    events applied, so a rejected action leaves no trace. A copy replays every event of the
    conversation into a new tracker (`travel_back_in_time`), twice a turn (the custom action,
    then action_listen), growing with the conversation: ~8 % of the server's CPU per turn (yappi,
    CPU clock, 300 trainees at human pace). When the prediction carries no events and the
    action only reads its tracker (`_READ_ONLY_ACTIONS`, by exact class), the copy would equal
    the tracker and is not made: the action runs on the tracker itself. That is action_listen
    and action_session_start here; the custom action's prediction carries the rule's
    DefinePrevUserUtteredFeaturization, so it runs on a copy as before. Anything else is run as
    Rasa runs it."""
    from rasa.core.actions import action as actions
    from rasa.core.processor import MessageProcessor

    run_action = MessageProcessor._run_action
    if getattr(run_action, "skips_copy", False):
        return
    read_only = tuple(getattr(actions, name) for name in _READ_ONLY_ACTIONS)

    async def _run_action(
        self: MessageProcessor,
        action: Any,
        tracker: Any,
        output_channel: Any,
        nlg: Any,
        prediction: Any,
    ) -> bool:
        if prediction.events or type(action) not in read_only:
            return await run_action(self, action, tracker, output_channel, nlg, prediction)

        def itself() -> Any:
            # the first copy() of _run_action is the temporary tracker; later calls are real
            del tracker.copy
            return tracker

        tracker.copy = itself
        try:
            return await run_action(self, action, tracker, output_channel, nlg, prediction)
        finally:
            tracker.__dict__.pop("copy", None)

    _run_action.skips_copy = True  # type: ignore[attr-defined]
    _run_action.rasas = run_action  # type: ignore[attr-defined]
    MessageProcessor._run_action = _run_action  # type: ignore[method-assign]


def _session_check_by_type() -> None:
    """`MessageProcessor._update_tracker_session` starts a session when `tracker.applied_events()`
    is empty (or the session expired), building the whole list of applied events on each message
    to see whether it is empty (~5 % of the server's CPU per turn, yappi). Here the answer is
    read off the events' exact classes first: with no event that reverts or loops (only user and bot
    messages, actions, slots and featurization marks), the applied events are those after the
    last session start or restart, so there are some exactly when the last event is neither.
    Any other event in the conversation, or no applied event, goes to Rasa's own method."""
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core import events as ev

    update = MessageProcessor._update_tracker_session
    if getattr(update, "checks_by_type", False):
        return
    plain = frozenset(
        {
            ev.UserUttered,
            ev.BotUttered,
            ev.ActionExecuted,
            ev.SlotSet,
            ev.DefinePrevUserUtteredFeaturization,
        }
    )
    starts = frozenset({ev.SessionStarted, ev.Restarted})

    def has_applied_events(tracker: Any) -> bool | None:
        """Whether tracker.applied_events() is not empty; None when not known here."""
        since_start = 0
        for event in tracker.events:
            kind = type(event)
            if kind in plain:
                since_start += 1
            elif kind in starts:
                since_start = 0
            else:
                return None
        return since_start > 0

    async def update_session(
        self: MessageProcessor, tracker: Any, output_channel: Any, metadata: Any = None
    ) -> None:
        if has_applied_events(tracker) and not self._has_session_expired(tracker):
            return  # what Rasa's method does in this case: nothing
        await update(self, tracker, output_channel, metadata)

    update_session.checks_by_type = True  # type: ignore[attr-defined]
    update_session.rasas = update  # type: ignore[attr-defined]
    MessageProcessor._update_tracker_session = update_session  # type: ignore[method-assign]


@cache
def _response_validators() -> tuple[Any, Any, dict[str, Any]]:
    """Validators of Rasa's action-response schema: the whole schema, the schema with the events'
    `oneOf` taken out, and one validator per event kind (its `oneOf` branch, by `event` const)."""
    from jsonschema import validators
    from rasa.core.actions import action

    schema = action.RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)  # once, at the first response
    items = schema["properties"]["events"]["items"]
    branches = items.get("oneOf") or []
    kinds = [((b.get("properties") or {}).get("event") or {}).get("const") for b in branches]
    by_kind: dict[str, Any] = {}
    if branches and all(isinstance(k, str) for k in kinds) and len(set(kinds)) == len(kinds):
        outer = {k: v for k, v in items.items() if k != "oneOf"}
        without = {
            **schema,
            "properties": {**schema["properties"], "events": {"type": "array", "items": outer}},
        }
        by_kind = {k: validator_class(b) for k, b in zip(kinds, branches, strict=True)}
        return validator_class(schema), validator_class(without), by_kind
    return validator_class(schema), None, by_kind


def response_errors(result: Any) -> Any:
    """The schema's errors for an action server response (an iterator, as `iter_errors`).

    The events' `oneOf` branches are told apart by a distinct `event` const, so an event is valid
    exactly when it fits the outer item schema and the branch its `event` names; only a response
    that fails this check is run through the whole schema, for the error it would have given.
    """
    full, without, by_kind = _response_validators()
    if without is None:
        return full.iter_errors(result)
    if not without.is_valid(result):
        return full.iter_errors(result)
    for event in result.get("events") or [] if isinstance(result, dict) else []:
        branch = by_kind.get(event.get("event"))
        if branch is None or not branch.is_valid(event):
            return full.iter_errors(result)
    return iter(())


def _encode(value: Any) -> str:
    import ujson

    try:
        return ujson.dumps(value)
    except (TypeError, OverflowError, ValueError):
        return json.dumps(value)


class _Borrowed:
    """`async with` over a shared session that leaves it open."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *_exc: Any) -> None:
        return None


#: the kept-alive sessions to the action server, closed when the Rasa server stops
_KEPT_ALIVE: set[Any] = set()


async def close_kept_alive_sessions() -> None:
    """Close every kept-alive session to the action server (its connections with it)."""
    while _KEPT_ALIVE:
        session = _KEPT_ALIVE.pop()
        if not session.closed:
            await session.close()


def _close_sessions_at_shutdown() -> None:
    """Rasa's own shutdown listener (rasa.core.run.close_resources, registered by name when
    the server starts) closes the kept-alive sessions too, after Rasa's resources."""
    from rasa.core import run

    close_resources = run.close_resources
    if getattr(close_resources, "closes_action_sessions", False):
        return

    async def close_all(app: Any, loop: Any) -> None:
        try:
            await close_resources(app, loop)
        finally:
            await close_kept_alive_sessions()

    close_all.closes_action_sessions = True  # type: ignore[attr-defined]
    run.close_resources = close_all  # type: ignore[assignment]


def action_hop() -> None:
    """Keep-alive sessions, a faster encoder and only the events the actions read (docstring)."""
    import aiohttp
    from rasa.core.actions import action
    from rasa.utils import endpoints

    def session(self: endpoints.EndpointConfig) -> Any:
        loop = asyncio.get_running_loop()
        shared = self.__dict__.get("_counterpart_session")
        if shared is None or shared.closed or shared._loop is not loop:
            auth = (
                aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                if self.basic_auth
                else None
            )
            shared = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=endpoints.DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
                json_serialize=_encode,
            )
            self._counterpart_session = shared
            _KEPT_ALIVE.add(shared)
        return _Borrowed(shared)

    endpoints.EndpointConfig.session = session  # type: ignore[method-assign]
    _close_sessions_at_shutdown()

    import rasa
    from rasa.shared.core.trackers import EventVerbosity

    from practice.transcript import read_fields

    def action_call_format(self: action.RemoteAction, tracker: Any, domain: Any) -> Any:
        # RemoteAction._action_call_format, with the events of ACTION_EVENTS only
        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = [
            read_fields(e.as_dict()) for e in tracker.events if e.type_name in ACTION_EVENTS
        ]
        call = {
            "next_action": self._name,
            "sender_id": tracker.sender_id,
            "tracker": state,
            "version": rasa.__version__,
        }
        if not self._is_selective_domain_enabled() or (
            domain.does_custom_action_explicitly_need_domain(self.name())
        ):
            call["domain"] = domain.as_dict()
        return call

    action.RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign]


def _as_sent(value: Any) -> Any:
    """`value` as the other side of an HTTP hop would read it: JSON out and back in (ujson, as
    the hop encodes), so no object is shared between Rasa's tracker and the action's code."""
    import ujson

    return ujson.loads(_encode(value))


class InProcessActions:
    """Stands in for the action endpoint of a RemoteAction: `request(json=call)` runs the call
    with rasa_sdk's ActionExecutor in this process and returns what an action server would have
    answered; a failure is raised as RemoteAction itself raises it (a rejection as
    ActionExecutionRejection, anything else as RasaException)."""

    url = "in-process"

    def __init__(self, executor: Any, configured: Any) -> None:
        self.executor = executor
        # enable_selective_domain and the like, as endpoints.yml sets them
        self.kwargs = dict(getattr(configured, "kwargs", None) or {})

    async def request(self, method: str = "post", **kwargs: Any) -> Any:
        from rasa.core.actions.action import ActionExecutionRejection
        from rasa.shared.exceptions import RasaException
        from rasa_sdk import interfaces

        call = _as_sent(kwargs["json"])
        name = call.get("next_action")
        try:
            result = await self.executor.run(call)
        except interfaces.ActionExecutionRejection as exc:
            raise ActionExecutionRejection(exc.action_name, exc.message) from exc
        except Exception as exc:  # an action server answers 404 or 500: Rasa raises this
            logging.getLogger(__name__).exception("in-process action %s failed", name)
            raise RasaException(f"Failed to execute custom action '{name}'") from exc
        return _as_sent(result)


def _actions_in_process_setting() -> bool:
    from rasa_settings import get_settings

    return get_settings().actions_in_process


def actions_in_process() -> None:
    """Every RemoteAction of this process runs its action here (module docstring)."""
    from rasa.core.actions import action
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    init = action.RemoteAction.__init__

    def in_process_init(self: action.RemoteAction, name: str, action_endpoint: Any) -> None:
        init(self, name, InProcessActions(executor, action_endpoint))

    action.RemoteAction.__init__ = in_process_init  # type: ignore[method-assign]


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


def observe(process: str, port: int | None, *, actions: bool = False) -> None:
    """Metrics on `port` (when given) and one JSON log line per turn with the session id; the
    action runs are timed too in the action server, or in the Rasa server with `actions` (in
    process), labelled `action-server` in both."""
    from prometheus_client import Counter, Histogram, start_http_server

    seconds = Histogram(
        "counterpart_turn_seconds",
        "Time this process spent on one message of a conversation",
        ["process", "kind"],
        buckets=LATENCY_BUCKETS,
    )
    turns = Counter("counterpart_turns", "Messages by outcome", ["process", "kind", "outcome"])
    db_errors = Counter("counterpart_db_errors", "Database errors", ["process", "error"])

    def record(session: str, kind: str, began: float, outcome: str, process: str = process) -> None:
        elapsed = time.perf_counter() - began
        turns.labels(process, kind, outcome).inc()
        if outcome == "ok":
            seconds.labels(process, kind).observe(elapsed)
        event = {"event": f"{process}.turn", "session": session, "kind": kind}
        turn_log.info(json.dumps({**event, "outcome": outcome, "ms": round(elapsed * 1000, 1)}))

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
    if process != "rasa" or actions:
        from rasa_sdk.executor import ActionExecutor

        run = ActionExecutor.run

        async def timed_run(self: Any, action_call: dict[str, Any]) -> Any:
            kind = str(action_call.get("next_action"))
            sender = str(action_call.get("sender_id"))
            began = time.perf_counter()
            try:
                result = await run(self, action_call)
            except Exception:
                record(sender, kind, began, "error", process="action-server")
                raise
            record(sender, kind, began, "ok", process="action-server")
            return result

        ActionExecutor.run = timed_run  # type: ignore[method-assign]

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "handle_error")
    def _db_error(context: Any) -> None:
        db_errors.labels(process, type(context.original_exception).__name__).inc()

    if process == "rasa":
        from stores import cached_sql

        # the tracker store's direct SQLite statements bypass SQLAlchemy's error event
        cached_sql.on_db_error = lambda error: db_errors.labels(process, type(error).__name__).inc()

    logging.getLogger("counterpart.turns").setLevel(logging.INFO)
    watch_collections(process)
    if port:
        start_http_server(port, addr="127.0.0.1")


#: a full collection that stops the process this long or longer is logged (counterpart.turns)
GC_LOG_SECONDS = 0.05


def watch_collections(process: str) -> None:
    """Time every garbage collection (gc.callbacks): `counterpart_gc_pause_seconds` by
    generation, and one JSON log line per collection of GC_LOG_SECONDS or more. The process's
    one event loop stops while a collection runs, so every turn in flight waits behind it."""
    import gc

    from prometheus_client import Histogram

    pauses = Histogram(
        "counterpart_gc_pause_seconds",
        "Garbage collections of this process (its event loop stopped meanwhile)",
        ["process", "generation"],
        buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
    )
    began = [0.0, 0.0]

    def timed(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            began[:] = [time.perf_counter(), time.thread_time()]
            return
        elapsed = time.perf_counter() - began[0]
        # the collection's own CPU: on a busy machine the wall time includes being descheduled
        cpu = time.thread_time() - began[1]
        generation = info.get("generation", 0)
        pauses.labels(process, str(generation)).observe(elapsed)
        if elapsed >= GC_LOG_SECONDS:
            turn_log.info(
                json.dumps(
                    {
                        "event": f"{process}.gc",
                        "generation": generation,
                        "ms": round(elapsed * 1000, 1),
                        "cpu_ms": round(cpu * 1000, 1),
                        "collected": info.get("collected"),
                    }
                )
            )

    gc.callbacks.append(timed)


def freeze_startup_heap() -> None:
    """Leave what the process loaded at start out of every later garbage collection.

    Python's full (generation 2) collection walks every container object alive, and runs again
    each time the survivors since the last one reach a quarter of the heap. The model, TensorFlow,
    the NLU pipeline (Rasa) and the persona library with its listening indexes (action server)
    are most of the heap and live as long as the process; under load each full collection
    stopped the server's one event loop for up to ~1 s every 5-30 s (gc.callbacks probe, 600
    trainees at human pace), every turn waiting behind it. Collected once, then frozen
    (gc.freeze: the permanent generation), those objects are no longer walked; what turns create
    (trackers, caches) is collected as before. Only at start: objects frozen later and then
    dropped would never be collected."""
    import gc

    gc.collect()
    gc.freeze()


#: seconds between full collections that walk the whole heap, frozen survivors included
FULL_SWEEP_SECONDS = 600.0


def freeze_survivors(sweep_seconds: float = FULL_SWEEP_SECONDS) -> Any:
    """After each full collection, freeze what survived it, so the next one walks only what
    was made since.

    The start-up freeze (freeze_startup_heap) leaves out what the process loaded before serving,
    but much is loaded on the first turns (the tokenizer's dictionary, lazily imported modules:
    ~690k objects in the Rasa server after a few minutes, 112k functions and 211k lists among
    them), and the cached trackers live for minutes: every full collection walked them all,
    0.4-0.8 s with the one event loop stopped, every 10-20 s (300 trainees, gc.callbacks probe,
    loaded machine), while finding next to no garbage (0-761 objects). Frozen objects are still
    freed by reference counting when dropped; only garbage in reference cycles among them would
    wait, so every `sweep_seconds` the frozen objects are handed back (gc.unfreeze) and the next
    full collection walks everything once, then freezes again. Returns the gc callback."""
    import gc

    last_sweep = [time.monotonic()]

    def after_full_collection(phase: str, info: dict[str, Any]) -> None:
        if phase != "stop" or info.get("generation") != 2:
            return
        now = time.monotonic()
        if now - last_sweep[0] >= sweep_seconds:
            last_sweep[0] = now
            gc.unfreeze()  # the next full collection walks the whole heap
        else:
            gc.freeze()  # a full collection just ran: the younger generations are empty

    gc.callbacks.append(after_full_collection)
    return after_full_collection


def _freeze_after_loading() -> None:
    """The Rasa server freezes its start-up heap once the model is loaded (Rasa loads it in a
    before_server_start listener, `rasa.core.run.load_agent_on_start`, looked up by name)."""
    from rasa.core import run

    load = run.load_agent_on_start
    if getattr(load, "freezes_heap", False):
        return

    async def load_then_freeze(*args: Any, **kwargs: Any) -> Any:
        loaded = await load(*args, **kwargs)
        freeze_startup_heap()
        return loaded

    load_then_freeze.freezes_heap = True  # type: ignore[attr-defined]
    run.load_agent_on_start = load_then_freeze  # type: ignore[assignment]


def prepare_personas() -> None:
    """The action server builds every persona's listening indexes (0.1-0.3 s of CPU each) and
    plays one warm-up turn per language (the cue rules, the rubric and its catalogue load on
    first use) before it starts serving, so "ready" means ready: built on the first turns
    instead, or in a background thread racing them, they made the first trainees wait seconds
    under load (a restarted action server's first turn took 16.5 s on a loaded machine, past the
    gateway's timeout). A bad library is reported on the turn that needs it."""
    from actions.practice import persona_library
    from personas import listening

    log = logging.getLogger(__name__)
    try:
        personas = persona_library().list()
        for persona in personas:
            listening.prepare(persona)
        _warm_up_turns(personas)
    except Exception:
        log.exception("preparing the personas failed")
    freeze_startup_heap()  # the indexes are built: the start-up heap is complete


def _warm_up_turns(personas: list[Any]) -> None:
    """One scripted turn per language through the practice core, with the cue rules alone."""
    from practice import turn
    from practice.contracts import Reply
    from scoring.analysis import analyze

    replies = {
        "zh": "您好，非常抱歉，能具体说说情况吗？",
        "en": "Hello, I'm sorry - could you tell me what happened?",
    }
    for lang, text in replies.items():
        persona = next((p for p in personas if p.language == lang), None)
        if persona is None:
            continue
        opening = turn.start(persona, seed=0)
        turn.play_turn(
            persona,
            opening.state,
            Reply(text),
            analyzer=lambda t, lg, context: analyze(t, lg, context=context),
            transcript=opening.transcript,
        )


if __name__ == "__main__":
    install()
    metrics_port = os.environ.get("COUNTERPART_METRICS_PORT")
    acting = "actions" in sys.argv[1:3]
    in_process = not acting and _actions_in_process_setting()
    if in_process:
        actions_in_process()
    observe("action-server" if acting else "rasa", int(metrics_port or 0), actions=in_process)
    freeze_survivors()
    if not acting:
        _freeze_after_loading()
    if acting or in_process:
        prepare_personas()
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    main()
