"""A wire-level Discord emulator: REST under /api/v10 and a websocket gateway, checked against Discord's spec.

emu = DiscordEmulator()
await emu.start()
guild = emu.create_guild("Seoul meetup")
channel = emu.create_text_channel(guild.id, "general")
alice = emu.create_member(guild.id, "alice")
# point discord.py at emu.api_base / emu.gateway_url, run the bot, then act:
ix = await emu.slash_command(guild.id, channel.id, alice.id, "meetup create", title="Dinner")
await ix.wait_response()
"""

from .command_options import CommandNotRegistered
from .control_client import EmulatorControlClient
from .discord_py import point_discord_py_at
from .emulator import DiscordEmulator
from .errors import DiscordError
from .interaction_handle import InteractionHandle, InteractionResponse
from .models import AppCommand, Channel, Guild, Member, MessageRecord, Role, User
from .permissions import DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, Permission
from .records import CallRecord, UnhandledRequest
from .schema import SchemaViolation

__all__ = [
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "AppCommand",
    "CallRecord",
    "Channel",
    "CommandNotRegistered",
    "DiscordEmulator",
    "DiscordError",
    "EmulatorControlClient",
    "Guild",
    "InteractionHandle",
    "InteractionResponse",
    "Member",
    "MessageRecord",
    "Permission",
    "Role",
    "SchemaViolation",
    "UnhandledRequest",
    "User",
    "point_discord_py_at",
]
