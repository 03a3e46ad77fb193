"""The persona library: every file validates, bad files are reported with file and line without
taking the others down, and edits on disk are picked up without a restart."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from personas import PersonaLibrary, UnknownPersonaError, checks
from personas.validate import validate_paths

LIBRARY = Path(checks.DEFAULT_LIBRARY)
TEMPLATE_ID = "male_en_cordless_drill"
TEMPLATE = (LIBRARY / f"{TEMPLATE_ID}.yml").read_text(encoding="utf-8")
TYPES = ("angry", "arrogant", "doubtful", "silent", "talkative", "male_shopper", "female_shopper")


def line_no(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def write(root: Path, stem: str, text: str) -> Path:
    path = root / f"{stem}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def variant(stem: str, *replacements: tuple[str, str]) -> str:
    text = TEMPLATE.replace(f"id: {TEMPLATE_ID}", f"id: {stem}")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


# ----------------------------------------------------------------------------- the library


def test_every_library_file_validates(library):
    assert library.errors == []
    files = sorted(p.stem for p in LIBRARY.glob("*.yml"))
    assert [p.id for p in library.list()] == files


def test_library_covers_every_type_in_both_languages(library):
    personas = library.list()
    assert len(personas) >= 14
    pairs = {(p.type, p.language) for p in personas}
    assert {(t, lang) for t in TYPES for lang in ("zh", "en")} <= pairs
    kinds = Counter((p.language, p.scenario["kind"]) for p in personas)
    for lang in ("zh", "en"):
        assert kinds[(lang, "pre_sales")] >= 3 and kinds[(lang, "after_sales")] >= 3


def _texts(bank):
    """The distinct words of a bank's lines, plain or {say, when}."""
    return {checks.line_text(entry) for _, entry in checks.bank_entries(bank, [])} - {None}


def test_every_persona_has_rich_line_banks(library):
    for persona in library.list():
        assert len(_texts(persona.lines["opening"])) >= 3, persona.id
        for reaction in persona.required_reactions:
            if reaction == "opening":
                continue
            assert len(_texts(persona.lines[reaction])) >= 5, (persona.id, reaction)


def test_summary_is_short_and_in_the_personas_language(library):
    for persona in library.list():
        summary = persona.summary()
        for key in ("id", "name", "type", "language", "difficulty", "scenario_kind", "description"):
            assert summary[key], (persona.id, key)
        has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in summary["description"])
        assert has_cjk == (persona.language == "zh"), persona.id
        assert "\n" not in summary["description"]


def test_persona_attributes(library):
    p = library.get("silent_zh_phone_for_father")
    assert (p.type, p.gender, p.language, p.scenario["kind"]) == (
        "silent",
        "male",
        "zh",
        "pre_sales",
    )
    assert p.silence_timeout == p.silence_timeout_seconds > 0
    assert p.max_turns >= 5


def test_unknown_persona_is_a_clear_key_error(library):
    with pytest.raises(KeyError) as info:
        library.get("no_such_persona")
    assert "no_such_persona" in str(info.value)
    assert "angry_en_vacuum_broken" in str(info.value)  # lists what is known


def test_type_files_are_valid():
    lib = PersonaLibrary()
    assert not [e for e in lib.errors if "/types/" in e.file]


# ----------------------------------------------------------------------------- bad files

BAD_FILES = [
    # stem, text, needle for the expected line (None: any line > 0), words in the message
    (
        "missing_key",
        variant("missing_key", ("difficulty: easy\n", "")),
        "id: missing_key",
        ["difficulty", "required"],
    ),
    (
        "wrong_type",
        variant("wrong_type", ("name: Tom Becker", "name: [Tom, Becker]")),
        "name: [Tom",
        ["name", "string"],
    ),
    (
        "bad_number",
        variant("bad_number", ("language: en\n", "language: en\nmax_turns: ten\n")),
        "max_turns: ten",
        ["max_turns", "integer"],
    ),
    (
        "unknown_type",
        variant("unknown_type", ("type: male_shopper", "type: grumpy")),
        "type: grumpy",
        ["unknown type", "grumpy"],
    ),
    (
        "bad_indent",
        variant("bad_indent", ("  product: cordless", "    product: cordless")),
        None,
        ["YAML"],
    ),
    (
        "dup_key",
        variant("dup_key", ("gender: male\n", "gender: male\ngender: female\n")),
        "gender: female",
        ["duplicate key", "gender"],
    ),
    (
        "bad_enum",
        variant("bad_enum", ("difficulty: easy", "difficulty: brutal")),
        "difficulty: brutal",
        ["difficulty", "brutal"],
    ),
    (
        "few_openings",
        variant(
            "few_openings",
            ('    - "Quick one: best hammer drill you have for concrete, under 150?"\n', ""),
            ('    - "I\'m after a hammer drill. Brushless, decent torque. Options?"\n', ""),
        ),
        "  opening:",
        ["opening", "at least 3"],
    ),
    (
        "unknown_key",
        variant("unknown_key", ("language: en\n", "language: en\nmood: grumpy\n")),
        "mood: grumpy",
        ["mood"],
    ),
]


