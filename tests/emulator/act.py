"""Act as a member or an organizer of a running emulator, from a terminal.

    act="python -m tests.emulator.act --port 8900 --channel meetups"
    $act --as minji slash "meetup create" title="Karaoke" when="tomorrow 19:00" capacity=10
    $act --as minji slash "meetup create" title="Too small" when="tomorrow 19:00" capacity=-3
    $act --as minji autocomplete "meetup edit" meetup Karaoke     # the choices the bot suggests
    $act messages                                               # what the channel shows
    $act --as alice click <message id> Going                    # a button, by label or custom id
    $act --as alice vote <poll message id> works 1 3            # the poll's "works for me" menu
    $act --as alice vote <poll message id> if-need-be 2         # ... and its "if need be" menu
    $act --as minji pick <message id> present alice bruno       # a member picker (user select)
    $act --as alice select <message id> <menu> <value or label> ...
    $act --as alice react <message id> ✅   (--remove to take it back)
    $act --as minji modal <interaction id> field=value ...      # submit the form the bot opened
    $act download <message id> ./files                          # save a message's attachments
    $act commands                                               # the commands the bot registered

Members, channels and roles may be named (minji, meetups, #meetups, @Organizers) or given by id.
Slash options are typed by the command the bot registered: capacity=-3 is the integer -3,
shout=false a boolean, file=@agenda.pdf an attachment. Each verb prints the emulator's JSON
answer (the bot's reply with its content, embeds, components and choices); errors are one line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import aiohttp

from .act_world import (
    ActError,
    EmulatorWorld,
    all_components,
    find_button,
    find_menu,
    numbered_values,
    option_values,
)
from .control_client import EmulatorControlClient, EmulatorControlError

STRING_SELECT, USER_SELECT = 3, 5

POLL_MENUS = {"works": ("yes", 0), "if-need-be": ("if_need_be", 1)}  # custom id word, and place


class OneLineParser(argparse.ArgumentParser):
    """A mistake in the command line is told in one line, not with the whole usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = OneLineParser(
        prog="python -m tests.emulator.act", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8765, help="the emulator's port (default 8765)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--channel", help="channel id or name (default: the first text channel)")
    parser.add_argument("--as", dest="user", help="the acting member: user id or username")
    parser.add_argument("--guild", help="guild id or name (default: the channel's)")
    sub = parser.add_subparsers(dest="action", required=True)
    # Values come last and raw (REMAINDER): argparse would take "-3" or "-1h" for options.
    slash = sub.add_parser("slash", help="run a slash command")
    slash.add_argument("command", help='e.g. "meetup create"')
    slash.add_argument("options", nargs=argparse.REMAINDER, help="name=value ...")
    complete = sub.add_parser("autocomplete", help="type into an option and print the choices the bot suggests")
    complete.add_argument("command")
    complete.add_argument("focused", help="the option being typed into")
    complete.add_argument("typed", nargs="?", default="", help="what is typed so far")
    complete.add_argument("options", nargs=argparse.REMAINDER, help="other options already filled: name=value ...")
    click = sub.add_parser("click", help="click a button")
    click.add_argument("message_id")
    click.add_argument("button", help="its label (Going) or custom id")
    vote = sub.add_parser("vote", help="vote in a poll by option number")
    vote.add_argument("message_id")
    vote.add_argument("menu", choices=sorted(POLL_MENUS), help="works (for me) or if-need-be")
    vote.add_argument("numbers", nargs=argparse.REMAINDER, help="option numbers (1 is the first time)")
    pick = sub.add_parser("pick", help="pick members in a member picker (user select)")
    pick.add_argument("message_id")
    pick.add_argument("menu", help="custom id, or a word of its custom id or placeholder (present, absent)")
    pick.add_argument("members", nargs=argparse.REMAINDER, help="user ids or usernames")
    select = sub.add_parser("select", help="choose options of a menu (string select)")
    select.add_argument("message_id")
    select.add_argument("menu", help="custom id, or a word of its custom id or placeholder")
    select.add_argument("values", nargs=argparse.REMAINDER, help="values or labels")
    modal = sub.add_parser("modal", help="submit the modal an interaction was answered with")
    modal.add_argument("interaction_id")
    modal.add_argument("fields", nargs=argparse.REMAINDER, help="custom_id=value ...")
    react = sub.add_parser("react", help="add (or --remove) a reaction")
    react.add_argument("message_id")
    react.add_argument("emoji")
    react.add_argument("--remove", action="store_true")
    messages = sub.add_parser("messages", help="show the channel's messages")
    messages.add_argument("--deleted", action="store_true", help="deleted ones too")
    download = sub.add_parser("download", help="save a message's attachments into a folder")
    download.add_argument("message_id")
    download.add_argument("folder", type=Path)
    sub.add_parser("commands", help="list the commands the bot registered")
    args = parser.parse_args(argv)
    if args.action not in ("messages", "download", "commands") and not args.user:
        parser.error("--as <member> is needed to act")
    return args


@dataclass
class Acting:
    """Who acts where, read from what was typed."""

    client: EmulatorControlClient
    world: EmulatorWorld
    args: argparse.Namespace
    guild_id: str
    channel_id: str

    @property
    def user_id(self) -> str:
        return self.world.user(self.args.user, self.guild_id)


