"""The gateway's input channel: trainee text and session commands on separate, typed fields.

Rasa's REST channel hands a message's text to the NLU graph, whose last node (Rasa's
RegexMessageHandler) reads any text starting with "/" as "/intent{entities}" at confidence 1.0.
A trainee who typed "/ /empathy" or "/end_practice" was rated as empathic, or ended the session.
This channel makes that impossible by construction rather than by filtering text:

- A request carries either ``text`` (what the trainee typed) or ``command`` (one of
  ``COMMANDS``), never both. A command's parse (intent at confidence 1.0) is built here from that
  fixed table; no text is ever parsed into a command.
- Trainee text is parsed by the trained NLU pipeline only: the graph is run up to the node that
  feeds RegexMessageHandler, so the "/intent" syntax is never applied to it, and the session
  intents (start/end/silence, which the classifier also knows from its examples) are removed
  from its ranking, so typed words like "end practice" stay a reply.
- Every request carries an idempotency ``key`` (stored in the user event's metadata). A request
  whose key the conversation has already answered gets the stored answer again, without the
  customer reacting twice; the check and the turn run under the conversation's lock, so two
  requests with one key never both run. A key whose earlier attempt got no answer (the action
  server was down) is played again.

Request: ``{"sender", "key", "metadata", "text" | "command"}``; response: the bot messages, as
the REST channel returns them (``[{"recipient_id", "text"?, "custom"?}]``).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_settings import get_settings

logger = logging.getLogger(__name__)

#: the gateway's commands and the intents they stand for; nothing else becomes an intent here
COMMANDS = {"start": "start_practice", "end": "end_practice", "silence": "trainee_silent"}
CONTROL_INTENTS = frozenset(COMMANDS.values())
KEY_FIELD = "turn_key"
PAYLOAD_TYPE = "counterpart.turn"
#: the FallbackClassifier's threshold in config.yml: below it a reply reads as unclassifiable
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_THRESHOLD = 0.3
MAX_TEXT_CHARS = 20_000
MAX_KEY_CHARS = 200


class BadRequest(ValueError):
    pass


def token_ok(given: str | None, expected: str | None) -> bool:
    """Rasa checks --auth-token on its HTTP API but not on channel webhooks: this channel takes
    commands, so it requires the same token (as ``?token=``) whenever one is configured."""
    if not expected:
        return True
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def command_parse(command: str) -> dict[str, Any]:
    """The parse of a session command, from the fixed table only."""
    intent = {"name": COMMANDS[command], "confidence": 1.0}
    return {
        "text": "/" + COMMANDS[command],
        "intent": intent,
        "intent_ranking": [intent],
        "entities": [],
    }


def without_control_intents(parse: dict[str, Any]) -> dict[str, Any]:
    """Trainee text never carries a session intent: drop them from the classifier's ranking."""
    ranking = [
        item
        for item in parse.get("intent_ranking") or []
        if item.get("name") not in CONTROL_INTENTS
    ]
    top = parse.get("intent") or {}
    if top.get("name") in CONTROL_INTENTS or not top.get("name"):
        best = next((i for i in ranking if i.get("name") != FALLBACK_INTENT), None)
        if best is not None and float(best.get("confidence") or 0.0) >= FALLBACK_THRESHOLD:
            top = dict(best)
        else:
            top = {"name": FALLBACK_INTENT, "confidence": 1.0 - FALLBACK_THRESHOLD}
    return {**parse, "intent": top, "intent_ranking": ranking}


def parse_text(
    processor: MessageProcessor, message: UserMessage, tracker: DialogueStateTracker
) -> dict[str, Any]:
    """The trained NLU pipeline's reading of trainee text, without the "/intent" syntax.

    Rasa's predict graph ends NLU with RegexMessageHandler (``nlu_target``); its input is the
    last node of the trained pipeline, which is the one run here.
    """
    metadata = processor.model_metadata
    handler = metadata.predict_schema.nodes[metadata.nlu_target]
    target = handler.needs["messages"]
    results = processor.graph_runner.run(
        inputs={PLACEHOLDER_MESSAGE: [message], PLACEHOLDER_TRACKER: tracker}, targets=[target]
    )
    parsed = results[target][0]
    parse: dict[str, Any] = {
        "text": "",
        "intent": {"name": None, "confidence": 0.0},
        "entities": [],
    }
    parse.update(parsed.as_dict(only_output_properties=True))
    parse["text"] = message.text
    return without_control_intents(parse)


