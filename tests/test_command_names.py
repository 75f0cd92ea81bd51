"""The command tree as Discord will see it: unique names, descriptions, sizes within limits."""

from __future__ import annotations

from typing import Any

from discord import app_commands

from bot.__main__ import build_bot
from bot.client import extension_names
from bot.settings import Settings


async def loaded_tree(tmp_path: Any) -> app_commands.CommandTree[Any]:
    bot = build_bot(Settings(discord_token="x", database_url=f"sqlite+aiosqlite:///{tmp_path}/t.db"))
    for name in extension_names():
        await bot.load_extension(name)
    await bot.db.dispose()
    return bot.tree


def walk(commands: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for command in commands:
        name = f"{prefix}{command.name}"
        found.append((name, command))
        if isinstance(command, app_commands.Group):
            found += walk(command.commands, prefix=name + " ")
    return found


async def test_no_two_commands_share_a_name(tmp_path: Any) -> None:
    tree = await loaded_tree(tmp_path)
    names = [name for name, _ in walk(tree.get_commands())]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert {"settings show", "meetup create", "meetup poll", "meetup finalize"} <= set(names)


async def test_every_command_and_option_is_described_within_discords_limits(tmp_path: Any) -> None:
    tree = await loaded_tree(tmp_path)
    for name, command in walk(tree.get_commands()):
        assert 1 <= len(command.description) <= 100, name
        if isinstance(command, app_commands.Command):
            assert len(command.parameters) <= 25
            for parameter in command.parameters:
                assert 1 <= len(parameter.description) <= 100, f"{name} {parameter.name}"
        if isinstance(command, app_commands.Group):
            assert len(command.commands) <= 25, name
