"""The supervisor dashboard (server-rendered), its exports and the persona library page.

Staff sign in at /staff/login; the signed session cookie of the web chat carries their id
under its own key (``staff_user_id``), so a trainee's chat sign-in and a staff sign-in never
stand for each other, with the user's session version (``staff_session_version``): signing out
or disabling the user bumps the version in the database, so a copy of an older cookie no longer
signs anyone in. Scripts export from /api/export with ``Authorization: Bearer <token>``
(tokens expire and can be revoked: ``counterpart token revoke``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot_gateway import auth, export, ids
from bot_gateway.auth import Principal
from bot_gateway.charts import mood_chart_png
from bot_gateway.conversation import mood_of
from bot_gateway.db.models import Cohort
from bot_gateway.labels import catalogue_labels
from bot_gateway.supervisor import queries
from bot_gateway.supervisor.charts import progress_chart_png, weakest_chart_png
from bot_gateway.supervisor.i18n import LANGS, TEXT
from bot_gateway.web.trainee_access import web_trainee
from scoring.rubric import FIVE_STEPS, load_catalogue

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
STAFF_KEY = "staff_user_id"
VERSION_KEY = "staff_session_version"
LANG_KEY = "staff_lang"
BEARER = {"WWW-Authenticate": "Bearer"}


def sessionmaker(request: Request) -> async_sessionmaker:
    return request.app.state.conversations.sessionmaker


Sessions = Annotated[async_sessionmaker, Depends(sessionmaker)]


def ui_lang(request: Request, lang: str | None = None) -> str:
    """The dashboard language: ?lang= switches it and is remembered in the session; until then
    an English browser gets English, any other Chinese (the product's first language)."""
    if lang in LANGS:
        request.session[LANG_KEY] = lang
    stored = request.session.get(LANG_KEY)
    if stored in LANGS:
        return str(stored)
    accept = (request.headers.get("accept-language") or "").strip().lower()
    return "en" if accept.startswith("en") else "zh"


Lang = Annotated[str, Depends(ui_lang)]


async def signed_in_staff(request: Request, db: async_sessionmaker) -> Principal | None:
    """The staff member of this cookie, if it is still valid (current session version)."""
    user_id = request.session.get(STAFF_KEY)
    version = request.session.get(VERSION_KEY)
    if not isinstance(user_id, int) or not isinstance(version, int):
        return None
    async with db.begin() as session:
        return await auth.principal(session, user_id, session_version=version)


async def staff(request: Request, db: Sessions) -> Principal:
    found = await signed_in_staff(request, db)
    if found is None:
        raise HTTPException(303, headers={"Location": "/staff/login"})
    return found


async def supervisor(who: Annotated[Principal, Depends(staff)]) -> Principal:
    if not who.supervises:
        raise HTTPException(403, detail="supervisors and admins only")
    return who


Supervisor = Annotated[Principal, Depends(supervisor)]


async def token_holder(request: Request, db: Sessions) -> Principal:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            401, detail="an API token is needed", headers={"WWW-Authenticate": "Bearer"}
        )
    try:
        async with db.begin() as session:
            found = await auth.principal_for_token(session, token.strip())
    except auth.TokenRefused as exc:
        raise HTTPException(401, detail=str(exc), headers=BEARER) from exc
    if found is None:
        raise HTTPException(401, detail="unknown token", headers=BEARER)
    if not found.supervises:
        raise HTTPException(403, detail="supervisors and admins only")
    return found


def filters_of(
    since: date | None = None,
    until: date | None = None,
    cohort: list[str] | None = None,
    trainee_id: int | None = None,
    persona_type: str | None = None,
    language: str | None = None,
    mode: str | None = None,
    outcome: str | None = None,
) -> export.ExportFilters:
    # empty form fields arrive as "": they mean "any"
    return export.ExportFilters(
        since=since,
        until=until,
        cohorts=tuple(c for c in cohort or () if c),
        trainee_id=trainee_id,
        persona_type=persona_type or None,
        language=language or None,
        mode=mode or None,
        outcome=outcome or None,
    )


