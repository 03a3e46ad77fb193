"""A persona scaffolded by `counterpart persona new` and never edited is a draft: the trainer's
persona page shows it marked, the trainees' pickers never list it and starting it by id is
refused like an unknown persona. Rewritten, it is offered."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from bot_gateway.supervisor import authoring
from personas import PersonaLibrary, checks
from tests.bot_gateway.supervisor.conftest import sign_in

PUBLISHED = "male_en_cordless_drill"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(checks.DEFAULT_LIBRARY / f"{PUBLISHED}.yml", folder)
    authoring.scaffold("angry", "en", "angry_en_draft", library=folder)
    return folder


@pytest.mark.parametrize(("persona_type", "lang"), [("angry", "en"), ("silent", "zh")])
def test_an_unedited_scaffold_is_a_valid_draft_showing_the_new_fields(
    tmp_path: Path, persona_type: str, lang: str
) -> None:
    path = authoring.scaffold(persona_type, lang, library=tmp_path)
    report = authoring.check([path])
    assert report.errors == [] and report.warnings == []
    [draft] = report.drafts
    assert str(draft).startswith(f"{path}: draft: ") and draft.placeholders > 10
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    facts = data["scenario"]["facts"]
    assert all(f["about"] for f in facts) and any(f.get("again") for f in facts)
    remedies = data["scenario"]["remedies"]
    assert remedies["need"] and set(remedies["why_not"]) <= set(remedies["rejected"])
    assert any(isinstance(line, dict) and line.get("when") for line in data["lines"]["accepted"])
    assert any("{remedy}" in str(line) for line in data["lines"]["accepted"])
    lib = PersonaLibrary(tmp_path)
    assert lib.list() == [] and [p.id for p in lib.list(include_drafts=True)] == [path.stem]


def test_a_rewritten_scaffold_is_offered(tmp_path: Path) -> None:
    path = authoring.scaffold("doubtful", "zh", library=tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\[rewrite\] |〔待改写〕", "", text), encoding="utf-8")
    report = authoring.check([path])
    assert (report.errors, report.warnings, report.drafts) == ([], [], [])
    assert [p.id for p in PersonaLibrary(tmp_path).list()] == [path.stem]


def test_trainees_never_see_or_start_a_draft(client: TestClient, library: Path) -> None:
    client.app.state.conversations.library = PersonaLibrary(library)
    assert client.post("/api/signin", json={"name": "Li"}).status_code == 200
    listed = [p["id"] for p in client.get("/api/personas").json()]
    assert listed == [PUBLISHED]
    refused = client.post("/api/sessions", json={"persona_id": "angry_en_draft"})
    unknown = client.post("/api/sessions", json={"persona_id": "no_such_persona"})
    assert refused.status_code == unknown.status_code == 404
    page = client.get("/personas").text  # the library page, as a trainee
    assert PUBLISHED in page and "angry_en_draft" not in page


def test_the_trainers_persona_page_shows_drafts_marked(client: TestClient, library: Path) -> None:
    client.app.state.conversations.library = PersonaLibrary(library)
    sign_in(client, "tia")
    page = client.get("/personas").text
    published, drafts = page.split('id="drafts-title"')
    assert PUBLISHED in published and "angry_en_draft" not in published
    assert 'data-persona="angry_en_draft" data-draft="true"' in drafts
    assert re.search(r"还有 \d+ 处待改写", drafts) and PUBLISHED not in drafts
