"""What a trainee's reply asks about, and what it restates: matching text to a persona's facts.

A fact is asked for by its cues: the trainer's ``about`` phrases, the phrases of its built-in topic
(``personas/topics.yml``, both languages) and the words of its id; and, more weakly, by what it
says (its value and lines: "Do you have a cat?" asks for the fact whose line names the cat). A
reply is matched against every cue by weighted feature coverage:

- English: content words (stop words and chat shorthand dropped, light suffix stemming, synonyms
  and idioms folded: "put aside" is "save", "what made you" is "why"), typo-tolerant: a word of
  five letters or more also meets a cue word one edit away (as typed or as a stem), a shorter one
  a word it dropped a letter of ("ordr"), and doubled-letter slips meet ("ocassion");
- Chinese: character bigrams inside segments free of stop characters and filler words ("请问",
  "大概", "麻烦"), after traditional -> simplified conversion (OpenCC, Taiwan phrases included);
  a bigram that is one same-sound character away from a cue's (pypinyin: 但号/单号, 型好/型号)
  counts as that bigram;
- an ASCII word inside Chinese text is an English word, and common ones fold to their Chinese
  word ("budget" is 预算, "baby" is 孩子), so mixed zh/en replies match both.

Each feature is weighted by how few topics and facts use it (inverse document frequency), so "what"
or "什么" count for little and "budget" or "预算" for a lot; a cue made only of question words can
not score high. A fact's score is its best cue's coverage, raised by the share of the reply's
content it explains. A default phrase that another fact's ``about`` phrase already says is left to
that fact. Only the asking part of a reply counts (its questions and requests, without a leading
"so I can ..." clause). A reply that is plainly about a topic no fact of this scenario names
(delivery, warranty ...) matches nothing rather than the nearest fact, and so does one that two
facts fit about as well, or that such a topic fits better than a weakly matched fact: asking back
is better than telling the wrong fact. A question that asks who ("Is anyone helping with the
cost?") counts less for a fact none of whose cues asks who when another fact's does.
``is_open`` tells an open invitation ("What happened?") from a question about something in
particular ("What colour is it?"): only the first may draw out what the customer would tell next.

``asks_for_information`` tells a question or a request for information from a statement or an
offer. ``mentions`` and ``contradicts`` look at content instead: the fact's value and reveal lines,
and the numbers, ids and quantities in them.
"""

from __future__ import annotations

import math
import re
import threading
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import opencc
import yaml
from pypinyin import Style, pinyin

from personas.model import Persona
from personas.offers import read_offer
from scoring import dialect

__all__ = [
    "BOTH_MIN",
    "CHECK_MENTION_MIN",
    "MATCH_MIN",
    "MENTION_MIN",
    "NEAR_MIN",
    "TOPICS_PATH",
    "FactMatch",
    "asks_for_information",
    "asks_several",
    "colliding_about",
    "contradicts",
    "fact_cues",
    "is_open",
    "load_topics",
    "match_facts",
    "mentions",
    "names_fact",
    "near_facts",
    "need_facts",
    "normalise",
    "prepare",
    "questions_beside_restating",
    "specific_words",
]

TOPICS_PATH = Path(__file__).with_name("topics.yml")

#: A fact whose score is below this is not what the text asks about.
MATCH_MIN = 0.45
#: A question no fact matches, but one scoring at least this, seems to be about that fact.
NEAR_MIN = 0.35
#: A told fact whose score is below this is not restated by the text.
MENTION_MIN = 0.5
#: a reply the analysis reads as a restatement ("So if I've got it right, you doubt the savings
#: figure - is that it?") restates the told fact it touches most, in fewer of its words
CHECK_MENTION_MIN = 0.3

# How much better an unrelated built-in topic must fit before the reply counts as off-scenario.
_OFF_TOPIC_MARGIN = 0.15
# Below this, a fact that an unrelated topic fits better than is only nearly asked about.
_SURE_OVER_OFF = 0.6
# A cue whose features weigh less than this (in IDF units) can not reach full score.
_FULL_MASS = 2.2
# Chinese single characters count this much (bigrams carry the meaning, characters the paraphrase).
_ZH_UNIGRAM = 0.4
# How much the share of the text a fact explains counts, beside its best cue's coverage.
_SHARE = 0.3
# Text words no cue knows count this much of a known word in that share (names, filler, typos).
_UNKNOWN = 0.3
# A cue phrase of several words with only one content word can reach this much.
_LONE_WORD = 0.75
# A phrase of a related topic (`also:`) counts this much of the fact's own.
_ALSO = 0.85
# Words this long or longer may be typos of a word one letter away (shorter: a dropped letter only).
_TYPO_LEN = 5
# A typo-matched word counts this much of the real one; a short word taken for another with a
# letter dropped ("ordr", but also "star" for "start") this much, and it is no word of content
# in common on its own.
_FUZZY = 0.8
_FUZZY_SHORT = 0.75
# A question naming what a fact says (its value, its lines) asks for it this much at most,
_CONTENT = 0.7
# once the named words weigh this much (IDF units) and explain this much of the text's weight;
_CONTENT_MIN = 2.0
_CONTENT_MASS = 3.0
# a word the lines of several facts share counts this much, one asking for another fact this much.
_CONTENT_SHARED = 0.3
_CONTENT_CUED = 0.4
# A Chinese two-character feature of a cue whose characters the text has, but not side by side
# ("时间要求" / "时间有什么要求", "谁用" / "用的是谁"), counts this much of the feature.
_GAPPED = 0.5
# "Who drives it?" and "Do you drive in town?" share all but the asking word: a cue that asks who
# or why counts this much of its score when the text does not ask it.
_KEY_ASKING = frozenset({"who", "whom", "whose", "why", "谁", "为什"})
_KEY_MISSING = 0.6
# Words a text asks "who" with ("Is someone else paying?", "家里哪位开？").
_WHO = frozenset({"who", "whom", "whose", "谁", "哪位", "someon", "anyon", "somebody", "anybody"})
# A cue the text shares no word of content with (single Chinese characters and question words
# only) counts this much of its score.
_UNANCHORED = 0.7
# How far below the best fact one whose cues have the word a question asks for ("Which
# *programs* ...?") may score and still be what it asks.
_FOCUS_GAP = 0.25
# When the two best facts score closer than this, the text matches neither: asking back is better
# than telling the wrong fact.
_AMBIGUOUS = 0.06
# A fact's content (value, lines) is restated once this much of its weight is found in the text.
_MENTION_MASS = 4.0


@dataclass(frozen=True)
class FactMatch:
    fact_id: str
    #: 0..1, how surely the text asks about (match_facts) or restates (mentions) this fact
    score: float


# --------------------------------------------------------------------------- normalising

_CONVERTER_LOCK = threading.Lock()
_converter: Any = None
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Variants OpenCC leaves as they are (both are simplified), folded so cues and replies agree.
_VARIANTS = str.maketrans({"帐": "账", "甚": "什", "週": "周", "裏": "里"})


def _to_simplified(text: str) -> str:
    global _converter
    if _converter is None:
        with _CONVERTER_LOCK:
            if _converter is None:
                _converter = opencc.OpenCC("tw2sp")
    return str(_converter.convert(text))


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """NFKC (full-width -> half-width), lower case, traditional -> simplified Chinese, one space
    between words."""
    out = unicodedata.normalize("NFKC", text).lower()
    if _CJK.search(out):
        # formal written and chat spellings read as everyday words ("为何" -> "为什么")
        out = dialect.fold_register(_to_simplified(out).translate(_VARIANTS))
    return " ".join(out.split())


# --------------------------------------------------------------------------- features

_EN_STOP = frozenset(
    """a an the and or but if so of to in on at by for from with about into onto over up down out
    off is are was were be been being am do does did doing done have has having will would shall
    should can could may might must i me my mine we us our you your yours he him his she her it its
    they them their this that these those there here then than too very just also really quite
    both all every each please tell let know any anything some something else more bit little like
    get got go going
    s re ve ll d t m okay ok well right sure thanks thank yes no not sir madam mr mrs ms hi hello
    oh um uh just mind ask asking wondering maybe perhaps roughly exactly actually kind sort one
    want wanting wanted hope hoping hoped wish look looking think thinking planning try trying
    say said see need needed needing give gave make makes making made currently usually normally
    generally""".split()
)
# Question words carry topic ("who" -> recipient, "when" -> time) but little on their own.
_EN_WEAK = frozenset(
    "what which who whom whose when where why how much many long time use used using thing unit "
    "item product device machine".split()
)
# ... and so do their Chinese counterparts (after the filler words and stop characters are out).
_ZH_WEAK = frozenset(
    "有什 是什 什 怎 怎样 如何 哪 哪个 哪些 几 多少 多久 多 少 谁 为什 为 时候 时 候 有没 没有 有 "
    "是 用 机器 东西 产品 设备 这台 台".split()
)
_WEAK = _EN_WEAK | _ZH_WEAK
_ZH_STOP = frozenset(
    "的了吗呢吧啊呀嘛哦哈您你我他她它们是请问这那个一下就都也还很和或及与么得地把被让"
)
_ZH_PUNCT = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff]+")
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*|[\u3400-\u4dbf\u4e00-\u9fff]+")
_NUMERIC = re.compile(r"[0-9]")
_ID_WORD_STOP = frozenset({"hidden", "need", "by", "the", "way", "info", "detail", "fact", "other"})


_IRREGULAR = {"using": "use", "used": "use", "uses": "use", "spent": "spend", "bought": "buy"}