@pytest.mark.parametrize(
    ("stem", "text", "needle", "words"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_bad_file_reports_file_line_and_message(tmp_path, stem, text, needle, words):
    good = write(tmp_path, TEMPLATE_ID, TEMPLATE)
    bad = write(tmp_path, stem, text)
    lib = PersonaLibrary(tmp_path)
    errors = [e for e in lib.errors if e.file == str(bad)]
    assert errors, lib.errors
    assert all(e.file == str(bad) for e in lib.errors)  # the good file has no errors
    matching = [e for e in errors if all(w.lower() in e.message.lower() for w in words)]
    assert matching, [str(e) for e in errors]
    if needle is None:
        assert matching[0].line > 1
    else:
        assert matching[0].line == line_no(text, needle), [str(e) for e in errors]
    assert str(matching[0]).startswith(f"{bad}:{matching[0].line}: ")
    # one bad file does not take the others down
    assert [p.id for p in lib.list()] == [TEMPLATE_ID]
    assert lib.get(TEMPLATE_ID).source == str(good)
    with pytest.raises(UnknownPersonaError) as info:
        lib.get(stem)
    assert "invalid" in str(info.value)


def test_duplicate_id_names_both_files(tmp_path):
    write(tmp_path, TEMPLATE_ID, TEMPLATE)
    copy = write(tmp_path, "zz_copy", TEMPLATE)
    lib = PersonaLibrary(tmp_path)
    messages = [e.message for e in lib.errors if e.file == str(copy)]
    assert any("duplicate id" in m and TEMPLATE_ID in m for m in messages), messages
    assert any("file name stem" in m for m in messages)
    line = next(e.line for e in lib.errors if "duplicate id" in e.message)
    assert line == line_no(TEMPLATE, "id: ")
    assert [p.id for p in lib.list()] == [TEMPLATE_ID]


def test_not_a_mapping(tmp_path):
    write(tmp_path, "listy", "- just\n- a list\n")
    lib = PersonaLibrary(tmp_path)
    assert [(Path(e.file).name, e.line) for e in lib.errors] == [("listy.yml", 1)]


def test_schema_error_names_the_key_and_its_line(tmp_path):
    text = variant("wrong_type", ("difficulty: easy", "difficulty: 3"))
    bad = write(tmp_path, "wrong_type", text)
    errors = PersonaLibrary(tmp_path).errors
    assert any(
        e.file == str(bad)
        and e.message.startswith("difficulty: 3 ")
        and e.line == line_no(text, "difficulty")
        for e in errors
    ), errors


# ----------------------------------------------------------------------------- hot reload


def bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_edited_file_is_picked_up_without_restart(tmp_path):
    path = write(tmp_path, TEMPLATE_ID, TEMPLATE)
    lib = PersonaLibrary(tmp_path)
    assert lib.get(TEMPLATE_ID).name == "Tom Becker"
    path.write_text(TEMPLATE.replace("name: Tom Becker", "name: Tom Baker"), encoding="utf-8")
    bump_mtime(path)
    assert lib.get(TEMPLATE_ID).name == "Tom Baker"


def test_a_server_library_looks_at_the_disk_at_most_once_per_interval(tmp_path, monkeypatch):
    path = write(tmp_path, TEMPLATE_ID, TEMPLATE)
    clock = [100.0]
    monkeypatch.setattr("personas.library.time.monotonic", lambda: clock[0])
    lib = PersonaLibrary(tmp_path, recheck_seconds=1.0)
    assert lib.get(TEMPLATE_ID).name == "Tom Becker"
    path.write_text(TEMPLATE.replace("name: Tom Becker", "name: Tom Baker"), encoding="utf-8")
    bump_mtime(path)
    clock[0] += 0.5  # within the interval: the earlier look still holds
    assert lib.get(TEMPLATE_ID).name == "Tom Becker"
    clock[0] += 0.6  # past it: the edit is seen
    assert lib.get(TEMPLATE_ID).name == "Tom Baker"


def test_new_broken_and_deleted_files_are_picked_up(tmp_path):
    path = write(tmp_path, TEMPLATE_ID, TEMPLATE)
    lib = PersonaLibrary(tmp_path)
    assert lib.errors == []
    other = write(tmp_path, "second", variant("second"))
    assert {p.id for p in lib.list()} == {TEMPLATE_ID, "second"}
    other.write_text("id: second\nname: [unclosed\n", encoding="utf-8")
    bump_mtime(other)
    assert [Path(e.file).name for e in lib.errors] == ["second.yml"]
    assert [p.id for p in lib.list()] == [TEMPLATE_ID]
    other.unlink()
    path.unlink()
    assert lib.list() == [] and lib.errors == []


def test_edited_type_file_is_picked_up(tmp_path):
    types = tmp_path / "types"
    shutil.copytree(checks.DEFAULT_TYPES, types)
    root = tmp_path / "lib"
    root.mkdir()
    write(root, TEMPLATE_ID, TEMPLATE)
    lib = PersonaLibrary(root, types_root=types)
    assert lib.get(TEMPLATE_ID).behaviour["mood"]["patience"] == 50
    type_file = types / "male_shopper.yml"
    text = type_file.read_text(encoding="utf-8")
    type_file.write_text(text.replace("patience: 50,", "patience: 65,"), encoding="utf-8")
    bump_mtime(type_file)
    assert lib.get(TEMPLATE_ID).behaviour["mood"]["patience"] == 65


def test_a_trainer_can_add_a_type_without_code(tmp_path):
    types = tmp_path / "types"
    shutil.copytree(checks.DEFAULT_TYPES, types)
    (types / "hurried.yml").write_text(
        "type: hurried\nbehaviour:\n  mood: {patience: 30}\n  per_turn: {patience: -10}\n",
        encoding="utf-8",
    )
    root = tmp_path / "lib"
    root.mkdir()
    text = variant("hurried_one", ("type: male_shopper", "type: hurried"))
    write(root, "hurried_one", text)
    lib = PersonaLibrary(root, types_root=types)
    assert lib.errors == []
    persona = lib.get("hurried_one")
    assert persona.behaviour["mood"]["patience"] == 30
    assert persona.lines["neutral"]  # base lines fill in what the new type does not say


# ----------------------------------------------------------------------------- validate_paths
# (what `counterpart persona check` and `make persona-check` run;
# tests/bot_gateway/supervisor tests the CLI)


def test_validate_paths_passes_on_the_library():
    assert validate_paths() == []
    assert validate_paths([LIBRARY]) == []


def test_validate_paths_reports_file_and_line(tmp_path):
    text = variant("unknown_type", ("type: male_shopper", "type: grumpy"))
    bad = write(tmp_path, "unknown_type", text)
    errors = [str(e) for e in validate_paths([bad])]
    assert errors and all(e.startswith(f"{bad}:") for e in errors), errors
    assert any(e.startswith(f"{bad}:{line_no(text, 'type: grumpy')}: ") for e in errors), errors


def test_validate_paths_missing_file(tmp_path):
    errors = validate_paths([tmp_path / "nope.yml"])
    assert [(e.line, e.message) for e in errors] == [(0, "no such file")]


def test_misspelt_reaction_is_reported(tmp_path):
    text = variant("typo", ("lines:\n  opening:", "lines:\n  openning: [hello]\n  opening:"))
    bad = write(tmp_path, "typo", text)
    errors = PersonaLibrary(tmp_path).errors
    assert any(
        e.file == str(bad)
        and "unknown reaction 'openning'" in e.message
        and e.line == line_no(text, "openning")
        for e in errors
    ), errors


def test_broken_type_file_is_reported_and_its_personas_too(tmp_path):
    types = tmp_path / "types"
    shutil.copytree(checks.DEFAULT_TYPES, types)
    type_file = types / "male_shopper.yml"
    text = type_file.read_text(encoding="utf-8").replace(
        "  max_turns: 10\n", "  max_turns: 10\n  patiense: 3\n"
    )
    type_file.write_text(text, encoding="utf-8")
    root = tmp_path / "lib"
    root.mkdir()
    write(root, TEMPLATE_ID, TEMPLATE)
    write(
        root,
        "angry_one",
        (LIBRARY / "angry_en_vacuum_broken.yml")
        .read_text()
        .replace("id: angry_en_vacuum_broken", "id: angry_one"),
    )
    lib = PersonaLibrary(root, types_root=types)
    type_errors = [e for e in lib.errors if e.file == str(type_file)]
    assert type_errors and type_errors[0].line == line_no(text, "patiense")
    assert "patiense" in type_errors[0].message
    assert any("unknown type 'male_shopper'" in e.message for e in lib.errors)
    assert [p.id for p in lib.list()] == ["angry_one"]


def test_missing_base_file_is_reported_not_crashed(tmp_path):
    types = tmp_path / "types"
    shutil.copytree(checks.DEFAULT_TYPES, types)
    (types / "_base.yml").unlink()
    root = tmp_path / "lib"
    root.mkdir()
    text = (LIBRARY / "talkative_en_tv_setup.yml").read_text(encoding="utf-8")
    write(root, "talkative_en_tv_setup", text)
    lib = PersonaLibrary(root, types_root=types)
    assert lib.list() == []
    [error] = [e for e in lib.errors if "behaviour incomplete" in e.message]
    assert "thresholds.escalate_anger" in error.message
    assert error.line == line_no(text, "type: talkative")
