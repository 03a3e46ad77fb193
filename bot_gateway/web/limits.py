"""Limits on what a client may send the gateway: body size, WebSocket message size, sign-in rate.

- **HTTP bodies** larger than ``MAX_BODY_BYTES`` are refused with 413 before the app reads them
  (by Content-Length, or while a chunked body streams in).
- **WebSocket messages**: the server itself (uvicorn's ``ws_max_size``, set from
  ``WS_MAX_MESSAGE_CHARS``, 4 bytes a character) closes the connection on a larger frame (close
  code 1009) without reading it whole; a message longer than ``WS_MAX_MESSAGE_CHARS`` characters
  is answered with a ``too_long`` error and dropped before the chat decodes it, and the
  conversation goes on. A 2,000-character reply (the reply limit) always fits.
- **Sign-in** (``POST /api/signin``, which creates trainees and checks invite codes) is limited
  per client IP, per invite code, and for wrong invite codes per client IP (code guessing); an
  excess gets 429 with a ``Retry-After`` header and a message in the trainee's language.

The counters live in this process (the ``limits`` library's moving windows in memory): with
several gateway replicas each one counts on its own. Behind a reverse proxy, uvicorn takes the
client IP from ``X-Forwarded-For`` only when the proxy's address is in ``FORWARDED_ALLOW_IPS``.
These settings have their own class (read from the environment, then ``.env``); the README's
configuration table lists them.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot_gateway.conversation import MAX_REPLY_CHARS

#: How many bytes one character may take in a UTF-8 WebSocket frame.
BYTES_PER_CHAR = 4


class LimitSettings(BaseSettings):
    """Environment variables (upper case) with these names; every one is optional."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    max_body_bytes: int = 1024 * 1024
    ws_max_message_chars: int = 8192
    signin_rate_per_ip: str = "30/minute;300/hour"
    signin_rate_per_code: str = "120/minute"
    signin_failures_per_ip: str = "10/15 minutes"

    @field_validator("signin_rate_per_ip", "signin_rate_per_code", "signin_failures_per_ip")
    @classmethod
    def _parses(cls, value: str) -> str:
        parse_many(value)  # ValueError names what is wrong
        return value

    @field_validator("max_body_bytes", "ws_max_message_chars")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1024:
            raise ValueError("must be at least 1024")
        return value

    @property
    def ws_max_frame_bytes(self) -> int:
        """uvicorn's ``ws_max_size``: the largest frame the server reads at all."""
        return self.ws_max_message_chars * BYTES_PER_CHAR


# ---------------------------------------------------------------------------- messages

TEXT = {
    "too_large": {
        "zh": "提交的内容太大了（上限 {limit} KB），请精简后再试。",
        "en": "What was sent is too large (the limit is {limit} KB); shorten it and try again.",
    },
    "rate_limited": {
        "zh": "登录尝试太频繁了，请 {wait} 后再试。",
        "en": "Too many sign-in attempts; try again in {wait}.",
    },
    "code_guessing": {
        "zh": "邀请码错误次数太多，请向培训师确认邀请码，{wait} 后再试。",
        "en": "Too many wrong invite codes; check the code with your trainer and try again "
        "in {wait}.",
    },
    "too_long": {
        "zh": f"回复太长了，请精简到 {MAX_REPLY_CHARS} 字以内。",
        "en": f"The reply is too long; keep it under {MAX_REPLY_CHARS} characters.",
    },
}


def lang_of(headers: dict[str, str] | Any, preferred: str | None = None) -> str:
    """The trainee's language: the one they chose, else the browser's first, else English."""
    if preferred in ("zh", "en"):
        return preferred
    accept = (headers.get("accept-language") or "").strip().lower()
    return "zh" if accept.startswith("zh") else "en"


def _wait_text(seconds: int, lang: str) -> str:
    if seconds < 90:
        return f"{seconds} 秒" if lang == "zh" else f"{seconds} seconds"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} 分钟" if lang == "zh" else f"{minutes} minutes"


def message(code: str, lang: str, **values: Any) -> str:
    return TEXT[code][lang].format(**values)


# ---------------------------------------------------------------------------- body size


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body outgrows the limit; an HTTPException so
    that FastAPI's body parsing passes it on (any other error there becomes a 400)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413)
        self.max_bytes = max_bytes

    def payload(self, headers: Any) -> dict[str, Any]:
        return too_large_payload(self.max_bytes, lang_of(headers))


