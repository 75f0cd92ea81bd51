"""Every REST route the emulator implements, keyed by the spec's operationId."""

from __future__ import annotations

from .rest_server import Handler


def all_handlers() -> dict[str, Handler]:
    from . import (
        rest_commands,
        rest_events,
        rest_guilds,
        rest_interactions,
        rest_messages,
        rest_pins,
        rest_roles,
        rest_threads,
    )

    handlers: dict[str, Handler] = {}
    modules = (
        rest_commands,
        rest_events,
        rest_guilds,
        rest_interactions,
        rest_messages,
        rest_pins,
        rest_roles,
        rest_threads,
    )
    for module in modules:
        overlap = set(handlers) & set(module.HANDLERS)
        assert not overlap, f"operations handled twice: {overlap}"
        handlers.update(module.HANDLERS)
    return handlers
