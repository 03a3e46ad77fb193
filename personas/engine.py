"""The persona engine: how a simulated customer's mood, stage and next line follow the trainee.

Pure functions over plain JSON state (the state lives in Rasa slots, so any action-server
replica can continue a conversation). Every number the engine uses comes from the persona's
behaviour tables (``personas/types/*.yml``, overridable per persona); the code only says how
the tables are applied:

1. the trainee's moves (from ``scoring.analysis.analyze``) shift anger, trust, patience and
   openness by the type's ``effects``; repeats of the same soothing move within a few turns
   count for less and one turn can only calm so much (``caps``), so one lucky reply does not
   flip an angry customer (003 Ch3.1: calming is a sequence, not a phrase);
2. the customer ends the conversation when anger or lost trust/patience cross the type's
   thresholds (escalated / walked away), or when the turn limit is reached;
3. otherwise the customer answers what the reply actually said, in this order: a red line
   (blame, rudeness, a brush-off, a lie); a proposal, judged in its own terms (the remedy and
   time frame the trainee named, against what this customer needs); a check of what the
   customer said (confirmed, or corrected when it changes a fact); a question, answered by what
   it asks (``personas.listening``: the fact asked about, held back while the customer is not
   yet open enough, "I told you" for a fact already given, "why do you ask?" for something the
   scenario does not cover, the next thing this customer would tell for an open question); a
   goodbye while nothing is settled ("wait, we're not done"); then the reply's goodwill;
4. patience follows progress: a reply that draws out a fact, calms, gets a check confirmed or
   brings a fitting offer costs no patience; one that stalls costs the type's ``stall``;
5. the line comes from the reaction's bank (``personas.lines``): only lines whose conditions
   hold and whose placeholders have values, preferring those that use this turn's details.

``state["heard"]`` records what the last line answered (the fact drawn out, the proposal judged
and how, the check confirmed or corrected), for the trainee's transcript, the rubric and
``make simulate``. Randomness only ever comes from ``random.Random(f"{seed}:{turn}:{purpose}")``.
"""

from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from personas import lines as line_bank
from personas import listening, offers, relevance
from personas.model import BANDS, Persona
from practice.contracts import Analysis, PersonaState, Reaction
from practice.vocabulary import (
    CARING_MOVES,
    GOODWILL_MOVES,
    MOOD_KEYS,
    QUESTION_MOVES,
    SOLUTION_MOVES,
)

STATE_VERSION = 2
NOT_A_REMEDY = frozenset({"callback"})  # a promise to call back is follow-up, not a fix
# Which negative move defines the customer's reaction when several are present (the keys are
# practice.vocabulary.NEGATIVE_MOVES; perfunctory has no reaction of its own, only its effects).
NEGATIVE_PRIORITY = ("deceive", "rude", "blame_customer", "argue", "dismiss")
NEGATIVE_REACTION = {
    "deceive": "deceived",
    "rude": "provoked",
    "blame_customer": "provoked",
    "argue": "provoked",
    "dismiss": "dismissed",
}
CLOSING_MOVES = frozenset({"thanks_closing", "follow_up"})
#: reactions that cost patience even when the reply's moves warmed the customer
STALLING_REACTIONS = frozenset(
    {
        "already_told",
        "answered",
        "neutral",
        "impatient",
        "guarded",
        "unclear",
        "not_done",
        "unanswered",
        "pitched",
    }
)
#: a mood change this large in the customer's favour is progress (patience is not spent)
PROGRESS_MIN = 2.0
#: 呢 asks only bare at the end ("您的单号呢"), not as a statement's softener ("…找厂家的呢。")
_QUESTION_FORM = re.compile(
    r"[?？]|[吗么嘛]\s*[。！!]?\s*$|(?<![的了着哈啦呀哦])呢\s*$"
    r"|^(请问|能否|可否|是否|有没有|什么|哪|几|多少|怎么|为什么)"
)

#: a request for information in the imperative ("I'll need your order number", "麻烦提供一下…")
_REQUEST_FORM = re.compile(
    r"\b(tell me|let me know|i('ll| will)? need|may i have|can i (have|get)"
    r"|please (share|provide|send|give)|walk me through|describe)\b"
    r"|麻烦(您)?(提供|告诉|说|报|发)|请(您)?(提供|告诉|说|报|发)|(说说|讲讲|聊聊|介绍一下)"
    # a thing asked for with 把 ("把订单号发我一下"), not the trainee's own sending
    r"|(?<![我们])把(?:[^，,。？?！!把您你]|您的|你的){1,14}?(发|给|报|告诉|提供|拍|念|说|写|填|转|传)(给|过来给)?"
    r"(我|一下|过来|下)",
    re.IGNORECASE,
)
#: a question that proposes what it names ("Would you like a replacement?")
_OFFER_QUESTION = re.compile(
    r"would you (like|prefer)|how about|what about|shall (i|we)|should (i|we)|do you want (me|us)"
    r"|(can|could|may) (i|we) (offer|send|arrange|book|give|get|refund|replace|repair|upgrade)"
    r"|要不要|要不|需不需要|需要(我|我们)(帮|给)|(给|帮|为)您(安排|换|退|申请|办理|升级|补发|维修)"
    r".{0,12}(吗|好吗|可以吗|行吗|怎么样)",
    re.IGNORECASE,
)
#: a yes/no offer of something ("Would you be interested in …?", "需要我们推荐一些…吗？")
#: "Have you considered adding / getting …": an add-on put as a question
_CONSIDERED_ADDING = (
    r"have you (?:considered|thought about|thought of) (?:adding|getting|taking|booking|upgrading"
    r"|buying|including)\b"
)
_YES_NO_OFFER = re.compile(
    r"would you (like|prefer|be interested|want)|are you interested|interested in\b|"
    r"do you want (me|us|a|an|to)|shall (i|we)|how about|what about|can (i|we) (offer|interest)|"
    # an add-on put as a question ("Have you considered adding our insurance?")
    + _CONSIDERED_ADDING
    + r"|(would|do) you (like|want) to add\b|"
    r"要不要|需不需要|(需要|要)(我|我们)[^，。？?]{0,16}(吗|么)|感兴趣|有没有兴趣",
    re.IGNORECASE,
)
#: "Anything else?" / "还有其他问题吗？": asks whether the customer is done (SGD's REQ_MORE)
_ANYTHING_ELSE = re.compile(
    r"\bwhat else can (i|we) (do|help)"
    r"|(^|[.!?]\s*)(ok(ay)?|right|so|well|fine)?\W*((is|was) there |will there be "
    r"|(can|could|may) (i|we) (help|assist)( you)? with )?anything else( at all)?( (i|we) can"
    r" (do|help( you)?( with)?|assist( you)?( with)?)( for you)?| you need| for you)?( at all)?"
    r"( today| this (morning|afternoon|evening))?\W*$"
    r"|(还有|還有)(没有|沒有)?(其他|其它|别的|別的|什么|什麼|啥)?(的)?(事|问题|問題|需要|要问|要問|可以帮|可以幫)"
    r"(的地方|我帮忙的|我幫忙的|帮忙的|幫忙的|帮助的|幫助的|咨询的|諮詢的|的)?"
    # a chat particle after the question word ("还有其他问题吗亲？", "…吗哈？") changes nothing
    r"((吗|嗎|么|麼|呢|没有|沒有)(亲|親|哈|呀|哦)?(\W*$|[？?])|[？?])"
    r"|^\W*(好的?|行|嗯)?\W*(还有|還有)(别的|別的|其他|其它|什么|什麼)?(吗|嗎|么|麼|没有|沒有)(亲|親|哈|呀|哦)?\W*$",
    re.IGNORECASE,
)
#: what an "anything else?" may come with and still be only that question
_ANYTHING_ELSE_ALONE = frozenset(
    {"thanks_closing", "closed_question", "open_question", "confirm", "greeting"}
)
#: a product pitched ("our best seller", "I'd go for", "我推荐这款", "卖得最好")
_PITCH = re.compile(
    r"\b(?:best[- ]?sell(?:er|ing)|most popular|very popular|our (?:top|best|flagship|premium)"
    r"|i'?d (?:go for|suggest|recommend)|(?:i )?recommend|you should (?:get|take|buy|go for)"
    r"|take the|go for the|how about the)\b"
    r"|推荐|这款|这台|这部|这个型号|卖得最好|最好卖|爆款|热销|销量(?:最|第一)|旗舰",
    re.IGNORECASE,
)
#: replies this long describe what will be done (characters zh, words en)
LONG_REPLY_ZH = 30
LONG_REPLY_EN = 18
#: proposals the customer has neither taken nor refused yet
PENDING = frozenset({"not_ready", "needs_more", "objection", "not_convinced", "vague", "rejected"})
#: a fact a restatement can get wrong by its figures: an id, an amount, a date, a size
_NUMBER = re.compile(r"\d|[一二两三四五六七八九十百千万]")
#: a question asking who/what/how/why: open by its form
_WH_QUESTION = re.compile(
    r"\b(what|how|why|which|who|tell me about)\b[^?]*\?"
    r"|(什么|怎么|为什么|哪些|哪种|哪里|哪儿|谁|如何|啥|咋|多少|几)[^？?]*[？?]",
    re.IGNORECASE,
)
#: sentence ends, to tell a reply's statements from its questions
_SENTENCE = re.compile(r"(?<=[.!?。！？；;])\s*")
#: one figure in a reply (an amount, a size, a count): each is a piece of evidence
_FIGURE = re.compile(
    r"\d[\d.,]*|[一二两三四五六七八九十百千万]+(?:[元块年月周天个次点号%台]|小时|分钟|毫升|公斤|寸)"
    r"|[一二三四五六七八九][百千万][一二三四五六七八九十]?"
)
#: a specific in a reply: a figure, an amount, a size, in digits or (zh) in Chinese numerals
#: ("三百六十元", "三年书面保修")
_DETAIL = re.compile(
    r"\d|[一二两三四五六七八九十][零一二两三四五六七八九十百千万]+"
    r"|[一二两三四五六七八九十百千万]+(?:个月|年|天|周|倍|寸|升|瓦|度|块|元|折|成)"
)
#: the trainee commits to doing something ("I'll …", "we can …", "我这边给您…")
_OFFER_STATEMENT = re.compile(
    r"\b(i'll|i will|i can|i could|we'll|we will|we can|we could|let me|i'd like to|i'm going to)\b"
    r"|(我|我们|我這邊|我这边)(马上|现在|立刻|会|可以|来|給|给|帮|幫|为|為)(您|你)?",
    re.IGNORECASE,
)
#: an id or amount in a fact's value: when the trainee says it, they know that fact already
_ID_TOKEN = re.compile(r"[A-Za-z]*\d[\w-]{3,}")
#: a figure written in Chinese numerals ("三百八", "一万二", "三年", "三口之家"): evidence as
#: much as "380" is
_ZH_FIGURE = re.compile(
    r"[一二两三四五六七八九十][零一二两三四五六七八九十百千万]+"
    r"|[一二两三四五六七八九十百千万]+(?:个月|年|天|周|倍|寸|升|瓦|度|口|块|元|折|成)"
)
#: something the customer can check for themselves (a test report, a written warranty, figures
#: on record, other buyers' reviews): what a doubtful customer needs before deciding (001
#: 「对专业信息的及时需求」, 002 §2a no vague answers). Counted like a figure.
_EVIDENCE = re.compile(
    r"\b(?:reports?|test(?:ed|s)?|certificat(?:e|ed|ion)s?|certified|warrant(?:y|ies)"
    r"|guarantee(?:d|s)?|in writing|written|data ?sheets?|spec(?:ification)?s?|reviews?"
    r"|ratings?|case stud(?:y|ies)|references?|independent(?:ly)?|accredited|regulated"
    r"|registered|white ?paper|measured|invoice|receipt|records?)\b"
    r"|检测报告|检测|报告|认证|证书|质保|保修|保证|书面|合同|白皮书|数据|评测|评价|案例|口碑"
    r"|实测|测试|第三方|国家标准|国标|发票|记录|参数表",
    re.IGNORECASE,
)
#: the reply acknowledges the customer's knowledge, standing or being right (001 R-LIS-I4
#: 「肯定对方的谈话价值」, R-AWR-2 「客户永远是对的」): the respect an arrogant customer needs,
#: whatever move the analysis filed it under
_RESPECT = re.compile(
    r"\byou(?:'re| are) (?:absolutely |quite |completely )?right\b|\bfair point\b"
    r"|\byou know (?:your stuff|this (?:better|well)|(?:far |much |a lot )?(?:more|better) than)"
    r"|\bknow (?:\w+ ){1,3}better than (?:most|me|us|anyone)\b"
    r"|\bas you (?:rightly )?(?:said|say|know|pointed out)\b"
    r"|\b(?:loyal|valued|long-?standing|platinum|gold|vip|premier)"
    r" (?:member|customer|guest|client)s?\b"
    r"|\b(?:member|customer|guest|client) (?:of|for) (?:\w+ ){0,2}years\b|\byears with us\b"
    r"|\byour (?:expertise|experience)\b|\bi won'?t waste your time\b"
    r"|您说得(?:对|没错|在理)|您说的(?:对|没错|在理)|您(?:最|更|比我(?:们)?(?:更|还)?)(?:懂|清楚|了解|门儿清|在行)"
    r"|您(?:是)?(?:行家|内行|专家|懂行)|您懂|请教|班门弄斧|您眼光|您考虑得(?:真|很|非常)?周到"
    r"|(?:老|资深|尊贵的|多年的)(?:VIP|会员|客户|车主|用户)|VIP(?:客户|会员)"
    # compliments on the customer's care, taste or research (001 女性客户 F2 赞美, R-LIS-I4)
    r"|\byou(?:'ve| have) (?:clearly |really |obviously )?done (?:your|a lot of|some) "
    r"(?:homework|research|reading)\b|\b(?:great|good|lovely|excellent) (?:taste|eye)\b"
    r"|\byou (?:clearly |really )?know what you(?:'re| are) (?:looking for|after)\b"
    r"|\b(?:that's|what) a (?:great|good|smart|sensible|thoughtful)"
    r" (?:question|point|idea|choice)\b"
    r"|\b(?:great|good|lovely|excellent|brilliant) (?:choice|pick)\b"
    # her own choice recognised as the one the expert would make ("You've picked out the one
    # I'd have chosen too")
    r"|\byou(?:'ve| have)? (?:picked|chosen|spotted|found|gone for)(?: out)? [^.!?]{0,30}"
    r"\b(?:i(?:'d| would) have (?:chosen|picked|gone for)|my (?:own )?favou?rite)"
    r"|\b(?:is|'s) a (?:favourite|favorite) of mine\b|\bsounds (?:gorgeous|beautiful|lovely)\b"
    r"|(?:您|你)(?:真|很|挺)?(?:会挑|有眼光)|选得(?:真|很)?好"
    # 「眼光绝了」「一眼就看中」, 「（这块）肯定比我看得透」 (session 12: deference and
    # taste praised in chat registers)
    r"|眼光(?:真|很|太|超|也)?(?:好|绝了|独到|不错|毒辣|在线)|(?:一眼|一下子?)(?:就)?(?:看中|挑中|相中)"
    r"|比我(?:们)?(?:更|还)?(?:看得透|看得准|懂|清楚|了解|在行|内行|专业)"
    # 「您是真懂车的人」, 「您批评得对」
    r"|您(?:是)?(?:真|很|最)懂|您(?:批评|讲|指出|提醒|骂)得(?:对|没错|在理|是)"
    r"|做(?:过|了)(?:不少|很多|好多)?功课|(?:很|真|这么|那么|特别)用心|眼光(?:真|很|不错|好|独到)"
    r"|(?:有|好)品味|品味(?:真|很|不错)|研究得(?:真|很|挺|这么)(?:细|透|仔细|清楚)"
    r"|(?:问|想)得(?:真|很|特别)?(?:好|到位|专业)"
    # knowing more than most ("对三电的了解肯定比一般销售深得多", "you'll know more than most
    # people who come in")
    r"|(?:了解|懂|知道|认识)[^，。！？]{0,8}比(?:一般|大多数|普通|很多|我们?)[^，。！？]{0,6}(?:深|多|专业|透)"
    r"|\byou(?:'ll| will)? (?:probably |surely |certainly )?know more (?:about \w+ )?than most\b",
    re.IGNORECASE,
)

