"""Pinning messages (PUT/DELETE/GET /channels/{channel_id}/messages/pins), with the system message."""

from __future__ import annotations

import datetime as dt

from . import errors
from .answers import RestAnswer, no_content
from .models import MessageRecord
from .payloads import message_payload
from .permissions import P, has
from .rest_common import HandlerTable, visible_channel
from .rest_server import RestRequest
from .snowflakes import iso, utc_now

HANDLERS = HandlerTable()
MAX_PINS = 250
CHANNEL_PINNED_MESSAGE = 6


def _pinnable(req: RestRequest) -> MessageRecord:
    """The path's message, after the check: PIN_MESSAGES (or, as before it existed, MANAGE_MESSAGES)."""
    state = req.emu.state
    channel = visible_channel(state, req.snowflake("channel_id"))
    if channel.guild_id is not None:
        permissions = state.bot_permissions_in(channel)
        if not (has(permissions, P.PIN_MESSAGES) or has(permissions, P.MANAGE_MESSAGES)):
            raise errors.missing_permissions()
    message = state.message(channel.id, req.snowflake("message_id"))
    if message.ephemeral_user_id is not None:
        raise errors.not_found(errors.UNKNOWN_MESSAGE, "Message")
    return message


def _announce(req: RestRequest, message: MessageRecord) -> None:
    data = {"channel_id": str(message.channel_id), "last_pin_timestamp": iso(message.pinned_at)}
    if message.guild_id is not None:
        data["guild_id"] = str(message.guild_id)
    req.emu.gateway.dispatch("CHANNEL_PINS_UPDATE", data, guild_id=message.guild_id)


@HANDLERS.route("create_pin")
async def create_pin(req: RestRequest) -> RestAnswer:
    message = _pinnable(req)
    if message.pinned:
        return no_content()
    pinned = [m for m in req.emu.state.messages_in(message.channel_id) if m.pinned]
    if len(pinned) >= MAX_PINS:
        raise errors.DiscordError(400, 30003, f"Maximum number of pins reached ({MAX_PINS})")
    message.pinned, message.pinned_at = True, utc_now()
    channel = req.emu.state.channels[message.channel_id]
    # Discord announces a pin with a system message that refers to the pinned one.
    req.emu.messages.create(
        channel,
        req.emu.state.bot_user.id,
        {"message_reference": {"message_id": message.id, "channel_id": message.channel_id}},
        message_type=CHANNEL_PINNED_MESSAGE,
        allow_empty=True,
    )
    _announce(req, message)
    return no_content()


@HANDLERS.route("delete_pin")
async def delete_pin(req: RestRequest) -> RestAnswer:
    message = _pinnable(req)
    if message.pinned:
        message.pinned, message.pinned_at = False, None
        _announce(req, message)
    return no_content()


@HANDLERS.route("list_pins")
async def list_pins(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    channel = visible_channel(state, req.snowflake("channel_id"))
    limit = max(1, min(50, int(req.query.get("limit") or 50)))
    pinned = sorted(
        (m for m in state.messages_in(channel.id) if m.pinned and m.pinned_at),
        key=lambda m: m.pinned_at or utc_now(),
        reverse=True,
    )
    if "before" in req.query:
        before = dt.datetime.fromisoformat(req.query["before"])
        pinned = [m for m in pinned if m.pinned_at is not None and m.pinned_at < before]
    items = [
        {"pinned_at": iso(m.pinned_at), "message": message_payload(state, m, req.emu.messages.base_url)}
        for m in pinned[:limit]
    ]
    return RestAnswer(200, {"items": items, "has_more": len(pinned) > limit})
