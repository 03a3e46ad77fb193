"""The trainer's persona workflow: scaffold a new persona file, check the library.

`scaffold` writes a persona that already passes `counterpart persona check`: the type's
defaults (turn limit, silence timeout, gender for the shopper types) and a template that shows
every trainer-facing field (how trainees ask for a fact, what the customer says when asked
again, what they need and why a remedy misses it, a line with a condition). Every text a trainer
must rewrite starts with a visible marker (``[rewrite]`` / ``〔待改写〕``, the markers
`personas.checks` looks for): until none is left the persona is a draft, shown to trainers and
never offered to trainees.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from personas.checks import DEFAULT_LIBRARY, DEFAULT_TYPES
from personas.validate import Report, check_paths

#: in front of every text to rewrite; personas.checks.DRAFT_MARKERS finds them (drafts)
MARK = {"zh": "〔待改写〕", "en": "[rewrite] "}
GENDER_OF_TYPE = {"female_shopper": "female", "male_shopper": "male"}
PRE_SALES_TYPES = {"female_shopper", "male_shopper", "talkative", "silent", "arrogant"}

TEMPLATE: dict[str, dict[str, Any]] = {
    "zh": {
        "name": "新顾客",
        "description": "一句话说明这位顾客和他的问题。",
        "product": "产品名称",
        "situation": "给培训师看的情境说明：发生了什么、顾客真正想要什么、不接受什么。",
        "first_fact": {
            "after_sales": {
                "id": "problem",
                "about": ["出了什么问题", "哪里坏了", "具体什么情况"],
                "value": "用几个字说清出了什么问题",
            },
            "pre_sales": {
                "id": "usage",
                "about": ["买来做什么用", "用在什么场景", "主要用途"],
                "value": "用几个字说清顾客买来做什么",
            },
        },
        "fact_lines": ["这是顾客说出这个事实的第一种说法。", "这是第二种说法。"],
        "again": "我刚才已经说过了：{value}。",
        "hidden_about": ["为什么这么着急", "最近有什么重要的安排吗"],
        "hidden_value": "顾客信任你之后才会说的真实原因",
        "hidden_lines": ["这是顾客说出真实原因的第一种说法。", "这是第二种说法。"],
        "need": "顾客真正需要的，用顾客自己的话说",
        "why_not": "顾客为什么不接受这个方案，用顾客自己的话说",
        "opening": [
            "这是顾客的第一句开场白，请改写。",
            "这是开场白的第二种说法，请改写。",
            "这是开场白的第三种说法，请改写。",
        ],
        "accepted": [
            "{time_frame}{remedy}？行，这样可以。",
            "好吧，只要真的能做到，我接受。",
            "行，那就这么办，麻烦你了。",
            "可以，你把确认信息发给我。",
        ],
        "accepted_when": "行，只要赶得上我跟你说的那件事就好。",
    },
    "en": {
        "name": "New customer",
        "description": "One line about this customer and their problem.",
        "product": "product name",
        "situation": (
            "For trainers: what happened, what the customer really wants, what they refuse."
        ),
        "first_fact": {
            "after_sales": {
                "id": "problem",
                "about": ["what happened", "what is wrong with it", "what exactly is the problem"],
                "value": "what went wrong, in a few words",
            },
            "pre_sales": {
                "id": "usage",
                "about": ["what will you use it for", "what kind of jobs will it do", "main use"],
                "value": "what the customer wants it for, in a few words",
            },
        },
        "fact_lines": [
            "The first way the customer tells this fact.",
            "A second way the customer tells it.",
        ],
        "again": "I told you already: {value}.",
        "hidden_about": ["why is it so urgent", "is anything important coming up"],
        "hidden_value": "the real reason, told only once the customer trusts you",
        "hidden_lines": [
            "The first way the customer tells the real reason.",
            "A second way the customer tells it.",
        ],
        "need": "what the customer really needs, in their own words",
        "why_not": "why this remedy does not help them, in their own words",
        "opening": [
            "The customer's first opening line - rewrite it.",
            "A second opening line - rewrite it.",
            "A third opening line - rewrite it.",
        ],
        "accepted": [
            "{remedy}, {time_frame}? OK, that works for me.",
            "Fine. If that really happens, we're good.",
            "Alright, go ahead with that.",
            "OK. Send me the confirmation and I'll accept it.",
        ],
        "accepted_when": "OK - as long as it is in time for what I told you about.",
    },
}
REMEDIES = {
    "after_sales": {"acceptable": ["exchange", "refund"], "rejected": "discount"},
    "pre_sales": {"acceptable": ["trial", "discount"], "rejected": "upgrade"},
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
    first = words["first_fact"][kind]
    remedies = REMEDIES[kind]

    def q(text: str, marked: bool = True) -> str:
        return _quoted(mark + text if marked else text)

    def phrases(about: list[str]) -> str:
        # only the first phrase is marked: the others are sensible defaults a trainer may keep
        return "[" + ", ".join(q(a, i == 0) for i, a in enumerate(about)) + "]"

    lines = [
        "# yaml-language-server: $schema=../persona.schema.json",
        f"# Scaffolded by `counterpart persona new --type {persona_type} --lang {lang}`.",
        f"# A DRAFT while any text still starts with {mark.strip()}: trainers see it, trainees do",
        "# not. Rewrite those texts (the comments marked [REWRITE] say what each is), run",
        "# `counterpart persona check` (it counts what is left), then try it with",
        f"# `make chat PERSONA={persona_id}`. personas/README.md explains every field.",
        f"id: {persona_id}",
        f"name: {q(words['name'])}  # [REWRITE] the customer's name, shown to trainees",
        f"type: {persona_type}",
        f"gender: {GENDER_OF_TYPE.get(persona_type, 'unspecified')}",
        f"language: {lang}",
        "difficulty: medium  # easy | medium | hard",
        f"description: {q(words['description'])}  # [REWRITE] shown in the trainees' picker",
        f"max_turns: {int(behaviour.get('max_turns', 12))}  # the type's default",
        "silence_timeout_seconds: "
        f"{int(behaviour.get('silence_timeout_seconds', 90))}  # the type's default",
        "scenario:",
        f"  kind: {kind}  # pre_sales | after_sales",
        f"  product: {q(words['product'])}  # [REWRITE] fills {{product}}",
        f"  situation: {q(words['situation'])}  # [REWRITE] for trainers, never shown",
        "  # [REWRITE] What the customer tells only when asked, in the order they would tell it;",
        "  # add as many facts as the scenario needs.",
        "  facts:",
        f"    - id: {first['id']}",
        f"      value: {q(first['value'])}",
        f"      topic: {first['id']}  # a built-in topic (personas/topics.yml) that also asks",
        "      # how a trainee asks for it: words or short questions in the customer's language",
        f"      about: {phrases(first['about'])}",
        "      asked_by: [open_question, closed_question, confirm]",
        "      required: true  # no solution is accepted before this is out",
        "      lines:  # how the customer tells it",
        *(f"        - {q(line)}" for line in words["fact_lines"]),
        "      again:  # asked again: the customer refers back to it ({value} is the fact)",
        f"        - {q(words['again'])}",
        "    - id: hidden_need",
        f"      value: {q(words['hidden_value'])}",
        f"      about: {phrases(words['hidden_about'])}",
        "      asked_by: [open_question]",
        "      min_openness: 60  # held back (a guarded line) until the customer is this open",
        "      lines:",
        *(f"        - {q(line)}" for line in words["hidden_lines"]),
        "  # [REWRITE] Remedy names (personas/README.md): what fits, what this customer turns",
        "  # down and why. Empty lists: any offer at the right time is accepted.",
        "  remedies:",
        f"    acceptable: [{', '.join(remedies['acceptable'])}]",
        f"    rejected: [{remedies['rejected']}]",
        f"    need: {q(words['need'])}  # fills {{need}}",
        "    why_not:  # remedy -> why it misses this customer; fills {why_not}",
        f"      {remedies['rejected']}: {q(words['why_not'])}",
        "    # A shopper (pre_sales with acceptable: []) takes a recommendation that speaks to",
        "    # their needs: list words of the hidden and stated needs it must name, and what the",
        "    # customer says when one names none of them (fills {why_not}):",
        "    # fits: [light, battery life, under 1 kg]",
        "    # misses: That's not what I need at all.",
        "# Other reactions use the type's lines (personas/types/"
        + persona_type
        + ".yml) until you add your own here.",
        "lines:",
        "  opening:  # [REWRITE] at least three openings",
        *(f"    - {q(line)}" for line in words["opening"]),
        "  # Optional: delete this block to use the type's lines. At least five lines;",
        "  # {remedy} and {time_frame} repeat what the trainee offered.",
        "  accepted:",
        f"    - {q(words['accepted'][0])}",
        f"    - say: {q(words['accepted_when'])}",
        "      when: {facts_out: [hidden_need]}  # only once hidden_need has been told",
        *(f"    - {q(line)}" for line in words["accepted"][1:]),
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


def check(paths: list[Path] | None = None, *, types_root: Path = DEFAULT_TYPES) -> Report:
    """Errors, warnings and drafts of the given files or directories (default: the whole
    library), checked against the types in `types_root` (PERSONA_TYPES_DIR)."""
    return check_paths(list(paths) if paths else [DEFAULT_LIBRARY], types_root=types_root)