async def act(args: argparse.Namespace) -> Any:
    async with EmulatorControlClient(f"http://{args.host}:{args.port}") as client:
        world = EmulatorWorld(guilds=(await client.info())["guilds"], commands=await client.commands())
        if args.action == "commands":
            return world.commands
        guild_id, channel_id = world.channel(args.channel)
        return await VERBS[args.action](
            Acting(client, world, args, world.guild(args.guild) if args.guild else guild_id, channel_id)
        )


async def _slash(a: Acting) -> Any:
    options = a.world.typed_options(a.args.command, a.args.options, a.guild_id)
    return await a.client.slash_command(
        a.guild_id, a.channel_id, a.user_id, a.args.command, options, wait="final", timeout=10
    )


async def _autocomplete(a: Acting) -> Any:
    options = a.world.typed_options(a.args.command, a.args.options, a.guild_id)
    return await a.client.autocomplete(
        a.guild_id, a.channel_id, a.user_id, a.args.command, focused=a.args.focused, value=a.args.typed, options=options
    )


async def _modal(a: Acting) -> Any:
    fields = dict(pair.partition("=")[::2] for pair in a.args.fields)
    return await a.client.submit_modal(a.args.interaction_id, fields, wait="final")


async def _react(a: Acting) -> Any:
    return await a.client.react(a.channel_id, a.args.message_id, a.args.emoji, a.user_id, remove=a.args.remove)


async def _click(a: Acting) -> Any:
    message = await _message(a.client, a.channel_id, a.args.message_id)
    custom_id = find_button(message, a.args.button)
    return await a.client.click_button(a.channel_id, message["id"], custom_id, a.user_id, wait="final", timeout=10)


async def _choose(a: Acting) -> Any:
    message = await _message(a.client, a.channel_id, a.args.message_id)
    custom_id, values = _menu_choice(a.args, message, a.world, a.guild_id)
    return await a.client.select(a.channel_id, message["id"], custom_id, values, a.user_id, wait="final")


def _menu_choice(
    args: argparse.Namespace, message: dict[str, Any], world: EmulatorWorld, guild_id: str
) -> tuple[str, list[str]]:
    """The menu a vote, pick or select is made in, and the values chosen."""
    if args.action == "vote":
        word, place = POLL_MENUS[args.menu]
        menus = _string_menus(message)
        menu = next((m for m in menus if str(m.get("custom_id")).endswith(f":{word}")), None)
        if menu is None and len(menus) > place:
            menu = menus[place]  # a poll's menus: "works for me" first, "if need be" second
        if menu is None:
            raise ActError(f"message {message['id']} has no poll menus")
        return str(menu["custom_id"]), numbered_values(menu, args.numbers)
    if args.action == "pick":
        menu = find_menu(message, args.menu, (USER_SELECT,))
        return str(menu["custom_id"]), [world.user(m, guild_id) for m in args.members]
    menu = find_menu(message, args.menu, (STRING_SELECT,))
    return str(menu["custom_id"]), option_values(menu, args.values)


def _string_menus(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in all_components(message.get("components", [])) if c.get("type") == STRING_SELECT]


async def _messages(a: Acting) -> Any:
    if not a.args.deleted:
        return await a.client.channel_messages(a.channel_id)
    return await a.client.channel_messages(a.channel_id, include_deleted=True)


async def _message(client: EmulatorControlClient, channel_id: str, message_id: str) -> dict[str, Any]:
    """A message of the channel, private replies included (a member picker lives on one)."""
    for message in await client.channel_messages(channel_id):
        if message["id"] == message_id:
            return message
    raise ActError(f"no message {message_id} in channel {channel_id} (deleted, or in another channel?)")


async def _download(a: Acting) -> list[str]:
    client, channel_id, message_id, folder = a.client, a.channel_id, a.args.message_id, a.args.folder
    message = await _message(client, channel_id, message_id)
    if not message["attachments"]:
        raise ActError(f"message {message_id} has no attachments")
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for attachment in message["attachments"]:
        data = await client.attachment(f"/attachments/{channel_id}/{attachment['id']}/{quote(attachment['filename'])}")
        target = folder / Path(attachment["filename"]).name  # never outside the folder
        target.write_bytes(data)
        saved.append(str(target))
    return saved


VERBS: dict[str, Callable[[Acting], Awaitable[Any]]] = {
    "slash": _slash,
    "autocomplete": _autocomplete,
    "click": _click,
    "vote": _choose,
    "pick": _choose,
    "select": _choose,
    "modal": _modal,
    "react": _react,
    "messages": _messages,
    "download": _download,
}


def _one_line(error: BaseException) -> str:
    """An error as one line: the emulator's own message where it gave one."""
    text = str(error)
    if isinstance(error, EmulatorControlError) and "{" in text:
        head, _, body = text.partition(" {")
        try:
            answer = json.loads("{" + body.replace("'", '"'))
        except ValueError:
            answer = None
        if isinstance(answer, dict):
            text = f"{head} {answer.get('error') or answer.get('message') or answer}"
    return " ".join(text.split())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        answer = asyncio.run(act(args))
    except aiohttp.ClientConnectorError:
        where = f"{args.host}:{args.port}"
        print(
            f"act: cannot reach the emulator at {where}; is it running? (scripts/emulator --port {args.port})",
            file=sys.stderr,
        )
        return 1
    except (ActError, EmulatorControlError, aiohttp.ClientError, OSError, TimeoutError) as error:
        print(f"act: {_one_line(error) or type(error).__name__}", file=sys.stderr)
        return 1
    print(json.dumps(answer, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
