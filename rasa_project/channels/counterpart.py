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

- A turn that got no answer (the action server was down or failed) is not stored: the tracker
  keeps exactly one user event per answered turn, and the retry is played on the conversation as
  it was.

Request: ``{"sender", "key", "metadata", "text" | "command"}``; response: the bot messages, as
the REST channel returns them (``[{"recipient_id", "text"?, "custom"?}]``).

Cost per turn (profiled under `make bench`): the turn runs Rasa's own steps (session start, user
event, slot extraction, prediction loop, save) on the tracker read for the key check, instead of
``MessageProcessor.handle_message`` reading it a second time; and the policy's answer is taken
from `TurnPolicy`, which asks the trained policy once per kind of turn and then reuses its answer
(the rules of this flow read nothing but the current turn), instead of featurizing the whole
conversation twice per turn.
"""

from __future__ import annotations

import copy
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Event,
    SlotSet,
    UserUttered,
)
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


def nlu_plan(processor: MessageProcessor) -> tuple[str, list[tuple[str, Any, list[str]]]]:
    """The node that feeds RegexMessageHandler, and the trained pipeline's nodes up to it in an
    order that runs each after what it needs (kept on the processor: built once per model)."""
    plan = processor.__dict__.get("_counterpart_nlu_plan")
    if plan is not None:
        return plan
    metadata = processor.model_metadata
    handler = metadata.predict_schema.nodes[metadata.nlu_target]
    target = handler.needs["messages"]
    schema = metadata.predict_schema.minimal_graph_schema([target])
    nodes = processor.graph_runner._instantiated_nodes  # type: ignore[attr-defined]
    order: list[tuple[str, Any, list[str]]] = []
    placed: set[str] = set()
    pending = dict(schema.nodes)
    while pending:
        ready = [
            name
            for name, node in pending.items()
            if all(dep in placed or dep not in schema.nodes for dep in node.needs.values())
        ]
        if not ready:
            raise ValueError("the NLU graph has a cycle")
        for name in sorted(ready):
            order.append((name, nodes[name], list(pending.pop(name).needs.values())))
            placed.add(name)
    if all(_reads_no_sequence_features(node) for _, node, _ in order):
        order = [
            (name, SentenceFeaturesOnly(node) if SentenceFeaturesOnly.fits(node) else node, needs)
            for name, node, needs in order
        ]
    plan = (target, order)
    processor._counterpart_nlu_plan = plan  # type: ignore[attr-defined]
    return plan


def _reads_no_sequence_features(node: Any) -> bool:
    """Whether a node of the NLU plan is a component known to read no sequence features: it
    reads tokens (featurizers), sentence features (MoveClassifier) or the intent and entities."""
    from components.move_classifier import MoveClassifier
    from rasa.graph_components.converters.nlu_message_converter import NLUMessageConverter
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
    from rasa.nlu.extractors.entity_synonyms import EntitySynonymMapper
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
        CountVectorsFeaturizer,
    )
    from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
    from rasa.nlu.tokenizers.tokenizer import Tokenizer

    component = getattr(node, "_component", None)
    if isinstance(component, Tokenizer):
        return True
    known = (
        NLUMessageConverter,
        RegexFeaturizer,
        CountVectorsFeaturizer,
        MoveClassifier,
        EntitySynonymMapper,
        FallbackClassifier,
    )
    return type(component) in known


class SentenceFeaturesOnly:
    """A CountVectorsFeaturizer node of the parse that adds only its sentence features.

    Rasa's featurizer computes, for each message, a sequence matrix (one row per token) and the
    sentence row; in this pipeline nothing reads the sequence matrices (`nlu_plan` checks every
    node's kind), so the parse skips them: the same sentence features, by the same calls, and
    the same parse (~0.4 ms less per parse). Rasa's own graph (training, `/model/parse`) is
    untouched.
    """

    def __init__(self, node: Any) -> None:
        self.node = node
        self.featurizer = node._component

    @staticmethod
    def fits(node: Any) -> bool:
        from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
            CountVectorsFeaturizer,
        )

        return (
            type(getattr(node, "_component", None)) is CountVectorsFeaturizer
            and getattr(node, "_fn_name", None) == "process"
            and getattr(node, "_eager", False)
            and not getattr(node, "_hooks", True)
            and list(getattr(node, "_inputs", {})) == ["messages"]
        )

    def __call__(self, *inputs: Any) -> tuple[str, Any]:
        from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES

        featurizer = self.featurizer
        if featurizer.vectorizers is None or len(inputs) != 1 or not isinstance(inputs[0], tuple):
            return self.node(*inputs)
        messages = inputs[0][1]
        for message in messages:
            for attribute in featurizer._attributes:
                # CountVectorsFeaturizer.process and _create_features, the sentence row only
                tokens = featurizer._get_processed_message_tokens_by_attribute(message, attribute)
                vectorizer = featurizer.vectorizers.get(attribute)
                if not vectorizer or not tokens or attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
                    continue
                sentence = vectorizer.transform([" ".join(tokens)])
                sentence.sort_indices()
                featurizer.add_features_to_message(None, sentence.tocoo(), attribute, message)
        return self.node._node_name, messages


def parse_text(
    processor: MessageProcessor, message: UserMessage, tracker: DialogueStateTracker
) -> dict[str, Any]:
    """The trained NLU pipeline's reading of trainee text, without the "/intent" syntax.

    Rasa's predict graph ends NLU with RegexMessageHandler (``nlu_target``); its input is the
    last node of the trained pipeline, which is the one run here. The nodes are called in order,
    each with its inputs' outputs, as Rasa's graph runner calls them, without dask's scheduler
    around each run (~1 ms a parse).
    """
    target, order = nlu_plan(processor)
    results: dict[str, Any] = {
        PLACEHOLDER_MESSAGE: (PLACEHOLDER_MESSAGE, [message]),
        PLACEHOLDER_TRACKER: (PLACEHOLDER_TRACKER, tracker),
    }
    for name, node, needs in order:
        results[name] = node(*(results[dep] for dep in needs))
    parsed = results[target][1][0]
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
    if answer and has_answer(answer):
        return answer
    return None


def has_answer(messages: list[dict[str, Any]]) -> bool:
    """Whether the bot messages of a turn carry a turn payload (the customer answered)."""
    return any(
        isinstance(m.get("custom"), dict) and m["custom"].get("type") == PAYLOAD_TYPE
        for m in messages
    )


#: events an action of this flow may leave after the user's message (anything else: no reuse)
_TURN_EVENTS = (ActionExecuted, BotUttered, SlotSet, DefinePrevUserUtteredFeaturization)


def turn_signature(tracker: DialogueStateTracker) -> tuple[Any, ...] | None:
    """What a rule of this flow can read of a conversation: the latest user message's intent and
    entities, the action it answered, and the actions run since; None when the tail of the
    conversation is anything else (then the trained policy is asked)."""
    if tracker.active_loop_name or tracker.is_paused():
        return None
    after: list[str | None] = []
    user: UserUttered | None = None
    for event in reversed(tracker.events):
        if user is None:
            if isinstance(event, UserUttered):
                user = event
            elif isinstance(event, ActionExecuted):
                after.append(event.action_name or event.action_text)
            elif not isinstance(event, _TURN_EVENTS):
                return None
        elif isinstance(event, ActionExecuted):
            if event.action_name != ACTION_LISTEN_NAME:
                return None
            entities = tuple(
                sorted(
                    (str(e.get("entity")), str(e.get("role")), str(e.get("group")))
                    for e in user.entities
                )
            )
            return (user.intent_name, entities, user.use_text_for_featurization, tuple(after))
        elif not isinstance(event, (SlotSet, DefinePrevUserUtteredFeaturization)):
            return None
    return None


def rules_read_one_turn(processor: MessageProcessor) -> bool:
    """Whether the trained policy reads nothing but the current turn: the predict graph has one
    policy, a RulePolicy without forms, rule-only slots or loops; no slot is featurized; every
    rule starts where the user spoke (after action_listen) and holds one user message."""
    schema = processor.model_metadata.predict_schema
    policies = [
        name
        for name, node in schema.nodes.items()
        if name in processor.graph_runner._instantiated_nodes  # type: ignore[attr-defined]
        and "tracker" in node.needs
        and node.fn == "predict_action_probabilities"
    ]
    if len(policies) != 1:
        return False
    node = processor.graph_runner._instantiated_nodes[policies[0]]  # type: ignore[attr-defined]
    policy = getattr(node, "_component", None)
    if type(policy) is not RulePolicy:
        return False
    if any(slot.influence_conversation for slot in processor.domain.slots):
        return False
    if processor.domain.form_names:
        return False
    lookup = policy.lookup
    if any(lookup.get(k) for k in ("rule_only_slots", "rule_only_loops")):
        return False
    if lookup.get("rules_for_loop_unhappy_path"):
        return False
    for key in lookup.get("rules", {}):
        states = json.loads(key)
        users = {json.dumps(state.get("user"), sort_keys=True) for state in states}
        first = (states[0].get("prev_action") or {}).get("action_name") if states else None
        if len(users) != 1 or first != ACTION_LISTEN_NAME:
            return False
    return True


def _fresh(event: Event) -> Event:
    again = copy.copy(event)
    again.timestamp = time.time()
    return again


class TurnPolicy:
    """The trained policy's prediction, asked once per turn signature and then reused.

    Rasa featurizes the whole conversation for each of the two predictions of a turn (the action,
    then action_listen), which grows with the conversation. Where the rules read only the current
    turn (`rules_read_one_turn`, checked when the model is loaded), the same signature always gets
    the same prediction: the first is kept and copies (with new event timestamps) are returned.
    """

    def __init__(self, processor: MessageProcessor, limit: int = 4096) -> None:
        self.predict = processor._predict_next_with_tracker
        self.enabled = rules_read_one_turn(processor)
        self.known: dict[tuple[Any, ...], PolicyPrediction] = {}
        self.limit = limit

    def __call__(self, tracker: DialogueStateTracker) -> PolicyPrediction:
        if not self.enabled or tracker.followup_action:
            return self.predict(tracker)
        signature = turn_signature(tracker)
        if signature is None:
            return self.predict(tracker)
        known = self.known.get(signature)
        if known is None:
            known = self.predict(tracker)
            if len(self.known) >= self.limit:
                return known
            self.known[signature] = known
        again = copy.copy(known)
        again.probabilities = list(known.probabilities)
        again.events = [_fresh(e) for e in known.events]
        again.optional_events = [_fresh(e) for e in known.optional_events]
        again.diagnostic_data = copy.deepcopy(known.diagnostic_data)
        again.action_metadata = copy.deepcopy(known.action_metadata)
        return again


def turn_policy(processor: MessageProcessor) -> TurnPolicy:
    """The processor's TurnPolicy, installed in place of its `_predict_next_with_tracker`."""
    installed = processor.__dict__.get("_predict_next_with_tracker")
    if isinstance(installed, TurnPolicy):
        return installed
    policy = TurnPolicy(processor)
    processor._predict_next_with_tracker = policy  # type: ignore[method-assign]
    return policy


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
    turn_policy(processor)
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
        # MessageProcessor.handle_message's steps, on the tracker already read
        await processor._update_tracker_session(tracker, collector, message.metadata)
        await processor._handle_message_with_tracker(message, tracker)
        tracker = await processor.run_action_extract_slots(collector, tracker)
        await processor._run_prediction_loop(collector, tracker)
        await processor.run_anonymization_pipeline(tracker)
        if has_answer(collector.messages):
            await processor.save_tracker(tracker)
        else:
            # no answer (the action server was down or failed): the attempt is not stored, so
            # the retry is the turn's only user event (the store reads the tracker back)
            logger.warning("counterpart: key %s of %s got no answer; not stored", key, sender)
        return collector.messages
