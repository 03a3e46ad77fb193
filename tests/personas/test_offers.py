"""Offers read in the trainee's own terms: which remedies, by when, and whether it is concrete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from personas.offers import (
    REMEDY_KINDS,
    REMEDY_LABELS,
    REMEDY_SYNONYMS,
    Offer,
    normalise_remedy,
    read_offer,
    remedy_label,
)

ROOT = Path(__file__).resolve().parents[2]

# (domain, lang, reply, remedies in order, time frame as said, concrete)
OFFERS = [
    # retail
    (
        "retail",
        "en",
        "I can send you a replacement today by express, or a full refund",
        ("exchange", "expedite", "refund"),
        "today",
        True,
    ),
    ("retail", "en", "I can get a new one out to you today", ("exchange",), "today", True),
    ("retail", "en", "How about a partial refund of 20%?", ("refund",), None, True),
    (
        "retail",
        "en",
        "We can't offer a refund on opened items, but I can exchange it for another size.",
        ("exchange",),
        None,
        True,
    ),
    (
        "retail",
        "en",
        "I'll arrange a collection and you'll have your money back within 5 working days.",
        ("refund",),
        "within 5 working days",
        True,
    ),
    ("retail", "en", "Instead of a voucher, I'll give you a full refund.", ("refund",), None, True),
    ("retail", "en", "No problem, I'll refund you right away.", ("refund",), None, True),
    ("retail", "en", "Why don't we send you a new one?", ("exchange",), None, True),
    ("retail", "en", "I'll email you the return label and the tracking number.", (), None, True),
    ("retail", "en", "We'll look into it.", (), None, False),
    ("retail", "en", "I'll pass this on to the relevant team and do it ASAP.", (), None, False),
    ("retail", "en", "I'm sorry about today's delay, you ordered 3 days ago.", (), None, False),
    ("retail", "zh", "我这边给您安排换新，明天发出", ("exchange",), "明天", True),
    ("retail", "zh", "要不我给您申请退款？", ("refund",), None, True),
    (
        "retail",
        "zh",
        "不好意思，退款是不行的，不过可以给您补发一个新的，48小时内发出",
        ("exchange",),
        "48小时内",
        True,
    ),
    ("retail", "zh", "不需要退货，直接给您补发一件", ("exchange",), None, True),
    ("retail", "zh", "是不是给您换新比较好？", ("exchange",), None, True),
    ("retail", "zh", "给您一张8折优惠券作为补偿", ("discount", "compensation"), None, True),
    ("retail", "zh", "给您退貨退款，三個工作日內到賬", ("refund",), "三個工作日內", True),
    ("retail", "zh", "我们会处理的", (), None, False),
    ("retail", "zh", "我马上帮您处理，尽快给您答复", (), None, False),
    ("retail", "zh", "您三天前下的单，已经等了三天了", (), None, False),
    # telecom
    (
        "telecom",
        "en",
        "I'll book an engineer visit for Thursday morning and credit your account "
        "with a month's line rental.",
        ("repair", "compensation"),
        "for Thursday morning",
        True,
    ),
    ("telecom", "en", "The outage should be cleared by 6 pm.", (), "by 6 pm", True),
    ("telecom", "en", "Let me check that for you.", (), None, False),
    (
        "telecom",
        "zh",
        "我给您安排师傅上门维修，明天上午十点前到",
        ("repair",),
        "明天上午十点前",
        True,
    ),
    (
        "telecom",
        "zh",
        "这三天的月租给您全额补偿，今天之内到账",
        ("compensation",),
        "今天之内",
        True,
    ),
    ("telecom", "zh", "我帮您反馈一下", (), None, False),
    # hotel
    (
        "hotel",
        "en",
        "I can move you to a junior suite tonight and refund the difference.",
        ("exchange", "refund"),
        "tonight",
        True,
    ),
    ("hotel", "en", "Let me upgrade you to a suite at no extra cost.", ("upgrade",), None, True),
    ("hotel", "zh", "我马上为您免费升级到套房，十分钟内就能入住", ("upgrade",), "十分钟内", True),
    (
        "hotel",
        "zh",
        "给您换一间安静的房间，再送一份早餐作为赔偿",
        ("exchange", "compensation"),
        None,
        True,
    ),
    # travel
    (
        "travel",
        "en",
        "I've rebooked you on the next flight, which leaves at 6:40 pm.",
        ("exchange",),
        "at 6:40 pm",
        True,
    ),
    (
        "travel",
        "en",
        "I can cancel the booking free of charge and you'll be reimbursed within 14 days.",
        ("cancel", "refund"),
        "within 14 days",
        True,
    ),
    ("travel", "zh", "给您免费改签到明天上午的航班", ("exchange",), "明天上午", True),
    ("travel", "zh", "这个订单不能取消，但可以给您改签", ("exchange",), None, True),
    # banking
    (
        "banking",
        "en",
        "I've reversed the charge and the money will be in your account within 3 to "
        "5 business days.",
        ("refund",),
        "within 3 to 5 business days",
        True,
    ),
    (
        "banking",
        "en",
        "I'll waive the late payment fee on this month's statement.",
        ("discount",),
        None,
        True,
    ),
    ("banking", "en", "The exchange rate is set by the card network.", (), None, False),
    (
        "banking",
        "zh",
        "这次给您免除年费，两个工作日内退回您的账户",
        ("discount", "refund"),
        "两个工作日内",
        True,
    ),
    ("banking", "zh", "我们会尽快核实", (), None, False),
    # repairs
    (
        "repairs",
        "en",
        "Our technician can come out on Saturday between 8 and 12 to fix the dishwasher.",
        ("repair",),
        "on Saturday",
        True,
    ),
    (
        "repairs",
        "en",
        "If the repair doesn't hold, we'll replace it with a new unit.",
        ("repair", "exchange"),
        None,
        True,
    ),
    (
        "repairs",
        "en",
        "A refund isn't possible, but I can offer a repair.",
        ("repair",),
        None,
        True,
    ),
    ("repairs", "zh", "手表我们免费返修，周五前给您寄回", ("repair",), "周五前", True),
    ("repairs", "zh", "不能给您退款，但是可以给您换一台新的", ("exchange",), None, True),
    # software
    (
        "software",
        "en",
        "I'll walk you through it step by step now, or I can set up a remote "
        "session at 3 pm today.",
        ("guide",),
        "at 3 pm today",
        True,
    ),
    (
        "software",
        "en",
        "I can extend your free trial and upgrade your plan at no charge.",
        ("trial", "upgrade"),
        None,
        True,
    ),
    (
        "software",
        "en",
        "I'll cancel the subscription and refund this month's fee.",
        ("cancel", "refund"),
        None,
        True,
    ),
    (
        "software",
        "en",
        "I'll call you back tomorrow before noon.",
        ("callback",),
        "tomorrow before noon",
        True,
    ),
    ("software", "en", "I'll escalate this to our developers.", (), None, False),
    ("software", "en", "I'll get back to you.", ("callback",), None, False),
    (
        "software",
        "zh",
        "我可以远程协助您一步一步操作，今晚八点前搞定",
        ("guide",),
        "今晚八点前",
        True,
    ),
    ("software", "zh", "我们明天给您回电", ("callback",), "明天", True),
    ("software", "zh", "回头给您回复", ("callback",), None, False),
    # mixed languages
    ("retail", "zh", "我给您refund，明天到账", ("refund",), "明天", True),
]


@pytest.mark.parametrize(
    ("domain", "lang", "text", "remedies", "time_frame", "concrete"),
    OFFERS,
    ids=[f"{row[0]}-{row[1]}-{i}" for i, row in enumerate(OFFERS)],
)
def test_an_offer_is_read_in_its_own_terms(domain, lang, text, remedies, time_frame, concrete):
    offer = read_offer(text, lang)
    assert offer.remedies == remedies, text
    assert offer.time_frame == time_frame, text
    assert offer.concrete is concrete, text
    assert len(offer.phrases) == len(offer.remedies)
    assert all(phrase in text for phrase in offer.phrases)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I can deliver it today", "en"),
        ("We'll have it to you by Friday", "en"),
        ("You'll hear from me within 48 hours", "en"),
        ("It'll be fixed in 2 working days", "en"),
        ("You'll have it by the end of the week", "en"),
        ("It arrives next week", "en"),
        ("A replacement by next Tuesday afternoon", "en"),
        ("今天给您发出", "zh"),
        ("今晚给您答复", "zh"),
        ("明天送到", "zh"),
        ("后天到货", "zh"),
        ("48小时内处理完", "zh"),
        ("3天内发货", "zh"),
        ("5个工作日到账", "zh"),
        ("本周之内解决", "zh"),
        ("下周一上门", "zh"),
        ("周五前寄回", "zh"),
    ],
)
def test_time_frames_are_kept_verbatim(text, lang):
    offer = read_offer(text, lang)
    assert offer.time_frame and offer.time_frame in text
    assert offer.concrete


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I'll sort it ASAP", "en"),
        ("We'll do it as soon as possible", "en"),
        ("I'll fix that right away", "en"),
        ("I'll be with you in a minute", "en"),
        ("马上给您处理", "zh"),
        ("尽快给您处理", "zh"),
        ("立即为您跟进", "zh"),
        ("给您一点时间考虑", "zh"),
    ],
)
def test_soon_is_not_a_time_frame(text, lang):
    assert read_offer(text, lang).time_frame is None


def test_entities_fill_in_what_the_patterns_miss():
    # a time frame only the analysis tagged, kept as said
    offer = read_offer("It takes 2 days.", "en", [{"entity": "time_frame", "value": "2 days"}])
    assert offer.time_frame == "2 days"
    # a vague time frame from the analysis is still vague
    assert (
        read_offer("我马上处理", "zh", [{"entity": "time_frame", "value": "马上"}]).time_frame
        is None
    )
    # a remedy entity counts where its words stand, in order with the rest
    offer = read_offer(
        "欢迎到店里体验，或者给您优惠", "zh", [{"entity": "remedy", "value": "体验"}]
    )
    assert offer.remedies == ("trial", "discount")
    # ... and not where the reply rules it out
    offer = read_offer("这款不能体验，可以给您优惠", "zh", [{"entity": "remedy", "value": "体验"}])
    assert offer.remedies == ("discount",)
    # a bare canonical value names nothing the reply said
    assert (
        read_offer("我们会处理的", "zh", [{"entity": "remedy", "value": "refund"}]).remedies == ()
    )
    # junk is ignored
    assert read_offer("Sorry.", "en", [{"entity": "remedy"}, {"value": "x"}, {}]) == Offer()


def _cue_entities(lang: str) -> dict:
    return yaml.safe_load((ROOT / "scoring" / "cues" / f"{lang}.yml").read_text("utf-8"))[
        "entities"
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_remedy_the_cues_tag_is_a_known_kind(lang):
    for name in _cue_entities(lang)["remedy"]:
        assert normalise_remedy(name) in REMEDY_KINDS, name


# Phrases the analysis cues tag as a remedy: the offer reader reads the same kind.
CUE_PHRASES = {
    "en": [
        "refund",
        "refunded",
        "money back",
        "reimbursement",
        "exchange",
        "swap",
        "replacement",
        "new one",
        "repair",
        "fix it",
        "technician",
        "discount",
        "coupon",
        "voucher",
        "10% off",
        "price match",
        "compensation",
        "credit",
        "goodwill",
        "gift card",
        "call you back",
        "callback",
        "call back",
        "reship",
        "resend",
        "send you a new",
        "ship it again",
    ],
    "zh": [
        "退款",
        "退钱",
        "退錢",
        "返现",
        "返現",
        "退货",
        "退貨",
        "退费",
        "換貨",
        "换货",
        "换一个",
        "換一台",
        "更换",
        "调换",
        "調換",
        "换新",
        "维修",
        "維修",
        "修理",
        "返修",
        "上门检测",
        "檢修",
        "优惠券",
        "代金券",
        "折扣",
        "打折",
        "8折",
        "八折",
        "减免",
        "立減",
        "满减",
        "补偿",
        "補償",
        "赔偿",
        "补贴",
        "红包",
        "积分",
        "免单",
        "回电",
        "回訪",
        "给您回",
        "打給您",
        "补发",
        "重新發",
        "重发",
    ],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_offer_reader_reads_what_the_cues_tag(lang):
    cues = _cue_entities(lang)["remedy"]
    for phrase in CUE_PHRASES[lang]:
        text = f"I can offer {phrase} for you." if lang == "en" else f"可以给您{phrase}。"
        tagged = [
            normalise_remedy(name)
            for name, pattern in cues.items()
            if re.search(pattern, text, re.IGNORECASE)
        ]
        assert tagged, f"not a cue phrase: {phrase}"
        assert read_offer(text, lang).remedies == (tagged[0],), phrase


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Refund", "refund"),
        (" money back ", "refund"),
        ("退款", "refund"),
        ("reship", "exchange"),
        ("replacement", "exchange"),
        ("换新", "exchange"),
        ("上门维修", "repair"),
        ("test drive", "trial"),
        ("升舱", "upgrade"),
        ("something else", "something else"),
    ],
)
def test_remedy_names_normalise_to_one_kind(name, kind):
    assert normalise_remedy(name) == kind


def test_every_kind_has_synonyms_and_labels_in_both_languages():
    assert set(REMEDY_SYNONYMS) == set(REMEDY_KINDS)
    for lang in ("en", "zh"):
        assert set(REMEDY_LABELS[lang]) == set(REMEDY_KINDS)
    for kind in REMEDY_KINDS:
        assert normalise_remedy(kind) == kind
        assert re.search(r"[\u4e00-\u9fff]", remedy_label(kind, "zh")), kind
        assert not re.search(r"[\u4e00-\u9fff]", remedy_label(kind, "en")), kind


@pytest.mark.parametrize(
    ("remedy", "lang", "label"),
    [
        ("exchange", "en", "a replacement"),
        ("refund", "en", "a refund"),
        ("exchange", "zh", "换新"),
        ("refund", "zh", "退款"),
        ("退款", "en", "a refund"),
        ("replacement", "zh", "换新"),
        ("pizza_party", "en", "pizza party"),
    ],
)
def test_the_customer_names_a_remedy_in_the_line_language(remedy, lang, label):
    assert remedy_label(remedy, lang) == label


def test_every_library_remedy_is_a_known_kind(library):
    for persona in library.list():
        remedies = persona.scenario.get("remedies") or {}
        for name in [*(remedies.get("acceptable") or []), *(remedies.get("rejected") or [])]:
            assert normalise_remedy(name) in REMEDY_KINDS, (persona.id, name)


def test_charges_for_a_failed_service_given_back_are_compensation_not_a_discount():
    assert read_offer("断网这三天的月租全部减免，下个月账单直接扣掉。", "zh").remedies == (
        "compensation",
    )
    assert read_offer("免除您这三天的宽带费", "zh").remedies == ("compensation",)
    assert read_offer("這三天的月租全部減免", "zh").remedies == ("compensation",)
    # money off as such stays a discount
    assert read_offer("这次给您减免一部分", "zh").remedies == ("discount",)
    assert read_offer("我给您一张优惠券", "zh").remedies == ("discount",)


def test_a_brand_new_one_sent_is_an_exchange():
    offer = read_offer("I'll send you a brand-new Aero 3 by express courier today.", "en")
    assert offer.remedies == ("exchange", "expedite")


@pytest.mark.parametrize(
    ("text", "lang"),
    [("上门要排队，下周看看。", "zh"), ("We'll see, maybe by Friday.", "en"), ("明天再说吧", "zh")],
)
def test_a_time_frame_only_hoped_for_is_no_promise(text, lang):
    offer = read_offer(text, lang)
    assert offer.time_frame is not None
    assert not offer.concrete


def test_a_time_frame_promised_is_concrete():
    assert read_offer("师傅明天上午上门", "zh").concrete
    assert read_offer("It'll be with you by Friday, I'll make sure of it.", "en").concrete


def test_moving_a_guest_up_to_a_better_room_is_an_upgrade() -> None:
    offer = read_offer("I'm moving you to our corner executive suite at no extra charge.", "en")
    assert "upgrade" in offer.remedies
    assert "upgrade" in read_offer("我给您换到行政套房，不加钱。", "zh").remedies


def test_a_remedys_record_asked_for_or_looked_up_offers_nothing():
    """Session 8 (blind set 8): '麻烦您把维修单号给我' asks for an id; it offers no repair."""
    for text, lang in [
        ("请把退货单号发我一下", "zh"),
        ("我先查一下您的维修记录", "zh"),
        ("What's the refund reference on your email?", "en"),
        ("Do you have the repair ticket to hand?", "en"),
    ]:
        assert read_offer(text, lang).remedies == (), text
    assert read_offer("我今天就给您安排退货，运费我们出", "zh").remedies == ("refund",)
    assert read_offer("I'll book the repair for Friday", "en").remedies == ("repair",)