normalise_remedy = offers.normalise_remedy


# --------------------------------------------------------------------------- public API


def start(persona: Persona, seed: int) -> Reaction:
    """The customer's opening line and the initial state."""
    mood = {key: float(persona.behaviour["mood"][key]) for key in MOOD_KEYS}
    revealed = [f["id"] for f in persona.facts if f.get("known_from_start")]
    state: dict[str, Any] = {
        "v": STATE_VERSION,
        "persona": persona.id,
        "seed": int(seed),
        "turn": 0,
        "stage": "opening",
        "mood": mood,
        "band": _band(mood, persona),
        "facts_revealed": revealed,
        "lines_used": [],
        "moves_seen": {},
        "recent_moves": [],
        "closed_streak": 0,
        "off_topic": False,
        "drifts": 0,
        "silences": 0,
        "offer": None,
        "fit_credited": False,
        "rejected_cost": False,
        "grievances": 0,
        "pushed": {},
        "said": [],
        "accepted": None,
        "heard": None,
        "ended": False,
        "outcome": None,
        "last_reaction": None,
        "last_line": "",
    }
    return _emit(persona, state, "opening")


def react(
    persona: Persona,
    state: PersonaState,
    analysis: Analysis | None,
    *,
    text: str | None = None,
    silence_seconds: float | None = None,
) -> Reaction:
    """The customer's reaction to one trainee reply (its analysis and, when known, its words)
    or to the trainee's silence."""
    state = copy.deepcopy(state)
    _upgrade(state)
    if state.get("ended"):
        return _reaction(state, state.get("last_line", ""), state.get("last_reaction") or "")
    if analysis is None and silence_seconds is not None:
        return _react_to_silence(persona, state, float(silence_seconds))

    beh = persona.behaviour
    state["turn"] += 1
    state["heard"] = None
    state.pop("unmet", None)  # what a proposal still lacked, only for the line answering it
    weighted = _moves_of(analysis, beh)
    turn = _Turn(
        persona=persona,
        state=state,
        moves=list(weighted),
        text=text or "",
        offer=_offer_of(text, persona.language, analysis),
        before=dict(state["mood"]),
    )

    # goodwill is earned by speaking to this customer, not by a move's label (personas.relevance)
    hollow = relevance.hollow(
        persona,
        state,
        turn.text,
        turn.moves,
        # an add-on offered as a question is judged as the proposal it is: one that names
        # nothing of the customer's is a pitch (relevance.hollow)
        asks=turn.asks and not (turn.has(*SOLUTION_MOVES) and _only_offers(turn.text)),
        recognises=bool(_RESPECT.search(turn.text)),
        remedies=turn.offer.remedies,
        time_frame=turn.offer.time_frame,
    )
    relevance.remember(state, turn.text)
    turn.pitch = hollow == "pitch"
    if not hollow and _unplaced_statement(analysis) and not _evidence_of_theirs(turn):
        # a statement the reading could place as no service move (no cue, no classifier
        # reading: the analysis's default "inform") earns no goodwill of its own: unknown is
        # not good. Bad agents' lectures, corrections and asides land here far more often than
        # good agents' answers, which come as answers to a question, proposals or checks.
        # Figures about the customer's matter still count as the evidence they are.
        weighted.pop("inform", None)
    if hollow:
        # praise in a slogan ("Great question!") is no recognition of this customer either
        credit = relevance.CREDIT_MOVES | (
            {"praise"} if relevance.slogans_only(turn.text) else frozenset()
        )
        if hollow == "pitch":
            # "I totally hear you! While I've got you, our new model is on sale": the sympathy
            # was the way into a sale, and the customer hears it so (seed 003 Ch3.2)
            credit |= {"empathy", "apology"}
        weighted = {m: w for m, w in weighted.items() if m not in credit}
        weighted["perfunctory"] = 1.0
        turn.moves = [*turn.moves, "perfunctory"] if "perfunctory" not in turn.moves else turn.moves
    _apply_moves(persona, state, weighted)
    _update_streaks(persona, state, turn.moves, text=turn.text)
    for move in weighted if hollow else turn.moves:
        state["moves_seen"][move] = state["moves_seen"].get(move, 0) + 1
    _count_evidence(turn)
    state["recent_moves"] = ([*state["recent_moves"], turn.moves])[-3:]
    _known_from_trainee(turn)

    # A deal already agreed is closed by the next reply that does not spoil it.
    if state["accepted"] is not None:
        if not turn.negative:
            turn.hear("closing", settled=True)
            return _end(persona, state, "resolved", turn)
        state["accepted"] = None

    ending = _check_ending(persona, state)
    if ending:
        return _end(persona, state, ending, turn)

    reaction = _choose_reaction(turn)
    if hollow and state["heard"] is not None:
        state["heard"]["hollow"] = hollow
    if reaction == "left":
        return _end(persona, state, "walked_away", turn)
    _spend_patience(turn, reaction)
    grievance = _compound(turn, hollow)
    if _last_straw(turn, grievance):
        return _end(persona, state, "walked_away", turn)
    if reaction == "accepted" and (
        state["turn"] >= persona.max_turns or bool(CLOSING_MOVES & set(turn.moves))
    ):
        return _end(persona, state, "resolved", turn)
    if state["turn"] >= persona.max_turns and state["accepted"] is None:
        return _end(persona, state, "turn_limit", turn)
    ending = _check_ending(persona, state)
    if ending:
        return _end(persona, state, ending, turn)
    _update_stage(persona, state)
    return _emit(persona, state, reaction, turn)


def finish(persona: Persona, state: PersonaState, reason: str) -> Reaction:
    """The trainee ended the session. A deal already agreed counts as resolved; otherwise the
    outcome stays None (the customer did not end it) and the customer says a parting line."""
    state = copy.deepcopy(state)
    _upgrade(state)
    if state.get("ended"):
        return _reaction(state, state.get("last_line", ""), state.get("last_reaction") or "")
    state["finish_reason"] = str(reason)
    if state.get("accepted") is not None:
        return _end(persona, state, "resolved")
    state["ended"] = True
    state["outcome"] = None
    state["stage"] = "closing"
    return _emit(persona, state, "end_finished")


def _upgrade(state: dict[str, Any]) -> None:
    """States saved by an older engine (sessions running across an upgrade) gain new keys."""
    state.setdefault("offer", None)
    state.setdefault("heard", None)
    state.setdefault("fit_credited", False)
    state.setdefault("rejected_cost", False)
    state.setdefault("said", [])
    state.setdefault("grievances", 0)
    state.setdefault("pushed", {})
    state["v"] = STATE_VERSION


# --------------------------------------------------------------------------- one reply


@dataclass
class _Turn:
    """What the customer heard in one reply, and what the line will answer."""

    persona: Persona
    state: dict[str, Any]
    moves: list[str]
    text: str
    offer: offers.Offer
    before: dict[str, float]
    #: placeholder values for this turn's line ({value}, {remedy}, {time_frame}, {why_not})
    slots: dict[str, str] = field(default_factory=dict)
    #: a fact whose own lines answer (drawn out) or whose `again` lines do (asked again)
    entries: list[object] | None = None
    progress: bool = False
    #: the reply sells something else in place of the customer's matter (relevance.pitch)
    pitch: bool = False
    #: a line said before this turn's line: the yes to a check the reply also made
    lead: str = ""

    @cached_property
    def asked(self) -> list[listening.FactMatch]:
        """The facts the reply's words ask about, best first (computed once per reply)."""
        return listening.match_facts(self.text, self.persona) if self.text else []

    @cached_property
    def open(self) -> bool:
        """The reply invites the customer to go on ("What happened?", "Anything else?") rather
        than asks about one thing in particular."""
        return bool(self.text) and listening.is_open(self.text, self.persona)

    @cached_property
    def asks(self) -> bool:
        """The reply's words ask the customer something: a question, or a request for
        information in the imperative ("I'll need your order number", "麻烦提供一下账号")."""
        return bool(self.text) and (
            listening.asks_for_information(self.text, self.persona.language)
            or bool(
                _QUESTION_FORM.search(self.text)
                or _REQUEST_FORM.search(listening.without_telling(self.text))
            )
        )

    @property
    def negative(self) -> bool:
        return any(m in NEGATIVE_REACTION for m in self.moves)

    def has(self, *moves: str) -> bool:
        return any(m in self.moves for m in moves)

    def hear(self, kind: str, **details: Any) -> None:
        self.state["heard"] = {"kind": kind, **details}