def too_large_payload(max_bytes: int, lang: str) -> dict[str, Any]:
    return {
        "error": "too_large",
        "message": message("too_large", lang, limit=max_bytes // 1024),
        "limit_bytes": max_bytes,
    }


class BodySizeLimit:
    """ASGI middleware: 413 for an HTTP body over ``max_bytes``; WebSocket messages over
    ``ws_max_chars`` characters are answered with a ``too_long`` error and never reach the app."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, ws_max_chars: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.ws_max_chars = ws_max_chars

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self.app(scope, self._ws_receive(scope, receive, send), send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        declared = headers.get("content-length", "")
        if declared.isdecimal() and int(declared) > self.max_bytes:
            await self._refuse(headers, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(headers, send)

    async def _refuse(self, headers: dict[str, str], send: Send) -> None:
        payload = too_large_payload(self.max_bytes, lang_of(headers))
        body = json.dumps(payload, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _ws_receive(self, scope: Scope, receive: Receive, send: Send) -> Receive:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}

        async def limited_receive() -> Message:
            while True:
                message = await receive()
                if message["type"] != "websocket.receive":
                    return message
                text, data = message.get("text"), message.get("bytes")
                size = len(text) if text is not None else len(data or b"")
                if size <= self.ws_max_chars:
                    return message
                # too long to be a reply: say so, drop it unread, wait for the next message
                lang = lang_of(headers)
                error = {"type": "error", "code": "too_long", "message": TEXT["too_long"][lang]}
                await send(
                    {"type": "websocket.send", "text": json.dumps(error, ensure_ascii=False)}
                )

        return limited_receive


# ---------------------------------------------------------------------------- sign-in rate


class RateLimited(Exception):
    def __init__(self, code: str, retry_after: int, lang: str) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after
        self.lang = lang

    def payload(self) -> dict[str, Any]:
        wait = _wait_text(self.retry_after, self.lang)
        return {
            "error": "rate_limited",
            "reason": self.code,
            "message": message(self.code, self.lang, wait=wait),
            "retry_after": self.retry_after,
        }


class SignInLimiter:
    """Moving-window counters of sign-ins per client IP and per invite code, and of wrong
    invite codes per client IP."""

    def __init__(self, settings: LimitSettings) -> None:
        self.per_ip = parse_many(settings.signin_rate_per_ip)
        self.per_code = parse_many(settings.signin_rate_per_code)
        self.failures = parse_many(settings.signin_failures_per_ip)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def _retry_after(self, items: list[RateLimitItem], *keys: str) -> int:
        resets = []
        for item in items:
            stats = await self._limiter.get_window_stats(item, *keys)
            if stats.remaining <= 0:
                resets.append(stats.reset_time)
        return max(1, math.ceil(max(resets, default=time.time() + 1) - time.time()))

    async def _hit(self, items: list[RateLimitItem], *keys: str) -> bool:
        allowed = True
        for item in items:
            allowed = await self._limiter.hit(item, *keys) and allowed
        return allowed

    async def check(self, ip: str, code: str | None, lang: str) -> None:
        """Count one sign-in attempt; RateLimited when this IP or this code is over its limit,
        or this IP has given too many wrong codes."""
        if not await self._hit(self.per_ip, "signin-ip", ip):
            raise RateLimited(
                "rate_limited", await self._retry_after(self.per_ip, "signin-ip", ip), lang
            )
        if not code:
            return
        for item in self.failures:
            if not await self._limiter.test(item, "signin-failures", ip):
                wait = await self._retry_after(self.failures, "signin-failures", ip)
                raise RateLimited("code_guessing", wait, lang)
        key = code.casefold()
        if not await self._hit(self.per_code, "signin-code", key):
            raise RateLimited(
                "rate_limited", await self._retry_after(self.per_code, "signin-code", key), lang
            )

    async def failed(self, ip: str) -> None:
        """Count a wrong invite code from this IP."""
        await self._hit(self.failures, "signin-failures", ip)


def client_ip(scope_client: tuple[str, int] | None) -> str:
    """The client's address as uvicorn reports it (after X-Forwarded-For from a trusted proxy)."""
    return scope_client[0] if scope_client else "unknown"
