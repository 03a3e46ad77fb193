"""Per-chat silence timers: when the trainee stays quiet for the persona's timeout, the customer
reacts (a nudge, or leaving) through the service's silence event.

A timer starts after each customer line and is cancelled by the trainee's next message. When it
fires it takes the chat's event lock (the Dispatcher's event isolation), so a silence reaction and
a trainee reply never run at the same time; a timer cancelled while it waited for the lock drops.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

import structlog
from aiogram import Bot
from aiogram.fsm.storage.base import StorageKey

from bot_gateway.conversation import ConversationError, ConversationService, RasaUnavailable
from bot_gateway.telegram.delivery import send_turn

log = structlog.get_logger(__name__)


class ChatLock(Protocol):
    def lock(self, key: StorageKey) -> AbstractAsyncContextManager[None]: ...


@dataclass(frozen=True)
class Watched:
    bot: Bot
    chat_id: int
    user_id: int
    session_id: str
    trainee_id: int
    lang: str


class SilenceWatch:
    def __init__(self, service: ConversationService, isolation: ChatLock) -> None:
        self.service = service
        self.isolation = isolation
        self._timers: dict[int, asyncio.Task[None]] = {}
        self._timeouts: dict[str, float] = {}  # session id → the persona's silence timeout

    def remember_timeout(self, session_id: str, seconds: float | None) -> None:
        if seconds:
            self._timeouts[session_id] = float(seconds)

    def cancel(self, chat_id: int) -> None:
        timer = self._timers.pop(chat_id, None)
        if timer is not None:
            timer.cancel()

    def armed(self, chat_id: int) -> bool:
        return chat_id in self._timers

    async def arm(self, watched: Watched, *, already_silent: float = 0.0) -> None:
        """(Re)start the chat's timer with the timeout of the session's persona; a trainee who
        has already been silent for `already_silent` seconds is waited for that much less."""
        self.cancel(watched.chat_id)
        try:
            seconds = await self._timeout(watched.session_id, watched.trainee_id)
        except Exception as exc:  # the reply already went out; only the timer is lost
            log.warning("telegram.silence_unarmed", session=watched.session_id, error=str(exc))
            return
        if not seconds or seconds <= 0:
            return
        self._timers[watched.chat_id] = asyncio.create_task(
            self._wait(watched, max(0.0, seconds - already_silent), seconds),
            name=f"silence-{watched.chat_id}",
        )

    async def rearm(self, bot: Bot) -> int:
        """At start: a timer for every Telegram session whose customer spoke last, counting
        from that line in the database (timers live in memory and a restart loses them)."""
        armed = 0
        try:
            waiting = await self.service.waiting_sessions("telegram")
        except Exception as exc:
            log.warning("telegram.silence_not_rearmed", error=str(exc))
            return 0
        for session_id, trainee_id, external_id in waiting:
            try:
                due = await self.service.silence_due(session_id, trainee_id=trainee_id)
                if due is None or not external_id.lstrip("-").isdigit():
                    continue
                trainee = await self.service.trainee(trainee_id)
            except (ConversationError, RasaUnavailable):
                continue
            timeout, silent = due
            self.remember_timeout(session_id, timeout)
            chat = int(external_id)  # a private chat's id is its user's id
            watched = Watched(bot, chat, chat, session_id, trainee_id, trainee.interface_lang)
            await self.arm(watched, already_silent=silent)
            armed += 1
        log.info("telegram.silence_rearmed", timers=armed)
        return armed

    async def close(self) -> None:
        timers = list(self._timers.values())
        self._timers.clear()
        for timer in timers:
            timer.cancel()
        await asyncio.gather(*timers, return_exceptions=True)

    async def _timeout(self, session_id: str, trainee_id: int) -> float | None:
        if session_id not in self._timeouts:
            # A session started before a restart: ask the service for its persona's timeout.
            seconds = await self.service.silence_timeout(session_id, trainee_id=trainee_id)
            self.remember_timeout(session_id, seconds)
        return self._timeouts.get(session_id)

    async def _wait(self, watched: Watched, wait: float, seconds: float) -> None:
        await asyncio.sleep(wait)
        me = asyncio.current_task()
        key = StorageKey(bot_id=watched.bot.id, chat_id=watched.chat_id, user_id=watched.user_id)
        async with self.isolation.lock(key):
            if self._timers.get(watched.chat_id) is not me:
                return  # the trainee wrote (or the timer was re-armed) while we waited
            del self._timers[watched.chat_id]
            try:
                view = await self.service.silence(
                    watched.session_id, seconds, trainee_id=watched.trainee_id
                )
                await send_turn(
                    watched.bot,
                    watched.chat_id,
                    view,
                    watched.lang,
                    service=self.service,
                    trainee_id=watched.trainee_id,
                )
            except (ConversationError, RasaUnavailable) as exc:
                # Session ended meanwhile, or the customer is unreachable: stay quiet.
                log.info("telegram.silence_skipped", chat=watched.chat_id, error=str(exc))
                return
            except Exception:
                log.exception("telegram.silence_failed", chat=watched.chat_id)
                return
            if not view.ended:
                # The customer waits again; a second silence lets the persona escalate or leave.
                await self.arm(watched)