#: how surely a reply must restate a fact not yet told for the customer to take it as theirs
RECOGNISED_MIN = 0.7


#: a reply that announces a restatement ("To check: …", "Just to confirm, …", "我确认一下：…"),
#: whatever the analysis filed it under (often a closed question, for its "right?")
_RESTATEMENT = re.compile(
    r"\s*(?:(?:ok(?:ay)?|right|so),?\s+)?(?:to (?:check|confirm|recap|sum up|summari[sz]e)"
    r"|just to (?:check|confirm|be sure)|let me (?:check|confirm|make sure|recap)"
    r"|if i'?ve (?:got|understood) (?:this|that|it|you) right|so what i'?m hearing"
    r"|so,? (?:just )?to be clear)\b"
    r"|\s*(?:我(?:再)?(?:确认|核对|复述|总结|梳理|理解)一下|也就是说|总结一下|简单总结|我理解的是)"
    # a formal or terse heading ("谨此核对：…", "跟您确认：…", "核对一下，…")
    r"|\s*(?:谨此|在此|这里|先|再|我先|我再|跟您|和您|向您|与您)?(?:核对|核实|确认|复述|总结|归纳)"
    r"(?:一下)?\s*[:：，,]",
    re.IGNORECASE,
)
#: the tag that hands a restatement back for a yes ("…, is that right?", "…是否无误？", "…对吗？")
_CHECK_TAG = re.compile(
    r"(?:is that (?:right|correct)|have i got (?:that|this|it|everything) right"
    r"|did i get (?:that|this|it|everything) right|am i right|is that it|correct)\W*$"
    r"|(?:是否无误|是否准确|是否正确|对吗|对不对|没错吧|是这样吗|是吗|对吧|有没有说错|有没有漏)[？?。]?\s*$",
    re.IGNORECASE,
)


#: a sentence that makes an analogy (up to its end)
_ANALOGY = re.compile(
    r"(?:打个比方|打個比方|比方说|比方說|好比)[^。！？!?]*[。！？!?]?"
    r"|\b(?:it's|it is|that's|that is) (?:a bit |rather |kind of |sort of |just )?like "
    r"(?:a|an|when|buying|getting|taking)\b[^.!?]*[.!?]?"
    r"|\bthink of it (?:like|as)\b[^.!?]*[.!?]?",
    re.IGNORECASE,
)


def _recognised(turn: _Turn) -> str | None:
    """The trainee put into words something the customer had not said yet ("So this is for
    your father, who can't read small print?"): the customer recognises it and says it their
    way. Only in a restatement or a proposal, and only when it is clearly that fact."""
    persona, state = turn.persona, turn.state
    restating = turn.has("paraphrase", "confirm") or bool(
        turn.has("closed_question")
        and (_RESTATEMENT.match(turn.text or "") or _CHECK_TAG.search(turn.text or ""))
    )
    if not turn.text or not restating:
        return None
    # an analogy ("打个比方，给老人买手机就像配眼镜", "It's a bit like a car's first service")
    # speaks of people and things in general, not of this customer
    text = _ANALOGY.sub(" ", turn.text)
    unrevealed = [f["id"] for f in persona.facts if f["id"] not in state["facts_revealed"]]
    said = [
        m
        for m in listening.mentions(text, persona, unrevealed)
        if m.score >= RECOGNISED_MIN and listening.names_fact(text, persona, m.fact_id)
    ]
    if not said:
        return None
    said.sort(key=lambda m: not _fact(persona, m.fact_id).get("required"))
    # What the trainee got right is confirmed (004 ch1 复述与确认; 002 §2b 反饋與確認). A fact
    # named in full (or most of it) is out. One named only in part ("…他主要跟家里人视频" for
    # a father who cannot see or hear well and wants to video his grandson) has that part
    # confirmed; the rest comes out only when the customer is open enough to tell it, as for
    # a question.
    revealed: list[str] = []
    added: list[str] = []  # named in part, the rest told because the customer is open enough
    recognised: list[str] = []  # what is confirmed, in the fact values' own words
    partly: dict[str, list[str]] = {}
    for m in said:
        fact = _fact(persona, m.fact_id)
        named, parts = listening.named_parts(text, persona, m.fact_id)
        # at least half of what the value says is the fact named ("you've got a cat who
        # scratches" for a cat that scratches and fabric that must resist it)
        if named and 2 * len(named) < len(parts):
            if not _gate(persona, state, fact):
                partly[m.fact_id] = named
                recognised.extend(named)
                continue
            added.append(m.fact_id)
        revealed.append(m.fact_id)
        recognised.append(str(fact.get("value", "")))
    if turn.has(*QUESTION_MOVES) or turn.asks:
        # asked "is that right?", he answers with what is his: a question he answered, as much
        # as one about a single fact (001 S1 诱导法; the silent type's drawn_out need)
        state["moves_seen"][ANSWERED] = state["moves_seen"].get(ANSWERED, 0) + 1
    state["facts_revealed"].extend(revealed)
    if partly:
        confirmed = state.setdefault("confirmed", {})
        for fid, named in partly.items():
            confirmed[fid] = list(dict.fromkeys([*(confirmed.get(fid) or []), *named]))
    turn.progress = True
    if not turn.has("paraphrase", "confirm"):
        # a restatement the analysis did not file as one: being heard right still counts
        # (the listening moves carry it otherwise; 004 ch1)
        _effects(state, persona.behaviour.get("checked"))
    first = added[0] if added else (revealed[0] if revealed else next(iter(partly)))
    heard: dict[str, Any] = {"fact": first, "facts": revealed}
    if partly:
        heard["partly"] = sorted(partly)
    turn.hear("check", result="recognised", **heard)
    # the answer says the guess is right: the fact's own line when it tells the rest or is
    # the one thing named, unless it reads as a correction ("……不是我用，给我爸买的。" after
    # "是给您父亲用吧？"); otherwise the type's confirmation of what was recognised
    own = [] if partly or (len(revealed) > 1 and not added) else _fact(persona, first).get("lines")
    agreeing = [e for e in own or [] if not _CORRECTING.match(line_bank.text_of(e))]
    if agreeing:
        turn.entries = agreeing
        return "reveal"
    turn.slots["value"] = _joined(recognised, persona.language)
    return "confirmed"


#: a line that opens by saying the other got it wrong ("No, it's …", "……不是我用", "不对")
_CORRECTING = re.compile(
    r"[\s.…,，、]*(?:no\b|nope\b|not\b|that'?s not\b|wrong\b|actually,? no\b"
    r"|不是|不对|没有|错了|其实不)",
    re.IGNORECASE,
)


def _joined(values: list[str], lang: str) -> str:
    values = list(dict.fromkeys(v for v in values if v))
    if lang == "zh" or len(values) < 2:
        return "，".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


def _offer_of(text: str | None, lang: str, analysis: Analysis | None) -> offers.Offer:
    """What the reply offers, read from its words; without them (a caller that has only the
    analysis), from the analysis's remedy and time-frame entities."""
    entities = (analysis or {}).get("entities") or []
    if text:
        return offers.read_offer(text, lang, entities)
    remedies = tuple(
        dict.fromkeys(
            normalise_remedy(str(e["value"]))
            for e in entities
            if e.get("entity") == "remedy" and e.get("value")
        )
    )
    time_frame = next(
        (str(e["value"]) for e in entities if e.get("entity") == "time_frame" and e.get("value")),
        None,
    )
    concrete = bool([r for r in remedies if r not in NOT_A_REMEDY] or time_frame)
    return offers.Offer(remedies=remedies, time_frame=time_frame, concrete=concrete)


def _count_evidence(turn: _Turn) -> None:
    """What a type needs before deciding (``behaviour.needs``) is counted by what the replies
    did, not only by their labels: specifics (figures, sizes, prices) in a statement are
    information, and a who/what/how question is an open question whatever else it carries."""
    seen, moves = turn.state["moves_seen"], turn.moves
    statements = [c for c in _SENTENCE.split(turn.text) if not _QUESTION_FORM.search(c)]
    # each figure (digits or Chinese numerals) and each thing the customer can check (a test
    # report, a written warranty) is a piece of evidence; a reply counts for two at most
    pieces = {f for c in statements for f in _FIGURE.findall(c)}
    pieces |= {f for c in statements for f in _ZH_FIGURE.findall(c)}
    pieces |= {m.group(0).lower() for c in statements for m in _EVIDENCE.finditer(c)}
    figures = min(2, len(pieces))
    already = 1 if "inform" in moves else 0  # the move itself was counted above
    seen["inform"] = seen.get("inform", 0) + max(0, figures - already)
    if "open_question" not in moves and _WH_QUESTION.search(turn.text):
        seen["open_question"] = seen.get("open_question", 0) + 1
    if "praise" not in moves and not turn.negative and _RESPECT.search(turn.text):
        # respect shown in words the analysis filed elsewhere ("您懂机芯，我就直接请教",
        # "as a platinum member of fifteen years") is the recognition a type may need
        seen["praise"] = seen.get("praise", 0) + 1


def _known_from_trainee(turn: _Turn) -> None:
    """A fact the trainee states by its id or number ("I've found your account, 0571-88231907")
    is known: the customer need not tell it."""
    folded = listening.normalise(turn.text)
    for fact in turn.persona.facts:
        if fact["id"] in turn.state["facts_revealed"]:
            continue
        tokens = _ID_TOKEN.findall(listening.normalise(str(fact.get("value", ""))))
        if tokens and all(token in folded for token in tokens):
            turn.state["facts_revealed"].append(fact["id"])


def _evidence_of_theirs(turn: _Turn) -> bool:
    """The reply gives figures (a price, a rate, a size, a time) about this customer's matter."""
    return relevance.specifics(turn.text) and relevance.about_customer(
        turn.persona, turn.state, turn.text
    )


def _unplaced_statement(analysis: Analysis | None) -> bool:
    """The analysis found no move in the reply and called it a plain statement (its default
    inform, with the "statement" cue; scoring.analysis)."""
    if not analysis or analysis.get("error"):
        return False
    moves = [item.get("move") for item in analysis.get("moves") or []]
    cues = {item.get("cue") for item in analysis.get("cues") or []}
    return moves == ["inform"] and "statement" in cues


def _moves_of(analysis: Analysis | None, beh: dict[str, Any]) -> dict[str, float]:
    """Move -> weight (1 = sure, 0.5 = weak) of the moves the customer reacts to.

    Moves under ``min_confidence`` are ignored. Moves under ``strong_confidence`` count half,
    and a weak negative move is ignored altogether when the reply's sure moves are all
    non-negative: the trainee should not be punished for an analysis false positive (a
    "we guarantee it in writing" read as a faint `deceive`)."""
    if not analysis or analysis.get("error"):
        return {}
    th = beh["thresholds"]
    floor = float(th.get("min_confidence", 0.4))
    strong = float(th.get("strong_confidence", 0.6))
    found: dict[str, float] = {}
    for item in analysis.get("moves") or []:
        move = item.get("move")
        confidence = float(item.get("confidence", 1.0))
        if isinstance(move, str) and confidence >= floor:
            found[move] = max(found.get(move, 0.0), 1.0 if confidence >= strong else 0.5)
    sure = [m for m, w in found.items() if w == 1.0]
    if sure and not any(m in NEGATIVE_REACTION for m in sure):
        found = {m: w for m, w in found.items() if w == 1.0 or m not in NEGATIVE_REACTION}
    return found


# --------------------------------------------------------------------------- mood


