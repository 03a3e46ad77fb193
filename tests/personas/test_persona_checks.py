"""`counterpart persona check` beyond the schema: lines as {say, when}, placeholders, conditions
naming facts, warnings about what a persona can never do, and drafts (files still holding the
scaffold's placeholder text), which trainers see and trainees never do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from personas import PersonaLibrary, UnknownPersonaError, checks
from personas.validate import check_paths

PERSONA = """\
id: {stem}
name: Sam Lee
type: male_shopper
gender: male
language: en
difficulty: easy
description: "Sam wants a drill."
scenario:
  kind: pre_sales
  product: cordless drills
  situation: Needs a drill for concrete.
  facts:
    - id: use
      value: drilling concrete
      about: ["what material will you drill into", "what is it for"]
      lines:
        - "Concrete walls, for shelves."
        - "Concrete. Shelves."
      again:
        - "I said: {{value}}."
    - id: budget
      value: under 150
      topic: budget
      lines: ["Under 150."]
  remedies:
    acceptable: [trial]
    rejected: [upgrade]
    need: something that does the job without paying for what I don't use
lines:
  opening:
    - "Hi. I need a drill for concrete."
    - say: "Drill for concrete, under 150. Options?"
      when: {{stage: [opening]}}
    - "Need a drill today."
