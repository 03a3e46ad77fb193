"""`counterpart user/token/export/persona` commands."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from bot_gateway import cli
from bot_gateway.config import get_settings
from bot_gateway.db.models import ApiToken, PracticeSession, Trainee
from tests.bot_gateway.supervisor.conftest import World

runner = CliRunner()


@pytest.fixture
def configured(world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> World:
    monkeypatch.setenv("DATABASE_URL", world.database_url)
    monkeypatch.setenv("PERSONA_LIBRARY_DIR", str(tmp_path / "library"))
    get_settings.cache_clear()
    yield world
    get_settings.cache_clear()


async def _cohort_a_sessions(url: str) -> dict[str, tuple[int | None, str]]:
    engine = create_async_engine(url)
    async with engine.connect() as db:
        rows = await db.execute(
            select(PracticeSession.id, PracticeSession.overall_score, Trainee.display_name)
            .join(Trainee)
            .where(Trainee.external_id == "w1")
        )
        found = {sid: (score, name) for sid, score, name in rows.all()}
    await engine.dispose()
    return found


def test_export_writes_an_xlsx_matching_the_database(configured: World, tmp_path: Path) -> None:
    out = tmp_path / "scores.xlsx"
    result = runner.invoke(
        cli.app, ["export", "--format", "xlsx", "--cohort", "COHORT-A", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["sessions", "turns"]
    sessions = book["sessions"]
    assert sessions.freeze_panes == "A2" and sessions["A1"].font.b
    header = [c.value for c in sessions[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sessions.iter_rows(2)]
    expected = asyncio.run(_cohort_a_sessions(configured.database_url))
    assert {r["session"]: (r["overall"], r["trainee"]) for r in rows} == expected
    assert all(r["cohort"] == "Cohort A" and r["dim_empathy"] == 80 for r in rows)
    assert all(r["five_step_coverage"] == 3 and r["mean_reply_seconds"] == 12.5 for r in rows)
    turns = book["turns"]
    turn_header = [c.value for c in turns[1]]
    assert "ai_overall" in turn_header and "supervisor_overall" in turn_header
    assert turns.max_row == 1 + len(expected)  # one trainee reply per session


def test_export_filters_by_date_and_writes_csv(configured: World, tmp_path: Path) -> None:
    out = tmp_path / "later.csv"
    result = runner.invoke(
        cli.app, ["export", "--format", "csv", "--since", "2026-11-21", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "doubtful_zh_test" in lines[1]
    bad = runner.invoke(cli.app, ["export", "--format", "pdf", "--out", str(out)])
    assert bad.exit_code == 2


def test_user_add_and_token_create(configured: World) -> None:
    added = runner.invoke(
        cli.app,
        [
            "user",
            "add",
            "carol",
            "--role",
            "supervisor",
            "--password",
            "s3cret-pass",
            "--cohort",
            "COHORT-B",
        ],
    )
    assert added.exit_code == 0, added.output
    duplicate = runner.invoke(
        cli.app, ["user", "add", "carol", "--role", "admin", "--password", "s3cret-pass"]
    )
    assert duplicate.exit_code == 1 and "exists" in duplicate.output
    bad_role = runner.invoke(
        cli.app, ["user", "add", "dan", "--role", "boss", "--password", "s3cret-pass"]
    )
    assert bad_role.exit_code == 1
    created = runner.invoke(cli.app, ["token", "create", "carol"])
    assert created.exit_code == 0
    token = created.output.strip()
    assert token.startswith("cpt_")

    async def stored() -> list[str]:
        engine = create_async_engine(configured.database_url)
        async with engine.connect() as db:
            hashes = list((await db.execute(select(ApiToken.token_hash))).scalars())
        await engine.dispose()
        return hashes

    from bot_gateway.auth import hash_token

    hashes = asyncio.run(stored())
    assert hash_token(token) in hashes and token not in hashes


def test_persona_new_scaffolds_a_valid_file_and_check_finds_errors(
    configured: World, tmp_path: Path
) -> None:
    library = tmp_path / "library"
    made = runner.invoke(cli.app, ["persona", "new", "--type", "angry", "--lang", "zh"])
    assert made.exit_code == 0, made.output
    path = library / "angry_zh_new_1.yml"
    assert path.exists() and "〔待改写〕" in path.read_text(encoding="utf-8")
    assert "draft" in made.output
    checked = runner.invoke(cli.app, ["persona", "check", str(library)])
    assert checked.exit_code == 0, checked.output
    # valid, but a draft: said per file, and never offered to trainees
    assert f"{path}: draft: " in checked.output and "placeholder lines left" in checked.output
    assert "1 draft(s)" in checked.output and "every persona file is valid" not in checked.output

    from personas import PersonaLibrary

    persona = PersonaLibrary(library).get("angry_zh_new_1", include_drafts=True)
    assert persona.type == "angry" and persona.language == "zh" and persona.draft
    assert PersonaLibrary(library).list() == []

    again = runner.invoke(
        cli.app, ["persona", "new", "--type", "angry", "--lang", "zh", "--id", "angry_zh_new_1"]
    )
    assert again.exit_code == 1 and "exists" in again.output
    unknown = runner.invoke(cli.app, ["persona", "new", "--type", "grumpy", "--lang", "en"])
    assert unknown.exit_code == 1

    path.write_text(path.read_text(encoding="utf-8").replace("difficulty: medium", "difficulty: x"))
    broken = runner.invoke(cli.app, ["persona", "check", str(library)])
    assert broken.exit_code == 1
    assert "angry_zh_new_1.yml:" in broken.output and "difficulty" in broken.output
    # without arguments it checks the configured library (PERSONA_LIBRARY_DIR), not the project's
    configured_library = runner.invoke(cli.app, ["persona", "check"])
    assert configured_library.exit_code == 1
    assert str(path) in configured_library.output


def test_persona_commands_use_the_configured_types_folder(
    configured: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    types = tmp_path / "types"
    types.mkdir()
    for name in ("_base.yml", "silent.yml"):
        source = Path(cli.__file__).resolve().parents[1] / "personas" / "types" / name
        (types / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("PERSONA_TYPES_DIR", str(types))
    get_settings.cache_clear()
    assert runner.invoke(cli.app, ["persona", "new", "--type", "angry", "--lang", "en"]).exit_code
    made = runner.invoke(cli.app, ["persona", "new", "--type", "silent", "--lang", "en"])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(cli.app, ["persona", "check"])
    assert checked.exit_code == 0, checked.output


def test_persona_check_prints_warnings_and_passes(configured: World, tmp_path: Path) -> None:
    made = runner.invoke(cli.app, ["persona", "new", "--type", "angry", "--lang", "en"])
    assert made.exit_code == 0, made.output
    path = tmp_path / "library" / "angry_en_new_1.yml"
    text = path.read_text(encoding="utf-8").replace("[rewrite] ", "")
    assert 'about: ["why is it so urgent"' in text
    unaskable = re.sub(r"\n +about: \[\"why is it so urgent.*", "", text)
    path.write_text(unaskable, "utf-8")
    checked = runner.invoke(cli.app, ["persona", "check"])
    assert checked.exit_code == 0, checked.output
    line = unaskable.splitlines().index("    - id: hidden_need") + 1
    warning = f"{path}:{line}: warning: fact 'hidden_need' can hardly be asked about"
    assert warning in checked.output and "draft" not in checked.output
    assert "ok: no errors; 1 warning(s)" in checked.output
    bad = text.replace("I told you already", "{Told} you")
    path.write_text(bad, "utf-8")
    broken = runner.invoke(cli.app, ["persona", "check"])
    line = next(n for n, row in enumerate(bad.splitlines(), 1) if "{Told}" in row)
    assert broken.exit_code == 1 and f"{path}:{line}: " in broken.output
    assert "unknown placeholder {Told}" in broken.output


def test_json_export_nests_replies(configured: World, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    assert runner.invoke(cli.app, ["export", "--format", "json", "--out", str(out)]).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["sessions"]) == 3
    assert all(len(s["replies"]) == 1 for s in data["sessions"])
