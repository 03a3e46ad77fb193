"""Thanks for waiting with a holding line (session 12, listen12): 「多谢您耐心等候，您反馈的情况
已经登记了」 / "Thanks for your patience, we've logged your issue." takes no leave (a closing comes
once the matter is settled: 003 Ch3.1 step 6) and promises nothing with a what or a when (002
§2a 「不要…給出模糊的答案」, 003 Ch3.1 step 5): it is hollow, not a goodbye the customer walks
out on. A real goodbye after it is still one. Sentences written for these tests."""

from __future__ import annotations

import pytest
from persona_scripts import analysis as said

from personas import PersonaLibrary, engine

BROADBAND = "angry_zh_broadband_outage"
VACUUM = "angry_en_vacuum_broken"


@pytest.mark.parametrize(
    ("persona_id", "hello", "text"),
    [
        (BROADBAND, "您好，我是客服小周。", "多谢您耐心等候，您反馈的情况已经登记了。"),
        (VACUUM, "Hello, this is Sam.", "Thanks for your patience, we've logged your issue."),
    ],
)
def test_thanks_for_waiting_with_a_holding_line_is_hollow_not_a_goodbye(
    library: PersonaLibrary, persona_id: str, hello: str, text: str
) -> None:
    persona = library.get(persona_id)
    lang = persona.language
    state = engine.start(persona, 3)["state"]
    state = engine.react(persona, state, said("greeting", lang=lang), text=hello)["state"]
    out = engine.react(persona, state, said("thanks_closing", lang=lang), text=text)
    heard = out["state"]["heard"]
    assert heard.get("kind") != "closing", heard
    assert heard.get("hollow") == "vague_promise", heard
    assert not out["state"].get("ended")
    assert out["state"]["mood"]["patience"] < state["mood"]["patience"]


def test_a_goodbye_after_thanks_for_waiting_is_still_a_goodbye(library: PersonaLibrary) -> None:
    persona = library.get(BROADBAND)
    state = engine.start(persona, 3)["state"]
    state = engine.react(persona, state, said("greeting", lang="zh"), text="您好。")["state"]
    out = engine.react(
        persona, state, said("thanks_closing", lang="zh"), text="感谢您的耐心等待，再见。"
    )
    assert out["state"]["heard"].get("kind") == "closing", out["state"]["heard"]


def test_a_goodbye_without_thanks_is_still_a_goodbye(library: PersonaLibrary) -> None:
    persona = library.get(BROADBAND)
    state = engine.start(persona, 3)["state"]
    state = engine.react(persona, state, said("greeting", lang="zh"), text="您好。")["state"]
    out = engine.react(
        persona, state, said("thanks_closing", lang="zh"), text="行，那您先忙，有事再找我。"
    )
    assert out["state"]["heard"].get("kind") == "closing", out["state"]["heard"]