def _stem(word: str) -> str:
    """A light English stemmer: enough that 'charging', 'charged' and 'charge' meet."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ness", ""), ("ments", "ment")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + repl
    for suffix in ("ing", "ed", "ly", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: -len(suffix)]
            if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    if len(word) >= 5 and word.endswith("e"):
        word = word[:-1]
    return word


# A hyphen between letters joins words ("check-in", "high-end"): read as a space.
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")


class _Synonyms:
    """Words folded to one before matching (topics.yml ``_synonyms``)."""

    en: Mapping[str, str] = {}
    en_stems: Mapping[str, str] = {}
    en_phrases: re.Pattern[str] | None = None
    en_phrase_map: Mapping[str, str] = {}
    zh: re.Pattern[str] | None = None
    zh_map: Mapping[str, str] = {}

    @classmethod
    def set(cls, table: Mapping[str, Iterable[str]]) -> None:
        en: dict[str, str] = {}
        phrases: dict[str, str] = {}
        zh: dict[str, str] = {}
        for canonical, variants in table.items():
            for variant in variants:
                # as _folded reads the text: an apostrophe is a space ("what's got you")
                key = " ".join(_HYPHEN.sub(" ", normalise(str(variant)).replace("'", " ")).split())
                if _CJK.search(key):
                    zh[key] = normalise(str(canonical))
                elif " " in key:
                    phrases[key] = normalise(str(canonical))
                else:
                    en[key] = normalise(str(canonical))
        cls.en = en
        cls.en_stems = {_stem(k): _stem(v) for k, v in en.items()}
        cls.en_phrase_map = phrases
        keys = sorted(phrases, key=len, reverse=True)
        cls.en_phrases = (
            re.compile(r"\b(?:" + "|".join(map(re.escape, keys)) + r")\b") if keys else None
        )
        cls.zh_map = zh
        keys = sorted(zh, key=len, reverse=True)
        cls.zh = re.compile("|".join(map(re.escape, keys))) if keys else None
        _words.cache_clear()
        _folded.cache_clear()


# Chat shorthand and contractions, read as the words they stand for (most are then stop words).
_SHORTHAND = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "smth": "something",
    "sth": "something",
    "wk": "week",
    "wks": "weeks",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "b4": "before",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "whats": "what",
    "hows": "how",
    "whens": "when",
    "wheres": "where",
    "whos": "who",
    "whys": "why",
    "wat": "what",
    "wht": "what",
    "info": "information",
    "dont": "do",
    "cant": "can",
    "im": "i",
    "ive": "i",
    "youre": "you",
    "youve": "you",
    "w": "with",
    "any1": "anyone",
    "some1": "someone",
    "every1": "everyone",
    "no1": "no one",
    "mate": "sir",
    "cn": "can",
    "cud": "could",
    "wud": "would",
    "cld": "could",
    "wld": "would",
    "shld": "should",
    "bkg": "booking",
    "prob": "problem",
    "probs": "problem",
    "gonna": "going",
    "wanna": "want",
    "gotta": "got",
    "whatcha": "what",
    "kinda": "kind",
    "sorta": "sort",
}
_EN_WORD = re.compile(r"[a-z0-9]+")
# "What is it for?", "what do you need it for", "wat u using it for mate?", "is there something you
# need it for?": asks for a purpose (not "what are you looking for").
_FOR_END = (
    r"\bfor(?:\s+(?:sir|madam|then|exactly|mainly|mostly|please|again|really))*\s*(?:[?.!]|$)"
)
_WHAT_FOR = re.compile(
    r"\bwhat\b(?:(?!\b(?:look|looking|wait|waiting|pay|paying|paid|ask|asking|call|calling|search|"
    r"searching|hope|hoping|spend|spending|go|going|aim|aiming|opt|opting|settle)\b)[^?.!,;])*"
    + _FOR_END
    + r"|"
    r"\b(?:need|needs|needed|want|wanted|use|using|get|getting|buy|buying)\s+(?:it|this|one|them|"
    r"these|that)\s+" + _FOR_END
)
# "What are you hoping solar will do for you?", "What do you want to get out of it?": asks for the
# customer's goal (hope, want, expect are stop words elsewhere).
_WHAT_HOPED = re.compile(
    r"\bwhat\b[^?.!]*\b(?:hope|hopes|hoped|hoping|expect|expects|expecting|want|wants|wanting|"
    r"wish|wishing)\b[^?.!]*\b(?:do for (?:you|your|the)|get out of|achieve|gain|change for)\b"
)
# "order no", "ref #", "acct no.": the number of that thing
_NUMBER_OWNERS = re.compile(
    r"\b(order|ref|reference|account|acct|booking|case|ticket|invoice|tracking|model|serial|"
    r"member|membership|policy|reservation|confirmation|customer|job|claim|phone|tel)"
    r"\s*(?:no\.?|nr\.?|num|#)(?=\s|$|[?!,.)]|\d)"
)


def _en_words(token: str) -> list[str]:
    token = _SHORTHAND.get(token, token)
    token = _Synonyms.en.get(token, token)
    if _CJK.match(token):
        return _zh_features(token)  # an English word folded to its Chinese one ("budget")
    if token in _EN_STOP:
        return []
    stem = _stem(token)
    stem = _Synonyms.en_stems.get(stem, stem)
    if _CJK.match(stem):
        return _zh_features(stem)
    return [] if stem in _EN_STOP else [stem]


def _zh_features(run: str) -> list[str]:
    feats: list[str] = [ch for ch in run if ch not in _ZH_STOP]
    segment: list[str] = []
    for ch in run + "的":  # a stop character flushes the last segment
        if ch in _ZH_STOP:
            if len(segment) > 1:
                feats.extend(segment[i] + segment[i + 1] for i in range(len(segment) - 1))
            segment = []
        else:
            segment.append(ch)
    return feats


# Chinese filler words: politeness, hedges and request verbs that say nothing about the topic. They
# split the text like a stop character, so "大概多少" and "平时开车" give no cross-word bigrams.
_ZH_FILLER = re.compile(
    "冒昧问一下|冒昧问一句|冒昧地问|冒昧|请教一下|请问|想问一下|想问|问一下|问问|麻烦您|麻烦|能不能|"
    "可不可以|能否|可否|是否|介绍一下|说一下|说说|讲讲|一下|大概|大约|差不多|慢慢|"
    "平时|平常|一般|通常|主要|其实|就是|那么|然后|咱们|我们|这边|先生|女士|您好|你好|好的|具体|"
    "告诉|知道|了解|提供|方便(?=[说报提告发给问讲透介聊]|的话)|可以|能够|需要|打算"
)


@lru_cache(maxsize=8192)
def _folded(norm: str) -> str:
    """Normalised text with shorthand ids ("order no"), phrase synonyms and Chinese synonyms
    folded."""
    norm = _NUMBER_OWNERS.sub(r"\1 number", _HYPHEN.sub(" ", norm.replace("'", " ")))
    norm = _EN_WORD.sub(lambda m: _SHORTHAND.get(m.group(0), m.group(0)), norm)
    if _Synonyms.en_phrases is not None:
        norm = _Synonyms.en_phrases.sub(
            lambda m: " " + _Synonyms.en_phrase_map[m.group(0)] + " ", norm
        )
    if _Synonyms.zh is not None:
        norm = _Synonyms.zh.sub(lambda m: _Synonyms.zh_map[m.group(0)], norm)
    if _WHAT_FOR.search(norm) or _EN_HOW_USE.search(norm):
        norm += " purpose"  # "what's it mostly for?", "how will you use it?" ask what it is for
    if _WHAT_HOPED.search(norm):
        norm += " goal"  # "what are you hoping it will do for you?" asks what they want from it
    return norm


#: "on your own", "by myself": alone, not owning something ("Working on your own?" asks nothing
#: about the tools the customer owns)
_ON_ONES_OWN = re.compile(
    r"\b(?:on (?:your|my|his|her|their|our) own|by (?:yourself|myself|himself|herself|themselves"
    r"|ourselves))\b"
)


@lru_cache(maxsize=8192)
def _words(norm: str) -> tuple[tuple[str, str], ...]:
    """The features of normalised text, in order, without repeats, each with the word it came
    from: English words are stems (the surface word is kept for typo matching); Chinese features
    are bigrams or single characters (their own surface)."""
    seen: dict[str, str] = {}
    norm = _ON_ONES_OWN.sub(" alone ", _ZH_FILLER.sub("的", _folded(norm)))
    for token in _TOKEN.findall(norm):
        if _CJK.match(token):
            for f in _zh_features(token):
                seen.setdefault(f, f)
        else:
            token = token.replace(",", "")
            for f in _en_words(token):
                seen.setdefault(f, token)
    return tuple(seen.items())


def _features(norm: str) -> tuple[str, ...]:
    """The features of normalised text, in order, without repeats."""
    return tuple(f for f, _ in _words(norm))


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _fuzzy_key(word: str) -> bool:
    return len(word) >= 4 and word.isascii() and word.isalpha()


# What a question asks for, as against the words that set the scene: the word right after its
# question word ("Which *programs* will you need for your course?", "Is there any *software* ...",
# "有什么*不方便*的地方？", "哪种*颜色*？"). A fact none of whose cues has that word is not what the
# question asks for when another fact's cues have it.
_EN_FOCUS = re.compile(
    r"\b(?:which|what|whatever|any|how many|how much)\s+"
    r"(?:(?:kind|kinds|sort|sorts|type|types)\s+of\s+|(?:particular|specific|special|exact|"
    r"main|other|else|sort|kind|kinda|sorta)\s+)*(?!(?:isn|aren|wasn|weren|don|doesn|didn|won|"
    r"can|couldn|wouldn|shouldn|haven|hasn|hadn)\b)([a-z][a-z'-]+)"
)
_ZH_FOCUS = re.compile(
    r"(?:什么|哪些|哪种|哪类|哪款|哪个|哪方面)(?:样的|特别的|具体的|特殊的)?"
    r"([\u4e00-\u9fff]{2,4})"
)


# "Do you need a carry case?", "Will you need parking?", "Have you had a survey done?": a yes/no
# question about having or needing a thing asks about that thing.
_EN_HAVE_FOCUS = re.compile(
    r"^(?:(?:and|but|so|also|ok|okay|right|sorry|now|then|just|oh|well)\b[\s,]*)*"
    r"(?:do|does|did|will|would|could|can|have|has)\s+(?:you|u|he|she|they|we)\s+"
    r"(?:(?:already|still|also|ever|usually|normally)\s+)?"
    r"(?:need|want|have|had|got|use|play|get|own|require)\s+([a-z0-9' -]+)"
)


# "How do you (usually) use ...?": asks how the thing named is used, not about the thing.
_EN_HOW_USE = re.compile(
    r"\bhow (?:do|will|would|did|are|r) (?:you|u) (?:usually |normally |mostly |mainly |typically |"
    r"going to |gonna )?(?:use|using)\b"
)


def _en_focus(part: str) -> frozenset[str]:
    """The English words a question asks for: after a question word ("Which *airport*?") or
    after "do you need / have" ("Do you need a *carry case*?")."""
    return frozenset(f for f, _ in _en_focus_words(part))


def _en_focus_words(part: str) -> list[tuple[str, str]]:
    """_en_focus's features, each with the word as typed (for typo matching)."""
    norm = _folded(normalise(part))
    tokens: list[str] = [m.group(1) for m in _EN_FOCUS.finditer(norm)]
    if _EN_HOW_USE.search(norm):
        tokens.append("purpose")  # "How do you use your living room?" asks what it is used for
    for sentence in _sentences(norm):
        had = _EN_HAVE_FOCUS.search(sentence.strip())
        if had:
            # the thing had or needed, up to a phrase that says when, where or what for
            for token in _EN_WORD.findall(had.group(1)):
                if token in _EN_FOCUS_END:
                    break
                tokens.append(token)
    return [
        (f, token)
        for token in tokens
        for f in _en_words(token)
        if _strong(f) and not _NUMERIC.match(f)
    ]


_EN_FOCUS_END = frozenset(
    "during for in on at from to of when while before after since so because if by".split()
)


_EN_CHOICE = re.compile(r"((?:[a-z0-9'-]+\s+){0,2}[a-z0-9'-]+),?\s+or\s+((?:[a-z0-9'-]+\s*){1,3})")
_ZH_CHOICE = re.compile(r"([a-z0-9\u4e00-\u9fff ]{1,8})还是([a-z0-9\u4e00-\u9fff ]{1,8})")


def _choice_words(part: str) -> list[tuple[str, str]]:
    """The words of the two things a choice question offers ("Windows 还是 Mac？", "online or
    in a shop?"), each with the word as typed; [] when it offers no choice."""
    norm = _folded(normalise(part))
    out: list[tuple[str, str]] = []
    for pattern in (_EN_CHOICE, _ZH_CHOICE):
        for m in pattern.finditer(norm):
            sides: list[list[tuple[str, str]]] = []
            for n, side in enumerate(m.groups()):
                words: list[tuple[str, str]] = []
                tokens = _TOKEN.findall(side)
                strong = [
                    t for t in tokens if not _CJK.match(t) and any(_strong(f) for f in _en_words(t))
                ]
                if n == 0 and pattern is _EN_CHOICE and strong and not _CJK.match(tokens[-1]):
                    # what is offered before "or" is its last word: "your roof slate or tile?"
                    # offers slate, the roof is what the choice is about
                    tokens = strong[-1:]
                for token in tokens:
                    if _CJK.match(token):
                        # what is offered is the word next to 还是: the last one on the left,
                        # the first on the right ("表带是皮的还是钢的": leather or steel, the strap
                        # is what the choice is about); a thing may be named in one character
                        segs = [x for x in re.split(f"[{_ZH_STOP}]", token) if x]
                        seg = (segs[-1] if n == 0 else segs[0]) if segs else ""
                        zh = [f for f in _zh_features(seg) if _strong(f)]
                        if not zh and len(seg) == 1:
                            zh = [seg]
                        elif not zh:
                            zh = [f for f in _zh_features(token) if _strong(f)]
                        words.extend((f, f) for f in zh)
                    else:
                        words.extend((f, token) for f in _en_words(token) if _strong(f))
                sides.append([(f, t) for f, t in words if not _NUMERIC.match(f)])
            if all(sides):  # two things to choose between, not "... or have you got those?"
                out.extend(w for side_words in sides for w in side_words)
    return out


def _focus(part: str) -> frozenset[str]:
    """The features of the word(s) the question asks for (see _EN_FOCUS); empty when its
    question word is followed by a verb, a question word or filler ("what is", "which one")."""
    norm = _folded(normalise(part))
    out: set[str] = set()
    for m in _EN_FOCUS.finditer(norm):
        out.update(f for f in _en_words(m.group(1)) if _strong(f))
    for m in _ZH_FOCUS.finditer(_ZH_FILLER.sub("的", norm)):
        run = m.group(1)
        # 问 of 请问 is a stop character, not of 问题 ("是什么问题")
        cut = next(
            (
                i
                for i, ch in enumerate(run)
                if ch in _ZH_STOP and not (ch == "问" and run[i + 1 : i + 2] == "题")
            ),
            len(run),
        )
        run = run[:cut]
        out.update(f for f in _zh_features(run) if _strong(f))
    return frozenset(out)


# --------------------------------------------------------------------------- topics


@dataclass(frozen=True)
class _Topic:
    name: str
    phrases: tuple[str, ...]  # both languages
    also: tuple[str, ...]  # related topics whose phrases ask for it too


_TOPICS_LOCK = threading.Lock()
_topics_cache: dict[Path, tuple[int, dict[str, _Topic]]] = {}


def load_topics(path: Path = TOPICS_PATH) -> dict[str, _Topic]:
    """The built-in topics by name (re-read when the file changes)."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {}
    with _TOPICS_LOCK:
        cached = _topics_cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            data = {}
        synonyms = data.get("_synonyms")
        _Synonyms.set(synonyms if isinstance(synonyms, dict) else {})
        topics: dict[str, _Topic] = {}
        for name, entry in data.items():
            if isinstance(entry, dict) and ("en" in entry or "zh" in entry):
                phrases = [str(p) for lang in ("en", "zh") for p in entry.get(lang) or ()]
                also = [str(a) for a in entry.get("also") or ()]
                topics[str(name)] = _Topic(str(name), tuple(dict.fromkeys(phrases)), tuple(also))
        _topics_cache[path] = (stamp, topics)
        return topics


def _fact_topic(fact: Mapping[str, Any], topics: Mapping[str, _Topic]) -> str | None:
    topic = fact.get("topic")
    if isinstance(topic, str) and topic in topics:
        return topic
    fid = str(fact.get("id", ""))
    return fid if fid in topics else None


def _weighted_cues(
    fact: Mapping[str, Any], topics: Mapping[str, _Topic]
) -> list[tuple[str, float]]:
    """The fact's cue phrases, each with how much a full match of it counts."""
    cues = [(str(a), 1.0) for a in fact.get("about") or ()]
    name = _fact_topic(fact, topics)
    if name is not None:
        cues.extend((p, 1.0) for p in topics[name].phrases)
        for also in topics[name].also:
            if also in topics:
                cues.extend((p, _ALSO) for p in topics[also].phrases)
    id_words = [w for w in str(fact.get("id", "")).split("_") if w and w not in _ID_WORD_STOP]
    if id_words:
        cues.append((" ".join(id_words), 1.0))
    best: dict[str, float] = {}
    for phrase, factor in cues:
        best[phrase] = max(factor, best.get(phrase, 0.0))
    return list(best.items())


def _named_topics(fact: Mapping[str, Any], topics: Mapping[str, _Topic]) -> set[str]:
    """The fact's topic and those it pulls in: questions about these are not off-scenario."""
    name = _fact_topic(fact, topics)
    if name is None:
        return set()
    return {name} | {a for a in topics[name].also if a in topics}


def fact_cues(persona: Persona, fact: Mapping[str, Any]) -> list[str]:
    """The phrases that ask for ``fact``: the trainer's ``about`` phrases, the built-in topic's
    phrases (the fact's ``topic``, or its id when that names a topic, with the topics it pulls in)
    and the words of its id."""
    del persona  # the cues depend on the fact alone; the persona keeps the signature stable
    return [phrase for phrase, _ in _weighted_cues(fact, load_topics())]


# --------------------------------------------------------------------------- the index


@dataclass(frozen=True)
class _Cue:
    owner: str  # a fact id, or "topic:<name>" for a topic no fact of the persona names
    weights: Mapping[str, float]
    total: float
    ceiling: float  # the most this cue can score: less when it is made of weak words only
    phrase: str = ""  # as the trainer or topics.yml wrote it (for reports)


#: texts whose fact scores an index keeps (a turn scores one reply's parts a few times over)
_SCORES_MEMO = 16