def _since_until(since: str | None = None, until: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in (("since", since), ("until", until)):
        if value:
            try:
                out[name] = date.fromisoformat(value)
            except ValueError as exc:
                raise HTTPException(422, detail=f"{name} must be a date (YYYY-MM-DD)") from exc
    return out


def filters_dep(
    request: Request,
    cohort: ids.CohortFilter = None,
    trainee_id: ids.QueryId = None,
    persona_type: str | None = None,
    language: str | None = None,
    mode: str | None = None,
    outcome: str | None = None,
) -> export.ExportFilters:
    dates = _since_until(request.query_params.get("since"), request.query_params.get("until"))
    return filters_of(
        cohort=cohort,
        trainee_id=trainee_id,
        persona_type=persona_type,
        language=language,
        mode=mode,
        outcome=outcome,
        **dates,
    )


Filters = Annotated[export.ExportFilters, Depends(filters_dep)]


def _check_cohort_filter(who: Principal, filters: export.ExportFilters, cohort_codes: dict) -> None:
    """Asking for another supervisor's cohort is refused, not silently emptied."""
    if who.sees_everything:
        return
    for code in filters.cohorts:
        cohort_id = cohort_codes.get(code)
        if cohort_id is None or cohort_id not in who.cohort_ids:
            raise HTTPException(403, detail=f"cohort {code!r} is not assigned to you")


async def _cohort_codes(db: async_sessionmaker) -> dict[str, int]:
    async with db() as session:
        rows = (await session.execute(select(Cohort.id, Cohort.invite_code))).all()
    codes = {code: cohort_id for cohort_id, code in rows}
    codes.update({str(cohort_id): cohort_id for cohort_id, _ in rows})
    return codes


def _page(request: Request, name: str, lang: str, who: Principal | None, **context: Any):
    labels = catalogue_labels()
    return templates.TemplateResponse(
        request,
        name,
        {
            "t": TEXT[lang],
            "lang": lang,
            "other_lang": "en" if lang == "zh" else "zh",
            "who": who,
            # the guidelines catalogue names dimensions, steps, outcomes and persona types
            "dimension_names": labels.names("dimensions", lang),
            "label": lambda kind, key: labels.label(kind, key, lang),
            **context,
        },
    )


# ---------------------------------------------------------------------------- sign-in


@router.get("/staff/login", response_class=HTMLResponse)
async def login_page(request: Request, lang: Lang) -> HTMLResponse:
    return _page(request, "login.html", lang, None, error=False)


def login_throttle(request: Request) -> auth.LoginThrottle:
    """One throttle per app (the gateway is one process), made on first use."""
    state = request.app.state
    if getattr(state, "login_throttle", None) is None:
        state.login_throttle = auth.LoginThrottle()
    return state.login_throttle


def _refused(request: Request, lang: str, status: int, seconds: float) -> Response:
    """429 with Retry-After and a message saying how long to wait, in the page's language."""
    wait = max(1, round(seconds))
    minutes = -(-wait // 60)
    text = TEXT[lang]["login_locked" if status == 429 else "login_busy"]
    message = text.format(seconds=wait, minutes=minutes)
    response = _page(request, "login.html", lang, None, error=True, error_text=message)
    response.status_code = status
    response.headers["Retry-After"] = str(wait)
    return response


@router.post("/staff/login")
async def login(
    request: Request,
    db: Sessions,
    lang: Lang,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    throttle = login_throttle(request)
    client = request.client.host if request.client else "unknown"
    name = name.strip()
    if (wait := throttle.retry_after(name, client)) > 0:
        return _refused(request, lang, 429, wait)
    try:
        async with db.begin() as session:
            who = await auth.authenticate(session, name, password)
    except auth.HashingBusy:
        return _refused(request, lang, 503, 5)
    if who is None:
        throttle.failed(name, client)
        response = _page(request, "login.html", lang, None, error=True)
        response.status_code = 401
        return response
    throttle.succeeded(name, client)
    request.session[STAFF_KEY] = who.user_id
    request.session[VERSION_KEY] = who.session_version
    target = "/staff/sessions" if who.supervises else "/personas"
    return RedirectResponse(target, status_code=303)


@router.post("/staff/logout")
async def logout(request: Request, db: Sessions) -> RedirectResponse:
    """Ends this sign-in and every other of the same account (copies of the cookie included)."""
    who = await signed_in_staff(request, db)
    if who is not None:
        async with db.begin() as session:
            await auth.end_sign_ins(session, who.user_id)
    request.session.pop(STAFF_KEY, None)
    request.session.pop(VERSION_KEY, None)
    return RedirectResponse("/staff/login", status_code=303)


@router.get("/staff")
async def staff_home() -> RedirectResponse:
    return RedirectResponse("/staff/sessions", status_code=303)


# ---------------------------------------------------------------------------- dashboard


def trainee_labels(trainees: list[Any]) -> dict[int, str]:
    """How the filter names each trainee: the display name, and where two share one (every
    Telegram user called 小李), the channel and the account number as well, so a supervisor can
    tell them apart."""
    counts = Counter(t.display_name for t in trainees)
    return {
        t.id: t.display_name
        if counts[t.display_name] == 1
        else f"{t.display_name} · {CHANNEL_NAMES.get(t.channel, t.channel)} #{t.id}"
        for t in trainees
    }


CHANNEL_NAMES = {"telegram": "Telegram", "web": "Web"}


@router.get("/staff/sessions", response_class=HTMLResponse)
async def sessions_page(
    request: Request, who: Supervisor, db: Sessions, lang: Lang, filters: Filters
) -> HTMLResponse:
    _check_cohort_filter(who, filters, await _cohort_codes(db))
    async with db() as session:
        items = await queries.sessions(session, who, filters)
        cohorts = await queries.cohorts(session, who)
        people = await queries.trainees(session, who)
    query = filters.query_string()
    return _page(
        request,
        "sessions.html",
        lang,
        who,
        items=items,
        cohorts=[c for c, _, _ in cohorts],
        trainees=[t for t, _, _ in people],
        trainee_labels=trainee_labels([t for t, _, _ in people]),
        filters=filters,
        persona_types=catalogue_labels().names("persona_types", lang),
        outcomes=catalogue_labels().names("outcomes", lang),
        export_query={fmt: urlencode({**query, "format": fmt}) for fmt in export.FORMATS},
    )


@router.get("/staff/cohorts", response_class=HTMLResponse)
async def cohorts_page(request: Request, who: Supervisor, db: Sessions, lang: Lang) -> HTMLResponse:
    async with db() as session:
        cohorts = await queries.cohorts(session, who)
        people = await queries.trainees(session, who)
    return _page(request, "cohorts.html", lang, who, cohorts=cohorts, trainees=people)


@router.get("/staff/sessions/{session_id}", response_class=HTMLResponse)
async def session_view(
    request: Request, session_id: ids.SessionId, who: Supervisor, db: Sessions, lang: Lang
) -> HTMLResponse:
    async with db() as session:
        page = await queries.session_page(session, who, session_id)
    catalogue = load_catalogue()
    statements = {gid: g.statement.get(lang, "") for gid, g in catalogue.guidelines.items()}
    return _page(
        request,
        "session.html",
        lang,
        who,
        page=page,
        statements=statements,
        five_steps=FIVE_STEPS,
        scorecard=page.practice.scorecard or {},
        # how the scorecard words "not observed" and its help (the rubric's catalogue)
        scorecard_texts=catalogue.scorecard,
    )


@router.post("/staff/turns/{turn_id}/override")
async def override_rating(
    turn_id: ids.PathId,
    who: Supervisor,
    db: Sessions,
    overall: Annotated[int, Form(ge=0, le=100)],
    comment: Annotated[str, Form(max_length=2000)],
) -> RedirectResponse:
    async with db.begin() as session:
        try:
            session_id = await queries.add_override(session, who, turn_id, overall, comment)
        except ValueError as exc:
            raise HTTPException(422, detail=str(exc)) from exc
    return RedirectResponse(f"/staff/sessions/{session_id}#turn-{turn_id}", status_code=303)


@router.get("/staff/sessions/{session_id}/mood.png")
async def session_mood(
    session_id: ids.SessionId, who: Supervisor, db: Sessions, lang: Lang
) -> Response:
    async with db() as session:
        page = await queries.session_page(session, who, session_id)
    mood = [mood_of(t.state) for t in page.turns if t.role == "customer"]
    png = await asyncio.to_thread(mood_chart_png, mood, lang)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/staff/trainees/{trainee_id}", response_class=HTMLResponse)
async def trainee_page(
    request: Request, trainee_id: ids.PathId, who: Supervisor, db: Sessions, lang: Lang
) -> HTMLResponse:
    async with db() as session:
        person = await queries.trainee(session, who, trainee_id)
        items = await queries.sessions(session, who, export.ExportFilters(trainee_id=trainee_id))
    return _page(request, "trainee.html", lang, who, person=person, items=items)


@router.get("/staff/trainees/{trainee_id}/progress.png")
async def trainee_progress(
    trainee_id: ids.PathId, who: Supervisor, db: Sessions, lang: Lang
) -> Response:
    async with db() as session:
        points = await queries.progress(session, who, trainee_id)
    names = catalogue_labels().names("dimensions", lang)
    png = await asyncio.to_thread(progress_chart_png, points, names, lang)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/staff/cohorts/{cohort_id}/weakest.png")
async def cohort_weakest(
    cohort_id: ids.PathId, who: Supervisor, db: Sessions, lang: Lang
) -> Response:
    async with db() as session:
        try:
            means = await queries.cohort_means(session, who, cohort_id)
        except queries.NotVisible as exc:
            raise HTTPException(403, detail="cohort not assigned to you") from exc
    labels = catalogue_labels()
    labelled = {labels.label("dimensions", d, lang): value for d, value in means.items()}
    png = await asyncio.to_thread(weakest_chart_png, labelled, lang)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


# ---------------------------------------------------------------------------- exports


async def _export(
    fmt: str, who: Principal, db: async_sessionmaker, filters: export.ExportFilters
) -> StreamingResponse:
    if fmt not in export.FORMATS:
        raise HTTPException(422, detail=f"format is one of {', '.join(export.FORMATS)}")
    _check_cohort_filter(who, filters, await _cohort_codes(db))
    name = export.filename(fmt)
    return StreamingResponse(
        await export.ready_chunks(fmt, db, who, filters),
        media_type=export.FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/staff/export")
async def dashboard_export(
    who: Supervisor, db: Sessions, filters: Filters, format: str = "xlsx"
) -> StreamingResponse:
    return await _export(format, who, db, filters)


@router.get("/api/export")
async def token_export(
    who: Annotated[Principal, Depends(token_holder)],
    db: Sessions,
    filters: Filters,
    format: str = "json",
) -> StreamingResponse:
    return await _export(format, who, db, filters)


# ---------------------------------------------------------------------------- persona library


@router.get("/personas", response_class=HTMLResponse)
async def persona_library(request: Request, db: Sessions, lang: Lang) -> Response:
    """For trainees signed in to the web chat and for signed-in staff."""
    who = await signed_in_staff(request, db)
    if who is None and await web_trainee(request.session, db) is None:
        return RedirectResponse("/staff/login", status_code=303)
    library = request.app.state.conversations.library
    personas = []
    for persona in library.list():
        summary = persona.summary()
        scenario = getattr(persona, "scenario", None) or {}
        summary["situation"] = scenario.get("situation") if who is not None else None
        personas.append(summary)
    personas.sort(key=lambda p: (p.get("type") or "", p.get("language") or "", p["id"]))
    return _page(request, "personas.html", lang, who, personas=personas)
