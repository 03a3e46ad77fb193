"""What a trainee offered, in the trainee's own terms: ``read_offer(text, lang, entities)``.

The persona engine answers a proposal about what was proposed: the remedies the reply names
(refund, exchange …), the time frame as the trainee said it ("by Friday", "48小时内") and
whether the reply commits to anything concrete at all ("we'll look into it" does not).

This module is the one table of remedy names: the canonical kinds, the names a trainer or the
move analysis may write for them (``normalise_remedy``), the phrasings a reply uses for them
(English and Chinese, simplified or traditional, mixed in one reply) and how a customer says
them in a line (``remedy_label``).

The move analysis (scoring/cues/*.yml ``entities``) tags remedies and time frames too. Its
remedy values are canonical kinds (or ``reship``, a new unit, so an exchange); the phrase tables
here read everything its cues tag, less a few readings they get wrong ("exchange rate", "credit
card", "replace the filter"), and a remedy the reply rules out ("we can't refund it, but …") is
not offered. Its time frames include vague ones ("asap", "马上"), which are not time frames here.

Pure Python, stdlib only: runs in both environments.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from practice.literals import LiteralIndex, may_match

__all__ = [
    "REMEDY_KINDS",
    "REMEDY_LABELS",
    "REMEDY_SYNONYMS",
    "Offer",
    "normalise_remedy",
    "read_offer",
    "remedy_label",
]

#: the canonical remedy kinds, the names persona files and the engine use
REMEDY_KINDS: Final[tuple[str, ...]] = (
    "refund",
    "exchange",
    "repair",
    "discount",
    "compensation",
    "callback",
    "guide",
    "cancel",
    "expedite",
    "trial",
    "upgrade",
)

#: remedy names as a trainer may write them in a persona file or the analysis may tag them
#: -> canonical kind. A new unit is a new unit to the customer however it is shipped, so
#: replacement and reship count as exchange; cash back (返现) is money back, as the cues say.
REMEDY_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    "refund": ("refund", "money back", "退款", "退钱", "退货退款", "退货", "返现"),
    "exchange": (
        "exchange",
        "swap",
        "replacement",
        "replace",
        "new one",
        "reship",
        "resend",
        "换货",
        "更换",
        "换新",
        "换一个",
        "补发",
        "重发",
    ),
    "repair": ("repair", "fix", "维修", "修理", "返修", "上门维修"),
    "discount": ("discount", "coupon", "voucher", "优惠", "折扣", "优惠券", "打折"),
    "compensation": ("compensation", "credit", "补偿", "赔偿", "积分"),
    "callback": ("callback", "call back", "回电", "回访"),
    "guide": ("guide", "tutorial", "walkthrough", "instructions", "教程", "指导", "远程协助"),
    "cancel": ("cancel", "cancellation", "取消", "取消订单"),
    "expedite": ("expedite", "express", "加急", "催发", "优先发货"),
    "trial": ("trial", "test drive", "试用", "体验", "试驾", "试听"),
    "upgrade": ("upgrade", "room upgrade", "升级", "升舱", "升房"),
}

#: how a customer names a remedy in a line ("A replacement by Friday? OK." / "换新的话明天能到吗？")
REMEDY_LABELS: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "refund": "a refund",
        "exchange": "a replacement",
        "repair": "a repair",
        "discount": "a discount",
        "compensation": "compensation",
        "callback": "a call back",
        "guide": "a walkthrough",
        "cancel": "a cancellation",
        "expedite": "express delivery",
        "trial": "a trial",
        "upgrade": "an upgrade",
    },
    "zh": {
        "refund": "退款",
        "exchange": "换新",
        "repair": "维修",
        "discount": "优惠",
        "compensation": "补偿",
        "callback": "回电",
        "guide": "远程指导",
        "cancel": "取消订单",
        "expedite": "加急",
        "trial": "试用",
        "upgrade": "升级",
    },
}

_REMEDY_LOOKUP: Final[dict[str, str]] = {
    synonym.lower(): kind for kind, synonyms in REMEDY_SYNONYMS.items() for synonym in synonyms
}


@dataclass(frozen=True)
class Offer:
    """What one reply offers."""

    #: canonical remedy kinds the reply names (not the ones it rules out), first mention first
    remedies: tuple[str, ...] = ()
    #: the time frame as the trainee said it ("today", "by Friday", "48小时内"); vague ones
    #: ("asap", "马上", "尽快") are not time frames
    time_frame: str | None = None
    #: names a remedy (a bare promise to call back is not one), a time frame or a concrete
    #: action; "we'll look into it" / "我们会处理的" is not concrete, nor a time frame only hoped
    #: for ("下周看看", "we'll see, maybe by Friday")
    concrete: bool = False
    #: the words each remedy in ``remedies`` was first named with, in the same order
    phrases: tuple[str, ...] = ()


def normalise_remedy(value: str) -> str:
    """Map a remedy name ("退款", "Refund", "money back", "reship") to its canonical kind;
    an unknown name comes back lower-cased."""
    key = value.strip().lower()
    return _REMEDY_LOOKUP.get(key, key)


def remedy_label(remedy: str, lang: str) -> str:
    """How the customer says a remedy in a line: "a replacement", "a refund", "换新", "退款".
    Takes a canonical kind or any name ``normalise_remedy`` knows."""
    labels = REMEDY_LABELS.get(lang) or REMEDY_LABELS["en"]
    kind = normalise_remedy(remedy)
    return labels.get(kind) or kind.replace("_", " ")


# ---- reading a reply ----------------------------------------------------------------------

# Traditional characters the tables below care about -> simplified, one for one, so spans
# found in the folded text are spans of the reply.
_FOLD: Final[dict[int, int]] = str.maketrans(
    "換貨維補償賠優讓錢費發個兩內後週鐘時號點禮馬盡儘級試駕聽遠協導單訂銷約電訪聯復師門檢測積紅貼減滿為這給會處幫們頭艙體驗郵"
    "順豐運達應說無沒辦題還壞舊將來過車幾現調裝課機預專購買間隻雙臺書驟統賬帳額麼嗎請謝歉",
    "换货维补偿赔优让钱费发个两内后周钟时号点礼马尽尽级试驾听远协导单订销约电访联复师门检测积红贴减满为这给会处帮们头舱体验邮"
    "顺丰运达应说无没办题还坏旧将来过车几现调装课机预专购买间只双台书骤统账账额么吗请谢歉",
)


def _fold(text: str) -> str:
    return text.translate(_FOLD).replace("’", "'")


def _en(pattern: str) -> str:
    """An English pattern that also stands whole inside Chinese text ("给您refund")."""
    return rf"(?<![a-z]){pattern}(?![a-z])"


# Phrasings of each remedy in a reply, English (whole words, also inside Chinese text) and
# Chinese (simplified; traditional is folded first). Kept a superset of what the cues in
# scoring/cues/*.yml ``entities.remedy`` tag, so an analysis entity never disagrees.
_EN_PHRASES: Final[dict[str, tuple[str, ...]]] = {
    "refund": (
        r"(?:partial |full |a )?refund(?:s|ed|ing)?",
        r"money back|reimburse(?:d|ment)?|pay you back|charge ?back",
        r"revers(?:e|ed|ing) the (?:charge|payment|transaction|fee)",
    ),
    "exchange": (
        r"exchange(?:d|s)?(?! rate)|swap(?:ped|ping)?(?: it)?",
        r"replace(?:ment|d|s)?(?! the (?:filter|battery|batteries|cartridge))(?!\s*[\"“'‘])",
        r"(?:a |another |brand[- ])?new (?:one|unit|device|set|pair|item)",
        r"another one|a fresh one",
        r"re-?ship(?:ped|ping)?|re-?deliver(?:y|ed)?",
        r"re-?send(?:ing)?(?! (?:you )?(?:the |an? )?(?:e-?mail|link|code|confirmation|invoice"
        r"|receipt|details|message|password))",
        r"(?:send|ship|get)(?:ing)? (?:you |out )?(?:a |another )?(?:brand[- ])?new"
        r"|(?:ship|send) (?:it |them )?(?:out )?again",
        r"re-?book(?:ed|ing)?(?: you)?",
        r"(?:move|moving) you (?:in)?to (?:a |another |the |our |one of our )"
        r"|(?:another|a different) room",
    ),
    "repair": (
        r"repair(?:s|ed|ing)?|technician|engineer(?: visit)?",
        r"fix (?:it|the|this|that|your)|(?:get|have) (?:it|this) fixed",
        r"(?:on-?site|home) (?:visit|service)",
    ),
    "discount": (
        r"discount(?:ed|s)?|coupon|voucher|promo(?:tion(?:al)?)? code|price match",
        r"\d+ ?% off|money off|knock [^.,;!?]{0,20} off|reduced price",
        r"waiv(?:e|ed|ing) (?:the |your |this )?(?:\w+ ){0,2}(?:fee|charge)s?",
    ),
    "compensation": (
        r"compensat(?:e|ion|ing)|goodwill(?: gesture| payment)?|gift card|store credit",
        r"credit(?! (?:card|score|check|limit|rating|history))(?:ed|s)?",
        r"complimentary (?:breakfast|dinner|drinks?|night|bottle|stay|meal|month)",
        r"(?:a |one )?(?:free|extra) (?:month|night|week)s?",
    ),
    "callback": (
        r"call(?:ing)? (?:you )?back|call-?back|ring you back|phone you back|get back to you",
        r"give you a (?:call|ring)",
        r"call you (?:at|on|by|tomorrow|today|tonight|this|later|in|first)",
    ),
    "guide": (
        r"(?:walk|guid|talk)(?:e|ing)? you through",
        r"step[- ]by[- ]step|instructions|tutorial|walkthrough|show you how|help article",
        r"remote (?:session|assistance|support|access)|screen ?-?shar(?:e|ing)",
    ),
    "cancel": (r"cancel(?:l?ation|l?ed|l?ing|s)?|terminate (?:the|your) contract",),
    "expedite": (
        r"expedit(?:e|ed|ing)|(?:by|via|with|using) express",
        r"express (?:delivery|shipping|post|courier|service)|(?:send|ship) (?:it |them )?express",
        r"priority (?:shipping|delivery|dispatch|handling)",
        r"rush (?:it|the order|delivery|shipping)|fast[- ]track",
        r"(?:next|same)[- ]day (?:delivery|shipping|dispatch)",
    ),
    "trial": (
        r"(?:free )?trial(?: period)?|test[- ]drive|demo(?:nstration)?",
        r"try (?:it|them) (?:out|at home|free|for)",
    ),
    "upgrade": (
        r"upgrade(?:d|s)?(?! (?:your |the )?(?:shipping|delivery))",
        r"(?:move|moving|moved|put|putting|transfer|transferring|switch|switching) you (?:up )?"
        r"(?:in)?to (?:a |an |our |the |your )?(?:[a-z-]+ ){0,3}(?:executive|premium|deluxe"
        r"|superior|presidential|penthouse|business class|first class)",
    ),
}
_ZH_PHRASES: Final[dict[str, tuple[str, ...]]] = {
    "refund": (
        r"(?:部分|全额)?退款|退钱|退货|退费|原路退回|返现|返还",
        r"退回(?:到)?您?的?(?:账户|原支付)",
    ),
    "exchange": (
        r"换货|换新|更换(?!滤芯|电池|费用|成本|周期|频率|一次)|调换|换一?[台件部只双套间](?:新的)?|换一个|换个(?:新|房)",
        r"补发|重新发|重发|补寄|重新寄|换房|改签",
    ),
    "repair": (
        r"维修|修理|返修|检修|上门检测|(?:师傅|工程师|技术员)上门|修好|修一下",
        # spoken: "师傅带着备用光猫上门修" (the technician comes round and fixes it)
        r"(?:师傅|工程师|技术员)[^,.;!?，。；！？]{0,10}?上门(?!安装|送|取|测量|量)|上门(?:来)?修",
    ),
    "discount": (
        r"优惠|折扣|打折|[0-9一二三四五六七八九]{1,2}折|减免|立减|满减|代金券|让利|减价",
        r"免(?:掉|除)?(?:这笔|本次|这次|您的)?(?:手续费|违约金|滞纳金|运费|年费|月租)",
    ),
    "compensation": (
        r"补偿|赔偿|补贴|红包|积分|免单|赔付|赠送",
        # charges for a service that failed, given back: "断网这三天的月租全部减免", "下月账单抵扣"
        # (money off a purchase, 减免 alone, stays a discount)
        r"(?:月租|租金|服务费|话费|宽带费|网费|月费|房费)[^,.;!?，。；！？]{0,8}?"
        r"(?:全部|全额)?(?:减免|免除|免掉|免收|抵扣|退还|返还|不收|全免)"
        r"|(?:减免|免除|免收|抵扣|退还)[^,.;!?，。；！？]{0,8}?(?:月租|租金|服务费|话费|宽带费|网费|月费|房费)",
    ),
    "callback": (r"回电|回访|给您回(?:个)?(?:电话|电|复)?|打给您|给您打(?:个)?电话|回复您|联系您",),
    "guide": (r"指导|教您|教程|远程协助|远程|一步一步|操作步骤|带您操作|说明书|手把手",),
    "cancel": (r"取消|退订|撤销|解约",),
    "expedite": (
        r"加急|催发|帮您催|催一下|优先发货|优先处理|优先安排|顺丰|特快|次日达|当日达"
        r"|提到最急|(?:提|升)(?:成|为|到)?(?:特急|最高优先)",
    ),
    "trial": (r"试用|试驾|试听|试穿|免费体验|到店体验|预约体验|体验(?:一下|装|版|课|机)",),
    "upgrade": (
        r"(?<!系统)(?<!版本)(?<!固件)(?<!软件)升级|升舱|升房",
        r"(?:换|调|安排)(?:到|成|去)[^，。,.]{0,6}(?:套房|行政|豪华|商务舱|头等舱)",
    ),
}

# A remedy's name used for a record of it asks for or looks up that record, it offers nothing:
# "your repair ticket number", "the refund reference", "维修单号", "退款进度" (blind set 8:
# "麻烦您把维修单号给我" was judged a premature offer of a repair).
_RECORD_AFTER = (
    r"(?!\s?(?:ticket|reference|ref|number|no\b|record|history|log|status|form|claim number)"
    r"|单|工单|记录|编号|进度|状态|凭证|历史)"
)
_REMEDY_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (
        kind,
        re.compile(
            "(?:"
            + "|".join(
                [f"(?:{_en(p)})" for p in _EN_PHRASES[kind]]
                + [f"(?:{p})" for p in _ZH_PHRASES[kind]]
            )
            + ")"
            + _RECORD_AFTER,
            re.IGNORECASE,
        ),
    )
    for kind in REMEDY_KINDS
)
#: the literals the remedy phrases need (speed only: a kind none of whose literals the reply
#: holds is not searched for)
_REMEDY_INDEX: Final = LiteralIndex([pattern for _, pattern in _REMEDY_PATTERNS])

# Where one thought ends and the next begins: a negation only reaches to the end of its clause.
_CLAUSE_BREAK = re.compile(
    r"[,.;:!?，。；：！？、\n()（）]|\s[-–—]\s"
    r"|(?<![a-z])(?:but|however|instead(?! of)|otherwise)(?![a-z])"
    r"|但是|但|不过|可是|而是|否则|或者",
    re.IGNORECASE,
)
# A negation before a remedy in its clause ("we can't offer a refund", "不能退款"), near it.
_NEGATION_BEFORE = re.compile(
    r"(?<![a-z])(?:can'?t|cannot|can not|couldn'?t|unable to|not able to|won'?t|wouldn'?t"
    r"|(?<!why )don'?t(?! worry)|doesn'?t|isn'?t|aren'?t|never|no(?! (?:problem|worries|doubt))"
    r"|not(?! only)|instead of|rather than)(?![a-z])"
    r"|不能|不可以|不可能|没法|无法|没办法|不支持|不予|不提供|不给|不会给|不会|不行(?!的话)|(?<!是)不是|不需要|无需|无须"
    r"|不用(?!担心|着急|急)",
    re.IGNORECASE,
)
# ... or after it ("a refund isn't possible", "退款是不行的").
_NEGATION_AFTER = re.compile(
    r"(?<![a-z])(?:(?:is|are|would be|will be) not (?:possible|an option|available)"
    r"|isn'?t (?:possible|an option|available)|aren'?t (?:possible|available)|won'?t be possible"
    r"|can'?t be (?:done|arranged)|(?:is |are )?(?:impossible|off the table|out of the question)"
    # "money off is not what you came for", "a voucher won't help": named to be set aside
    r"|(?:is|are|was|were)(?: not|n'?t) (?:what|the answer|enough|the point|right for)"
    r"|(?:does|do|did|will|would|wo)(?: not|n'?t) (?:help|fix|solve|do it|cut it))"
    r"|不行|不可以|办不了|做不到|没办法|不支持|不可能|无法办理|不能办理"
    r"|不是您(?:想)?要的|解决不了|不解决|没用|不合适|不对路",
    re.IGNORECASE,
)
_NEGATION_REACH_WORDS = 6
_NEGATION_REACH_CHARS = 10
_WORDS = re.compile(r"[a-z0-9']+", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")

# ---- time frames ----

_EN_NUM = (
    r"(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|fifteen|twenty|thirty|twenty-four|forty-eight|seventy-two|a couple of|a few|half an?)"
)
_EN_UNIT = r"(?:working |business )?(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
#: short day names are words too ("for the sun", "the sofa sat"): only right after by/on/before/
#: until/this/next, never after "the"
_WEEKDAY_SHORT = r"(?:mon|tues?|wed|thur?s?|fri|sat|sun)"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAYTIME = r"(?:morning|afternoon|evening|night|lunchtime)"
_CLOCK = (
    r"(?:\d{1,2}(?::\d{2})? ?(?:am|pm|a\.m\.|p\.m\.|o'clock)|\d{1,2}:\d{2}|noon|midday|midnight)"
)
_EN_TIME = (
    rf"(?:within|in|inside|under|in under|in less than|less than|no more than|in about|in around"
    rf"|within the next|in the next|over the next|within the)\s+{_EN_NUM}"
    rf"(?:\s*(?:-|–|to)\s*{_EN_NUM})?\s*[- ]?{_EN_UNIT}",
    r"within (?:the|an|one) (?:hour|day|week)|in half an hour|within half an hour",
    r"\d+(?:\s*(?:-|–|to)\s*\d+)?\s*(?:working|business) days?",
    r"(?:later |by the end of |by end of |before the end of |by |until )?today(?!'s)",
    rf"(?:by |until |before )?(?:tonight|this {_DAYTIME}|this week(?:end)?|next week(?:end)?"
    r"|the weekend)",
    rf"(?:first thing |by |until |before )?tomorrow(?: {_DAYTIME})?|the day after tomorrow"
    r"|first thing(?: in the morning)?",
    rf"(?:(?:by|on|before|until|for) (?:this |next |the |coming )?|(?:this|next|coming) )"
    rf"{_WEEKDAY}(?: {_DAYTIME})?",
    rf"(?:by|on|before|until|this|next|coming) {_WEEKDAY_SHORT}(?: {_DAYTIME})?",
    # "at the end of the day" is a figure of speech ("it comes down to taste at the end of the
    # day"), not a deadline
    r"(?<!\bat )(?<!\bat the )(?:by |before )?(?:the )?end of (?:the |this )?(?:day|week|month)"
    r"|(?:by )?close of business"
    r"|(?:by )?(?:cob|eod)",
    rf"(?:by|before|at|until|around) {_CLOCK}(?: today| tomorrow)?",
    rf"(?:by|on|before) (?:the )?\d{{1,2}}(?:st|nd|rd|th)(?: of {_MONTH})?",
    rf"(?:by|on|before) {_MONTH} \d{{1,2}}(?:st|nd|rd|th)?|(?:by|on|before) \d{{1,2}} {_MONTH}",
    r"(?:next|same)[- ]day(?= (?:delivery|shipping|dispatch))",
)
_ZH_NUM = r"(?:[0-9０-９]+(?:\.[0-9]+)?|[一二两三四五六七八九十百半几]+)"
_ZH_CLOCK = r"(?:[0-9]{1,2}|[一二两三四五六七八九十]+)点(?:[0-9]{2}分?|半|[一二三四五]十分?)?"
_ZH_TIME = (
    # working days are always a promise; other durations only with 内/后 or a delivery verb
    # after them ("三天前", "已经三天了" are the past)
    rf"{_ZH_NUM}(?:\s*[-~到至－]\s*{_ZH_NUM})?\s*个?工作日(?:之内|以内|内)?(?!前)",
    # how long something is used or taken ("用四周左右", "坚持两个月") is no promise
    rf"(?<!用)(?<!坚持)(?<!连续)(?<!持续)"
    rf"{_ZH_NUM}(?:\s*[-~到至－]\s*{_ZH_NUM})?\s*个?(?:小时|钟头|分钟|天|周|星期|个月)"
    r"(?:之内|以内|内|之后|以后|后|左右|(?=就|即可|到|送|发|寄|处理|完成|回|给|退|换|修|上门|安排))",
    r"(?:今天|明天|后天|大后天|今晚|明早|明晚|当天|次日)(?:上午|中午|下午|傍晚|晚上|早上)?"
    r"(?:之内|以内|内|之前|以前|前)?"
    # the day the customer acts on ("今天下单明天发货": the promise is 明天) is no promise
    r"(?!(?:上午|中午|下午|傍晚|晚上|早上)?(?:下单|付款|支付|购买|买|订购|预订|拍下|签约))",
    # a clock time needs a part of the day, digits or 前: 一点 alone is "a little"
    rf"(?:上午|中午|下午|傍晚|晚上|早上){_ZH_CLOCK}(?:之前|以前|前)?"
    rf"|[0-9]{{1,2}}点(?:[0-9]{{2}}分?|半)?(?:之前|以前|前)?|{_ZH_CLOCK}(?:之前|以前|前)",
    r"(?:本周|这周|下周|这个星期|下个星期)(?:之内|以内|内)?"
    r"|(?<!上)(?<!上个)(?:本|这|下|这个|下个)?(?:周|星期|礼拜)[一二三四五六日天](?:之前|以前|前)?",
    r"(?:这个)?周末(?:之前|以前|前)?|月底(?:之前|以前|前)?|下个月|本月(?:内|底)?",
    rf"{_ZH_NUM}月{_ZH_NUM}[日号](?:之前|以前|前)?"
    rf"|(?<![0-9一二三四五六七八九十月]){_ZH_NUM}号(?:之前|以前|前)",
)
_TIME_FRAME = re.compile(
    "|".join(f"(?:{_en(p)})" for p in _EN_TIME) + "|" + "|".join(f"(?:{p})" for p in _ZH_TIME),
    re.IGNORECASE,
)
#: what the analysis may tag as a time frame but only says "soon"
_VAGUE_TIME = re.compile(
    r"^(?:asap|as soon as (?:possible|we can|i can)|right away|right now|immediately|straight away"
    r"|soon|shortly|later|(?:in|within) (?:a|one) (?:min|minute|sec|second|moment)s?"
    r"|马上|立即|立刻|尽快|尽早|赶紧|很快|稍后|回头|及时)$",
    re.IGNORECASE,
)

#: a time frame only hoped for ("下周看看", "we'll see next week", "maybe by Friday"): no promise
_HEDGE = re.compile(
    r"(?<![a-z])(?:we'?ll see|let'?s see|maybe|perhaps|no promises|can'?t promise|not sure)"
    r"(?![a-z])|看看|再说|看情况|说不准|不一定|不好说|也许",
    re.IGNORECASE,
)

# ---- concrete actions (without a remedy or time frame) ----
_CONCRETE_EN = (
    r"(?:send|email|e-mail|text|message)(?:ing)? (?:it to )?(?:you )?(?:the |a |an |your )?"
    r"(?:tracking|confirmation|reference|return label|label|link|code|receipt|invoice|quote"
    r"|details|photos?|form)",
    r"(?:book|schedule|arrange)(?:ed|ing)? (?:you )?(?:in )?(?:a |an )?"
    r"(?:appointment|visit|courier|collection|pick-?up|slot)",
    r"(?:ticket|case|reference|ref)(?: number| no\.?)? ?#?:? ?[a-z]{0,4}-?\d{3,}",
    r"\d+(?:\.\d+)? ?(?:pounds|dollars|euros|yuan|%)",
)
_CONCRETE_ZH = (
    r"(?:£|\$|€|¥|￥)\s?\d+|[0-9]+(?:\.[0-9]+)?\s*(?:元|块|%)",
    r"发(?:给)?您?(?:一下)?(?:物流单号|快递单号|运单号|单号|确认短信|短信|链接|退货地址|地址"
    r"|视频|截图|报价|电子发票|发票)",
    r"预约(?:了)?(?:师傅|工程师|上门|时间|安装)|安排(?:了)?(?:师傅|工程师|快递|上门|取件|专人)"
    r"|上门(?:取件|安装)",
    r"(?:工单|单)号\s*[:：]?\s*[A-Za-z]{0,4}\d{3,}",
)
_CONCRETE = re.compile(
    "|".join([f"(?:{_en(p)})" for p in _CONCRETE_EN] + [f"(?:{p})" for p in _CONCRETE_ZH]),
    re.IGNORECASE,
)


def _clause_span(folded: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for m in _CLAUSE_BREAK.finditer(folded, 0, start):
        left = m.end()
    right_match = _CLAUSE_BREAK.search(folded, end)
    right = right_match.start() if right_match else len(folded)
    return left, right


def _near_tail(text: str) -> str:
    """The few words (or, in Chinese, characters) just before a mention."""
    if _CJK.search(text[-_NEGATION_REACH_CHARS:]):
        return text[-_NEGATION_REACH_CHARS:]
    words = list(_WORDS.finditer(text))
    if len(words) <= _NEGATION_REACH_WORDS:
        return text
    return text[words[-_NEGATION_REACH_WORDS].start() :]


def _near_head(text: str) -> str:
    if _CJK.search(text[:_NEGATION_REACH_CHARS]):
        return text[:_NEGATION_REACH_CHARS]
    words = list(_WORDS.finditer(text))
    if len(words) <= _NEGATION_REACH_WORDS:
        return text
    return text[: words[_NEGATION_REACH_WORDS - 1].end()]


def _ruled_out(folded: str, start: int, end: int) -> bool:
    """Whether the reply names this remedy only to rule it out."""
    left, right = _clause_span(folded, start, end)
    before = _near_tail(folded[left:start])
    after = _near_head(folded[end:right])
    return bool(_NEGATION_BEFORE.search(before) or _NEGATION_AFTER.search(after))


def _named(folded: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every remedy phrase in the reply, first first; a phrase inside a
    longer one of another kind belongs to the longer one."""
    may = _REMEDY_INDEX.matchable(folded)
    found = sorted(
        (
            (m.start(), m.end(), kind)
            for kind, pattern in (
                _REMEDY_PATTERNS if may is None else [_REMEDY_PATTERNS[i] for i in may]
            )
            for m in pattern.finditer(folded)
        ),
        key=lambda item: (item[0], item[0] - item[1]),
    )
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in found:
        if not any(s <= start and end <= e and k != kind for s, e, k in kept):
            kept.append((start, end, kind))
    return kept