class _Index:
    """Cues of one persona's facts and of the other built-in topics, indexed by feature."""

    def __init__(self, persona: Persona) -> None:
        topics = load_topics()
        self.fact_ids = [str(f.get("id")) for f in persona.facts]
        # Facts about why the customer needs it, for whom, by when, for what event.
        self.need_ids = frozenset(
            str(f.get("id"))
            for f in persona.facts
            if _fact_topic(f, topics) in _NEED_TOPICS
            or "need" in str(f.get("id", "")).lower().split("_")
        )
        docs: dict[str, list[tuple[str, float]]] = {
            str(f.get("id")): _weighted_cues(f, topics) for f in persona.facts
        }
        named: set[str] = set()
        for fact in persona.facts:
            named |= _named_topics(fact, topics)
        for name, topic in topics.items():
            if name not in named:
                docs[f"topic:{name}"] = [(p, 1.0) for p in topic.phrases]
        # IDF over every topic and fact: a feature many of them use says little.
        idf_docs = [[p for p, _ in docs[fid]] for fid in self.fact_ids]
        idf_docs += [list(t.phrases) for t in topics.values()]
        df: dict[str, int] = {}
        for doc in idf_docs:
            for f in {f for p in doc for f in _features(normalise(p))}:
                df[f] = df.get(f, 0) + 1
        n_docs = len(idf_docs)
        self.idf = {f: math.log((n_docs + 1) / (d + 0.5)) for f, d in df.items()}
        self.default_idf = math.log((n_docs + 1) / 0.5)
        # The product's own words ("vacuum", "宽带") are in every question about it: neutral.
        self.neutral = set(_features(normalise(str(persona.scenario.get("product", "")))))
        self.neutral = {f for f in self.neutral if len(f) > 1 or not _CJK.match(f)}
        self.cues: list[_Cue] = []
        self.postings: dict[str, list[tuple[int, float]]] = {}
        surfaces: set[str] = set(_Synonyms.en) | set(_Synonyms.en.values())
        # The trainer's own phrases: a default phrase of one fact that another fact's `about`
        # phrase already says ("any children" for the household, when the trainer wrote "家里有
        # 小孩吗" for the hidden need) is left to that fact.
        own: dict[str, set[str]] = {
            str(f.get("id")): {normalise(str(a)) for a in f.get("about") or ()}
            for f in persona.facts
        }
        claimed: dict[str, list[tuple[str, frozenset[str]]]] = {}  # feature -> (fact, phrase)
        for fid, phrases in own.items():
            for a in phrases:
                words = frozenset(_features(a)) - self.neutral
                for f in words:
                    claimed.setdefault(f, []).append((fid, words))
        # What the trainer's phrases ask for ("which programs do you need" asks for software): a
        # default phrase of another fact or topic asking for the same thing ("what programs do
        # you run", of the usage topic) is left to the trainer's fact.
        about_focus: dict[str, set[str]] = {}
        for fid, phrases in own.items():
            for a in phrases:
                for f in _focus(a) - self.neutral:
                    about_focus.setdefault(f, set()).add(fid)
        for owner, weighted in docs.items():
            for phrase, factor in weighted:
                surfaces.update(_TOKEN.findall(normalise(phrase).replace("'", " ")))
                feats = [f for f in _features(normalise(phrase)) if f not in self.neutral]
                if not feats:
                    continue
                if normalise(phrase) not in own.get(owner, ()):
                    if any(
                        about_focus.get(f, set()) - {owner}
                        and not any(f in _focus(a) for a in own.get(owner, ()))
                        for f in _focus(phrase)
                    ):
                        continue
                    strong_feats = [f for f in feats if _strong(f)]
                    if strong_feats and any(
                        other != owner and words.issuperset(feats)
                        for other, words in claimed.get(strong_feats[0], ())
                    ):
                        continue
                weights = {f: self._weight(f) for f in feats}
                total = sum(weights.values())
                # a single Chinese character inside a weak word of the phrase ("机", "器" of
                # "什么机器") says no more than that word does
                inside_weak = {ch for f in feats if f in _WEAK and len(f) > 1 for ch in f}
                strong = sum(
                    w for f, w in weights.items() if f not in _WEAK and f not in inside_weak
                )
                ceiling = factor * min(1.0, 0.4 + 0.6 * strong / _FULL_MASS)
                if len(feats) == 1 and len(normalise(phrase).split()) > 2:
                    ceiling *= _LONE_WORD  # "what puts you off": the lone word "put" is not it
                idx = len(self.cues)
                self.cues.append(_Cue(owner, weights, total, ceiling, phrase))
                for f, w in weights.items():
                    self.postings.setdefault(f, []).append((idx, w))
        # What each fact says (its value and lines): a closed question naming part of the
        # answer ("Do you have a cat?", "是给宝宝用的吗？") asks for that fact.
        content: dict[str, set[str]] = {}
        for fact in persona.facts:
            said = {f for t in _fact_texts(fact) for f in _features(normalise(t))}
            content[str(fact.get("id"))] = {
                f
                for f in said - self.neutral
                if f not in _WEAK and not _NUMERIC.match(f) and not (len(f) == 1 and _CJK.match(f))
            }
        cdf: dict[str, int] = {}
        for said_words in content.values():
            for f in said_words:
                cdf[f] = cdf.get(f, 0) + 1
        cued: dict[str, set[str]] = {}
        for cue in self.cues:
            for f in cue.weights:
                cued.setdefault(f, set()).add(cue.owner)
        self.content_postings: dict[str, list[tuple[str, float]]] = {}
        fact_owners = set(self.fact_ids)  # a word a topic no fact names asks for no fact
        for fid, said_words in content.items():
            for f in said_words:
                w = self._weight(f) * (1.0 if cdf[f] == 1 else _CONTENT_SHARED)
                if cued.get(f, set()) & fact_owners - {fid}:
                    w *= _CONTENT_CUED  # a word that asks for another fact
                self.content_postings.setdefault(f, []).append((fid, w))
        self.cue_ids = {f: tuple(idx for idx, _ in plist) for f, plist in self.postings.items()}
        self.owners_of = {
            f: tuple(dict.fromkeys(self.cues[idx].owner for idx, _ in plist))
            for f, plist in self.postings.items()
        }
        self.cue_owner = [c.owner for c in self.cues]
        self.cue_total = [c.total for c in self.cues]
        self.cue_ceiling = [c.ceiling for c in self.cues]
        # the cues that ask "who" or "why": without that word in the text they ask something else
        self.cue_key = [frozenset(c.weights) & _KEY_ASKING for c in self.cues]
        self.cue_anchorable = [any(_strong(f) for f in c.weights) for c in self.cues]
        who_facts = {c.owner for c in self.cues if c.owner in self.fact_ids and "谁" in c.weights}
        who_facts |= {c.owner for c in self.cues if c.owner in self.fact_ids and "who" in c.weights}
        self.not_who_facts = frozenset(set(self.fact_ids) - who_facts) if who_facts else frozenset()
        self.fuzzy = _Fuzzy(
            set(self.postings) | set(self.content_postings), surfaces, known=self.neutral
        )

    def _weight(self, feature: str) -> float:
        w = self.idf.get(feature, self.default_idf)
        if feature in _WEAK:
            w *= 0.5
        elif len(feature) == 1 and _CJK.match(feature):
            w *= _ZH_UNIGRAM
        return w

    def scores(self, text: str) -> dict[str, float]:
        """How well the text fits each owner (fact id or topic:<name>): its best cue's coverage,
        raised by the share of the text's own content the owner's cues explain. One turn asks
        this of the same text several times (match_facts, near_facts, asks_several ...): the
        last few texts' scores are kept (a copy is returned, so a caller cannot change them)."""
        memo: dict[str, dict[str, float]] = self.__dict__.setdefault("_scores_memo", {})
        if (kept := memo.get(text)) is None:
            if len(memo) >= _SCORES_MEMO:
                memo.pop(next(iter(memo)))
            kept = memo[text] = self._scores(text)
        return dict(kept)

    def _scores(self, text: str) -> dict[str, float]:
        matched: dict[int, float] = {}
        found, unknown = _text_features(text, self.fuzzy)
        text_mass = sum(self._weight(f) * factor for f, factor in found)
        text_mass += sum(self._weight(f) for f in unknown) * _UNKNOWN
        explained: dict[str, float] = {}  # owner -> weight of the text's strong words it explains
        get = matched.get
        anchored: set[int] = set()  # cues the text shares a word of content with
        held: set[str] = set()  # owners with a cue the text shares a word of content with
        for feature, factor in found:
            w = self._weight(feature) * factor  # a feature weighs the same in every cue
            for idx in self.cue_ids.get(feature, ()):
                matched[idx] = get(idx, 0.0) + w
            if _strong(feature) and factor > _FUZZY_SHORT:
                anchored.update(self.cue_ids.get(feature, ()))
            if feature not in _WEAK:
                for owner in self.owners_of.get(feature, ()):
                    explained[owner] = explained.get(owner, 0.0) + w
        best: dict[str, float] = {}
        owners, totals, ceilings = self.cue_owner, self.cue_total, self.cue_ceiling
        text_keys = {f for f, _ in found} & _KEY_ASKING
        text_who = bool({f for f, _ in found} & _WHO)
        present = {f for f, _ in found}
        chars = [f for f in present if len(f) == 1] + [f for f in unknown if len(f) == 1]
        for a in chars:
            for b in chars:
                # a two-character feature of a cue whose characters are both in the text, apart
                # (a word put between them, the order turned round): counts in part
                pair = a + b
                if a == b or pair in present or pair not in self.cue_ids:
                    continue
                w = self._weight(pair) * _GAPPED
                for idx in self.cue_ids[pair]:
                    matched[idx] = get(idx, 0.0) + w
                anchored.update(self.cue_ids[pair])
        for idx, got in matched.items():
            score = min(1.0, got / totals[idx]) * ceilings[idx]
            if self.cue_key[idx] and not self.cue_key[idx] & text_keys:
                score *= _KEY_MISSING
            elif text_who and not self.cue_key[idx] and owners[idx] in self.not_who_facts:
                # "Is someone else paying?" asks who, not how much: a fact no cue of which asks
                # who, beside one that does, is not what it asks
                score *= _KEY_MISSING
            owner = owners[idx]
            if idx not in anchored and self.cue_anchorable[idx]:
                # only single characters and question words in common ("表" of "表带" and of
                # "表是怎么来的"): a hint of the cue, not the cue
                score *= _UNANCHORED
            elif idx in anchored or got >= 0.8 * totals[idx]:
                held.add(owner)  # a word of content in common, or most of a cue of characters
            if score > best.get(owner, 0.0):
                best[owner] = score
        if text_mass > 0:
            for owner, mass in explained.items():
                share = mass / text_mass
                best[owner] = min(1.0, best[owner] * (1 - _SHARE) + share * _SHARE * 1.6)
        for owner, score in best.items():
            if owner not in held and score >= MATCH_MIN:
                # hints only (a character here, a question word there): at most nearly asked,
                # so the customer asks what is meant rather than guess
                best[owner] = MATCH_MIN - 0.01
        # what the answer says: only words spelt right, weighed against the text's own content
        said: dict[str, float] = {}
        for feature, factor in found:
            if factor < 1.0:
                continue  # a typo of a word the answer says is too likely another word
            for fid, w in self.content_postings.get(feature, ()):
                said[fid] = said.get(fid, 0.0) + w
        if said:
            content_mass = sum(
                self._weight(f) * (factor if factor == 1.0 else _UNKNOWN)
                for f, factor in found
                if _strong(f)
            ) + sum(self._weight(f) * _UNKNOWN for f in unknown if _strong(f))
            for fid, got in said.items():
                if got < _CONTENT_MIN:
                    continue
                score = _CONTENT * min(1.0, got / max(content_mass, _CONTENT_MASS))
                if score > best.get(fid, 0.0):
                    best[fid] = score
        return best


def _strong(feature: str) -> bool:
    """A word that carries content: not a question word, not a single Chinese character."""
    return feature not in _WEAK and not (len(feature) == 1 and _CJK.match(feature))


