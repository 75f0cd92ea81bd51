"""Roles and member roles as Discord serves them: Manage Roles, the role hierarchy, and the events.

Discord's permission hierarchy: a bot may manage (create, delete, give, take away) only roles below
its own highest role, and never a managed role (a bot's or an integration's); without Manage Roles
every such route answers 50013. New roles are created at the bottom, just above @everyone.
"""

from __future__ import annotations

from typing import Any

from . import errors
from .answers import RestAnswer
from .events import member_update_payload, role_event_payload
from .models import Guild, Role
from .payloads import role_payload
from .permissions import Permission
from .rest_common import HandlerTable, require_guild_permissions
from .rest_server import RestRequest
from .state import EmulatorState

HANDLERS = HandlerTable()

# Discord does not publish its per-route numbers; the member-role routes are limited per server
# (guild_id is the major parameter), and these are what the emulator enforces unless a test sets others.
MEMBER_ROLE_ROUTES = (
    "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}",
    "DELETE /guilds/{guild_id}/members/{user_id}/roles/{role_id}",
)
MEMBER_ROLE_LIMIT = 20
MEMBER_ROLE_PER = 1.0


def bot_top_position(state: EmulatorState, guild: Guild) -> int:
    member = guild.members.get(state.bot_user.id)
    if member is None:
        return 0
    return max((guild.roles[r].position for r in member.role_ids if r in guild.roles), default=0)


def _require_manageable(state: EmulatorState, guild: Guild, role: Role) -> None:
    """50013 unless Manage Roles is held and the role is below the bot's highest role (and not managed)."""
    require_guild_permissions(state, guild.id, Permission.MANAGE_ROLES)
    is_owner = guild.owner_id == state.bot_user.id
    if role.managed or role.id == guild.id or (not is_owner and role.position >= bot_top_position(state, guild)):
        raise errors.missing_permissions()


@HANDLERS.route("add_guild_member_role")
async def add_guild_member_role(req: RestRequest) -> RestAnswer:
    return _change_member_role(req, add=True)


@HANDLERS.route("delete_guild_member_role")
async def delete_guild_member_role(req: RestRequest) -> RestAnswer:
    return _change_member_role(req, add=False)


def _change_member_role(req: RestRequest, *, add: bool) -> RestAnswer:
    state = req.emu.state
    guild_id = req.snowflake("guild_id")
    guild = state.guild(guild_id)
    role = state.role(guild_id, req.snowflake("role_id"))
    user_id = req.snowflake("user_id")
    member = state.member(guild_id, user_id)
    _require_manageable(state, guild, role)
    had = role.id in member.role_ids
    if add and not had:
        member.role_ids.append(role.id)
    elif not add and had:
        member.role_ids.remove(role.id)
    if had != add:
        req.emu.member_role_changes.append((guild_id, user_id, role.id, add))
        req.emu.gateway.dispatch(
            "GUILD_MEMBER_UPDATE",
            member_update_payload(state, guild_id, user_id),
            guild_id=guild_id,
            always=user_id == state.bot_user.id,
        )
        state.changes.touch()
    return RestAnswer(204, None)


@HANDLERS.route("create_guild_role")
async def create_guild_role(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    guild_id = req.snowflake("guild_id")
    require_guild_permissions(state, guild_id, Permission.MANAGE_ROLES)
    guild = state.guild(guild_id)
    body: dict[str, Any] = req.body or {}
    for other in guild.roles.values():
        if other.id != guild.id:
            other.position += 1
    role = Role(
        id=state.ids.next(),
        guild_id=guild_id,
        name=str(body.get("name") or "new role"),
        permissions=int(body.get("permissions") or 0),
        position=1,
        color=int(body.get("color") or 0),
        hoist=bool(body.get("hoist")),
        mentionable=bool(body.get("mentionable")),
    )
    guild.roles[role.id] = role
    req.emu.gateway.dispatch("GUILD_ROLE_CREATE", role_event_payload(state, guild_id, role.id), guild_id=guild_id)
    state.changes.touch()
    return RestAnswer(200, role_payload(role))


@HANDLERS.route("update_guild_role")
async def update_guild_role(req: RestRequest) -> RestAnswer:
    """Only a role's name and whether it may be mentioned are emulated; other changes are refused."""
    state = req.emu.state
    guild_id = req.snowflake("guild_id")
    guild = state.guild(guild_id)
    role = state.role(guild_id, req.snowflake("role_id"))
    body: dict[str, Any] = req.body or {}
    unsupported = set(body) - {"name", "mentionable"}
    if unsupported:
        raise errors.DiscordError(400, errors.GENERAL_ERROR, f"The emulator does not change {sorted(unsupported)}")
    _require_manageable(state, guild, role)
    if "name" in body:
        role.name = str(body["name"])
    if "mentionable" in body:
        role.mentionable = bool(body["mentionable"])
    req.emu.gateway.dispatch("GUILD_ROLE_UPDATE", role_event_payload(state, guild_id, role.id), guild_id=guild_id)
    state.changes.touch()
    return RestAnswer(200, role_payload(role))


@HANDLERS.route("delete_guild_role")
async def delete_guild_role(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    guild_id = req.snowflake("guild_id")
    guild = state.guild(guild_id)
    role = state.role(guild_id, req.snowflake("role_id"))
    _require_manageable(state, guild, role)
    del guild.roles[role.id]
    for member in guild.members.values():
        if role.id in member.role_ids:
            member.role_ids.remove(role.id)
    req.emu.gateway.dispatch(
        "GUILD_ROLE_DELETE", {"guild_id": str(guild_id), "role_id": str(role.id)}, guild_id=guild_id
    )
    state.changes.touch()
    return RestAnswer(204, None)
