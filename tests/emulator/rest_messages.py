"""Message and reaction routes under /channels/{channel_id}/messages."""

from __future__ import annotations

from typing import Any

from . import errors
from .answers import RestAnswer, no_content
from .messages import parse_emoji
from .models import MessageRecord, emoji_key
from .payloads import message_payload, user_payload
from .permissions import P, has
from .rest_common import (
    HandlerTable,
    check_dm_allowed,
    require_channel_permissions,
    require_text_channel,
    visible_channel,
)
from .rest_server import RestRequest
from .rest_threads import unarchive_on_message

HANDLERS = HandlerTable()


def _answer(req: RestRequest, message: MessageRecord) -> RestAnswer:
    return RestAnswer(200, message_payload(req.emu.state, message, req.emu.messages.base_url))


def _visible_message(req: RestRequest) -> MessageRecord:
    """A message of the path's channel that the bot may see (ephemeral messages are only the user's)."""
    state = req.emu.state
    message = state.message(req.snowflake("channel_id"), req.snowflake("message_id"))
    if message.ephemeral_user_id is not None:
        raise errors.not_found(errors.UNKNOWN_MESSAGE, "Message")
    return message


@HANDLERS.route("create_message")
async def create_message(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    channel = state.channel(req.snowflake("channel_id"))
    require_text_channel(channel)
    body: dict[str, Any] = req.body or {}
    if channel.guild_id is not None:
        required = [P.SEND_MESSAGES_IN_THREADS if channel.is_thread else P.SEND_MESSAGES]
        if channel.is_thread and channel.locked and not has(state.bot_permissions_in(channel), P.MANAGE_THREADS):
            raise errors.DiscordError(400, errors.THREAD_LOCKED, "Thread is locked")
        if req.files:
            required.append(P.ATTACH_FILES)
        if body.get("message_reference"):
            required.append(P.READ_MESSAGE_HISTORY)
        require_channel_permissions(state, channel, *required)
    check_dm_allowed(state, channel)
    message = req.emu.messages.create(channel, state.bot_user.id, body, req.files)
    if channel.is_thread:
        unarchive_on_message(req, channel)
    return _answer(req, message)


@HANDLERS.route("list_messages")
async def list_messages(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    channel = visible_channel(state, req.snowflake("channel_id"))
    if channel.guild_id is not None and not has(state.bot_permissions_in(channel), P.READ_MESSAGE_HISTORY):
        return RestAnswer(200, [])
    limit = max(1, min(100, int(req.query.get("limit") or 50)))
    messages = [m for m in state.messages_in(channel.id) if m.ephemeral_user_id is None]
    if "before" in req.query:
        messages = [m for m in messages if m.id < int(req.query["before"])]
    if "after" in req.query:
        messages = [m for m in messages if m.id > int(req.query["after"])][:limit]
    if "around" in req.query:
        around = int(req.query["around"])
        older = [m for m in messages if m.id <= around][-(limit // 2 + limit % 2) :]
        newer = [m for m in messages if m.id > around][: limit // 2]
        messages = older + newer
    selected = messages[-limit:]
    return RestAnswer(200, [message_payload(state, m, req.emu.messages.base_url) for m in reversed(selected)])


@HANDLERS.route("get_message")
async def get_message(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    channel = visible_channel(state, req.snowflake("channel_id"))
    if channel.guild_id is not None:
        require_channel_permissions(state, channel, P.READ_MESSAGE_HISTORY)
    return _answer(req, _visible_message(req))


@HANDLERS.route("update_message")
async def update_message(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    visible_channel(state, req.snowflake("channel_id"))
    message = _visible_message(req)
    if message.author_id != state.bot_user.id:
        raise errors.DiscordError(
            403, errors.CANNOT_EDIT_OTHERS_MESSAGE, "Cannot edit a message authored by another user"
        )
    return _answer(req, req.emu.messages.edit(message, req.body or {}, req.files))


@HANDLERS.route("delete_message")
async def delete_message(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    channel = visible_channel(state, req.snowflake("channel_id"))
    message = _visible_message(req)
    if message.author_id != state.bot_user.id:
        require_channel_permissions(state, channel, P.MANAGE_MESSAGES)
    req.emu.messages.delete(message)
    return no_content()


@HANDLERS.route("add_my_message_reaction")
async def add_my_reaction(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    channel = visible_channel(state, req.snowflake("channel_id"))
    message = _visible_message(req)
    name, emoji_id = parse_emoji(req.params["emoji_name"])
    if channel.guild_id is not None:
        # Joining an existing reaction needs only READ_MESSAGE_HISTORY; a new emoji also ADD_REACTIONS.
        required = [P.READ_MESSAGE_HISTORY]
        if emoji_key(name, emoji_id) not in message.reactions:
            required.append(P.ADD_REACTIONS)
        require_channel_permissions(state, channel, *required)
    if len(message.reactions) >= 20 and emoji_key(name, emoji_id) not in message.reactions:
        raise errors.DiscordError(400, 30010, "Maximum number of reactions reached (20)")
    req.emu.messages.add_reaction(message, name, emoji_id, state.bot_user.id)
    return no_content()


@HANDLERS.route("delete_my_message_reaction")
async def delete_my_reaction(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    visible_channel(state, req.snowflake("channel_id"))
    message = _visible_message(req)
    name, emoji_id = parse_emoji(req.params["emoji_name"])
    req.emu.messages.remove_reaction(message, name, emoji_id, state.bot_user.id)
    return no_content()


@HANDLERS.route("delete_user_message_reaction")
async def delete_user_reaction(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    channel = visible_channel(state, req.snowflake("channel_id"))
    message = _visible_message(req)
    user_id = req.snowflake("user_id")
    if user_id != state.bot_user.id and channel.guild_id is not None:
        require_channel_permissions(state, channel, P.MANAGE_MESSAGES)
    name, emoji_id = parse_emoji(req.params["emoji_name"])
    req.emu.messages.remove_reaction(message, name, emoji_id, user_id)
    return no_content()


@HANDLERS.route("list_message_reactions_by_emoji")
async def list_reactions(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    channel = visible_channel(state, req.snowflake("channel_id"))
    if channel.guild_id is not None:
        require_channel_permissions(state, channel, P.READ_MESSAGE_HISTORY)
    message = _visible_message(req)
    name, emoji_id = parse_emoji(req.params["emoji_name"])
    reaction = message.reactions.get(emoji_key(name, emoji_id))
    if reaction is None:
        if emoji_id is not None:
            raise errors.not_found(errors.UNKNOWN_EMOJI, "Emoji")
        return RestAnswer(200, [])
    limit = max(1, min(100, int(req.query.get("limit") or 25)))
    after = int(req.query.get("after") or 0)
    user_ids = sorted(u for u in reaction.user_ids if u > after)[:limit]
    return RestAnswer(200, [user_payload(state.users[u]) for u in user_ids])