def _apply_moves(persona: Persona, state: dict[str, Any], moves: dict[str, float]) -> None:
    beh = persona.behaviour
    effects = beh["effects"]
    caps = beh.get("caps", {})
    delta = dict.fromkeys(MOOD_KEYS, 0.0)
    recent = [m for turn in state["recent_moves"][-2:] for m in turn]
    for move, weight in moves.items():
        table = effects.get(move) or {}
        # The same soothing move again and again wears thin (003 Ch3.1: calm with a sequence).
        damp = 1.0 / (1 + recent.count(move))
        for key, value in table.items():
            value = float(value) * weight
            helpful = (key == "anger" and value < 0) or (key != "anger" and value > 0)
            delta[key] += value * damp if helpful else value
    if not moves:
        for key, value in (beh.get("no_move") or {}).items():
            delta[key] += float(value)
    for key, value in (beh.get("per_turn") or {}).items():
        delta[key] += float(value)
    if "anger_down" in caps:
        delta["anger"] = max(delta["anger"], -float(caps["anger_down"]))
    for key in ("trust", "openness", "patience"):
        cap = caps.get(f"{key}_up")
        if cap is not None:
            delta[key] = min(delta[key], float(cap))
    _add(state, delta)


def _add(state: dict[str, Any], delta: dict[str, float]) -> None:
    for key, value in delta.items():
        state["mood"][key] = round(min(100.0, max(0.0, state["mood"][key] + value)), 2)


def _effects(state: dict[str, Any], table: object) -> None:
    if isinstance(table, dict):
        _add(state, {k: float(v) for k, v in table.items()})


#: what makes a closed question easy to answer rather than interrogation: warmth around it (a
#: greeting, praise, empathy, apology, paraphrase, thanks, an open question)
_WARM_MOVES = CARING_MOVES | frozenset({"greeting", "praise", "thanks_closing"})


#: a closed question made easy to answer: it acknowledges what the customer just said ("Makes
#: sense.", "Got it, …", 「明白了」「原来是…」) or says why it is asked ("so I don't point you at
#: the wrong one", 「我好在这个范围里帮您挑」)
_EASY_ASK = re.compile(
    r"(?:^|[.!?,;:]\s*)(?:oh,? )?(?:(?:that )?makes (?:total |good |perfect )?sense|got it|i see"
    r"|(?:very |how )?nice|lovely|understood|fair enough)\b"
    r"|\b(?:just )?so (?:that )?(?:i|we) (?:can|could|don't|do not|know|pick|find|narrow)"
    r"|\b(?:i'm |i am )?asking (?:because|bc|as|since)\b|\bi ask because\b|\bto narrow\b"
    r"|\b(?:it|that) (?:changes|helps|affects) (?:what|which) i\b"
    r"|(?:^|[。！，,\s])(?:明白了?|了解了?|懂了|知道了|原来(?:是|如此)|挺好的?|不错)|有心了|真(?:贴心|孝顺)"
    r"|(?:我|我们)(?:好|才好|再|就)?(?:在这个范围|按这个|照这个|根据(?:这个|您))"
    r"|方便(?:我|我们)|(?:问|問)(?:这个|這個)?是(?:因为|为了|因為|為了)",
    re.IGNORECASE,
)


def _update_streaks(
    persona: Persona, state: dict[str, Any], moves: list[str], *, text: str = ""
) -> None:
    # Only a run of bare closed questions is interrogation (001 R-LIS-D6 「提问不要太多」): one
    # wrapped in warmth, one that acknowledges what the customer has just said (R-LIS-I4
    # 「肯定对方的谈话价值」, R-LIS-5c) or says why it is asked is a way to make answering easy
    # (001 §2.7 S1 诱导法 「只要对方开口，就可根据他的回答来准备对策」; R-Q2/R-Q3 closed and choice
    # questions, R-Q5 leading questions get a slow customer talking; digest_001 §2.7, §3.6).
    warm = any(m in _WARM_MOVES for m in moves) or bool(_EASY_ASK.search(text))
    if "closed_question" in moves and not warm:
        state["closed_streak"] += 1
    else:
        state["closed_streak"] = 0
    rule = (persona.behaviour.get("streaks") or {}).get("closed_question")
    if rule and state["closed_streak"] >= int(rule.get("min", 2)):
        _effects(state, rule.get("effects"))


def _spend_patience(turn: _Turn, reaction: str) -> None:
    """Patience follows progress (issue: a polite, progressing conversation must not run out
    of patience on the clock): a reply that drew out a fact, got a check confirmed, brought an
    offer the customer accepts, or calmed the customer costs nothing; any other reply costs the
    type's ``stall``."""
    state, mood, before = turn.state, turn.state["mood"], turn.before
    calmer = (before["anger"] - mood["anger"]) >= PROGRESS_MIN
    warmer = (mood["trust"] - before["trust"]) >= PROGRESS_MIN
    # "wait, we're not done": a goodbye or an "anything else?" with nothing settled
    stalling = reaction in STALLING_REACTIONS
    if turn.progress or ((calmer or warmer) and not stalling):
        return
    _effects(state, turn.persona.behaviour.get("stall"))


def _grievance(turn: _Turn, hollow: str | None) -> str | None:
    """What this reply did wrong to the customer, as bad service they will remember: a red line
    (blame, rudeness, a brush-off, a lie), hollow service (敷衍: fillers, off the point, a vague
    promise, "as I said", copy-paste), one more bare closed question in a string they have
    stopped answering (001 R-LIS-D6), or a proposal pushed again after the customer said "not
    yet" or "no" (counted in ``state["pushed"]``). None for a reply that did none of these."""
    state = turn.state
    heard = state.get("heard") or {}
    if heard.get("kind") == "red_line":
        return "red_line"
    if hollow or "perfunctory" in turn.moves:
        return "hollow"
    if heard.get("why") == "interrogated":
        return "interrogated"
    if heard.get("kind") == "offer" and heard.get("judged") in ("not_ready", "rejected"):
        # one proposal too early, or one that misses them, is part of finding what fits; the
        # same answer again means the trainee pushes instead of listening (003 Ch3.3
        # 「避免…過早地給出解決方案」; 001 R-LIS-D1 「不要假装听」)
        key = "premature" if heard["judged"] == "not_ready" else "refused"
        pushed = state.setdefault("pushed", {})
        pushed[key] = int(pushed.get(key) or 0) + 1
        if pushed[key] >= 2:
            return "pushed"
    return None


def _compound(turn: _Turn, hollow: str | None) -> str | None:
    """Bad service compounds: each offence after the first costs more than the one before
    (``behaviour.escalation``: ``step`` more of what this reply cost, per earlier offence, up
    to ``max`` times). The guidelines' conflict escalates (003 Ch2.1 / Ch3.2 「避免…沖突升級」,
    digest_002_003 §3.4): a customer already brushed off or talked down to hears the next
    brush-off as confirmation and loses patience and trust faster, and anger builds on anger
    (004 ch3 emotional contagion, digest_000_004 §3). One offence, say a reply misread as rude
    inside a good conversation, costs what the type's tables say and no more."""
    grievance = _grievance(turn, hollow)
    if grievance is None:
        return None
    state = turn.state
    earlier = int(state.get("grievances") or 0)
    state["grievances"] = earlier + 1
    if grievance == "hollow":
        state["brushed_off"] = int(state.get("brushed_off") or 0) + 1
    rule = turn.persona.behaviour.get("escalation") or {}
    factor = min(float(rule.get("max", 1.0)), 1.0 + float(rule.get("step", 0.0)) * earlier) - 1.0
    if factor <= 0:
        return grievance
    mood, before = state["mood"], turn.before
    extra = {
        key: (mood[key] - before[key]) * factor
        for key in ("patience", "trust")
        if mood[key] < before[key]
    }
    if mood["anger"] > before["anger"]:
        extra["anger"] = (mood["anger"] - before["anger"]) * factor
    _add(state, extra)
    return grievance


def _last_straw(turn: _Turn, grievance: str | None) -> bool:
    """One offence too many, with patience nearly gone, ends it: the customer leaves rather
    than take one more (002 §2a / digest_002_003 §3.3; the threshold is the type's
    ``thresholds.last_straw_patience``): a red line (blame, rudeness, a brush-off, a lie) after
    any earlier offence, any offence after a red line, or any offence (hollow service,
    interrogation, pushing) after two. A single one, say a reply misread as rude, is not a
    pattern."""
    limit = turn.persona.behaviour["thresholds"].get("last_straw_patience")
    if limit is None or grievance is None:
        return False
    state = turn.state
    seen = state["moves_seen"]
    # red lines of earlier replies (also those of a state saved before offences were counted)
    offended = sum(seen.get(m, 0) for m in NEGATIVE_REACTION) - sum(
        1 for m in turn.moves if m in NEGATIVE_REACTION
    )
    earlier = max(int(state.get("grievances") or 0) - 1, offended)
    pattern = earlier >= 2 or (earlier >= 1 and (grievance == "red_line" or offended > 0))
    return pattern and state["mood"]["patience"] <= float(limit)


def _band(mood: dict[str, float], persona: Persona) -> str:
    bands = persona.behaviour.get("bands") or {}
    if mood["anger"] >= bands.get("upset_anger", 60) or mood["trust"] < bands.get(
        "upset_trust", 20
    ):
        return BANDS[0]
    if mood["anger"] < bands.get("settled_anger", 35) and mood["trust"] >= bands.get(
        "settled_trust", 45
    ):
        return BANDS[2]
    return BANDS[1]


# --------------------------------------------------------------------------- endings, stages


def _check_ending(persona: Persona, state: dict[str, Any]) -> str | None:
    th = persona.behaviour["thresholds"]
    mood = state["mood"]
    if mood["anger"] >= th["escalate_anger"]:
        return "escalated"
    if mood["patience"] <= th.get("walk_away_patience", 0) or mood["trust"] <= th.get(
        "walk_away_trust", 0
    ):
        return "walked_away"
    return None


def _required_facts(persona: Persona) -> list[str]:
    return [f["id"] for f in persona.facts if f.get("required")]


def _missing_facts(persona: Persona, state: dict[str, Any]) -> list[str]:
    return [f for f in _required_facts(persona) if f not in state["facts_revealed"]]


def _update_stage(persona: Persona, state: dict[str, Any]) -> None:
    th = persona.behaviour["thresholds"]
    if state["ended"] or state["accepted"] is not None:
        state["stage"] = "closing"
    elif state["mood"]["anger"] >= th.get("venting_anger", 60):
        state["stage"] = "venting"
    elif not _missing_facts(persona, state):
        state["stage"] = "negotiating"
    else:
        state["stage"] = "clarifying"


# --------------------------------------------------------------------------- reactions


