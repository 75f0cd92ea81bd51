"""Resolve "settings timezone zone=..." against the registered command tree into interaction `data`."""

from __future__ import annotations

from typing import Any

from .interaction_payloads import Resolved
from .models import AppCommand, Attachment, Channel, Member, Role, User
from .state import EmulatorState

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11


class CommandNotRegistered(LookupError):
    """The test invoked a command (or subcommand) the bot never registered with Discord."""


def find_command(state: EmulatorState, name: str, guild_id: int | None, command_type: int = 1) -> AppCommand:
    """Guild commands shadow global ones of the same name, as in Discord's client."""
    candidates = [c for c in state.commands.values() if c.name == name and c.type == command_type]
    for command in sorted(candidates, key=lambda c: c.guild_id is None):
        if command.guild_id is None or command.guild_id == guild_id:
            return command
    registered = sorted(
        f"{c.name} ({'guild ' + str(c.guild_id) if c.guild_id else 'global'})" for c in state.commands.values()
    )
    raise CommandNotRegistered(
        f"command {name!r} (type {command_type}) is not registered for guild {guild_id}; "
        f"registered: {registered or 'none'}"
    )


def command_data(
    state: EmulatorState,
    command: AppCommand,
    path: list[str],
    values: dict[str, Any],
    resolved: Resolved,
    *,
    focused: str | None = None,
) -> dict[str, Any]:
    chain: list[dict[str, Any]] = []
    definitions: list[dict[str, Any]] = command.definition.get("options", [])
    for word in path:
        sub = next(
            (o for o in definitions if o["name"] == word and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)),
            None,
        )
        if sub is None:
            raise CommandNotRegistered(f"/{command.name} has no subcommand {word!r} under {_names(chain)}")
        chain.append(sub)
        definitions = sub.get("options", [])
    if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in definitions):
        names = [o["name"] for o in definitions]
        raise CommandNotRegistered(f"/{' '.join([command.name, *path])} is a group; name one of {names}")
    options = _leaf_options(definitions, values, resolved, focused=focused)
    for sub in reversed(chain):
        options = [{"name": sub["name"], "type": sub["type"], "options": options}]
    data: dict[str, Any] = {
        "id": str(command.id),
        "name": command.name,
        "type": command.type,
        "options": options,
    }
    if command.guild_id is not None:
        data["guild_id"] = str(command.guild_id)
    if resolved.data:
        data["resolved"] = resolved.data
    return data


def _names(chain: list[dict[str, Any]]) -> str:
    return " ".join(c["name"] for c in chain) or "the top level"


def _leaf_options(
    definitions: list[dict[str, Any]], values: dict[str, Any], resolved: Resolved, *, focused: str | None
) -> list[dict[str, Any]]:
    by_name = {o["name"]: o for o in definitions}
    unknown = set(values) - set(by_name)
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)}; the command takes {sorted(by_name)}")
    options = []
    for definition in definitions:
        name = definition["name"]
        if name not in values:
            if definition.get("required") and focused is None:
                raise ValueError(f"option {name!r} is required")
            continue
        if name == focused:
            options.append({"name": name, "type": definition["type"], "value": str(values[name]), "focused": True})
        else:
            options.append(
                {
                    "name": name,
                    "type": definition["type"],
                    "value": _convert(definition, values[name], resolved, autocomplete=focused is not None),
                }
            )
    return options


def _snowflake(value: Any) -> int:
    if isinstance(value, User | Role | Channel):
        return value.id
    if isinstance(value, Member):
        return value.user_id
    return int(value)


def _convert(definition: dict[str, Any], value: Any, resolved: Resolved, *, autocomplete: bool) -> Any:
    kind, name = definition["type"], definition["name"]
    converted: Any
    if kind == STRING:
        converted = str(value)
        _check_range(name, len(converted), definition.get("min_length"), definition.get("max_length"), "length")
    elif kind in (INTEGER, NUMBER):
        if isinstance(value, bool) or (kind == INTEGER and not isinstance(value, int)):
            raise ValueError(f"option {name!r} takes {'an integer' if kind == INTEGER else 'a number'}")
        converted = value if kind == INTEGER else float(value)
        # Discord's own bounds for integer and number options, below whatever the command sets.
        _check_range(name, converted, -DISCORD_NUMBER_LIMIT, DISCORD_NUMBER_LIMIT, "value")
        _check_range(name, converted, definition.get("min_value"), definition.get("max_value"), "value")
    elif kind == BOOLEAN:
        converted = bool(value)
    elif kind in (USER, CHANNEL, ROLE, MENTIONABLE):
        target = _snowflake(value)
        {
            USER: resolved.add_user,
            CHANNEL: resolved.add_channel,
            ROLE: resolved.add_role,
            MENTIONABLE: resolved.add_mentionable,
        }[kind](target)
        if kind == CHANNEL and definition.get("channel_types"):
            channel_type = resolved.state.channel(target).type
            if channel_type not in definition["channel_types"]:
                raise ValueError(f"option {name!r} takes channels of types {definition['channel_types']}")
        converted = str(target)
    elif kind == ATTACHMENT:
        attachment = value if isinstance(value, Attachment) else _attachment(resolved, value)
        resolved.add_attachment(attachment)
        converted = str(attachment.id)
    else:
        raise ValueError(f"option type {kind} is not supported")
    choices = definition.get("choices")
    if choices and not autocomplete and converted not in [c["value"] for c in choices]:
        raise ValueError(f"option {name!r} must be one of {[c['value'] for c in choices]}")
    return converted


def _attachment(resolved: Resolved, value: Any) -> Attachment:
    filename, data = value
    attachment = Attachment(
        id=resolved.state.ids.next(),
        filename=filename,
        data=bytes(data),
        content_type="application/octet-stream",
        ephemeral=True,
    )
    resolved.state.remember_attachments([attachment])
    return attachment


# "Any integer between -2^53+1 and 2^53-1" (Discord: application command option types).
DISCORD_NUMBER_LIMIT = 2**53 - 1


def _check_range(name: str, value: float, low: float | None, high: float | None, what: str) -> None:
    if low is not None and value < low:
        raise ValueError(f"option {name!r}: {what} {value} is below the minimum {low}")
    if high is not None and value > high:
        raise ValueError(f"option {name!r}: {what} {value} is above the maximum {high}")