"""

LIBRARY = Path(__file__).resolve().parents[2] / "personas" / "library"
NEED = "    need: something that does the job without paying for what I don't use\n"
TOPICS = "budget:\n  en: [budget, price range]\n  zh: [预算]\nusage:\n  en: [what for]\n"


def line_no(text: str, needle: str, after: str | None = None) -> int:
    start = 0 if after is None else line_no(text, after)
    for number, line in enumerate(text.splitlines(), start=1):
        if number > start and needle in line:
            return number
    raise AssertionError(needle)


@pytest.fixture
def topics(tmp_path: Path) -> Path:
    path = tmp_path / "topics.yml"
    path.write_text(TOPICS, encoding="utf-8")
    return path


def load(
    tmp_path: Path, text: str, stem: str = "sam", *, topics: Path | None = None
) -> tuple[PersonaLibrary, Path]:
    root = tmp_path / "lib"
    root.mkdir(exist_ok=True)
    path = root / f"{stem}.yml"
    path.write_text(text, encoding="utf-8")
    return PersonaLibrary(root, topics=topics or tmp_path / "no-topics.yml"), path


def persona(stem: str = "sam", *replacements: tuple[str, str]) -> str:
    text = PERSONA.format(stem=stem)
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def warnings_of(lib: PersonaLibrary, path: Path) -> list[str]:
    assert lib.errors == [], [str(e) for e in lib.errors]
    return [str(w) for w in lib.warnings if w.file == str(path)]


# ----------------------------------------------------------------------------- lines


def test_the_minimal_persona_is_valid_and_quiet(tmp_path, topics):
    lib, path = load(tmp_path, persona(), topics=topics)
    assert warnings_of(lib, path) == []
    assert [p.id for p in lib.list()] == ["sam"] and lib.drafts() == []


def test_say_when_lines_count_as_variants_by_their_words(tmp_path):
    # three openings, one of them conditional: enough; the same words twice count once
    lib, _ = load(tmp_path, persona())
    assert lib.errors == []
    doubled = persona(
        "sam",
        ('    - "Need a drill today."\n', '    - say: "Hi. I need a drill for concrete."\n'),
    )
    lib, path = load(tmp_path, doubled)
    [error] = lib.errors
    assert error.file == str(path) and "'opening' has 2 line(s)" in error.message


def test_conditional_lines_are_accepted_in_fact_lines_and_selector_banks(tmp_path, topics):
    text = persona(
        "sam",
        (
            '        - "Concrete. Shelves."\n',
            '        - say: "Concrete. Shelves, like I said."\n'
            "          when: {facts_out: [budget], offer_made: false, band: [upset]}\n",
        ),
        (
            "\nlines:\n",
            "\nlines:\n  accepted:\n    any:\n"
            '      - "Fine, I\'ll take it."\n      - "Done."\n      - "Sold."\n'
            '      - "Good, ring it up."\n'
            "    closing.settled:\n"
            '      - say: "{remedy} {time_frame}? Deal."\n'
            "        when: {offer_made: true, stage: [closing]}\n",
        ),
    )
    lib, path = load(tmp_path, text, topics=topics)
    assert warnings_of(lib, path) == []
    assert lib.get("sam").lines["accepted"]["closing.settled"][0]["when"]["offer_made"] is True


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("replacement", "needle", "words"),
    [
        (
            ('    - "Need a drill today."', '    - "Need a {prodcut} today."'),
            "{prodcut}",
            ["lines.opening.2", "unknown placeholder {prodcut}", "did you mean {product}"],
        ),
        (
            ('    - say: "Drill for concrete', '    - say: "{budgett}. Drill for concrete'),
            "{budgett}",
            ["unknown placeholder {budgett}", "did you mean {budget}", "{use}"],
        ),
        (
            ('        - "I said: {value}."', '        - "I said: {order_number}."'),
            "{order_number}",
            ["scenario.facts.0.again.0", "unknown placeholder {order_number}"],
        ),
    ],
    ids=["plain_line", "say_line", "fact_again"],
)
def test_unknown_placeholder_is_an_error_at_its_line(tmp_path, replacement, needle, words):
    text = persona("sam", replacement)
    lib, path = load(tmp_path, text)
    errors = [e for e in lib.errors if "placeholder" in e.message]
    assert len(errors) == 1, [str(e) for e in lib.errors]
    assert errors[0].line == line_no(text, needle)
    assert str(errors[0]).startswith(f"{path}:{errors[0].line}: ")
    assert all(w in errors[0].message for w in words), errors[0].message
    assert lib.list() == []  # an error keeps the file out


def test_every_known_placeholder_is_accepted(tmp_path, topics):
    line = "{product} {name} {use} {budget} {value} {remedy} {time_frame} {need} {why_not}"
    text = persona("sam", ('        - "I said: {value}."', f'        - "{line}"'))
    lib, path = load(tmp_path, text, topics=topics)
    assert warnings_of(lib, path) == []


def test_a_condition_naming_no_fact_of_the_persona_is_an_error(tmp_path):
    text = persona("sam", ("when: {stage: [opening]}", "when: {facts_missing: [colour]}"))
    lib, path = load(tmp_path, text)
    [error] = lib.errors
    assert error.file == str(path) and error.line == line_no(text, "facts_missing: [colour]")
    assert "when.facts_missing names 'colour'" in error.message and "budget, use" in error.message


def test_type_files_may_name_any_fact_but_no_unknown_placeholder(tmp_path):
    types = tmp_path / "types"
    shutil.copytree(checks.DEFAULT_TYPES, types)
    (types / "hurried.yml").write_text(
        "type: hurried\nlines:\n  en:\n    already_told:\n"
        '      - "It is {order_number}, I said so."\n'
        '      - say: "As I said: {value}."\n        when: {facts_out: [order_number]}\n',
        encoding="utf-8",
    )
    root = tmp_path / "lib"
    root.mkdir()
    assert not [e for e in PersonaLibrary(root, types_root=types).errors if "hurried" in e.file]
    bad = (types / "hurried.yml").read_text(encoding="utf-8").replace("{value}", "{Value}")
    (types / "hurried.yml").write_text(bad, encoding="utf-8")
    [error] = [e for e in PersonaLibrary(root, types_root=types).errors if "hurried" in e.file]
    assert error.line == line_no(bad, "{Value}") and "unknown placeholder {Value}" in error.message


# ----------------------------------------------------------------------------- warnings


USE_ABOUT = '      about: ["what material will you drill into", "what is it for"]\n'


def test_a_fact_nobody_can_ask_about(tmp_path, topics):
    text = persona("sam", (USE_ABOUT, ""))
    lib, path = load(tmp_path, text, topics=topics)
    [warning] = warnings_of(lib, path)
    assert warning.startswith(
        f"{path}:{line_no(text, '- id: use')}: warning: fact 'use' can hardly"
    )
    # a fact whose id names a built-in topic is asked for by the topic's words
    renamed = text.replace("id: use", "id: usage").replace("{use}", "{usage}")
    lib, path = load(tmp_path, renamed, topics=topics)
    assert warnings_of(lib, path) == []


def test_without_a_topics_file_only_about_makes_a_fact_askable(tmp_path):
    lib, path = load(tmp_path, persona())  # budget has only a topic
    [warning] = warnings_of(lib, path)
    assert "fact 'budget' can hardly be asked about" in warning and "topics.yml" in warning


def test_an_unknown_topic_is_named(tmp_path, topics):
    text = persona("sam", ("topic: budget", "topic: budgte"))
    lib, path = load(tmp_path, text, topics=topics)
    found = warnings_of(lib, path)
    assert any(
        w.startswith(f"{path}:{line_no(text, 'topic: budgte')}: warning: fact 'budget': topic")
        for w in found
    ), found
    assert len(found) == 1  # its id still names a built-in topic: asking for it works


def test_the_same_about_phrase_on_two_facts(tmp_path, topics):
    text = persona("sam", ("      topic: budget\n", '      about: ["What is it for?"]\n'))
    lib, path = load(tmp_path, text, topics=topics)
    [warning] = warnings_of(lib, path)
    assert "about phrase 'What is it for?' also asks for fact 'use'" in warning


ACCEPTED = "\nlines:\n  accepted:\n" + "".join(
    f'    - say: "Fine, deal number {n}."\n      when: {{stage: [closing]}}\n' for n in range(5)
)


def test_a_bank_with_no_condition_free_line(tmp_path, topics):
    text = persona("sam", ("\nlines:\n", ACCEPTED))
    lib, path = load(tmp_path, text, topics=topics)
    [warning] = warnings_of(lib, path)
    assert warning.startswith(
        f"{path}:{line_no(text, '  accepted:')}: warning: reaction 'accepted'"
    )
    assert "when: condition" in warning
    # one plain line is enough
    fixed = text.replace('    - say: "Fine, deal number 0."\n      when: {stage: [closing]}\n', "")
    fixed = fixed.replace("  accepted:\n", '  accepted:\n    - "Fine."\n')
    lib, path = load(tmp_path, fixed, topics=topics)
    assert warnings_of(lib, path) == []


def test_an_accepted_bank_that_needs_a_remedy_when_any_offer_is_accepted(tmp_path, topics):
    bank = "\nlines:\n  accepted:\n" + "".join(
        f'    - "{{remedy}}, fine ({n})."\n' for n in range(5)
    )
    named = persona("sam", ("\nlines:\n", bank))
    lib, path = load(tmp_path, named, topics=topics)
    assert warnings_of(lib, path) == []  # acceptable names remedies: an acceptance names one
    anything = named.replace("acceptable: [trial]", "acceptable: []")
    lib, path = load(tmp_path, anything, topics=topics)
    # (a shopper with nothing in acceptable and no remedies.fits is warned about too)
    [warning] = [w for w in warnings_of(lib, path) if "remedies.fits" not in w]
    assert "reaction 'accepted'" in warning and "{remedy}" in warning
    assert "acceptable is empty" in warning


def test_a_shopper_without_what_a_fitting_recommendation_speaks_to(tmp_path, topics):
    text = persona("sam").replace("acceptable: [trial]", "acceptable: []")
    lib, path = load(tmp_path, text, topics=topics)
    [warning] = warnings_of(lib, path)
    assert "without remedies.fits" in warning
    fixed = text.replace("acceptable: []", "acceptable: []\n    fits: [light, battery life]")
    lib, path = load(tmp_path, fixed, topics=topics)
    assert warnings_of(lib, path) == []
    both = text.replace("acceptable: []", "acceptable: [trial]\n    fits: [light]")
    lib, path = load(tmp_path, both, topics=topics)
    [warning] = warnings_of(lib, path)
    assert "remedies.fits is read only when acceptable is empty" in warning


def test_a_rejected_remedy_the_customer_cannot_explain(tmp_path, topics):
    text = persona(
        "sam", ("    need: something that does the job without paying for what I don't use\n", "")
    )
    lib, path = load(tmp_path, text, topics=topics)
    [warning] = warnings_of(lib, path)
    assert warning.startswith(f"{path}:{line_no(text, 'rejected: [upgrade]')}: warning: ")
    assert "rejected remedy 'upgrade'" in warning
    explained = text.replace(
        "    rejected: [upgrade]\n",
        '    rejected: [upgrade]\n    why_not: {upgrade: "I don\'t need the pro model"}\n',
    )
    lib, path = load(tmp_path, explained, topics=topics)
    assert warnings_of(lib, path) == []


def test_lines_that_can_never_be_said(tmp_path, topics):
    text = persona(
        "sam",
        (NEED, ""),
        ("    rejected: [upgrade]\n", '    rejected: [upgrade]\n    why_not: {upgrade: "no"}\n'),
        ('        - "I said: {value}."', '        - "I need {need}."'),
        ("when: {stage: [opening]}", "when: {facts_out: [use], facts_missing: [use]}"),
    )
    lib, path = load(tmp_path, text, topics=topics)
    found = warnings_of(lib, path)
    assert any(
        w.startswith(f"{path}:{line_no(text, '{need}')}: warning: ") and "{need}" in w
        for w in found
    ), found
    assert any("cannot be both out and missing" in w for w in found), found


def test_only_errors_fail_the_check(tmp_path, topics):
    text = persona("sam", (USE_ABOUT, ""))
    _, path = load(tmp_path, text, topics=topics)
    report = check_paths([path])
    assert report.errors == []
    assert [str(w) for w in report.warnings] and report.lines()[0].startswith(f"{path}:")
    assert ": warning: " in report.lines()[0]


# ----------------------------------------------------------------------------- drafts


def test_a_persona_with_placeholder_text_is_a_draft(tmp_path, topics):
    text = persona(
        "sam",
        ('description: "Sam wants a drill."', 'description: "[rewrite] One line about Sam."'),
        ('        - "Concrete. Shelves."', '        - "〔待改写〕Concrete. Shelves."'),
        ('    - "Need a drill today."', '    - "[Rewrite] Need a drill today."'),
    )
    lib, path = load(tmp_path, text, topics=topics)
    assert lib.errors == []
    assert lib.list() == [] and "sam" not in lib
    assert [p.id for p in lib.drafts()] == ["sam"] and lib.drafts()[0].draft
    assert [p.id for p in lib.list(include_drafts=True)] == ["sam"]
    with pytest.raises(UnknownPersonaError) as info:
        lib.get("sam")
    assert "draft" in str(info.value)
    assert lib.get("sam", include_drafts=True).draft
    [draft] = check_paths([path]).drafts
    assert str(draft).startswith(f"{path}: draft: 3 placeholder lines left ")
    assert draft.line == line_no(text, "[rewrite]")
    # rewritten, it is offered to trainees
    path.write_text(persona(), encoding="utf-8")
    lib = PersonaLibrary(path.parent, topics=topics)
    assert [p.id for p in lib.list()] == ["sam"] and not lib.get("sam").draft


def test_a_comment_with_the_marker_does_not_make_a_draft(tmp_path, topics):
    text = "# [REWRITE] every line marked like this\n" + persona()
    lib, _ = load(tmp_path, text, topics=topics)
    assert lib.drafts() == [] and [p.id for p in lib.list()] == ["sam"]


# ----------------------------------------------------------------------------- the library


def test_the_library_has_no_drafts_and_no_warnings():
    lib = PersonaLibrary()
    assert lib.errors == []
    assert lib.drafts() == []
    assert [str(w) for w in lib.warnings] == []


# ----------------------------------------------------------------------------- names


def test_a_misspelt_remedy_is_an_error_at_its_line_with_the_likely_name(tmp_path):
    text = persona(
        "sam",
        ("    acceptable: [trial]\n", "    acceptable: [trail]\n"),
        ("    rejected: [upgrade]\n", "    rejected: [gift card]\n"),
    )
    lib, path = load(tmp_path, text)
    errors = [str(e) for e in lib.errors]
    assert f"{path}:{line_no(text, 'acceptable:')}: unknown remedy 'trail'" in errors[0]
    assert "did you mean 'trial'?" in errors[0]
    assert f"{path}:{line_no(text, 'rejected:')}: unknown remedy 'gift card'" in errors[1]
    assert "refund, exchange" in errors[1]  # no close name: the names are listed
    assert lib.list() == []  # a persona with errors is never offered


def test_a_remedy_synonym_is_a_known_name(tmp_path, topics):
    text = persona("sam", ("    rejected: [upgrade]\n", "    rejected: [voucher, 退款]\n"))
    lib, _ = load(tmp_path, text, topics=topics)
    assert lib.errors == []


def test_a_misspelt_move_is_reported_once_with_the_likely_name(tmp_path):
    text = persona(
        "sam",
        (
            '      about: ["what material',
            '      asked_by: [open_qestion]\n      about: ["what material',
        ),
    )
    lib, path = load(tmp_path, text)
    errors = [str(e) for e in lib.errors]
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{path}:{line_no(text, 'open_qestion')}: ")
    assert "did you mean 'open_question'?" in errors[0]


# ----------------------------------------------------------------------------- kind of scenario


def test_lines_for_one_kind_of_scenario_are_said_only_in_it(tmp_path):
    """A type's lines serve shoppers and after-sales customers alike; a line kept to one kind
    (``when: {kind: [pre_sales]}``) is never said in the other."""
    from personas.lines import bank_entries, text_of

    library = PersonaLibrary()
    shopper = library.get("doubtful_en_solar_quote")
    source = (LIBRARY / "doubtful_en_solar_quote.yml").read_text(encoding="utf-8")
    assert "kind: pre_sales" in source
    lib, _ = load(
        tmp_path,
        source.replace("kind: pre_sales", "kind: after_sales", 1),
        stem="doubtful_en_solar_quote",
    )
    complaint = lib.get("doubtful_en_solar_quote")
    state = {"stage": "clarifying", "band": "uneasy"}
    for_shopper = {text_of(e) for e in bank_entries(shopper, "unmoved", state)}
    for_complaint = {text_of(e) for e in bank_entries(complaint, "unmoved", state)}
    assert "That's what every salesperson says." in for_shopper
    assert "That's what every salesperson says." not in for_complaint
    assert "That's what the last person told me too." in for_complaint
    assert "That's what the last person told me too." not in for_shopper


def test_a_bank_whose_plain_lines_are_all_for_the_other_kind_is_warned_about(tmp_path, topics):
    only_other = persona(
        "sam",
        (
            '    - "Need a drill today."\n',
            '    - "Need a drill today."\n  unmoved:\n'
            + "".join(
                f'    - say: "Not convinced, {n}."\n      when: {{kind: [after_sales]}}\n'
                for n in ("really", "sorry", "still", "honestly", "no")
            ),
        ),
    )
    lib, path = load(tmp_path, only_other, topics=topics)
    assert any(
        "reaction 'unmoved'" in w and "no line for every state" in w for w in warnings_of(lib, path)
    )
    own_kind = only_other.replace("kind: [after_sales]", "kind: [pre_sales]")
    lib, path = load(tmp_path, own_kind, topics=topics)
    assert not [w for w in warnings_of(lib, path) if "reaction 'unmoved'" in w]