def _one_edit(a: str, b: str) -> bool:
    """a and b are one insertion, deletion, substitution or swap of neighbours apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]


@lru_cache(maxsize=16384)
def _readings(ch: str) -> tuple[str, ...]:
    """The toneless pinyin readings of one Chinese character (all of them for a polyphone)."""
    return tuple(dict.fromkeys(pinyin(ch, style=Style.NORMAL, heteronym=True)[0]))


# Characters too common to anchor a same-sound typo: 离不 is not a slip for 里不 (哪里不对).
_SOUND_COMMON = frozenset("不没有无在是里个一什么")


def _sound_keys(bigram: str) -> list[str]:
    """Keys under which a two-character word meets its same-sound typos that keep one of its
    characters: 单号 and 但号 share the key "dan|号" (not when the kept character is one of the
    commonest, which pairs with almost anything)."""
    a, b = bigram[0], bigram[1]
    keys = [] if b in _SOUND_COMMON else [f"{r}|{b}" for r in _readings(a)]
    if a not in _SOUND_COMMON:
        keys += [f"{a}|{r}" for r in _readings(b)]
    return keys


_DOUBLED = re.compile(r"(.)\1+")


def _squash(word: str) -> str:
    """The word with doubled letters single: doubling slips ("ocassion", "accomodation") meet."""
    return _DOUBLED.sub(r"\1", word)


def _zh_bigram(word: str) -> bool:
    return len(word) == 2 and bool(_CJK.match(word)) and bool(_CJK.match(word[1]))


class _Fuzzy:
    """A vocabulary of features and how a text's typos reach it: English words one edit away
    (as typed, and as stems), Chinese two-character words one same-sound character away
    (但号 -> 单号, 型好 -> 型号, 通琴 -> 通勤)."""

    def __init__(
        self, vocab: Iterable[str], surfaces: Iterable[str] = (), known: Iterable[str] = ()
    ) -> None:
        self.vocab = set(vocab)
        self.known = frozenset(known)  # words of the text taken as they are (the product's)
        self.stem_deletions: dict[str, list[str]] = {}
        for word in self.vocab:
            if _fuzzy_key(word):
                for d in _deletions(word):
                    self.stem_deletions.setdefault(d, []).append(word)
        # surface words (as written in cues and synonym lists) -> the feature they give
        self.surfaces: dict[str, tuple[str, ...]] = {}
        for word in surfaces:
            feats = tuple(f for f in _en_words(word) if f in self.vocab)
            if feats and _fuzzy_key(word):
                self.surfaces[word] = feats
        self.surface_deletions: dict[str, list[str]] = {}
        self.squashed: dict[str, set[str]] = {}  # "ocasion" for "occasion" and "ocassion"
        for word, feats in self.surfaces.items():
            for d in _deletions(word) | {word}:
                self.surface_deletions.setdefault(d, []).append(word)
            if len(word) >= _TYPO_LEN:
                self.squashed.setdefault(_squash(word), set()).update(feats)
        self.sounds: dict[str, list[str]] = {}
        for f in self.vocab:
            if _zh_bigram(f):
                for key in _sound_keys(f):
                    self.sounds.setdefault(key, []).append(f)
        for variant, canonical in _Synonyms.zh_map.items():  # 犹预 -> 犹豫 -> 担心
            folded = [f for f in _features(canonical) if f in self.vocab and len(f) > 1]
            if _zh_bigram(variant) and folded:
                for key in _sound_keys(variant):
                    self.sounds.setdefault(key, []).extend(folded)

    def near(self, feature: str, surface: str) -> set[str]:
        """Vocabulary features a typo away from a text feature that is not in the vocabulary."""
        out: set[str] = set()
        if feature in self.known:
            return out
        # Short words are too often another real word one letter away ("stay"/"stat"): below five
        # letters only a dropped letter is taken for a typo ("ordr" -> "order").
        if _fuzzy_key(feature) and len(feature) >= _TYPO_LEN:
            cands = set(self.stem_deletions.get(feature, ()))
            for d in _deletions(feature):
                if d in self.vocab:
                    cands.add(d)
                cands.update(self.stem_deletions.get(d, ()))
            out.update(w for w in cands if len(w) >= _TYPO_LEN and _one_edit(w, feature))
        if _fuzzy_key(surface) and surface not in self.surfaces:
            cands = set(self.surface_deletions.get(surface, ()))
            for d in _deletions(surface):
                cands.update(self.surface_deletions.get(d, ()))
            for w in cands:
                if (len(surface) >= _TYPO_LEN or len(w) > len(surface)) and _one_edit(w, surface):
                    out.update(self.surfaces[w])
            if len(surface) >= _TYPO_LEN:
                out.update(self.squashed.get(_squash(surface), ()))
        if _zh_bigram(feature):
            for key in _sound_keys(feature):
                out.update(self.sounds.get(key, ()))
        out.discard(feature)
        return out


def _text_features(text: str, fuzzy: _Fuzzy) -> tuple[list[tuple[str, float]], list[str]]:
    """The text's features found in the vocabulary, each with 1.0, or with _FUZZY when only a
    typo away from a vocabulary word; and the text's features found nowhere."""
    out: dict[str, float] = {}
    unknown: list[str] = []
    for f, surface in _words(normalise(text)):
        if f in fuzzy.vocab:
            out[f] = 1.0
            continue
        near = fuzzy.near(f, surface)
        if not near:
            unknown.append(f)
        factor = _FUZZY if len(surface) >= _TYPO_LEN or _CJK.match(surface) else _FUZZY_SHORT
        for word in near:
            if out.get(word, 0.0) < factor:
                out[word] = factor
    return list(out.items()), unknown


_INDEX_LOCK = threading.Lock()
_index_cache: dict[str, tuple[Persona, int, _Index]] = {}


#: how long a look at topics.yml's time stamp holds: an edit shows within a second, as the
#: persona library's do (a stat on every index lookup was about 1 % of a practice turn)
_TOPICS_RECHECK_SECONDS = 1.0
_topics_seen: tuple[float, int] | None = None


def _topics_stamp() -> int:
    global _topics_seen
    now = time.monotonic()
    if _topics_seen is not None and now - _topics_seen[0] < _TOPICS_RECHECK_SECONDS:
        return _topics_seen[1]
    try:
        stamp = TOPICS_PATH.stat().st_mtime_ns
    except OSError:
        stamp = 0
    _topics_seen = (now, stamp)
    return stamp


def _index(persona: Persona) -> _Index:
    """The persona's index, built once per Persona object (the library builds a new one when the
    file changes) and topics file."""
    stamp = _topics_stamp()
    cached = _index_cache.get(persona.id)
    if cached is not None and cached[0] is persona and cached[1] == stamp:
        return cached[2]
    index = _Index(persona)
    with _INDEX_LOCK:
        _index_cache[persona.id] = (persona, stamp, index)
    return index


# --------------------------------------------------------------------------- asking


# Sentences end at these (a comma does not end one: "Sorry, what's the order number?").
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*|\n+")
_QUESTION_MARK = re.compile(r"[?？]\s*$")
_EN_QUESTION_START = re.compile(
    r"^(?:(?:and|but|so|also|ok|okay|right|sorry|now|then|just|oh|well)\b[\s,]*)*"
    r"(?:what|which|who|whom|whose|when|where|why|how|whats|hows|wat|do|does|did|is|are|was|were|"
    r"can|could|would|will|have|has|had|may|might|shall|should|any|r u|u)\b"
    # "Have a think and give us a bell", "Have a lovely day": an imperative, not a question
    r"(?<!have)(?<!has)(?<!had)"
    r"|^(?:(?:and|but|so|also|ok|okay|right|sorry|now|then|just|oh|well)\b[\s,]*)*"
    r"(?:have|has|had)\b(?! (?:a|an|fun|some|another|one)\b)"
)
_EN_REQUEST = re.compile(
    r"\b(?:tell me|tell us|let me know|let us know|walk me through|talk me through|fill me in|"
    r"run me through|give me|send me|share|describe|explain|confirm|clarify|remind me|"
    r"i(?:'d| would)(?: really| genuinely| just| also| first)? (?:like|love) to (?:know|hear|"
    r"understand|ask)|i(?:'m| am| was) wondering|"
    r"i wonder|i(?:'m| am) curious|i(?:'d| would) be (?:grateful|glad) (?:if|for)|"
    r"(?:may|can|could) (?:i|we) (?:have|get|take|ask|grab|check)|"
    r"(?:i|we)(?:'ll| will| would|'d)? need (?:your|the|a|an|some|to (?:know|have|get|see|take"
    r"|confirm|check) (?:your|the|a|an|some|what|which|when|where|who|how))|"
    r"(?:please|pls|plz|kindly) (?:provide|send|give|share|tell|describe|explain|confirm|"
    r"let|read|spell|note)|(?:what|which) is your|what's your|whats your|"
    r"i(?:'d| would) (?:like|need) (?:your|the)|"
    r"(?:might|may|could|can) i (?:trouble|bother) you for|"
    r"mind (?:telling|sharing|giving|letting|saying|"
    r"explaining|describing|reading))\b"
    # a bare thing asked for with a please ("order no pls", "your postcode, please")
    r"|^(?!.*\b(?:thanks|thank you|sorry|bear with|hold on|hang on|wait|moment|sec|second|"
    r"minute|calm|relax|stop|don't|do not)\b)[a-z0-9' ]{2,40}\b(?:pls|plz|please)\s*[?.!]*$"
)
# A question that proposes something ("Would you like a replacement?", "要不要我给您换一台？") is an
# offer, not a question for information, unless it also asks the customer to tell something.
_EN_OFFER = re.compile(
    r"^(?:(?:and|but|so|ok|okay|right|now|then)\b[\s,]*)*(?:would you like (?:me|us|a|an|to have|"
    r"to get|to try|to take)|shall (?:i|we)|should (?:i|we)|how about|what about|what if (?:i|we)|"
    r"do you want (?:me|us|a|an)|can (?:i|we) offer|may (?:i|we) offer|could (?:i|we) offer|"
    r"would it help if|why don't (?:i|we)|let me)\b"
)
_EN_INFO_VERB = re.compile(r"\b(?:tell|share|explain|describe|let me know|walk me|say more)\b")
#: 呢 asks only bare at the end ("您的订单号呢", "那您呢"); after 的 / 了 / 哈 or before a full
#: stop or a tilde it softens a statement ("是厂家负责的呢～", "我这边也没有办法呢。")
_ZH_QUESTION = re.compile(
    r"[吗嘛么]\s*[。.！!~～]*\s*$|(?<![的了着哈啦呀哦])呢\s*$|什么|啥|哪|几[个天次号点岁年月位种款台口]|多少|多久|多大|多长|多远|"
    r"多重|怎么|怎样|如何|为什么|为何|谁(?![^，。？?,！!]{0,4}[都也])|是否|有没有|是不是|能不能|可不可以|会不会|要不要|对不对|"
    r"好不好|行不行|够不够|准不准|有无|还是"
)
_ZH_REQUEST = re.compile(
    r"(?:麻烦|劳驾|劳烦|请|烦请|能否|可否)(?:您|你)?(?:再|先)?(?:提供|告诉|告知|说|讲|报|发|介绍|描述|确认|"
    r"讲讲|说说|聊聊|念|拍|填)|(?:说说|讲讲|聊聊|谈谈|介绍一下|描述一下|报一下|提供一下|发一下|"
    r"告诉我|跟我说|和我说|给我说|同我讲|让我了解|我想了解|想了解一下|我想知道|想知道|"
    r"我(?:这边|们)?需要(?:您|你)的|需要您提供|需要您告诉|请问)"
    # a thing asked for with 把 ("把订单号发我一下", "您把维修单号报给我"); not the trainee's own
    # sending ("我把方案发给您")
    r"|(?<![我们])把(?:[^，,。？?！!把您你]|您的|你的){1,14}?(?:发|给|报|告诉|提供|拍|念|说|写|填|转|传)(?:给|过来给)?"
    r"(?:我|一下|过来|下)"
)
_ZH_OFFER = re.compile(
    r"要不要(?:我|我们)|(?:需要|要)(?:我|我们)(?:[^，,。？?]{0,4})(?:给|帮|为)(?:您|你)|(?:我|我们)(?:可以|马上|立即|现在|这就|来)?(?:给|帮|为)(?:您|你)"
    r".{0,24}(?:好吗|可以吗|行吗|怎么样|如何|好不好|可不可以|行不行)|"
    r"(?:给|帮)(?:您|你).{0,24}(?:好吗|可以吗|行吗|好不好|可不可以|行不行)"
)
_ZH_INFO_VERB = re.compile(r"告诉|说说|讲讲|聊聊|介绍|描述|提供|报一下")
#: the trainee telling the customer ("我给您介绍一下…", "再跟您讲讲我们的会员制度"): the verbs
#: that ask the customer to tell ("说说您的需求") here say what the trainee will tell
_ZH_TELLING = re.compile(
    r"(?:给|跟|和|为|向|帮|給|為|幫)(?:您|你)(?:[^，,。？?！!、\s]{0,4}?)"
    r"(?:说说|讲讲|聊聊|谈谈|介绍|说一下|讲一下|讲解|科普|说明)"
)


def without_telling(text: str) -> str:
    """``text`` without the clauses where the trainee tells the customer something in the verbs
    that otherwise ask ("我给您详细介绍一下…" -> "我…"): what remains asks, or does not."""
    return _ZH_TELLING.sub("，", text)


# A leading clause that says why the trainee asks ("So I can find your booking, ...",
# "我好给您挑配置，...") : context for the question, not what it asks.
_EN_PURPOSE = re.compile(
    r"^(?:(?:ok|okay|right|great|sure|thanks|thank you|sorry|alright)\b[\s,.!]*)?"
    r"(?:just )?(?:so (?:that )?(?:i|we) (?:can|could|may)|"
    r"so that (?:the|your|it|you|everything)\b|(?:in order )?to (?:help|make sure|"
    r"find|pull up|look up|check|see|get|narrow|point|suggest|recommend|work out|figure out|"
    r"arrange|sort|locate|prioriti[sz]e|book|match|give)|before (?:i|we)|for (?:me|us) to)"
    # the clause ends at a comma, a dash or a colon ("So I can narrow it down - when ..."); a
    # hyphen inside a word ("step-free") does not end it
    r"\b(?:[^,?:;\u2013\u2014-]|-(?=\w)){0,120}(?:,|\s+[-\u2013\u2014]+\s+|\s*[:;])\s*"
)
_ZH_PURPOSE = re.compile(
    r"^(?:好的|嗯|明白|了解|理解|抱歉|不好意思)?[，,。\s]*"
    r"(?:我好|好让我|为了|以便|方便我|我这边(?:好|要|想|需要|得)|我(?:想|要|得|需要)(?:先)?(?:帮|给|为)"
    r"(?:您|你))[^，,？?。]{0,40}[，,]\s*"
)


# A closing clause that only says when the thing happened ("Did anyone use it just before it went
# wrong?", "Was it like that when it arrived?"): the question is what comes before it.
_EN_WHEN_CLAUSE = re.compile(
    r"(?<=\w)\s*,?\s+(?:just |right |shortly |soon )?(?:before|after|since|until|when|while)\s+"
    r"(?:it|that|this|the \w+)\s+(?:went|stopped|broke|happened|started|arrived|was|were|came|"
    r"turned|failed|died|began|got)\b[^?.!,;]*(?=[?.!]*\s*$)"
    # the moment the customer met the trouble ("... when you unboxed it", "... once you plugged
    # it in"): says which moment, not what is asked about it
    r"|(?<=\w)\s*,?\s+(?:just |right )?(?:when|once|after|as soon as|the moment)\s+you\s+"
    r"(?:first\s+)?(?:\w+ed|got|took|saw|put|began|came|tried|set|plugged|switched)\b"
    r"[^?.!,;]*(?=[?.!]*\s*$)"
)


# A question that invites the customer to go on ("Anything else?", "还有什么想说的吗？").
_GENERAL = re.compile(
    r"\b(?:anything|something) else\b|\banything more\b|\btell me more\b|"
    r"\bmore about (?:it|that|this)\b|\belse (?:i|we) should\b|\bis there more\b|"
    r"还有(?:(?:什么|别的|其他|啥)(?!需要[^，,。？?！!的]{1,6}的[^吗呢？?，,。！!话地\s])"
    r"(?=[^，,。？?！!]{0,2}(?:想|要|需要|可以|能|情况|问题|事|补充|说|问|告诉|吗|呢|[，,。？?！!]|$))|哪(?:些|方面)(?=[^，,。？?！!]{0,2}(?:想|要|需要|情况|问题|补充|吗|呢|"
    r"[，,。？?！!]|$))|没有)|其他(?:什么|问题|情况)|"
    r"其他需要(?=[吗呢？?。，,！!\s]|$|的(?:吗|呢|地方|话)|我|帮|可以)|具体(?:说说|讲讲|聊聊)|详细(?:说|讲)"
)
_GENERAL_SURE = 0.9

