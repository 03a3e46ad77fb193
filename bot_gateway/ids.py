"""Ids that come from a request, as FastAPI/pydantic types: a malformed id is a clear 422.

Database ids are INTEGER keys (PostgreSQL int4), so they are 1 ... 2**31-1: a larger number
would overflow the query (a 500), and ``str.isdigit`` lets through '²' that ``int`` refuses.
Practice session ids are UUIDs (``PracticeSession.id``). An empty query value, as a filter form
sends for "any", means no filter.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import BeforeValidator, Field, StringConstraints

MAX_ID = 2**31 - 1
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
#: Invite codes are at most this long (``Cohort.invite_code``); cohort filters take codes or ids.
MAX_CODE_CHARS = 40


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


def _no_blanks(value: object) -> object:
    return [v for v in value if v != ""] if isinstance(value, list) else value


#: a database id in a URL path: /staff/trainees/{trainee_id}
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
#: a practice session id in a URL path: /api/sessions/{session_id}
SessionId = Annotated[str, Path(pattern=UUID_PATTERN, max_length=36)]
#: a persona id in a request body (the stem of its file; ``PracticeSession.persona_id``)
PersonaId = Annotated[str, StringConstraints(min_length=1, max_length=80)]
#: an optional database id in the query string (?trainee_id=), "" meaning any
QueryId = Annotated[
    Annotated[int, Field(ge=1, le=MAX_ID)] | None, BeforeValidator(_blank_is_none), Query()
]
#: cohort filters in the query string (?cohort=CODE-or-id, repeatable), "" values left out
CohortFilter = Annotated[
    list[Annotated[str, StringConstraints(max_length=MAX_CODE_CHARS)]] | None,
    BeforeValidator(_no_blanks),
    Query(),
]


def cohort_ids(values: tuple[str, ...] | list[str]) -> list[int]:
    """The values of a cohort filter that can be cohort ids (ASCII digits, in range)."""
    return [int(v) for v in values if v.isascii() and v.isdigit() and 1 <= int(v) <= MAX_ID]
