"""Move analysis: one trainee reply -> moves, scores, entities and the cues behind them.

`analyze()` combines a Rasa NLU parse result (when there is one) with cue rules kept in
`scoring/cues/<lang>.yml` (politeness markers, forbidden and dismissive phrases, fillers,
jargon, question forms, paraphrase overlap, blame and argument markers). The same function
serves the action server, the batch command (`make moves`) and the tests; the contract is in
docs/contracts.md. Pure Python + PyYAML; the cue files are read lazily, once per process.

How a reply is read:

1. input checks (`check_text`): an unusable reply gets an error and no moves;
2. evidence: the cue rules, the question forms, the paraphrase cues and the classifier's
   moves each record what they found in an `Evidence`;
3. adjustments: the steps in `ADJUSTMENTS`, in order, weigh that evidence into one
   confidence per move (`AnalysisState.combined`); each step is a small function whose
   docstring says what it changes and why;
4. the moves that reach `MOVE_MIN`, most confident first, with scores and entities.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from practice import literals
from practice.contracts import Analysis, Cue, Entity, MoveReading
from practice.literals import LiteralIndex
from practice.vocabulary import (
    KIND_MOVES,
    LANGUAGES,
    MAX_REPLY_CHARS,
    MOVE_FAMILIES,
    MOVES,
    NEGATIVE_MOVES,
    QUESTION_MOVES,
)
from scoring import dialect
from scoring.reply_scores import reply_scores

# --- input checks ------------------------------------------------------------------------

#: a raw reply this many times longer than MAX_REPLY_CHARS is refused before it is cleaned
RAW_TEXT_FACTOR = 4
#: a Chinese-session reply without any CJK character is in another language from this many
#: Latin words on (a few English words, "ok", "sorry", a model name, are normal in Chinese chat)
ZH_FOREIGN_LATIN_WORDS = 3
#: the size of a filler: at most this many letters and digits (zh) ...
FILLER_MAX_ZH_CHARS = 4
#: ... or words (en)
FILLER_MAX_EN_WORDS = 2

# --- evidence: the classifier ------------------------------------------------------------

#: a ranked NLU move below this is not taken (the top one has its own floor); the classifier
#: rates each move on its own, so this is the usual multi-label 0.5
NLU_SECONDARY_MIN = 0.5
NLU_PRIMARY_MIN = 0.2
#: the position of the classifier's moves: after every cue match (replies are far shorter)
NLU_POSITION = 10_000

# --- evidence: the cue rules -------------------------------------------------------------

#: a question form (open, fact-seeking, confirming) is this sure of its move
QUESTION_FORM_CONFIDENCE = 0.8
#: a leading question ("don't you think…?") is a closed question, this sure ...
LEADING_QUESTION_CONFIDENCE = 0.7
#: ... and costs this much politeness
LEADING_QUESTION_PENALTY = 0.15
#: a question with no open or fact-seeking words counts as closed, with this confidence
QUESTION_DEFAULT = 0.6
#: a paraphrase marker ("so you…") within this many characters of a question's start makes
#: the question itself the restatement
RESTATING_MARKER_MAX_START = 3
#: a confirm form within this many characters of its clause's length is the whole clause:
#: a tag after a statement ("…, is that right?")
TAG_CONFIRM_SLACK = 3
#: a paraphrase marker backed by enough overlap with the customer's words (or with no
#: customer line to compare) is this sure ...
PARAPHRASE_MARKER_CONFIDENCE = 0.85
#: ... and this sure when the reply shares too little with what the customer said
PARAPHRASE_MARKER_UNBACKED_CONFIDENCE = 0.6
#: a marker needs this share of the overlap an unmarked paraphrase needs (cues' overlap_min)
MARKER_OVERLAP_SHARE = 0.5
#: the customer's line needs this many content units for an overlap to mean anything
OVERLAP_MIN_CONTEXT_UNITS = 2
#: an overlap alone makes a paraphrase base + slope * overlap sure, at most max
OVERLAP_CONFIDENCE_BASE = 0.45
OVERLAP_CONFIDENCE_SLOPE = 0.6
OVERLAP_CONFIDENCE_MAX = 0.85
#: an English content word is longer than this
CONTENT_WORD_MIN_CHARS = 2
#: a cue that matched a whole clause or reply quotes at most this many characters of it
CUE_MATCH_CHARS = 40

# --- the early exits ---------------------------------------------------------------------

#: emoji or punctuation only: perfunctory, this sure ...
NO_WORDS_CONFIDENCE = 0.7
#: ... and it costs this much politeness
NO_WORDS_PENALTY = 0.1

# --- the adjustments ---------------------------------------------------------------------

#: cue and NLU evidence for the same move combine as independent votes (noisy-or)
NLU_WEIGHT = 0.8
#: a negative move costs the trainee points: from the classifier alone (the classifier it is
#: tuned for weighs each move by the square root of its rarity) it needs this confidence
NLU_ONLY_NEGATIVE_MIN = 0.35
#: ... and more when it is not even the classifier's main reading of the reply
NLU_ONLY_NEGATIVE_SECONDARY_MIN = 0.75
#: ... and more still when the cues found comfort, an apology or thanks in the reply
NLU_NEGATIVE_OVER_KIND_CUE_MIN = 0.9
#: ... and this much when the cues found a proposal or options in the reply (a weaker reading is
#: the classifier's doubt about an unfamiliar list of names, not a finding)
NLU_NEGATIVE_OVER_PROPOSAL_MIN = 0.55
#: a short reply only the classifier calls a filler ranks below any other evidence
NLU_ONLY_FILLER_MAX = 0.35
#: a by-default closed question gives way when the classifier is at least this sure the reply
#: does something else (a confirmation, a rhetorical jab, a remark ending in 吧): one
#: unlabelled form, one reading
QUESTION_DEFAULT_OVERRIDE = 0.5
#: ... unless the classifier itself reads a closed question with at least this confidence
QUESTION_DEFAULT_NLU_SUPPORT = 0.3
#: a move ranked below another ends this far below it
RANK_BELOW_MARGIN = 0.05
#: the English cue groups that restate the person's situation (a reason, a checking tag, "I
#: understand you've…"): the restatement leads the feeling it names and the tag that checks it
EN_RESTATING_CUES = frozenset({"restated_reflection", "checked_restatement", "understood_facts"})
#: the Chinese cue groups that propose in so many words (推荐您…, 建议…, 您可以去…, 要不要我帮您…):
#: listed names answering "what is there?" inform, these still propose
PROPOSING_CUES_ZH = frozenset({"offer_solution", "offer_question", "recommend"})
#: an English contrast between naming the feeling and comforting ("that's hard, but you'll…")
_EN_CONTRAST = re.compile(r"\b(but|though|although|however|yet|still)\b", re.IGNORECASE)
#: English: typographic apostrophes and primes written for "'" (phones and word processors type
#: "I’ll", "you’re"); the cue rules spell contractions with the ASCII one
_EN_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})
#: a sales pitch to a customer who is complaining, with nothing for the complaint, brushes it
#: off this surely (seed 003 Ch3.2: move to product highlights only once the emotion is met)
UPSELL_OVER_COMPLAINT_CONFIDENCE = 0.75
#: the remedies that answer a complaint: a pitch that comes with one of these is no brush-off
COMPLAINT_REMEDIES = frozenset({"refund", "exchange", "repair", "reship", "compensation"})
#: English typed in a hurry: "your"/"ur" for "you're" before words no possessive takes ("your
#: welcome", "your not alone", "i know your going through a lot", "ur having a rough week");
#: the cue rules read the contraction. Not "your welcome pack", "your being here", "your right to…"
_EN_CHAT_YOURE = re.compile(
    r"\b(your|ur|youre|u r)(?= (welcome\b(?!\s+[a-z])|not\b|going (to|through|thr?u)\b|"
    r"having (a|an|such|so|the|trouble|problems|issues|second|doubts|a hard)\b|trying to\b|"
    r"dealing with\b|feeling (so|really|very|a bit|a little|down|low|bad|better|worse|sad|"
    r"anxious|stressed|overwhelmed|lonely|stuck|lost)\b))",
    re.IGNORECASE,
)
#: moves below this confidence are not reported
MOVE_MIN = 0.3
#: a reply where nothing reaches MOVE_MIN takes the classifier's best move when it is this sure
#: and clearly ahead of the next; otherwise it counts as a plain statement (inform)
NLU_FALLBACK_MIN = 0.15
NLU_FALLBACK_MARGIN = 1.5
#: a reply needs this many characters to count as a statement (or a classifier's guess)
FALLBACK_MIN_CHARS = 2
#: the confidence of the plain statement a reply with no other move makes
STATEMENT_CONFIDENCE = 0.4
#: no move is reported as certain
MOVE_MAX = 0.99

# --- scores ------------------------------------------------------------------------------

#: a move adds its full weight to a score from this confidence on (proportionally below)
SCORE_FULL_CONFIDENCE = 0.6

CUES_DIR = Path(__file__).parent / "cues"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_CLAUSE_END = re.compile(
    r"(?<=[。!?;；\n])|(?<=\.)\s+|(?<=[,，])\s*(?=[^,，]*[?？]\s*$)"
    # Chinese chat: a clause closed by a question particle ends at the comma or space after it
    # ("方便给下单号吗 我帮您查一下" asks first, then says why)
    r"|(?<=[吗嗎嘛])[,，\s]+(?=\S)"
    # an emoji closes what came before it, as a full stop would ("no rush 🙂 what's it for")
    r"|(?<=[\u2600-\u27bf\U0001f300-\U0001faff])\s+"
)
#: English typed without punctuation (voice input, a hurried phone): a question that follows
#: an acknowledgement in the same run ("oh no what shows on the screen", "i get it is there
#: something going on", "fair enough Priya what exactly worries you") starts after the words
#: that acknowledge or address the customer, when it opens as a question does (inversion, or a
#: question word before its verb); "I know what you mean", "sorry about the wait when it comes"
#: have no such seam
_RUN_ON_SPLIT = re.compile(r"(?<=[\w,)])\s+(?=[a-z])", re.IGNORECASE)
_RUN_ON_HEAD_END = re.compile(
    r"(?i)\b(sorry|apologi[sz]e|apologies|get it|got it|understand|understood|fair( enough)?|"
    r"no rush( at all)?|no worries|no problem|oh no|oh dear|thanks|thank you|cheers|sir|madam|"
    r"ma'?am|mate|hi|hello|hey|okay|ok|alright|i see|noted|of course|absolutely|totally|"
    r"lovely|great|perfect|brilliant|wow|frustrating|annoying|awful|terrible|stressful|rough|"
    r"hear that|hear you|for waiting|for holding( on)?|for your patience|bearing with (me|us))"
    r"[\s,!]*$|(?<=\s)(?-i:[A-Z][a-z]+),?$"
)
_RUN_ON_OPENER = re.compile(
    r"(?i)^((do|does|did|is|are|was|were|can|could|will|would|should|shall|have|has|had|may|"
    r"might)(n'?t)? (you|u|i|we|there|your|it|anyone|anything|that|this)\b(?!')|"
    # a pronoun between the question word and its verb is the subject of a clause in statement
    # order ("…frustrating when I have a lot to do"), not a question
    r"(what|how|when|where|which|who|why)( exactly| else| kind of| sort of| type of)? "
    r"((?!(i|you|we|they|he|she|it|that|this|there)\b)\w+ )?"
    r"(is|are|was|were|do|does|did|will|would|can|could|should|has|have|had|happened|went|"
    r"shows|made|makes)\b|how (big|long|much|many|old|often|far|soon)\b|whats|hows|wheres)"
)
#: ... but a verb of knowing with no object of its own, right before a question word, takes that
#: clause as its object: "I can understand how you are feeling", "I see how that would be
#: overwhelming", "I understand why people are upset" name what is understood and ask nothing
#: ("I get it is there something going on" and "got it, what time suits you" still ask)
_RUN_ON_KNOWING_HEAD = re.compile(
    r"(?i)\b(understand|understood|see|get|know|hear|imagine|appreciate|reali[sz]e)"
    r"( (completely|totally|fully|entirely|perfectly|now))?[\s,]*$"
)
_RUN_ON_WH = re.compile(r"(?i)^(what|how|why|when|where|which|who)\b")
_EN_TOKEN = re.compile(r"[a-z0-9']+")


# --- cue rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CueGroup:
    id: str
    patterns: tuple[re.Pattern[str], ...]
    move: str | None = None
    confidence: float = 0.0
    politeness: float = 0.0
    whole: bool = False
    #: a match counts only when the text just before it does not match this (negations:
    #: "you shouldn't feel it is your fault" puts no fault on anyone)
    unless_before: re.Pattern[str] | None = None
    #: the group's patterns compiled one by one (empty when one of them does not compile
    #: alone): a text is scanned only with those the rules' literal index keeps for it (the
    #: others cannot match anywhere in it), the first match found as the alternation finds it
    alternatives: tuple[re.Pattern[str], ...] = ()
    #: where the alternatives start in the rules' literal index (-1: not in it, all run)
    first: int = -1


@dataclass(frozen=True)
class CueRules:
    lang: str
    groups: tuple[CueGroup, ...]
    question_starts: re.Pattern[str]
    not_question: re.Pattern[str] | None
    open_forms: tuple[re.Pattern[str], ...]
    closed_facts: tuple[re.Pattern[str], ...]
    leading_forms: tuple[re.Pattern[str], ...]
    confirm_forms: tuple[re.Pattern[str], ...]
    paraphrase_markers: tuple[re.Pattern[str], ...]
    overlap_min: float
    stopwords: frozenset[str]
    remedies: tuple[tuple[str, re.Pattern[str]], ...]
    order_number: re.Pattern[str]
    time_frame: re.Pattern[str]
    #: the customer asks for something to be found or suggested ("I'm looking for a hotel")
    option_requests: re.Pattern[str] | None = None
    #: the customer asks what there is or which one fits ("周边有哪些餐馆？", "有没有便宜点的？"),
    #: and the asks among those that want a recommendation or a search all the same
    what_exists_questions: re.Pattern[str] | None = None
    advice_requests: re.Pattern[str] | None = None
    #: the customer thanks ("辛苦你了"), and a whole reply that answers thanks ("没事的")
    #: a reply that asks the customer to pick among what it names ("您自己挑吧")
    choice_invitations: re.Pattern[str] | None = None
    thanks_context: re.Pattern[str] | None = None
    thanks_reply: re.Pattern[str] | None = None
    #: a bare "sorry" opening a reply, and the words that make it an apology for a fault
    courtesy_sorry: re.Pattern[str] | None = None
    not_courtesy: re.Pattern[str] | None = None
    #: the customer complains ("it broke after two days", "还没到"), and a reply that sells them
    #: something more (an upgrade, a protection plan, a membership, "顺便给您推荐…")
    complaint_context: re.Pattern[str] | None = None
    upsell_pitch: re.Pattern[str] | None = None
    score_weights: dict[str, Any] = field(default_factory=dict)
    #: the literals every group's alternatives need (speed only: see _kept_patterns), and for
    #: each indexed pattern the group (by position in groups) it belongs to
    index: LiteralIndex | None = None
    owners: tuple[int, ...] = ()


def _alternatives(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    """The group's patterns compiled one by one; () when one does not compile alone."""
    try:
        return tuple(re.compile(f"(?:{p})", re.IGNORECASE) for p in patterns)
    except re.error:  # a pattern that refers to another's group
        return ()


