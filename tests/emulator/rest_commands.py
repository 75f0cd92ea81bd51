"""Application command routes: global and guild scope, bulk overwrite and single commands."""

from __future__ import annotations

from typing import Any

from . import errors
from .answers import RestAnswer, no_content
from .message_content import strip_nulls
from .models import AppCommand
from .payloads import command_payload
from .rest_common import HandlerTable, require_bot_in_guild
from .rest_server import RestRequest
from .state import EmulatorState

HANDLERS = HandlerTable()


def _scope(req: RestRequest) -> int | None:
    """The guild id of a guild-scoped route (None for global commands), after Discord's access checks."""
    if req.snowflake("application_id") != req.emu.state.application_id:
        raise errors.missing_access()
    if "guild_id" not in req.params:
        return None
    guild_id = req.snowflake("guild_id")
    require_bot_in_guild(req.emu.state, guild_id)
    return guild_id


def commands_in_scope(state: EmulatorState, guild_id: int | None) -> list[AppCommand]:
    return [c for c in state.commands.values() if c.guild_id == guild_id]


def _command(req: RestRequest, guild_id: int | None) -> AppCommand:
    command = req.emu.state.commands.get(req.snowflake("command_id"))
    if command is None or command.guild_id != guild_id:
        raise errors.not_found(errors.UNKNOWN_APPLICATION_COMMAND, "application command")
    return command


def _upsert(state: EmulatorState, guild_id: int | None, definition: dict[str, Any]) -> tuple[AppCommand, bool]:
    """Store a definition; a command with the same name and type keeps its id (as Discord does)."""
    definition = strip_nulls(definition)
    definition.setdefault("type", 1)
    for existing in commands_in_scope(state, guild_id):
        if existing.name == definition["name"] and existing.type == definition["type"]:
            existing.definition = definition
            existing.version = state.ids.next()
            return existing, False
    command = AppCommand(
        id=state.ids.next(),
        application_id=state.application_id,
        guild_id=guild_id,
        version=state.ids.next(),
        definition=definition,
    )
    state.commands[command.id] = command
    return command, True


@HANDLERS.route("bulk_set_application_commands")
@HANDLERS.route("bulk_set_guild_application_commands")
async def bulk_set(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    guild_id = _scope(req)
    kept = [_upsert(state, guild_id, definition)[0] for definition in req.body or []]
    kept_ids = {c.id for c in kept}
    for command in commands_in_scope(state, guild_id):
        if command.id not in kept_ids:
            del state.commands[command.id]
    state.changes.touch()
    return RestAnswer(200, [command_payload(c) for c in kept])


@HANDLERS.route("list_application_commands")
@HANDLERS.route("list_guild_application_commands")
async def list_commands(req: RestRequest) -> RestAnswer:
    guild_id = _scope(req)
    return RestAnswer(200, [command_payload(c) for c in commands_in_scope(req.emu.state, guild_id)])


@HANDLERS.route("create_application_command")
@HANDLERS.route("create_guild_application_command")
async def create_command(req: RestRequest) -> RestAnswer:
    command, created = _upsert(req.emu.state, _scope(req), req.body or {})
    req.emu.state.changes.touch()
    return RestAnswer(201 if created else 200, command_payload(command))


@HANDLERS.route("get_application_command")
@HANDLERS.route("get_guild_application_command")
async def get_command(req: RestRequest) -> RestAnswer:
    return RestAnswer(200, command_payload(_command(req, _scope(req))))


@HANDLERS.route("update_application_command")
@HANDLERS.route("update_guild_application_command")
async def update_command(req: RestRequest) -> RestAnswer:
    command = _command(req, _scope(req))
    command.definition = {**command.definition, **strip_nulls(req.body or {})}
    command.version = req.emu.state.ids.next()
    req.emu.state.changes.touch()
    return RestAnswer(200, command_payload(command))


@HANDLERS.route("delete_application_command")
@HANDLERS.route("delete_guild_application_command")
async def delete_command(req: RestRequest) -> RestAnswer:
    command = _command(req, _scope(req))
    del req.emu.state.commands[command.id]
    req.emu.state.changes.touch()
    return no_content()
