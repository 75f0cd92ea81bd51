"""The `thread: on|off` option of /meetup create and /settings threads."""

from __future__ import annotations

from discord import app_commands

ON_OFF = [app_commands.Choice(name="on", value="on"), app_commands.Choice(name="off", value="off")]
THREAD_DESCRIPTION = "on: a thread on the meetup message with the Going members in it (default: the server's)"


def read_on_off(choice: app_commands.Choice[str] | None) -> bool | None:
    return None if choice is None else choice.value == "on"
