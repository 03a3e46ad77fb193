"""The persona library: ``personas/library/<id>.yml`` files, re-read when they change on disk.

A trainer's edit is picked up on the next ``get``/``list``/``errors`` call (the file's mtime and
size are compared), with no restart or retraining. An invalid file is reported in ``errors``
(file, line, message) and left out; the other personas keep working. A valid persona may still
carry ``warnings`` (something in it can never happen). A hostile file (a recursive alias, an
alias bomb, deep nesting, an oversized file: see ``personas.loader``) is reported the same way,
as is anything unexpected while one file is checked: one bad file only ever takes out itself
(and a bad type file its personas). A persona still holding the placeholder text of
``counterpart persona new`` is a draft: ``drafts()`` lists it for trainers, while ``list()``,
``get()`` and ``in`` - what trainees pick from and start - leave it out.
"""

from __future__ import annotations

import builtins
import copy
import os
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from personas import checks as v
from personas.loader import DEFAULT_LIMITS, Limits, load_file
from personas.model import CORE_REACTIONS, Persona

SUFFIXES = (".yml", ".yaml")


# What the engine reads without a default; normally all of it comes from _base.yml.
REQUIRED_BEHAVIOUR = (
    ("mood", "anger"),
    ("mood", "trust"),
    ("mood", "patience"),
    ("mood", "openness"),
    ("thresholds", "escalate_anger"),
    ("thresholds", "resolve_max_anger"),
    ("thresholds", "resolve_min_trust"),
)


def _has(tree: dict[str, Any], keys: tuple[str, ...]) -> bool:
    for key in keys:
        if not isinstance(tree, dict) or key not in tree:
            return False
        tree = tree[key]
    return isinstance(tree, (int, float)) and not isinstance(tree, bool)


