"""Hostile persona files (issue 16, bad input): a recursive alias, an alias bomb, deep nesting or
an oversized file is reported as ``file:line: message`` and takes out only itself."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personas import PersonaLibrary, UnknownPersonaError, loader
from personas import checks as v
from tests.personas.test_persona_library import TEMPLATE, TEMPLATE_ID, line_no, variant, write

BOMB_LEVELS = 8  # 9 ** 8 = 43 million nodes once the aliases are expanded


def alias_bomb(stem: str) -> str:
    lines = [f"id: {stem}", 'l0: &l0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    for level in range(1, BOMB_LEVELS + 1):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def only_template_survives(lib: PersonaLibrary, bad: Path) -> list[v.ValidationError]:
    assert [p.id for p in lib.list()] == [TEMPLATE_ID]
    assert lib.get(TEMPLATE_ID).name == "Tom Becker"
    with pytest.raises(UnknownPersonaError):
        lib.get(bad.stem)
    assert all(e.file == str(bad) for e in lib.errors), lib.errors
    return lib.errors


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("id: rec\nname: &a [*a]\n", "name:"),
        ("id: rec\nscenario: &s\n  kind: after_sales\n  again: *s\n", "again:"),
        ("id: rec\nname: &a\n  - [x, [y, *a]]\n", "- [x"),
        ("id: rec\nlines: &m {a: 1, <<: *m}\n", "lines:"),
    ],
    ids=["sequence", "mapping", "nested", "merge"],
)
def test_a_recursive_alias_takes_out_only_its_file(tmp_path: Path, text: str, needle: str) -> None:
    write(tmp_path, TEMPLATE_ID, TEMPLATE)
    bad = write(tmp_path, "rec", text)
    errors = only_template_survives(PersonaLibrary(tmp_path), bad)
    assert len(errors) == 1, errors
    assert errors[0].line == line_no(text, needle)
    assert "refers to itself" in errors[0].message
    assert str(errors[0]).startswith(f"{bad}:{errors[0].line}: ")


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    write(tmp_path, TEMPLATE_ID, TEMPLATE)
    text = alias_bomb("bomb")
    bad = write(tmp_path, "bomb", text)
    started = time.perf_counter()
    lib = PersonaLibrary(tmp_path)
    errors = only_template_survives(lib, bad)
    assert time.perf_counter() - started < 10  # the whole library, the template included
    (error,) = errors
    assert "aliases expand to more than" in error.message
    assert f"{loader.DEFAULT_LIMITS.max_nodes:,}" in error.message
    assert error.line > 1


def test_deep_nesting_is_refused_with_its_line(tmp_path: Path) -> None:
    write(tmp_path, TEMPLATE_ID, TEMPLATE)
    text = "id: deep\nname: " + "[" * 5000 + "]" * 5000 + "\n"
    bad = write(tmp_path, "deep", text)
    (error,) = only_template_survives(PersonaLibrary(tmp_path), bad)
    assert error.line == 2
    assert f"nested deeper than {loader.DEFAULT_LIMITS.max_depth} levels" in error.message


def test_aliases_that_nest_deep_are_refused(tmp_path: Path) -> None:
    write(tmp_path, TEMPLATE_ID, TEMPLATE)
    rows = ["id: deepalias", "a0: &a0 [x]"]
    rows += [f"a{n}: &a{n} [[[*a{n - 1}]]]" for n in range(1, 12)]
    bad = write(tmp_path, "deepalias", "\n".join(rows) + "\n")
    (error,) = only_template_survives(PersonaLibrary(tmp_path), bad)
    assert "nested deeper than" in error.message


def test_an_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    write(tmp_path, TEMPLATE_ID, TEMPLATE)
    big = variant("big", ("difficulty: easy\n", "difficulty: easy\n" + "# padding\n" * 40_000))
    bad = write(tmp_path, "big", big)
    (error,) = only_template_survives(PersonaLibrary(tmp_path), bad)
    assert error.line == 1
    assert "KiB" in error.message and "limit" in error.message


def test_limits_can_be_set_per_library(tmp_path: Path) -> None:
    bad = write(tmp_path, TEMPLATE_ID, TEMPLATE)
    tight = loader.Limits(max_bytes=1024, max_depth=3, max_nodes=50)
    lib = PersonaLibrary(tmp_path, limits=tight)
    assert lib.list() == []
    mine = [e for e in lib.errors if e.file == str(bad)]
    assert len(mine) == 1 and "limited to 1 KiB" in mine[0].message
    assert PersonaLibrary(tmp_path).errors == []  # the default limits let it through


def test_a_type_file_with_a_recursive_alias_takes_out_only_its_personas(tmp_path: Path) -> None:
    types = tmp_path / "types"
    types.mkdir()
    for path in sorted(v.DEFAULT_TYPES.glob("*.yml")):
        (types / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (types / "angry.yml").write_text("type: angry\nbehaviour: &b {x: *b}\n", encoding="utf-8")
    library = tmp_path / "library"
    library.mkdir()
    write(library, TEMPLATE_ID, TEMPLATE)  # male_shopper
    angry = next(v.DEFAULT_LIBRARY.glob("angry_*.yml"))
    write(library, angry.stem, angry.read_text(encoding="utf-8"))
    lib = PersonaLibrary(library, types_root=types)
    assert [p.id for p in lib.list()] == [TEMPLATE_ID]
    messages = [str(e) for e in lib.errors]
    assert any(
        m.startswith(f"{types / 'angry.yml'}:2: ") and "refers to itself" in m for m in messages
    )


def test_an_unexpected_failure_in_one_file_takes_out_only_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, TEMPLATE_ID, TEMPLATE)
    bad = write(tmp_path, "odd", variant("odd"))
    real = v.semantic_errors

    def failing(data, node, file, **kwargs):  # type: ignore[no-untyped-def]
        if file == str(bad):
            raise RecursionError("maximum recursion depth exceeded")
        return real(data, node, file, **kwargs)

    monkeypatch.setattr(v, "semantic_errors", failing)
    (error,) = only_template_survives(PersonaLibrary(tmp_path), bad)
    assert error.line == 1
    assert "could not be checked" in error.message and "RecursionError" in error.message


def test_persona_check_reports_each_bad_file_and_checks_the_others(tmp_path: Path) -> None:
    from bot_gateway import cli

    write(tmp_path, TEMPLATE_ID, TEMPLATE)
    write(tmp_path, "a_rec", "id: a_rec\nname: &a [*a]\n")
    write(tmp_path, "b_bomb", alias_bomb("b_bomb"))
    write(tmp_path, "c_big", "id: c_big\n" + "# padding\n" * 40_000)
    write(tmp_path, "d_typo", variant("d_typo", ("difficulty: easy", "difficulty: brutal")))
    result = CliRunner().invoke(cli.app, ["persona", "check", str(tmp_path)])
    assert result.exit_code == 1, result.output
    out = result.output
    assert f"{tmp_path / 'a_rec.yml'}:2: " in out and "refers to itself" in out
    assert f"{tmp_path / 'b_bomb.yml'}:" in out and "aliases expand" in out
    assert f"{tmp_path / 'c_big.yml'}:1: " in out
    assert f"{tmp_path / 'd_typo.yml'}:" in out and "brutal" in out
    assert TEMPLATE_ID not in out
