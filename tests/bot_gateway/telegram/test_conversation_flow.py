"""Replies, hints, the end with scorecard and chart, non-text messages and best-effort calls."""

from __future__ import annotations

import pytest
from aiogram.methods import SendChatAction, SendMessage, SendPhoto
from aiogram.types import Document, PhotoSize, Sticker, Voice

from bot_gateway.conversation import MAX_REPLY_CHARS
from tests.bot_gateway.telegram.conftest import USER_ID, Harness


async def _in_conversation(harness: Harness, lang: str = "en", mode: str = "practice") -> int:
    trainee_id = await harness.register(lang)
    await harness.service.start(trainee_id, "angry_en_vacuum_broken", mode)
    harness.service.calls.clear()
    return trainee_id


async def test_a_reply_gets_the_customers_line_then_the_hint_in_practice_mode(
    harness: Harness,
) -> None:
    await _in_conversation(harness)
    await harness.send("I'm so sorry. What happened?")

    assert harness.service.calls[0] == ("reply", ("s1", "I'm so sorry. What happened?"))
    assert harness.session.texts() == [
        "customer line 2 &lt;calmer&gt;",  # customer text is escaped for HTML
        "💡 Hint (this reply: 66/100): Paraphrase the facts.",
    ]
    action = harness.session.named("sendChatAction")[0]
    assert isinstance(action, SendChatAction) and action.action == "typing"


async def test_assessment_mode_shows_no_hint_and_refuses_hint_requests(harness: Harness) -> None:
    await _in_conversation(harness, mode="assessment")
    await harness.send("Sorry about that.")
    assert harness.session.texts() == ["customer line 2 &lt;calmer&gt;"]

    harness.session.clear()
    await harness.send("/hint")
    assert harness.session.texts() == [
        "Assessment mode has no hints; you will see the full scorecard at the end."
    ]
    assert ("hint", "s1") not in harness.service.calls


async def test_hint_command_in_chinese(harness: Harness) -> None:
    await _in_conversation(harness, lang="zh")
    await harness.send("/hint")
    assert harness.session.texts() == ["💡 提示：Ask one open question."]


async def test_end_sends_the_scorecard_and_the_mood_chart_image(harness: Harness) -> None:
    await _in_conversation(harness)
    await harness.send("/end")

    card = harness.session.texts()[0]
    for part in (
        "<b>Scorecard</b>",
        "Overall: <b>72</b>/100",
        "Outcome: Resolved: the customer is satisfied",  # names from scoring/guidelines.yml
        "• Listening: 70",
        "• Empathy: 85",
        "<b>Five steps</b> (order ✅)",
        "✅ Listen  ✅ Understand  ⬜ Confirm  ✅ Solve  ⬜ Follow up",
        "<b>Strengths</b>\n• You calmed him first.",
        "<b>To improve</b>\n• Close the loop at the end.",
    ):
        assert part in card, part
    photo = harness.session.named("sendPhoto")[0]
    assert isinstance(photo, SendPhoto) and photo.caption == "Customer mood"
    assert photo.photo.data.startswith(b"\x89PNG")
    # The scorecard text goes out before the image is even attempted.
    calls = [
        c.__api_method__ for c in harness.session.calls if c.__api_method__ != "sendChatAction"
    ]
    assert calls == ["sendMessage", "sendPhoto"]


async def test_when_the_photo_is_refused_the_mood_arrives_as_text(harness: Harness) -> None:
    await _in_conversation(harness, lang="zh")
    harness.session.fail = {"sendPhoto"}
    await harness.send("/end")

    texts = harness.session.texts()
    assert texts[0].startswith("📋 <b>评分卡</b>\n总分：<b>72</b>/100")
    assert texts[1] == "情绪（愤怒 0–1）: 0.80 → 0.60 → 0.30"
    assert harness.session.named("sendPhoto"), "the image was not even tried"


async def test_when_the_stored_mood_cannot_be_read_the_scorecards_own_is_shown(
    harness: Harness,
) -> None:
    await _in_conversation(harness)
    harness.session.fail = {"sendPhoto"}
    harness.service.fail["detail"] = RuntimeError("database is locked")
    await harness.send("/end")

    texts = harness.session.texts()
    assert "<b>Scorecard</b>" in texts[0]
    assert texts[1:] == ["Mood (anger 0–1): 0.90 → 0.50"]  # and no apology after it


async def test_a_reply_that_ends_the_conversation_shows_the_scorecard(harness: Harness) -> None:
    harness.service.end_after_replies = 1
    await _in_conversation(harness)
    await harness.send("Here is your refund, anything else?")

    texts = harness.session.texts()
    assert texts[0] == "customer line 2 &lt;calmer&gt;"
    assert "<b>Scorecard</b>" in texts[1]
    assert not any("Hint" in text for text in texts)
    assert not harness.dp["silence"].armed(USER_ID)


async def test_a_failing_typing_indicator_never_blocks_or_loses_the_reply(
    harness: Harness,
) -> None:
    await _in_conversation(harness)
    harness.session.fail = {"sendChatAction"}
    await harness.send("Could you tell me the order number?")

    assert harness.session.named("sendChatAction"), "the indicator was not attempted"
    assert harness.session.texts()[0] == "customer line 2 &lt;calmer&gt;"
    assert not any("wrong" in text for text in harness.session.texts())


@pytest.mark.parametrize(
    "content",
    [
        {
            "sticker": Sticker(
                file_id="st",
                file_unique_id="st-u",
                type="regular",
                width=512,
                height=512,
                is_animated=False,
                is_video=False,
            )
        },
        {"photo": [PhotoSize(file_id="ph", file_unique_id="ph-u", width=90, height=90)]},
        {"voice": Voice(file_id="vo", file_unique_id="vo-u", duration=3)},
        {"document": Document(file_id="do", file_unique_id="do-u"), "caption": "my reply"},
    ],
    ids=["sticker", "photo", "voice", "document"],
)
async def test_non_text_messages_get_a_polite_explanation(
    harness: Harness, content: dict[str, object]
) -> None:
    await _in_conversation(harness)
    await harness.send(None, **content)
    assert harness.session.texts() == [
        "Sorry, I can only work with text. Stickers, photos, voice messages and files "
        "can't be analysed, so please type your reply to the customer."
    ]
    assert harness.service.calls == []


async def test_non_text_explanation_in_chinese_for_a_chinese_trainee(harness: Harness) -> None:
    await _in_conversation(harness, lang="zh")
    await harness.send(None, voice=Voice(file_id="vo", file_unique_id="vo-u", duration=3))
    assert harness.session.texts()[0].startswith("抱歉，我只能处理文字消息。")


async def test_a_huge_reply_gets_the_services_limit_in_the_trainees_language(
    harness: Harness,
) -> None:
    await _in_conversation(harness, lang="zh")
    await harness.send("很" * (MAX_REPLY_CHARS + 1))
    assert harness.session.texts() == [f"回复太长了，请控制在 {MAX_REPLY_CHARS} 字以内。"]


async def test_retry_delivers_a_saved_reply_or_says_there_is_none(harness: Harness) -> None:
    await _in_conversation(harness)
    await harness.send("/retry")
    assert harness.session.texts() == ["No reply is waiting to be delivered."]

    harness.service.sessions["s1"].pending = "Sorry for the wait."
    harness.session.clear()
    await harness.send("/retry")
    assert harness.session.texts()[0] == "customer line 2 &lt;calmer&gt;"
    assert all(isinstance(c, SendMessage | SendChatAction) for c in harness.session.calls)