def _entity_values(entities: Sequence[Mapping[str, Any]], name: str) -> list[str]:
    values = []
    for entity in entities:
        if isinstance(entity, Mapping) and entity.get("entity") == name:
            value = entity.get("value")
            if value is not None and str(value).strip():
                values.append(str(value).strip())
    return values


def _time_frame(text: str, folded: str, entities: Sequence[Mapping[str, Any]]) -> str | None:
    matches = (
        [m for m in _TIME_FRAME.finditer(folded) if not _VAGUE_TIME.match(m.group(0))]
        if may_match(_TIME_FRAME, folded)
        else []
    )
    if matches:
        start, end = matches[0].span()
        # adjacent pieces make one time frame: "tomorrow by 5 pm", "明天下午三点前"
        for m in matches[1:]:
            if m.start() > end + 1 or folded[end : m.start()].strip(" "):
                break
            end = m.end()
        return text[start:end].strip()
    for value in _entity_values(entities, "time_frame"):
        if _VAGUE_TIME.match(value):
            continue
        position = folded.lower().find(_fold(value).lower())
        return text[position : position + len(value)] if position >= 0 else value
    return None


def _hedged(folded: str, time_frame: str) -> bool:
    """The time frame stands in a clause that only hopes for it ("下周看看")."""
    start = folded.find(_fold(time_frame))
    if start < 0:
        return False
    left, right = _clause_span(folded, start, start + len(time_frame))
    return bool(_HEDGE.search(folded[left:right]))