class UnknownPersonaError(KeyError):
    """Raised by :meth:`PersonaLibrary.get` for an id that is not (validly) in the library."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "unknown persona"


@dataclass
class _Entry:
    stamp: tuple[int, int]
    data: dict[str, Any] | None
    node: yaml.Node | None
    errors: list[v.ValidationError]


@dataclass
class _Checked:
    """What checking one persona file found."""

    errors: list[v.ValidationError]
    warnings: list[v.ValidationWarning] = field(default_factory=list)
    persona: Persona | None = None
    draft: v.Draft | None = None


def _unexpected(path: Path, exc: BaseException) -> v.ValidationError:
    """An error no check foresaw, reported against its file instead of failing the library."""
    return v.ValidationError(
        str(path), 1, f"this file could not be checked ({type(exc).__name__}: {exc})"
    )


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in (over or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


class PersonaLibrary:
    def __init__(
        self,
        root: str | os.PathLike[str] | None = None,
        *,
        types_root: str | os.PathLike[str] | None = None,
        topics: str | os.PathLike[str] | None = None,
        limits: Limits = DEFAULT_LIMITS,
        recheck_seconds: float = 0.0,
    ) -> None:
        """``recheck_seconds``: how long a look at the files on disk holds before the next
        one (0: every call). Servers pass about a second: a trainer's edit shows within it,
        and a turn does not pay for a stat of every persona file."""
        self.root = Path(root) if root is not None else v.DEFAULT_LIBRARY
        self.types_root = Path(types_root) if types_root is not None else v.DEFAULT_TYPES
        self.topics_path = Path(topics) if topics is not None else v.TOPICS_PATH
        self.limits = limits
        self.recheck_seconds = recheck_seconds
        self._checked_at: float | None = None
        self._lock = threading.RLock()
        self._files: dict[Path, _Entry] = {}
        self._types: dict[Path, _Entry] = {}
        self._signature: tuple[int, ...] = ()
        self._personas: dict[str, Persona] = {}
        self._errors: list[v.ValidationError] = []
        self._warnings: list[v.ValidationWarning] = []
        self._drafts: dict[str, v.Draft] = {}

    # ------------------------------------------------------------------ public

    def get(self, persona_id: str, *, include_drafts: bool = False) -> Persona:
        """The persona with this id; a draft only with ``include_drafts`` (a trainee starting
        one by id is refused as for an unknown persona)."""
        with self._lock:
            self._refresh()
            persona = self._personas.get(persona_id)
            if persona is not None and (include_drafts or not persona.draft):
                return persona
            if persona is not None:
                raise UnknownPersonaError(
                    f"persona '{persona_id}' is a draft, not offered to trainees: "
                    f"{self._drafts[persona_id]}"
                )
            bad = [e for e in self._errors if Path(e.file).stem == persona_id]
            if bad:
                detail = "; ".join(str(e) for e in bad[:3])
                raise UnknownPersonaError(f"persona '{persona_id}' is invalid: {detail}")
            known = ", ".join(k for k, p in sorted(self._personas.items()) if not p.draft)
            raise UnknownPersonaError(f"unknown persona '{persona_id}' (known: {known or 'none'})")

    def list(self, *, include_drafts: bool = False) -> list[Persona]:
        """The valid personas by id; drafts only with ``include_drafts`` (trainer views)."""
        with self._lock:
            self._refresh()
            return [p for _, p in sorted(self._personas.items()) if include_drafts or not p.draft]

    def drafts(self) -> builtins.list[Persona]:
        """The personas that still hold scaffold placeholders, by id."""
        with self._lock:
            self._refresh()
            return [p for _, p in sorted(self._personas.items()) if p.draft]

    def draft_report(self, persona_id: str) -> v.Draft | None:
        """How many placeholder texts a draft still holds, and where the first is."""
        with self._lock:
            self._refresh()
            return self._drafts.get(persona_id)

    @property
    def errors(self) -> builtins.list[v.ValidationError]:
        with self._lock:
            self._refresh()
            return list(self._errors)

    @property
    def warnings(self) -> builtins.list[v.ValidationWarning]:
        """Findings in valid personas that do not stop them from playing."""
        with self._lock:
            self._refresh()
            return list(self._warnings)

    def __contains__(self, persona_id: object) -> bool:
        with self._lock:
            self._refresh()
            persona = self._personas.get(persona_id) if isinstance(persona_id, str) else None
            return persona is not None and not persona.draft

    # ------------------------------------------------------------------ loading

    def _scan(self, folder: Path, cache: dict[Path, _Entry]) -> bool:
        changed = False
        present = set()
        if folder.is_dir():
            for entry in sorted(folder.iterdir()):
                if entry.suffix not in SUFFIXES or not entry.is_file():
                    continue
                present.add(entry)
                try:
                    stamp = _stamp(entry)
                except OSError:
                    continue
                old = cache.get(entry)
                if old is not None and old.stamp == stamp:
                    continue
                try:
                    data, node, errors = load_file(entry, self.limits)
                except Exception as exc:  # one bad file only takes out itself
                    data, node, errors = None, None, [_unexpected(entry, exc)]
                cache[entry] = _Entry(stamp, data, node, errors)
                changed = True
        for gone in set(cache) - present:
            del cache[gone]
            changed = True
        return changed

    def _topics_stamp(self) -> int:
        try:
            return self.topics_path.stat().st_mtime_ns
        except OSError:
            return 0

    def _refresh(self) -> None:
        now = time.monotonic()
        if self._checked_at is not None and now - self._checked_at < self.recheck_seconds:
            return
        self._checked_at = now
        types_changed = self._scan(self.types_root, self._types)
        files_changed = self._scan(self.root, self._files)
        signature = (len(self._files), len(self._types), self._topics_stamp())
        if types_changed or files_changed or signature != self._signature:
            self._rebuild()
            self._signature = signature

    def _load_types(self, errors: builtins.list[v.ValidationError]) -> dict[str, dict[str, Any]]:
        types: dict[str, dict[str, Any]] = {}
        for path, entry in sorted(self._types.items()):
            try:
                found = self._load_type(path, entry)
            except Exception as exc:  # one bad file only takes out itself
                errors.append(_unexpected(path, exc))
                continue
            errors.extend(found[0])
            if found[1] is not None:
                types[path.stem] = found[1]
        return types

    @staticmethod
    def _load_type(
        path: Path, entry: _Entry
    ) -> tuple[builtins.list[v.ValidationError], dict[str, Any] | None]:
        """One type file's errors, and its data when it is valid."""
        errors = list(entry.errors)
        data = entry.data
        if entry.errors and data is None:
            return errors, None
        if not isinstance(data, dict):
            errors.append(v.ValidationError(str(path), 1, "a type file must be a mapping"))
            return errors, None
        schema_problems = v.schema_errors(data, entry.node, str(path), definition="typeFile")
        if schema_problems:
            return errors + schema_problems, None
        problems = []
        if data.get("type") != path.stem:
            problems.append((["type"], f"type '{data.get('type')}' must equal '{path.stem}'"))
        if not isinstance(data.get("behaviour", {}), dict):
            problems.append((["behaviour"], "behaviour must be a mapping"))
        if not isinstance(data.get("lines", {}), dict):
            problems.append((["lines"], "lines must be a mapping of language -> reactions"))
        if problems:
            errors.extend(
                v.ValidationError(str(path), v.line_of(entry.node, p), m) for p, m in problems
            )
            return errors, None
        line_problems = v.type_errors(data, entry.node, str(path))
        if line_problems:
            return errors + line_problems, None
        return errors, data

    def _rebuild(self) -> None:
        errors: list[v.ValidationError] = []
        warnings: list[v.ValidationWarning] = []
        drafts: dict[str, v.Draft] = {}
        topics = v.load_topics(self.topics_path)
        types = self._load_types(errors)
        base = types.pop(v.BASE_TYPE, {"behaviour": {}, "lines": {}})
        broken_types = {
            Path(e.file).stem: e.file for e in errors if Path(e.file).parent == self.types_root
        }
        personas: dict[str, Persona] = {}
        owners: dict[str, str] = {}
        for path, entry in sorted(self._files.items()):
            try:
                checked = self._check_persona(
                    path, entry, types, base, broken_types, owners, topics
                )
            except Exception as exc:  # one bad file only takes out itself
                errors.append(_unexpected(path, exc))
                continue
            errors.extend(checked.errors)
            warnings.extend(checked.warnings)
            if checked.persona is None:
                continue
            valid_id = path.stem  # semantic_errors: a file without errors has id == file stem
            owners[valid_id] = str(path)
            if checked.draft is not None:
                drafts[valid_id] = checked.draft
            personas[valid_id] = checked.persona
        self._personas = personas
        self._errors = errors
        self._warnings = warnings
        self._drafts = drafts

    def _check_persona(
        self,
        path: Path,
        entry: _Entry,
        types: dict[str, dict[str, Any]],
        base: dict[str, Any],
        broken_types: dict[str, str],
        owners: dict[str, str],
        topics: frozenset[str] | None,
    ) -> _Checked:
        """One persona file: its errors, or its warnings and the persona built from it."""
        file = str(path)
        file_errors = list(entry.errors)
        data = entry.data
        if data is None and file_errors:
            return _Checked(file_errors)
        if not isinstance(data, dict):
            return _Checked([v.ValidationError(file, 1, "a persona file must be a mapping")])
        file_errors.extend(v.schema_errors(data, entry.node, file))
        type_data = types.get(str(data.get("type")))
        merged_lines = None
        extra: tuple[str, ...] = ()
        if type_data is not None and isinstance(data.get("lines", {}), dict):
            merged_lines = self._merged_lines(base, type_data, data)
            extra = tuple(type_data.get("extra_reactions") or ())
        file_errors.extend(
            v.semantic_errors(
                data,
                entry.node,
                file,
                stem=path.stem,
                known_types=types,
                merged_lines=merged_lines,
                required_reactions=CORE_REACTIONS + extra,
                broken_types=broken_types,
            )
        )
        behaviour = self._behaviour(base, type_data or {}, data)
        missing = [".".join(k) for k in REQUIRED_BEHAVIOUR if not _has(behaviour, k)]
        if missing:
            file_errors.append(
                v.ValidationError(
                    file,
                    v.line_of(entry.node, ["type"]),
                    f"behaviour incomplete after merging personas/types/{v.BASE_TYPE}.yml, "
                    f"the type file and this file: missing {', '.join(missing)}",
                )
            )
        pid = data.get("id")
        if isinstance(pid, str) and pid in owners:
            file_errors.append(
                v.ValidationError(
                    file,
                    v.line_of(entry.node, ["id"]),
                    f"duplicate id '{pid}' (also in {owners[pid]})",
                )
            )
        if file_errors:
            return _Checked(file_errors)
        extra_reactions = tuple(r for r in extra if r not in CORE_REACTIONS)
        warnings = v.persona_warnings(
            data,
            entry.node,
            file,
            merged_lines=merged_lines or {},
            required_reactions=CORE_REACTIONS + extra_reactions,
            topics=topics,
        )
        persona = self._build(path, data, behaviour, type_data or {}, merged_lines or {})
        draft = v.draft_of(entry.node, file)
        if draft is not None:
            persona = replace(persona, draft=True)
        return _Checked([], list(warnings), persona, draft)

    @staticmethod
    def _merged_lines(
        base: dict[str, Any], type_data: dict[str, Any], data: dict[str, Any]
    ) -> dict[str, Any]:
        lang = data.get("language")
        lines: dict[str, Any] = {}
        for layer in (
            (base.get("lines") or {}).get(lang) or {},
            (type_data.get("lines") or {}).get(lang) or {},
            data.get("lines") or {},
        ):
            lines.update(copy.deepcopy(layer))
        return lines

    @staticmethod
    def _behaviour(
        base: dict[str, Any], type_data: dict[str, Any], data: dict[str, Any]
    ) -> dict[str, Any]:
        behaviour: dict[str, Any] = {}
        effects: dict[str, Any] = {}
        for layer in (base, type_data, data):
            tables = layer.get("behaviour")
            if not isinstance(tables, dict):
                tables = {}
            behaviour = deep_merge(behaviour, tables)
            # A move's effect table replaces the one below it (a type that gives `greeting: {}`
            # means "no effect", not "the base effect").
            effects.update(copy.deepcopy(tables.get("effects") or {}))
        behaviour["effects"] = effects
        return behaviour

    @staticmethod
    def _build(
        path: Path,
        data: dict[str, Any],
        behaviour: dict[str, Any],
        type_data: dict[str, Any],
        lines: dict[str, Any],
    ) -> Persona:
        return Persona(
            id=data["id"],
            name=data["name"],
            type=data["type"],
            gender=data["gender"],
            language=data["language"],
            difficulty=data["difficulty"],
            description=data.get("description", ""),
            scenario=copy.deepcopy(data["scenario"]),
            max_turns=int(data.get("max_turns", behaviour.get("max_turns", 14))),
            silence_timeout_seconds=float(
                data.get("silence_timeout_seconds", behaviour.get("silence_timeout_seconds", 90))
            ),
            behaviour=behaviour,
            lines=lines,
            source=str(path),
            extra_reactions=tuple(type_data.get("extra_reactions") or ()),
        )
