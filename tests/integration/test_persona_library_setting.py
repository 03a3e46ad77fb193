"""PERSONA_LIBRARY_DIR reaches every process: a persona that exists only in a temporary library
is listed by the gateway, opened by the action server from that file and played end to end."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets
import yaml

from bot_gateway.config import PROJECT_ROOT
from bot_gateway.runner import LocalStack, isolated_stack
from tests.integration.conftest import running

PERSONA_ID = "angry_zh_only_in_tmp_library"
OPENINGS = [
    "我是只住在临时人设库里的顾客，宽带又断了，你们到底管不管？",
    "临时人设库的顾客在此：网断了三天，师傅一个都没来！",
    "这句开场白只写在临时文件里：断网三天还照扣月租，什么意思？",
]
REPLY = "非常抱歉让您久等了，我理解您的心情。能具体说说发生了什么吗？"


def _write_temporary_library(folder: Path) -> None:
    """One library persona under a new id, with openings no project file has."""
    source = PROJECT_ROOT / "personas" / "library" / "angry_zh_broadband_outage.yml"
    persona = yaml.safe_load(source.read_text(encoding="utf-8"))
    persona["id"] = PERSONA_ID
    persona["lines"]["opening"] = OPENINGS
    folder.mkdir()
    (folder / f"{PERSONA_ID}.yml").write_text(
        yaml.safe_dump(persona, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def tmp_library_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    state = tmp_path_factory.mktemp("tmp-library-stack")
    library = state / "library"
    _write_temporary_library(library)
    yield from running(
        isolated_stack(
            state,
            persona_library_dir=library,
            # Rasa plays the actions itself (the default of `counterpart run`): the setting
            # reaches the process that plays the personas either way
            actions_in_process=True,
            gateway_env={
                "ENVIRONMENT": "test",
                "TELEGRAM_BOT_TOKEN": "",
                "TELEGRAM_WEBHOOK_URL": "",
            },
        ),
        state,
    )


async def _one_reply_over_the_socket(base_url: str, cookies: httpx.Cookies, session_id: str):
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    url = base_url.replace("http", "ws", 1) + f"/ws/sessions/{session_id}"
    async with websockets.connect(url, additional_headers={"Cookie": cookie}) as socket:
        await socket.send(json.dumps({"type": "reply", "text": REPLY}))
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 60))
            if message["type"] in ("turn", "error"):
                return message


def test_a_persona_only_in_the_configured_library_is_played_end_to_end(
    tmp_library_stack: LocalStack,
) -> None:
    base_url = f"http://127.0.0.1:{tmp_library_stack.settings.web_port}"
    with httpx.Client(base_url=base_url, timeout=60) as client:
        assert client.post("/api/signin", json={"name": "临时库学员"}).status_code == 200
        listed = [p["id"] for p in client.get("/api/personas").json()]
        assert listed == [PERSONA_ID], "the gateway did not read PERSONA_LIBRARY_DIR"

        opening = client.post("/api/sessions", json={"persona_id": PERSONA_ID})
        assert opening.status_code == 200, opening.text
        opening = opening.json()
        assert opening["customer"] in OPENINGS, (
            "the action server did not open the conversation from the temporary library"
        )
        turn = asyncio.run(
            _one_reply_over_the_socket(base_url, client.cookies, opening["session_id"])
        )

    assert turn["type"] == "turn", turn
    assert turn["customer"] and turn["customer"] != opening["customer"]
    assert turn["rating"]["dimensions"]