def _choose_reaction(turn: _Turn) -> str:
    persona, state, moves = turn.persona, turn.state, turn.moves
    beh = persona.behaviour
    overrides = beh.get("reactions") or {}
    if _sends_off(turn):
        # 002 §2a / digest_002_003 §3.3: brushed off and told to go, the customer goes
        turn.hear("closing", settled=False, left=True, sent_off=True)
        return "left"
    for move in NEGATIVE_PRIORITY:
        if move in moves:
            state["off_topic"] = False
            turn.hear("red_line", move=move)
            return str(overrides.get(move, NEGATIVE_REACTION[move]))

    if _only_thanks_for_patience(turn) and _customer_asked(state):
        # the customer asked something and the whole reply thanks them for their patience: no
        # answer, and they notice (002 §2a; 001 R-LIS-D1 「不要假装听」)
        turn.hear("unanswered")
        return "unanswered"

    if (
        _says_goodbye(turn)
        and state["accepted"] is None
        and not turn.has(*SOLUTION_MOVES)
        and _fed_up(persona, state)
    ):
        # a goodbye with nothing settled, to a customer who has had enough: they leave
        turn.hear("closing", settled=False, left=True)
        return "left"

    if _anything_else(turn) and state["accepted"] is None:
        # "Anything else?" with nothing settled is a way out, not a question to answer (003
        # Ch3.1 step 6: make sure the problem is solved before closing): "wait, we're not done"
        # (a customer who has had enough has left above)
        turn.hear("closing", settled=False)
        return "not_done"

    drift = beh.get("drift") or {}
    steering = [m for m in moves if m in (drift.get("steer_moves") or [])]
    was_off = state["off_topic"]
    if drift and steering:
        state["off_topic"] = False

    if _proposes(turn) and not _asks_untold_fact_instead(turn):
        return _judge_offer(turn)
    if _answers_offer_check(turn):
        reaction = _judge_offer(turn, again=True)
        if (
            state["accepted"] is None
            and turn.has("thanks_closing")
            and not turn.has("follow_up", "confirm", "closed_question")
        ):
            # a goodbye while the proposal is not taken: "wait, we're not done", not an answer
            # to the proposal as if it had been asked about again
            turn.hear("closing", settled=False, judged=state["heard"].get("judged"))
            return "not_done"
        return reaction

    if turn.pitch and state["accepted"] is None:
        # sold something else while their own matter is open (relevance.pitch), as a question
        # or a statement: they say so instead of answering it (003 Ch3.2; 001 R-LIS-D1); a
        # pitch put as a proposal was judged as one above (a shopper's "that doesn't fit")
        turn.hear("pitch")
        return "pitched"

    rule = (beh.get("streaks") or {}).get("closed_question") or {}
    interrogated = bool(rule) and state["closed_streak"] >= int(rule.get("min", 2))
    guarded = str(rule.get("reaction", "guarded"))
    asks = turn.has(*QUESTION_MOVES) or turn.asks
    recognised = _recognised(turn)
    if recognised:
        return recognised
    if asks and not state["off_topic"]:
        # a question about something not told yet is answered first, even inside a check
        asked = turn.asked
        if asked and asked[0].fact_id not in state["facts_revealed"]:
            fact = _fact(persona, asked[0].fact_id)
            if interrogated:
                # 001 R-LIS-D6: a string of bare closed questions makes the customer guarded
                turn.hear("question", answer="held_back", fact=fact["id"], why="interrogated")
                return guarded
            if not _gate(persona, state, fact):
                turn.hear("question", answer="held_back", fact=fact["id"])
                return "guarded"
            # an open invitation whose words fit a fact ("What happened?" and the fault): told
            # because invited, the thing this customer tells next
            return _reveal(turn, fact, "told_next" if turn.open else "asked")

    # a talkative customer wanders off unless asked something specific
    if drift and not steering:
        rng = random.Random(f"{state['seed']}:{state['turn']}:drift")
        triggered = any(m in (drift.get("on_moves") or []) for m in moves)
        # Wandering off on his own happens while the story is still being told.
        wanders = bool(_missing_facts(persona, state)) and rng.random() < float(
            drift.get("chance", 0.0)
        )
        if (was_off or triggered or wanders) and state["drifts"] < int(drift.get("max", 99)):
            state["off_topic"] = True
            state["drifts"] += 1
            _effects(state, drift.get("effects"))
            turn.hear("drift")
            return "drift"

    checked = _check(turn)
    if checked == "confirmed" and asks:
        also = _confirm_and_answer(turn, was_off=was_off, steering=bool(steering))
        if also:
            return also
    if checked:
        return checked
    if asks:
        answered = _answer_question(turn, was_off=was_off, steering=bool(steering))
        if answered == "already_told" or (answered and not interrogated):
            return answered
    if interrogated:
        turn.hear("question", answer="held_back", why="interrogated")
        return guarded

    if was_off and steering:
        turn.hear("back_on_track")
        return "back_on_track"
    if (
        turn.has(*CLOSING_MOVES)
        and state["accepted"] is None
        and not turn.has(*SOLUTION_MOVES)
        and not _thanks_on_the_way_in(turn)
        and (turn.has("follow_up") or not _thanks_for_waiting_only(turn))
    ):
        turn.hear("closing", settled=False)
        return "not_done"
    if turn.has(*GOODWILL_MOVES):
        improved = (
            state["mood"]["anger"] < turn.before["anger"]
            or state["mood"]["trust"] > turn.before["trust"]
            or state["mood"]["openness"] > turn.before["openness"]
        )
        turn.hear("goodwill", moved=bool(improved))
        if improved and _band(state["mood"], persona) != "upset":
            return _impatient_or(persona, state, "positive")
        return _impatient_or(persona, state, "unmoved")
    turn.hear("nothing")
    return _impatient_or(persona, state, "neutral")


#: the trainee sends the customer away with nothing settled ("come back when you know what you
#: want", "想好了再来", "您可以去别家", an ultimatum "take it or leave it" / "要就买，不要算了"):
#: told to go, they go
_SEND_OFF = re.compile(
    r"(?:^|[.!?,;:]\s*|\b(?:just|well|then|so|please|ok|okay)\s+)come back (?:when|once|later"
    r"|another time|tomorrow|next week|if)\b"
    r"|\b(?:when|once) you(?:'ve| have)? (?:know|decided?|made up your mind|worked out|figured)"
    r"[^.?!]{0,40}\bcome back\b"
    r"|\b(?:go|shop|try|ask) (?:somewhere|someone|some ?place) else\b|\b(?:go|shop) elsewhere\b"
    r"|(?:想好|想清楚|考虑好|决定好|确定好)了?(?:再来|再说吧|再找我)|(?:改天|下次|以后|回头)再来"
    r"|去别家|找别家|换一家|爱买不买|爱要不要|(?:要|买)就[^，。,.!?！？]{0,4}[，,]?\s*不(?:要|买)(?:就)?算了"
    # an ultimatum: take what is on offer or go
    r"|\btake it or leave it\b",
    re.IGNORECASE,
)


def _sends_off(turn: _Turn) -> bool:
    """The reply sends the customer away while nothing is agreed and no fitting proposal is
    waiting for their answer (an invitation to come back after a deal is only a goodbye)."""
    if turn.state["accepted"] is not None or not _SEND_OFF.search(turn.text or ""):
        return False
    standing = turn.state.get("offer") or {}
    return not (standing.get("fits") and standing.get("judged") in PENDING - {"rejected"})


#: a reply that is nothing but thanks for the customer's patience or for waiting ("Thank you for
#: your patience.", "Thanks for bearing with us!", 「感谢您的耐心等待」, 「让您久等了，谢谢」)
_THANKS_FOR_PATIENCE = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|sure|right|alright|hi|hello|dear customer)\W+)?"
    r"(?:(?:many |so much |very much )?thanks?(?: you)?(?: so much| very much| kindly)? (?:for|4) "
    r"(?:your |ur )?(?:patience|waiting|holding|bearing with (?:me|us)|your understanding)"
    r"(?: (?:so far|today|while (?:i|we) (?:check|look)(?:ed)?(?: into it| that)?))?"
    r"|(?:i |we )?appreciate (?:your|you(?:r)? being) (?:patience|patient)"
    r"|sorry (?:for|about) (?:the|your) wait(?:ing)?)"
    r"(?:\W+(?:thanks?(?: you)?|sorry (?:for|about) the wait))?\W*$"
    r"|^\W*(?:亲|您好|你好)?\W*(?:(?:非常|十分)?(?:感谢|谢谢|多谢)(?:您|你|亲)?的?(?:耐心|耐心等待|等待|理解|配合)"
    r"|让您?久等了|久等了|不好意思让您?久等了)"
    r"(?:\W*(?:(?:非常|十分)?(?:感谢|谢谢)(?:您|你)?的?(?:耐心等待|耐心|理解)?|让您?久等了))?\W*$",
    re.IGNORECASE,
)


def _only_thanks_for_patience(turn: _Turn) -> bool:
    return bool(turn.text) and bool(_THANKS_FOR_PATIENCE.search(turn.text.strip()))


def _customer_asked(state: dict[str, Any]) -> bool:
    """The customer's last line asks something ("…有现货的有哪些？", "Is it in stock?")."""
    line = str(state.get("last_line") or "")
    return bool(re.search(r"[?？]|[吗嗎呢][\W]*$", line))


#: patience at or below which a customer told goodbye with nothing settled leaves for good
FED_UP_PATIENCE = 25


#: a reply that only asks whether there is anything else ("Anything else?", "还有事吗？"): a way
#: of taking leave, whatever the analysis filed it under


def _says_goodbye(turn: _Turn) -> bool:
    """The reply takes leave: thanks with no greeting and nothing asked. "Thank you for your
    patience, I'm sorry about the wait" after a hello, or "谢谢您说明，请提供一下账号好吗？",
    thanks the customer on the way in or between questions; it says no goodbye."""
    if _anything_else(turn):
        return True
    if _thanks_for_waiting_only(turn):
        # "感谢您的耐心等待，您的问题我们已经记录": thanks for waiting with a holding line is no
        # leave-taking (002 §2a / 003 Ch3.1 step 6: a closing comes when the matter is settled);
        # it is judged as the holding line it is (relevance: a promise with no what or when)
        return False
    return (
        turn.has("thanks_closing") and not turn.has("greeting", *QUESTION_MOVES) and not turn.asks
    )


def _thanks_on_the_way_in(turn: _Turn) -> bool:
    """A hello that thanks the customer for getting in touch ("Good morning and thank you for
    contacting us!", 「您好，感谢您的来电」) opens the conversation; it says no goodbye."""
    return turn.has("greeting") and not _anything_else(turn) and int(turn.state["turn"]) <= 2


def _thanks_for_waiting_only(turn: _Turn) -> bool:
    """The reply's only thanks are for the customer's patience or understanding: nothing in it
    takes leave."""
    return (
        bool(turn.text)
        and bool(_THANKS_FOR_WAITING.search(turn.text))
        and not _TAKING_LEAVE.search(_THANKS_FOR_WAITING.sub(" ", turn.text))
    )


#: thanks for the customer's patience or understanding while they wait: said on the way, not a
#: goodbye
_THANKS_FOR_WAITING = re.compile(
    r"\b(?:thanks?(?: you)?|many thanks|(?:i |we )?appreciate)(?: (?:so much|very much))?"
    r" (?:for )?(?:your |ur )?(?:patience|waiting|holding|bearing with (?:me|us)|understanding)"
    r"|(?:非常|十分)?(?:感谢|感謝|谢谢|謝謝|多谢|多謝)(?:您|你|亲)?的?(?:耐心等待|耐心等候|耐心|等待|等候|理解|配合)"
    r"|让您?久等了|讓您?久等了",
    re.IGNORECASE,
)
#: what takes leave once the thanks for waiting are set aside
_TAKING_LEAVE = re.compile(
    r"\b(?:thanks?|thank you|bye|goodbye|farewell|have a (?:nice|good|great|lovely)|take care"
    r"|enjoy|all the best|cheers)\b"
    r"|谢谢|謝謝|感谢|感謝|多谢|多謝|再见|再見|拜拜|祝您|祝你|慢走|回见|回見|不客气|不客氣|应该的|應該的"
    r"|辛苦|先这样|先這樣|就这样|就這樣|告辞|告辭",
    re.IGNORECASE,
)


def _anything_else(turn: _Turn) -> bool:
    """The reply only asks whether the customer needs anything else ("Anything else?", "Is there
    anything else I can help you with today?", "还有其他问题吗？"), with no proposal in it. The
    way the agent addresses the customer and chat decoration do not change the question ("…
    today, ma'am?", "还有其他可以帮到亲的吗？😊", "还有别的问题吗阿姨？么么哒")."""
    if not turn.text:
        return False
    # a goodbye after it ("… today? Have an awesome weekend!", "…吗？祝您生活愉快") takes leave too
    text = _LEAVE_TAIL.sub("", _bare_of_address(turn.text)).strip()
    if not _ANYTHING_ELSE.search(text):
        return False
    if set(turn.moves) <= _ANYTHING_ELSE_ALONE:
        return True
    # nothing but the question ("Anything else?"), whatever the analysis filed it under (a
    # bare "Anything else?" read as a paraphrase restates nothing)
    rest = _ANYTHING_ELSE.sub(" ", text)
    return not re.search(r"\w", rest) and not turn.has(*SOLUTION_MOVES)


#: a goodbye said after the last question ("Have a great weekend!", "Take care.", "祝您生活愉快")
_LEAVE_TAIL = re.compile(
    r"(?<=[.!?。！？~～])\s*(?:(?:and\s+)?have an? (?:\w+\s+){0,2}(?:day|weekend|evening|afternoon"
    r"|morning|night|one|time|trip|holiday)|take care|bye|goodbye|cheers|all the best"
    r"|祝(?:您|你)[^。！？!?]{0,12}|再见|再見|拜拜)\W*$",
    re.IGNORECASE,
)


