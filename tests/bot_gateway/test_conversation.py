from __future__ import annotations

import pytest
from sqlalchemy import select

from bot_gateway.conversation import MAX_REPLY_CHARS, ConversationError, ConversationService
from bot_gateway.db.models import PracticeSession, Turn
from bot_gateway.rasa_client import RasaUnavailable


async def _turns(service: ConversationService, session_id: str) -> list[Turn]:
    async with service.sessionmaker() as db:
        result = await db.scalars(
            select(Turn).where(Turn.session_id == session_id).order_by(Turn.index)
        )
        return list(result)


async def test_start_stores_the_customers_opening_line(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    assert view.customer == "customer line 1"
    sender, text, meta = service.rasa.sent[0]
    assert (sender, text) == (view.session_id, "/start_practice")
    assert meta == {"persona": "angry_zh_test", "lang": "zh", "mode": "practice"}
    assert [(t.role, t.text) for t in await _turns(service, view.session_id)] == [
        ("customer", "customer line 1")
    ]


async def test_reply_stores_both_sides_with_moves_rating_and_reply_time(
    service: ConversationService,
) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    answer = await service.reply(view.session_id, "非常抱歉", trainee_id=trainee)
    assert answer.customer == "customer line 2"
    turns = await _turns(service, view.session_id)
    assert [t.role for t in turns] == ["customer", "trainee", "customer"]
    trainee_turn = turns[1]
    assert trainee_turn.status == "done"
    assert trainee_turn.moves == [{"move": "apology", "confidence": 0.9}]
    assert trainee_turn.rating["overall"] == 70
    assert trainee_turn.reply_seconds is not None and trainee_turn.reply_seconds >= 0
    assert service.rasa.sent[-1][2]["reply_seconds"] == trainee_turn.reply_seconds


async def test_reply_is_kept_when_rasa_is_down(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    service.rasa.down = True
    with pytest.raises(RasaUnavailable):
        await service.reply(view.session_id, "请问订单号是多少？", trainee_id=trainee)
    turns = await _turns(service, view.session_id)
    assert (turns[-1].role, turns[-1].text, turns[-1].status) == (
        "trainee",
        "请问订单号是多少？",
        "pending",
    )


async def test_start_with_rasa_down_leaves_no_half_session(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    service.rasa.down = True
    with pytest.raises(RasaUnavailable):
        await service.start(trainee, "angry_zh_test")
    async with service.sessionmaker() as db:
        assert (await db.scalars(select(PracticeSession))).all() == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\x00\x07", "empty"),
        ("x" * (MAX_REPLY_CHARS + 1), "too_long"),
    ],
)
async def test_unusable_replies_get_a_clear_error(
    service: ConversationService, text: str, code: str
) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    with pytest.raises(ConversationError) as error:
        await service.reply(view.session_id, text, trainee_id=trainee)
    assert error.value.code == code
    assert len(await _turns(service, view.session_id)) == 1


@pytest.mark.parametrize("text", ["/end_practice", "/ /end_practice", "\u200b/ /x", "/\n/x"])
async def test_slashed_text_travels_as_text_never_as_a_command(
    service: ConversationService, text: str
) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    await service.reply(view.session_id, text, trainee_id=trainee)
    assert service.rasa.commands == ["start"]
    assert service.rasa.sent[-1][1] == text.replace("\u200b", "")  # unchanged, but invisibles
    assert service.rasa.keys[-1].startswith("reply:")
    assert await service.active_session(trainee) == view.session_id


async def test_another_trainees_session_is_not_reachable(service: ConversationService) -> None:
    owner = await service.register("web", "abc", "Li Lei")
    intruder = await service.register("web", "xyz", "Han Meimei")
    view = await service.start(owner, "angry_zh_test")
    with pytest.raises(ConversationError) as error:
        await service.reply(view.session_id, "hello", trainee_id=intruder)
    assert error.value.code == "unknown_session"


async def test_end_stores_outcome_and_scorecard_and_closes_the_session(
    service: ConversationService,
) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    final = await service.end(view.session_id, trainee_id=trainee)
    assert final.ended and final.scorecard["overall"] == 72
    async with service.sessionmaker() as db:
        practice = await db.get(PracticeSession, view.session_id)
    assert (practice.status, practice.outcome, practice.overall_score) == ("ended", "resolved", 72)
    with pytest.raises(ConversationError) as error:
        await service.reply(view.session_id, "还在吗", trainee_id=trainee)
    assert error.value.code == "ended"


async def test_unknown_persona_is_refused(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    with pytest.raises(ConversationError) as error:
        await service.start(trainee, "nobody")
    assert error.value.code == "unknown_persona"


async def test_a_pending_reply_is_delivered_once_rasa_is_back(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    service.rasa.down = True
    with pytest.raises(RasaUnavailable):
        await service.reply(view.session_id, "请问订单号是多少？", trainee_id=trainee)
    service.rasa.down = False
    answer = await service.reply(view.session_id, "我马上帮您查。", trainee_id=trainee)
    assert answer.customer
    sent = [text for _, text, _ in service.rasa.sent]
    assert sent[-2:] == ["请问订单号是多少？", "我马上帮您查。"]
    turns = await _turns(service, view.session_id)
    # each answer stored right after the reply it answers
    assert [t.role for t in turns] == ["customer", "trainee", "customer", "trainee", "customer"]
    assert all(t.status == "done" for t in turns)
    assert answer.earlier == [turns[2].text] and answer.customer == turns[4].text


async def test_retry_sends_the_waiting_reply(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    assert await service.retry(view.session_id, trainee_id=trainee) is None
    service.rasa.down = True
    with pytest.raises(RasaUnavailable):
        await service.reply(view.session_id, "您好", trainee_id=trainee)
    service.rasa.down = False
    answer = await service.retry(view.session_id, trainee_id=trainee)
    assert answer is not None and answer.customer
    assert [t.role for t in await _turns(service, view.session_id)] == [
        "customer",
        "trainee",
        "customer",
    ]


async def test_assessment_mode_hides_ratings_until_the_end(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test", mode="assessment")
    answer = await service.reply(view.session_id, "您好", trainee_id=trainee)
    assert answer.rating is None and answer.hint is None and answer.analysis is None
    turns = await _turns(service, view.session_id)
    assert turns[1].rating["overall"] == 70  # stored for the supervisor all the same
    final = await service.end(view.session_id, trainee_id=trainee)
    assert final.scorecard["overall"] == 72


async def test_practice_mode_shows_the_tip_as_a_hint(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    assert "开放式问题" in await service.hint(view.session_id, trainee_id=trainee)
    answer = await service.reply(view.session_id, "您好", trainee_id=trainee)
    assert answer.hint == "tip"
    assert await service.hint(view.session_id, trainee_id=trainee) == "tip"


async def test_silence_lets_the_customer_react(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    nudge = await service.silence(view.session_id, 75, trainee_id=trainee)
    assert nudge.customer == "喂？还在吗？"
    assert service.rasa.sent[-1][1:] == (
        "/trainee_silent",
        {"persona": "angry_zh_test", "lang": "zh", "mode": "practice", "silence_seconds": 75},
    )


async def test_invite_codes_put_trainees_in_cohorts(service: ConversationService) -> None:
    await service.create_cohort("Spring 2027", "SPRING27")
    trainee = await service.register("telegram", "42", "Wang Fang", cohort_code="SPRING27")
    assert (await service.trainee(trainee)).cohort == "Spring 2027"
    with pytest.raises(ConversationError) as error:
        await service.register("telegram", "43", "Zhao Lei", cohort_code="NOPE")
    assert error.value.code == "unknown_cohort"


async def test_history_lists_sessions_newest_first_with_scores(
    service: ConversationService,
) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    first = await service.start(trainee, "angry_zh_test")
    await service.end(first.session_id, trainee_id=trainee)
    second = await service.start(trainee, "angry_zh_test")
    history = await service.history(trainee)
    assert [h.session_id for h in history] == [second.session_id, first.session_id]
    assert (history[1].status, history[1].overall) == ("ended", 72)
    detail = await service.detail(first.session_id, trainee_id=trainee)
    assert detail.scorecard["overall"] == 72 and detail.mood[0] == 0.5


async def test_starting_again_abandons_the_previous_session(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    first = await service.start(trainee, "angry_zh_test")
    second = await service.start(trainee, "angry_zh_test")
    assert await service.active_session(trainee) == second.session_id
    with pytest.raises(ConversationError):
        await service.reply(first.session_id, "hello", trainee_id=trainee)


async def test_interface_language_is_remembered(service: ConversationService) -> None:
    trainee = await service.register("telegram", "42", "Wang Fang")
    await service.set_interface_lang(trainee, "en")
    assert (await service.trainee(trainee)).interface_lang == "en"
    with pytest.raises(ConversationError):
        await service.set_interface_lang(trainee, "fr")


async def test_no_hints_in_assessment_mode(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test", mode="assessment")
    with pytest.raises(ConversationError) as error:
        await service.hint(view.session_id, trainee_id=trainee)
    assert error.value.code == "assessment"
