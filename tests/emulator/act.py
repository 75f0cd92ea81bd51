"""Act as a member of a running emulator from a terminal.

    python -m tests.emulator.act --port 8900 --as <user id> --channel <channel id> \\
        slash "meetup create" title="Karaoke" when="tomorrow 19:00" capacity=10
    python -m tests.emulator.act --port 8900 --as <user id> --channel <id> click <message id> meetup:rsvp:1:going
    python -m tests.emulator.act --port 8900 --as <user id> --channel <id> react <message id> ✅
    python -m tests.emulator.act --port 8900 --channel <id> messages

Each prints the emulator's JSON answer: the bot's reply, or the channel's messages.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from .control_client import EmulatorControlClient


def _options(pairs: list[str]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        options[name] = int(value) if value.isdigit() and len(value) < 12 else value
    return options


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.emulator.act", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--channel", required=True, help="channel id")
    parser.add_argument("--as", dest="user_id", help="the acting member's user id")
    parser.add_argument("--guild", help="guild id (default: the channel's)")
    sub = parser.add_subparsers(dest="action", required=True)
    slash = sub.add_parser("slash", help="run a slash command")
    slash.add_argument("command")
    slash.add_argument("options", nargs="*", help="name=value")
    click = sub.add_parser("click", help="click a button")
    click.add_argument("message_id")
    click.add_argument("custom_id")
    react = sub.add_parser("react", help="add (or --remove) a reaction")
    react.add_argument("message_id")
    react.add_argument("emoji")
    react.add_argument("--remove", action="store_true")
    sub.add_parser("messages", help="show the channel's messages")
    args = parser.parse_args(argv)
    if args.action != "messages" and not args.user_id:
        parser.error("--as <user id> is needed to act")
    return args


async def act(args: argparse.Namespace) -> Any:
    async with EmulatorControlClient(f"http://{args.host}:{args.port}") as client:
        if args.action == "slash":
            guild = args.guild or await _guild_of(client, args.channel)
            return await client.slash_command(
                guild, args.channel, args.user_id, args.command, _options(args.options), wait="final", timeout=10
            )
        if args.action == "click":
            return await client.click_button(
                args.channel, args.message_id, args.custom_id, args.user_id, wait="final", timeout=10
            )
        if args.action == "react":
            return await client.react(args.channel, args.message_id, args.emoji, args.user_id, remove=args.remove)
        return await client.channel_messages(args.channel)


async def _guild_of(client: EmulatorControlClient, channel_id: str) -> str | None:
    info = await client.info()
    for guild in info.get("guilds", []):
        if any(str(c.get("id")) == str(channel_id) for c in guild.get("channels", [])):
            return str(guild["id"])
    return None


def main(argv: list[str] | None = None) -> None:
    print(json.dumps(asyncio.run(act(parse_args(argv))), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
