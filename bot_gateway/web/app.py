"""FastAPI application factory: the web chat page and its JSON API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from bot_gateway import metrics, rasa_pool  # h8-scale: several Rasa servers, /metrics
from bot_gateway.config import Settings, get_settings
from bot_gateway.conversation import ConversationError, ConversationService
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.rasa_client import RasaUnavailable
from bot_gateway.supervisor import queries as supervisor_queries
from bot_gateway.supervisor import routes as supervisor_routes
from bot_gateway.web import routes
from bot_gateway.web.limits import (
    BodySizeLimit,
    BodyTooLarge,
    LimitSettings,
    RateLimited,
    SignInLimiter,
)
from bot_gateway.web.origin import OriginCheck
from personas import PersonaLibrary

WEB_DIR = Path(__file__).resolve().parent

ERROR_STATUS = {"unknown_persona": 404, "unknown_session": 404, "ended": 409}


def create_app(settings: Settings | None = None, limits: LimitSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    limits = limits or LimitSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        token = settings.rasa_auth_token
        rasa = rasa_pool.connect(
            settings.rasa_url,
            timeout=settings.rasa_timeout_seconds,
            auth_token=token.get_secret_value() if token else None,
        )
        app.state.rasa = rasa
        # the files on disk are looked at once a second at most, as the action server does:
        # a stat of every persona file on each session start and chat opening was ~3 % of
        # the gateway's CPU under make bench's capacity load (py-spy)
        library = PersonaLibrary(
            settings.persona_library_dir,
            types_root=settings.persona_types_dir,
            recheck_seconds=1.0,
        )
        service = ConversationService(rasa, create_sessionmaker(engine), library)
        app.state.conversations = service
        stop_telegram = None
        if settings.telegram_bot_token:
            from bot_gateway.telegram import start_telegram

            # Long polling, or a webhook route on this app when TELEGRAM_WEBHOOK_URL is set.
            stop_telegram = await start_telegram(app, settings, service)
        try:
            yield
        finally:
            if stop_telegram is not None:
                await stop_telegram()
            await rasa.aclose()
            await service.aclose()
            await engine.dispose()

    app = FastAPI(title="Counterpart gateway", lifespan=lifespan)
    app.state.settings = settings
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="counterpart_session",
        same_site="lax",
        https_only=settings.environment == "production",
    )
    # a cross-site request is refused before the session cookie is even read
    app.add_middleware(OriginCheck, trusted_origins=settings.trusted_origin_list)
    # outermost (added last): an oversized body or WebSocket message is refused before anything
    # reads it
    app.add_middleware(
        BodySizeLimit, max_bytes=limits.max_body_bytes, ws_max_chars=limits.ws_max_message_chars
    )
    app.state.limits = limits
    app.state.signin_limiter = SignInLimiter(limits)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.include_router(routes.router)
    app.include_router(supervisor_routes.router)
    metrics.mount(app)  # h8-scale: Prometheus metrics at /metrics

    @app.exception_handler(ConversationError)
    async def _conversation_error(_request: Request, exc: ConversationError) -> JSONResponse:
        return JSONResponse(
            {"error": exc.code, "message": str(exc)}, status_code=ERROR_STATUS.get(exc.code, 400)
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own 422, without echoing the offending input back (it may be huge)
        errors = [{k: v for k, v in e.items() if k not in ("input", "url")} for e in exc.errors()]
        return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)

    @app.exception_handler(RateLimited)
    async def _rate_limited(_request: Request, exc: RateLimited) -> JSONResponse:
        return JSONResponse(
            exc.payload(), status_code=429, headers={"Retry-After": str(exc.retry_after)}
        )

    @app.exception_handler(BodyTooLarge)
    async def _body_too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        # raised while FastAPI reads a streamed body that outgrows the limit
        return JSONResponse(exc.payload(request.headers), status_code=413)

    @app.exception_handler(supervisor_queries.NotVisible)
    async def _not_visible(_request: Request, _exc: Exception) -> JSONResponse:
        # Out of a supervisor's cohorts and nonexistent look the same, so ids cannot be probed.
        return JSONResponse({"detail": "Not found."}, status_code=404)

    @app.exception_handler(RasaUnavailable)
    async def _rasa_unavailable(_request: Request, _exc: RasaUnavailable) -> JSONResponse:
        return JSONResponse(
            {"error": "customer_unavailable", "message": routes.UNAVAILABLE["en"]},
            status_code=503,
        )

    return app
