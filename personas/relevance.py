"""Whether a reply is about this customer: credit for goodwill depends on it.

A reply the analysis files as information, reassurance, a follow-up or a hello earns the
customer's goodwill only when it speaks to *this* customer's matter: a fact of theirs (the
complaint, the order, the need), what they just said, what a fitting remedy or recommendation
would speak to, a remedy or a product figure. The same label on words that answer nothing they
asked or raised is hollow service, and the customer hears it as such:

- **off the point**: a brand history, a spiel, an upsell, "one moment please", "still loading"
  while nothing of theirs is touched, or nothing but company slogans ("your satisfaction is
  our priority", whatever move they are read as) (seed 001 R-LIS-D1 「不要假装听」, R-LIS-I6
  「避免虚假的反应」;
  digest_001 §3.8 negative body language 「左顾右盼而不是关注客户」, 「看客户的目光茫然」: generic,
  irrelevant answers; 004 ch2 「预判问题类型,错失关键投诉细节」);
- **a pitch**: a promotion, an add-on, a membership or another product in place of their matter,
  however it is put: as a question ("did you know our new model is on sale?"), with a date, or
  after a word of sympathy, whose calming it takes back (see ``pitch``);
- **a vague promise**: "someone from the relevant team will be in touch", "后续会有相关部门联系您"
  with no what and no when (002 §2a 「不要隨意猜測或給出模糊的答案」, 003 Ch3.1 step 5
  「給出預期的解決時間」; digest_002_003 §3.3: vague answers and broken promises upset customers);
- **a shrug**: "I'm not sure, I think it's fine", "I don't really have numbers, sorry",
  「我也不太确定，好像都差不多」, with no going to find out (002 §2a
  「不要隨意猜測或給出模糊的答案」);
- **sent to do the work**: "it's all on our website / in the manual, have a look yourself",
  "参数都在详情页，自己看哈", with nothing we will do (001 R-LIS-4 「向客户强调你所能做的事情」;
  000 §2 「不輕易放棄解決問題」);
- **"as I already said"**: the agent's own words thrown back (001 R-LIS-D5 「不要让自己陷入争论」,
  R-LIS-D7: don't be over-sensitive; 004 TOC 「避免误解与重复沟通」);
- **copy-paste**: the same reply again, word for word or nearly (004 ch1 「识别嗯哦等敷衍词频」:
  canned, perfunctory replies are counted against the agent).

A hollow reply earns none of the goodwill its label would (no trust, no calming, no evidence
toward what a type needs before deciding) and counts as ``perfunctory`` (敷衍, 004 ch1): each
type's ``effects.perfunctory`` says what it costs that customer, and since it moves nothing
forward the type's ``stall`` applies as well. Questions, checks, feelings met (empathy, apology),
praise and proposals are judged by their own rules, not here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from personas import listening, offers
from personas.model import Persona

#: the moves whose goodwill a hollow reply does not earn
CREDIT_MOVES = frozenset(
    {"inform", "reassurance", "follow_up", "greeting", "paraphrase", "thanks_closing"}
)
#: a reply with any of these is judged by its own rules (a question, a check, recognition, a
#: red line)
_OWN_RULES = frozenset(
    {
        "open_question",
        "closed_question",
        "confirm",
        "praise",
        "blame_customer",
        "argue",
        "rude",
        "dismiss",
        "deceive",
    }
)
#: feelings met: not hollow for being off the matter, only for sending away or promising vaguely
_NEGATIVE = frozenset({"blame_customer", "argue", "rude", "dismiss", "deceive"})
_CALMING = frozenset({"empathy", "apology"})
_PROPOSING = frozenset({"offer_solution", "recommend"})
#: what a reply after a proposal may hold and be about that proposal
_AFTER_OFFER = frozenset({"follow_up", "thanks_closing", "greeting", "reassurance"})
#: how surely a reply must restate a fact of theirs to be about it (a lone shared word such as
#: 连续 in a boast about the company is no restatement of "连续三天断网")
SURE_MENTION = 0.7
#: how telling (inverse document frequency over the persona's facts and the built-in topics)
#: a shared word must be for a reply to be about the customer's matter
TELLING_IDF = 3.0
#: replies remembered for copy-paste, and how alike two must be to count as the same
REMEMBERED = 6
SAME_REPLY = 0.8
#: a canned line is a sentence or more: "Does that work for you?" or 「您看可以吗？」 asked
#: again after a revised offer is a check, not copy-paste (English in letters, Chinese in
#: characters)
SAME_REPLY_MIN_EN = 30
SAME_REPLY_MIN_ZH = 12

_AS_I_SAID = re.compile(
    r"\b(?:as|like) i(?:'ve| have)? (?:already |just |previously )?(?:said|mentioned|explained"
    r"|told you|stated)\b"
    r"|\bi(?:'ve| have) already (?:said|told you|explained|mentioned)\b"
    r"|\bas (?:previously|already) (?:said|stated|mentioned|explained)\b"
    r"|我(?:刚才|刚刚|已经|之前|早就|前面|上面)[^，。！？,.!?]{0,6}?(?:说|讲|解释|介绍)(?:过|了)"
    r"|(?:正如|就像)我(?:刚才|之前|前面)?(?:所)?说",
    re.IGNORECASE,
)
#: who or when left open: "someone will be in touch", "in due course", "相关部门", "后续"
_VAGUE_PROMISE = re.compile(
    r"\b(?:some(?:one|body)|a colleague|the team|management"
    r"|the (?:relevant|right|appropriate) (?:team|department|person))\b[^.!?]{0,60}"
    r"\b(?:will|'ll|should|can)\b[^.!?]{0,30}"
    r"\b(?:be in touch|contact|call|get back|reach out|follow up|look into)"
    r"|\b(?:in due course|at some point|eventually|some ?time|when (?:we|i) can"
    r"|as soon as we can)\b"
    r"|\b(?:we|i)(?:'ll| will) (?:be in touch|get back to you|let you know|pass (?:it|this|that|"
    r"your \w+) on|raise it|feed (?:it|this) back|look into it)\b(?![^.!?]{0,40}\b(?:by|before|"
    r"within|today|tomorrow|tonight|on (?:mon|tue|wed|thu|fri|sat|sun)))"
    r"|相关(?:部门|人员|同事)|后续(?:会|再)?(?:有人)?|会有人|有人会|(?:有|等)(?:结果|消息|进展)(?:了)?(?:会|再|就)?"
    r"(?:通知|联系|告诉|回复)|晚点|回头(?:再|有)|反馈(?:给|上去|到)|尽快(?:给您)?(?:答复|回复|处理|联系)"
    r"|请(?:您|你|亲|親)?耐心(?:等待|等等|等一下)"
    # 「会有同事跟进的」「帮您催一下了」「有消息会第一时间通知」: who and when left open
    # (session 12)
    r"|会有(?:同事|专人|專人|工作人员|工作人員|师傅|師傅)(?:跟进|跟進|联系|聯繫|处理|處理|回复|回覆)"
    r"|(?:帮|幫)(?:您|你|亲|親)?催(?:一下|一催|了)"
    r"|(?:有|等)(?:结果|消息|进展|進展|进度)(?:了)?(?:我们|我|小二)?(?:会|再|就)?第一时间(?:通知|联系|告诉|回复)"
    # the matter "noted" and nothing said of what happens next or when ("your issue has been
    # logged", 「您的问题我们已经记录」)
    r"|(?:问题|情况|反馈|诉求|意见|投诉)(?:我们|我|这边)?(?:已经|已)(?:为您|帮您|给您)?(?:记录|登记|备案|收到)"
    r"|(?:已经|已)(?:为您|帮您|给您)?(?:记录|登记|备案)(?:下来)?(?:了)?\W*$"
    r"|\b(?:i|we)(?:'ve| have)(?: now)? (?:logged|noted|recorded|registered) (?:your|the|this)"
    r" (?:issue|problem|complaint|concern|feedback|case)\b(?![^.!?]{0,60}\b(?:will|'ll|by|within"
    r"|today|tomorrow))"
    r"|\b(?:your|the) (?:issue|problem|complaint|concern|feedback) (?:has been|is) (?:logged|noted"
    r"|recorded|registered)\b(?![^.!?]{0,60}\b(?:will|'ll|by|within|today|tomorrow))",
    re.IGNORECASE,
)
#: the agent does not know and leaves it there ("I'm not sure… I think it's fine", "I don't
#: really have numbers, sorry", 「我也不太确定，好像都差不多」): a guess or a shrug where an
#: answer was due (seed 002 §2a 「不要隨意猜測或給出模糊的答案」; 000 §2 「不輕易放棄解決問題」)
_NOT_KNOWING = re.compile(
    r"\bi(?:'m| am) not (?:100 ?%|a hundred per ?cent|really|totally|entirely|quite|too)? ?sure\b"
    r"|\bi (?:don'?t|do not) (?:really |actually )?(?:know|have (?:any |the )?(?:numbers|figures"
    r"|details|data|info|information))\b|\bi dunno\b|\bi(?:'ve| have)? no idea\b"
    r"|我(?:也|真)?不(?:太|大|是很|是太)?(?:确定|確定|清楚|懂|了解|瞭解|知道)|(?:这边|這邊|我这|我這)(?:也)?查不到",
    re.IGNORECASE,
)
#: …unless the agent goes and finds out now ("let me check", 「我这就帮您查一下」)
_FINDS_OUT = re.compile(
    r"\b(?:let me|i'll|i will|i'm going to|i am going to) (?:go and |quickly )?"
    r"(?:check|find out|ask|look"
    r" (?:it|that|this) up|confirm|double-check|get (?:you )?(?:the|an) answer)\b"
    r"|(?:我|这就|马上|現在|现在)(?:去|这就|马上|現在|现在)?(?:帮您|幫您|给您|給您)?(?:问一下|問一下|查一下|确认一下|確認一下|核实一下|核實一下)"
    r"(?![^，。！？,.!?]{0,4}(?:…|\.\.\.))",
    re.IGNORECASE,
)
#: the customer sent away to someone else: "you're welcome to write to head office", "ask
#: someone else", 「问问别人」「去别家看看」 (000 §2 「不輕易放棄解決問題」; 001 R-LIS-4)
_SENT_AWAY = re.compile(
    r"\b(?:write|email|e-mail|complain|send a letter) to (?:our |the )?"
    r"(?:head office|customer relations"
    r"|complaints|the complaints (?:team|department))\b"
    r"|\b(?:ask|try) (?:someone|somebody|anyone) else\b"
    r"|问问(?:别人|其他人|别家)|去别家",
    re.IGNORECASE,
)
#: the customer sent to look it up or do it themselves, elsewhere
_ELSEWHERE = re.compile(
    r"\b(?:on|through|via|from|in) (?:our|the) (?:website|web ?site|site|app|online portal|portal"
    r"|faq|help (?:centre|center|page)s?|manual|brochure|guest feedback form|feedback form)\b"
    r"|\b(?:check|read|see|look at|go through|browse|compare|have a (?:look|read|browse))\b"
    r"[^.!?]{0,40}"
    r"\b(?:website|online|manual|tags?|labels?|boxes|cards|guides?)\b"
    # the customer sent to find it themselves on the shop floor ("drills are aisle 12", "price is
    # on the shelf tag")
    r"|\b(?:is|are|in) (?:in |on |down )?aisle \d+\b|\bon the (?:shelf )?(?:tag|label|ticket)\b"
    r"|\byou can (?:always )?(?:do|book|check|track|register|submit|browse|compare|look|read|raise|"
    r"find)\b[^.!?]{0,50}\b(?:online|website|app|form)\b"
    # "kindly refer to the website", "look online",
    # "they're on the wall behind you" (session 12, blind set 14's poor agents)
    r"|\brefer to (?:the|our) (?:website|site|web ?page|app|manual|faq|brochure|catalogue|terms)\b"
    r"|\blook (?:it |them )?(?:up )?online\b"
    r"|\b(?:on the (?:wall|shelf|shelves|rack)|over there) "
    r"(?:behind you|by the (?:door|till|entrance))\b"
    r"|\bprices? (?:is|are) on the (?:tags?|labels?|tickets?)\b"
    r"|官网|详情页|说明书上|(?:app|APP|App)上|常见问题|自助|营业厅|"
    r"网上(?:对比|比较|查|搜|看看)|自行(?:查询|查看|了解|咨询|联系|查阅)|"
    r"自己(?:看|查|对比|比较|翻|上去|联系|预约|去|了解|研究)",
    re.IGNORECASE,
)


#: selling something: a promotion, a deal, an add-on, a membership, another product ("did you
#: know our new 55-inch model is on sale?", "bundle it with our doorbell", "have you got our credit
#: card?", 「装潢套餐现在做活动」「办一张会员卡」「新款空气炸锅立减一百」)
_PITCH = re.compile(
    r"\b(?:on sale|sale price|special (?:offer|deal|price)|(?:great|limited|exclusive|fantastic"
    r"|killer|amazing|unbeatable|best) (?:deal|offer|price)s?(?! (?:to|of|more|less|better|about))"
    r"|promo(?:tion)?s?|bundle|add-?ons?"
    r"|trade (?:it|yours|your \w+|them) in|best ?sellers?|newsletter|(?:gadget )?catalogue"
    # a card or a membership offered, not asked about ("Do you have a loyalty card with us?")
    r"|(?:get|open|apply for|sign up for|join|take out) (?:our|a|the) (?:credit card|store card"
    r"|loyalty (?:card|club|scheme|programme|program)|membership|rewards? (?:club|scheme))"
    r"|have you got our (?:credit|store|loyalty) card|(?:double|triple|bonus|reward) points"
    r"|subscription|care plan|protection plan|extended warranty|(?:travel|phone|gadget"
    r"|device|contents|screen) insurance|(?:premium|pro|plus) (?:plan|package|tier|version"
    r"|membership|cover)|did you know (?:that )?(?:our|we)|have you (?:heard|seen) (?:about |of )?"
    r"(?:our|the new)|while i(?:'ve| have) got you|before we get (?:into|to|started)"
    r"|(?:our|the) (?:new|newest|latest) (?:model|range|collection|release|\w+ (?:model|range))"
    r"|have you (?:tried|considered|thought about|looked at) our|(?:\w+-year|extended|accidental"
    r" damage) (?:cover|protection)"
    r"|free (?:gift|drinks?(?: package)?|bonus|upgrade|month|trial))\b"
    # 活动 is also an occasion (「最近有什么重要的活动要戴它吗？」): only the sales kind
    r"|(?:做|搞|在做|正在做)活(?:动|動)|活(?:动|動)(?:价|價|期间|期間|中|力度|优惠|優惠)"
    r"|(?:优惠|優惠|促销|促銷|限时|限時)活(?:动|動)"
    r"|活(?:动|動)(?=[^。！？!?]{0,4}(?:最后一天|最後一天|截止|结束|結束))"
    r"|促销|促銷|特价|特價|限时|限時|立减|立減|满减|滿減|秒杀|秒殺|爆款|新款|新品|上新"
    # a card or a loan offered, not asked about (「您是我们的会员吗？」「刷卡还是现金？」)
    r"|套餐|礼包|禮包|(?:办|辦|开通|開通|升级|升級)(?:个|個|一个|一個)?(?:会员|會員)|会员价|會員價"
    r"|积分卡|積分卡|(?:办|辦)(?:一|1)?(?:张|張)|(?:办|辦|申请|申請)(?:理)?(?:信用卡|车贷|車貸)"
    r"|金融顾问|金融顧問|延保|(?:意外|碎屏|旅游|旅遊|旅行)(?:险|險)|装潢|裝潢|凑满|湊滿"
    r"|(?:顺便|順便)(?:给您|給您|跟您|帮您|幫您)?(?:推荐|推薦|介绍|介紹|办|辦|看看)",
    re.IGNORECASE,
)
#: remedies for a complaint: offering one is answering the complaint, however it is worded
_COMPLAINT_REMEDIES = frozenset(
    {"refund", "exchange", "repair", "compensation", "discount", "expedite", "guide", "cancel"}
)


def pitch(
    persona: Persona, state: Mapping[str, Any], text: str, remedies: Iterable[str] = ()
) -> bool:
    """The reply sells something that is not this customer's matter: a promotion, an add-on, a
    membership or another product, naming nothing of theirs and no remedy their complaint takes
    (seed 003 Ch3.2: product highlights only once the customer's emotion is met, never in place
    of their matter; 001 R-LIS-D1 「不要假装听」; 001 售前: recommend from the customer's need,
    no hard sell). A price or a date does not make it theirs: "the decor package is 3,900
    today" is a figure of the pitch, not of what they came for. A recommendation built on their
    need (its ``fits`` words, their facts) is no pitch, however it is sold."""
    if not _PITCH.search(text):
        return False
    lists = persona.scenario.get("remedies") or {}
    own = {
        offers.normalise_remedy(str(r))
        for key in ("acceptable", "rejected")
        for r in lists.get(key) or ()
    }
    if any(r in own or (not own and r in _COMPLAINT_REMEDIES) for r in remedies):
        # a remedy this scenario names (or, where it names none, any remedy for a complaint):
        # a money-off on another product ("the new air fryer is 100 off for old customers") is
        # no remedy for the oven's fault
        return False
    return not about_customer(persona, state, text, figures=False, asking=False)


#: a company slogan, the same words for anyone: "your satisfaction is our priority", "we pride
#: ourselves on quality", "every customer is unique to us", "made to the highest standards",
#: "great question!", 「客户至上」「您的满意是我们最大的追求」「我们始终致力于为每位客户…」
_SLOGAN = re.compile(
    r"\b(?:your|customer|client|guest) (?:satisfaction|happiness|experience|comfort)"
    r" (?:is|remains|will always be) (?:our|my) (?:top |number one |first |highest |main )?"
    r"(?:priority|goal|concern|mission|focus)\b"
    r"|\bwe (?:pride ourselves|take pride) (?:on|in)\b"
    r"|\b(?:every|each) (?:customer|client|guest)(?:'s)?(?: needs?)? (?:is|are) (?:unique|special|"
    r"different|important)\b"
    r"|\bwe(?:'re| are) (?:fully |deeply |truly |always )?(?:committed|dedicated) to (?:meeting|"
    r"providing|delivering|exceeding|excellence|quality|your|our|the (?:highest|best))\b"
    r"|\b(?:made|built|crafted|held|designed) to the (?:highest|very highest|finest|best) "
    r"(?:standards?|quality)\b"
    r"|\b(?:exceed|exceeding|surpass) (?:your|all) expectations\b|\bsecond to none\b"
    r"|\bsomething for everyone\b|\bfor every (?:lifestyle|taste|budget|need)\b"
    r"|\bwe value (?:your business|your custom|every customer|our customers)\b"
    r"|^\W*(?:great|good|excellent) question\b"
    r"|客户至上|顾客(?:就是|是)上帝|(?:您|客户|顾客)的满意(?:就)?是我们(?:最大的|永远的)?(?:追求|宗旨|动力|目标)"
    r"|我们(?:始终|一直|永远)?(?:致力于|坚持)(?:为)?(?:每一?位|所有)?(?:客户|顾客|用户)?(?:提供)?"
    r"(?:最优质|最好|优质|最满意)的?(?:服务|产品)|每一?位(?:客户|顾客)(?:的需求)?都是(?:独特|独一无二|重要)的",
    re.IGNORECASE,
)
#: how much a sentence may say beside its slogan and still be only that (words, characters)
SLOGAN_REST_WORDS = 4
SLOGAN_REST_ZH = 6
#: what a reply of slogans may keep and still be only slogans: an exclamation, a thank-you
_SLOGAN_REST = re.compile(
    r"^\W*(?:(?:oh|ah|well|so|and|absolutely|of course|indeed|great|wonderful|thanks?(?: you)?|"
    r"好的|当然|嗯|是的|亲)\W*)*$",
    re.IGNORECASE,
)


def slogans_only(text: str) -> bool:
    """Every sentence of the reply is a company slogan (or an exclamation beside one): the same
    words for any customer, nothing of this one's (001 R-LIS-I6 「避免虚假的反应」; digest_001
    §3.8 「左顾右盼而不是关注客户」: generic template replies; 002 §2c: sincerity, not formulas)."""
    parts = [p for p in re.split(r"(?<=[.!?。！？；;])\s*", text.strip()) if p.strip()]
    if not parts or not any(_SLOGAN.search(p) for p in parts):
        return False
    return all(_SLOGAN_REST.match(p) or _only_slogan(p) for p in parts)


def _only_slogan(sentence: str) -> bool:
    """A slogan and little else: a few words around it ("All our sofas are made to the highest
    standards"), not a slogan beside something said ("…: a technician can come on Friday")."""
    if not _SLOGAN.search(sentence):
        return False
    rest = _SLOGAN.sub(" ", sentence)
    return (
        len(re.findall(r"[A-Za-z0-9]+", rest)) <= SLOGAN_REST_WORDS
        and len(re.findall(r"[\u4e00-\u9fff]", rest)) <= SLOGAN_REST_ZH
    )


def said_before(text: str, said: Iterable[str]) -> bool:
    """The reply repeats an earlier reply of this conversation, word for word or nearly."""
    now = _grams(text)
    zh = len(re.findall(r"[\u4e00-\u9fff]", text))
    letters = len(re.findall(r"[A-Za-z]", text))
    if not now or (zh < SAME_REPLY_MIN_ZH and letters < SAME_REPLY_MIN_EN):
        return False
    for earlier in said:
        then = _grams(earlier)
        if then and len(now & then) / len(now | then) >= SAME_REPLY:
            return True
    return False


def remember(state: dict[str, Any], text: str) -> None:
    if text:
        state["said"] = [*(state.get("said") or []), text[:300]][-REMEMBERED:]


@functools.lru_cache(maxsize=1024)
def _grams(text: str) -> frozenset[str]:
    """Character triples of the normalised text (kept: a conversation's earlier replies are
    compared again on every turn)."""
    norm = re.sub(r"[\W_]+", " ", listening.normalise(text)).strip()
    return frozenset(norm[i : i + 3] for i in range(max(0, len(norm) - 2)))


def hollow(
    persona: Persona,
    state: Mapping[str, Any],
    text: str,
    moves: Iterable[str],
    *,
    asks: bool,
    recognises: bool = False,
    remedies: Iterable[str] = (),
    time_frame: str | None = None,
) -> str | None:
    """Why this reply is hollow service to this customer ("as_i_said", "repeated", "elsewhere",
    "vague_promise", "not_knowing", "off_the_point", "pitch"), or None when it is not."""
    if not text:
        return None
    moves = set(moves)
    if moves & _NEGATIVE:
        return None  # read as the negative move it is ("as I already said" is rude): costed there
    if _AS_I_SAID.search(text):
        return "as_i_said"
    if said_before(text, state.get("said") or ()):
        return "repeated"
    if pitch(persona, state, text, remedies):
        # a sales pitch in place of the customer's matter, put as a question ("did you know our
        # new model is on sale?"), a proposal with a date or after a word of sympathy: off the
        # point all the same
        return "pitch"
    if (
        not asks
        and not [r for r in remedies if r != "callback"]
        and not time_frame
        and not moves & _CALMING
        and slogans_only(text)
    ):
        # slogans in place of an answer, whatever the analysis files them under (praise for a
        # "great question", reassurance that quality is our priority)
        return "off_the_point"
    if asks or recognises or moves <= {"perfunctory"} or moves & _OWN_RULES:
        # a question, a check, recognition (praise, or respect in other words) or a red line:
        # judged by its own rules; no recognisable move, or a filler the analysis already read
        # as perfunctory: the type's tables already say what it costs
        return None
    named = [r for r in remedies if r != "callback"]
    if named or time_frame:
        return None  # a remedy or a when: the proposal is judged in its own terms
    if _VAGUE_PROMISE.search(text):
        return "vague_promise"
    if _NOT_KNOWING.search(text) and not _FINDS_OUT.search(text):
        return "not_knowing"
    if _SENT_AWAY.search(text):
        # "write to head office", "ask someone else": the customer sent away, whatever else the
        # reply says about their matter
        return "elsewhere"
    about = about_customer(persona, state, text)
    if _ELSEWHERE.search(text) and not about:
        # "it's all on our website" instead of an answer; an answer that also says where to
        # check it ("the permit number is on the official site") is an answer
        return "elsewhere"
    if state.get("accepted") is not None or (state.get("offer") and moves <= _AFTER_OFFER):
        # a thank-you or a follow-up once something is proposed or agreed is about that
        return None
    if "greeting" in moves and int(state.get("turn", 0)) <= 1:
        # a hello is a hello, also one that says take your time or that we will help
        return None
    if moves & _PROPOSING and not moves & _CALMING and not about_customer(persona, state, text):
        # a "proposal" that names no remedy, no when and nothing of theirs (the brand's history,
        # "follow our account for a surprise", "the screen comes in four colours" to someone who
        # asked for an editing laptop): a pitch, off the point (seed 001 R-LIS-D1 「不要假装听」;
        # 003 Ch3.2: product highlights do not replace the customer's matter)
        return "off_the_point"
    if moves & (_CALMING | _PROPOSING) or moves <= {"thanks_closing"}:
        # feelings met, a proposal (judged in its own terms) or a goodbye (answered as one)
        return None
    return None if about else "off_the_point"


#: words any reply may hold, about anyone: sharing one of them with the customer's matter does
#: not make a reply about it
_GENERIC = (
    "now today day days week weeks year years way great good best lovely nice new everyone "
    "everybody people customer customers service team honestly really always lot lots thing "
    "things moment minute second bit kind sure happy glad pleased welcome 现在 今天 我们 服务 客户 "
    "非常 一直 大家 很多 时候 一下 马上 好的 可以 没问题 欢迎 谢谢 感谢 看看 要不 不要 顺便 问问 "
    "说说 试试"
)


def _product_out(text: str, product: str) -> str:
    """The text without the product's name or any two-character part of a Chinese one: naming
    the product is not speaking to the customer's matter ("our steam ovens are the best")."""
    out = text
    for word in re.findall(r"[A-Za-z][A-Za-z0-9-]{2,}", product):
        out = re.sub(rf"(?i)\b{re.escape(word)}s?\b", " ", out)
    for run in re.findall(r"[\u4e00-\u9fff]{2,}", product):
        parts = sorted(
            {run[i:j] for i in range(len(run)) for j in range(i + 2, len(run) + 1)},
            key=len,
            reverse=True,
        )
        for part in parts:
            out = out.replace(part, " ")
    return out


def about_customer(
    persona: Persona,
    state: Mapping[str, Any],
    text: str,
    *,
    figures: bool = True,
    asking: bool = True,
) -> bool:
    """The reply speaks to this customer's matter: a fact of theirs (not by the product's name
    alone), the words of what they last said, what a fitting proposal speaks to (the
    scenario's ``fits`` words and ``need``), or, for a shopper, the figures of a product
    (unless ``figures`` is False: a pitch's prices are not the shopper's matter). With
    ``asking`` False the words of the facts' ``about`` phrases (how a trainee asks: "what have
    you heard…") do not count, only what a fitting proposal speaks to and the customer's own
    words."""
    facts = [str(f["id"]) for f in persona.facts]
    product_name = str(persona.scenario.get("product", ""))
    text = _product_out(text, product_name)
    if asking and any(m.score >= SURE_MENTION for m in listening.mentions(text, persona, facts)):
        # (a fact is also "mentioned" by how a trainee asks for it: 「对了」 for the talkative
        # customer's by-the-way; what a pitch names is read off their words and needs below)
        return True
    known = _persona_words(persona)
    words = _content(text) - known.product
    if not words and not specifics(text):
        return False
    cues = known.cues if asking else known.fits
    own = _content(str(state.get("last_line") or "")) | known.facts
    index = listening._index(persona)
    telling = {
        w for w in words - _neutral(persona) if index.idf.get(w, index.default_idf) >= TELLING_IDF
    }
    # one cue word says it ("dock", "claws", "光猫"); of their own words it takes two, a lone
    # one being as likely chance ("连续" in a boast of years in business) as a reference
    if telling & cues or len(telling & own) >= 2:
        return True
    # a shopper is answered by a product's figures (sizes, prices, specs), not by a year
    return figures and persona.scenario.get("kind") == "pre_sales" and specifics(text)


_SPEC = re.compile(
    r"[$£€¥]\s?\d|\d[\d.,]*\s?(?:%|k\b|kw|kwh|w\b|v\b|nm|mm|cm|m\b|kg|g\b|gb|tb|gigs?|ghz|hz|mah"
    r"|inch|in\b|\"|hours?|hrs?|minutes?|mins?|days?|weeks?|months?|years? (?:warranty|guarantee)"
    r"|pounds|dollars|euros|nights?|people|seats?|cores?|元|块|寸|英寸|瓦|度|升|毫升|公斤|克|小时|分钟|天|年质保"
    r"|年保修|个月|万|千|核|倍|折)"
    r"|\d{3,}(?![\d年])"
    r"|[一二两三四五六七八九十][百千万]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _PersonaWords:
    #: the product's name and words any reply may hold
    product: frozenset[str]
    #: the trainer's cue phrases (what each fact answers, what a fitting proposal speaks to)
    cues: frozenset[str]
    #: the customer's own words in the facts' values
    facts: frozenset[str]
    #: what a fitting proposal speaks to: the scenario's ``fits`` words and ``need``
    fits: frozenset[str] = frozenset()


_persona_words_cache: dict[str, tuple[Persona, int, _PersonaWords]] = {}


def _persona_words(persona: Persona) -> _PersonaWords:
    """The words about_customer reads off the persona, once per Persona object (the library
    builds a new one when the file changes) and topics file, as the listening index is."""
    stamp = listening._topics_stamp()
    cached = _persona_words_cache.get(persona.id)
    if cached is not None and cached[0] is persona and cached[1] == stamp:
        return cached[2]
    remedies = persona.scenario.get("remedies") or {}
    fits: set[str] = _content(str(remedies.get("need") or ""))
    for word in remedies.get("fits") or ():
        fits |= _content(str(word))
    cues = set(fits)
    for fact in persona.facts:
        for about in fact.get("about") or ():
            cues |= _content(str(about))
    facts: set[str] = set()
    for fact in persona.facts:
        facts |= _content(str(fact.get("value", "")))
    words = _PersonaWords(
        product=frozenset(_content(str(persona.scenario.get("product", ""))) | _content(_GENERIC)),
        cues=frozenset(cues),
        facts=frozenset(facts),
        fits=frozenset(fits),
    )
    _persona_words_cache[persona.id] = (persona, stamp, words)
    return words


def specifics(text: str) -> bool:
    """A figure with a unit or a price, or an amount: "1,050", "32 GB", "4 kW", "两千"; a bare
    year ("since 1987") is none."""
    cleaned = re.sub(r"\b(?:19|20)\d\d\b", " ", text)
    return bool(_SPEC.search(cleaned))


def _content(text: str) -> set[str]:
    """The words of content of a text (stemmed, folded; Chinese as the matcher cuts it)."""
    norm = listening.normalise(text)
    return {
        f
        for f in listening._features(norm)  # the matcher's own features
        if listening._strong(f) and not listening._NUMERIC.match(f)
    }


def _neutral(persona: Persona) -> frozenset[str]:
    return frozenset(listening._index(persona).neutral)