def read_offer(text: str, lang: str, entities: Sequence[Mapping[str, Any]] = ()) -> Offer:
    """What a reply offers: the remedies it names (in order, ruled-out ones left out), the time
    frame as said, and whether it is concrete.

    ``entities`` are the analysis's (``remedy`` and ``time_frame``): a remedy entity whose
    words appear in the reply is read there like a phrase of the tables; a time-frame entity
    is the fallback when the patterns find none (unless it only says "soon"). ``lang`` is the
    session language; both languages' phrasings are read, as replies mix them."""
    del lang  # both tables are read: "给您refund", "a 换新" happen
    text = text or ""
    folded = _fold(text)
    found = [(start, end, kind) for start, end, kind in _named(folded)]
    # an entity (from the analysis) counts where its words stand in the reply, so it is ordered
    # and checked like the rest; a bare canonical value ("refund" for "退款") adds nothing the
    # tables have not read
    lowered = folded.lower()
    for value in _entity_values(entities, "remedy"):
        start = lowered.find(_fold(value).lower())
        kind = normalise_remedy(value)
        if start >= 0 and kind in REMEDY_KINDS:
            found.append((start, start + len(value), kind))
    remedies: list[str] = []
    phrases: list[str] = []
    for start, end, kind in sorted(found, key=lambda item: item[0]):
        if kind not in remedies and not _ruled_out(folded, start, end):
            remedies.append(kind)
            phrases.append(text[start:end].strip())
    time_frame = _time_frame(text, folded, entities)
    promised = time_frame is not None and not _hedged(folded, time_frame)
    concrete = (
        any(kind != "callback" for kind in remedies) or promised or bool(_CONCRETE.search(folded))
    )
    return Offer(
        remedies=tuple(remedies),
        time_frame=time_frame,
        concrete=concrete,
        phrases=tuple(phrases),
    )


