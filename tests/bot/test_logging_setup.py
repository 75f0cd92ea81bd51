from __future__ import annotations

import io
import logging

from bot.logging_setup import JsonLinesFormatter, SecretRedactingFilter

TOKEN = "MTIz.secret-token.value"


def _log_through_filter(message: str, *args: object, exc: BaseException | None = None) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SecretRedactingFilter([TOKEN]))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        if exc is not None:
            try:
                raise exc
            except BaseException:
                logger.exception(message, *args)
        else:
            logger.warning(message, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_token_in_arguments_is_redacted() -> None:
    out = _log_through_filter("headers %s", {"Authorization": f"Bot {TOKEN}"})
    assert TOKEN not in out
    assert "[redacted]" in out


def test_token_in_a_traceback_is_redacted() -> None:
    out = _log_through_filter("failed", exc=RuntimeError(f"bad token {TOKEN}"))
    assert TOKEN not in out
    assert "RuntimeError" in out


def test_json_lines_have_level_logger_and_message() -> None:
    record = logging.LogRecord("bot.x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    line = JsonLinesFormatter().format(record)
    assert '"message": "hello world"' in line
    assert '"level": "INFO"' in line
