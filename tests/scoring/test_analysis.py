"""scoring.analysis with cue rules only (no NLU): moves, question forms, scores, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from practice.contracts import Analysis
from practice.vocabulary import MAX_REPLY_CHARS, MOVES, NEGATIVE_MOVES
from scoring.analysis import analyze, load_cues


def moves_of(result: Analysis) -> list[str]:
    return [m["move"] for m in result["moves"]]


def reading(*ranking: tuple[str, float]) -> dict[str, Any]:
    """A classifier result ranking these (intent, confidence) pairs, best first."""
    items = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return {"intent": dict(items[0]), "intent_ranking": items}


@pytest.mark.parametrize(
    ("lang", "text", "primary"),
    [
        ("zh", "您好，我是客服小李，很高兴为您服务", "greeting"),
        ("zh", "非常抱歉给您添麻烦了", "apology"),
        ("zh", "對不起，讓您久等了", "apology"),
        ("zh", "我能理解您现在的心情", "empathy"),
        ("zh", "请您放心，我一定帮您处理好", "reassurance"),
        ("zh", "您真专业，一下就说到点子上了", "praise"),
        ("zh", "我马上给您申请退款", "offer_solution"),
        ("zh", "这款很适合您，很多宝妈都选它", "recommend"),
        ("zh", "处理结果出来后我第一时间通知您", "follow_up"),
        ("zh", "感谢您的耐心等待，祝您生活愉快", "thanks_closing"),
        ("zh", "是你自己操作错了", "blame_customer"),
        ("zh", "不可能，我们的产品没有问题", "argue"),
        ("zh", "你冷静一点！", "rude"),
        ("zh", "公司规定，我也没办法", "dismiss"),
        ("zh", "这不归我管", "dismiss"),
        ("zh", "嗯", "perfunctory"),
        ("zh", "哦。", "perfunctory"),
        ("zh", "只剩最后一件了，明天就涨价", "deceive"),
        ("en", "Hi, this is Sarah from customer support.", "greeting"),
        ("en", "I'm so sorry for the inconvenience.", "apology"),
        ("en", "That must be really frustrating.", "empathy"),
        ("en", "Don't worry, I'll make sure this gets fixed.", "reassurance"),
        ("en", "Great question, you clearly know your stuff.", "praise"),
        ("en", "I can issue a full refund today.", "offer_solution"),
        ("en", "I'd recommend the Pro model for you.", "recommend"),
        ("en", "I'll follow up with you tomorrow.", "follow_up"),
        ("en", "Thanks for your patience, have a great day!", "thanks_closing"),
        ("en", "You should have read the instructions.", "blame_customer"),
        ("en", "That's not true, our product is fine.", "argue"),
        ("en", "Calm down!", "rude"),
        ("en", "It's company policy, there's nothing I can do.", "dismiss"),
        ("en", "ok", "perfunctory"),
        ("en", "This will never break, guaranteed for life.", "deceive"),
        ("en", "roger", "perfunctory"),
        ("zh", "晓得了", "perfunctory"),
        # returning good wishes closes the chat
        ("en", "You too 😊", "thanks_closing"),
        ("zh", "您也一样！", "thanks_closing"),
        # an arranged call back is a follow-up, not a question ("确认…是否" is indirect)
        ("zh", "周五我再给您打电话，确认问题是否解决。", "follow_up"),
    ],
)
def test_cue_rules_find_the_primary_move(lang: str, text: str, primary: str) -> None:
    result = analyze(text, lang)
    assert "error" not in result
    assert moves_of(result)[0] == primary


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("zh", "能具体说说发生了什么吗？", "open_question"),
        ("zh", "您觉得我们哪些环节需要改进？", "open_question"),
        ("zh", "您希望我们怎么处理？", "open_question"),
        ("zh", "請問具體是什麼情況？", "open_question"),
        ("zh", "请问您的订单号是多少？", "closed_question"),
        ("zh", "收到的时候包装有破损吗？", "closed_question"),
        ("zh", "您是哪天下的单？", "closed_question"),
        ("zh", "是不是已经重启过了", "closed_question"),
        ("en", "Can you tell me what happened?", "open_question"),
        ("en", "How has the product been working for you?", "open_question"),
        ("en", "What would be the ideal outcome for you?", "open_question"),
        ("en", "What's your order number?", "closed_question"),
        ("en", "Did the package arrive damaged?", "closed_question"),
        ("en", "How many items were missing?", "closed_question"),
        ("en", "When did you place the order?", "closed_question"),
        ("en", "Is it still under warranty?", "closed_question"),
        ("en", "What's the best number to reach you?", "closed_question"),
        ("en", "How are you finding the new plan?", "open_question"),
        ("zh", "这个问题持续多久了", "closed_question"),
        ("zh", "您觉得怎样处理比较合适", "open_question"),
        ("zh", "您还有什么其他的顾虑吗", "open_question"),
        ("zh", "您用的是安卓手机吗", "closed_question"),
    ],
)
def test_open_and_closed_questions_are_told_apart(lang: str, text: str, expected: str) -> None:
    found = moves_of(analyze(text, lang))
    other = "closed_question" if expected == "open_question" else "open_question"
    assert expected in found
    assert other not in found


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh", "您看这样处理可以吗？"),
        ("zh", "您是否清楚退货流程了？"),
        ("en", "Does that work for you?"),
        ("en", "Is that okay with you?"),
        ("en", "Have I got the dates right?"),
        ("en", "Do you understand how the warranty works now?"),
        ("en", "Would Thursday afternoon suit you?"),
        ("en", "Is this what you were looking for?"),
        ("zh", "这样能解决您的问题吗？"),
    ],
)
def test_confirmation_questions_are_confirm_not_closed(lang: str, text: str) -> None:
    found = moves_of(analyze(text, lang))
    assert found[0] == "confirm"
    assert "closed_question" not in found


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "You didn't read the manual, did you?"), ("zh", "您不会是没看说明书吧？")],
)
def test_leading_questions_are_flagged_and_cost_politeness(lang: str, text: str) -> None:
    result = analyze(text, lang)
    assert "leading_question" in {c["cue"] for c in result["cues"]}
    assert "open_question" not in moves_of(result)


def test_a_confirmation_is_not_also_counted_as_a_closed_question() -> None:
    nlu = reading(("confirm", 0.9), ("closed_question", 0.8))
    assert moves_of(analyze("这样能解决您的问题吗？", "zh", nlu=nlu)) == ["confirm"]
    # two questions: the second is a closed one, whatever the first was
    two = analyze("这样能解决您的问题吗？您的订单号是多少？", "zh", nlu=nlu)
    assert set(moves_of(two)) == {"confirm", "closed_question"}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # a restatement names the customer's facts: it informs them of nothing
        ("en", "So your order was split and only one box arrived."),
        ("zh", "所以您的订单是上周三下的，到现在还没发货"),
        # 「很正常」 validates a feeling, 「一般是…」 asks
        ("zh", "有这种感觉很正常"),
        ("zh", "你一般是怎样安排开销的？"),
    ],
)
def test_restatements_and_validations_are_not_information(lang: str, text: str) -> None:
    # (with no classifier reading, a statement still falls back to inform, weakly)
    assert "inform" not in {c["cue"] for c in analyze(text, lang)["cues"]}


def test_typical_times_are_information() -> None:
    assert "inform" in moves_of(analyze("一般情况下退款3到5个工作日到账", "zh"))
    assert "inform" in moves_of(analyze("通常需要两天左右", "zh"))


def test_thanks_for_reaching_out_opens_a_chat_and_does_not_close_it() -> None:
    opening = analyze("Hello, this is Alex from customer care, thanks for reaching out.", "en")
    assert moves_of(opening) == ["greeting"]
    assert "thanks_closing" in moves_of(analyze("Thanks for contacting us, bye!", "en"))


def test_a_question_ending_in_are_you_is_not_a_tag() -> None:
    result = analyze("How are you?", "en")
    assert "leading_question" not in {c["cue"] for c in result["cues"]}
    assert moves_of(result) == ["open_question"]


@pytest.mark.parametrize(
    ("lang", "text", "primary", "absent"),
    [
        # sympathy with the customer is empathy, not an apology for our fault
        ("en", "I'm so sorry to hear that.", "empathy", "apology"),
        # a suggestion phrased as a question proposes a remedy; it asks for no fact
        ("en", "Have you tried restarting the router?", "offer_solution", "closed_question"),
        (
            "en",
            "Do you think talking to your manager would help?",
            "offer_solution",
            "closed_question",
        ),
        # chat Chinese often drops the question mark
        ("zh", "您什么时候方便", "closed_question", "inform"),
        ("zh", "要不要我帮您查一下", "closed_question", "inform"),
        ("zh", "那我先挂了，再见", "thanks_closing", "inform"),
        ("zh", "别难过了，会好的", "reassurance", "rude"),
        ("zh", "我不管", "dismiss", "inform"),
        # a greeting frames the reply; the question is its substance
        ("zh", "您好，请问有什么可以帮您？", "open_question", "closed_question"),
        ("en", "Hello, how can I help you today?", "open_question", "closed_question"),
    ],
)
def test_move_precedence_in_mixed_replies(lang: str, text: str, primary: str, absent: str) -> None:
    found = moves_of(analyze(text, lang))
    assert found[0] == primary
    assert absent not in found


@pytest.mark.parametrize(
    ("lang", "text", "negative"),
    [
        # the same words name the customer's feelings, or are negated, or are no command
        ("en", "That sounds really annoying.", "rude"),
        ("en", "I appreciate how annoying it is to repeat yourself.", "rude"),
        ("en", "So what happened after the update?", "rude"),
        ("en", "Deep breaths can help you calm down.", "rude"),
        ("en", "You shouldn't feel that it is your fault.", "blame_customer"),
        ("en", "It wasn't because you did anything wrong.", "blame_customer"),
        ("en", "He can't help it, the app logged him out.", "dismiss"),
        ("en", "Give it a day and the swelling will go away.", "rude"),
        ("en", "Let's work out how to deal with it together.", "rude"),
        ("zh", "不用担心，质保期内都是免费的", "dismiss"),
        ("zh", "不要着急，我马上帮您查", "dismiss"),
        ("zh", "难怪您会生气，换谁都会", "blame_customer"),
        ("zh", "说明书写得太绕，看不懂一点都不奇怪", "rude"),
        ("zh", "想要安静一点的话，可以选静音款", "rude"),
        ("zh", "这款纸尿裤不容易红屁屁", "rude"),
        ("zh", "滤芯能过滤掉所有病毒和细菌", "rude"),
    ],
)
def test_negative_cues_do_not_fire_on_kind_words(lang: str, text: str, negative: str) -> None:
    assert negative not in moves_of(analyze(text, lang))


@pytest.mark.parametrize(
    ("lang", "text", "negative"),
    [
        ("en", "You're so annoying.", "rude"),
        ("en", "So what?", "rude"),
        ("en", "Calm down!", "rude"),
        ("en", "Just relax.", "rude"),
        ("en", "It is your fault.", "blame_customer"),
        ("en", "Nope, can't help there.", "dismiss"),
        ("en", "Chasing won't help.", "dismiss"),
        ("zh", "不用问了，没有", "dismiss"),
        ("zh", "你是真听不懂还是故意的", "rude"),
        ("zh", "你先冷静一下", "rude"),
        ("zh", "怪你自己没看清楚", "blame_customer"),
    ],
)
def test_negative_cues_still_catch_the_real_thing(lang: str, text: str, negative: str) -> None:
    assert negative in moves_of(analyze(text, lang))


@pytest.mark.parametrize(
    ("lang", "text", "negative"),
    [
        # blunt reproach, no insult in it (issue 14)
        ("en", "You really should have renewed the parking permit last month.", "blame_customer"),
        ("en", "Gold member or not, you do need to check the times yourself.", "blame_customer"),
        ("en", "If you'd read the route email, you'd know the bus left at 7.", "blame_customer"),
        ("en", "Booking through a reseller is really your responsibility.", "blame_customer"),
        ("en", "That's what happens when you skip the firmware update.", "blame_customer"),
        ("zh", "多半是你自己清洗方式不对，涂层才掉的。", "blame_customer"),
        ("zh", "连自己用的什么套餐都没弄清楚就来改，当然会乱。", "blame_customer"),
        ("zh", "理财文章看多了就这样，越看越糊涂。", "blame_customer"),
        ("zh", "要是您当初买了延保，现在就不用自己出钱了。", "blame_customer"),
        # the policy wall and the brush-off
        ("en", "Table layout is set by the venue. I'm unable to change it.", "dismiss"),
        ("en", "Our policy is that upgrades are at the hotel's discretion.", "dismiss"),
        ("en", "Only in oak, I'm afraid. Policy, sorry.", "dismiss"),
        ("en", "Results come whenever the lab schedules them. No date, sorry.", "dismiss"),
        ("en", "Read it up in the handbook, chapter three.", "dismiss"),
        ("en", "Come back when you've found the serial number.", "dismiss"),
        ("en", "I can log your complaint, but I can't refund the fee.", "dismiss"),
        ("zh", "座位是系统排的，我这边改不了。", "dismiss"),
        ("zh", "维修时间给不了您，等通知吧。", "dismiss"),
        ("zh", "自己上官网查一下吧。", "dismiss"),
        # impatience and contempt
        ("en", "Could we get to the point?", "rude"),
        ("en", "I don't have time to go through every line of your bill.", "rude"),
        ("en", "I've got other customers waiting.", "rude"),
        ("en", "Do you want the table or not?", "rude"),
        ("en", "Just give me the flight number.", "rude"),
        ("en", "It was one late train. You'll just have to get over it.", "rude"),
        ("en", "Three hundred won't get you much in this market.", "rude"),
        ("zh", "你到底订不订？", "rude"),
        ("zh", "说重点，哪天入住？", "rude"),
        ("zh", "我没时间跟你一个个解释。", "rude"),
        ("zh", "就这点预算还想要独栋别墅？", "rude"),
        # made-up urgency
        ("en", "Another couple is looking at this cottage as we speak.", "deceive"),
        ("en", "If you don't order today the colour will be gone.", "deceive"),
        ("zh", "别人也在看这台车，您得快点。", "deceive"),
        ("zh", "过了今晚就没这个价了。", "deceive"),
    ],
)
def test_blunt_negatives_without_insults_are_caught(lang: str, text: str, negative: str) -> None:
    assert negative in moves_of(analyze(text, lang))


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # the same words, kind or neutral: owning our failure, going along, offering more
        ("en", "I should have mentioned earlier, sorry."),
        ("en", "You might want to check the manual together with me, page 12 shows it."),
        ("en", "I have time, let's go through every number."),
        ("en", "You should have received the confirmation email by now."),
        ("en", "You should have been told about the deposit, I'm sorry."),
        ("en", "You should check your junk folder, codes sometimes land there."),
        ("en", "If you'd like, I can book the earlier slot instead."),
        ("en", "Our policy is that you get a full refund within 30 days."),
        ("en", "I can't give you an exact date yet, but I'll call you once the depot confirms."),
        ("en", "There's not much I can do about the strike, but I can rebook you for free."),
        ("en", "Feel free to come back when you've had a chance to measure."),
        ("en", "Let me get straight to the point: the refund went through today."),
        ("en", "Let's look it up together, it's on page 12."),
        ("en", "I'll look it up in the handbook for you now."),
        ("en", "Don't worry if you haven't set it up properly yet, I'll walk you through it."),
        ("en", "What do you expect the new plan to cover?"),
        ("en", "Platinum or not, everyone gets the same free cancellation."),
        ("zh", "我们的政策是可以全额退款的"),
        ("zh", "这完全是您自己的选择，不用有压力"),
        ("zh", "如果您没看清楚也没关系，我再发一遍"),
        ("zh", "这个您不用管，交给我就行"),
        ("zh", "系统是自动分配的，不过我可以帮您申请换房"),
        ("zh", "具体时间我暂时给不了，一有消息马上通知您"),
        ("zh", "最后一个问题，您的收货地址是？"),
        ("zh", "我长话短说，退款已经批下来了"),
        ("zh", "我有时间，我们一项一项过"),
        ("zh", "我们一起看一下说明书第12页"),
        ("zh", "您一开始就应该收到确认短信了，我帮您查一下"),
    ],
)
def test_kind_replies_with_the_blunt_words_stay_non_negative(lang: str, text: str) -> None:
    found = moves_of(analyze(text, lang))
    assert not set(found) & set(NEGATIVE_MOVES), found


def test_classifier_alone_cannot_brand_a_reply_negative() -> None:
    weak, strong = reading(("rude", 0.3)), reading(("rude", 0.9))
    assert "rude" not in moves_of(analyze("我去开会了", "zh", nlu=weak))
    assert moves_of(analyze("我去开会了", "zh", nlu=strong))[0] == "rude"


def test_comfort_the_cues_recognise_outweighs_a_negative_reading_of_the_classifier() -> None:
    # "don't cry" comforts; the classifier has seen "别…" mostly in commands
    assert moves_of(analyze("你先别哭，我们一起想办法", "zh", nlu=reading(("rude", 0.85)))) == [
        "reassurance"
    ]
    # near-certain, it still counts; and a command the cues know stays rude
    assert "rude" in moves_of(analyze("你先别哭", "zh", nlu=reading(("rude", 0.95))))
    assert "rude" in moves_of(analyze("你冷静一点！", "zh", nlu=reading(("rude", 0.85))))


def test_a_bare_question_form_yields_to_the_classifier_but_a_fact_question_stands() -> None:
    reads_confirm = reading(("confirm", 0.9))
    assert moves_of(analyze("We're agreed then?", "en", nlu=reads_confirm)) == ["confirm"]
    asks_number = "We're agreed then? And what's your order number?"
    assert "closed_question" in moves_of(analyze(asks_number, "en", nlu=reads_confirm))


def test_a_negative_side_reading_needs_more_confidence_than_a_main_one() -> None:
    # "Are you still there?": a question first; the classifier's weaker rude reading is noise
    side = reading(("closed_question", 0.95), ("rude", 0.68))
    assert moves_of(analyze("Are you still there?", "en", nlu=side)) == ["closed_question"]
    side["intent_ranking"][1]["confidence"] = 0.9
    assert "rude" in moves_of(analyze("Are you still there?", "en", nlu=side))


def test_a_reply_with_several_moves_lists_them_in_order() -> None:
    result = analyze("非常抱歉让您久等了，我理解您的心情，请问您的订单号是多少？", "zh")
    assert moves_of(result)[:3] == ["apology", "empathy", "closed_question"]


def test_paraphrase_is_found_from_overlap_with_the_customer_message() -> None:
    context = "I ordered a blue jacket last week and got a red one"
    restated = analyze("A blue jacket was ordered but a red one arrived.", "en", context)
    unrelated = analyze("Our store opens at nine.", "en", context)
    assert "paraphrase" in moves_of(restated)
    assert "paraphrase" not in moves_of(unrelated)


def test_a_restatement_asked_as_a_question_is_a_paraphrase_first() -> None:
    # (it restates an earlier message: little overlap with the last one)
    result = analyze("So you're saying the screen cracked on day one?", "en", "I want a refund")
    assert moves_of(result)[0] == "paraphrase"
    assert "closed_question" in moves_of(result)


def test_paraphrase_overlap_works_for_chinese() -> None:
    context = "我上周三下的单，到现在还没发货"
    result = analyze("上周三下单到现在还没发货，我帮您查", "zh", context)
    assert "paraphrase" in moves_of(result)


def test_an_answer_that_repeats_the_customer_is_not_a_paraphrase_first() -> None:
    # answers reuse the customer's words: without a restating frame the overlap ranks second
    context = "My refund for the blue jacket still hasn't arrived"
    offer = analyze("I will send the refund for the blue jacket today.", "en", context)
    fact = analyze("The refund for the blue jacket was sent today, it takes 3 days.", "en", context)
    framed = analyze("So the refund for the blue jacket still hasn't arrived.", "en", context)
    assert moves_of(offer) == ["offer_solution", "paraphrase"]
    assert moves_of(fact) == ["inform", "paraphrase"]
    assert moves_of(framed)[0] == "paraphrase"


def test_moves_of_equal_confidence_come_in_one_order_in_every_process() -> None:
    import os
    import subprocess
    import sys

    # a combined intent gives its moves one confidence and one position
    nlu = {"intent_ranking": [{"name": "apology+empathy+reassurance", "confidence": 0.9}]}
    code = (
        "from scoring.analysis import analyze;"
        f"result = analyze('About your parcel from Tuesday.', 'en', nlu={nlu!r});"
        "print([m['move'] for m in result['moves']])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(outputs) == 1


def test_filler_is_perfunctory_only_when_it_is_the_whole_reply() -> None:
    assert moves_of(analyze("嗯嗯", "zh")) == ["perfunctory"]
    assert "perfunctory" not in moves_of(analyze("嗯，我马上给您申请退款", "zh"))


@pytest.mark.parametrize(
    ("lang", "kind", "text"),
    [
        ("zh", "good", "您好，非常抱歉给您带来不便，我理解您的心情，请您放心"),
        ("zh", "bad", "你冷静一点！公司规定，我也没办法"),
        ("en", "good", "Hello, I'm so sorry, I understand how frustrating this is."),
        ("en", "bad", "Calm down. It's your own fault, nothing I can do."),
    ],
)
def test_scores_reward_empathy_and_politeness(lang: str, kind: str, text: str) -> None:
    scores = analyze(text, lang)["scores"]
    assert set(scores) >= {"empathy", "politeness"}
    assert all(0.0 <= v <= 1.0 for v in scores.values())
    if kind == "good":
        assert scores["empathy"] >= 0.6
        assert scores["politeness"] >= 0.8
    else:
        assert scores["empathy"] == 0.0
        assert scores["politeness"] <= 0.2


def test_entities_remedy_order_number_and_time_frame() -> None:
    en = analyze("I can refund order #A1234567 within 3 business days.", "en")["entities"]
    zh = analyze("订单号123456789，给您退款，三个工作日内到账", "zh")["entities"]
    for found, frame in ((en, "within 3 business days"), (zh, "三个工作日内")):
        assert {"entity": "remedy", "value": "refund"} in found
        assert {"entity": "time_frame", "value": frame} in found
    assert {"entity": "order_number", "value": "A1234567"} in en
    assert {"entity": "order_number", "value": "123456789"} in zh


def test_nlu_result_adds_moves_and_splits_combined_intents() -> None:
    nlu = {
        "intent": {"name": "apology+empathy", "confidence": 0.95},
        "intent_ranking": [
            {"name": "apology+empathy", "confidence": 0.95},
            {"name": "apology", "confidence": 0.03},
        ],
        "entities": [{"entity": "remedy", "value": "refund"}],
    }
    result = analyze("这事给您造成困扰了", "zh", nlu=nlu)
    assert set(moves_of(result)) >= {"apology", "empathy"}
    assert {"entity": "remedy", "value": "refund"} in result["entities"]


def test_nlu_fallback_and_low_confidence_intents_are_not_moves() -> None:
    nlu = {
        "intent": {"name": "nlu_fallback", "confidence": 0.3},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.3},
            {"name": "deceive", "confidence": 0.12},
        ],
    }
    assert "deceive" not in moves_of(analyze("今天天气不错", "zh", nlu=nlu))


def test_a_plain_statement_without_other_moves_informs() -> None:
    assert moves_of(analyze("The warehouse is in Leeds.", "en")) == ["inform"]


def test_result_shape_follows_the_contract() -> None:
    result = analyze("Sorry! What happened?", "en")
    assert set(result) == {"moves", "scores", "entities", "cues", "lang"}
    assert result["lang"] == "en"
    confidences = [m["confidence"] for m in result["moves"]]
    assert confidences == sorted(confidences, reverse=True)
    assert all(m["move"] in MOVES and 0 < m["confidence"] < 1 for m in result["moves"])
    assert all(set(c) == {"cue", "match"} for c in result["cues"])


# --- bad input: each case has a defined result and never raises ---------------------------


@pytest.mark.parametrize(
    ("text", "lang", "error_part"),
    [
        ("", "zh", "empty"),
        ("   \n\t  ", "en", "empty"),
        ("\x00\x01\x1b", "en", "empty"),
        ("x" * 10_000, "en", "too long"),
        ("好" * (MAX_REPLY_CHARS + 1), "zh", "too long"),
        ("hello", "fr", "unsupported language"),
        ("hello", None, "unsupported language"),
        (None, "en", "must be a string"),
        ("I am sorry about the delay with your order", "zh", "not in the session language"),
        ("非常抱歉让您久等了", "en", "not in the session language"),
    ],
)
def test_unusable_input_gets_an_error_and_no_moves(text: Any, lang: Any, error_part: str) -> None:
    result = analyze(text, lang)
    assert error_part in result["error"]
    assert result["moves"] == []


def test_control_characters_are_removed_before_analysis() -> None:
    result = analyze("So\x00rry\x07 \x1bfor the delay", "en")
    assert "error" not in result
    assert analyze("sorry\x00 for the delay", "en")["moves"][0]["move"] == "apology"


@pytest.mark.parametrize("text", ["👍", "🙂🙂🙂", "？？", "..."])
def test_emoji_or_punctuation_only_is_perfunctory(text: str) -> None:
    result = analyze(text, "zh")
    assert "error" not in result
    assert moves_of(result) == ["perfunctory"]


def test_a_few_english_words_in_a_chinese_session_are_fine() -> None:
    assert "error" not in analyze("ok", "zh")
    assert moves_of(analyze("sorry亲，刚才看漏了", "zh"))[0] == "apology"


def test_every_cue_group_names_a_known_move() -> None:
    for lang in ("zh", "en"):
        rules = load_cues(lang)
        assert {g.move for g in rules.groups if g.move} <= set(MOVES)
        assert rules.groups, lang
