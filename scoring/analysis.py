"""Move analysis: one trainee reply -> moves, scores, entities and the cues behind them.

`analyze()` combines a Rasa NLU parse result (when there is one) with cue rules kept in
`scoring/cues/<lang>.yml` (politeness markers, forbidden and dismissive phrases, fillers,
jargon, question forms, paraphrase overlap, blame and argument markers). The same function
serves the action server, the batch command (`make moves`) and the tests; the contract is in
docs/contracts.md. Pure Python + PyYAML; the cue files are read lazily, once per process.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scoring.moves import LANGUAGES, MOVES, NEGATIVE_MOVES

#: replies longer than this (after cleaning) are refused: nobody types that in a chat turn
MAX_CHARS = 2000
#: a ranked NLU move below this is not taken (the top one has its own floor); the classifier
#: rates each move on its own, so this is the usual multi-label 0.5
NLU_SECONDARY_MIN = 0.5
NLU_PRIMARY_MIN = 0.2
#: cue and NLU evidence for the same move combine as independent votes (noisy-or)
NLU_WEIGHT = 0.8
#: a negative move costs the trainee points: from the classifier alone (the classifier it is
#: tuned for weighs each move by the square root of its rarity) it needs this confidence
NLU_ONLY_NEGATIVE_MIN = 0.35
#: ... and more when it is not even the classifier's main reading of the reply
NLU_ONLY_NEGATIVE_SECONDARY_MIN = 0.75
#: ... and more still when the cues found comfort, an apology or thanks in the reply
NLU_NEGATIVE_OVER_KIND_CUE_MIN = 0.9
KIND_MOVES = frozenset({"empathy", "apology", "reassurance", "praise", "thanks_closing"})
#: a short reply only the classifier calls a filler ranks below any other evidence
NLU_ONLY_FILLER_MAX = 0.35
#: moves below this confidence are not reported
MOVE_MIN = 0.3
QUESTION_MOVES = frozenset({"open_question", "closed_question", "confirm"})
#: a question with no open or fact-seeking words counts as closed, with this confidence
QUESTION_DEFAULT = 0.6
#: ... unless the classifier is at least this sure the reply does something else
#: (a confirmation, a rhetorical jab, a remark ending in 吧): one unlabelled form, one reading
QUESTION_DEFAULT_OVERRIDE = 0.5
#: a reply where nothing reaches MOVE_MIN takes the classifier's best move when it is this sure
#: and clearly ahead of the next; otherwise it counts as a plain statement (inform)
NLU_FALLBACK_MIN = 0.15
NLU_FALLBACK_MARGIN = 1.5

CUES_DIR = Path(__file__).parent / "cues"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_CLAUSE_END = re.compile(r"(?<=[。!?;；\n])|(?<=\.)\s+|(?<=[,，])\s*(?=[^,，]*[?？]\s*$)")
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
    score_weights: dict[str, Any] = field(default_factory=dict)


def _compile(patterns: list[str] | tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    # one alternation per list: a single regex scan per cue group instead of one per pattern
    return (re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE),)


@functools.cache
def _score_weights() -> dict[str, Any]:
    with open(CUES_DIR / "scores.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@functools.cache
def load_cues(lang: str) -> CueRules:
    """The cue rules for one language, read from scoring/cues/<lang>.yml on first use."""
    with open(CUES_DIR / f"{lang}.yml", encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    groups = []
    for g in raw["groups"]:
        move = g.get("move")
        if move is not None and move not in MOVES:
            raise ValueError(f"cues/{lang}.yml: group {g['id']!r} names unknown move {move!r}")
        groups.append(
            CueGroup(
                id=g["id"],
                patterns=_compile(g["patterns"]),
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
        score_weights=_score_weights(),
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
        # a few English words ("ok", "sorry", a model name) are normal in Chinese chat
        return cjk == 0 and len(latin_words) >= 3
    return cjk > sum(len(w) for w in latin_words)


def _short_reply(text: str, lang: str) -> bool:
    """At most a few characters (zh) or two words (en): the size of a filler."""
    if lang == "zh":
        return len(re.sub(r"\W", "", text)) <= 4
    return len(_EN_TOKEN.findall(text.lower())) <= 2


def _error(lang: Any, why: str) -> dict[str, Any]:
    return {
        "moves": [],
        "scores": {"empathy": 0.0, "politeness": 0.0},
        "entities": [],
        "cues": [],
        "lang": lang if isinstance(lang, str) else None,
        "error": why,
    }


# --- evidence ----------------------------------------------------------------------------


class _Evidence:
    """Move confidences and the cues that fired, gathered from NLU and cue rules."""

    def __init__(self) -> None:
        self.cue_moves: dict[str, float] = {}
        self.nlu_moves: dict[str, float] = {}
        self.position: dict[str, int] = {}
        self.cues: list[dict[str, str]] = []
        self.cue_ids: set[str] = set()
        self.politeness_delta = 0.0
        #: a question form was found, but nothing said whether it is open or closed
        self.default_question = False
        #: a question that proposes something ("have you tried…?"), and one that asks
        self.suggestion_question = False
        self.asks = False
        #: how many clauses ask something (suggestions excluded)
        self.question_clauses = 0
        #: a confirmation that is only a tag after a statement ("…, is that right?")
        self.tag_confirm = False
        #: a restatement asked as a question ("So your fiancé gets upset when you call home?")
        self.restating_question = False
        #: the only sign of a paraphrase is that the reply repeats the customer's words
        self.overlap_only = False

    def cue(self, cue_id: str, match: str, pos: int, move: str | None = None, conf: float = 0.0):
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


def _question_cues(text: str, rules: CueRules, ev: _Evidence) -> None:
    suggestion = next((g for g in rules.groups if g.move == "offer_solution"), None)
    for pos, clause in _split_clauses(text):
        is_question = clause.endswith("?") or (
            bool(rules.question_starts.search(clause))
            and not (rules.not_question and rules.not_question.search(clause))
        )
        if not is_question:
            continue
        if suggestion and _first(suggestion.patterns, clause):
            # "have you tried restarting it?" proposes a remedy; it asks for no fact
            ev.suggestion_question = True
            continue
        ev.asks = True
        ev.question_clauses += 1
        if (m := _first(rules.paraphrase_markers, clause)) and m.start() <= 3:
            ev.restating_question = True
        if m := _first(rules.confirm_forms, clause):
            ev.cue("confirm_form", m.group(0), pos, "confirm", 0.8)
            # "…, is that right?" after a statement: the tag checks what came before it
            ev.tag_confirm = ev.tag_confirm or (pos > 0 and len(m.group(0)) >= len(clause) - 3)
            continue
        if m := _first(rules.leading_forms, clause):
            ev.cue("leading_question", m.group(0), pos, "closed_question", 0.7)
            ev.politeness_delta -= 0.15
            continue
        open_m = _first(rules.open_forms, clause)
        fact_m = _first(rules.closed_facts, clause)
        if open_m and not fact_m:
            ev.cue("open_question_form", open_m.group(0), pos, "open_question", 0.8)
        elif fact_m:
            ev.cue("closed_question_form", fact_m.group(0), pos, "closed_question", 0.8)
        else:
            # a question without open or fact-seeking words: closed by default, weakly, so a
            # confident classifier (confirm, open question, a rhetorical jab) can outrank it
            ev.cue("closed_question_form", clause[:40], pos, "closed_question", QUESTION_DEFAULT)
            ev.default_question = True


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    for p in patterns:
        if m := p.search(text):
            return m
    return None


def _content_units(text: str, rules: CueRules) -> set[str]:
    """What a paraphrase would repeat: content words (en) or CJK bigrams without stopwords (zh)."""
    if rules.lang == "en":
        words = _EN_TOKEN.findall(text.lower())
        return {w.rstrip("s") for w in words if len(w) > 2 and w not in rules.stopwords}
    chars = [ch if _CJK.match(ch) and ch not in rules.stopwords else " " for ch in text]
    units: set[str] = set()
    for run in "".join(chars).split():
        units.update(run[i : i + 2] for i in range(len(run) - 1))
    units.update(w.lower() for w in _LATIN_WORD.findall(text))
    return units


def _paraphrase_cues(text: str, context: str, rules: CueRules, ev: _Evidence) -> None:
    marker = _first(rules.paraphrase_markers, text)
    overlap = 0.0
    if context:
        ctx_units = _content_units(context, rules)
        if len(ctx_units) >= 2:
            shared = ctx_units & _content_units(text, rules)
            overlap = len(shared) / len(ctx_units)
    if marker and (overlap >= rules.overlap_min / 2 or not context):
        ev.cue("paraphrase_marker", marker.group(0), marker.start(), "paraphrase", 0.85)
    elif marker:
        ev.cue("paraphrase_marker", marker.group(0), marker.start(), "paraphrase", 0.6)
    if overlap >= rules.overlap_min:
        ev.overlap_only = not marker
        ev.cue(
            "context_overlap", f"{overlap:.2f}", 0, "paraphrase", min(0.85, 0.45 + 0.6 * overlap)
        )


def _group_match(group: CueGroup, text: str) -> re.Match[str] | None:
    for pattern in group.patterns:
        if group.whole:
            if m := pattern.fullmatch(text):
                return m
            continue
        for m in pattern.finditer(text):
            if group.unless_before is None or not group.unless_before.search(text[: m.start()]):
                return m
    return None


def _rule_cues(text: str, rules: CueRules, ev: _Evidence) -> None:
    for group in rules.groups:
        if m := _group_match(group, text):
            ev.cue(group.id, m.group(0) or text, m.start(), group.move, group.confidence)
            ev.politeness_delta += group.politeness


def _nlu_moves(nlu: dict[str, Any], ev: _Evidence) -> None:
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
                ev.position.setdefault(move, 10_000 + rank)
        rank += 1


# --- entities ----------------------------------------------------------------------------


def _entities(text: str, rules: CueRules, nlu: dict[str, Any] | None) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []

    def add(entity: str, value: str) -> None:
        item = {"entity": entity, "value": value}
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


def _scores(moves: list[dict[str, Any]], ev: _Evidence, rules: CueRules) -> dict[str, float]:
    out = {}
    for dim in ("empathy", "politeness"):
        spec = rules.score_weights[dim]
        value = float(spec["base"])
        for item in moves:
            weight = float(spec["moves"].get(item["move"], 0.0))
            value += weight * min(1.0, item["confidence"] / 0.6)
        if dim == "politeness":
            # score-only cues: politeness markers, jargon, shouting, leading questions
            value += ev.politeness_delta
        out[dim] = round(min(1.0, max(0.0, value)), 3)
    return out


# --- the entry point ---------------------------------------------------------------------


def check_text(text: Any, lang: Any) -> str | None:
    """Why a reply cannot be analysed, or None when it can (batch tools skip NLU on these)."""
    if lang not in LANGUAGES:
        return f"unsupported language {lang!r}; expected one of {list(LANGUAGES)}"
    if not isinstance(text, str):
        return "text must be a string"
    if len(text) > MAX_CHARS * 4:
        return f"text too long ({len(text)} characters; at most {MAX_CHARS})"
    cleaned = clean_text(text)
    if not cleaned:
        return "empty text"
    if len(cleaned) > MAX_CHARS:
        return f"text too long ({len(cleaned)} characters; at most {MAX_CHARS})"
    if _language_mismatch(cleaned, lang):
        return f"text is not in the session language ({lang})"
    return None


def analyze(
    text: str, lang: str, context: str = "", nlu: dict[str, Any] | None = None
) -> dict[str, Any]:
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
    ev = _Evidence()

    if not _has_words(cleaned):
        # emoji or punctuation only: a reply without content, the way a filler is
        ev.cue("no_words", cleaned, 0, "perfunctory", 0.7)
        ev.politeness_delta -= 0.1
        moves = [{"move": "perfunctory", "confidence": 0.7}]
        return _result(moves, ev, rules, cleaned, lang, None)

    _rule_cues(cleaned, rules, ev)
    _question_cues(cleaned, rules, ev)
    _paraphrase_cues(cleaned, context, rules, ev)
    if nlu:
        _nlu_moves(nlu, ev)

    if "filler" in ev.cue_ids:
        # the whole reply is a filler: whatever else the classifier guessed, it said nothing
        moves = [{"move": "perfunctory", "confidence": ev.cue_moves["perfunctory"]}]
        return _result(moves, ev, rules, cleaned, lang, nlu)

    top_nlu = max(ev.nlu_moves, key=ev.nlu_moves.__getitem__, default=None)
    kind_words = any(m in KIND_MOVES for m in ev.cue_moves)
    negative_cue = any(m in NEGATIVE_MOVES for m in ev.cue_moves)
    # a filler is short by nature: a longer reply the classifier calls one has content
    filler_sized = _short_reply(cleaned, lang)
    for move in [m for m in ev.nlu_moves if m in NEGATIVE_MOVES and m not in ev.cue_moves]:
        floor = NLU_ONLY_NEGATIVE_MIN if move == top_nlu else NLU_ONLY_NEGATIVE_SECONDARY_MIN
        if kind_words and not negative_cue:
            # the cues read comfort or thanks in these words ("别哭了", "不说了，早点睡"): the
            # classifier's negative reading of the same words must be near certain
            floor = max(floor, NLU_NEGATIVE_OVER_KIND_CUE_MIN)
        if ev.nlu_moves[move] < floor or (move == "perfunctory" and not filler_sized):
            del ev.nlu_moves[move]
    combined: dict[str, float] = {}
    for move in set(ev.cue_moves) | set(ev.nlu_moves):
        cue_conf = ev.cue_moves.get(move, 0.0)
        nlu_conf = ev.nlu_moves.get(move, 0.0) * NLU_WEIGHT
        combined[move] = 1.0 - (1.0 - cue_conf) * (1.0 - nlu_conf)
    if "perfunctory" in combined and "perfunctory" not in ev.cue_moves:
        # an unknown short reply: filler only when nothing else is found in it
        combined["perfunctory"] = min(combined["perfunctory"], NLU_ONLY_FILLER_MAX)
    ranked = _ranked_moves(nlu)
    if ev.default_question and ranked:
        _weigh_default_question(ranked, ev, combined)
    # a restatement checked by a question is a paraphrase first: a tag ("…, is that right?")
    # checks it, or the question is the restatement itself ("So you're saying …?")
    checks = QUESTION_MOVES if ev.restating_question else {"confirm"} if ev.tag_confirm else set()
    if checks and combined.get("paraphrase", 0.0) >= MOVE_MIN:
        for move in checks & combined.keys():
            combined[move] = min(combined[move], combined["paraphrase"] - 0.05)
    _one_reading_per_question(ev, combined)
    if ev.overlap_only and "paraphrase" not in ev.nlu_moves and "paraphrase" in combined:
        # answers repeat the customer's words too: without a restating frame ("so you…") or the
        # classifier's reading, the overlap makes paraphrase a secondary move, never the primary
        others = [c for m, c in combined.items() if m != "paraphrase" and c >= MOVE_MIN]
        if others:
            combined["paraphrase"] = min(combined["paraphrase"], max(others) - 0.05)
    if ev.suggestion_question and not ev.asks and "offer_solution" in combined:
        # its only questions propose something: the classifier's question reading of the form
        # stays, below the suggestion it carries
        for move in ("closed_question", "open_question", "confirm"):
            if move in combined:
                combined[move] = min(combined[move], combined["offer_solution"] - 0.05)
    if not any(c >= MOVE_MIN for c in combined.values()) and len(cleaned) >= 2:
        best = _nlu_best_guess(ranked)
        if best:
            # the classifier's clear favourite, weakly: better than calling everything inform
            combined[best] = MOVE_MIN
        else:
            # a statement carrying no other move still tells the customer something
            ev.cue("statement", cleaned[:40], 0, "inform", 0.4)
            combined["inform"] = 0.4
    ordered = sorted(
        (m for m, c in combined.items() if c >= MOVE_MIN),
        key=lambda m: (-round(combined[m], 2), ev.position.get(m, 10_000), MOVES.index(m)),
    )
    moves = [{"move": m, "confidence": round(min(combined[m], 0.99), 3)} for m in ordered]
    return _result(moves, ev, rules, cleaned, lang, nlu)


def _ranked_moves(nlu: dict[str, Any] | None) -> list[tuple[str, float]]:
    """The classifier's single-move ranking (combined labels split), best first."""
    best: dict[str, float] = {}
    for item in (nlu or {}).get("intent_ranking") or []:
        conf = float(item.get("confidence") or 0.0)
        for move in (item.get("name") or "").split("+"):
            if move in MOVES:
                best[move] = max(best.get(move, 0.0), conf)
    return sorted(best.items(), key=lambda kv: -kv[1])