# Topics of a customer's hidden need: the reason behind the request, the event coming up, the
# person it is for, the date it must be ready by. A fact of one of these (or whose id says "need")
# is a need-type fact.
_NEED_TOPICS = frozenset({"reason", "occasion", "recipient", "deadline"})
# A question about a reason, a purpose, an event, the person it is for or what depends on it
# ("Why so soon?", "这个水是给宝宝用的吗？", "这两天有什么事情离不开网络？"): when a need-type fact
# and a fact about a concrete thing (the fault, the household, the budget) both fit, it asks for
# the need.
_NEED_CUE = re.compile(
    r"(?<![a-z])(?:why|how come|purpose|reason|who|whom|whose|anyone|anybody|someone|somebody|"
    r"occasion|event|celebrat[a-z]*|coming up|special|urgent[a-z]*|hurry|rush|matters?|important|"
    r"riding on|depend[a-z]*|rely|relying|stake|behind|deadline|by when|how soon)(?![a-z])|"
    r"(?<![a-z])by\s*[?.!]*\s*$|最晚|最迟|期限|"
    r"为什么|为何|为了|为啥|干嘛这么|怎么这么|什么\S{0,4}事|啥事|离不开|靠它|指望|"
    r"什么(?:安排|场合|日子|活动|计划|打算)|活动|场合|目的|原因|缘故|(?<![甭别別不莫])着急|急着|急用|要紧|"
    r"给(?:谁|[^，。？?,\s]{1,6}?)(?:用|买|开|戴|喝|吃|穿|准备)|谁(?![^，。？?,！!]{0,4}[都也])|哪位|为谁|有没有[^，。？?,\s]{1,12}的人"
)
# ... unless it names a fault: "为什么会坏？", "Why did it stop?" ask about the problem.
_FAULT_WORD = re.compile(
    r"坏|故障|断网|停机|报错|毛病|(?<![a-z])(?:broke|broken|stop|stopped|stops|fault|faulty|error|"
    r"crash|crashed|wrong|fail|failed|fails)(?![a-z])"
)
# what a question asks for when it asks for the fault (故障 folds to 问题)
_FAULT_FOCUS = re.compile(r"问题|现象|症状|(?<![a-z])(?:problem|issue|symptom)")
# How close the runner-up must score for a word only it says to make the question unclear
_SPECIFIC_GAP = 0.25
# How far under MATCH_MIN a need-type fact may score and still be what a question about a need
# ("What got you thinking about solar?") asks for.
_NEED_SLACK = 0.1
# How far below the best fact a need-type fact may score and still be taken for what a question
# about a need asks.
_NEED_GAP = 0.25


def _is_zh(text: str) -> bool:
    return bool(_CJK.search(text))


_ALTERNATIVES = re.compile(r"\bor\b|还是")
#: "没什么" / "没有什么" in a statement ("没什么大问题的"), not "有没有什么…"
_ZH_NOTHING = re.compile(r"(?<!有)(?:没有|没)(?:什么|啥)")


def _sentence_asks(sentence: str, lang: str) -> bool:
    s = _EN_WORD.sub(lambda m: _SHORTHAND.get(m.group(0), m.group(0)), normalise(sentence))
    if not s:
        return False
    if _is_zh(s):
        offer, info = _ZH_OFFER.search(s), _ZH_INFO_VERB.search(s)
    else:
        offer, info = _EN_OFFER.search(s), _EN_INFO_VERB.search(s)
    if offer and not info:
        # "Shall I show you the premium range or the cheaper one?" asks which; "Would you like a
        # replacement or a refund?" offers a remedy.
        return bool(_ALTERNATIVES.search(s)) and not read_offer(s, lang).remedies
    if _is_zh(s):
        if _QUESTION_MARK.search(s):
            return True
        # "真的没什么影响哦", "没有什么大问题的": says there is none, asks nothing
        plain = _ZH_NOTHING.sub("没", s)
        return bool(_ZH_QUESTION.search(plain) or _ZH_REQUEST.search(without_telling(plain)))
    return bool(_QUESTION_MARK.search(s) or _EN_QUESTION_START.search(s) or _en_requests(s))


#: a request verb the agent says they cannot or will not do ("I will not be able to confirm
#: same", "I can't explain why") asks the customer nothing
_EN_NOT_DOING = re.compile(r"(?:\bnot|n't|\bunable to|\bnever)(?:\s+\w+){0,3}\s*$")


def _en_requests(s: str) -> bool:
    return any(not _EN_NOT_DOING.search(s[: m.start()]) for m in _EN_REQUEST.finditer(s))


def _sentences(text: str) -> list[str]:
    return [p for p in _SENTENCE_END.split(text.strip()) if p and p.strip()]


def questions_beside_restating(text: str, persona: Persona, told: Iterable[str]) -> str:
    """The asking sentences of ``text`` that restate none of the told facts: in "So a junior
    suite and a room by the lift - have I got that right? May I ask what the stay is for?" the
    second; "" when every asking sentence restates (or none asks)."""
    told = list(told)
    lang = "zh" if _is_zh(text) else "en"
    return " ".join(
        p.strip()
        for p in _sentences(text)
        if _sentence_asks(p, lang) and not mentions(p, persona, told, CHECK_MENTION_MIN)
    )


def asks_for_information(text: str, lang: str) -> bool:
    """Whether ``text`` asks the customer to tell something: a question ("What's the order
    number?", "您的预算大概是多少？") or a request for information in the imperative ("Tell me
    about the fault", "I'll need your order ID", "麻烦提供一下您的账号", "请告诉我…", "说说…").
    Statements and offers ("I'll send a replacement today", "Would you like a refund?",
    "我马上给您换一台") do not, nor do thanks or apologies."""
    return any(_sentence_asks(p, lang) for p in _sentences(text))


#: a sentence after the question that only says what the answer is for ("…what screen size is
#: it? Then I can look at the right instructions for you.", "That way I can book the right one.")
_EN_PURPOSE_AFTER = re.compile(
    r"^\W*(?:(?:and|then)\s+)?(?:then|that way|so(?: that)?|this way)\s*,?\s*(?:i|we)"
    r"(?:'ll|'d| can| could| will| would| may)\b"
)


def without_purpose(text: str) -> str:
    """``text`` (English lower-cased) without the leading clauses that only say why something is
    asked ("So I can look up the right instructions, what does it say on the box?" -> "what
    does it say on the box?", "为了帮您安排，…" -> "…"), and without a sentence after a question
    that only says what the answer is for ("… Then I can look at the right instructions.")."""
    out = []
    asked = False
    for part in _sentences(text):
        if (
            asked
            and not _is_zh(part)
            and _EN_PURPOSE_AFTER.search(part.lower())
            and "?" not in part
        ):
            continue
        asked = asked or "?" in part or "？" in part
        if _is_zh(part):
            out.append(_ZH_PURPOSE.sub("", part))
        else:
            out.append(_EN_PURPOSE.sub("", part.strip().lower(), count=1))
    return " ".join(out)


def _asked_part(text: str) -> str:
    """The part of a reply that asks: its asking sentences without a leading clause that only
    says why ("So I can find your booking, ..."); the whole text when no sentence asks."""
    lang = "zh" if _is_zh(text) else "en"
    parts = [p for p in _sentences(text) if _sentence_asks(p, lang)]
    if not parts:
        return text
    out = []
    for part in parts:
        if _is_zh(part):
            part = _asking_clauses_zh(part)
            stripped = _ZH_PURPOSE.sub("", part)
        else:
            stripped = _EN_PURPOSE.sub("", part.lower())
            trimmed = _EN_WHEN_CLAUSE.sub("", stripped)
            if len(_EN_WORD.findall(trimmed)) >= 3:
                stripped = trimmed
        out.append(stripped if len(stripped) >= 4 else part)
    return " ".join(out)


#: a space between Chinese characters: in chat and voice input it ends a clause as a comma or a
#: full stop would ("明白了 老花眼看字费劲 您大概想花多少呢")
_ZH_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


#: a clause in which the trainee says what they will do ("我看看师傅几点能到", "我帮您查一下"):
#: beside a clause that asks, it says why the question is asked, not what it asks
_ZH_OWN_CLAUSE = re.compile(
    r"^\s*(?:那|好)?我(?:们|这边)?(?:先|马上|再|来|好|就)?(?:帮您|给您|为您)?"
    r"(?:看看|看一下|查查|查一下|核实|确认一下|安排|联系)"
)


def _asking_clauses_zh(part: str) -> str:
    """A Chinese sentence written with spaces for punctuation, cut to its asking clauses: what
    the trainee restates or promises before the question ("老花眼看字费劲 … 这个我们一定帮您挑好
    您大概想花多少呢") is not what it asks. The sentence as it is when no clause, or every clause,
    asks. A clause where the trainee says what they will do with the answer ("您住哪个区，我看看
    师傅几点能到") is left out as well."""
    commas = [c for c in re.split(r"[，,]", part) if c.strip()]
    if len(commas) > 1:
        kept = [c for c in commas if not _ZH_OWN_CLAUSE.search(c)]
        if kept and len(kept) < len(commas) and any(_sentence_asks(c, "zh") for c in kept):
            part = "，".join(kept)
    clauses = [c for c in _ZH_SPACE.split(part) if c.strip()]
    if len(clauses) < 2:
        return part
    asking = [c for c in clauses if _sentence_asks(c, "zh")]
    if not asking or len(asking) == len(clauses):
        return part
    return " ".join(asking)


def _fact_of(persona: Persona, fact_id: str) -> Mapping[str, Any]:
    return next((f for f in persona.facts if str(f.get("id")) == fact_id), {})


def match_facts(text: str, persona: Persona) -> list[FactMatch]:
    """The facts ``text`` asks about, best first, each scoring at least MATCH_MIN; [] when it asks
    about nothing in this scenario. When the reply asks (a question, a request for information),
    only its asking part counts: its questions and requests, without a leading clause that says
    why ("So I can find your booking, ..."); an apology or a story around them does not. A
    question about a thing of the customer's that nothing in this scenario knows ("what brand is
    your soundbar?", "does your building have a narrow staircase?") asks about nothing of it."""
    part = _asked_part(text)
    if _possessed_unknown(part, _index(persona)):
        return []
    return _match(part, persona)


#: a thing of the customer's that a question is about: its subject ("does your building have
#: …", "what brand is your soundbar", "您家里的路由器是…"), not a thing that only sets the scene
#: ("does anyone in your party need …")
_EN_POSSESSED = re.compile(
    r"(?:^|[.?!,;:]\s*|\b(?:so|and|also|oh|ok|okay|right|then)\s+)"
    r"(?:(?:what|which)\s+[a-z]+\s+(?:is|are|was|were|does|do)\s+"
    r"|(?:does|do|is|are|was|were|has|have|did|can|will|would)\s+)"
    r"your\s+((?:[a-z][a-z'-]*\s+){0,2}[a-z][a-z'-]*)"
)
_ZH_POSSESSED = re.compile(
    r"(?:^|[，。？！,.?!；;\s])(?:请问)?(?:您|你)(?:家里|家)?的([\u4e00-\u9fff]{2,4})"
)
#: words that end the thing named after "your" ("your sofa *is*", "your soundbar *for*")
_EN_PHRASE_END = frozenset(
    "is are was were be been do does did have has had will would can could should to for of in "
    "on at with from by about and or but that which who when where how what usually normally "
    "typically always often ever still now then there here at all like".split()
)


def _possessed_unknown(part: str, index: _Index) -> bool:
    """The question asks about a thing of the customer's (after "your", "您的") whose every word
    is unknown to this scenario: no fact, cue, built-in topic or the product has it, nor a word
    one typo away. Then whatever else it shares with a fact only sets the scene."""
    norm = normalise(part)
    phrases: list[list[str]] = []
    for m in _EN_POSSESSED.finditer(norm):
        words: list[str] = []
        for word in m.group(1).split():
            if word in _EN_PHRASE_END:
                break
            words.append(word)
        if words:
            phrases.append(words)
    for m in _ZH_POSSESSED.finditer(norm):
        phrases.append([m.group(1)])
    if not phrases:
        return False

    def unknown(words: list[str]) -> bool:
        found, missing = _text_features(" ".join(words), index.fuzzy)
        if any(f in index.neutral for f, _ in _words(" ".join(words))):
            return False  # the product itself ("your TV")
        strong = [f for f, _ in found if f not in _WEAK and _strong(f)]
        strong += [f for f in missing if f not in _WEAK and _strong(f)]
        facts = set(index.fact_ids)
        # known to a built-in topic only ("building", "router"): a kind of thing customers
        # have, but nothing this customer has said or would say
        return bool(strong) and not any(facts & set(index.owners_of.get(f, ())) for f, _ in found)

    return all(unknown(words) for words in phrases)


#: words that describe rather than name the thing after "a", "any", "your" ("a *new* charger",
#: "any *spare* batteries"): the word after them names it
_EN_DESCRIBING = frozenset(
    "new old big small large little good bad nice quick cheap cheaper expensive particular "
    "specific certain special main other different similar proper real decent spare second "
    "first extra current existing whole full few couple lot own same usual regular normal "
    "separate additional further more favourite favorite".split()
)
#: "Do you have *a soundbar* connected?", "Is there *a lift*?", "Any *pets*?": the thing a
#: yes/no question asks about (the words after its verb and article, up to a word that ends it)
_EN_THING = re.compile(
    r"(?:^|[.?!,;:]\s*|\b(?:and|but|so|also|ok|okay|right|then|or)\s+)"
    r"(?:(?:do|does|did|will|would|could|can|have|has)\s+(?:you|u|he|she|they|we|it)\s+"
    r"(?:(?:already|still|also|ever|usually|normally|currently|maybe)\s+)?"
    r"(?:need|want|have|had|got|use|play|get|own|require|fancy|like|watch|keep)"
    r"|(?:is|are|was|were)\s+there|any)\s+"
    r"(?:(?:a|an|the|any|some|your|ur|many|much|extra|of|those|these)\s+)*"
    r"((?:[a-z][a-z'-]*\s*){1,3})"
)
#: where the thing's name ends
_EN_THING_END = (
    _EN_PHRASE_END
    | _EN_FOCUS_END
    | frozenset(
        "or and handy ready nearby available connected fitted installed plugged set up already yet "
        "too as well please".split()
    )
)
#: a yes/no question about having a thing, in Chinese ("表镜上有没有*划痕*？",
#: "有没有贴过*通知*？"): the thing is the last word before the particle, as a Chinese noun comes
#: last in its phrase
_ZH_THING = re.compile(
    r"(?:有没有|有无|有没)(?:什么|任何|过)?([\u4e00-\u9fff]{2,10}?)(?:吗|呢|呀|啊|吧|啦|[，。？！,.?!]|$)"
)
_ZH_THING_TAIL = re.compile(r"[的了过吗呢呀啊吧啦]+$")


