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


# --- many patterns at once -------------------------------------------------------------------


def _requirements(parsed: Any) -> list[frozenset[str]]:
    """Sets of literals a match of a parsed regex must hold one of each (all sets at once):
    every literal run, group and repeated part of the top-level sequence gives its own set, so
    a pattern like ``\\byou (should|must) calm down`` needs "you " and one of "should"/"must"
    and " calm down". [] when nothing can be read off it."""
    needs: list[frozenset[str]] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            needs.append(frozenset({"".join(run)}))
            run.clear()

    for op, av in parsed.data:
        name = str(op)
        if name == "LITERAL" and _CASELESS_CHAR.fullmatch(chr(av)):
            run.append(chr(av).lower())
            continue
        end_run()
        if name == "SUBPATTERN":
            needs.extend(_requirements(av[-1]))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            needs.extend(_requirements(av[2]))
        elif name == "BRANCH":
            # one set for the alternatives: each contributes its most selective one
            branches = [_required_literals(b) for b in av[1]]
            if all(branches):
                needs.append(frozenset(lit for b in branches for lit in cast(tuple[str, ...], b)))
    end_run()
    return [need for need in dict.fromkeys(needs) if need and "" not in need]


def pattern_requirements(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """_requirements of one compiled pattern; () when none are known (the pattern always runs)."""
    return tuple(_requirements(_sre_parse.parse(pattern.pattern, pattern.flags)))


#: the longest character run a literal is filed under (see LiteralIndex)
_GRAM = 3
#: up to this many literals an index looks for each in the text instead
_SCAN_MAX_LITERALS = 300


def _grams_of(text: str) -> set[str]:
    """The runs of _GRAM characters in a text, or the text itself when shorter."""
    n = min(_GRAM, len(text))
    return {text[i : i + n] for i in range(len(text) - n + 1)}


@functools.lru_cache(maxsize=16)
def _grams(folded: str) -> frozenset[str]:
    """Every run of 1 to _GRAM characters in a folded text."""
    return frozenset(
        folded[i : i + n] for n in range(1, _GRAM + 1) for i in range(len(folded) - n + 1)
    )


class LiteralIndex:
    """Which of many patterns can match a text, found with one look at the text for all of
    them: each pattern needs one literal of each of its requirement sets (read off the
    pattern), and a text holding none of a set's literals cannot match it, so the pattern is
    not run. Each literal is looked for only when the text holds the rarest (among the
    literals) of its runs of _GRAM characters (or the literal itself when it is shorter).
    Speed only: `matchable` never leaves out a pattern that matches."""

    def __init__(self, patterns: list[re.Pattern[str]] | tuple[re.Pattern[str], ...]) -> None:
        self.size = len(patterns)
        needs = [pattern_requirements(p) for p in patterns]
        #: patterns without known requirements: always run
        self.always: tuple[int, ...] = tuple(i for i, n in enumerate(needs) if not n)
        # each pattern is filed under the literals of its rarest requirement set (the one
        # whose literals the fewest patterns need); its other sets are checked once it is hit
        shared: dict[str, int] = {}
        for sets in needs:
            for lit in {lit for lits in sets for lit in lits}:
                shared[lit] = shared.get(lit, 0) + 1
        #: literal -> the patterns filed under it that need nothing else, and those that do
        #: with their other sets
        self._plain: dict[str, list[int]] = {}
        self._checked: dict[str, list[tuple[int, tuple[frozenset[str], ...]]]] = {}
        for i, sets in enumerate(needs):
            if not sets:
                continue
            ranked = sorted(
                sets, key=lambda lits: (max(shared[lit] for lit in lits), len(lits), sorted(lits))
            )
            for lit in sorted(ranked[0]):
                if len(ranked) == 1:
                    self._plain.setdefault(lit, []).append(i)
                else:
                    self._checked.setdefault(lit, []).append((i, tuple(ranked[1:])))
        literals = sorted({lit for sets in needs for lits in sets for lit in lits})
        common: dict[str, int] = {}
        for lit in literals:
            for gram in _grams_of(lit):
                common[gram] = common.get(gram, 0) + 1
        keyed: dict[str, list[str]] = {}
        for lit in literals:
            key = min(sorted(_grams_of(lit)), key=lambda g: (common[g], g))
            keyed.setdefault(key, []).append(lit)
        self._keyed = {gram: tuple(lits) for gram, lits in keyed.items()}
        self._keys = frozenset(self._keyed)
        #: few literals are looked for one by one (cheaper than cutting the text into runs)
        self._scan: tuple[str, ...] | None = (
            tuple(literals) if len(literals) <= _SCAN_MAX_LITERALS else None
        )

    def present(self, folded: str) -> list[str]:
        """The index's literals the folded text holds."""
        if self._scan is not None:
            return [lit for lit in self._scan if lit in folded]
        keyed = self._keyed
        return [lit for gram in self._keys & _grams(folded) for lit in keyed[gram] if lit in folded]

    def matchable(self, text: str) -> list[int] | None:
        """The positions of the patterns that may match the text, in order; None when the
        text cannot be folded for the test (see _folded): then every pattern may."""
        folded = _folded(text)
        if folded is None:
            return None
        present = set(self.present(folded))
        found = set(self.always)
        plain, checked = self._plain, self._checked
        for lit in present:
            if lit in plain:
                found.update(plain[lit])
            for i, others in checked.get(lit, ()):
                if i not in found and not any(present.isdisjoint(lits) for lits in others):
                    found.add(i)
        return sorted(found)


#: the index of each lone pattern `search` has seen (the project's compiled constants)
_LONE: dict[re.Pattern[str], LiteralIndex] = {}


def may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False when the pattern cannot match anywhere in the text (it lacks the literals the
    pattern needs); True when it may."""
    index = _LONE.get(pattern)
    if index is None:
        index = _LONE[pattern] = LiteralIndex([pattern])
    return index.matchable(text) != []


def search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """pattern.search(text), not run when the text cannot hold a match (speed only)."""
    return pattern.search(text) if may_match(pattern, text) else None
