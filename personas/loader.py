"""Reading one persona or type file safely: a bad file gets a ``file:line`` error, never a crash.

Persona files are written by trainers, so their YAML is checked before anything is built from
it. One pass over the parser's events (linear in the file's length, nothing constructed) refuses

- a file larger than ``max_bytes`` (not even parsed),
- an alias that refers to a node it sits inside (``name: &a [*a]``): PyYAML would build a
  cyclic structure on which every later check recurses without end,
- nesting deeper than ``max_depth``, counting what aliases bring in,
- aliases that expand to more than ``max_nodes`` nodes (the "billion laughs": a few lines that
  stand for millions of nodes, each walked by the checks).

Then the file is composed (node marks for line numbers) and loaded as before. The library
files use depth 7 and 650 nodes at most; the default limits leave ample room.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from personas.checks import _LOADER, ValidationError, _DuplicateKeyFinder


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 256 * 1024
    max_depth: int = 32
    max_nodes: int = 50_000


DEFAULT_LIMITS = Limits()

_COLLECTION_START = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_COLLECTION_END = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class _Open:
    """A collection whose end event has not come yet."""

    anchor: str | None
    nodes: int = 1  # itself and everything under it, aliases expanded
    height: int = 1  # collections from itself down to its deepest one, aliases expanded


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


def _scan(text: str, limits: Limits) -> None:
    """Raise _Refused for a recursive alias, too deep a nesting or too many expanded nodes."""
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (nodes, height) once complete
    stack: list[_Open] = []
    expanded = 0  # nodes so far, each alias counted as the nodes it stands for

    def count(nodes: int, event: yaml.Event) -> None:
        nonlocal expanded
        expanded += nodes
        if expanded > limits.max_nodes:
            raise _Refused(
                _line(event),
                f"aliases expand to more than {limits.max_nodes:,} nodes "
                "(a persona file needs far fewer; write the repeated parts out)",
            )

    def attach(nodes: int, height: int) -> None:
        if stack:
            parent = stack[-1]
            parent.nodes += nodes
            parent.height = max(parent.height, height + 1)

    for event in yaml.parse(text, Loader=_LOADER):
        anchor = getattr(event, "anchor", None)
        if not isinstance(event, yaml.AliasEvent) and anchor is not None:
            if anchor in anchors or any(open_.anchor == anchor for open_ in stack):
                return  # a duplicate anchor: the composer refuses it with both lines
        if isinstance(event, yaml.ScalarEvent):
            count(1, event)
            if event.anchor is not None:
                anchors[event.anchor] = (1, 0)
            attach(1, 0)
        elif isinstance(event, _COLLECTION_START):
            if len(stack) + 1 > limits.max_depth:
                raise _Refused(_line(event), f"nested deeper than {limits.max_depth} levels")
            count(1, event)
            stack.append(_Open(event.anchor))
        elif isinstance(event, _COLLECTION_END):
            closed = stack.pop()
            if closed.anchor is not None:
                anchors[closed.anchor] = (closed.nodes, closed.height)
            attach(closed.nodes, closed.height)
        elif isinstance(event, yaml.AliasEvent):
            if any(open_.anchor == event.anchor for open_ in stack):
                raise _Refused(
                    _line(event),
                    f"alias *{event.anchor} refers to itself: it sits inside the node "
                    f"&{event.anchor} it names, which would never end",
                )
            # an undefined alias is left to the loader, which names it
            nodes, height = anchors.get(event.anchor or "", (1, 0))
            if len(stack) + height > limits.max_depth:
                raise _Refused(
                    _line(event),
                    f"nested deeper than {limits.max_depth} levels (counting what aliases "
                    "bring in)",
                )
            count(nodes, event)
            attach(nodes, height)


def load_file(
    path: Path, limits: Limits = DEFAULT_LIMITS
) -> tuple[Any, yaml.Node | None, list[ValidationError]]:
    """Parse a persona or type file keeping node marks; every problem comes back as
    ValidationErrors (data and node are None when the file cannot be used at all)."""
    file = str(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            return None, None, [_too_big(file, size, limits)]
        raw = path.read_bytes()
        if len(raw) > limits.max_bytes:  # grew since stat
            return None, None, [_too_big(file, len(raw), limits)]
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, None, [ValidationError(file, 0, f"cannot read file: {exc}")]
    try:
        _scan(text, limits)
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)
    except _Refused as refused:
        return None, None, [ValidationError(file, refused.line, refused.message)]
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


def _too_big(file: str, size: int, limits: Limits) -> ValidationError:
    return ValidationError(
        file,
        1,
        f"file is {size / 1024:.0f} KiB; persona files are limited to "
        f"{limits.max_bytes // 1024} KiB",
    )