def _wholly_unknown(feature: str, surface: str, index: _Index) -> bool:
    """No fact, built-in topic or the product knows this word, nor a word a typo away."""
    return (
        feature not in index.fuzzy.vocab
        and feature not in index.neutral
        and not index.fuzzy.near(feature, surface)
    )


def _names_unknown_thing(part: str, index: _Index) -> bool:
    """The question asks whether the customer has, needs or uses a thing whose name leads with a
    word nothing in this scenario knows ("Do you want a *laser* level with it?", "Have you got a
    *soundbar* connected?", "What time do your *quiz* shows come on?", "表镜上有没有划痕？"): what
    it shares with a fact ("level" of "price level", "connected", "show") only sets the scene,
    and a customer would not know what to say (seed 001 提问技巧: a question the customer cannot
    place is answered with "why do you ask"; issue 13: a detail no fact covers gets "don't
    know")."""
    norm = _folded(normalise(part))
    phrases: list[list[str]] = []
    for pattern in (_EN_THING, _EN_POSSESSED):
        for m in pattern.finditer(norm):
            words: list[str] = []
            for word in m.group(1).split():
                if word in _EN_THING_END or (word in _EN_STOP and words):
                    break
                if word in _EN_STOP:
                    continue
                words.append(word)
            if words:
                phrases.append(words)
    for words in phrases:
        lead = next((w for w in words if w not in _EN_DESCRIBING), None)
        if lead is None or _CJK.search(lead):
            continue
        feats = [f for f in _en_words(lead) if _strong(f)]
        if feats and all(_wholly_unknown(f, lead, index) for f in feats):
            return True
    zh = _ZH_FILLER.sub("的", norm)
    spans = list(_ZH_THING.finditer(zh))
    things = [re.split(r"的", _ZH_THING_TAIL.sub("", m.group(1)))[-1] for m in spans]
    for m in _ZH_CHOICE.finditer(zh):
        # "配的是皮表带还是钢表带": the two things offered, after the verb that sets the scene
        left = re.split(r"[是的用要选买]", m.group(1))[-1]
        right = re.split(r"[的呢吗呀啊吧\s]", m.group(2).strip())[0]
        if _zh_unknown_thing(left, index) and _zh_unknown_thing(right, index):
            return True
    if not any(_zh_unknown_thing(thing, index) for thing in things):
        return False
    # ... unless the rest of the question names something of theirs ("自来水烧开后有没有白色沉淀":
    # the boiled tap water is the household's; "最近" only says when)
    rest = zh
    for m in spans:
        rest = rest.replace(m.group(0), "的")
    return not any(
        _zh_bigram(f)
        and _strong(f)
        and not _function_zh(f)
        and f not in _ZH_WHEN_WORDS
        and (
            any(o in index.fact_ids for o in index.owners_of.get(f, ()))
            or f in index.content_postings
        )
        for f in _features(rest)
    )


#: words that only say when: they set the scene of any question
_ZH_WHEN_WORDS = frozenset(
    "最近 之前 以前 现在 目前 今天 昨天 前天 刚才 后来 当时 那天 这两 两天 这几 几天".split()
)


def _zh_unknown_thing(thing: str, index: _Index) -> bool:
    """Every two-character word of a Chinese thing's name is unknown to this scenario's facts:
    no fact's cues or words have it, nor a word a typo away ("装修施工" beside a broadband outage:
    施工 is a built-in topic's word, a kind of thing customers mention, but nothing this customer
    has said or would say)."""
    bigrams = [f for f in _zh_features(thing) if _zh_bigram(f)]
    return bool(bigrams) and all(_unknown_to_facts(f, index) for f in bigrams)


def _unknown_to_facts(feature: str, index: _Index) -> bool:
    if _wholly_unknown(feature, feature, index):
        return True
    if feature in index.neutral:
        return False
    candidates = {feature} | index.fuzzy.near(feature, feature)
    return not any(
        any(o in index.fact_ids for o in index.owners_of.get(f, ()))
        or f in index.content_postings
        or f in index.neutral
        for f in candidates
    )


#: "What are you drilling into?", "What will you be printing?": what the customer will do with
#: the product, asked with the product's own verb
_EN_WHAT_DOING = re.compile(r"\bwhat\b[^?.!]{0,30}\b(?:you|u)\b[^?.!]{0,20}?\b([a-z]{3,})ing\b")


def _asks_use_by_product_verb(text: str, index: _Index) -> bool:
    """The question asks what the customer will do with the product by naming what the product
    does ("What are you drilling into?"): a question about its use, the product's name being all
    the content it has."""
    norm = normalise(text)
    if _CJK.search(norm):
        return False
    for m in _EN_WHAT_DOING.finditer(norm):
        verb = m.group(1)
        if any(f in index.neutral for f in _en_words(verb) + _en_words(verb + "ing")):
            return True
    return False


def _match(text: str, persona: Persona) -> list[FactMatch]:
    index = _index(persona)
    if _names_unknown_thing(text, index):
        return []
    best = index.scores(text)
    if _asks_use_by_product_verb(text, index) and not any(
        best.get(fid, 0.0) >= MATCH_MIN for fid in index.fact_ids
    ):
        text = f"{text} purpose"
        best = index.scores(text)
    scored = sorted((best[fid] for fid in index.fact_ids if fid in best), reverse=True)
    facts = [FactMatch(fid, round(best[fid], 3)) for fid in index.fact_ids if fid in best]
    facts = [m for m in facts if m.score >= MATCH_MIN]
    if not facts:
        return []
    facts.sort(key=lambda m: -m.score)
    # a need-type fact a little under MATCH_MIN still counts for a question about a need
    need = sorted(
        (
            FactMatch(fid, round(best[fid], 3))
            for fid in index.need_ids
            if best.get(fid, 0.0) >= MATCH_MIN - _NEED_SLACK
        ),
        key=lambda m: -m.score,
    )
    options = _choice_words(text)
    if options and not any(_owned(f, surface, index) for f, surface in options):
        return []  # "Windows or Mac?": a choice between things none of its facts is about
    focus = _focus(text) - index.neutral
    fault_asked = bool(focus) and any(
        _FAULT_WORD.search(f) or _FAULT_FOCUS.search(f) for f in focus
    )
    if fault_asked:
        # "是什么故障现象？", "what fault does it show?": asks for the fault, whatever words set
        # the scene ("您家里的网络" shares 家里 with a need); the problem fact answers it
        problem = [
            m
            for m in facts
            if _fact_topic(_fact_of(persona, m.fact_id), load_topics()) == "problem"
            or m.fact_id == "problem"
        ]
        if problem and problem[0].fact_id != facts[0].fact_id:
            facts = problem + [m for m in facts if m.fact_id != problem[0].fact_id]
            scored = [problem[0].score]
    rivals = sorted(
        (
            FactMatch(fid, round(best[fid], 3))
            for fid in index.fact_ids
            if fid in best
            and fid != facts[0].fact_id
            # a need a little under MATCH_MIN still counts, as for a question about a need
            and best[fid] >= (MATCH_MIN - _NEED_SLACK if fid in index.need_ids else MATCH_MIN)
        ),
        key=lambda m: -m.score,
    )
    if rivals and facts[0].score - rivals[0].score < _SPECIFIC_GAP:
        # topic specificity: the runner-up's own words (what it says) hold a word of the
        # question that the best fact neither is cued by nor says ("...跟家人视频吗？": 视频 is
        # the grandchild video calls of the need, 家人 only sets the scene): which one is meant is
        # not plain, so ask back rather than tell the wrong one
        words = {f for f, _ in _text_features(text, index.fuzzy)[0]} - index.neutral
        words = {f for f in words if _strong(f) and not _NUMERIC.match(f)}
        top, second = facts[0].fact_id, rivals[0].fact_id

        def says(fid: str, f: str) -> bool:
            return any(o == fid for o, _ in index.content_postings.get(f, ()))

        def cued_by(fid: str, f: str) -> bool:
            return fid in index.owners_of.get(f, ())

        if any(says(second, f) and not says(top, f) and not cued_by(top, f) for f in words):
            return []
    if focus:
        # the question asks for a thing ("Which programs ...?"): a fact whose cues have that word
        # is what it asks, not one matched on the words that set the scene ("... for your course")
        owning = [
            m
            for m in sorted(
                (FactMatch(fid, round(best[fid], 3)) for fid in index.fact_ids if fid in best),
                key=lambda m: -m.score,
            )
            if any(m.fact_id in index.owners_of.get(f, ()) for f in focus)
        ]
        if (
            owning
            and owning[0].fact_id != facts[0].fact_id
            and owning[0].score >= facts[0].score - _FOCUS_GAP
        ):
            if owning[0].score < MATCH_MIN - _NEED_SLACK:
                return []  # what it asks for is only weakly one fact's: better to ask back
            return [owning[0]] + [m for m in facts if m.fact_id != owning[0].fact_id]
        if owning:
            others = [m for m in facts[1:] if m.score > facts[0].score - _AMBIGUOUS]
            if not any(o.fact_id in {x.fact_id for x in owning} for o in others):
                scored = scored[:1]  # the rivals do not have what it asks for: no tie
    asked_for = _en_focus_words(text)
    if (
        asked_for
        and not any(_owned(f, surface, index) for f, surface in asked_for)
        and not any(_owned(f, surface, index) for f, surface in options)
    ):
        # it asks for a thing none of this scenario's facts is about (unless it offers another
        # that one is: "trouble with stairs, or any special facilities?")
        return []
    if (
        need
        and facts[0].score - need[0].score <= _NEED_GAP
        and _NEED_CUE.search(folded := _folded(normalise(text)))
        and not _FAULT_WORD.search(folded)
        and not fault_asked
    ):
        # a question about a reason, an event, a person asks for the need rather than for the
        # concrete thing (the fault, the household, the budget) that shares a word with it
        facts = need + [m for m in facts if m.fact_id not in index.need_ids]
        if len(need) > 1 and need[0].score - need[1].score < _AMBIGUOUS:
            return []
    elif len(scored) > 1 and scored[0] - scored[1] < _AMBIGUOUS:
        return []  # two facts fit about as well: better to ask back than to tell the wrong one
    off = max((s for owner, s in best.items() if owner.startswith("topic:")), default=0.0)
    if off >= facts[0].score + _OFF_TOPIC_MARGIN:
        return []
    if off > facts[0].score and facts[0].score < _SURE_OVER_OFF:
        # something this scenario does not cover fits better ("Which floor do you live on?"
        # beside the living room's "floor area"): not plainly about the fact
        return []
    if _GENERAL.search(normalise(text)) and (
        facts[0].score < _GENERAL_SURE or not _specific(text, index)
    ):
        # "anything else I should know?", "anything else I can help with?": nothing in
        # particular, unless plainly named
        return []
    return facts


def _owned(feature: str, surface: str, index: _Index) -> bool:
    """Whether a fact of this scenario is about this word (its cues or what it says), a typo of
    it included; the product's own name counts as owned."""
    if feature in index.neutral:
        return True
    candidates = {feature} if feature in index.fuzzy.vocab else index.fuzzy.near(feature, surface)
    return any(
        any(o in index.fact_ids for o in index.owners_of.get(f, ()))
        or f in index.content_postings
        or f in index.neutral
        for f in candidates
    )


def near_facts(text: str, persona: Persona) -> list[FactMatch]:
    """The facts a question seems to be about without plainly asking for one: two fit about as
    well, or the best fits a little under MATCH_MIN. [] when match_facts places the question,
    when it invites more in general, when it is about a topic this scenario does not cover, or
    when no fact comes near. Such a question gets the customer asking what is meant or holding
    back, rather than telling a fact it may not be about or saying "don't know"."""
    part = _asked_part(text)
    if _GENERAL.search(normalise(part)) or _match(part, persona):
        return []
    best = _index(persona).scores(part)
    facts = sorted(
        ((score, owner) for owner, score in best.items() if not owner.startswith("topic:")),
        reverse=True,
    )
    if not facts or facts[0][0] < NEAR_MIN:
        return []
    off = max((s for owner, s in best.items() if owner.startswith("topic:")), default=0.0)
    if off >= MATCH_MIN and off > facts[0][0]:
        # about something the scenario does not cover; unless the fact would match but for a
        # topic of that fitting a little better: then it is not plain which is meant
        rivalled = (
            MATCH_MIN <= facts[0][0] < _SURE_OVER_OFF and off < facts[0][0] + _OFF_TOPIC_MARGIN
        )
        if not rivalled:
            return []
    return [FactMatch(fid, round(score, 3)) for score, fid in facts if score >= NEAR_MIN]


def need_facts(persona: Persona) -> frozenset[str]:
    """The ids of the facts about the customer's need: why they need it, for whom, by when, for
    what event (a built-in topic of those, or an id with "need" in it)."""
    return _index(persona).need_ids