def _compile(patterns: list[str] | tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    # one alternation per list: a single regex scan per cue group instead of one per pattern
    return (re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE),)


@functools.cache
def _score_weights() -> dict[str, Any]:
    with open(CUES_DIR / "scores.yml", encoding="utf-8") as fh:
        weights: dict[str, Any] = yaml.safe_load(fh)
    return weights


def _joined(patterns: list[str] | None) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None


@functools.cache
def load_cues(lang: str) -> CueRules:
    """The cue rules for one language, read from scoring/cues/<lang>.yml on first use."""
    with open(CUES_DIR / f"{lang}.yml", encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    groups: list[CueGroup] = []
    indexed: list[re.Pattern[str]] = []
    owners: list[int] = []
    for g in raw["groups"]:
        move = g.get("move")
        if move is not None and move not in MOVES:
            raise ValueError(f"cues/{lang}.yml: group {g['id']!r} names unknown move {move!r}")
        alternatives = _alternatives(g["patterns"])
        first = len(indexed) if alternatives else -1
        indexed.extend(alternatives)
        owners.extend(len(groups) for _ in alternatives)
        groups.append(
            CueGroup(
                id=g["id"],
                patterns=_compile(g["patterns"]),
                alternatives=alternatives,
                first=first,
                move=move,
                confidence=float(g.get("confidence", 0.0)),
                politeness=float(g.get("politeness", 0.0)),
                whole=bool(g.get("whole", False)),
                unless_before=(
                    re.compile(g["unless_before"] + r"\W*$", re.IGNORECASE)
                    if g.get("unless_before")
                    else None
                ),
            )
        )
    q, para, ents = raw["questions"], raw["paraphrase"], raw["entities"]
    thanks = raw.get("thanks_reply")
    upsell = raw.get("upsell") or {}
    return CueRules(
        lang=lang,
        groups=tuple(groups),
        question_starts=re.compile(q["starts"], re.IGNORECASE),
        not_question=re.compile(q["not_question"]) if q.get("not_question") else None,
        open_forms=_compile(q["open"]),
        closed_facts=_compile(q["closed_fact"]),
        leading_forms=_compile(q["leading"]),
        confirm_forms=_compile(q["confirm"]),
        paraphrase_markers=_compile(para["markers"]),
        overlap_min=float(para["overlap_min"]),
        stopwords=frozenset(str(w) for w in para["stopwords"]),
        remedies=tuple((name, re.compile(p, re.IGNORECASE)) for name, p in ents["remedy"].items()),
        order_number=re.compile(ents["order_number"], re.IGNORECASE),
        time_frame=re.compile(ents["time_frame"], re.IGNORECASE),
        option_requests=(
            re.compile("|".join(f"(?:{p})" for p in raw["option_requests"]), re.IGNORECASE)
            if raw.get("option_requests")
            else None
        ),
        what_exists_questions=_joined(raw.get("what_exists_questions")),
        advice_requests=_joined(raw.get("advice_requests")),
        choice_invitations=_joined(raw.get("choice_invitations")),
        thanks_context=_joined([thanks["context"]] if thanks else None),
        thanks_reply=_joined([thanks["reply"]] if thanks else None),
        courtesy_sorry=(
            re.compile(raw["courtesy_sorry"]["opening"], re.IGNORECASE)
            if raw.get("courtesy_sorry")
            else None
        ),
        not_courtesy=(
            re.compile(raw["courtesy_sorry"]["not_courtesy"], re.IGNORECASE)
            if raw.get("courtesy_sorry")
            else None
        ),
        complaint_context=_joined(upsell.get("complaint")),
        upsell_pitch=_joined(upsell.get("pitch")),
        score_weights=_score_weights(),
        index=LiteralIndex(indexed),
        owners=tuple(owners),
    )


# --- input checks ------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """NFKC (full-width punctuation to ASCII), control characters out, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _has_words(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _language_mismatch(text: str, lang: str) -> bool:
    cjk = len(_CJK.findall(text))
    latin_words = _LATIN_WORD.findall(text)
    if lang == "zh":
        return cjk == 0 and len(latin_words) >= ZH_FOREIGN_LATIN_WORDS
    return cjk > sum(len(w) for w in latin_words)


def _short_reply(text: str, lang: str) -> bool:
    """At most a few characters (zh) or two words (en): the size of a filler."""
    if lang == "zh":
        return len(re.sub(r"\W", "", text)) <= FILLER_MAX_ZH_CHARS
    return len(_EN_TOKEN.findall(text.lower())) <= FILLER_MAX_EN_WORDS


def _error(lang: object, why: str) -> Analysis:
    # an unsupported language that is not even a string is reported as lang None, which
    # contracts.Analysis (lang: str) does not foresee; hence the cast
    return cast(
        Analysis,
        {
            "moves": [],
            "scores": {"empathy": 0.0, "politeness": 0.0},
            "entities": [],
            "cues": [],
            "lang": lang if isinstance(lang, str) else None,
            "error": why,
        },
    )


# --- evidence ----------------------------------------------------------------------------


@dataclass
class Evidence:
    """Move confidences and the cues that fired, gathered from NLU and cue rules."""

    #: move -> the highest confidence a cue gave it
    cue_moves: dict[str, float] = field(default_factory=dict)
    #: move -> the classifier's confidence, for the moves it reads with enough confidence
    nlu_moves: dict[str, float] = field(default_factory=dict)
    #: move -> where in the reply it was first found (classifier moves: after every cue)
    position: dict[str, int] = field(default_factory=dict)
    cues: list[Cue] = field(default_factory=list)
    cue_ids: set[str] = field(default_factory=set)
    politeness_delta: float = 0.0
    #: a question form was found, but nothing said whether it is open or closed
    default_question: bool = False
    #: a question that proposes something ("have you tried…?"), and one that asks
    suggestion_question: bool = False
    asks: bool = False
    #: how many clauses ask something (suggestions excluded)
    question_clauses: int = 0
    #: a confirmation that is only a tag after a statement ("…, is that right?")
    tag_confirm: bool = False
    #: a restatement asked as a question ("So your fiancé gets upset when you call home?")
    restating_question: bool = False
    #: the only sign of a paraphrase is that the reply repeats the customer's words
    overlap_only: bool = False
    #: how many asking clauses only check agreement ("Does that work for you?", "你觉得呢？")
    confirm_clauses: int = 0
    #: the customer's previous message asked something ("Which station does it arrive at?")
    customer_asked: bool = False
    #: ... asked for something to be found or suggested ("Any other hotels?", "帮我找个餐馆")
    customer_wants_options: bool = False
    #: ... asked what there is or which one fits, and not for advice ("周边有哪些餐馆？")
    customer_asked_what_exists: bool = False
    #: the customer thanked and the whole reply answers thanks ("辛苦你了" - "没事的")
    answers_thanks: bool = False
    #: the reply names what was found for a customer who asked for it (an offer)
    found_option: bool = False
    #: the reply opens with a bare "sorry" that apologises for no fault ("Sorry, it's not.")
    courtesy_sorry: bool = False
    #: the customer complained and the reply pitches something more, with no remedy for the
    #: complaint in it (an upgrade, a protection plan; "顺便给您推荐一下新款")
    upsell_over_complaint: bool = False
    #: the reply names a time frame ("today", "by 5 pm", "明天上午")
    time_frame: bool = False

    def cue(
        self, cue_id: str, match: str, pos: int, move: str | None = None, conf: float = 0.0
    ) -> None:
        if cue_id not in self.cue_ids:
            self.cue_ids.add(cue_id)
            self.cues.append({"cue": cue_id, "match": match})
        if move is not None:
            self.cue_moves[move] = max(self.cue_moves.get(move, 0.0), conf)
            self.position[move] = min(self.position.get(move, pos), pos)


def _split_clauses(text: str) -> list[tuple[int, str]]:
    clauses, start = [], 0
    for part in _CLAUSE_END.split(text):
        idx = text.find(part, start) if part else start
        if part.strip():
            clauses.append((idx, part.strip()))
        start = idx + len(part)
    return clauses


def _run_on_question(clause: str, rules: CueRules) -> int | None:
    """Where a question starts inside an English run-on clause with no question mark, after
    words that acknowledge or address the customer; None when it has none."""
    if rules.lang != "en" or "?" in clause:
        return None
    for m in _RUN_ON_SPLIT.finditer(clause):
        head, tail = clause[: m.start()], clause[m.end() :]
        if len(tail.split()) < 3 or not _RUN_ON_OPENER.search(tail):
            continue
        if _RUN_ON_KNOWING_HEAD.search(head) and _RUN_ON_WH.search(tail):
            continue  # "I can understand how you are feeling": what is understood
        if _RUN_ON_HEAD_END.search(head) and _is_question(tail, rules):
            return m.end()
    return None


def _is_question(clause: str, rules: CueRules) -> bool:
    return clause.endswith("?") or (
        bool(rules.question_starts.search(clause))
        and not (rules.not_question and rules.not_question.search(clause))
    )


def _question_cues(
    text: str, rules: CueRules, ev: Evidence, kept: dict[int, list[int]] | None = None
) -> None:
    """``kept``: _kept_patterns of the text (a clause is part of the text: a pattern that
    cannot match the text cannot match a clause of it)."""
    if kept is None:
        kept = _kept_patterns(rules, text)
    # every cue group of the solution family: remedies, offers asked as questions, options
    suggestions = [
        (position, g)
        for position, g in enumerate(rules.groups)
        if g.move and MOVE_FAMILIES[g.move] == "solution"
    ]
    frame = ""  # English: the clause before, when a comma ties it to this one
    for pos, clause in _split_clauses(text):
        before, frame = frame, clause if rules.lang == "en" and clause.endswith(",") else ""
        if not _is_question(clause, rules) and (cut := _run_on_question(clause, rules)):
            pos, clause = pos + cut, clause[cut:]
        if not _is_question(clause, rules):
            continue
        if any(_group_match(g, clause, _group_kept(kept, i, g)) for i, g in suggestions):
            # "have you tried restarting it?", "how about the blue one?", "shall I book it?"
            # propose something; they ask for no fact
            ev.suggestion_question = True
            continue
        ev.asks = True
        ev.question_clauses += 1
        if (m := _first(rules.paraphrase_markers, clause)) and (
            m.start() <= RESTATING_MARKER_MAX_START
        ):
            ev.restating_question = True
        elif (
            (m := _first(rules.paraphrase_markers, before))
            and m.start() <= RESTATING_MARKER_MAX_START
            and not rules.question_starts.search(clause)
        ):
            # "If I heard you right, your sister moved out in May?": the frame opens a statement
            # asked back, the restatement ("…, what did she say?" asks)
            ev.restating_question = True
        if m := _first(rules.confirm_forms, clause):
            ev.cue("confirm_form", m.group(0), pos, "confirm", QUESTION_FORM_CONFIDENCE)
            ev.confirm_clauses += 1
            # "…, is that right?" after a statement: the tag checks what came before it
            ev.tag_confirm = ev.tag_confirm or (
                pos > 0 and len(m.group(0)) >= len(clause) - TAG_CONFIRM_SLACK
            )
            continue
        if m := _first(rules.leading_forms, clause):
            ev.cue(
                "leading_question", m.group(0), pos, "closed_question", LEADING_QUESTION_CONFIDENCE
            )
            ev.politeness_delta -= LEADING_QUESTION_PENALTY
            continue
        open_m = _first(rules.open_forms, clause)
        fact_m = _first(rules.closed_facts, clause)
        if open_m and not fact_m:
            ev.cue(
                "open_question_form",
                open_m.group(0),
                pos,
                "open_question",
                QUESTION_FORM_CONFIDENCE,
            )
        elif fact_m:
            ev.cue(
                "closed_question_form",
                fact_m.group(0),
                pos,
                "closed_question",
                QUESTION_FORM_CONFIDENCE,
            )
        else:
            # a question without open or fact-seeking words: closed by default, weakly, so a
            # confident classifier (confirm, open question, a rhetorical jab) can outrank it
            ev.cue(
                "closed_question_form",
                clause[:CUE_MATCH_CHARS],
                pos,
                "closed_question",
                QUESTION_DEFAULT,
            )
            ev.default_question = True


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    for p in patterns:
        if m := literals.search(p, text):
            return m
    return None


def _content_units(text: str, rules: CueRules) -> set[str]:
    """What a paraphrase would repeat: content words (en) or CJK bigrams without stopwords (zh)."""
    if rules.lang == "en":
        words = _EN_TOKEN.findall(text.lower())
        return {
            w.rstrip("s")
            for w in words
            if len(w) > CONTENT_WORD_MIN_CHARS and w not in rules.stopwords
        }
    chars = [ch if _CJK.match(ch) and ch not in rules.stopwords else " " for ch in text]
    units: set[str] = set()
    for run in "".join(chars).split():
        units.update(run[i : i + 2] for i in range(len(run) - 1))
    units.update(w.lower() for w in _LATIN_WORD.findall(text))
    return units


def _paraphrase_cues(text: str, context: str, rules: CueRules, ev: Evidence) -> None:
    marker = _first(rules.paraphrase_markers, text)
    ev.customer_asked = any(_is_question(c, rules) for _, c in _split_clauses(context))
    ev.customer_wants_options = bool(
        context and rules.option_requests and rules.option_requests.search(context)
    )
    ev.answers_thanks = bool(
        context
        and rules.thanks_context
        and rules.thanks_reply
        and rules.thanks_context.search(context)
        and rules.thanks_reply.search(text)
    )
    _upsell_cue(text, context, rules, ev)
    ev.customer_asked_what_exists = bool(
        ev.customer_asked
        and rules.what_exists_questions
        and rules.what_exists_questions.search(context)
        and not (rules.advice_requests and rules.advice_requests.search(context))
    )
    overlap = 0.0
    if context:
        ctx_units = _content_units(context, rules)
        if len(ctx_units) >= OVERLAP_MIN_CONTEXT_UNITS:
            shared = ctx_units & _content_units(text, rules)
            overlap = len(shared) / len(ctx_units)
    if marker:
        backed = overlap >= rules.overlap_min * MARKER_OVERLAP_SHARE or not context
        confidence = (
            PARAPHRASE_MARKER_CONFIDENCE if backed else PARAPHRASE_MARKER_UNBACKED_CONFIDENCE
        )
        ev.cue("paraphrase_marker", marker.group(0), marker.start(), "paraphrase", confidence)
    if overlap >= rules.overlap_min:
        # a restating cue group ("Please confirm: …") is a frame as much as a marker is
        ev.overlap_only = not marker and "paraphrase" not in ev.cue_moves
        confidence = min(
            OVERLAP_CONFIDENCE_MAX, OVERLAP_CONFIDENCE_BASE + OVERLAP_CONFIDENCE_SLOPE * overlap
        )
        ev.cue("context_overlap", f"{overlap:.2f}", 0, "paraphrase", confidence)


def _upsell_cue(text: str, context: str, rules: CueRules, ev: Evidence) -> None:
    """The customer complained and the reply pitches something more with no remedy for the
    complaint (see upsell_over_complaint_brushes_off)."""
    if not (context and rules.complaint_context and rules.upsell_pitch):
        return
    if not rules.complaint_context.search(context):
        return
    pitch = rules.upsell_pitch.search(text)
    if pitch is None:
        return
    if any(p.search(text) for name, p in rules.remedies if name in COMPLAINT_REMEDIES):
        return
    ev.upsell_over_complaint = True
    ev.cue("upsell_over_complaint_s10b", pitch.group(0), pitch.start())


def _kept_patterns(rules: CueRules, text: str) -> dict[int, list[int]] | None:
    """For each group (by position) with a pattern that may match the text, those patterns (by
    position in the group); groups missing cannot match. None when the literal index cannot
    tell (then every pattern runs). One look at the text for all groups."""
    found = rules.index.matchable(text) if rules.index is not None else None
    if found is None:
        return None
    kept: dict[int, list[int]] = {}
    owners, groups = rules.owners, rules.groups
    for i in found:
        owner = owners[i]
        kept.setdefault(owner, []).append(i - groups[owner].first)
    return kept


def _group_kept(
    kept: dict[int, list[int]] | None, position: int, group: CueGroup
) -> list[int] | None:
    if kept is None or group.first < 0:
        return None
    return kept.get(position, [])


def _group_match(group: CueGroup, text: str, kept: list[int] | None = None) -> re.Match[str] | None:
    """The group's first match in the text. ``kept``: the positions of the group's patterns
    that may match it (from _kept_patterns), None to run them all."""
    if kept is not None:
        if not kept:
            return None
        if len(kept) < len(group.alternatives):
            found = _alternatives_match(group, kept, text)
            if found is not False:
                return found
    for pattern in group.patterns:
        if group.whole:
            if m := pattern.fullmatch(text):
                return m
            continue
        for m in pattern.finditer(text):
            if group.unless_before is None or not group.unless_before.search(text[: m.start()]):
                return m
    return None


def _alternatives_match(
    group: CueGroup, kept: list[int], text: str
) -> re.Match[str] | Literal[False] | None:
    """_group_match with only some of the group's patterns, each searched alone: the alternation
    matches first where the leftmost of them does, ties going to the earlier pattern, and the
    next scan starts where that match ends. False after an empty match (the whole alternation
    then decides, as finditer steps on from an empty match in its own way)."""
    patterns = group.alternatives
    if group.whole:
        for i in kept:
            if m := patterns[i].fullmatch(text):
                return m
        return None
    pos = 0
    while True:
        best: re.Match[str] | None = None
        for i in kept:
            m = patterns[i].search(text, pos)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        if best is None:
            return None
        if best.end() == best.start():
            return False
        if group.unless_before is None or not group.unless_before.search(text[: best.start()]):
            return best
        pos = best.end()


def _rule_cues(
    text: str, rules: CueRules, ev: Evidence, kept: dict[int, list[int]] | None = None
) -> None:
    if kept is None:
        kept = _kept_patterns(rules, text)
    for position, group in enumerate(rules.groups):
        if m := _group_match(group, text, _group_kept(kept, position, group)):
            ev.cue(group.id, m.group(0) or text, m.start(), group.move, group.confidence)
            ev.politeness_delta += group.politeness
    ev.time_frame = bool(rules.time_frame.search(text))
    ev.courtesy_sorry = bool(
        rules.courtesy_sorry
        and rules.courtesy_sorry.search(text)
        and not (rules.not_courtesy and rules.not_courtesy.search(text))
    )


def _nlu_moves(nlu: dict[str, Any], ev: Evidence) -> None:
    ranking = nlu.get("intent_ranking") or []
    top = nlu.get("intent") or {}
    if not ranking and top.get("name"):
        ranking = [top]
    rank = 0
    for item in ranking:
        name, conf = item.get("name") or "", float(item.get("confidence") or 0.0)
        moves = [m for m in name.split("+") if m in MOVES]
        if not moves:
            # nlu_fallback and the session-control intents say nothing about moves
            continue
        if conf >= (NLU_PRIMARY_MIN if rank == 0 else NLU_SECONDARY_MIN):
            for move in moves:
                ev.nlu_moves[move] = max(ev.nlu_moves.get(move, 0.0), conf)
                ev.position.setdefault(move, NLU_POSITION + rank)
        rank += 1


def _ranked_moves(nlu: dict[str, Any] | None) -> list[tuple[str, float]]:
    """The classifier's single-move ranking (combined labels split), best first."""
    best: dict[str, float] = {}
    for item in (nlu or {}).get("intent_ranking") or []:
        conf = float(item.get("confidence") or 0.0)
        for move in (item.get("name") or "").split("+"):
            if move in MOVES:
                best[move] = max(best.get(move, 0.0), conf)
    return sorted(best.items(), key=lambda kv: -kv[1])


# --- weighing the evidence ---------------------------------------------------------------


@dataclass
class AnalysisState:
    """One reply being weighed: its evidence and the confidence each move has so far.

    The adjustment steps read the evidence and change ``combined`` (and, before the
    combination, ``evidence.nlu_moves``); nothing else changes between steps.
    """

    #: the cleaned reply
    text: str
    lang: str
    evidence: Evidence = field(default_factory=Evidence)
    #: the classifier's single-move ranking, best first (empty without a classifier)
    ranked: list[tuple[str, float]] = field(default_factory=list)
    #: move -> confidence, filled by combine_cue_and_classifier and adjusted after it
    combined: dict[str, float] = field(default_factory=dict)


#: one adjustment step: reads the state and changes it in place
Adjustment = Callable[[AnalysisState], None]


# --- the early exits ---------------------------------------------------------------------


def no_words_is_perfunctory(state: AnalysisState) -> list[MoveReading] | None:
    """Emoji or punctuation only: a reply without content, the way a filler is.

    Runs before any evidence is gathered; None when the reply has words.
    """
    if _has_words(state.text):
        return None
    state.evidence.cue("no_words", state.text, 0, "perfunctory", NO_WORDS_CONFIDENCE)
    state.evidence.politeness_delta -= NO_WORDS_PENALTY
    return [{"move": "perfunctory", "confidence": NO_WORDS_CONFIDENCE}]


def whole_filler_is_perfunctory(state: AnalysisState) -> list[MoveReading] | None:
    """The whole reply is a filler ("嗯", "ok"): whatever else the classifier guessed, it said
    nothing. None when the filler cue did not match the whole reply."""
    ev = state.evidence
    if "filler" not in ev.cue_ids:
        return None
    return [{"move": "perfunctory", "confidence": ev.cue_moves["perfunctory"]}]


# --- the adjustments, in the order ADJUSTMENTS runs them ---------------------------------


def drop_doubtful_classifier_negatives(state: AnalysisState) -> None:
    """Drop a negative move only the classifier reads, unless it is sure enough.

    A negative move costs the trainee points. From the classifier alone it needs
    NLU_ONLY_NEGATIVE_MIN when it is the classifier's main reading of the reply,
    NLU_ONLY_NEGATIVE_SECONDARY_MIN when it is not, and NLU_NEGATIVE_OVER_KIND_CUE_MIN when
    the cues found comfort, an apology or thanks in the reply (or a polite request, or a follow-up
    offered with a courtesy word) and no negative words: the classifier's negative reading of
    "别哭了", "不说了，早点睡" or "Please let me know if you need any further help" must be near
    certain.
    """
    ev = state.evidence
    top_nlu = max(ev.nlu_moves, key=ev.nlu_moves.__getitem__, default=None)
    # a plain request with a courtesy word ("Understood. Booking reference, please?") is no
    # rudeness for being short: the classifier's rude and brush-off examples are short too
    polite_request = ev.asks and "politeness_marker" in ev.cue_ids
    # ... nor is the door left open politely ("Please let me know if you need any further
    # help"): the classifier meets the imperative "let me know" in curt replies too
    polite_open_door = "follow_up" in ev.cue_moves and "politeness_marker" in ev.cue_ids
    kind_words = polite_request or polite_open_door or any(m in KIND_MOVES for m in ev.cue_moves)
    negative_cue = any(m in NEGATIVE_MOVES for m in ev.cue_moves)
    for move in [m for m in ev.nlu_moves if m in NEGATIVE_MOVES and m not in ev.cue_moves]:
        floor = NLU_ONLY_NEGATIVE_MIN if move == top_nlu else NLU_ONLY_NEGATIVE_SECONDARY_MIN
        if kind_words and not negative_cue:
            floor = max(floor, NLU_NEGATIVE_OVER_KIND_CUE_MIN)
        if ev.nlu_moves[move] < floor:
            del ev.nlu_moves[move]


def proposal_needs_a_surer_classifier_negative(state: AnalysisState) -> None:
    """A reply whose cues found a proposal or a list of options needs a surer classifier to be
    read as negative as well.

    "A、B和C都是不错的选择" or "这么看只有两个选择了：A和B" propose; the classifier, meeting
    names it never saw, sometimes ranks a faint negative reading first (the rude and brush-off
    replies it learned from are short and plain too). When the cues found a move of the
    solution family and no negative words, a negative move only the classifier reads needs
    NLU_NEGATIVE_OVER_PROPOSAL_MIN: below it the customer would not react anyway (a move under
    the persona types' strong_confidence next to a sure proposal is ignored), and the reading
    would only cost the trainee points for nothing they said.
    """
    ev = state.evidence
    if not any(MOVE_FAMILIES[m] == "solution" for m in ev.cue_moves):
        return
    if any(m in NEGATIVE_MOVES for m in ev.cue_moves):
        return
    for move in [m for m in ev.nlu_moves if m in NEGATIVE_MOVES]:
        if ev.nlu_moves[move] < NLU_NEGATIVE_OVER_PROPOSAL_MIN:
            del ev.nlu_moves[move]


def committed_follow_up_is_no_brush_off(state: AnalysisState) -> None:
    """A handover the agent follows up with a time frame is no brush-off.

    "这个归账务部门处理，我已经转过去了，他们今天下午五点前会联系您" and "billing handles that, so
    I've passed it on and they'll call you before 5 pm" name the other team, as a brush-off does,
    and then say who will get back to the customer and when (seed 003 Ch3.1 「給出預期的解決時
    間」, 002 §2c 「主動告知用戶處理進度」). When the cues found a follow-up and a time frame and no
    negative words, a dismissal only the classifier reads needs NLU_NEGATIVE_OVER_KIND_CUE_MIN.
    """
    ev = state.evidence
    if not (ev.time_frame and "follow_up" in ev.cue_moves):
        return
    if any(m in NEGATIVE_MOVES for m in ev.cue_moves):
        return
    if ev.nlu_moves.get("dismiss", 1.0) < NLU_NEGATIVE_OVER_KIND_CUE_MIN:
        del ev.nlu_moves["dismiss"]


def question_needs_a_surer_negative_zh(state: AnalysisState) -> None:
    """Chinese: a reply that only asks needs a surer classifier to be read as negative.

    Chat questions are written without a question mark and in a casual register ("你到家了没",
    "你还去复查吗", "他们今天不来吧"); the classifier learned that register mostly from rude
    replies and reads some plain questions as rudeness or a brush-off. When every clause of a
    Chinese reply is a question (and the cues found no negative words), a negative move only
    the classifier reads needs NLU_ONLY_NEGATIVE_SECONDARY_MIN, as a secondary reading does.
    Contempt asked as a question ("你是不是听不懂人话") keeps its cue or a sure classifier.
    A dropped reading leaves the classifier's ranking too, so it cannot outrank the question
    form later (weigh_default_question).
    """
    ev = state.evidence
    if state.lang != "zh" or not ev.question_clauses:
        return
    if any(m in NEGATIVE_MOVES for m in ev.cue_moves):
        return
    clauses = _split_clauses(state.text)
    if ev.question_clauses + ev.suggestion_question < len(clauses):
        return
    doubtful = {
        m for m, c in state.ranked if m in NEGATIVE_MOVES and c < NLU_ONLY_NEGATIVE_SECONDARY_MIN
    }
    for move in doubtful & ev.nlu_moves.keys():
        del ev.nlu_moves[move]
    state.ranked = [(m, c) for m, c in state.ranked if m not in doubtful]


def sure_negative_outweighs_classifier_comfort_zh(state: AnalysisState) -> None:
    """Chinese: "别…了" comforts and commands alike; without comfort words a sure rude reading
    wins.

    "别哭了，有我呢" comforts, "别再催了" and "你就别再问了" silence the customer: the
    classifier learns the form from both and reads a second, comforting move into a command.
    When the classifier is NLU_NEGATIVE_OVER_KIND_CUE_MIN sure of a negative move (or a cue
    found one) and the cues found no comfort or feeling words, its own reassurance and empathy
    readings are dropped. With comfort words (the cues' reassurance or empathy), nothing
    changes here: drop_doubtful_classifier_negatives already asks the negative reading to be
    near certain.
    """
    ev = state.evidence
    if state.lang != "zh" or any(m in ev.cue_moves for m in ("reassurance", "empathy")):
        return
    sure_negative = any(m in NEGATIVE_MOVES for m in ev.cue_moves) or any(
        c >= NLU_NEGATIVE_OVER_KIND_CUE_MIN for m, c in ev.nlu_moves.items() if m in NEGATIVE_MOVES
    )
    if sure_negative:
        for move in ("reassurance", "empathy"):
            ev.nlu_moves.pop(move, None)


def drop_classifier_filler_in_long_reply(state: AnalysisState) -> None:
    """Drop the classifier's perfunctory reading of a reply longer than a filler.

    A filler is short by nature (FILLER_MAX_ZH_CHARS, FILLER_MAX_EN_WORDS): a longer reply
    the classifier calls one has content. The cues' own filler reading stays.
    """
    ev = state.evidence
    if "perfunctory" not in ev.nlu_moves or "perfunctory" in ev.cue_moves:
        return
    if not _short_reply(state.text, state.lang):
        del ev.nlu_moves["perfunctory"]


def answer_echoing_the_question_is_no_paraphrase(state: AnalysisState) -> None:
    """An answer that repeats the words of the customer's question restates nothing.

    "Which station does it arrive at?" - "It arrives at Union Station."; "周边有哪些餐馆？" -
    "周边的餐馆有…". An answer names what was asked about, so it shares the question's words.
    When the customer's previous message asked something, the reply asks nothing back and the
    only sign of a paraphrase is that overlap (no restating frame such as "so you…"), the
    overlap's paraphrase vote is dropped. The classifier's own paraphrase reading stays.
    """
    ev = state.evidence
    if ev.customer_asked and ev.overlap_only and not ev.asks:
        ev.cue_moves.pop("paraphrase", None)


def combine_cue_and_classifier(state: AnalysisState) -> None:
    """One confidence per move: cue and classifier evidence combine as independent votes.

    Noisy-or, the classifier's vote weighed by NLU_WEIGHT: either source alone can make a
    move, and both together make it surer than either.
    """
    ev = state.evidence
    for move in dict.fromkeys([*ev.cue_moves, *ev.nlu_moves]):
        cue_conf = ev.cue_moves.get(move, 0.0)
        nlu_conf = ev.nlu_moves.get(move, 0.0) * NLU_WEIGHT
        state.combined[move] = 1.0 - (1.0 - cue_conf) * (1.0 - nlu_conf)


def cap_classifier_only_filler(state: AnalysisState) -> None:
    """A short reply only the classifier calls a filler ranks below any other evidence.

    An unknown short reply is a filler only when nothing else is found in it: capped at
    NLU_ONLY_FILLER_MAX, just above MOVE_MIN. Chinese: when the reply does reach another move
    ("王老师好" greets, "对吧" checks, "慢走啊" sees the customer off), it said something, so
    the classifier's filler reading of it goes: a short greeting or farewell is no empty
    filler (moves.md: perfunctory is filler with no content).
    """
    combined = state.combined
    if "perfunctory" in combined and "perfunctory" not in state.evidence.cue_moves:
        combined["perfunctory"] = min(combined["perfunctory"], NLU_ONLY_FILLER_MAX)
        others = [c for m, c in combined.items() if m != "perfunctory" and c >= MOVE_MIN]
        if state.lang == "zh" and others:
            del combined["perfunctory"]


def weigh_default_question(state: AnalysisState) -> None:
    """Drop the by-default closed question when the classifier clearly reads something else.

    A question with no open or fact-seeking words is closed only by default (QUESTION_DEFAULT).
    When the classifier is QUESTION_DEFAULT_OVERRIDE sure of another move (a confirmation,
    a rhetorical jab, a remark ending in 吧) and does not read a closed question itself, that
    one unlabelled form gets one reading: the classifier's. A clause that asks for a fact
    keeps its closed question, and so does a question beside another clause whose move the cues
    found and the classifier reads (the classifier's reading belongs to that clause).
    """
    ev, ranked = state.evidence, state.ranked
    if not ev.default_question or not ranked:
        return
    if ev.cue_moves.get("closed_question", 0.0) > QUESTION_DEFAULT:
        return  # another clause asks for a fact: that question stands
    if ranked[0][0] == "closed_question":
        return
    if ranked[0][0] in NEGATIVE_MOVES and ranked[0][0] not in ev.nlu_moves:
        return  # a negative reading too doubtful to keep does not unseat the question either
    if ranked[0][0] in ev.cue_moves and len(_split_clauses(state.text)) > ev.question_clauses:
        # the classifier's reading is what another clause says ("不着急，慢慢看。这部手机准备给谁用
        # 呢？": the comfort before the question), found there by the cues: the question stands
        return
    if (
        ranked[0][1] >= QUESTION_DEFAULT_OVERRIDE
        and ev.nlu_moves.get("closed_question", 0.0) < QUESTION_DEFAULT_NLU_SUPPORT
    ):
        state.combined.pop("closed_question", None)


def rhetorical_jab_asks_nothing_zh(state: AnalysisState) -> None:
    """Chinese: a question that carries a rude jab ("你能不能别这么啰嗦", "叫什么叫",
    "你连路由器都不会重启？") asks for nothing; it is rude, not also a question.

    When the cues found rudeness inside every clause that asks (the rude cue's match starts
    in the asking clause), the question moves the cues read from the form are dropped, unless
    the classifier reads that question move at least as surely as the rudeness. A reply that
    is rude in one clause and asks a real question in another keeps its question.
    """
    ev, combined = state.evidence, state.combined
    if state.lang != "zh" or "rude" not in ev.cue_moves or not ev.question_clauses:
        return
    start = ev.position.get("rude", NLU_POSITION)
    asking = [
        (pos, clause)
        for pos, clause in _split_clauses(state.text)
        if _is_question(clause, load_cues("zh"))
    ]
    if len(asking) != 1 or not asking[0][0] <= start < asking[0][0] + len(asking[0][1]):
        return
    for move in ("closed_question", "open_question", "confirm"):
        if move in combined and ev.nlu_moves.get(move, 0.0) < combined.get("rude", 0.0):
            del combined[move]


def checked_restatement_is_paraphrase_first(state: AnalysisState) -> None:
    """A restatement checked by a question is a paraphrase first, the question second.

    Either a tag checks it ("…, is that right?": confirm ranks below the paraphrase) or the
    question is the restatement itself ("So you're saying …?": every question move ranks
    below it), by RANK_BELOW_MARGIN. Only when the paraphrase is reported at all.
    """
    ev, combined = state.evidence, state.combined
    checks: set[str] = (
        set(QUESTION_MOVES) if ev.restating_question else {"confirm"} if ev.tag_confirm else set()
    )
    if checks and combined.get("paraphrase", 0.0) >= MOVE_MIN:
        for move in checks & combined.keys():
            combined[move] = min(combined[move], combined["paraphrase"] - RANK_BELOW_MARGIN)


def one_reading_per_question(state: AnalysisState) -> None:
    """A question the cues read as open or as a confirmation is not also a closed one.

    The classifier scores the question moves side by side ("这样能解决您的问题吗？" as confirm and
    as closed question); when the cues have read every question clause, a closed question it
    adds on top is the same question again. (Its open or confirm readings stay: the cues miss
    some of those.)
    """
    ev = state.evidence
    if ev.default_question or not ev.question_clauses:
        return
    read = {m for m in QUESTION_MOVES if m in ev.cue_moves}
    if len(read) < ev.question_clauses:
        return
    if "closed_question" not in read:
        state.combined.pop("closed_question", None)


def overlap_alone_is_secondary_paraphrase(state: AnalysisState) -> None:
    """Repeating the customer's words alone makes paraphrase a secondary move, never the primary.

    Answers repeat the customer's words too: without a restating frame ("so you…") or the
    classifier's reading, the paraphrase ends RANK_BELOW_MARGIN below the best other move
    that is reported.
    """
    ev, combined = state.evidence, state.combined
    if not ev.overlap_only or "paraphrase" in ev.nlu_moves or "paraphrase" not in combined:
        return
    others = [c for m, c in combined.items() if m != "paraphrase" and c >= MOVE_MIN]
    if others:
        combined["paraphrase"] = min(combined["paraphrase"], max(others) - RANK_BELOW_MARGIN)


def restatement_leads_the_feeling(state: AnalysisState) -> None:
    """English: a restatement with its reason or its check leads the feeling it names.

    "So you feel left out because your friends went without you", "It sounds like you're
    worried about the move", "You've been doing two jobs since March, is that right?": the
    reply restates the person's situation (moves.md: paraphrase), the feeling and the check
    come with it. When one of EN_RESTATING_CUES fired, paraphrase ends RANK_BELOW_MARGIN above
    empathy and the checking question moves (confirm, closed question). An open question the
    reply goes on to ask keeps its rank. Chinese replies have their own cues.
    """
    ev, combined = state.evidence, state.combined
    if state.lang != "en" or not (EN_RESTATING_CUES & ev.cue_ids) or "paraphrase" not in combined:
        return
    led = [combined[m] for m in ("empathy", "confirm", "closed_question") if m in combined]
    if led:
        combined["paraphrase"] = min(
            MOVE_MAX, max(combined["paraphrase"], max(led) + RANK_BELOW_MARGIN)
        )


def comfort_after_but_leads(state: AnalysisState) -> None:
    """English: "That must be hard, but I know you'll finish it" comforts first.

    A reply that names the feeling and then turns ("but", "though", "still" …) to comfort or to
    what the person did well leads to the comfort: reassurance (or praise) ends
    RANK_BELOW_MARGIN above the empathy, which stays, second. Only when the comfort was found
    after the empathy and a contrast word sits between them.
    """
    ev, combined = state.evidence, state.combined
    if state.lang != "en" or combined.get("empathy", 0.0) < MOVE_MIN:
        return
    start = ev.position.get("empathy", NLU_POSITION)
    for move in ("reassurance", "praise"):
        pos = ev.position.get(move, NLU_POSITION)
        if (
            move in ev.cue_moves
            and start < pos < NLU_POSITION
            and _EN_CONTRAST.search(state.text, start, pos)
        ):
            combined[move] = min(
                MOVE_MAX, max(combined[move], combined["empathy"] + RANK_BELOW_MARGIN)
            )
            return


def question_after_the_feeling_leads(state: AnalysisState) -> None:
    """English: "I'm sorry to hear that. When did the engineer last come out?" asks first.

    A reply that names the feeling and then asks the customer something turns on the question:
    the feeling acknowledges what was said, the question is what the customer is to answer
    (seed 004 ch1: listen, acknowledge, then ask). When empathy leads and a question move the
    cues found (open or closed, not a suggestion asked as a question, not a check that only
    confirms or restates) comes after it, that question ends RANK_BELOW_MARGIN above the
    empathy, which stays, second. A question before the feeling ("What happened? That sounds
    awful.") leaves the order as it is.
    """
    ev, combined = state.evidence, state.combined
    if state.lang != "en" or not ev.asks or ev.restating_question:
        return
    empathy = combined.get("empathy", 0.0)
    if empathy < MOVE_MIN or any(c > empathy for m, c in combined.items() if m != "empathy"):
        return
    start = ev.position.get("empathy", NLU_POSITION)
    asked = [
        m
        for m in ("open_question", "closed_question")
        if m in ev.cue_moves
        and m in combined
        and start < ev.position.get(m, NLU_POSITION) < NLU_POSITION
    ]
    if asked and start < NLU_POSITION:
        combined[asked[0]] = min(MOVE_MAX, max(combined[asked[0]], empathy + RANK_BELOW_MARGIN))


def greeting_then_question_leads_s15(state: AnalysisState) -> None:
    """English: "Hi there, how are you doing today?" asks first; the greeting frames it.

    A reply that opens with a greeting ("hi", "hello", "good evening", "my name is …") and then
    asks the customer something turns on the question: the greeting is the courtesy that opens
    the turn, the question is what the customer is to answer (seed 004 ch2 提问技巧: open the
    conversation with a question that lets them talk). When the greeting was found at the start
    and a question move the cues found (open, closed or confirm; not a suggestion asked as a
    question) comes after it, that question ends RANK_BELOW_MARGIN above the greeting, which
    stays, second. A bare greeting, and a greeting followed only by statements, keep the
    greeting first. Chinese service openings ("王姐您好，今天想看点什么？") keep the greeting
    first: the address and 您好 are the turn's point in that register.
    """
    ev, combined = state.evidence, state.combined
    if state.lang != "en" or not ev.asks or ev.restating_question:
        return
    greeting = combined.get("greeting", 0.0)
    start = ev.position.get("greeting", NLU_POSITION)
    if greeting < MOVE_MIN or "greeting" not in ev.cue_moves or start > 0:
        return
    if any(c > greeting for m, c in combined.items() if m not in QUESTION_MOVES | {"greeting"}):
        return  # something else (a proposal, an apology) already leads
    asked = [
        m
        for m in ("open_question", "closed_question", "confirm")
        if m in ev.cue_moves
        and combined.get(m, 0.0) >= MOVE_MIN
        and start < ev.position.get(m, NLU_POSITION) < NLU_POSITION
    ]
    if asked:
        move = max(asked, key=lambda m: combined[m])
        combined[move] = min(MOVE_MAX, max(combined[move], greeting + RANK_BELOW_MARGIN))
        # a near-certain greeting (cue and classifier agree) would tie with the capped question
        combined["greeting"] = min(greeting, combined[move] - RANK_BELOW_MARGIN)


def suggestion_question_is_an_offer(state: AnalysisState) -> None:
    """A reply whose only questions propose something ("have you tried restarting it?") offers.

    The classifier's question reading of the form stays, RANK_BELOW_MARGIN below the
    suggestion it carries.
    """
    ev, combined = state.evidence, state.combined
    if not ev.suggestion_question or ev.asks or "offer_solution" not in combined:
        return
    for move in QUESTION_MOVES & combined.keys():
        combined[move] = min(combined[move], combined["offer_solution"] - RANK_BELOW_MARGIN)


def found_option_answers_a_request(state: AnalysisState) -> None:
    """Naming what was found for a customer who asked for it is a proposal.

    "I need a hotel in Phoenix." - "The Aloft is a 3-star near the airport."; "帮我找个安静的
    咖啡馆" - "…这家环境就很安静". When the customer's previous message asked for something to
    be found or suggested (the cue file's option_requests), a reply read as information that
    asks for no fact puts an offer forward: offer_solution, as sure as the information and
    RANK_BELOW_MARGIN above it (the information stays, second). Not when the reply already
    proposes or recommends something at least as surely, and not for apologies, refusals and
    negative readings.
    """
    ev, combined = state.evidence, state.combined
    if not ev.customer_wants_options or (ev.asks and ev.confirm_clauses < ev.question_clauses):
        return
    if ev.customer_asked_what_exists:
        return  # an answer to "what is there?": listing_what_exists_informs_zh reads it
    inform = combined.get("inform", 0.0)
    if inform < MOVE_MIN or any(
        combined.get(m, 0.0) >= inform for m in ("offer_solution", "recommend")
    ):
        return
    best = max(combined.items(), key=lambda kv: kv[1])[0]
    if best != "inform" and best not in QUESTION_MOVES:
        return
    combined["offer_solution"] = min(MOVE_MAX, inform + RANK_BELOW_MARGIN)
    ev.position.setdefault("offer_solution", ev.position.get("inform", 0))
    ev.found_option = True


def listing_what_exists_informs_zh(state: AnalysisState) -> None:
    """Chinese: naming what there is, in answer to "what is there?", informs.

    "周边有哪些健身房？" - "有力美健身和超级猩猩，两家都不错。"; "有没有便宜点的套餐？" - "有的，
    月租39元的那档包含30G流量。"; "哪家周日营业？" - "城西那家周日也开。" The customer asked what
    exists or which one fits (the cue file's what_exists_questions, and not for advice: its
    advice_requests), so the names, prices and hours that answer are information, even with
    a word of praise for them ("都挺不错"): moves.md inform, as service desks file such
    answers. A reply that proposes in so many words (推荐您…, 建议…, 您可以去…, 要不…: the
    offer, offer-question and recommend cue groups) still proposes, and so does a list the
    customer is asked to pick from ("这几款都不错，您自己挑吧": choice_invitations). When
    the only solution evidence is listed options or the classifier's reading, inform takes
    the best solution confidence (or keeps its own, if higher) and the solution moves end
    RANK_BELOW_MARGIN below it (still reported). Not for apologies or negative readings that
    lead.
    """
    ev, combined = state.evidence, state.combined
    if state.lang != "zh" or not ev.customer_asked_what_exists:
        return
    if ev.asks and ev.confirm_clauses < ev.question_clauses:
        return  # it asks for a fact of its own
    if any(g in ev.cue_ids for g in PROPOSING_CUES_ZH):
        return
    rules = load_cues("zh")
    if rules.choice_invitations and rules.choice_invitations.search(state.text):
        return  # names set out for the customer to pick from: options offered
    solution = {m: c for m, c in combined.items() if MOVE_FAMILIES[m] == "solution"}
    if not solution or max(solution.values()) < MOVE_MIN:
        return
    best = max(combined.items(), key=lambda kv: kv[1])[0]
    if MOVE_FAMILIES[best] not in ("solution", "inform", "paraphrase"):
        return
    inform = max(combined.get("inform", 0.0), max(solution.values()))
    combined["inform"] = inform
    ev.position.setdefault("inform", min(ev.position.get(m, NLU_POSITION) for m in solution))
    for move in solution:
        combined[move] = min(combined[move], inform - RANK_BELOW_MARGIN)
    if ev.overlap_only and "paraphrase" in combined:
        combined["paraphrase"] = min(combined["paraphrase"], inform - RANK_BELOW_MARGIN)


def answering_thanks_closes_zh(state: AnalysisState) -> None:
    """Chinese: "没事的" said to "辛苦你了" is "you're welcome", a polite close.

    The same words comfort a worried customer ("没事的，会好的"), so the reading turns on the
    customer's line: when it thanked (the cue file's thanks_reply context) and the whole reply
    is a short answer to thanks ("没事的", "小事", "不麻烦"), thanks_closing leads,
    RANK_BELOW_MARGIN above the reassurance the words carry (still reported).
    """
    ev, combined = state.evidence, state.combined
    if state.lang != "zh" or not ev.answers_thanks:
        return
    best = max(combined.values(), default=STATEMENT_CONFIDENCE)
    combined["thanks_closing"] = min(
        MOVE_MAX, max(combined.get("thanks_closing", 0.0), best + RANK_BELOW_MARGIN)
    )
    ev.position.setdefault("thanks_closing", 0)


def checked_proposal_is_offer_first(state: AnalysisState) -> None:
    """A proposal followed by a check ("There's a 9 am bus for $38. Does that work for you?",
    "A和B都不错，你觉得呢？") offers first and checks second.

    When the cues found a proposal (an offer, options, a recommendation, or an option found for
    the customer's request: found_option_answers_a_request) and every clause that
    asks only checks agreement (confirm forms), the question moves end RANK_BELOW_MARGIN below
    the proposal: the customer is asked about what was proposed, not for a fact.
    """
    ev, combined = state.evidence, state.combined
    if not ev.confirm_clauses or ev.confirm_clauses < ev.question_clauses:
        return
    proposals = [
        combined[m]
        for m in ("offer_solution", "recommend")
        if (m in ev.cue_moves or (m == "offer_solution" and ev.found_option))
        and combined.get(m, 0.0) >= MOVE_MIN
    ]
    if not proposals:
        return
    for move in QUESTION_MOVES & combined.keys():
        combined[move] = min(combined[move], max(proposals) - RANK_BELOW_MARGIN)


def courtesy_sorry_before_an_answer(state: AnalysisState) -> None:
    """A bare "sorry" before answering the customer's question is courtesy; the answer leads.

    "Is it furnished?" - "Sorry, it's not."; "周边有餐馆吗？" - "抱歉，周边没有餐馆。" The
    customer hears an answer (often a "no"), not an apology for a fault. When the customer
    asked, the reply opens with a bare sorry (the cue file's courtesy_sorry, with no word of a
    fault such as the wait or a mistake) and the apology is the only other thing found besides
    information or the question's words, the information takes the apology's confidence and
    the apology ends RANK_BELOW_MARGIN below it (still reported: it was said).
    """
    ev, combined = state.evidence, state.combined
    if not (ev.customer_asked and ev.courtesy_sorry) or "apology" not in combined:
        return
    others = {m for m, c in combined.items() if c >= MOVE_MIN} - {"apology", "inform", "paraphrase"}
    if others or ev.asks:
        return
    apology = combined["apology"]
    combined["inform"] = max(combined.get("inform", 0.0), apology)
    if ev.overlap_only:
        combined.pop("paraphrase", None)
    combined["apology"] = apology - RANK_BELOW_MARGIN
    ev.position.setdefault("inform", ev.position.get("apology", 0))


def courtesy_sorry_before_a_proposal_zh(state: AnalysisState) -> None:
    """Chinese: "抱歉，周边没有这样的餐馆，推荐您去…" proposes first; the sorry is courtesy.

    Chinese service writing opens a "there is none, but here is another" answer with a bare
    抱歉/不好意思 (the cue file's courtesy_sorry, with no word of a fault such as the wait or a
    mistake). When the cues also found a proposal in the reply (an offer, listed options or a
    recommendation), the customer hears the proposal: the apology ends RANK_BELOW_MARGIN below
    it (still reported: it was said). Apologies for a fault, and replies that propose
    nothing, keep their apology first.
    """
    ev, combined = state.evidence, state.combined
    if state.lang != "zh" or not ev.courtesy_sorry or "apology" not in combined:
        return
    proposals = [
        combined[m]
        for m in ("offer_solution", "recommend")
        if m in ev.cue_moves and combined.get(m, 0.0) >= MOVE_MIN
    ]
    if not proposals or any(m in NEGATIVE_MOVES for m, c in combined.items() if c >= MOVE_MIN):
        return
    combined["apology"] = min(combined["apology"], max(proposals) - RANK_BELOW_MARGIN)


def upsell_over_complaint_brushes_off(state: AnalysisState) -> None:
    """Selling more to a customer who is complaining brushes the complaint off.

    "Have you considered our protection plan?" or "顺便给您推荐一下新款" answers "my screen
    cracked after two days" with a pitch: whatever the reply proposes, the complaint is left
    where it was (seed 003 Ch3.2: turn to product highlights only once the emotion is met and
    never to dodge the complaint; 001 R-LIS-D1 「不要假装听」). When the customer's message
    complains, the reply pitches something more, carries no remedy for the complaint (refund,
    exchange, repair, reshipping, compensation) and meets no feeling (no apology or empathy),
    it is a brush-off, UPSELL_OVER_COMPLAINT_CONFIDENCE sure. The same pitch to a shopper who
    asked for it is a recommendation.
    """
    if not state.evidence.upsell_over_complaint:
        return
    combined = state.combined
    if any(combined.get(m, 0.0) >= MOVE_MIN for m in ("apology", "empathy")):
        return
    combined["dismiss"] = max(combined.get("dismiss", 0.0), UPSELL_OVER_COMPLAINT_CONFIDENCE)
    state.evidence.position.setdefault("dismiss", 0)


def fall_back_when_nothing_found(state: AnalysisState) -> None:
    """A reply where no move reaches MOVE_MIN still does something.

    It takes the classifier's clear favourite (not a negative move; NLU_FALLBACK_MIN sure and
    NLU_FALLBACK_MARGIN times the runner-up), weakly at MOVE_MIN: better than calling
    everything inform. Otherwise a statement carrying no other move still tells the customer
    something: inform, STATEMENT_CONFIDENCE sure, with a "statement" cue.
    """
    combined = state.combined
    if any(c >= MOVE_MIN for c in combined.values()) or len(state.text) < FALLBACK_MIN_CHARS:
        return
    best = _nlu_best_guess(state.ranked)
    if best:
        combined[best] = MOVE_MIN
    else:
        state.evidence.cue(
            "statement", state.text[:CUE_MATCH_CHARS], 0, "inform", STATEMENT_CONFIDENCE
        )
        combined["inform"] = STATEMENT_CONFIDENCE


def _nlu_best_guess(ranked: list[tuple[str, float]]) -> str | None:
    if not ranked:
        return None
    move, conf = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if move in NEGATIVE_MOVES or conf < NLU_FALLBACK_MIN or conf < NLU_FALLBACK_MARGIN * runner_up:
        return None
    return move


#: how the evidence becomes one confidence per move, in this order
ADJUSTMENTS: tuple[Adjustment, ...] = (
    drop_doubtful_classifier_negatives,
    proposal_needs_a_surer_classifier_negative,
    committed_follow_up_is_no_brush_off,
    question_needs_a_surer_negative_zh,
    sure_negative_outweighs_classifier_comfort_zh,
    drop_classifier_filler_in_long_reply,
    answer_echoing_the_question_is_no_paraphrase,
    combine_cue_and_classifier,
    cap_classifier_only_filler,
    weigh_default_question,
    rhetorical_jab_asks_nothing_zh,
    checked_restatement_is_paraphrase_first,
    one_reading_per_question,
    overlap_alone_is_secondary_paraphrase,
    restatement_leads_the_feeling,
    comfort_after_but_leads,
    question_after_the_feeling_leads,
    greeting_then_question_leads_s15,
    suggestion_question_is_an_offer,
    found_option_answers_a_request,
    listing_what_exists_informs_zh,
    answering_thanks_closes_zh,
    checked_proposal_is_offer_first,
    courtesy_sorry_before_an_answer,
    courtesy_sorry_before_a_proposal_zh,
    upsell_over_complaint_brushes_off,
    fall_back_when_nothing_found,
)


def reported_moves(state: AnalysisState) -> list[MoveReading]:
    """The moves that reach MOVE_MIN, most confident first (to two decimals); ties go to the
    move found earlier in the reply, then to the order of the vocabulary."""
    combined, position = state.combined, state.evidence.position
    ordered = sorted(
        (m for m, c in combined.items() if c >= MOVE_MIN),
        key=lambda m: (-round(combined[m], 2), position.get(m, NLU_POSITION), MOVES.index(m)),
    )
    return [{"move": m, "confidence": round(min(combined[m], MOVE_MAX), 3)} for m in ordered]


# --- entities ----------------------------------------------------------------------------


def _entities(text: str, rules: CueRules, nlu: dict[str, Any] | None) -> list[Entity]:
    found: list[Entity] = []

    def add(entity: str, value: str) -> None:
        item: Entity = {"entity": entity, "value": value}
        if value and item not in found:
            found.append(item)

    for ent in (nlu or {}).get("entities") or []:
        if ent.get("entity") in ("remedy", "order_number", "time_frame"):
            add(ent["entity"], str(ent.get("value", "")))
    for name, pattern in rules.remedies:
        if pattern.search(text):
            add("remedy", name)
    for m in rules.order_number.finditer(text):
        add("order_number", m.group(1))
    for m in rules.time_frame.finditer(text):
        add("time_frame", m.group(0))
    return found


# --- scores ------------------------------------------------------------------------------


def _scores(moves: list[MoveReading], text: str, lang: str) -> dict[str, float]:
    """Empathy and politeness of the reply: features of its wording and its moves
    (scoring/reply_scores.py, weights in scoring/cues/scores.yml)."""
    return reply_scores(text, lang, moves)


# --- the entry point ---------------------------------------------------------------------


def check_text(text: object, lang: object) -> str | None:
    """Why a reply cannot be analysed, or None when it can (batch tools skip NLU on these)."""
    if not isinstance(lang, str) or lang not in LANGUAGES:
        return f"unsupported language {lang!r}; expected one of {list(LANGUAGES)}"
    if not isinstance(text, str):
        return "text must be a string"
    if len(text) > MAX_REPLY_CHARS * RAW_TEXT_FACTOR:
        return f"text too long ({len(text)} characters; at most {MAX_REPLY_CHARS})"
    cleaned = clean_text(text)
    if not cleaned:
        return "empty text"
    if len(cleaned) > MAX_REPLY_CHARS:
        return f"text too long ({len(cleaned)} characters; at most {MAX_REPLY_CHARS})"
    if _language_mismatch(cleaned, lang):
        return f"text is not in the session language ({lang})"
    return None


def analyze(text: str, lang: str, context: str = "", nlu: dict[str, Any] | None = None) -> Analysis:
    """Analyse one trainee reply into moves (primary first), scores, entities and cues.

    Never raises on bad input: unusable text or an unknown language gives a result with
    empty moves and an "error" field (see docs/contracts.md for the shape).
    """
    problem = check_text(text, lang)
    if problem:
        return _error(lang, problem)
    cleaned = clean_text(text)
    context = clean_text(context) if isinstance(context, str) else ""
    rules = load_cues(lang)
    if lang == "en":
        cleaned, context = cleaned.translate(_EN_APOSTROPHES), context.translate(_EN_APOSTROPHES)
        cleaned = _EN_CHAT_YOURE.sub("you're", cleaned)
    else:
        # Cantonese written forms read as standard Chinese (「对唔住」 is 「对不起」;
        # scoring.dialect)
        cleaned = dialect.fold(cleaned)
    state = AnalysisState(text=cleaned, lang=lang)

    if (moves := no_words_is_perfunctory(state)) is not None:
        return _result(moves, state, rules, None)

    ev = state.evidence
    kept = _kept_patterns(rules, cleaned)  # the patterns that may match, for both steps
    _rule_cues(cleaned, rules, ev, kept)
    _question_cues(cleaned, rules, ev, kept)
    _paraphrase_cues(cleaned, context, rules, ev)
    if nlu:
        _nlu_moves(nlu, ev)

    if (moves := whole_filler_is_perfunctory(state)) is not None:
        return _result(moves, state, rules, nlu)

    state.ranked = _ranked_moves(nlu)
    for adjust in ADJUSTMENTS:
        adjust(state)
    return _result(reported_moves(state), state, rules, nlu)


def _result(
    moves: list[MoveReading],
    state: AnalysisState,
    rules: CueRules,
    nlu: dict[str, Any] | None,
) -> Analysis:
    return {
        "moves": moves,
        "scores": _scores(moves, state.text, state.lang),
        "entities": _entities(state.text, rules, nlu),
        "cues": state.evidence.cues,
        "lang": state.lang,
    }
