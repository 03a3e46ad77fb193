"""Checks for persona and customer-type YAML files, reporting file, line and what is wrong.

Used by :class:`personas.library.PersonaLibrary` on every (re)load and by
``counterpart persona check`` (through :func:`personas.validate.check_paths`). The JSON Schema
(``personas/persona.schema.json``, draft 7) is applied with ``jsonschema``, which both
environments pin (pyproject.toml; rasa_project/requirements.lock through rasa).

Three kinds of finding:

- errors (:class:`ValidationError`, ``file:line: message``): the file is left out;
- warnings (:class:`ValidationWarning`, ``file:line: warning: message``): the persona plays, but
  something in it can never happen (a fact nobody can ask about, a reaction with nothing to say
  in some state, a rejected remedy the customer cannot explain);
- drafts (:class:`Draft`, ``file: draft: N placeholder lines left``): the file still holds the
  placeholder text ``counterpart persona new`` writes; trainers see it, trainees never do.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from personas.listening import colliding_about
from personas.model import MIN_OPENINGS, MIN_VARIANTS
from personas.offers import REMEDY_KINDS, REMEDY_SYNONYMS
from practice.vocabulary import MOVES

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMA_PATH = PACKAGE_DIR / "persona.schema.json"
DEFAULT_LIBRARY = PACKAGE_DIR / "library"
DEFAULT_TYPES = PACKAGE_DIR / "types"
BASE_TYPE = "_base"
TOPICS_PATH = PACKAGE_DIR / "topics.yml"

#: What ``counterpart persona new`` puts in front of every text a trainer must rewrite; a persona
#: still holding one is a draft (matched case-insensitively).
DRAFT_MARKERS = ("[rewrite]", "〔待改写〕")

PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: Placeholders every line may use besides the persona's fact ids.
SCENARIO_PLACEHOLDERS = ("product", "name")
#: Placeholders filled from the turn or the remedies: the fact asked about, the trainee's offer,
#: the customer's need and why an offer misses it.
TURN_PLACEHOLDERS = ("value", "remedy", "time_frame", "need", "why_not")
_FACT_ID = re.compile(r"^[a-z][a-z0-9_]*$")

# libyaml's loader when PyYAML was built with it (10x faster), with the same node marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ValidationError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class ValidationWarning:
    """Something in a valid persona that can never happen or never be said."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: warning: {self.message}"


@dataclass(frozen=True)
class Draft:
    """A persona that still holds scaffold placeholders: shown to trainers, never to trainees."""

    file: str
    placeholders: int
    line: int  # the first placeholder

    def __str__(self) -> str:
        lines = "line" if self.placeholders == 1 else "lines"
        return (
            f"{self.file}: draft: {self.placeholders} placeholder {lines} left "
            f"(first at line {self.line}; rewrite every text starting [rewrite] / 〔待改写〕)"
        )