def colliding_about(
    facts: Iterable[Mapping[str, Any]], product: str
) -> list[tuple[int, int, str | None]]:
    """The trainer's ``about`` phrases too generic to tell their fact from the others, as (fact
    index, phrase index, the other fact's id): every word of the phrase that carries content also
    asks for that other fact (its own ``about`` phrases or id use it), so a question in those
    words may draw out either; the other fact is None when the phrase has no such word at all
    (question words, filler and the product's own name only: "what is it", "什么情况")."""
    load_topics()  # the synonyms fold words the way matching does
    facts = list(facts)
    neutral = {f for f in _features(normalise(product)) if len(f) > 1 or not _CJK.match(f)}

    def content(phrase: str) -> set[str]:
        return {f for f in _features(normalise(phrase)) if f not in _WEAK and f not in neutral}

    def strong(phrase: str) -> set[str]:
        """Content words, and the asking words that set a question apart (who, why)."""
        feats = set(_features(normalise(phrase)))
        return {f for f in content(phrase) if _strong(f)} | (feats & _KEY_ASKING)

    abouts = [[str(a) for a in f.get("about") or () if isinstance(a, str)] for f in facts]
    cues = []
    for fact, phrases in zip(facts, abouts, strict=True):
        words = " ".join(w for w in str(fact.get("id", "")).split("_") if w not in _ID_WORD_STOP)
        cues.append([strong(p) for p in [words, *phrases]])
    out: list[tuple[int, int, str | None]] = []
    for i, phrases in enumerate(abouts):
        for j, phrase in enumerate(phrases):
            if not content(phrase):
                out.append((i, j, None))
                continue
            own = strong(phrase)
            if not own - _KEY_ASKING:
                continue  # single Chinese characters: too little to collide on
            # another fact's phrase says all this one says (and asks no who or why it does not)
            other = next(
                (
                    k
                    for k in range(len(facts))
                    if k != i
                    and any(own <= cue and not (cue & _KEY_ASKING) - own for cue in cues[k])
                ),
                None,
            )
            if other is not None:
                out.append((i, j, str(facts[other].get("id"))))
    return out


# Two questions in one ("What size and what price?", "预算和用途是什么？").
_JOINED = re.compile(r"\b(?:and|also|plus|as well as)\b|[和跟及、]|以及|还有|另外")
#: Facts that each fit at least this well, in a reply that joins two questions, are both asked.
BOTH_MIN = 0.85


def asks_several(text: str, persona: Persona) -> list[str]:
    """The facts a reply asks for at once ("What size and what price are you thinking of?"):
    two or more fit well (BOTH_MIN) and the reply joins its questions; in the order the trainer
    listed the facts. [] otherwise (match_facts has it, or the question is merely ambiguous)."""
    near = near_facts(text, persona)
    both = {m.fact_id for m in near if m.score >= BOTH_MIN}
    if len(both) < 2 or not _JOINED.search(normalise(_asked_part(text))):
        return []
    return [str(f.get("id")) for f in persona.facts if str(f.get("id")) in both]


def invites_more(text: str) -> bool:
    """A question that invites the customer to go on ("Anything else?", "还有什么想说的吗？")
    rather than asking about something in particular."""
    return bool(_GENERAL.search(normalise(text)))


# Words that ask about the matter in general, not about one thing in it: "What happened?", "How
# can I help?", "What seems to be the problem?", "Tell me about it", "什么情况？", "怎么回事？",
# "遇到什么问题了？". English as stems, Chinese as two-character words.
_OPEN_EN = frozenset(
    _stem(w)
    for w in """happen happened happening wrong problem problems issue issues matter situation
    help assist assistance today bring brings brought story detail details explain describe
    going gone on mind find after yourself talk through start begin beginning everything
    seem seems seemed concern trouble troubles experience wrong up found notice noticed
    saw listen listening hear""".split()
)
_OPEN_ZH = frozenset(
    "情况 问题 发生 回事 需求 遇到 经过 详细 状况 服务 效劳 咨询 "
    "帮忙 帮助 困扰 麻烦 事情 说明 怎么 开始 今天 来意 看看 聊聊 方面".split()
)
# Characters that make a Chinese two-character run a question word, not content ("到什", "有啥");
# with 几/多/哪/谁 the other character says what is asked ("几楼", "多大", "哪款"), unless it is
# a measure word or a place word ("几个", "多少", "哪里").
_ZH_ASKING_CHARS = frozenset("什怎么吗呢嘛啥咋")
_ZH_HOW_MANY = frozenset("几多哪谁")
_ZH_MEASURE = frozenset("个些少里儿位种样边方久会台件次")
# Common verbs, adverbs and measure words: a two-character run of them that no cue knows is a
# seam between words ("天想", "想看", "看点"), not a word of content.
_ZH_LIGHT = frozenset(
    "想看找点有用是要给买在到会能可说做去来过得着把被让们个些种样下上里天今每一共都很就也还再又才只"
    "好多少几哪从对向跟同为以所而且但如果因此其中之已经正在将"
)


# Question words that ask for one thing all the same: a time, a place, a person, a reason, an
# amount ("When do you want to go?", "您家里谁用？", "多久了？").
_ASKS_A_THING = frozenset(
    "when where who whom whose why much many long "
    "谁 为什 时候 多少 多久 哪里 哪儿 几点 几时".split()
)


def specific_words(text: str, persona: Persona) -> list[str]:
    """The words of content in what a reply asks: its asking part without question words,
    filler, the product's own name, single Chinese characters and the words that ask about the
    matter in general; with the question words that ask for one thing (when, who, why, how
    much, 谁, 多久 ...). [] for an open invitation ("What happened?", "How can I help?",
    "您遇到什么问题了？"); ["colour"] for "What colour is it?"."""
    return _specific(_asked_part(text), _index(persona))


# The courtesies around an opening question and the matter in general ("Thanks for getting in
# touch - how can I help with your order?", "感谢您的咨询，关于订单有什么可以帮您？"): they ask
# about nothing in particular, so such a question invites the customer to tell (seeds 003 Ch1: the
# opening lets the customer speak first). English words as stems; "order" folds to 订单.
_MATTER_EN = frozenset(
    _stem(w)
    for w in """touch contact contacting reach reaching out regard regarding enquiry enquiries
    inquiry inquiries query queries request requests quote quotes quotation order orders
    booking bookings reservation purchase case ticket""".split()
)
# Chinese: cut out before the bigrams, so no seam of them is read as content ("关于订单有" gives
# no "于订", "单有").
_MATTER_ZH = re.compile(
    "感谢|谢谢|多谢|关于|咨询|联系|来电|来信|留言|订单|报价|预订|预约|这笔|这单"
)


#: what invites the customer to go on at their own pace and says the trainee is listening
#: ("您慢慢说，从头讲讲", "想到啥说啥", "我都记着", "我仔细听"), and forms of address ("阿姨",
#: "周总"): nothing in particular asked
_OPEN_WAY_ZH = re.compile(
    "从头|接着说|接着讲|慢慢|随便|仔细|详细|先别急|别着急|别急|不着急|想到什么|想到啥|想说的|想了解的|"
    "都记着|记着|记下|听着|在听|我听|跟我说|和我说|跟我讲|和我讲|讲讲|说说|"
    r"阿姨|叔叔|大哥|大姐|姐姐|哥哥|美女|帅哥|老师|先生|女士|小姐|[\u4e00-\u9fff]总(?=[，,\s])"
)

_OPEN_WAY_EN = re.compile(
    r"\b(?:take (?:your|ur) time|no rush(?: at all)?|in your own words|at your own pace"
    r"|from the (?:start|beginning|top))\b"
)


def _specific(part: str, index: _Index) -> list[str]:
    out = []
    norm = _OPEN_WAY_ZH.sub("的", _MATTER_ZH.sub("的", _folded(normalise(part))))
    norm = _OPEN_WAY_EN.sub(" ", norm)
    for feature, _surface in _words(norm):
        if feature in _MATTER_EN or _MATTER_ZH.fullmatch(feature):
            continue
        if feature in _ASKS_A_THING:
            out.append(feature)
            continue
        if feature in _WEAK or feature in index.neutral or feature in _KEY_ASKING:
            continue
        if _CJK.match(feature):
            if len(feature) == 1 or feature in _OPEN_ZH or set(feature) & _ZH_ASKING_CHARS:
                continue
            if feature[0] in _ZH_HOW_MANY or feature[1] in _ZH_HOW_MANY:
                other = feature[1] if feature[0] in _ZH_HOW_MANY else feature[0]
                if other in _ZH_MEASURE or other in _ZH_HOW_MANY or other in _ZH_LIGHT:
                    continue
            elif feature not in index.postings and set(feature) <= _ZH_LIGHT | _ZH_MEASURE:
                continue
        elif feature in _OPEN_EN or feature == "purpose" or _NUMERIC.match(feature):
            continue
        out.append(feature)
    return out


def is_open(text: str, persona: Persona) -> bool:
    """Whether a question invites the customer to go on rather than asks about something in
    particular: "Anything else?", or nothing in it beyond question words, filler, the product's
    name and the matter in general ("What happened?", "What seems to be the problem?", "您说说
    是怎么回事？"). Only such a question draws out what the customer would tell next; a
    specific question no fact answers ("What colour is it?", "您家几楼？") is not covered."""
    if _YES_NO_EXTRA.search(normalise(text)):
        # "需要帮您贴个膜吗？", "Do you want a case with it?": a yes or no to something offered,
        # not an invitation to go on, however little in it is specific
        return False
    if invites_more(text):
        return True
    if _choice_words(text):
        # "您家是买的房还是租的房？": a choice between two things asks about them, however few
        # words of content they take
        return False
    return not specific_words(text, persona)


#: a yes/no offer of something extra ("需要帮您贴个膜吗？", "Do you want a case with that?")
_YES_NO_EXTRA = re.compile(
    r"^\W*(?:请问)?(?:您|你)?(?:还)?(?:需要|要不要|需不需要|想不想|要)(?:我|我们)?(?:帮|给|为)(?:您|你)"
    r"[^，,。？?]{1,12}(?:吗|么|嘛)?\W*$"
    r"|^\W*(?:and )?(?:do|would) you (?:want|like|need) (?:a|an|some|me to|us to)\b[^?]{0,40}"
    r"\b(?:with|to go with|as well|too|also)\b[^?]*\?\W*$"
)


def asks_about_uncovered(text: str, persona: Persona) -> bool:
    """Whether the reply asks about something this scenario does not cover: a built-in topic no
    fact of this persona names ("Do you have a loyalty card?") fits its asking part better than
    any fact does."""
    best = _index(persona).scores(_asked_part(text))
    off = max((s for owner, s in best.items() if owner.startswith("topic:")), default=0.0)
    facts = max((s for owner, s in best.items() if not owner.startswith("topic:")), default=0.0)
    return off >= MATCH_MIN and off > facts


# --------------------------------------------------------------------------- restating


@dataclass(frozen=True)
class _Content:
    weights: Mapping[str, float]
    numbers: frozenset[str]


#: Chinese words that carry no content of their own ("不太", "一下", reduplicated verbs such as
#: "看看"): a reply sharing them with a customer's line ("我不太清楚，您可以看看详情页" beside "我爸
#: 眼睛不太好……想看看孙子") has not restated what the customer said
_FUNCTION_ZH_WORDS = frozenset(
    "不太 有点 一点 一下 这个 那个 就是 还是 已经 可以 觉得 知道 时候 什么 怎么 其实 那么 这么 "
    "然后 因为 所以 但是 不过 也是 都是 还有 没有 不是".split()
)
_FUNCTION_ZH = 0.2


def _function_zh(feature: str) -> bool:
    return feature in _FUNCTION_ZH_WORDS or (_zh_bigram(feature) and feature[0] == feature[1])


class _ContentIndex:
    """Each fact's content words (value and reveal lines) with weights, for mentions()."""

    def __init__(self, persona: Persona) -> None:
        texts = {str(f.get("id")): _fact_texts(f) for f in persona.facts}
        feats = {fid: {f for t in ts for f in _features(normalise(t))} for fid, ts in texts.items()}
        n = len(feats)
        df: dict[str, int] = {}
        for fs in feats.values():
            for f in fs:
                df[f] = df.get(f, 0) + 1
        self.content: dict[str, _Content] = {}
        for fid, fs in feats.items():
            weights = {
                f: math.log((n + 1) / (df[f] + 0.5))
                * (0.6 if len(f) == 1 else _FUNCTION_ZH if _function_zh(f) else 1.0)
                for f in fs
            }
            numbers = frozenset(
                q.key for t in texts[fid] for q in _quantities(normalise(t)) if _telling(q)
            )
            self.content[fid] = _Content(weights, numbers)
        self.fuzzy = _Fuzzy({f for c in self.content.values() for f in c.weights})


def _telling(q: _Quantity) -> bool:
    """A number that identifies a fact when restated: an id, an amount, a quantity with a unit
    (not a bare small number such as a time of day)."""
    return q.kind != "number" or q.value >= 100


def _fact_texts(fact: Mapping[str, Any]) -> list[str]:
    out = [str(fact.get("value", ""))]
    for line in fact.get("lines") or ():
        if isinstance(line, Mapping):
            line = line.get("say", "")
        out.append(str(line))
    return [t for t in out if t]


_content_cache: dict[str, tuple[Persona, _ContentIndex]] = {}


def _content_index(persona: Persona) -> _ContentIndex:
    cached = _content_cache.get(persona.id)
    if cached is not None and cached[0] is persona:
        return cached[1]
    index = _ContentIndex(persona)
    with _INDEX_LOCK:
        _content_cache[persona.id] = (persona, index)
    return index


def prepare(persona: Persona) -> None:
    """Build the persona's indexes now (0.1-0.3 s each), so its first trainee doesn't wait for
    them; a server calls this for every persona when it starts."""
    _index(persona)
    _content_index(persona)


def mentions(
    text: str, persona: Persona, fact_ids: Iterable[str], minimum: float = MENTION_MIN
) -> list[FactMatch]:
    """Which of these (already told) facts ``text`` restates, best first, each scoring at least
    ``minimum`` (MENTION_MIN): matched against the fact's value and its reveal lines, numbers and
    ids included."""
    index = _content_index(persona)
    found = dict(_text_features(text, index.fuzzy)[0])
    numbers = {q.key for q in _quantities(normalise(text)) if _telling(q)}
    out: list[FactMatch] = []
    for fid in dict.fromkeys(fact_ids):
        content = index.content.get(fid)
        if content is None:
            continue
        matched = [f for f in content.weights if f in found]
        if not numbers & content.numbers and not any(
            len(f) > 1 and not _function_zh(f) for f in matched
        ):
            # single characters and words with no content of their own ("不太", "看看", "说")
            # restate nothing: a word of the fact, or one of its figures, must be there
            continue
        got = sum(content.weights[f] * found[f] for f in matched)
        if numbers & content.numbers:
            got += _MENTION_MASS / 2
        total = sum(content.weights.values())
        score = min(1.0, got / min(total, _MENTION_MASS)) if total else 0.0
        if score >= minimum:
            out.append(FactMatch(fid, round(score, 3)))
    out.sort(key=lambda m: -m.score)
    return out


