"""Literals a regex match must contain, read off the pattern: a cheap test that lets a text
holding none of them skip the regex (speed only, never a different result)."""

from __future__ import annotations

import functools
import re
from typing import Any, cast

try:  # the regex parser: re._parser from Python 3.11, sre_parse before
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse

#: characters without case (besides ASCII): a text made of these and ASCII compares with a
#: lower-cased literal exactly as an IGNORECASE regex does (no "ſ" reading as "s", no Kelvin
#: sign as "k"); other texts skip the literal prefilter
_CASELESS = (
    "\x00-\x7f\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff01-\uff20\uff3b-\uff40\uff5b-\uff65"
)
_CASELESS_TEXT = re.compile(f"[{_CASELESS}]*")
_CASELESS_CHAR = re.compile(f"[{_CASELESS}]")


def _required_literals(parsed: Any) -> tuple[str, ...] | None:
    """Literals one of which any match of a parsed regex (sre_parse tree) must contain, or None
    when no such set can be read off it. Lower-cased, caseless characters only (see _CASELESS)."""
    candidates: list[set[str]] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            candidates.append({"".join(run)})
            run.clear()

    for op, av in parsed.data:
        name = str(op)
        if name == "LITERAL" and _CASELESS_CHAR.fullmatch(chr(av)):
            run.append(chr(av).lower())
            continue
        end_run()
        inner: tuple[str, ...] | None = None
        if name == "SUBPATTERN":
            inner = _required_literals(av[-1])
        elif name == "BRANCH":
            branches = [_required_literals(b) for b in av[1]]
            if all(b is not None for b in branches):
                inner = tuple({lit for b in branches for lit in cast(tuple[str, ...], b)})
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            inner = _required_literals(av[2])
        if inner:
            candidates.append(set(inner))
    end_run()
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (min(len(lit) for lit in c), -len(c)))
    return tuple(sorted(best))


def _literals(patterns: tuple[re.Pattern[str], ...]) -> tuple[str, ...] | None:
    found: set[str] = set()
    for pattern in patterns:
        lits = _required_literals(_sre_parse.parse(pattern.pattern, pattern.flags))
        if not lits or "" in lits:
            return None
        found.update(lits)
    return tuple(sorted(found))


@functools.lru_cache(maxsize=64)
def _folded(text: str) -> str | None:
    """The text lower-cased for the literal prefilter, or None when it has cased characters
    beyond ASCII (then every group's regex runs)."""
    return text.lower() if _CASELESS_TEXT.fullmatch(text) else None


@functools.lru_cache(maxsize=1024)
def pattern_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """_literals of one compiled pattern, kept."""
    return _literals((pattern,))


def cannot_match(pattern: re.Pattern[str], text: str) -> bool:
    """True when no match of the pattern can lie in the text (it holds none of the pattern's
    literals); False when it may."""
    lits = pattern_literals(pattern)
    if lits is None:
        return False
    folded = _folded(text)
    return folded is not None and not any(lit in folded for lit in lits)