def _weigh_default_question(
    ranked: list[tuple[str, float]], ev: _Evidence, combined: dict[str, float]
) -> None:
    """Drop the by-default closed question when the classifier clearly reads something else."""
    if ev.cue_moves.get("closed_question", 0.0) > QUESTION_DEFAULT:
        return  # another clause asks for a fact: that question stands
    if ranked[0][0] == "closed_question":
        return
    if ranked[0][1] >= QUESTION_DEFAULT_OVERRIDE and ev.nlu_moves.get("closed_question", 0.0) < 0.3:
        combined.pop("closed_question", None)


def _one_reading_per_question(ev: _Evidence, combined: dict[str, float]) -> None:
    """A question the cues read as open or as a confirmation is not also a closed one.

    The classifier scores the question moves side by side ("这样能解决您的问题吗？" as confirm and
    as closed question); when the cues have read every question clause, a closed question it
    adds on top is the same question again. (Its open or confirm readings stay: the cues miss
    some of those.)
    """
    if ev.default_question or not ev.question_clauses:
        return
    read = {m for m in QUESTION_MOVES if m in ev.cue_moves}
    if len(read) < ev.question_clauses:
        return
    if "closed_question" not in read:
        combined.pop("closed_question", None)


def _nlu_best_guess(ranked: list[tuple[str, float]]) -> str | None:
    if not ranked:
        return None
    move, conf = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if move in NEGATIVE_MOVES or conf < NLU_FALLBACK_MIN or conf < NLU_FALLBACK_MARGIN * runner_up:
        return None
    return move


def _result(moves, ev: _Evidence, rules: CueRules, text: str, lang: str, nlu) -> dict[str, Any]:
    return {
        "moves": moves,
        "scores": _scores(moves, ev, rules),
        "entities": _entities(text, rules, nlu),
        "cues": ev.cues,
        "lang": lang,
    }
