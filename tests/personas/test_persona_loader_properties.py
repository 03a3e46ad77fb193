"""Property tests of the persona loader: arbitrary YAML-ish text never crashes it; the only
outcome besides a usable file is a clear per-file ``file:line: message`` (issue 16)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personas import PersonaLibrary, loader
from tests.personas.test_persona_library import TEMPLATE, TEMPLATE_ID, write

FRAGMENTS = [
    "id: ", "name: ", "lines:", "scenario:", "a", "b", "x: ", "- ", "  ", "    ", "\n", "\n  ",
    "&a ", "&b ", "*a", "*b", "&a [*a]", "[", "]", "{", "}", ", ", ": ", "? ", "<<: ", "<<: *a",
    "!!python/object/apply:os.system ['true']", "!!binary ", "!custom ", "'", '"', "# c",
    "---\n", "...\n", "|\n", ">\n", "%YAML 1.1\n", "\t", "\x00", "\ufeff", "é", "数",
    "1e999", "0x1F", "~", "null", "yes", "2026-11-30", "=cmd", "[[[[[[[[", "]]]]]]]]",
]  # fmt: skip
SOUP = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40).map(
    "".join
)
SCALAR = st.sampled_from(["x", "1", '"s"', "null", "=cmd", "数", "''", "2.5"])


@st.composite
def structured(draw: st.DrawFn) -> str:
    """Well-formed YAML with anchors and aliases: backwards, into their own anchor (recursive),
    as merge keys, repeated (alias bombs), nested."""
    anchors: list[str] = []

    def node(depth: int) -> str:
        kinds = ["scalar", "alias", "seq", "map"] if depth < 5 else ["scalar", "alias"]
        kind = draw(st.sampled_from(kinds))
        if kind == "alias":
            return "*" + draw(st.sampled_from(anchors)) if anchors else draw(SCALAR)
        prefix = ""
        if draw(st.integers(0, 2)) == 0:
            anchors.append(f"a{len(anchors)}")
            prefix = f"&{anchors[-1]} "
        if kind == "scalar":
            return prefix + draw(SCALAR)
        size = draw(st.integers(0, 6))
        if kind == "seq":
            return prefix + "[" + ", ".join(node(depth + 1) for _ in range(size)) + "]"
        keys = draw(st.lists(st.sampled_from(["a", "b", "<<", "id", "name"]), max_size=size))
        return prefix + "{" + ", ".join(f"{k}: {node(depth + 1)}" for k in keys) + "}"

    keys = draw(st.lists(st.sampled_from(["id", "name", "lines", "k1", "k2", "k3"]), max_size=6))
    return "".join(f"{key}: {node(0)}\n" for key in keys)


STRUCTURED = structured()
YAMLISH = st.one_of(STRUCTURED, SOUP, st.tuples(STRUCTURED, SOUP).map("".join))
SMALL = loader.Limits(max_bytes=2048, max_depth=6, max_nodes=300)
_names = itertools.count()


def _acyclic_and_small(value: object, limits: loader.Limits) -> None:
    """No cycle, no deeper than the depth limit, no more collections than the node limit."""
    seen = 0

    def walk(item: object, path: tuple[int, ...]) -> None:
        nonlocal seen
        if isinstance(item, (dict, list)):
            assert id(item) not in path, "a cycle"
            assert len(path) < limits.max_depth
            seen += 1
            assert seen <= limits.max_nodes
            children = list(item.items()) if isinstance(item, dict) else item
            for child in children:
                walk(child, (*path, id(item)))
        elif isinstance(item, tuple):
            for child in item:
                walk(child, path)

    walk(value, ())


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=YAMLISH)
def test_the_loader_never_crashes(folder: Path, text: str) -> None:
    path = folder / f"f{next(_names)}.yml"
    path.write_text(text, encoding="utf-8")
    for limits in (SMALL, loader.DEFAULT_LIMITS):
        data, _node, errors = loader.load_file(path, limits)
        for error in errors:
            assert error.file == str(path) and isinstance(error.line, int) and error.line >= 0
            assert error.message and str(error).startswith(f"{path}:{error.line}: ")
        if errors:
            assert data is None or errors[0].message.startswith("duplicate key")
        _acyclic_and_small(data, limits)  # whatever came back is safe to walk


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=YAMLISH)
def test_a_bad_file_takes_out_only_itself(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    root = tmp_path_factory.mktemp("lib")
    write(root, TEMPLATE_ID, TEMPLATE)
    bad = write(root, "fuzz", text)
    lib = PersonaLibrary(root)
    assert [p.id for p in lib.list()] == [TEMPLATE_ID]
    assert lib.errors and all(e.file == str(bad) for e in lib.errors)
    assert all(str(e).startswith(f"{bad}:{e.line}: ") for e in lib.errors)
