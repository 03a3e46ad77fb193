"""Logging of the gateway (bot_gateway/log.py)."""

from __future__ import annotations

import io

import pytest
import structlog

from bot_gateway.log import configure_logging


@pytest.mark.parametrize("json", [False, True])
def test_a_logged_exception_is_a_plain_traceback_without_frame_locals(json: bool) -> None:
    """The rich default drew every frame's local variables: seconds of CPU on the event loop
    per logged error under load, which stalled every other request (make soak)."""
    configure_logging("INFO", json=json)
    out = io.StringIO()
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(out))
    try:
        secret_local = "a value only the frame's locals hold"  # noqa: F841
        raise ZeroDivisionError("the error")
    except ZeroDivisionError:
        structlog.get_logger("test").exception("it failed")
    structlog.reset_defaults()
    text = out.getvalue()
    assert "ZeroDivisionError" in text and "the error" in text
    assert "Traceback" in text
    assert "only the frame's locals hold" not in text
