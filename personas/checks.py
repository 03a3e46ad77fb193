"""Checks for persona and customer-type YAML files, reporting file, line and what is wrong.

Used by :class:`personas.library.PersonaLibrary` on every (re)load and by
``counterpart persona check`` (through :func:`personas.validate.validate_paths`). The JSON Schema
(``personas/persona.schema.json``, draft 7) is applied with ``jsonschema``, which both
environments pin (pyproject.toml; rasa_project/requirements.lock through rasa).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from personas.model import MIN_OPENINGS, MIN_VARIANTS
from practice.vocabulary import MOVES

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMA_PATH = PACKAGE_DIR / "persona.schema.json"
DEFAULT_LIBRARY = PACKAGE_DIR / "library"
DEFAULT_TYPES = PACKAGE_DIR / "types"
BASE_TYPE = "_base"

# libyaml's loader when PyYAML was built with it (10x faster), with the same node marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ValidationError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


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


def load_yaml(path: Path) -> tuple[Any, yaml.Node | None, list[ValidationError]]:
    """Parse a YAML file keeping node marks; syntax errors come back as ValidationErrors."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, None, [ValidationError(file, 0, f"cannot read file: {exc}")]
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        return None, None, [ValidationError(file, line, f"YAML syntax error: {problem}")]
    except yaml.YAMLError as exc:
        return None, None, [ValidationError(file, 0, f"YAML error: {exc}")]
    finder = _DuplicateKeyFinder(file)
    finder.walk(node)
    return data, node, finder.errors


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
        found.append(ValidationError(file, line, f"{_where(path)}: {err.message}"))
    return found


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
        for j, move in enumerate(fact.get("asked_by") or []):
            if move not in moves:
                err(["scenario", "facts", i, "asked_by", j], f"unknown move '{move}'")
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
    return errs


def _count_lines(bank: Any) -> int:
    if isinstance(bank, list):
        return len(set(map(str, bank)))
    if isinstance(bank, dict):
        return len({str(x) for group in bank.values() if isinstance(group, list) for x in group})
    return 0
