"""Read routes for the bot's own user and application, the gateway, guilds, channels, members, roles; DMs."""

from __future__ import annotations

from typing import Any

from . import errors
from .answers import RestAnswer
from .payloads import (
    application_payload,
    channel_payload,
    guild_payload,
    member_payload,
    role_payload,
    user_payload,
    user_pii_payload,
)
from .rest_common import HandlerTable, require_bot_in_guild, visible_channel
from .rest_server import RestRequest

HANDLERS = HandlerTable()


@HANDLERS.route("get_my_user")
async def get_my_user(req: RestRequest) -> RestAnswer:
    return RestAnswer(200, user_pii_payload(req.emu.state.bot_user))


@HANDLERS.route("get_user")
async def get_user(req: RestRequest) -> RestAnswer:
    return RestAnswer(200, user_payload(req.emu.state.user(req.snowflake("user_id"))))


@HANDLERS.route("get_my_oauth2_application")
@HANDLERS.route("get_my_application")
async def get_my_application(req: RestRequest) -> RestAnswer:
    return RestAnswer(200, application_payload(req.emu.state))


@HANDLERS.route("get_gateway")
async def get_gateway(req: RestRequest) -> RestAnswer:
    return RestAnswer(200, {"url": req.emu.gateway_url})


@HANDLERS.route("get_bot_gateway")
async def get_bot_gateway(req: RestRequest) -> RestAnswer:
    limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
    return RestAnswer(
        200, {"url": req.emu.gateway_url, "shards": req.emu.recommended_shards, "session_start_limit": limit}
    )


@HANDLERS.route("create_dm")
async def create_dm(req: RestRequest) -> RestAnswer:
    body: dict[str, Any] = req.body or {}
    try:
        recipient_id = int(body["recipient_id"])
    except (KeyError, TypeError, ValueError):
        raise errors.invalid_form_body(
            errors.field_error(["recipient_id"], "BASE_TYPE_REQUIRED", "This field is required")
        ) from None
    state = req.emu.state
    state.user(recipient_id)
    channel = state.dm_channel_for(recipient_id)
    state.changes.touch()
    return RestAnswer(200, channel_payload(state, channel))


@HANDLERS.route("get_guild")
async def get_guild(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    guild_id = req.snowflake("guild_id")
    require_bot_in_guild(state, guild_id)
    guild = state.guild(guild_id)
    payload = guild_payload(state, guild)
    if req.flag("with_counts"):
        payload.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
    return RestAnswer(200, payload)


@HANDLERS.route("list_guild_channels")
async def list_guild_channels(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    guild_id = req.snowflake("guild_id")
    require_bot_in_guild(state, guild_id)
    return RestAnswer(200, [channel_payload(state, c) for c in state.guild_channels(guild_id)])


@HANDLERS.route("get_guild_member")
async def get_guild_member(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    guild_id = req.snowflake("guild_id")
    require_bot_in_guild(state, guild_id)
    member = state.member(guild_id, req.snowflake("user_id"))
    return RestAnswer(200, member_payload(member, state.users[member.user_id]))


@HANDLERS.route("list_guild_roles")
async def list_guild_roles(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    guild_id = req.snowflake("guild_id")
    require_bot_in_guild(state, guild_id)
    roles = sorted(state.guild(guild_id).roles.values(), key=lambda r: r.position)
    return RestAnswer(200, [role_payload(r) for r in roles])


@HANDLERS.route("get_channel")
async def get_channel(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    return RestAnswer(200, channel_payload(state, visible_channel(state, req.snowflake("channel_id"))))
