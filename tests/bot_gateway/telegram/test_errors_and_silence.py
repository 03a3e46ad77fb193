"""The errors router (one place for every failure) and the per-chat silence timer."""

from __future__ import annotations

import asyncio

import pytest

from bot_gateway.conversation import ConversationError
from tests.bot_gateway.telegram.conftest import USER_ID, Harness, rasa_down


async def _in_conversation(harness: Harness, lang: str = "en") -> int:
    trainee_id = await harness.register(lang)
    await harness.service.start(trainee_id, "angry_en_vacuum_broken")
    harness.service.calls.clear()
    return trainee_id


async def test_customer_unreachable_during_a_reply_says_it_is_saved(harness: Harness) -> None:
    await _in_conversation(harness)
    harness.service.fail["reply"] = rasa_down()
    await harness.send("Let me check that for you.")

    assert harness.session.texts() == [
        "The simulated customer can't answer right now. Your reply is saved and will be "
        "delivered when they are back (send /retry, or just keep typing)."
    ]
    assert harness.service.sessions["s1"].pending == "Let me check that for you."

    del harness.service.fail["reply"]
    harness.session.clear()
    await harness.send("/retry")
    assert harness.session.texts()[0] == "customer line 2 &lt;calmer&gt;"


async def test_customer_unreachable_in_chinese(harness: Harness) -> None:
    await _in_conversation(harness, lang="zh")
    harness.service.fail["reply"] = rasa_down()
    await harness.send("您好")
    assert harness.session.texts()[0].startswith("模拟顾客暂时无法回应。你的回复已保存")


async def test_customer_unreachable_at_the_start_asks_to_try_again(harness: Harness) -> None:
    await harness.register("en")
    harness.service.fail["start"] = rasa_down()
    await harness.press("mod:angry_en_vacuum_broken:practice")
    assert harness.session.texts()[-1] == (
        "The simulated customer is not reachable right now. Please try again in a moment."
    )
    assert harness.session.named("answerCallbackQuery")


async def test_conversation_errors_are_localised_by_code(harness: Harness) -> None:
    await _in_conversation(harness, lang="zh")
    harness.service.fail["end"] = ConversationError("ended", "This practice session has ended.")
    await harness.send("/end")
    assert harness.session.texts() == ["这次练习已经结束。发送 /practice 开始新的练习。"]


async def test_an_unknown_error_code_shows_the_services_message(harness: Harness) -> None:
    await _in_conversation(harness)
    harness.service.fail["end"] = ConversationError("no_session", "no tracker <here>")
    await harness.send("/end")
    assert harness.session.texts() == [
        "No practice is running. Send /practice to choose a customer."
    ]

    harness.session.clear()
    harness.service.fail["end"] = ConversationError("odd_code", "tracker <lost>")
    await harness.send("/end")
    assert harness.session.texts() == ["That didn't work: tracker &lt;lost&gt;"]


async def test_an_empty_reply_gets_the_services_error(harness: Harness) -> None:
    await _in_conversation(harness)
    await harness.send("   ")
    assert harness.session.texts() == ["The reply is empty; please type something."]


async def test_an_unexpected_failure_is_answered_with_an_apology(harness: Harness) -> None:
    await _in_conversation(harness)
    harness.service.fail["reply"] = RuntimeError("boom")
    await harness.send("Hello")
    assert harness.session.texts() == [
        "Something went wrong on our side. Please try again in a moment."
    ]


async def test_silence_makes_the_customer_nudge_and_waits_again(harness: Harness) -> None:
    harness.service.persona_timeout = 0.05
    await harness.register("en")
    await harness.press("mod:angry_en_vacuum_broken:practice")
    harness.session.clear()

    await asyncio.sleep(0.3)
    silences = [c for c in harness.service.calls if c[0] == "silence"]
    assert len(silences) >= 2, "the timer did not start again after the nudge"
    assert silences[0] == ("silence", ("s1", 0.05))
    assert "Hello? Are you still there?" in harness.session.texts()
    await harness.dp["silence"].close()


async def test_a_trainee_message_cancels_the_silence_timer(harness: Harness) -> None:
    harness.service.persona_timeout = 0.2
    await harness.register("en")
    await harness.press("mod:angry_en_vacuum_broken:practice")
    watch = harness.dp["silence"]
    assert watch.armed(USER_ID)

    await asyncio.sleep(0.1)
    await harness.send("Sorry, what happened?")  # re-arms a fresh 0.2 s timer
    await asyncio.sleep(0.15)  # past the first timer's deadline, before the second one's
    assert not [c for c in harness.service.calls if c[0] == "silence"]

    await harness.send("/end")
    assert not watch.armed(USER_ID)
    await asyncio.sleep(0.3)
    assert not [c for c in harness.service.calls if c[0] == "silence"]


async def test_a_session_from_before_a_restart_uses_the_personas_timeout(
    harness: Harness,
) -> None:
    harness.service.persona_timeout = 0.05
    await _in_conversation(harness)  # started outside the bot: no remembered timeout
    await harness.send("Hello, how can I help?")
    await asyncio.sleep(0.3)
    assert ("silence", ("s1", 0.05)) in harness.service.calls


@pytest.mark.parametrize(
    "problem", ["no timeout", "lookup fails"], ids=["persona-gone", "lookup-error"]
)
async def test_without_a_timeout_the_reply_arrives_and_no_timer_starts(
    harness: Harness, problem: str
) -> None:
    await _in_conversation(harness)
    if problem == "no timeout":
        harness.service.persona_timeout = None  # the service's answer when the persona is gone
    else:
        harness.service.fail["silence_timeout"] = RuntimeError("database is locked")
    await harness.send("Hello, how can I help?")
    assert harness.session.texts() == [
        "customer line 2 &lt;calmer&gt;",
        "💡 Hint (this reply: 66/100): Paraphrase the facts.",
    ]
    assert not harness.dp["silence"].armed(USER_ID)