#: how an agent addresses the customer or decorates a chat line: a vocative after a comma
#: ("…, ma'am?", "…, Mr Lee?"), a Chinese form of address or chat particle after the question
#: word ("吗阿姨？", "吗亲"), emoji, tildes and closing chat words (「么么哒」「哈」)
_ADDRESS_EN = re.compile(
    r",\s*(?:ma'?am|madam|sir|miss|mate|dear|my friend|(?:mr|mrs|ms|dr)\.? [a-z]+|[a-z]+)"
    r"(?=\s*[?.!]*\s*$)",
    re.IGNORECASE,
)
_ADDRESS_ZH = re.compile(
    r"(?<=[吗嗎么麼呢])\s*(?:亲爱的|亲|親|宝宝|宝|阿姨|叔叔|大哥|大姐|姐姐|哥哥|美女|帅哥|小姐姐|先生|女士|"
    r"老师|[\u4e00-\u9fff]总|[\u4e00-\u9fff](?:先生|女士|小姐|阿姨|叔叔))"
)
_DECORATION = re.compile(
    r"[\U0001F300-\U0001FAFF\u2600-\u27BF~～]+|(?<=[？?。!！\s])\s*(?:么么哒|麽麽噠|哈哈|哈|呀|哦|噢|嘻嘻)+\W*$"
)


def _bare_of_address(text: str) -> str:
    out = _DECORATION.sub("", text).strip()
    out = _ADDRESS_EN.sub("", out)
    out = _ADDRESS_ZH.sub("", out)
    # 「可以帮到您的」「能帮上亲的」 are 「可以帮」
    out = re.sub(r"(?:可以|能)(?:帮|幫)(?:到|上)?(?:您|你|亲|親)?", "可以帮", out)
    return out.strip()


def _fed_up(persona: Persona, state: dict[str, Any]) -> bool:
    """The customer has had enough: still upset (the type's upset band) or nearly out of
    patience. A goodbye with nothing settled then ends it, driven off; otherwise it gets "wait,
    we're not done". A customer already brushed off, blamed or insulted in this conversation
    (a red line, 002 §2a / digest_002_003 §3.3) has had enough too, unless a fitting proposal
    is still waiting for their answer."""
    if _band(state["mood"], persona) == BANDS[0] or state["mood"]["patience"] <= FED_UP_PATIENCE:
        return True
    offended = sum(state["moves_seen"].get(m, 0) for m in NEGATIVE_REACTION)
    # hollow service is a brush-off too: a customer sent to the details page, pitched at or
    # fobbed off with a vague promise, then told "have a look around, call me if you need me"
    # with nothing answered, goes (seed 001 R-LIS-D1 「不要假装听」; 002 §2a)
    offended += int(state.get("brushed_off") or 0)
    standing = state.get("offer") or {}
    waiting = standing.get("fits") and standing.get("judged") in PENDING - {"rejected"}
    return offended > 0 and not waiting


def _impatient_or(persona: Persona, state: dict[str, Any], reaction: str) -> str:
    below = persona.behaviour["thresholds"].get("impatient_below")
    if below is not None and state["mood"]["patience"] < float(below):
        return "impatient"
    return reaction


# ---- questions ------------------------------------------------------------------------


def _gate(persona: Persona, state: dict[str, Any], fact: dict[str, Any]) -> bool:
    """Whether the customer is open and trusting enough to tell this fact (001 S4: wariness
    first; silent and doubtful customers hold back until they are)."""
    mood = state["mood"]
    return mood["openness"] >= float(fact.get("min_openness", 0)) and mood["trust"] >= float(
        fact.get("min_trust", 0)
    )


def _fact(persona: Persona, fact_id: str) -> dict[str, Any]:
    return next(f for f in persona.facts if f["id"] == fact_id)


def _names_without_figures(turn: _Turn, fact_id: str) -> bool:
    """The reply names a fact whose value is an id or a figure without saying it."""
    figures = _FIGURE.findall(_value(turn.persona, fact_id)) + _ID_TOKEN.findall(
        _value(turn.persona, fact_id)
    )
    return bool(figures) and not any(f in turn.text for f in figures)


def _figures_kept(text: str, value: str) -> bool:
    """Every figure of the fact appears in the text: whatever other figures the text holds
    (a size, a price), it has not changed this fact."""
    figures = {f.replace(",", "") for f in _FIGURE.findall(value)}
    said = {f.replace(",", "") for f in _FIGURE.findall(text)}
    return bool(figures) and figures <= said


def _value(persona: Persona, fact_id: str) -> str:
    return str(_fact(persona, fact_id).get("value", ""))


#: what ``behaviour.needs`` may count besides moves: questions the customer answered with a fact
#: of theirs (001 S1 诱导法: keep asking so that he has to answer, 「只要对方开口，就可根据他的
#: 回答来准备对策」; digest_001 §2.7 / R-Q5: closed and leading questions suit a silent customer
#: once they draw answers)
ANSWERED = "answered_question"


def _reveal(turn: _Turn, fact: dict[str, Any], how: str) -> str:
    if turn.has(*QUESTION_MOVES) or turn.asks:
        seen = turn.state["moves_seen"]
        seen[ANSWERED] = seen.get(ANSWERED, 0) + 1
    turn.state["facts_revealed"].append(fact["id"])
    turn.entries = list(fact.get("lines") or [])
    turn.progress = True
    turn.hear("question", answer="fact", fact=fact["id"], how=how)
    return "reveal"


def _confirm_and_answer(turn: _Turn, *, was_off: bool, steering: bool) -> str | None:
    """A check and a question about something not yet told in one reply ("So a junior suite and
    a room by the lift - have I got that right? May I ask what the stay is for?"): the customer
    says yes and answers the question (or holds it back), instead of answering only the check
    and leaving the question unheard (002 §2b; 003 Ch1: questions are answered by what they
    ask). The check's effects stand; its yes leads the line."""
    check = dict(turn.state["heard"] or {})
    told = turn.state["facts_revealed"]
    rest = listening.questions_beside_restating(turn.text, turn.persona, told)
    if not rest:
        return None
    question = replace(turn, text=rest)
    asked = [m for m in question.asked if m.fact_id not in told]
    if not asked:
        return None
    answered = _answer_question(question, was_off=was_off, steering=steering)
    heard = turn.state["heard"] or {}
    if not answered or heard.get("fact") != asked[0].fact_id:
        turn.state["heard"] = check
        return None
    heard["check"] = check
    turn.entries, turn.progress = question.entries, turn.progress or question.progress
    turn.lead = line_bank.pick(turn.persona, turn.state, "confirmed")
    return answered


def _answer_question(turn: _Turn, *, was_off: bool, steering: bool) -> str | None:
    """A question is answered by what it asks."""
    persona, state = turn.persona, turn.state
    if state["off_topic"]:
        return None
    told = state["facts_revealed"]
    if not turn.text:
        return _answer_by_kind(turn)
    general = listening.invites_more(turn.text)
    asked = [] if general else turn.asked
    if asked and turn.open:
        # an open invitation whose words fit a fact ("What happened?" and the fault): what this
        # customer tells next is that fact, told because invited rather than asked for; once it
        # is out, the next thing they would tell
        if asked[0].fact_id not in told:
            return _answer_fact(turn, _fact(persona, asked[0].fact_id), how="told_next")
        asked = []
    if asked:
        return _answer_fact(turn, _fact(persona, asked[0].fact_id))
    several = [] if general else listening.asks_several(turn.text, persona)
    if several:
        # two questions in one ("What size and what price?"): the first untold one is answered
        return _answer_fact(
            turn, _fact(persona, next((f for f in several if f not in told), several[0]))
        )
    open_invitation = general or turn.open
    if not open_invitation and listening.near_facts(turn.text, persona):
        # about something of theirs, but not plainly which (two facts fit about as well, or one
        # only nearly): asking what is meant beats telling a fact it may not be about
        turn.hear("question", answer="held_back", why="unclear")
        return "unclear"
    if open_invitation:
        # an open invitation ("What happened?", "Anything else?"): what this customer would
        # naturally tell next, in the order the trainer listed the facts. A question about
        # something in particular that no fact answers ("What colour is it?") never gets here:
        # telling the next fact would answer a question nobody asked.
        told_next = _tell_next(turn, ["open_question"], "told_next")
        if told_next:
            return told_next
        if was_off and steering:
            return None
        turn.hear("question", answer="nothing_more")
        if turn.has(*(GOODWILL_MOVES - QUESTION_MOVES)):
            return None  # the rest of the reply carries it
        return _impatient_or(persona, state, "answered")
    # a specific question about something this scenario does not cover
    turn.hear(
        "question",
        answer="unknown",
        why="uncovered" if listening.asks_about_uncovered(turn.text, persona) else "unmatched",
    )
    return "dont_know"


def _answer_fact(turn: _Turn, fact: dict[str, Any], how: str = "asked") -> str:
    """A question about this fact: told again when it is out, held back while the customer is
    not open enough for it, told otherwise."""
    if fact["id"] in turn.state["facts_revealed"]:
        turn.slots["value"] = str(fact.get("value", ""))
        turn.entries = list(fact.get("again") or [])
        turn.hear("question", answer="already_told", fact=fact["id"])
        return "already_told"
    if not _gate(turn.persona, turn.state, fact):
        turn.hear("question", answer="held_back", fact=fact["id"])
        return "guarded"
    return _reveal(turn, fact, how)


def _answer_by_kind(turn: _Turn) -> str | None:
    """Without the reply's words (a caller that has only its analysis), the kind of question
    is all there is: it draws the first untold fact that kind of question may draw, in the
    order the trainer listed the facts."""
    kinds = [m for m in turn.moves if m in QUESTION_MOVES]
    told_next = _tell_next(turn, kinds, "asked")
    if told_next:
        return told_next
    turn.hear("question", answer="nothing_more")
    if turn.has(*(GOODWILL_MOVES - QUESTION_MOVES)):
        return None
    return _impatient_or(turn.persona, turn.state, "answered")


def _tell_next(turn: _Turn, kinds: list[str], how: str) -> str | None:
    """The first untold fact (in the order the trainer listed them) that these kinds of
    question may draw: told, or held back while the customer is not open enough for it; None
    when there is nothing left to tell."""
    persona, state = turn.persona, turn.state
    blocked = None
    for fact in persona.facts:
        if fact["id"] in state["facts_revealed"]:
            continue
        if not set(kinds) & set(fact.get("asked_by") or ["open_question", "closed_question"]):
            continue
        if _gate(persona, state, fact):
            return _reveal(turn, fact, how)
        blocked = blocked or fact
    if blocked is not None:
        turn.hear("question", answer="held_back", fact=blocked["id"])
        return "guarded"
    return None


# ---- checks ---------------------------------------------------------------------------