class _DuplicateKeyFinder:
    """Walks a composed YAML node tree; PyYAML itself silently keeps the last duplicate key."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ValidationError] = []

    def walk(self, node: yaml.Node | None) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 1
                    if key.value in seen:
                        self.errors.append(
                            ValidationError(
                                self.file,
                                line,
                                f"duplicate key '{key.value}' (first at line {seen[key.value]})",
                            )
                        )
                    else:
                        seen[key.value] = line
                self.walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self.walk(item)


def _node_at(
    node: yaml.Node | None, path: list[Any]
) -> tuple[yaml.Node | None, yaml.Node | None, bool]:
    """(node at ``path`` or its deepest existing ancestor, the key node that led to it, exact)."""
    current, via_key = node, None
    for part in path:
        nxt, key_node = None, None
        if isinstance(current, yaml.MappingNode):
            for key, val in current.value:
                if getattr(key, "value", None) == str(part):
                    nxt, key_node = val, key
                    break
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
            nxt = current.value[part] if 0 <= part < len(current.value) else None
        if nxt is None:
            return current, via_key, False
        current, via_key = nxt, key_node
    return current, via_key, True


def line_of(node: yaml.Node | None, path: list[Any]) -> int:
    """1-based line of the node at ``path`` (of its key, for a mapping entry), or of its deepest
    existing ancestor (0: no node)."""
    found, key, _ = _node_at(node, path)
    if key is not None:
        return key.start_mark.line + 1
    return found.start_mark.line + 1 if found is not None else 0


def _key_line(node: yaml.Node | None, path: list[Any], key: str) -> int:
    """Line of ``key`` inside the mapping at ``path`` (for "unexpected key" errors)."""
    target, _, exact = _node_at(node, path)
    if exact and isinstance(target, yaml.MappingNode):
        for k, _ in target.value:
            if getattr(k, "value", None) == key:
                return k.start_mark.line + 1
    return line_of(node, path)


# --------------------------------------------------------------------------- schema checking


_SCHEMA_CACHE: dict[int, tuple[dict[str, Any], dict[str, jsonschema.Draft7Validator]]] = {}


def load_schema() -> dict[str, Any]:
    return _schema_and_validators()[0]


def _schema_and_validators() -> tuple[dict[str, Any], dict[str, jsonschema.Draft7Validator]]:
    """The schema (re-read when the file changes) and its compiled validators, by definition
    ("" for the whole schema)."""
    stamp = SCHEMA_PATH.stat().st_mtime_ns
    if stamp not in _SCHEMA_CACHE:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        _SCHEMA_CACHE.clear()
        _SCHEMA_CACHE[stamp] = (schema, {"": jsonschema.Draft7Validator(schema)})
    return _SCHEMA_CACHE[stamp]


def _validator(definition: str | None) -> jsonschema.Draft7Validator:
    schema, validators = _schema_and_validators()
    key = definition or ""
    if key not in validators:
        validators[key] = jsonschema.Draft7Validator(
            {"$ref": f"#/definitions/{key}", "definitions": schema["definitions"]}
        )
    return validators[key]


def _where(path: list[Any]) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def schema_errors(
    data: Any, node: yaml.Node | None, file: str, *, definition: str | None = None
) -> list[ValidationError]:
    """Errors of ``data`` against the persona schema, or against one of its ``definitions``
    (``typeFile`` for personas/types/*.yml), each at the line of the offending key or value."""
    found = []
    errors = _validator(definition).iter_errors(data)
    for err in sorted(errors, key=lambda e: list(map(str, e.path))):
        path = list(err.absolute_path)
        line = line_of(node, path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            # jsonschema reports the mapping; point at the first key it does not allow.
            allowed = set(err.schema.get("properties", {}))
            patterns = list(err.schema.get("patternProperties", {}))
            extra = [
                k
                for k in err.instance
                if k not in allowed and not any(re.search(p, k) for p in patterns)
            ]
            if extra:
                line = _key_line(node, path, extra[0])
        message = err.message
        if err.validator == "enum" and isinstance(err.instance, str):
            # "'open_qestion' is not one of [twenty names]" buries the likely fix
            message = f"'{err.instance}' is not one of the allowed values" + _did_you_mean(
                err.instance, [str(v) for v in err.validator_value]
            )
        found.append(ValidationError(file, line, f"{_where(path)}: {message}"))
    return found


def _did_you_mean(
    value: str, known: list[str], *, cutoff: float = 0.6, otherwise: str | None = None
) -> str:
    """ "; did you mean 'x'?" for the closest known name, else the names (or ``otherwise``)."""
    close = difflib.get_close_matches(value, known, n=1, cutoff=cutoff)
    if close:
        return f"; did you mean '{close[0]}'?"
    return otherwise if otherwise is not None else f" ({', '.join(known)})"


# --------------------------------------------------------------------------- semantic checks


def semantic_errors(
    data: dict[str, Any],
    node: yaml.Node | None,
    file: str,
    *,
    stem: str,
    known_types: dict[str, dict[str, Any]],
    merged_lines: dict[str, Any] | None,
    required_reactions: tuple[str, ...],
    broken_types: dict[str, str] | None = None,
) -> list[ValidationError]:
    """Checks the schema cannot express: id = file stem, known type, complete line banks,
    unique fact ids, facts asked by real moves."""
    errs: list[ValidationError] = []
    broken_types = broken_types or {}

    def err(path: list[Any], msg: str) -> None:
        errs.append(ValidationError(file, line_of(node, path), msg))

    if data.get("id") != stem:
        err(["id"], f"id '{data.get('id')}' must equal the file name stem '{stem}'")
    ptype = data.get("type")
    if isinstance(ptype, str) and ptype in broken_types:
        err(
            ["type"],
            f"unknown type '{ptype}': its type file has errors (see {broken_types[ptype]})",
        )
    elif isinstance(ptype, str) and ptype not in known_types:
        known = ", ".join(sorted(known_types)) or "none"
        err(["type"], f"unknown type '{ptype}' (no personas/types/{ptype}.yml; known: {known})")
    facts = (data.get("scenario") or {}).get("facts") or []
    seen: set[object] = set()
    moves = set(MOVES)
    for i, fact in enumerate(facts):
        if not isinstance(fact, dict):
            continue
        fid = fact.get("id")
        if fid in seen:
            err(["scenario", "facts", i, "id"], f"duplicate fact id '{fid}'")
        seen.add(fid)
        # an unknown move in asked_by is the schema's to report (its move enum), with a suggestion
    remedies = _mapping(_mapping(data.get("scenario")).get("remedies"))
    known_remedies = remedy_names()
    for key in ("acceptable", "rejected"):
        names = remedies.get(key)
        for j, name in enumerate(names if isinstance(names, list) else []):
            if isinstance(name, str) and _norm_remedy(name) not in known_remedies:
                err(
                    ["scenario", "remedies", key, j],
                    f"unknown remedy '{name}': no trainee offer is ever read as it"
                    + _remedy_hint(name, known_remedies),
                )
    for name in _mapping(remedies.get("why_not")):
        if isinstance(name, str) and _norm_remedy(name) not in known_remedies:
            err(
                ["scenario", "remedies", "why_not", name],
                f"why_not.{name}: unknown remedy '{name}'" + _remedy_hint(name, known_remedies),
            )
    behaviour = data.get("behaviour") or {}
    for move in (behaviour.get("effects") or {}) if isinstance(behaviour, dict) else {}:
        if move not in moves:
            err(["behaviour", "effects", move], f"unknown move '{move}' in effects")
    known_reactions = set(required_reactions)
    for reaction in data.get("lines") or {} if isinstance(data.get("lines"), dict) else {}:
        if reaction not in known_reactions:
            err(
                ["lines", reaction],
                f"unknown reaction '{reaction}' for type '{data.get('type')}' "
                f"(known: {', '.join(sorted(known_reactions))})",
            )
    if merged_lines is not None:
        for reaction in required_reactions:
            count = _count_lines(merged_lines.get(reaction))
            need = MIN_OPENINGS if reaction == "opening" else MIN_VARIANTS
            if count < need:
                where = ["lines", reaction] if reaction in (data.get("lines") or {}) else ["lines"]
                err(
                    where,
                    f"reaction '{reaction}' has {count} line(s) for language "
                    f"'{data.get('language')}' (persona + type + base); at least {need} needed",
                )
    fact_ids = {str(f.get("id")) for f in facts if isinstance(f, dict) and f.get("id")}
    errs.extend(line_errors(persona_line_entries(data), node, file, fact_ids=fact_ids))
    return errs


def type_errors(data: dict[str, Any], node: yaml.Node | None, file: str) -> list[ValidationError]:
    """Checks of a type file the schema cannot express: placeholders in its lines (any fact id
    is allowed: the persona supplies it)."""
    return line_errors(type_line_entries(data), node, file, fact_ids=None)


# --------------------------------------------------------------------------- lines


def line_text(entry: object) -> str | None:
    """The words of a line: the string itself, or the ``say`` of ``{say, when}``."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, Mapping) and isinstance(entry.get("say"), str):
        return str(entry["say"])
    return None


def line_condition(entry: object) -> Mapping[str, Any]:
    """The ``when`` of a ``{say, when}`` line ({} for a plain line)."""
    if isinstance(entry, Mapping) and isinstance(entry.get("when"), Mapping):
        return entry["when"]
    return {}


def bank_entries(bank: Any, path: list[Any]) -> Iterator[tuple[list[Any], object]]:
    """(path, entry) for every line of a bank: a list, or lists by selector."""
    if isinstance(bank, list):
        for i, entry in enumerate(bank):
            yield [*path, i], entry
    elif isinstance(bank, dict):
        for selector, group in bank.items():
            if isinstance(group, list):
                for i, entry in enumerate(group):
                    yield [*path, selector, i], entry


def persona_line_entries(data: Mapping[str, Any]) -> Iterator[tuple[list[Any], object]]:
    """Every line a persona file holds: its reaction banks, and each fact's lines and again."""
    lines = data.get("lines")
    if isinstance(lines, dict):
        for reaction, bank in lines.items():
            yield from bank_entries(bank, ["lines", reaction])
    for i, fact in enumerate(_facts(data)):
        for key in ("lines", "again"):
            yield from bank_entries(fact.get(key), ["scenario", "facts", i, key])


def type_line_entries(data: Mapping[str, Any]) -> Iterator[tuple[list[Any], object]]:
    lines = data.get("lines")
    if isinstance(lines, dict):
        for lang, banks in lines.items():
            if isinstance(banks, dict):
                for reaction, bank in banks.items():
                    yield from bank_entries(bank, ["lines", lang, reaction])


def _facts(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    scenario = data.get("scenario")
    facts = scenario.get("facts") if isinstance(scenario, dict) else None
    return [f for f in facts if isinstance(f, dict)] if isinstance(facts, list) else []


def placeholders_of(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def line_errors(
    entries: Iterator[tuple[list[Any], object]],
    node: yaml.Node | None,
    file: str,
    *,
    fact_ids: set[str] | None,
) -> list[ValidationError]:
    """Unknown placeholders and ``when`` conditions naming no fact of the persona.

    ``fact_ids`` None: a type file, where any fact id may appear (the persona supplies it).
    """
    errs: list[ValidationError] = []
    fixed = (*SCENARIO_PLACEHOLDERS, *TURN_PLACEHOLDERS)
    for path, entry in entries:
        text = line_text(entry)
        text_path = [*path, "say"] if isinstance(entry, Mapping) else path
        for name in dict.fromkeys(placeholders_of(text or "")):
            if name in fixed:
                continue
            if fact_ids is None and _FACT_ID.match(name):
                continue
            if fact_ids is not None and name in fact_ids:
                continue
            known = [*fixed, *sorted(fact_ids or ())]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {{{close[0]}}}?" if close else ""
            facts_known = "a fact id" if fact_ids is None else "this persona's fact ids"
            errs.append(
                ValidationError(
                    file,
                    line_of(node, text_path),
                    f"{_where(path)}: unknown placeholder {{{name}}}{hint} (known: "
                    + ", ".join(f"{{{k}}}" for k in fixed)
                    + f" and {facts_known}"
                    + (": " + ", ".join(f"{{{k}}}" for k in sorted(fact_ids)) if fact_ids else "")
                    + ")",
                )
            )
        if fact_ids is None:
            continue
        condition = line_condition(entry)
        for key in ("facts_out", "facts_missing"):
            named = condition.get(key)
            for k, fid in enumerate(named if isinstance(named, list) else []):
                if fid not in fact_ids:
                    known_facts = ", ".join(sorted(fact_ids)) or "none"
                    errs.append(
                        ValidationError(
                            file,
                            line_of(node, [*path, "when", key, k]),
                            f"{_where(path)}: when.{key} names '{fid}', which is not a fact of "
                            f"this persona (facts: {known_facts})",
                        )
                    )
    return errs


def _count_lines(bank: Any) -> int:
    """Distinct lines of a bank, plain or ``{say, when}``, counted by their words."""
    return len({text for _, entry in bank_entries(bank, []) if (text := line_text(entry))})


# --------------------------------------------------------------------------- drafts


def _marked(text: str) -> bool:
    folded = text.casefold()
    return any(marker in folded for marker in DRAFT_MARKERS)


def draft_of(node: yaml.Node | None, file: str) -> Draft | None:
    """A :class:`Draft` when any text of the file (not a comment) still holds a scaffold marker."""
    lines: list[int] = []

    def walk(n: yaml.Node | None) -> None:
        if isinstance(n, yaml.ScalarNode):
            if isinstance(n.value, str) and _marked(n.value):
                lines.append(n.start_mark.line + 1)
        elif isinstance(n, yaml.MappingNode):
            for _, value in n.value:
                walk(value)
        elif isinstance(n, yaml.SequenceNode):
            for item in n.value:
                walk(item)

    walk(node)
    return Draft(file, len(lines), min(lines)) if lines else None


# --------------------------------------------------------------------------- warnings

_TOPICS_CACHE: dict[Path, tuple[int, frozenset[str] | None]] = {}


def load_topics(path: Path = TOPICS_PATH) -> frozenset[str] | None:
    """Names of the built-in topics (personas/topics.yml), or None when there is no such file.

    Read tolerantly: a mapping of topic -> words, a ``topics:`` mapping or list, or a list of
    ``{id: ...}`` entries.
    """
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    cached = _TOPICS_CACHE.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    if isinstance(data, dict) and isinstance(data.get("topics"), (dict, list)):
        data = data["topics"]
    names: set[str] = set()
    if isinstance(data, dict):
        names = {str(k) for k in data if not str(k).startswith("_") and k != "version"}
    elif isinstance(data, list):
        names = {str(t.get("id")) for t in data if isinstance(t, dict) and t.get("id")}
    topics = frozenset(names)
    _TOPICS_CACHE[path] = (stamp, topics)
    return topics


def _phrase_key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _norm_remedy(name: object) -> str:
    return str(name).strip().casefold()


def remedy_names() -> frozenset[str]:
    """Every remedy name a persona file may use (canonical kinds and their synonyms), folded."""
    names = {_norm_remedy(k) for k in REMEDY_KINDS}
    for synonyms in REMEDY_SYNONYMS.values():
        names.update(_norm_remedy(n) for n in synonyms)
    return frozenset(names)


def _remedy_hint(name: str, known: frozenset[str]) -> str:
    names = ", ".join(REMEDY_KINDS)
    return _did_you_mean(
        _norm_remedy(name),
        sorted(known),
        cutoff=0.75,
        otherwise=f" (remedy names: {names}, or a synonym such as replacement or 退款)",
    )


def plain_usable(entry: object, available: set[str], kind: object = None) -> bool:
    """Whether a line can be said in any state: no ``when`` (or only a ``kind`` that is this
    persona's) and every placeholder has a value."""
    text = line_text(entry)
    condition = dict(line_condition(entry))
    kinds = condition.pop("kind", None)
    if not text or condition or (kinds and kind not in kinds):
        return False
    return set(placeholders_of(text)) <= available


def persona_warnings(
    data: dict[str, Any],
    node: yaml.Node | None,
    file: str,
    *,
    merged_lines: Mapping[str, Any],
    required_reactions: tuple[str, ...],
    topics: frozenset[str] | None,
) -> list[ValidationWarning]:
    """What a valid persona can never do: facts nobody can ask about, reactions with nothing to
    say in some state, remedies the customer cannot talk about, lines never said."""
    found: list[ValidationWarning] = []

    def warn(path: list[Any], msg: str) -> None:
        found.append(ValidationWarning(file, line_of(node, path), msg))

    facts = _facts(data)
    fact_ids = {str(f.get("id")) for f in facts}
    remedies = _mapping(_mapping(data.get("scenario")).get("remedies"))
    need = remedies.get("need")
    why_not = _mapping(remedies.get("why_not"))
    acceptable = [_norm_remedy(r) for r in remedies.get("acceptable") or []]
    rejected = list(remedies.get("rejected") or [])

    # -- facts a trainee can ask about
    phrase_owner: dict[str, str] = {}
    same: set[str] = set()  # phrases two facts both use (reported once, as such)
    for i, fact in enumerate(facts):
        fid = str(fact.get("id"))
        about = [a for a in fact.get("about") or [] if isinstance(a, str)]
        topic = fact.get("topic")
        if topics is not None and isinstance(topic, str) and topic not in topics:
            warn(
                ["scenario", "facts", i, "topic"],
                f"fact '{fid}': topic '{topic}' is not a built-in topic (personas/topics.yml: "
                f"{', '.join(sorted(topics)) or 'none'})"
                + ("; only its about phrases ask for it" if about else ""),
            )
        askable = bool(about) or (topics is not None and (topic in topics or fid in topics))
        if not askable and not fact.get("known_from_start"):
            why = "" if topics is not None else " (there is no personas/topics.yml)"
            words = fid.replace("_", " ")
            warn(
                ["scenario", "facts", i, "id"],
                f"fact '{fid}' can hardly be asked about: no about phrases and no built-in "
                f"topic{why}, only the words '{words}' draw it out; add about: [how a trainee "
                "would ask for it]",
            )
        for j, phrase in enumerate(about):
            key = _phrase_key(phrase)
            if key and phrase_owner.setdefault(key, fid) != fid:
                same.add(key)
                warn(
                    ["scenario", "facts", i, "about", j],
                    f"fact '{fid}': about phrase '{phrase}' also asks for fact "
                    f"'{phrase_owner[key]}'; a question with it may draw out either",
                )

    # -- about phrases too generic to tell their fact from another
    product = str(_mapping(data.get("scenario")).get("product") or "")
    for i, j, other in colliding_about(facts, product):
        fid, phrase = str(facts[i].get("id")), facts[i]["about"][j]
        if _phrase_key(phrase) in same:
            continue
        if other is None:
            warn(
                ["scenario", "facts", i, "about", j],
                f"fact '{fid}': about phrase '{phrase}' has no word of its own (only question "
                "words, filler or the product's name), so it cannot tell this fact from another; "
                "say what the question is about",
            )
        else:
            warn(
                ["scenario", "facts", i, "about", j],
                f"fact '{fid}': about phrase '{phrase}' is too generic: each of its words also "
                f"asks for fact '{other}', so a question in these words may draw out either; say "
                f"what sets '{fid}' apart",
            )

    # -- every reaction has something to say whatever the state
    available = set(SCENARIO_PLACEHOLDERS) | fact_ids | ({"need", "why_not"} if need else set())
    own = _mapping(data.get("lines"))
    scenario_kind = _mapping(data.get("scenario")).get("kind")
    for reaction in required_reactions:
        bank = merged_lines.get(reaction)
        entries = [entry for _, entry in bank_entries(bank, [])]
        if not entries:
            continue  # semantic_errors reports a missing bank
        slots = set(available)
        if reaction == "already_told":
            slots.add("value")
        if reaction == "rejected":
            slots.add("remedy")
        if reaction == "accepted" and acceptable:
            slots.add("remedy")  # an accepted offer names one of them
        if any(plain_usable(entry, slots, scenario_kind) for entry in entries):
            continue
        source = "this file" if reaction in own else "the type's lines"
        missing = sorted(
            {
                p
                for entry in entries
                if not line_condition(entry)
                for p in placeholders_of(line_text(entry) or "")
                if p not in slots
            }
        )
        needs = (
            " or needs " + ", ".join(f"{{{p}}}" for p in missing) + " (not always known)"
            if missing
            else ""
        )
        hint = (
            " (acceptable is empty: any offer is accepted, named or not)"
            if reaction == "accepted" and "remedy" in missing and not acceptable
            else ""
        )
        warn(
            ["lines", reaction] if reaction in own else ["lines"],
            f"reaction '{reaction}' ({source}, {data.get('language')}) has no line for every "
            f"state: each line has a when: condition{needs}{hint}; add one plain line",
        )

    # -- remedies the customer can talk about
    explained = {_norm_remedy(r) for r in why_not}
    mute = [(k, r) for k, r in enumerate(rejected) if _norm_remedy(r) not in explained]
    if mute and not need:
        listed = ", ".join(f"'{r}'" for _, r in mute)
        warn(
            ["scenario", "remedies", "rejected", mute[0][0]],
            f"rejected {'remedy' if len(mute) == 1 else 'remedies'} {listed}: the customer cannot "
            "say why it does not help them; add "
            f"scenario.remedies.need (what they need) or a why_not for "
            + ("it" if len(mute) == 1 else "each"),
        )
    kind = _mapping(data.get("scenario")).get("kind")
    if kind == "pre_sales" and not acceptable and not remedies.get("fits"):
        warn(
            ["scenario", "remedies"],
            "pre-sales persona without remedies.fits: any recommendation that restates something "
            "the customer told counts as fitting; list what a fitting recommendation speaks to "
            "(the hidden need, the stated needs) so one that misses them is turned down",
        )
    if remedies.get("fits") and acceptable:
        warn(
            ["scenario", "remedies", "fits"],
            "remedies.fits is read only when acceptable is empty (a recommendation, not a remedy)",
        )
    for remedy in why_not:
        if _norm_remedy(remedy) in acceptable:
            warn(
                ["scenario", "remedies", "why_not", remedy],
                f"why_not.{remedy}: '{remedy}' is acceptable, so this reason is never given",
            )

    # -- the persona's own lines that can never be said
    for path, entry in persona_line_entries(data):
        names = set(placeholders_of(line_text(entry) or ""))
        if "need" in names and not need:
            warn(
                path,
                f"{_where(path)}: uses {{need}} but scenario.remedies.need is not set, "
                "so this line is never said",
            )
        elif "why_not" in names and not need and not why_not:
            warn(
                path,
                f"{_where(path)}: uses {{why_not}} but the scenario has neither remedies.why_not "
                "nor remedies.need, so this line is never said",
            )
        condition = line_condition(entry)
        both = set(condition.get("facts_out") or []) & set(condition.get("facts_missing") or [])
        if both:
            warn(
                [*path, "when"],
                f"{_where(path)}: when: {', '.join(sorted(map(str, both)))} cannot be both out "
                "and missing, so this line is never said",
            )
    return found
