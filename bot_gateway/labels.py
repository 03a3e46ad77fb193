"""What the interfaces call the rubric's vocabulary, from the guidelines catalogue.

scoring/guidelines.yml (the catalogue `scoring.rubric.load_catalogue()` parses) names the
dimensions, the five steps, the outcomes and the persona types in Chinese and English, each in a
full form and optionally a short one for a phone's narrow lines. The web chat gets them from
``GET /api/labels``, the Telegram bot and the supervisor dashboard from ``catalogue_labels()``;
none of them keeps a copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

import scoring

#: the catalogue file; the rubric reads its guidelines, the interfaces its labels
GUIDELINES_PATH = Path(scoring.__file__).resolve().parent / "guidelines.yml"
KINDS = ("dimensions", "steps", "outcomes", "persona_types")
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Labels:
    #: kind -> key -> {"zh", "en", and optionally "zh_short", "en_short"}, in catalogue order
    table: Mapping[str, Mapping[str, Mapping[str, str]]]

    def label(self, kind: str, key: str | None, lang: str, *, short: bool = False) -> str:
        """The catalogue's name for `key`; an unknown key shows as itself, None as a dash."""
        if key is None:
            return "—"
        names = self.table.get(kind, {}).get(key)
        if not names:
            return key.replace("_", " ")
        lang = lang if lang in LANGS else "en"
        return (names.get(f"{lang}_short") if short else None) or names[lang]

    def names(self, kind: str, lang: str, *, short: bool = False) -> dict[str, str]:
        """Every key of a kind with its name, in the catalogue's order."""
        return {key: self.label(kind, key, lang, short=short) for key in self.table.get(kind, {})}

    def as_json(self) -> dict[str, Any]:
        """{lang: {kind: {key: {"long": …, "short": …}}}}: what GET /api/labels serves."""
        return {
            lang: {
                kind: {
                    key: {
                        "long": self.label(kind, key, lang),
                        "short": self.label(kind, key, lang, short=True),
                    }
                    for key in keys
                }
                for kind, keys in self.table.items()
            }
            for lang in LANGS
        }


def parse_labels(raw: Mapping[str, Any]) -> Labels:
    table: dict[str, dict[str, dict[str, str]]] = {}
    for kind in KINDS:
        table[kind] = {}
        for key, names in (raw.get(kind) or {}).items():
            missing = [lang for lang in LANGS if not names.get(lang)]
            if missing:
                raise ValueError(f"guidelines.yml: {kind}.{key} has no {', '.join(missing)} label")
            table[kind][str(key)] = {name: str(text) for name, text in names.items()}
    return Labels(table)


@cache
def catalogue_labels(path: Path = GUIDELINES_PATH) -> Labels:
    """Read once per process, like the catalogue itself."""
    return parse_labels(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