def answered(tracker: DialogueStateTracker, key: str) -> list[dict[str, Any]] | None:
    """The bot messages that answered the user message with this key, if any carried a turn
    payload (an attempt that got no payload is not an answer: it is played again)."""
    answer: list[dict[str, Any]] | None = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if answer is not None:
                break
            if (event.metadata or {}).get(KEY_FIELD) == key:
                answer = []
        elif isinstance(event, BotUttered) and answer is not None:
            message = {"recipient_id": tracker.sender_id, "text": event.text}
            for name in ("image", "buttons", "attachment", "custom"):
                if event.data.get(name) is not None:
                    message[name] = event.data[name]
            answer.append({k: v for k, v in message.items() if v is not None})
    if answer and any(
        isinstance(m.get("custom"), dict) and m["custom"].get("type") == PAYLOAD_TYPE
        for m in answer
    ):
        return answer
    return None


def read_request(body: Any) -> tuple[str, str, dict[str, Any], str | None, str | None]:
    """(sender, key, metadata, text, command) of a request, or BadRequest."""
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    sender, key = body.get("sender"), body.get("key")
    metadata = body.get("metadata") or {}
    text, command = body.get("text"), body.get("command")
    if not isinstance(sender, str) or not sender:
        raise BadRequest("'sender' must be a non-empty string")
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_CHARS:
        raise BadRequest("'key' must be a non-empty string")
    if not isinstance(metadata, dict):
        raise BadRequest("'metadata' must be an object")
    if (text is None) == (command is None):
        raise BadRequest("give exactly one of 'text' and 'command'")
    if command is not None and command not in COMMANDS:
        raise BadRequest(f"'command' must be one of {sorted(COMMANDS)}")
    if text is not None and (not isinstance(text, str) or not text.strip()):
        raise BadRequest("'text' must be a non-empty string")
    if text is not None and len(text) > MAX_TEXT_CHARS:
        raise BadRequest(f"'text' must be at most {MAX_TEXT_CHARS} characters")
    return sender, key, metadata, text, command


class CounterpartInput(InputChannel):
    """``POST /webhooks/counterpart/webhook``: the only way the gateway talks to Rasa."""

    @classmethod
    def name(cls) -> str:
        return "counterpart"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("counterpart_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not token_ok(request.args.get("token"), get_settings().rasa_auth_token):
                return response.json(
                    {"error": "unauthorized", "message": "a valid ?token= is required"},
                    status=401,
                )
            try:
                sender, key, metadata, text, command = read_request(request.json)
            except BadRequest as exc:
                return response.json({"error": "bad_request", "message": str(exc)}, status=400)
            agent = request.app.ctx.agent
            if agent is None or not agent.is_ready():
                return response.json({"error": "not_ready"}, status=503)
            messages = await handle(agent, sender, key, metadata, text, command)
            return response.json(messages)

        return hook


async def handle(
    agent: Any,
    sender: str,
    key: str,
    metadata: dict[str, Any],
    text: str | None,
    command: str | None,
) -> list[dict[str, Any]]:
    processor: MessageProcessor = agent.processor
    # The same lock Agent.handle_message takes: one message of a conversation at a time, across
    # Rasa replicas when the lock store is Redis. The key check and the turn both run under it.
    async with agent.lock_store.lock(sender):
        tracker = await processor.get_tracker(sender)
        replay = answered(tracker, key)
        if replay is not None:
            logger.info("counterpart: key %s of %s answered before; replaying", key, sender)
            return replay
        collector = CollectingOutputChannel()
        message = UserMessage(
            text if command is None else "/" + COMMANDS[command],
            collector,
            sender,
            input_channel=CounterpartInput.name(),
            metadata={**metadata, KEY_FIELD: key},
        )
        if command is not None:
            message.parse_data = command_parse(command)
        else:
            message.parse_data = parse_text(processor, message, tracker)
        await processor.handle_message(message)
        return collector.messages