def _check(turn: _Turn) -> str | None:
    """A restatement of what the customer said (paraphrase, or a question that repeats a
    told fact's details) gets a yes, or a correction when it changes the fact."""
    persona, state = turn.persona, turn.state
    told = list(state["facts_revealed"])
    if not turn.text or not told:
        return None
    restating = turn.has("paraphrase", "confirm", "closed_question")
    if not restating:
        return None
    said = listening.mentions(turn.text, persona, told)
    if not said and turn.has("paraphrase", "confirm"):
        # marked as a restatement, it restates the told fact it touches clearly most, even in
        # two of its words; its tag ("is that it?") is not an invitation to tell more (002 §2b)
        near = listening.mentions(turn.text, persona, told, listening.CHECK_MENTION_MIN)
        if len(near) == 1 or (len(near) > 1 and near[0].score >= 2 * near[1].score):
            said = near[:1]
    if not said:
        return None
    # only a restatement can get a fact wrong: a figure in a proposal ("it's 2.1 m wide") is
    # about the proposal, not a correction of what the customer said
    wrong = [
        m.fact_id
        for m in said
        if turn.has("paraphrase", "confirm")
        and _NUMBER.search(_value(persona, m.fact_id))
        and not _figures_kept(turn.text, _value(persona, m.fact_id))
        and listening.contradicts(turn.text, persona, m.fact_id)
    ]
    if not wrong and turn.has("paraphrase", "confirm"):
        # a figure the customer never gave put on what they told (002 §2b: a check that
        # changes the facts is put right, not agreed to)
        wrong = [f for f in told if listening.adds_figure(turn.text, persona, f)]
    if wrong:
        fact = _fact(persona, wrong[0])
        turn.slots["value"] = str(fact.get("value", ""))
        turn.hear("check", result="corrected", fact=fact["id"])
        return "corrected"
    asked = turn.asked if turn.asks else []
    # several told facts put back in one reply ("So a small bright room, about 1,200, and a cat
    # - have I got that right?") restate whatever the analysis filed it under
    restated = turn.has("paraphrase") or len({m.fact_id for m in said}) >= 2
    if asked and (not restated or _names_without_figures(turn, asked[0].fact_id)):
        # "What was your order number again?" names the fact without its details: not a check
        return None
    turn.progress = True
    # being heard right is what calms and convinces (004 ch1: most complaints come from not
    # being listened to)
    _effects(state, persona.behaviour.get("checked"))
    turn.hear("check", result="confirmed", facts=[m.fact_id for m in said])
    return "confirmed"


# ---- offers ---------------------------------------------------------------------------


def _long(turn: _Turn) -> bool:
    """A reply long enough to describe what will be done ("switch it off, pull the tank out,
    push it back until it clicks …"), unlike a bare "we'll look into it"."""
    if turn.persona.language == "zh":
        return len(re.sub(r"\s", "", turn.text)) >= LONG_REPLY_ZH
    return len(turn.text.split()) >= LONG_REPLY_EN


def _only_offers(text: str) -> bool:
    """Every question of the reply puts something forward for a yes or no ("Have you considered
    adding our insurance? It's only 89 per person."): a proposal, not a question for a fact."""
    asking = [
        part
        for part in re.split(r"(?<=[.!?。！？；;])\s*", text.strip())
        if _QUESTION_FORM.search(part)
    ]
    return bool(asking) and all(_ADD_ON_QUESTION.search(part) for part in asking)


#: a question about where the customer has been or stayed before: about them, no proposal
_ASKS_WHERE_BEEN = re.compile(
    r"^\W*(?:and |so )?(?:have|had) you (?:ever |already |previously )?(?:been|stayed|travell?ed"
    r"|holidayed|visited|gone)\b[^.!?]{0,40}\b(?:before|previously)?\W*\??\W*$"
    r"|^\W*(?:您|你)(?:以前|之前)?(?:去过|去過|来过|來過|住过|住過)[^。！？!?]{0,12}(?:吗|嗎|没有|沒有)\W*$",
    re.IGNORECASE,
)
#: something extra put to the customer for a yes or no ("Have you considered adding our
#: insurance?", "Would you like to add a warranty?", 「要不要加购一个延保？」)
_ADD_ON_QUESTION = re.compile(
    r"\b"
    + _CONSIDERED_ADDING
    + r"|\b(?:would|do) you (?:like|want) to (?:add|upgrade|include|top up)\b"
    r"|\b(?:would|do) you (?:like|want) (?:our|an? (?:upgrade|add-on|extra|extended))\b"
    r"|^\W*(?:您|你)?(?:要不要|需不需要|需要)(?:再|顺便|順便)?(?:加购|加購|加一?个|加一?份|升级|升級|搭配|配一?个)",
    re.IGNORECASE,
)


def _asks_untold_fact_instead(turn: _Turn) -> bool:
    """A question about something the customer has not told yet, in a reply whose "offer"
    names no remedy and no time ("I'd like to fast-track it: when do you need it back?"):
    the question is what the customer answers."""
    named = [r for r in turn.offer.remedies if r not in NOT_A_REMEDY]
    if named and turn.text and turn.asks:
        # a remedy named only in the clause that says why the question is asked ("So I can
        # look up the right instructions, what does it say on the box?") offers nothing
        rest = offers.read_offer(listening.without_purpose(turn.text), turn.persona.language)
        named = [r for r in rest.remedies if r not in NOT_A_REMEDY]
    if named or not turn.text or not turn.asks:
        return False
    if _only_offers(turn.text):
        # "Have you considered adding our premium insurance? It's only 89." puts something
        # forward for a yes or no; the price in it asks nothing of the customer's budget
        return False
    if turn.offer.time_frame and not all(
        listening.asks_for_information(part, turn.persona.language)
        for part in re.split(r"(?<=[.!?。！？；;])\s*", turn.text.strip())
        if part.strip()
    ):
        # a time said outside the question is a proposal's ("We can have it with you by
        # Friday."); inside it, it is part of what is asked ("Why does it matter this week?")
        return False
    return bool(turn.asked) and turn.asked[0].fact_id not in turn.state["facts_revealed"]


def _offer_on_table(turn: _Turn) -> dict[str, Any] | None:
    """The proposal of the previous reply, while the customer has neither taken nor refused it."""
    last = turn.state.get("offer")
    if last and last.get("judged") in PENDING and last.get("turn") == turn.state["turn"] - 1:
        return dict(last)
    return None


def _proposes(turn: _Turn) -> bool:
    """A solution move, or (once the conversation is at the solution) a concrete remedy named
    outside a question: "I'll have a technician repair it on Friday" filed under inform is a
    proposal; a promise to call back is follow-up; "the filter costs 380 a year" while facts
    are still missing is information. Right after a proposal, a reply with new specifics
    (what, when, how much) is the proposal revised."""
    named = [r for r in turn.offer.remedies if r not in NOT_A_REMEDY]
    if not named and not turn.offer.time_frame and _ASKS_WHERE_BEEN.search(turn.text or ""):
        # "Have you been to Lake Garda before?" asks about the customer's own past, proposes
        # nothing (001 §3.6 R-Q2: a closed question for a judgement of theirs)
        return False
    if (
        _offer_on_table(turn)
        and turn.has("confirm", "closed_question")
        and not named
        and not turn.offer.time_frame
        and not _long(turn)
    ):
        # "您看这款合适吗？" / "Would that suit you?" right after a proposal checks that one; read
        # as a proposal of its own it would be judged as one that names nothing
        return False
    if turn.has(*SOLUTION_MOVES) and not _promise_of_care(turn):
        return True
    if turn.has("open_question"):
        return False
    if named and (_OFFER_QUESTION.search(turn.text) or _OFFER_STATEMENT.search(turn.text)):
        # "Would you like a replacement?" / "I'll move you to a suite, does that work for you?" /
        # "要不要给您换一台？" offer what they name
        return True
    if named and not turn.has(*QUESTION_MOVES) and turn.state["stage"] == "negotiating":
        return True
    if (
        turn.persona.scenario.get("kind") == "pre_sales"
        and turn.state["stage"] == "negotiating"
        and not turn.asks
        and _long(turn)
        and _DETAIL.search(turn.text)
    ):
        # at the solution, a product described with its figures is a recommendation
        return True
    at_solution = turn.state["stage"] == "negotiating"
    if (
        turn.persona.scenario.get("kind") == "pre_sales"
        and not turn.has(*CLOSING_MOVES)
        and not (turn.state.get("offer") or {}).get("fits")
        and offers.prices(turn.text)
        and (
            # a statement; at the solution also a product put as a yes/no question ("Would
            # the body-only at 129 do?", "这款一千八的您看行吗？")
            (not turn.asks and not turn.has(*QUESTION_MOVES))
            or (
                at_solution and not turn.has("open_question") and not _WH_QUESTION.search(turn.text)
            )
        )
        and (at_solution or _PITCH.search(turn.text))
    ):
        # ... and so is a product named with its price, however short ("Our Riviera in a
        # boucle would look lovely, it's 1,050."): the customer judges it, fitting or not;
        # pitched before their needs are heard it is premature (003 Ch3.3); a running cost
        # told while they are still explaining ("滤芯每年三百八") is information
        return True
    if (
        turn.state["stage"] == "negotiating"
        and turn.offer.time_frame
        and turn.offer.concrete
        and not turn.asks
        and not turn.has(*QUESTION_MOVES, *CLOSING_MOVES)
        and _long(turn)
    ):
        # at the solution, a plan described at length with a when ("我直接把检测报告和保修条款
        # 今天下午四点前发您") is a proposal, whatever the analysis filed it under (an apology
        # in front of it, a solution move it was unsure of)
        return True
    # a revised proposal: new specifics, or a new plan described at length
    return bool(
        _offer_on_table(turn)
        and (named or turn.offer.time_frame or _long(turn))
        and not turn.has(*CLOSING_MOVES)
    )


def _promise_of_care(turn: _Turn) -> bool:
    """A welcome that promises how the conversation will go ("I'll only give you figures you
    can check", "今天只给您看能核实的资料"), which the analysis may file as a solution: before
    the solution stage, with goodwill in it and nothing concrete (no remedy, no time frame, no
    figure, no product), it proposes nothing, so it is not judged as a premature offer."""
    return bool(
        turn.state["stage"] != "negotiating"
        and turn.has(*GOODWILL_MOVES)
        and not turn.asks
        and not turn.has(*QUESTION_MOVES)
        and not turn.has("recommend")
        and not turn.offer.remedies
        and not turn.offer.time_frame
        and not _DETAIL.search(turn.text or "")
        and not _PITCH.search(turn.text or "")
        # a long reply describes what will be done, unless it is the hello that sets the tone
        and (not _long(turn) or turn.has("greeting"))
    )


def _answers_offer_check(turn: _Turn) -> bool:
    """A proposal stays on the table until the customer takes or refuses it: "Does that work
    for you?", a follow-up promise or a goodbye right after it are answered by judging that
    proposal again, in its terms (after an objection the customer has now said their piece)."""
    return bool(
        _offer_on_table(turn)
        and turn.has("confirm", "closed_question", *CLOSING_MOVES)
        and not turn.has("open_question")
    )


def _remedy_slots(turn: _Turn, remedy: str | None, time_frame: str | None) -> None:
    lang = turn.persona.language
    if remedy:
        turn.slots["remedy"] = offers.remedy_label(remedy, lang)
        why_not = ((turn.persona.scenario.get("remedies") or {}).get("why_not") or {}).get(remedy)
        if why_not:
            turn.slots["why_not"] = str(why_not)
        elif (turn.persona.scenario.get("remedies") or {}).get("need"):
            turn.slots["why_not"] = str(turn.persona.scenario["remedies"]["need"])
    if time_frame:
        turn.slots["time_frame"] = time_frame


def _names_any(text: str, phrases: list[str]) -> bool:
    """The reply names one of these words or phrases (traditional characters and case folded;
    Latin words whole)."""
    folded = listening.normalise(text or "")
    for phrase in phrases:
        word = listening.normalise(phrase)
        if not word:
            continue
        if re.search(r"[a-z0-9]", word[0] + word[-1]):
            if re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", folded):
                return True
        elif word in folded:
            return True
    return False


def _unmet_needs(beh: dict[str, Any], seen: dict[str, int]) -> list[str]:
    """What this type still needs before deciding (``behaviour.needs``): ``move: n`` (that move
    n times) or ``name: {any_of: [moves], count: n}`` (any of these moves, n times in all:
    respect shown by recognition or by owning the mistake)."""
    unmet = []
    for name, need in (beh.get("needs") or {}).items():
        if isinstance(need, dict):
            moves = need.get("any_of") or [name]
            got = sum(seen.get(str(m), 0) for m in moves)
            count = int(need.get("count", 1))
        else:
            got, count = seen.get(name, 0), int(need)
        if got < count:
            unmet.append(str(name))
    return unmet


def _objection(turn: _Turn, fact: dict[str, Any], verdict: str) -> str:
    """The customer answers a proposal with what they had not said yet (their objection): the
    fact's own lines, told now."""
    turn.state["facts_revealed"].append(fact["id"])
    turn.entries = list(fact.get("lines") or [])
    turn.progress = True
    turn.state["heard"]["fact"] = fact["id"]
    return verdict


#: why a recommendation above the customer's budget misses them, {value} the budget they told
OVER_BUDGET = {
    "en": "That's more than I want to spend: I said {value}.",
    "zh": "这超出我的预算了，我说过是{value}。",
}


