"""What most handlers need first: a registered trainee and their running practice session.

Both raise the service's own ConversationError, so the errors router answers in one place.
"""

from __future__ import annotations

from bot_gateway.conversation import ConversationError, ConversationService, TraineeView


def registered(trainee: TraineeView | None) -> TraineeView:
    if trainee is None:
        raise ConversationError("unknown_trainee", "Please send /start first.")
    return trainee


async def running_session(service: ConversationService, trainee: TraineeView) -> str:
    session_id = await service.active_session(trainee.id)
    if session_id is None:
        raise ConversationError("no_session", "No practice is running.")
    return session_id
