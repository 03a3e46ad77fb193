"""Turns the conversation service's results into Telegram message texts (HTML). Pure functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot_gateway.conversation import SessionSummary, TurnView
from bot_gateway.telegram.i18n import escape_html, label, t
from scoring.rubric import FIVE_STEPS


def customer_line(view: TurnView) -> str | None:
    return escape_html(view.customer) if view.customer else None


def hint_line(view: TurnView, lang: str) -> str | None:
    """The tip after a reply: practice mode only (the service leaves it empty in assessment)."""
    if view.mode != "practice" or not view.hint or view.ended:
        return None
    score = (view.rating or {}).get("overall")
    if isinstance(score, int | float):
        return t("hint_with_score", lang, score=round(score), hint=escape_html(view.hint))
    return t("hint", lang, hint=escape_html(view.hint))


def persona_button(persona: Mapping[str, Any], lang: str) -> str:
    return (
        f"{persona.get('name') or persona['id']} · {label('type', persona.get('type'), lang)}"
        f" · {label('difficulty', persona.get('difficulty'), lang)}"
    )


def persona_card(persona: Mapping[str, Any], lang: str) -> str:
    return t(
        "choose_mode",
        lang,
        name=escape_html(str(persona.get("name") or persona["id"])),
        type=label("type", persona.get("type"), lang),
        difficulty=label("difficulty", persona.get("difficulty"), lang),
        description=escape_html(str(persona.get("description") or "")),
    )


def _score(value: object) -> str:
    return str(round(value)) if isinstance(value, int | float) else "—"


def scorecard_text(scorecard: Mapping[str, Any] | None, lang: str, outcome: str | None) -> str:
    """Overall score, dimensions, the five steps, strengths and improvements, in one message."""
    if not scorecard:
        return t("no_scorecard", lang)
    lines = [t("scorecard_title", lang), t("overall", lang, score=_score(scorecard.get("overall")))]
    final_outcome = scorecard.get("outcome") or outcome
    if final_outcome:
        outcome_name = label("outcome", str(final_outcome), lang, short=False)
        lines.append(t("outcome", lang, outcome=outcome_name))

    dimensions = scorecard.get("dimensions") or {}
    if dimensions:
        lines += ["", t("dimensions", lang)]
        # a dimension with no evidence in the conversation is "not observed" (issue 15)
        not_observed = catalogue_not_observed(lang)
        lines += [
            f"• {label('dimension', name, lang)}: "
            f"{_score(value) if value is not None else not_observed}"
            for name, value in dimensions.items()
        ]

    steps = scorecard.get("five_steps") or {}
    if steps:
        order_ok = scorecard.get("five_steps_order_ok")
        heading = t("five_steps", lang)
        if isinstance(order_ok, bool):
            heading += " " + t("five_steps_order", lang, mark="✅" if order_ok else "❌")
        lines += ["", heading]
        ordered = [s for s in FIVE_STEPS if s in steps] + [s for s in steps if s not in FIVE_STEPS]
        lines.append(
            "  ".join(f"{'✅' if steps[s] else '⬜'} {label('step', s, lang)}" for s in ordered)
        )

    for key, entries in (
        ("strengths", scorecard.get("strengths")),
        ("improvements", scorecard.get("improvements")),
    ):
        texts = _entry_texts(entries)
        if texts:
            lines += ["", t(key, lang)]
            lines += [f"• {escape_html(text)}" for text in texts]
    return "\n".join(lines)


def _entry_texts(entries: object) -> list[str]:
    if not isinstance(entries, Sequence) or isinstance(entries, str):
        return []
    texts = []
    for entry in entries:
        text = entry.get("text") if isinstance(entry, Mapping) else entry
        if text:
            # the reply that earned a strength or shows a lapse (issue 15)
            cited = entry.get("evidence_text") if isinstance(entry, Mapping) else None
            texts.append(f"{text}\n  ↳ {cited}" if cited else str(text))
    return texts


def catalogue_not_observed(lang: str) -> str:
    """How the rubric's catalogue says "not observed" in this language."""
    from scoring.rubric import load_catalogue

    texts = load_catalogue().scorecard
    return (texts.not_observed.get(lang) if texts else None) or "—"


def history_text(sessions: Sequence[SessionSummary], names: Mapping[str, str], lang: str) -> str:
    if not sessions:
        return t("history_empty", lang)
    lines = [t("history_title", lang)]
    for s in sessions:
        lines.append(
            t(
                "history_line",
                lang,
                date=s.started_at.strftime("%Y-%m-%d %H:%M"),
                name=escape_html(names.get(s.persona_id, s.persona_id)),
                mode=label("mode", s.mode, lang),
                status=label("outcome", s.outcome, lang)
                if s.outcome
                else label("status", s.status, lang),
                turns=s.turns,
                score=f"{s.overall}/100" if s.overall is not None else "—",
            )
        )
    return "\n".join(lines)