def _over_budget(turn: _Turn) -> str | None:
    """The budget the customer told (a fact with topic or id ``budget``), when every price the
    reply names is above it; None otherwise (no budget told, no price named, one within it)."""
    named = offers.prices(turn.text)
    if not named:
        return None
    for fact in turn.persona.facts:
        if fact["id"] not in turn.state["facts_revealed"]:
            continue
        if "budget" not in (fact.get("topic"), fact["id"]):
            continue
        value = str(fact.get("value", ""))
        limit = offers.budget_limit(value)
        if limit is not None and min(named) > limit:
            return value
    return None


def _reject_cost(state: dict[str, Any], beh: dict[str, Any]) -> None:
    """A proposal refused for missing what the customer needs costs trust and patience
    (``behaviour.rejected_effects``); a fitting one after it gives one such cost back."""
    state["rejected_cost"] = True
    _effects(state, beh.get("rejected_effects"))


def _judge_offer(turn: _Turn, *, again: bool = False) -> str:
    persona, state = turn.persona, turn.state
    beh = persona.behaviour
    th = beh["thresholds"]
    mood = state["mood"]
    if again:
        last = state["offer"]
        remedies = list(last.get("remedies") or [])
        time_frame = last.get("time_frame")
        concrete = bool(last.get("concrete"))
    else:
        remedies = [r for r in turn.offer.remedies if r not in NOT_A_REMEDY]
        time_frame = turn.offer.time_frame
        # steps or a described solution are concrete even without a named remedy
        concrete = turn.offer.concrete or turn.has("recommend") or _long(turn)
    remedy_cfg = persona.scenario.get("remedies") or {}
    acceptable = [normalise_remedy(r) for r in remedy_cfg.get("acceptable") or []]
    rejected = [normalise_remedy(r) for r in remedy_cfg.get("rejected") or []]
    fitting = [r for r in remedies if r in acceptable]
    fits_words = [str(w) for w in remedy_cfg.get("fits") or [] if str(w).strip()]
    standing = _offer_on_table(turn)
    if again:
        speaks_to_them = bool(last.get("fits", True))
    elif standing and standing.get("fits") and (not remedies or turn.has("follow_up")):
        # a follow-up to a fitting proposal ("I'll call you on Friday to go through it", "I'll
        # send you the setup guide once it arrives") adds to it without repeating the need: it
        # still speaks to them
        speaks_to_them = True
    elif not turn.text:
        speaks_to_them = True  # without the words (an analysis only) there is nothing to judge
    elif fits_words:
        # the trainer said what a fitting recommendation speaks to (the hidden need, the
        # stated needs): one that names none of it misses this customer
        speaks_to_them = _names_any(turn.text, fits_words)
    else:
        speaks_to_them = bool(listening.mentions(turn.text, persona, state["facts_revealed"]))
    over_budget = None if again else _over_budget(turn)
    if over_budget:
        # whatever it says about their needs, a recommendation priced above what the customer
        # said they would spend misses them (001 F-series: recommend within the stated budget)
        speaks_to_them = False
    state["offer"] = {
        "turn": state["turn"],
        "remedies": remedies,
        "time_frame": time_frame,
        "concrete": concrete,
        "fits": speaks_to_them,
    }

    def judged(verdict: str, reaction: str, remedy: str | None = None) -> str:
        state["offer"]["judged"] = verdict
        _remedy_slots(turn, remedy, time_frame)
        turn.hear("offer", judged=verdict, remedies=remedies, time_frame=time_frame)
        return reaction

    if not again and (time_frame or turn.offer.phrases or _DETAIL.search(turn.text)):
        # the details of a concrete proposal (what, when, how much) are information too: they
        # count as evidence and inform as evidence does (a doubtful customer needs it)
        if "inform" not in turn.moves:
            _effects(state, (beh.get("effects") or {}).get("inform"))
    unmet = _unmet_needs(beh, state["moves_seen"])
    missing = _missing_facts(persona, state)
    if missing and not again:
        # a proposal built around a need the customer had not voiced yet shows it was heard
        for m in listening.mentions(turn.text, persona, missing):
            if m.score >= RECOGNISED_MIN:
                state["facts_revealed"].append(m.fact_id)
        missing = _missing_facts(persona, state)
    if (
        fits_words
        and not acceptable
        and not speaks_to_them
        and not missing
        and mood["anger"] < th.get("venting_anger", 60)
    ):
        # heard out, and offered something that misses what they need (a performance car for
        # a new driver, a loose weave for a cat owner): said plainly, whatever else is pending.
        # A need not told yet is what the customer raises against it, once open enough for it;
        # until then a reason would tell it, so they are only unconvinced.
        needs_ids = listening.need_facts(persona)
        untold = [
            f["id"]
            for f in persona.facts
            if f["id"] not in state["facts_revealed"]
            and (f["id"] in needs_ids or _names_any(str(f.get("value", "")), fits_words))
        ]
        if untold:
            ready = [f for f in untold if _gate(persona, state, _fact(persona, f))]
            if not ready or again:
                return judged("not_convinced", "unmoved")
            return _objection(turn, _fact(persona, ready[0]), judged("objection", "reveal"))
        if not again:
            _reject_cost(state, beh)
        misses = remedy_cfg.get("misses") or remedy_cfg.get("need")
        if over_budget:
            misses = OVER_BUDGET.get(persona.language, OVER_BUDGET["en"]).format(value=over_budget)
        if misses:
            turn.slots["why_not"] = str(misses)
        state["offer"]["judged"] = "rejected"
        if time_frame:
            turn.slots["time_frame"] = time_frame
        turn.hear("offer", judged="rejected", remedies=remedies, time_frame=time_frame)
        return "rejected"
    if unmet and not missing and mood["anger"] < th.get("venting_anger", 60):
        # heard out, but this customer needs more before deciding (evidence, respect, being
        # drawn out): the type's answer to a premature offer, without its cost
        pre = beh.get("premature") or {}
        reaction = str(pre.get("reaction", "not_ready"))
        # ... saying what is still missing (issue 13: an answer in the proposal's terms): the
        # lines of that bank written for the unmet need (``when: {unmet: [...]}``) come first
        state["unmet"] = unmet
        turn.entries = [
            e
            for e in line_bank.bank_entries(persona, reaction, state)
            if "unmet" in line_bank.condition_of(e)
        ]
        verdict = judged("needs_more", reaction)
        state["heard"]["unmet"] = unmet
        return verdict
    if mood["anger"] >= th.get("venting_anger", 60) or missing:
        pre = beh.get("premature") or {}
        # the need is raised by a customer who was open enough for it when the proposal came
        # (before what a premature proposal costs: judging it on the mood it left would keep a
        # shopper at the edge of telling it "not ready" through every fitting offer after)
        open_for = {f: _gate(persona, state, _fact(persona, f)) for f in missing}
        if not again:
            _effects(state, pre.get("effects"))
        # A proposal is the moment a shopper raises what they had not said yet: once open
        # enough, the customer answers it with the missing need (their objection). A yes/no
        # offer of something extra ("Would you like travel insurance?") raises only a need:
        # the dates or the fault told in answer to it would answer a question nobody asked.
        # A fact that is no need (the fault, the order) the customer tells only if still open
        # enough after the proposal's cost: a remedy before they were heard out is premature.
        if missing and not unmet and mood["anger"] < th.get("venting_anger", 60):
            asked_yes_no = bool(_YES_NO_OFFER.search(turn.text or "")) and not again
            needs_ids = listening.need_facts(persona)
            ready = [
                f
                for f in missing
                if (open_for[f] if f in needs_ids else _gate(persona, state, _fact(persona, f)))
                and (f in needs_ids or not asked_yes_no)
            ]
            if ready:
                return _objection(turn, _fact(persona, ready[0]), judged("objection", "reveal"))
        return judged("not_ready", str(pre.get("reaction", "not_ready")))
    speaks_to_them = speaks_to_them and not acceptable
    if (
        not again
        and not state.get("fit_credited")
        and concrete
        and (fitting if acceptable else (speaks_to_them and (remedies or _long(turn))))
    ):
        # Heard out, and now a fitting proposal: the remedy this customer can accept, or a
        # recommendation built on what they said. The solution itself is what calms and wins
        # them over (003 Ch3.1 step 5 「迅速響應并解決問題」; 004 ch1: a complaint handled well
        # wins loyalty), once per conversation: repeating it adds nothing.
        state["fit_credited"] = True
        _effects(state, beh.get("fitting_offer"))
        if state.get("rejected_cost"):
            # ... and a wrong proposal owned and put right costs nothing in the end: what its
            # refusal cost is given back (001 R-LIS-4 「勇于承认错误」; 004 ch1 / digest_000_004
            # §3: a complaint put right wins the customer back)
            state["rejected_cost"] = False
            _effects(
                state,
                {
                    k: -float(v)
                    for k, v in (beh.get("rejected_effects") or {}).items()
                    if k != "anger" and float(v) < 0
                },
            )
    wrong = [r for r in remedies if r not in acceptable and (acceptable or r in rejected)]
    if remedies and not fitting and wrong:
        # the wrong remedy is refused for what it is, however calm the customer is by now
        if not again:
            _reject_cost(state, beh)
        return judged("rejected", "rejected", wrong[0])
    if mood["anger"] > th["resolve_max_anger"] or mood["trust"] < th["resolve_min_trust"]:
        # Understood, but not won over yet: the customer stays in character.
        return judged("not_convinced", "unmoved", fitting[0] if fitting else None)
    if not remedies and not concrete and persona.scenario.get("kind") == "after_sales":
        return judged("vague", "vague_offer")
    if not acceptable and not again and turn.text and not speaks_to_them:
        # a recommendation must speak to what the customer said (their room, their budget,
        # their worry): one that speaks to none of it leaves them unconvinced
        return judged("not_convinced", "unmoved")
    choice = fitting[0] if fitting else (remedies[0] if remedies else None)
    state["accepted"] = choice or "offer"
    turn.progress = True
    return judged("accepted", "accepted", choice)


# ---- silence and endings --------------------------------------------------------------


def _react_to_silence(persona: Persona, state: PersonaState, seconds: float) -> Reaction:
    cfg = persona.behaviour.get("silence") or {}
    state["silences"] += 1
    timeout = max(1.0, float(persona.silence_timeout_seconds))
    weight = min(3.0, max(0.0, seconds / timeout))
    _add(state, {k: float(v) * weight for k, v in (cfg.get("effects") or {}).items()})
    state["heard"] = {"kind": "silence", "seconds": seconds}
    ending = _check_ending(persona, state)
    if ending:
        return _end(persona, state, ending)
    if state["stage"] == "opening":
        state["stage"] = "clarifying"
    return _emit(persona, state, "silence")


def _end(
    persona: Persona, state: PersonaState, outcome: str, turn: _Turn | None = None
) -> Reaction:
    state["ended"] = True
    state["outcome"] = outcome
    state["stage"] = "closing"
    if turn is not None and state["heard"] is None:
        negative = next((m for m in NEGATIVE_PRIORITY if m in turn.moves), None)
        turn.hear("red_line", move=negative) if negative else turn.hear("ending")
    return _emit(persona, state, f"end_{outcome}", turn)


# --------------------------------------------------------------------------- lines


def _emit(
    persona: Persona, state: dict[str, Any], reaction: str, turn: _Turn | None = None
) -> Reaction:
    state["band"] = _band(state["mood"], persona)
    line = line_bank.pick(
        persona,
        state,
        reaction,
        entries=turn.entries if turn is not None else None,
        slots=turn.slots if turn is not None else None,
    )
    if turn is not None and turn.lead:
        line = f"{turn.lead} {line}" if persona.language != "zh" else turn.lead + line
    state["last_reaction"] = reaction
    state["last_line"] = line
    return _reaction(state, line, reaction)


def _reaction(state: PersonaState, line: str, reaction: str) -> Reaction:
    return {
        "line": line,
        "state": state,
        "stage": state["stage"],
        "ended": bool(state["ended"]),
        "outcome": state["outcome"],
        "reaction": reaction,
    }