# ---- prices and budgets ---------------------------------------------------------------------

_ZH_DIGITS: Final[dict[str, int]] = dict(
    zip("零一二两三四五六七八九", (0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)
_ZH_UNITS: Final[dict[str, int]] = {"十": 10, "百": 100, "千": 1000}


def _zh_below_wan(text: str) -> float | None:
    """ "三百八" -> 380, "两千九百九" -> 2990, "十五" -> 15: a trailing digit after a unit is the
    next lower unit's, as people say prices."""
    total, digit, last_unit = 0, None, None
    for char in text:
        if char in _ZH_DIGITS:
            digit = _ZH_DIGITS[char]
        elif char in _ZH_UNITS:
            unit = _ZH_UNITS[char]
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    if digit is not None:
        total += digit * (last_unit // 10 if last_unit and last_unit >= 10 else 1)
    return float(total)


def zh_number(text: str) -> float | None:
    """A number written in Chinese numerals, or digits with 万 ("三十五万", "一万二", "33.8万")."""
    text = text.strip()
    if not text:
        return None
    if "万" in text:
        head, _, tail = text.partition("万")
        high = _plain_number(head) if re.fullmatch(r"[\d.]+", head) else _zh_below_wan(head or "一")
        if high is None:
            return None
        low = _zh_below_wan(tail) if tail else 0.0
        if low is None:
            return None
        if tail and len(tail) == 1 and tail in _ZH_DIGITS:
            low = _ZH_DIGITS[tail] * 1000.0  # 一万二: twelve thousand
        return high * 10000 + low
    if re.fullmatch(r"[\d.]+", text):
        return _plain_number(text)
    return _zh_below_wan(text)


def _plain_number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


_ZH_NUMERAL = r"[零一二两三四五六七八九十百千万]+"
_NOT_MONEY_EN = (
    r"(?!\s*(?:k?w\b|kwh|wh|mah|gb|tb|mb|mm|cm|m\b|km|metres?|meters?|inch|in\b|\"|%|v\b|volts?"
    r"|hours?|hrs?|years?|months?|weeks?|days?|nights?|people|persons?|guests?|rooms?|x\b|rpm"
    r"|nm|kg|g\b|litres?|liters?|l\b|ml|seats?|minutes?|mins?|st|nd|rd|th))"
)
_PRICE_EN = re.compile(
    r"(?:£|\$|€|¥|rmb ?|usd ?|gbp ?|eur ?)\s?(\d[\d,]*(?:\.\d+)?)(k\b)?"
    r"|(\d[\d,]*(?:\.\d+)?)(k)?\s?(?:pounds|quid|dollars|euros|yuan|rmb|usd|gbp|eur)\b"
    r"|\b(?:costs?|priced at|price(?: is)?|at|for|only|just|comes to|total(?:ling)?|is|'s)"
    r"\s+(?:around |about |roughly |only |just |under )?(\d{1,3}(?:,\d{3})+|\d{3,6})(?:\.\d+)?"
    + _NOT_MONEY_EN,
    re.IGNORECASE,
)
_PRICE_ZH = re.compile(
    rf"(\d+(?:\.\d+)?万?|{_ZH_NUMERAL})\s*(?:元|块|人民币)"
    rf"|(\d+(?:\.\d+)?万|{_ZH_NUMERAL}[千万](?:{_ZH_NUMERAL})?)(?![零一二两三四五六七八九十百千万\d]"
    r"|\s*(?:毫升|升|瓦|公里|米|次|年|天|个|人|口|小时|分钟|公斤|克|寸|mah|w|g|公分|平))",
    re.IGNORECASE,
)


def prices(text: str) -> list[float]:
    """The amounts of money a reply names ("1,120 delivered" only with a price word before it,
    "£1,400", "1899 元", "两千九百九", "33.8万"), in the order said."""
    text = _fold(text or "")
    found: list[tuple[int, float]] = []
    for m in _PRICE_EN.finditer(text):
        raw = m.group(1) or m.group(3) or m.group(5)
        value = _plain_number(raw) if raw else None
        if value is not None:
            if m.group(2) or m.group(4):
                value *= 1000
            found.append((m.start(), value))
    for m in _PRICE_ZH.finditer(text):
        value = zh_number(m.group(1) or m.group(2))
        if value is not None and value >= 10:
            found.append((m.start(), value))
    return [value for _, value in sorted(found)]


def budget_limit(value: str) -> float | None:
    """The most a customer's budget allows, read from the fact's value ("up to about 1,200",
    "两千左右", "三十五万左右", "under 150"): the amount, with room above it for "about" /
    "左右" (15 %) and a little for "up to" / "以内" (5 %)."""
    text = _fold(value or "")
    amounts = [p for p in prices(text)]
    if not amounts:
        m = re.search(r"\d[\d,]*(?:\.\d+)?", text)
        amounts = [_plain_number(m.group(0)) or 0.0] if m else []
        if not amounts:
            m = re.search(rf"(\d+(?:\.\d+)?万|{_ZH_NUMERAL})", text)
            number = zh_number(m.group(1)) if m else None
            amounts = [number] if number else []
    if not amounts or not amounts[0]:
        return None
    amount = max(amounts)
    loose = re.search(r"about|around|roughly|approximately|or so|左右|上下|差不多|大概", text, re.I)
    return amount * (1.15 if loose else 1.05)