def names_fact(text: str, persona: Persona, fact_id: str) -> bool:
    """Whether ``text`` says something of what the fact is: a word of content of its value or of
    its ``about`` phrases, or one of its figures. A turn of phrase that only its reveal lines use
    ("我心里有数" in a line about driving) does not name it: "价格方面您心里有个数吗？" does not
    restate how the customer drives."""
    fact = next((f for f in persona.facts if str(f.get("id")) == fact_id), None)
    if fact is None:
        return False
    index = _index(persona)
    texts = [str(fact.get("value", ""))] + [str(a) for a in fact.get("about") or ()]
    own = {
        f
        for t in texts
        for f in _features(normalise(t))
        if _strong(f) and f not in index.neutral and not _NUMERIC.match(f)
    }
    found = {f for f, _ in _text_features(text, _Fuzzy(own))[0]}
    if found & own:
        return True
    value_numbers = {
        q.key for q in _quantities(normalise(str(fact.get("value", "")))) if _telling(q)
    }
    return bool(value_numbers & {q.key for q in _quantities(normalise(text)) if _telling(q)})


#: where a fact's value divides into the things it says ("父亲眼睛不好、耳背，想跟孙子视频";
#: "cracked bumper, charging dock does not power on"; "… on Saturday and has a dust allergy")
_VALUE_PARTS = re.compile(
    r"\s*(?:[、，;；/]|(?<![0-9]),|,(?![0-9])|\band\b|以及|并且)\s*", re.IGNORECASE
)


def value_parts(fact: Mapping[str, Any]) -> list[str]:
    """The things a fact's value says, in order (one part when it does not divide)."""
    value = str(fact.get("value", "")).strip()
    return [p for p in _VALUE_PARTS.split(value) if p.strip()] or [value]


def named_parts(text: str, persona: Persona, fact_id: str) -> tuple[list[str], list[str]]:
    """Which parts of the fact's value ``text`` names, and all its parts. A part is named by a
    word of its own (one no other fact's value uses, so "父亲" in a guess about who the phone
    is for does not name "父亲眼睛不好") or by its figures; a part with no word of its own
    counts as named. "他主要跟家里人视频" names only "想跟孙子视频" of the hidden need."""
    fact = next((f for f in persona.facts if str(f.get("id")) == fact_id), None)
    if fact is None:
        return [], []
    parts = value_parts(fact)
    index = _index(persona)
    others = {
        f
        for o in persona.facts
        if str(o.get("id")) != fact_id
        for f in _features(normalise(str(o.get("value", ""))))
    }
    own_by_part = [
        {
            f
            for f in _features(normalise(part))
            if _strong(f) and f not in index.neutral and f not in others and not _NUMERIC.match(f)
        }
        for part in parts
    ]
    vocab = set().union(*own_by_part) if own_by_part else set()
    found = {f for f, _ in _text_features(text, _Fuzzy(vocab))[0]}
    numbers = {q.key for q in _quantities(normalise(text)) if _telling(q)}
    named = []
    for part, own in zip(parts, own_by_part, strict=True):
        part_numbers = {q.key for q in _quantities(normalise(part)) if _telling(q)}
        if (not own and not part_numbers) or own & found or part_numbers & numbers:
            named.append(part)
    return named, parts


# --------------------------------------------------------------------------- contradicting


@dataclass(frozen=True)
class _Quantity:
    kind: str  # "id", "number", or a unit class: "time", "people", "weight", "distance", ...
    value: float
    text: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.text if self.kind == 'id' else _fmt(self.value)}"


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_EN_NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
} | {
    w: 10 * (i + 2)
    for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "k": 1000, "million": 1_000_000, "万": 10_000}

# unit words -> (class, factor to the class's base unit)
_UNITS: dict[str, tuple[str, float]] = {
    "second": ("time", 1),
    "sec": ("time", 1),
    "minute": ("time", 60),
    "min": ("time", 60),
    "hour": ("time", 3600),
    "hr": ("time", 3600),
    "day": ("time", 86400),
    "night": ("time", 86400),
    "week": ("time", 7 * 86400),
    "fortnight": ("time", 14 * 86400),
    "month": ("time", 30 * 86400),
    "year": ("time", 365 * 86400),
    "秒": ("time", 1),
    "秒钟": ("time", 1),
    "分钟": ("time", 60),
    "小时": ("time", 3600),
    "个小时": ("time", 3600),
    "钟头": ("time", 3600),
    "天": ("time", 86400),
    "日": ("time", 86400),
    "晚": ("time", 86400),
    "夜": ("time", 86400),
    "周": ("time", 7 * 86400),
    "星期": ("time", 7 * 86400),
    "个星期": ("time", 7 * 86400),
    "礼拜": ("time", 7 * 86400),
    "个礼拜": ("time", 7 * 86400),
    "个月": ("time", 30 * 86400),
    "年": ("time", 365 * 86400),
    "people": ("people", 1),
    "person": ("people", 1),
    "人": ("people", 1),
    "个人": ("people", 1),
    "口人": ("people", 1),
    "口": ("people", 1),
    "kg": ("weight", 1),
    "kilo": ("weight", 1),
    "公斤": ("weight", 1),
    "斤": ("weight", 0.5),
    "km": ("distance", 1),
    "公里": ("distance", 1),
    "m": ("length", 1),
    "metre": ("length", 1),
    "meter": ("length", 1),
    "米": ("length", 1),
    "cm": ("length", 0.01),
    "厘米": ("length", 0.01),
    "inch": ("inch", 1),
    "寸": ("inch", 1),
    "英寸": ("inch", 1),
    "kwh": ("energy", 1),
    "kw": ("power", 1),
    "v": ("volt", 1),
    "次": ("times", 1),
    "趟": ("times", 1),
    "回": ("times", 1),
    "time": ("times", 1),
    "hole": ("count", 1),
    "个": ("count", 1),
    "台": ("count", 1),
    "件": ("count", 1),
}
_ZH_UNIT_RE = "|".join(
    sorted((re.escape(u) for u in _UNITS if _CJK.match(u)), key=len, reverse=True)
)
_ZH_NUM = "[零〇一二两俩三四五六七八九十百千万]+"
_ID_RE = re.compile(
    r"(?<![a-z0-9])(?:[a-z]{1,4}-?\d{3,}(?:-\d+)*|\d{3,}-\d{3,}(?:-\d+)*|\d{6,}|[a-z]\d{1,2})(?![a-z0-9])"
)
_ARABIC_RE = re.compile(
    r"(?<![a-z0-9.,])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(k|万|千)?(?![\d,])\s*([a-z]+|"
    + _ZH_UNIT_RE
    + ")?"
)
_ZH_RE = re.compile(r"(" + _ZH_NUM + r")(?:多)?(" + _ZH_UNIT_RE + ")?")
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundred|thousand|million|couple)"
)
_EN_WORD_NUM_RE = re.compile(
    r"\b((?:an?|" + _NUMBER_WORD + r")(?:[\s-]+(?:and[\s-]+|of[\s-]+)?" + _NUMBER_WORD + r")*)"
    r"\b\s*(?:full\s+)?([a-z]+)?"
)


def _zh_number(s: str) -> float | None:
    """三十五万 -> 350000, 两千 -> 2000, 十 -> 10, 一 -> 1; None when not a plain numeral."""
    total = 0
    section = 0
    digit: int | None = None
    for ch in s:
        if ch in _ZH_DIGITS:
            if digit is not None:  # two digits in a row ("两三"): a range, not one number
                return None
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            section += (1 if digit is None else digit) * _ZH_UNITS[ch]
            digit = None
        elif ch == "万":
            section += digit or 0
            total += (section or 1) * 10_000
            section, digit = 0, None
        else:
            return None
    section += digit or 0
    value = total + section
    return float(value)


def _unit(word: str | None) -> tuple[str, float] | None:
    if not word:
        return None
    if word in _UNITS:
        return _UNITS[word]
    stem = _stem(word)
    for key in (stem, word.rstrip("s")):
        if key in _UNITS:
            return _UNITS[key]
    return None


def _quantity(value: float, unit_word: str | None, raw: str) -> _Quantity:
    unit = _unit(unit_word)
    if unit is None:
        return _Quantity("number", value, raw)
    kind, factor = unit
    return _Quantity(kind, value * factor, raw)


@lru_cache(maxsize=4096)
def _quantities(norm: str) -> tuple[_Quantity, ...]:
    """Numbers, ids and quantities with their unit class, from normalised text."""
    out: list[_Quantity] = []
    text = norm
    for m in _ID_RE.finditer(text):
        raw = m.group(0)
        out.append(_Quantity("id", 0.0, raw.replace("-", "")))
    text = _ID_RE.sub(" ", text)
    for m in _ARABIC_RE.finditer(text):
        value = float(m.group(1).replace(",", ""))
        if m.group(2):
            value *= {"k": 1000, "万": 10_000, "千": 1000}[m.group(2)]
        out.append(_quantity(value, m.group(3), m.group(0)))
    for m in _ZH_RE.finditer(text):
        zh_value = _zh_number(m.group(1))
        if zh_value is None:
            for ch in m.group(1):  # "两三趟": both ends of the range
                if ch in _ZH_DIGITS:
                    out.append(_quantity(float(_ZH_DIGITS[ch]), m.group(2), ch))
            continue
        if m.group(1) == "一" and not m.group(2):
            continue  # 一 alone is mostly "a", not a number
        out.append(_quantity(zh_value, m.group(2), m.group(0)))
    for m in _EN_WORD_NUM_RE.finditer(text):
        words = [w for w in re.split(r"[\s-]+", m.group(1).strip()) if w]
        if not words or all(w in {"a", "an", "and", "of", "couple"} for w in words):
            if words and words[-1] in {"a", "an"} and _unit(m.group(2)):
                out.append(_quantity(1.0, m.group(2), m.group(0)))  # "a week"
            continue
        value, current = 0.0, 0.0
        for w in words:
            if w in _EN_NUMBERS:
                current += _EN_NUMBERS[w]
            elif w in _EN_SCALES:
                current = max(current, 1) * _EN_SCALES[w]
                if _EN_SCALES[w] >= 1000:
                    value, current = value + current, 0.0
            elif w in {"a", "an"}:
                current += 1 if current == 0 else 0
            elif w == "couple":
                current = 2
        value += current
        if value:
            out.append(_quantity(value, m.group(2), m.group(0)))
    return tuple(out)


_ID_PARTS = re.compile(r"([a-z]*)(\d*)")


def _id_parts(value: str) -> tuple[str, str]:
    """An id's letter prefix and the digits after it (either may be empty)."""
    found = _ID_PARTS.match(value)
    return (found.group(1), found.group(2)) if found else ("", "")


def _same_kind_id(a: str, b: str) -> bool:
    """Two ids of one kind: the same letter prefix (or none on one side) and digits of similar
    length."""
    pa, da = _id_parts(a)
    pb, db = _id_parts(b)
    if pa and pb and pa != pb:
        return False
    return abs(len(da) - len(db)) <= 1 and min(len(da), len(db)) >= 1


def contradicts(text: str, persona: Persona, fact_id: str) -> bool:
    """Whether ``text`` restates this fact with a different number, id or quantity (order
    AV-558312 for AV-558213, a budget of 2,000 for 1,200, 一周 for 三天)."""
    fact = next((f for f in persona.facts if str(f.get("id")) == fact_id), None)
    if fact is None:
        return False
    said = _quantities(normalise(text))
    if not said:
        return False
    known = [q for t in _fact_texts(fact) for q in _quantities(normalise(t))]
    if not known:
        return False
    # ids: a different id of the fact's kind, and not the right one as well
    known_ids = {q.text for q in known if q.kind == "id"}
    said_ids = {q.text for q in said if q.kind == "id"}
    if said_ids and known_ids and not said_ids & known_ids:
        if any(_same_kind_id(s, k) for s in said_ids for k in known_ids):
            return True
    # quantities: only when the text is about this fact
    about = _about_fact(text, persona, fact_id)
    if not about:
        return False
    for kind in {q.kind for q in said if q.kind != "id"}:
        values = {round(q.value, 3) for q in known if q.kind == kind}
        if not values:
            continue
        told = {round(q.value, 3) for q in said if q.kind == kind}
        if not told & values and not any(_close(t, v) for t in told for v in values):
            return True
    return False


#: where a restatement divides into its claims ("So it stopped working after two weeks, order
#: AV-558213, and you need it for the weekend")
_CLAIMS = re.compile(r"\s*(?:[,;，；。.!?！？—–]+|\band\b)\s*", re.IGNORECASE)
#: a claim in which the trainee speaks for themself or the shop: telling, not restating
_FIRST_PERSON = re.compile(
    r"\b(?:we|we'?re|we'?ve|we'?ll|our|ours|us|i|i'?m|i'?ll|i'?ve|i'?d)\b|我|咱|本店|公司",
    re.IGNORECASE,
)


def adds_figure(text: str, persona: Persona, fact_id: str) -> bool:
    """Whether a restatement puts a figure on this fact of a kind the fact never had ("it
    stopped working after two weeks" of a vacuum that arrived broken): a detail the customer
    never gave, so the restatement changes what they said."""
    fact = next((f for f in persona.facts if str(f.get("id")) == fact_id), None)
    if fact is None:
        return False
    kinds = {q.kind for t in _fact_texts(fact) for q in _quantities(normalise(t))}
    for claim in _CLAIMS.split(text):
        if _FIRST_PERSON.search(claim):
            continue  # the trainee telling ("our warranty is insurance-backed for 25 years")
        said = {
            q.kind
            for q in _quantities(normalise(claim))
            if q.kind not in ("id", "number") and _telling(q)
        }
        if said - kinds and _about_fact(claim, persona, fact_id):
            return True
    return False


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.05 * max(abs(a), abs(b))


def _about_fact(text: str, persona: Persona, fact_id: str) -> bool:
    """The text asks about or restates this fact, loosely."""
    best = _index(persona).scores(text)
    if best.get(fact_id, 0.0) >= MATCH_MIN * 0.8:
        return True
    index = _content_index(persona)
    content = index.content.get(fact_id)
    if content is None:
        return False
    found = dict(_text_features(text, index.fuzzy)[0])
    got = sum(w * found[f] for f, w in content.weights.items() if f in found)
    return got >= _MENTION_MASS * 0.22  # one word of this fact's own is enough
