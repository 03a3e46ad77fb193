"""/start, invite codes, /practice with inline keyboards, /history and /lang."""

from __future__ import annotations

from aiogram.methods import SendMessage

from tests.bot_gateway.telegram.conftest import USER_ID, Harness


async def test_start_with_a_deep_link_code_registers_the_trainee_in_that_cohort(
    harness: Harness,
) -> None:
    await harness.send("/start SPRING24", language_code="en")

    assert ("register", (str(USER_ID), "Lin", None, "en")) in harness.service.calls
    assert ("register", (str(USER_ID), "Lin", "SPRING24", None)) in harness.service.calls
    trainee = harness.service.trainees[1]
    assert trainee.cohort == "Spring cohort" and trainee.interface_lang == "en"
    texts = harness.session.texts()
    assert texts[0].startswith("Hi Lin!")
    assert "Spring cohort" in texts[1]
    assert "/practice" in texts[2]


async def test_a_chinese_telegram_app_gets_a_chinese_interface(harness: Harness) -> None:
    await harness.send("/start", language_code="zh-hans")

    assert harness.service.trainees[1].interface_lang == "zh"
    assert harness.session.texts()[0].startswith("你好，Lin！")


async def test_a_bad_invite_code_is_explained_and_a_typed_code_then_joins(
    harness: Harness,
) -> None:
    await harness.send("/start NOPE")

    assert "invite code is not valid" in harness.session.texts()[-1]
    assert harness.service.trainees[1].cohort is None  # registered all the same

    harness.session.clear()
    await harness.send("SPRING24")
    assert harness.service.trainees[1].cohort == "Spring cohort"
    assert "Spring cohort" in harness.session.texts()[0]
    # The code was consumed by registration: nothing went to a customer.
    assert not [c for c in harness.service.calls if c[0] == "reply"]


async def test_skip_leaves_the_invite_code_question(harness: Harness) -> None:
    await harness.send("/start")
    assert "invite code" in harness.session.texts()[-1]
    await harness.send("/skip")
    harness.session.clear()
    await harness.send("hello")  # now a reply, and no practice is running
    assert "No practice is running" in harness.session.texts()[-1]


async def test_a_profile_without_a_name_is_asked_for_one(harness: Harness) -> None:
    await harness.send("/start SPRING24", first_name="  ")
    assert "What should I call you?" in harness.session.texts()[-1]
    assert harness.service.trainees == {}

    await harness.send("Wang Fang")
    trainee = harness.service.trainees[1]
    assert (trainee.display_name, trainee.cohort) == ("Wang Fang", "Spring cohort")


async def test_join_adds_a_registered_trainee_to_a_cohort(harness: Harness) -> None:
    await harness.register()
    await harness.send("/join SPRING24")
    assert harness.service.trainees[1].cohort == "Spring cohort"


async def test_commands_before_start_ask_to_register(harness: Harness) -> None:
    for command in ("/practice", "/history", "/end", "/hint"):
        harness.session.clear()
        await harness.send(command)
        assert harness.session.texts() == ["Please send /start first to register."], command


async def test_practice_walks_language_type_persona_and_mode_then_the_customer_speaks(
    harness: Harness,
) -> None:
    trainee_id = await harness.register("en")
    await harness.send("/practice")
    assert [data for _text, data in harness.buttons()] == ["lng:zh", "lng:en"]

    await harness.press("lng:en")
    buttons = dict(harness.buttons())
    assert buttons["Angry"] == "flt:en:type:angry"
    assert buttons["★ easy"] == "flt:en:difficulty:easy"
    assert "Male shopper" not in buttons  # only types that English personas have

    await harness.press("flt:en:type:angry")
    assert harness.buttons()[0] == ("Mark Davies · Angry · hard", "per:angry_en_vacuum_broken")

    await harness.press("per:angry_en_vacuum_broken")
    assert "A broken robot vacuum." in harness.session.texts()[-1]
    assert [d for _t, d in harness.buttons()][:2] == [
        "mod:angry_en_vacuum_broken:practice",
        "mod:angry_en_vacuum_broken:assessment",
    ]

    harness.session.clear()
    await harness.press("mod:angry_en_vacuum_broken:assessment")
    assert ("start", (trainee_id, "angry_en_vacuum_broken", "assessment")) in (
        harness.service.calls
    )
    assert harness.session.texts()[-1] == "Where is my refund?"
    assert harness.session.named("answerCallbackQuery")
    assert harness.dp["silence"].armed(USER_ID)


async def test_difficulty_filter_lists_only_personas_of_that_difficulty(harness: Harness) -> None:
    await harness.register("en")
    await harness.press("flt:en:difficulty:easy")
    assert [d for _t, d in harness.buttons()] == ["per:silent_en_laptop_student", "lng:en"]


async def test_history_lists_sessions_with_persona_names_and_scores(harness: Harness) -> None:
    trainee_id = await harness.register("en")
    await harness.service.start(trainee_id, "angry_en_vacuum_broken")
    await harness.service.end("s1", trainee_id=trainee_id)
    await harness.send("/history")
    text = harness.session.texts()[-1]
    assert "Recent sessions" in text
    assert "2026-03-01 09:30 · Mark Davies · practice · Resolved · 1 turns · 72/100" in text


async def test_history_when_empty_points_to_practice(harness: Harness) -> None:
    await harness.register("zh")
    await harness.send("/history")
    assert "还没有练习记录" in harness.session.texts()[-1]


async def test_lang_button_stores_the_interface_language_and_answers_in_it(
    harness: Harness,
) -> None:
    trainee_id = await harness.register("zh")
    await harness.send("/lang")
    assert [d for _t, d in harness.buttons()] == ["ui:zh", "ui:en"]
    await harness.press("ui:en")
    assert ("set_interface_lang", (trainee_id, "en")) in harness.service.calls
    assert harness.session.texts()[-1] == "The interface is now in English."

    harness.session.clear()
    await harness.send("/help")  # the next update already follows the new language
    assert harness.session.texts()[0].startswith("<b>Counterpart customer-service practice")


async def test_lang_with_an_argument_switches_directly(harness: Harness) -> None:
    await harness.register("en")
    await harness.send("/lang zh")
    assert harness.session.texts()[-1] == "界面语言已设为中文。"
    await harness.send("/lang fr")
    assert harness.session.texts()[-1] == "界面语言只能是中文或英文。"


async def test_help_follows_the_interface_language(harness: Harness) -> None:
    await harness.register("zh")
    await harness.send("/help")
    text = harness.session.texts()[-1]
    assert "Counterpart 客服对练" in text and "/practice" in text
    assert all(isinstance(c, SendMessage) for c in harness.session.calls)


async def test_an_unknown_command_points_to_help(harness: Harness) -> None:
    await harness.register("en")
    await harness.send("/dance")
    assert harness.session.texts() == [
        "I don't know that command. Send /help to see what I understand."
    ]
    assert not [c for c in harness.service.calls if c[0] == "reply"]
