"""The emulated world: users, guilds, channels, messages, events, commands; lookups that fail like Discord."""

from __future__ import annotations

import asyncio
import base64
import secrets
import time
from collections.abc import Callable
from typing import TypeVar

from . import errors
from .models import (
    AppCommand,
    Attachment,
    Channel,
    ChannelType,
    Guild,
    Member,
    MessageRecord,
    Role,
    ScheduledEvent,
    User,
)
from .permissions import P, base_permissions, channel_permissions
from .snowflakes import SnowflakeGenerator

T = TypeVar("T")


class ChangeNotifier:
    """Wakes waiters whenever the world changes, so tests wait on conditions instead of sleeping."""

    def __init__(self) -> None:
        self.version = 0
        self._waiters: list[asyncio.Future[None]] = []

    def touch(self) -> None:
        self.version += 1
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_for(self, predicate: Callable[[], T], timeout: float, what: str = "condition") -> T:
        """Return the first truthy value of `predicate()`, re-checked after every change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout:.2f}s waiting for {what}")
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append(waiter)
            try:
                await asyncio.wait_for(asyncio.shield(waiter), timeout=remaining)
            except TimeoutError:
                continue


def make_bot_token(bot_user_id: int) -> str:
    """A token shaped like a real one (base64 id . timestamp . hmac); discord.py never parses it."""
    head = base64.b64encode(str(bot_user_id).encode()).decode().rstrip("=")
    return f"{head}.{secrets.token_urlsafe(4)}.{secrets.token_urlsafe(27)}"


class EmulatorState:
    """Everything the emulated Discord knows, with Discord-shaped 404s for unknown ids."""

    def __init__(self, *, bot_name: str = "Meetup Bot") -> None:
        self.ids = SnowflakeGenerator()
        self.changes = ChangeNotifier()
        self.application_id = self.ids.next()
        # Applications made since 2016 share their id with their bot user.
        self.bot_user = User(
            id=self.application_id,
            username=bot_name.lower().replace(" ", "-"),
            global_name=bot_name,
            bot=True,
        )
        self.bot_token = make_bot_token(self.bot_user.id)
        self.owner_user = User(id=self.ids.next(), username="app-owner", global_name="App Owner")
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.owner_user.id: self.owner_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, MessageRecord] = {}
        self.channel_message_ids: dict[int, list[int]] = {}
        self.dm_channel_by_user: dict[int, int] = {}
        self.scheduled_events: dict[int, ScheduledEvent] = {}
        self.commands: dict[int, AppCommand] = {}
        self.attachments: dict[int, Attachment] = {}  # every uploaded file, served by the control API
        self.started_at = time.monotonic()

    # -- lookups that raise Discord's errors -------------------------------------------------------
    def user(self, user_id: int) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise errors.not_found(errors.UNKNOWN_USER, "User") from None

    def guild(self, guild_id: int) -> Guild:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise errors.not_found(errors.UNKNOWN_GUILD, "Guild") from None

    def channel(self, channel_id: int) -> Channel:
        channel = self.channels.get(channel_id)
        if channel is None or channel.deleted:
            raise errors.not_found(errors.UNKNOWN_CHANNEL, "Channel")
        return channel

    def member(self, guild_id: int, user_id: int) -> Member:
        try:
            return self.guild(guild_id).members[user_id]
        except KeyError:
            raise errors.not_found(errors.UNKNOWN_MEMBER, "Member") from None

    def role(self, guild_id: int, role_id: int) -> Role:
        try:
            return self.guild(guild_id).roles[role_id]
        except KeyError:
            raise errors.not_found(errors.UNKNOWN_ROLE, "Role") from None

    def message(self, channel_id: int, message_id: int) -> MessageRecord:
        message = self.messages.get(message_id)
        if message is None or message.deleted or message.channel_id != channel_id:
            raise errors.not_found(errors.UNKNOWN_MESSAGE, "Message")
        return message

    def scheduled_event(self, guild_id: int, event_id: int) -> ScheduledEvent:
        event = self.scheduled_events.get(event_id)
        if event is None or event.deleted or event.guild_id != guild_id:
            raise errors.not_found(errors.UNKNOWN_GUILD_SCHEDULED_EVENT, "Guild Scheduled Event")
        return event

    # -- derived facts ----------------------------------------------------------------------------
    def guild_channels(self, guild_id: int) -> list[Channel]:
        guild = self.guild(guild_id)
        return [self.channels[c] for c in guild.channel_ids if not self.channels[c].deleted]

    def active_threads(self, guild_id: int) -> list[Channel]:
        return [
            c
            for c in self.channels.values()
            if c.is_thread and c.guild_id == guild_id and not c.deleted and not c.archived
        ]

    def messages_in(self, channel_id: int, *, include_deleted: bool = False) -> list[MessageRecord]:
        ids = self.channel_message_ids.get(channel_id, [])
        records = (self.messages[i] for i in ids)
        return [m for m in records if include_deleted or not m.deleted]

    def everyone_role(self, guild: Guild) -> Role:
        return guild.roles[guild.id]

    def guild_permissions(self, guild_id: int, user_id: int) -> int:
        guild = self.guild(guild_id)
        member = guild.members.get(user_id)
        if member is None:
            return 0
        return base_permissions(
            is_owner=guild.owner_id == user_id,
            everyone_permissions=self.everyone_role(guild).permissions,
            role_permissions=(guild.roles[r].permissions for r in member.role_ids if r in guild.roles),
        )

    def permissions_in(self, channel: Channel, user_id: int) -> int:
        """A member's computed permissions in a channel; DMs allow the usual messaging permissions."""
        if channel.guild_id is None:
            return int(
                P.VIEW_CHANNEL
                | P.SEND_MESSAGES
                | P.READ_MESSAGE_HISTORY
                | P.ADD_REACTIONS
                | P.EMBED_LINKS
                | P.ATTACH_FILES
                | P.USE_EXTERNAL_EMOJIS
                | P.MENTION_EVERYONE
            )
        guild = self.guild(channel.guild_id)
        member = guild.members.get(user_id)
        if member is None:
            return 0
        if channel.is_thread and channel.parent_id in self.channels:
            return self.permissions_in(self.channels[channel.parent_id], user_id)  # a thread has its parent's
        base = self.guild_permissions(guild.id, user_id)
        overwrites = list(channel.overwrites)
        if channel.parent_id is not None and not overwrites and channel.parent_id in self.channels:
            overwrites = list(self.channels[channel.parent_id].overwrites)  # synced with its category
        return channel_permissions(
            base, guild_id=guild.id, member_id=user_id, member_role_ids=member.role_ids, overwrites=overwrites
        )

    def bot_permissions_in(self, channel: Channel) -> int:
        return self.permissions_in(channel, self.bot_user.id)

    def dm_channel_for(self, user_id: int) -> Channel:
        """The DM channel between the bot and a user, made on first use (as POST /users/@me/channels does)."""
        channel_id = self.dm_channel_by_user.get(user_id)
        if channel_id is not None:
            return self.channels[channel_id]
        self.user(user_id)
        channel = Channel(id=self.ids.next(), type=ChannelType.DM, guild_id=None, name=None, recipient_ids=[user_id])
        self.channels[channel.id] = channel
        self.dm_channel_by_user[user_id] = channel.id
        return channel

    def dm_recipient(self, channel: Channel) -> User | None:
        return self.users.get(channel.recipient_ids[0]) if channel.recipient_ids else None

    def add_message(self, message: MessageRecord) -> None:
        self.messages[message.id] = message
        self.remember_attachments(message.attachments)
        self.channel_message_ids.setdefault(message.channel_id, []).append(message.id)
        channel = self.channels.get(message.channel_id)
        if channel is not None:
            channel.last_message_id = message.id

    def remember_attachments(self, attachments: list[Attachment]) -> None:
        for attachment in attachments:
            self.attachments[attachment.id] = attachment
