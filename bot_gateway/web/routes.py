"""HTTP routes of the web chat: they translate HTTP to the conversation service."""

from __future__ import annotations

import secrets
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from bot_gateway.conversation import ConversationService

router = APIRouter()
INDEX_PAGE = Path(__file__).resolve().parent / "templates" / "index.html"


def conversations(request: Request) -> ConversationService:
    return request.app.state.conversations


Conversations = Annotated[ConversationService, Depends(conversations)]


class StartRequest(BaseModel):
    persona_id: str
    mode: Literal["practice", "assessment"] = "practice"
    name: str = Field(default="", max_length=120)


class ReplyRequest(BaseModel):
    text: str = Field(max_length=20_000)


async def _trainee_id(request: Request, service: ConversationService, name: str) -> int:
    web_id = request.session.setdefault("web_id", secrets.token_urlsafe(12))
    trainee_id = await service.register("web", web_id, name.strip() or "web trainee")
    request.session["trainee_id"] = trainee_id
    return trainee_id


@router.get("/", response_class=HTMLResponse)
async def index() -> HTMLResponse:
    return HTMLResponse(INDEX_PAGE.read_text(encoding="utf-8"))


@router.get("/healthz")
async def healthz(request: Request) -> dict[str, Any]:
    return {"status": "ok", "rasa_ready": await request.app.state.rasa.is_ready()}


@router.get("/api/personas")
async def list_personas(service: Conversations, lang: str | None = None) -> list[dict[str, Any]]:
    return service.personas(lang)


@router.post("/api/sessions")
async def start_session(
    body: StartRequest, request: Request, service: Conversations
) -> dict[str, Any]:
    trainee_id = await _trainee_id(request, service, body.name)
    return asdict(await service.start(trainee_id, body.persona_id, body.mode))


@router.post("/api/sessions/{session_id}/replies")
async def send_reply(
    session_id: str, body: ReplyRequest, request: Request, service: Conversations
) -> dict[str, Any]:
    owner = request.session.get("trainee_id")
    return asdict(await service.reply(session_id, body.text, trainee_id=owner))


@router.post("/api/sessions/{session_id}/end")
async def end_session(session_id: str, request: Request, service: Conversations) -> dict[str, Any]:
    owner = request.session.get("trainee_id")
    return asdict(await service.end(session_id, trainee_id=owner))
