"""HTTP and WebSocket routes of the web chat: they translate to the conversation service.

A trainee signs in with a name (and a cohort invite code if they have one); the signed session
cookie carries their id. The conversation itself runs over a WebSocket; the same steps are also
offered as plain JSON endpoints for scripts and for browsers that cannot keep a socket open.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Literal

import structlog
from fastapi import (
    APIRouter,
    Depends,
    HTTPException,
    Query,
    Request,
    WebSocket,
    WebSocketDisconnect,
)
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from bot_gateway import ids
from bot_gateway.charts import mood_chart_png
from bot_gateway.conversation import (
    MAX_REPLY_CHARS,
    ConversationError,
    ConversationService,
    TurnView,
)
from bot_gateway.labels import catalogue_labels
from bot_gateway.rasa_client import RasaUnavailable
from bot_gateway.web import limits
from bot_gateway.web.trainee_access import end_web_sign_in, web_trainee_on

log = structlog.get_logger(__name__)
router = APIRouter()
INDEX_PAGE = Path(__file__).resolve().parent / "templates" / "index.html"
UNAVAILABLE = {
    "zh": "模拟顾客暂时连接不上。你的回复已保存，恢复后会自动发送，请稍后再试。",
    "en": "The simulated customer is not reachable right now. Your reply is saved and will be "
    "delivered when it is back; try again in a moment.",
}


async def conversations(request: Request) -> ConversationService:
    # async: FastAPI runs a plain function dependency in a worker thread (a thread hand-off on
    # every request that takes the service)
    return request.app.state.conversations


Conversations = Annotated[ConversationService, Depends(conversations)]


async def signed_in(request: Request) -> int:
    # h3-access: checked against the database, so a cookie copied before sign-out is dead
    trainee_id = await web_trainee_on(request.session, request.app.state.conversations.db)
    if trainee_id is None:
        raise HTTPException(401, detail="Please sign in first.")
    return trainee_id


TraineeId = Annotated[int, Depends(signed_in)]


class SignInRequest(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    cohort_code: str = Field(default="", max_length=40)
    lang: Literal["zh", "en"] | None = None


class StartRequest(BaseModel):
    persona_id: ids.PersonaId
    mode: Literal["practice", "assessment"] = "practice"


MAX_REQUEST_CHARS = 20_000


class ReplyRequest(BaseModel):
    """What a reply request carries (documentation: the route reads it itself)."""

    text: str = Field(max_length=MAX_REQUEST_CHARS)


@router.get("/", response_class=HTMLResponse)
async def index() -> HTMLResponse:
    return HTMLResponse(INDEX_PAGE.read_text(encoding="utf-8"))


@router.get("/healthz")
async def healthz(request: Request) -> dict[str, Any]:
    return {"status": "ok", "rasa_ready": await request.app.state.rasa.is_ready()}


@router.post("/api/signin")
async def sign_in(body: SignInRequest, request: Request, service: Conversations) -> dict[str, Any]:
    # limited per client IP, per invite code and for wrong codes (bot_gateway/web/limits.py)
    limiter = request.app.state.signin_limiter
    ip = limits.client_ip(request.client)
    code = body.cohort_code.strip() or None
    await limiter.check(ip, code, limits.lang_of(request.headers, body.lang))
    web_id = request.session.get("web_id") or secrets.token_urlsafe(12)
    try:
        trainee_id = await service.register(
            "web", web_id, body.name.strip(), cohort_code=code, interface_lang=body.lang
        )
    except ConversationError as exc:
        if exc.code == "unknown_cohort":
            await limiter.failed(ip)
        raise
    request.session.update(web_id=web_id, trainee_id=trainee_id)
    return asdict(await service.trainee(trainee_id))


@router.post("/api/signout")
async def sign_out(request: Request, service: Conversations) -> dict[str, bool]:
    await end_web_sign_in(request.session, service.sessionmaker)  # h3-access
    request.session.clear()
    return {"signed_out": True}


@router.get("/api/me")
async def me(trainee_id: TraineeId, service: Conversations) -> dict[str, Any]:
    return asdict(await service.trainee(trainee_id))


@router.get("/api/labels")
async def labels() -> dict[str, Any]:
    """The guidelines catalogue's names of dimensions, steps, outcomes and persona types:
    {lang: {kind: {key: {"long", "short"}}}} (the web chat has no copy of its own)."""
    return catalogue_labels().as_json()


@router.get("/api/personas")
async def list_personas(
    service: Conversations,
    lang: str | None = None,
    persona_type: Annotated[str | None, Query(alias="type")] = None,
    difficulty: str | None = None,
) -> list[dict[str, Any]]:
    return service.personas(lang, persona_type, difficulty)


@router.get("/api/history")
async def history(trainee_id: TraineeId, service: Conversations) -> list[dict[str, Any]]:
    return [asdict(item) for item in await service.history(trainee_id, limit=30)]


@router.post("/api/sessions")
async def start_session(
    body: StartRequest, trainee_id: TraineeId, service: Conversations
) -> dict[str, Any]:
    # as asdict gives it, without its deep copy (TurnView.as_json)
    return (await service.start(trainee_id, body.persona_id, body.mode)).as_json()


@router.get("/api/sessions/{session_id}")
async def session_detail(
    session_id: ids.SessionId, trainee_id: TraineeId, service: Conversations
) -> dict[str, Any]:
    return asdict(await service.detail(session_id, trainee_id=trainee_id))


@router.get("/api/sessions/{session_id}/mood.png")
async def mood_chart(
    session_id: ids.SessionId, trainee_id: TraineeId, service: Conversations, lang: str = "en"
) -> Response:
    detail = await service.detail(session_id, trainee_id=trainee_id)
    png = await asyncio.to_thread(mood_chart_png, detail.mood, lang)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.post(
    "/api/sessions/{session_id}/replies",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": ReplyRequest.model_json_schema()}}
        }
    },
)
async def send_reply(
    session_id: ids.SessionId, request: Request, trainee_id: TraineeId, service: Conversations
) -> dict[str, Any]:
    return asdict(
        await service.reply(session_id, await _reply_text(request), trainee_id=trainee_id)
    )


async def _reply_text(request: Request) -> str:
    """The typed text of a reply request. Read here rather than by a model: whatever a browser
    can send (lone surrogates from a broken paste included) gets a clear answer, never a 500;
    the service decides what is a reply (conversation.clean_reply)."""
    try:
        body = json.loads(await request.body())
    except ValueError as exc:
        raise ConversationError("bad_request", 'Send JSON: {"text": "…"}.') from exc
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str):
        raise ConversationError("empty", "The reply is empty.")
    if len(text) > MAX_REQUEST_CHARS:
        raise ConversationError(
            "too_long", f"The reply has {len(text)} characters; keep it under {MAX_REPLY_CHARS}."
        )
    return text


@router.post("/api/sessions/{session_id}/hint")
async def hint(
    session_id: ids.SessionId, trainee_id: TraineeId, service: Conversations
) -> dict[str, str]:
    return {"hint": await service.hint(session_id, trainee_id=trainee_id)}


@router.post("/api/sessions/{session_id}/end")
async def end_session(
    session_id: ids.SessionId, trainee_id: TraineeId, service: Conversations
) -> dict[str, Any]:
    return asdict(await service.end(session_id, trainee_id=trainee_id))


# ---------------------------------------------------------------------------- WebSocket


class ChatSocket:
    """One browser tab talking to one practice session.

    Client → server: {"type": "reply", "text"} | {"type": "hint"} | {"type": "end"} |
    {"type": "retry"}. Server → client: {"type": "typing"} | {"type": "turn", ...TurnView} |
    {"type": "hint", "text"} | {"type": "error", "code", "message"}.
    The customer reacts on their own when the trainee stays silent for the persona's timeout.
    """

    def __init__(
        self, socket: WebSocket, service: ConversationService, trainee_id: int, session_id: str
    ) -> None:
        self.socket = socket
        self.service = service
        self.trainee_id = trainee_id
        self.session_id = session_id
        self.lang = "en"
        self.silence_timeout: float | None = None

    async def run(self) -> None:
        # The timer counts from the customer's last line in the database, so a reconnect or a
        # gateway restart neither restarts the wait nor forgets it.
        self.lang, self.silence_timeout, due = await self.service.opening(
            self.session_id, trainee_id=self.trainee_id
        )
        silent_for = due[1] if due else 0.0
        wait = max(0.0, due[0] - due[1]) if due else self.silence_timeout
        while True:
            try:
                if wait is not None:
                    message = await asyncio.wait_for(self._receive(), wait)
                else:
                    message = await self._receive()
            except TimeoutError:
                silent_for += wait or 0
                wait = self.silence_timeout
                if await self._step(
                    self.service.silence(self.session_id, silent_for, trainee_id=self.trainee_id)
                ):
                    return
                continue
            silent_for = 0.0
            wait = self.silence_timeout
            kind = message.get("type") if isinstance(message, dict) else None
            if kind == "reply":
                step = self.service.reply(
                    self.session_id, message.get("text"), trainee_id=self.trainee_id
                )
            elif kind == "end":
                step = self.service.end(self.session_id, trainee_id=self.trainee_id)
            elif kind == "retry":
                step = self.service.retry(self.session_id, trainee_id=self.trainee_id)
            elif kind == "hint":
                await self._hint()
                continue
            else:
                await self._error("bad_message", "Unknown message type.")
                continue
            if await self._step(step):
                return

    async def _receive(self) -> Any:
        """The next message; a frame that is not JSON becomes None (answered as unknown)."""
        frame = await self.socket.receive()
        if frame["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(frame.get("code", 1000))
        data = frame.get("text")
        if data is None:
            data = (frame.get("bytes") or b"").decode("utf-8", errors="replace")
        try:
            return json.loads(data)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            return None

    async def _step(self, step: Any) -> bool:
        """Run one conversation step; True when the session has ended."""
        await self.socket.send_json({"type": "typing"})
        try:
            view: TurnView | None = await step
        except ConversationError as exc:
            await self._error(exc.code, str(exc))
            return exc.code in {"ended", "unknown_session"}
        except RasaUnavailable:
            await self._error("customer_unavailable", UNAVAILABLE[self.lang])
            return False
        if view is None:
            await self.socket.send_json({"type": "idle"})
            return False
        await self.socket.send_json({"type": "turn", **view.as_json()})
        return view.ended

    async def _hint(self) -> None:
        try:
            text = await self.service.hint(self.session_id, trainee_id=self.trainee_id)
        except ConversationError as exc:
            await self._error(exc.code, str(exc))
            return
        await self.socket.send_json({"type": "hint", "text": text})

    async def _error(self, code: str, message: str) -> None:
        await self.socket.send_json({"type": "error", "code": code, "message": message})


@router.websocket("/ws/sessions/{session_id}")
async def chat_socket(socket: WebSocket, session_id: str) -> None:
    # h3-access: the same database check as signed_in
    trainee_id = await web_trainee_on(socket.session, socket.app.state.conversations.db)
    await socket.accept()
    if not isinstance(trainee_id, int):
        await socket.send_json({"type": "error", "code": "signed_out", "message": "Sign in."})
        await socket.close(code=4401)
        return
    chat = ChatSocket(socket, socket.app.state.conversations, trainee_id, session_id)
    try:
        await chat.run()
    except ConversationError as exc:
        await chat._error(exc.code, str(exc))
    except WebSocketDisconnect:
        return
    await socket.close()
