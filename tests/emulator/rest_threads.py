"""Thread routes: start a thread from a message, its members, archiving it (PATCH /channels/{id}) and
deleting it (DELETE /channels/{id}, with Manage Threads).

As Discord documents them: a thread started from a message shares the message's id, so a message
has at most one; it needs Create Public Threads in the parent (a text or announcement channel, not
a thread, forum or voice channel). Adding a member needs the right to send messages in the thread
and a thread that is not archived, answers 204 whether or not the user was already in it, and
pings nobody. Archiving needs Manage Threads, or being the thread's creator (the help centre's
Threads Moderation FAQ: a creator may archive their thread; the API reference names only Manage
Threads), reopening one that is not locked only Send Messages, and an archived thread changes
only by being reopened; sending a message to an archived thread that is not locked unarchives it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import errors
from .answers import RestAnswer, no_content
from .models import Channel, ChannelType
from .payloads import channel_payload, user_payload
from .permissions import P, has
from .rest_common import HandlerTable, require_channel_permissions, visible_channel
from .rest_server import RestRequest
from .snowflakes import iso, utc_now
from .state import EmulatorState

HANDLERS = HandlerTable()
_THREAD_OF = {
    ChannelType.GUILD_TEXT: ChannelType.PUBLIC_THREAD,
    ChannelType.GUILD_ANNOUNCEMENT: ChannelType.ANNOUNCEMENT_THREAD,
}


def _thread(state: EmulatorState, channel_id: int) -> Channel:
    channel = visible_channel(state, channel_id)
    if not channel.is_thread:
        raise errors.DiscordError(400, errors.INVALID_CHANNEL_TYPE, "Cannot execute action on this channel type")
    return channel


def thread_member_payload(thread: Channel, user_id: int) -> dict[str, Any]:
    return {"id": str(thread.id), "user_id": str(user_id), "join_timestamp": iso(utc_now()), "flags": 0}


def _members_update(
    req: RestRequest, thread: Channel, *, added: Sequence[int] = (), removed: Sequence[int] = ()
) -> None:
    state = req.emu.state
    data: dict[str, Any] = {
        "id": str(thread.id),
        "guild_id": str(thread.guild_id),
        "member_count": min(50, len(thread.thread_member_ids)),
    }
    if added:
        data["added_members"] = [thread_member_payload(thread, u) for u in added]
    if removed:
        data["removed_member_ids"] = [str(u) for u in removed]
    if state.bot_user.id in added or state.bot_user.id in removed:
        req.emu.gateway.dispatch(
            "THREAD_MEMBER_UPDATE",
            {**thread_member_payload(thread, state.bot_user.id), "guild_id": str(thread.guild_id)},
            guild_id=thread.guild_id,
        )
    req.emu.gateway.dispatch("THREAD_MEMBERS_UPDATE", data, guild_id=thread.guild_id)


@HANDLERS.route("create_thread_from_message")
async def create_thread_from_message(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    parent = visible_channel(state, req.snowflake("channel_id"))
    kind = _THREAD_OF.get(parent.type)
    if kind is None:
        raise errors.DiscordError(400, errors.INVALID_CHANNEL_TYPE, "Cannot execute action on this channel type")
    require_channel_permissions(state, parent, P.CREATE_PUBLIC_THREADS, P.READ_MESSAGE_HISTORY)
    message = state.message(parent.id, req.snowflake("message_id"))
    if message.id in state.channels:
        raise errors.DiscordError(
            400, errors.THREAD_ALREADY_CREATED, "A thread has already been created for this message"
        )
    body: dict[str, Any] = req.body or {}
    thread = Channel(
        id=message.id,
        type=kind,
        guild_id=parent.guild_id,
        name=body["name"],
        parent_id=parent.id,
        owner_id=state.bot_user.id,
        rate_limit_per_user=body.get("rate_limit_per_user") or 0,
        auto_archive_duration=body.get("auto_archive_duration") or 1440,
        thread_member_ids=[state.bot_user.id],
    )
    state.channels[thread.id] = thread  # not among the guild's channels: GUILD_CREATE lists threads apart
    payload = channel_payload(state, thread)
    req.emu.gateway.dispatch("THREAD_CREATE", {**payload, "newly_created": True}, guild_id=thread.guild_id)
    return RestAnswer(201, {**payload, "member": thread_member_payload(thread, state.bot_user.id)})


@HANDLERS.route("add_thread_member")
async def add_thread_member(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    thread = _thread(state, req.snowflake("channel_id"))
    require_channel_permissions(state, thread, P.SEND_MESSAGES_IN_THREADS)
    if thread.archived:
        raise errors.DiscordError(400, errors.THREAD_ARCHIVED, "Thread is archived")
    user_id = req.snowflake("user_id")
    state.member(thread.guild_id or 0, user_id)
    if user_id not in thread.thread_member_ids:
        thread.thread_member_ids.append(user_id)
        _members_update(req, thread, added=[user_id])
    return no_content()


@HANDLERS.route("delete_thread_member")
async def delete_thread_member(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    thread = _thread(state, req.snowflake("channel_id"))
    require_channel_permissions(state, thread, P.MANAGE_THREADS)
    user_id = req.snowflake("user_id")
    if user_id in thread.thread_member_ids:
        thread.thread_member_ids.remove(user_id)
        _members_update(req, thread, removed=[user_id])
    return no_content()


@HANDLERS.route("get_thread_member")
async def get_thread_member(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    thread = _thread(state, req.snowflake("channel_id"))
    user_id = req.snowflake("user_id")
    if user_id not in thread.thread_member_ids:
        raise errors.not_found(errors.UNKNOWN_MEMBER, "Member")
    return RestAnswer(200, thread_member_payload(thread, user_id))


@HANDLERS.route("list_thread_members")
async def list_thread_members(req: RestRequest) -> RestAnswer:
    state = req.emu.state
    thread = _thread(state, req.snowflake("channel_id"))
    listed = []
    for user_id in thread.thread_member_ids:
        entry = thread_member_payload(thread, user_id)
        if req.flag("with_member") and user_id in state.users:
            entry["user"] = user_payload(state.users[user_id])
        listed.append(entry)
    return RestAnswer(200, listed)


@HANDLERS.route("update_channel")
async def update_channel(req: RestRequest) -> RestAnswer:
    """Only threads' `archived` and `locked` are emulated; other changes are refused as unknown."""
    state = req.emu.state
    thread = _thread(state, req.snowflake("channel_id"))
    body: dict[str, Any] = req.body or {}
    unsupported = set(body) - {"archived", "locked", "auto_archive_duration", "name"}
    if unsupported:
        raise errors.DiscordError(400, errors.GENERAL_ERROR, f"The emulator does not change {sorted(unsupported)}")
    permissions = require_channel_permissions(state, thread)
    if thread.archived and body.get("archived") is not False:  # an archived thread changes only by reopening
        raise errors.DiscordError(400, errors.THREAD_ARCHIVED, "Thread is archived")
    manages = has(permissions, P.MANAGE_THREADS)
    reopens = body.get("archived") is False and not body.get("locked")
    if body.get("locked") is not None and not manages:
        raise errors.missing_permissions()
    if not (manages or thread.owner_id == state.bot_user.id or (reopens and has(permissions, P.SEND_MESSAGES))):
        raise errors.missing_permissions()
    if "name" in body:
        thread.name = body["name"]
    if "auto_archive_duration" in body:
        thread.auto_archive_duration = body["auto_archive_duration"]
    if "locked" in body:
        thread.locked = bool(body["locked"])
    if "archived" in body and bool(body["archived"]) != thread.archived:
        thread.archived = bool(body["archived"])
        thread.archived_at = utc_now()
    payload = channel_payload(state, thread)
    req.emu.gateway.dispatch("THREAD_UPDATE", payload, guild_id=thread.guild_id)
    return RestAnswer(200, payload)


@HANDLERS.route("delete_channel")
async def delete_channel(req: RestRequest) -> RestAnswer:
    """Only threads are deleted here (the bot deletes no other channel): it needs Manage Threads,
    as Discord documents, and answers the thread's channel object."""
    state = req.emu.state
    thread = _thread(state, req.snowflake("channel_id"))
    if not has(require_channel_permissions(state, thread), P.MANAGE_THREADS):
        raise errors.missing_permissions()
    payload = channel_payload(state, thread)
    req.emu.world.delete_channel(thread.id)
    return RestAnswer(200, payload)


def unarchive_on_message(req: RestRequest, thread: Channel) -> None:
    """A message sent to an archived thread that is not locked brings it back, as in Discord."""
    thread.message_count += 1
    if thread.archived and not thread.locked:
        thread.archived = False
        thread.archived_at = utc_now()
        req.emu.gateway.dispatch("THREAD_UPDATE", channel_payload(req.emu.state, thread), guild_id=thread.guild_id)
