"""Run the emulator on its own: `python -m tests.emulator --port 8765 --seed demo`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys

from .emulator import DiscordEmulator
from .models import Guild
from .permissions import Permission, base_permissions, has
from .seed import SEEDS, seed_crowd


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", choices=sorted(SEEDS), help="populate the world with a ready-made community")
    parser.add_argument("--members", type=int, default=1000, help="members of the crowd seed")
    parser.add_argument("--deadline", type=float, default=3.0, help="interaction response deadline in seconds")
    parser.add_argument("--heartbeat-ms", type=int, default=41250)
    parser.add_argument("--no-validate", action="store_true", help="skip checking bodies against the spec")
    parser.add_argument("--json", action="store_true", help="print the connection details as one JSON line")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser.parse_args(argv)


def describe(emu: DiscordEmulator) -> dict[str, object]:
    return {
        "api_base": emu.api_base,
        "gateway_url": emu.gateway_url,
        "control_url": emu.control_url,
        "bot_token": emu.bot_token,
        "application_id": str(emu.application_id),
        "bot_user_id": str(emu.bot_user_id),
        "guilds": [
            {
                "id": str(g.id),
                "name": g.name,
                "channels": {c.name: str(c.id) for c in emu.state.guild_channels(g.id)},
                "roles": {r.name: str(r.id) for r in g.roles.values()},
                "members": {emu.state.users[m].username: str(m) for m in g.members},
                "organizers": organizers(emu, g),
            }
            for g in emu.state.guilds.values()
        ],
    }


def organizers(emu: DiscordEmulator, guild: Guild) -> dict[str, str]:
    """Members the bot takes for organizers by their server-level permissions (Manage Events, or
    more), with why; a role the bot is told to trust (/settings) is the bot's to know, not Discord's."""
    everyone = guild.roles[guild.id].permissions
    found = {}
    for member in guild.members.values():
        if member.user_id == emu.bot_user_id:
            continue
        roles = [guild.roles[r] for r in member.role_ids if r in guild.roles]
        granted = base_permissions(
            is_owner=member.user_id == guild.owner_id,
            everyone_permissions=everyone,
            role_permissions=[r.permissions for r in roles],
        )
        if not has(granted, Permission.MANAGE_EVENTS):
            continue
        giving = [
            r.name
            for r in roles
            if has(r.permissions, Permission.MANAGE_EVENTS) or has(r.permissions, Permission.ADMINISTRATOR)
        ]
        why = "server owner" if member.user_id == guild.owner_id else f"Manage Events through role {', '.join(giving)}"
        found[emu.state.users[member.user_id].username] = why
    return found


def _print_human(info: dict[str, object]) -> None:
    print("Discord emulator running")
    for key in ("api_base", "gateway_url", "control_url", "bot_token", "application_id", "bot_user_id"):
        print(f"  {key:15} {info[key]}")
    for guild in info["guilds"]:  # type: ignore[attr-defined]
        print(f"  guild {guild['name']!r}: {guild['id']}")
        for kind in ("channels", "roles", "members"):
            for name, snowflake in guild[kind].items():
                why = guild["organizers"].get(name) if kind == "members" else None
                print(f"    {kind[:-1]:8} {name:20} {snowflake}" + (f"  organizer ({why})" if why else ""))
    print(
        "Point the bot at it: DISCORD_TOKEN=<bot_token> DISCORD_API_BASE=<api_base> "
        "DISCORD_GATEWAY_URL=<gateway_url> scripts/run-bot\n"
        "Act as a member: python -m tests.emulator.act --port <port> --as <member> --channel <channel> "
        'slash "meetup create" title="Karaoke" when="tomorrow 19:00" (members and channels by name or id; '
        "--help for every verb)"
    )
    sys.stdout.flush()


async def _serve(args: argparse.Namespace) -> None:
    emu = DiscordEmulator(
        validate=not args.no_validate,
        interaction_deadline=args.deadline,
        heartbeat_interval_ms=args.heartbeat_ms,
    )
    if args.seed == "crowd":
        seed_crowd(emu, args.members)
    elif args.seed:
        SEEDS[args.seed](emu)
    await emu.start(args.host, args.port)
    info = describe(emu)
    if args.json:
        print(json.dumps(info), flush=True)
    else:
        _print_human(info)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await emu.stop()
    problems = emu.problems()
    print(f"stopped after {len(emu.calls)} calls; {len(problems)} problems", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
