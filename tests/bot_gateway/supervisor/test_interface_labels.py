"""The web chat, the Telegram bot and the dashboard all show the guidelines catalogue's names."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot_gateway.labels import catalogue_labels
from bot_gateway.telegram.render import scorecard_text
from tests.bot_gateway.supervisor.conftest import DIMS, World, sign_in

STATIC = Path(__file__).resolve().parents[3] / "bot_gateway" / "web" / "static"
SCORECARD = {
    "overall": 72,
    "dimensions": DIMS,
    "five_steps": {"listen": True, "understand": True, "confirm": False},
    "outcome": "resolved",
}
# empathy's full and short names differ (共情与情绪安抚 / 共情), so each form is checked
DIMENSION = "empathy"


def _web_chat_rows(labels_json: dict, card: dict, lang: str) -> dict:
    """The scorecard rows the web chat renders, computed by its own labels.js (in node)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (make setup installs it)")
    script = (
        f"const L = require({json.dumps(str(STATIC / 'labels.js'))});"
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const rows = L.scorecardRows(input.card, input.labels, input.lang);"
        "process.stdout.write(JSON.stringify(rows));"
    )
    result = subprocess.run(
        [node, "-e", script],
        input=json.dumps({"labels": labels_json, "card": card, "lang": lang}),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_the_web_chat_telegram_and_dashboard_show_the_catalogues_dimension_name(
    client: TestClient, world: World
) -> None:
    labels = catalogue_labels()
    full = labels.label("dimensions", DIMENSION, "zh")
    short = labels.label("dimensions", DIMENSION, "zh", short=True)
    assert full != short

    # web chat (phone): the score bars use the short form, from GET /api/labels
    rows = _web_chat_rows(client.get("/api/labels").json(), SCORECARD, "zh")
    shown = {row["key"]: row["label"] for row in rows["dimensions"]}
    assert shown[DIMENSION] == short
    assert list(shown) == list(labels.table["dimensions"])
    steps = {row["key"]: row["label"] for row in rows["steps"]}
    assert steps["listen"] == labels.label("steps", "listen", "zh")

    # Telegram (phone): the scorecard message uses the short form too
    card = scorecard_text(SCORECARD, "zh", None)
    assert f"• {short}: {DIMS[DIMENSION]}" in card
    assert labels.label("steps", "listen", "zh") in card
    assert labels.label("outcomes", "resolved", "zh") in card

    # dashboard: the session page uses the full form
    sign_in(client, "sue")
    page = client.get(f"/staff/sessions/{world.session_a}?lang=zh").text
    assert f'<li data-dimension="{DIMENSION}">{full}: ' in page
    assert labels.label("steps", "listen", "zh") in page
    assert labels.label("persona_types", "angry", "zh") in page
    assert labels.label("outcomes", "resolved", "zh") in page


def test_the_web_chat_page_loads_the_labels_before_the_chat() -> None:
    index = (STATIC.parent / "templates" / "index.html").read_text(encoding="utf-8")
    assert index.index("/static/labels.js") < index.index("/static/chat.js")
    chat = (STATIC / "chat.js").read_text(encoding="utf-8")
    assert 'api("/api/labels")' in chat and "CounterpartLabels.scorecardRows" in chat


def test_the_dashboard_filters_name_persona_types_and_outcomes_from_the_catalogue(
    client: TestClient,
) -> None:
    labels = catalogue_labels()
    sign_in(client, "sue")
    page = client.get("/staff/sessions?lang=zh").text
    for persona_type, name in labels.names("persona_types", "zh").items():
        assert f'<option value="{persona_type}" >{name}</option>' in page
    for outcome, name in labels.names("outcomes", "zh").items():
        assert f'<option value="{outcome}" >{name}</option>' in page
