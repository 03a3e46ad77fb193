"""The trainer's persona workflow: scaffold a new persona file, check the library.

`scaffold` writes a persona that already passes `python -m personas.validate`: the type's
defaults (turn limit, silence timeout, gender for the shopper types) and a template whose
every trainer-facing line is marked ``[REWRITE]`` (in the YAML comments) and whose customer
lines start with a visible marker, so a persona published unedited is easy to spot.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from personas import PersonaLibrary
from personas.checks import DEFAULT_LIBRARY, DEFAULT_TYPES, ValidationError
from personas.validate import validate_paths

MARK = {"zh": "〔待改写〕", "en": "[rewrite] "}
GENDER_OF_TYPE = {"female_shopper": "female", "male_shopper": "male"}
PRE_SALES_TYPES = {"female_shopper", "male_shopper", "talkative", "silent", "arrogant"}

TEMPLATE = {
    "zh": {
        "name": "新顾客",
        "description": "一句话说明这位顾客和他的问题。",
        "product": "产品名称",
        "situation": "给培训师看的情境说明：发生了什么、顾客真正想要什么、不接受什么。",
        "fact_value": "顾客被问到才会说出的关键事实",
        "fact_lines": ["这是顾客说出关键事实的第一种说法。", "这是顾客说出关键事实的第二种说法。"],
        "opening": [
            "这是顾客的第一句开场白，请改写。",
            "这是开场白的第二种说法，请改写。",
            "这是开场白的第三种说法，请改写。",
        ],
    },
    "en": {
        "name": "New customer",
        "description": "One line about this customer and their problem.",
        "product": "product name",
        "situation": (
            "For trainers: what happened, what the customer really wants, what they refuse."
        ),
        "fact_value": "a key fact the customer tells only when asked",
        "fact_lines": [
            "The first way the customer tells the key fact.",
            "A second way the customer tells the key fact.",
        ],
        "opening": [
            "The customer's first opening line - rewrite it.",
            "A second opening line - rewrite it.",
            "A third opening line - rewrite it.",
        ],
    },
}


class ScaffoldError(Exception):
    """The persona cannot be scaffolded (unknown type, id taken, bad id …)."""


def persona_types(types_root: Path = DEFAULT_TYPES) -> list[str]:
    return sorted(p.stem for p in types_root.glob("*.yml") if not p.stem.startswith("_"))


def _type_behaviour(persona_type: str, types_root: Path) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for name in ("_base", persona_type):
        data = yaml.safe_load((types_root / f"{name}.yml").read_text(encoding="utf-8")) or {}
        merged.update({k: v for k, v in (data.get("behaviour") or {}).items() if v is not None})
    return merged


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, default_style='"', width=1000).strip()


def render(persona_id: str, persona_type: str, lang: str, types_root: Path = DEFAULT_TYPES) -> str:
    behaviour = _type_behaviour(persona_type, types_root)
    words = TEMPLATE[lang]
    mark = MARK[lang]
    kind = "pre_sales" if persona_type in PRE_SALES_TYPES else "after_sales"
    lines = [
        "# yaml-language-server: $schema=../persona.schema.json",
        f"# Scaffolded by `counterpart persona new --type {persona_type} --lang {lang}`.",
        "# Every line marked [REWRITE] is a placeholder: replace it before publishing, then run",
        "# `counterpart persona check` and try it with `make chat PERSONA=" + persona_id + "`.",
        f"id: {persona_id}",
        f"name: {_quoted(words['name'])}  # [REWRITE] the customer's name",
        f"type: {persona_type}",
        f"gender: {GENDER_OF_TYPE.get(persona_type, 'unspecified')}",
        f"language: {lang}",
        "difficulty: medium  # easy | medium | hard",
        f"description: {_quoted(mark + words['description'])}  # [REWRITE]",
        f"max_turns: {int(behaviour.get('max_turns', 12))}  # the type's default",
        "silence_timeout_seconds: "
        f"{int(behaviour.get('silence_timeout_seconds', 90))}  # the type's default",
        "scenario:",
        f"  kind: {kind}  # pre_sales | after_sales",
        f"  product: {_quoted(words['product'])}  # [REWRITE]",
        f"  situation: {_quoted(mark + words['situation'])}  # [REWRITE]",
        "  facts:  # [REWRITE] what the customer says only when asked; add as many as needed",
        "    - id: key_fact",
        f"      value: {_quoted(words['fact_value'])}",
        "      asked_by: [open_question, confirm]",
        "      required: true",
        "      lines:",
        *(f"        - {_quoted(mark + line)}" for line in words["fact_lines"]),
        "  remedies:  # remedy names, see personas/README.md; empty lists accept any timely offer",
        "    acceptable: []",
        "    rejected: []",
        "# Other reactions use the type's lines (personas/types/"
        + persona_type
        + ".yml) until you add your own here.",
        "lines:",
        "  opening:  # [REWRITE] at least three openings",
        *(f"    - {_quoted(mark + line)}" for line in words["opening"]),
    ]
    return "\n".join(lines) + "\n"


def next_free_id(persona_type: str, lang: str, library: Path) -> str:
    n = 1
    while (library / f"{persona_type}_{lang}_new_{n}.yml").exists():
        n += 1
    return f"{persona_type}_{lang}_new_{n}"


def scaffold(
    persona_type: str,
    lang: str,
    persona_id: str | None = None,
    *,
    library: Path = DEFAULT_LIBRARY,
    types_root: Path = DEFAULT_TYPES,
) -> Path:
    """Write a new, valid persona file and return its path."""
    if persona_type not in persona_types(types_root):
        known = ", ".join(persona_types(types_root))
        raise ScaffoldError(f"unknown type {persona_type!r}; one of {known}")
    if lang not in TEMPLATE:
        raise ScaffoldError("language must be zh or en")
    persona_id = persona_id or next_free_id(persona_type, lang, library)
    if not re.fullmatch(r"[a-z0-9][a-z0-9_]*", persona_id):
        raise ScaffoldError("an id is lower-case letters, digits and underscores")
    path = library / f"{persona_id}.yml"
    if path.exists():
        raise ScaffoldError(f"{path} exists already")
    library.mkdir(parents=True, exist_ok=True)
    path.write_text(render(persona_id, persona_type, lang, types_root), encoding="utf-8")
    return path


def check(
    paths: list[Path] | None = None, *, types_root: Path = DEFAULT_TYPES
) -> list[ValidationError]:
    """Validation errors of the given files or directories (default: the whole library).

    Persona files are checked against the types in `types_root` (PERSONA_TYPES_DIR) when
    that is not the project's own; the project's types go through `personas.validate`.
    """
    if types_root.resolve() == DEFAULT_TYPES.resolve():
        return validate_paths(paths)
    errors: list[ValidationError] = []
    by_folder: dict[Path, set[str]] = {}
    for path in paths or [DEFAULT_LIBRARY]:
        if path.is_dir():
            errors.extend(PersonaLibrary(path, types_root=types_root).errors)
        elif not path.exists():
            errors.append(ValidationError(str(path), 0, "no such file"))
        else:
            by_folder.setdefault(path.resolve().parent, set()).add(str(path.resolve()))
    for folder, files in by_folder.items():
        found = PersonaLibrary(folder, types_root=types_root).errors
        errors.extend(e for e in found if e.file in files or not e.file.startswith(str(folder)))
    return errors
